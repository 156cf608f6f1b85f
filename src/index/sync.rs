//! Bringing an index in line with files on disk: the indexer's run.
//!
//! Unchanged documents (same content hash) are skipped, changed ones replaced, new ones added,
//! and documents whose files have left an indexed folder are deleted. A file that cannot be
//! read is reported and skipped, and the documents it held before are kept: bad data never
//! costs good data.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::writer::Origin;
use super::{StoredDocument, VigieIndex};
use crate::error::{IndexError, IngestError};
use crate::ingest::{self, SourceFile};

/// Settings of an indexing run.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Indexing threads of the writer.
    pub threads: usize,
    /// Commit after this many added or updated documents (and always at the end), so an
    /// interrupted run loses at most one batch.
    pub commit_every: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            threads: std::thread::available_parallelism().map_or(2, |count| count.get()),
            commit_every: 5_000,
        }
    }
}

/// What happened to one file, for progress reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    /// Read; its documents were added, updated or found unchanged.
    Indexed,
    /// Read, but some JSON lines were bad (reported); the others were indexed.
    Partial,
    /// Could not be read (reported); skipped.
    Failed,
}

/// Receives progress events of a run (a progress bar, log lines, or nothing).
pub trait Progress {
    /// The run found `files` files holding `bytes` bytes.
    fn start(&self, files: usize, bytes: u64);
    /// One file was processed.
    fn file_done(&self, file: &SourceFile, bytes: u64, status: FileStatus);
    /// One error was found (a bad file or a bad line).
    fn failure(&self, failure: &Failure);
    /// The run is over.
    fn finish(&self);
}

/// Progress sink that ignores every event.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _files: usize, _bytes: u64) {}
    fn file_done(&self, _file: &SourceFile, _bytes: u64, _status: FileStatus) {}
    fn failure(&self, _failure: &Failure) {}
    fn finish(&self) {}
}

/// One file or line that could not be indexed, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    /// The file.
    pub path: PathBuf,
    /// The line of a JSON Lines file, when the error is about one line.
    pub line: Option<usize>,
    /// Why, in words.
    pub reason: String,
}

impl Failure {
    fn from_error(error: &IngestError) -> Self {
        let (path, line) = match error {
            IngestError::Io { path, .. }
            | IngestError::InvalidUtf8 { path, .. }
            | IngestError::Binary { path }
            | IngestError::Empty { path }
            | IngestError::Unsupported { path }
            | IngestError::Malformed { path, .. } => (path.clone(), None),
            IngestError::BadLine { path, line, .. } => (path.clone(), Some(*line)),
        };
        Failure {
            path,
            line,
            reason: error.to_string(),
        }
    }
}

/// The summary of a run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SyncReport {
    /// Documents new to the index.
    pub added: usize,
    /// Documents whose content changed and were replaced.
    pub updated: usize,
    /// Documents skipped because their content hash was unchanged.
    pub unchanged: usize,
    /// Documents deleted because their file left an indexed folder.
    pub deleted: usize,
    /// Files (or JSON lines) that could not be indexed.
    pub failed: usize,
    /// Passages written by this run.
    pub passages_written: u64,
    /// Documents in the index after the run.
    pub documents_total: usize,
    /// Passages in the index after the run.
    pub passages_total: u64,
    /// Bytes of the files read.
    pub bytes_read: u64,
    /// Every failure, in the order found.
    pub failures: Vec<Failure>,
    /// Wall-clock time of the run.
    #[serde(serialize_with = "serialize_seconds")]
    pub elapsed: Duration,
}

fn serialize_seconds<S: serde::Serializer>(
    duration: &Duration,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

/// Indexes `paths` (files and folders) into `index`, deleting documents of those folders whose
/// files are gone, and commits.
pub fn sync_paths(
    index: &VigieIndex,
    paths: &[PathBuf],
    options: &SyncOptions,
    progress: &dyn Progress,
) -> Result<SyncReport, IndexError> {
    let started = Instant::now();
    let mut report = SyncReport::default();
    let stored = index.stored_documents()?;
    let (files, discovery_errors) = ingest::discover(paths);
    for error in &discovery_errors {
        record_failure(&mut report, progress, Failure::from_error(error));
    }
    let sizes: Vec<u64> = files
        .iter()
        .map(|file| std::fs::metadata(&file.path).map_or(0, |metadata| metadata.len()))
        .collect();
    progress.start(files.len(), sizes.iter().sum());

    let mut writer = index.writer(options.threads)?;
    let mut seen_ids: HashSet<String> = HashSet::new();
    // Files whose old documents must be kept: unreadable files and files with bad lines.
    let mut kept_files: HashSet<(String, String)> = HashSet::new();
    let mut pending_writes = 0usize;
    let mut root_names: HashMap<PathBuf, String> = HashMap::new();

    for (file, bytes) in files.iter().zip(sizes) {
        let root = root_names
            .entry(file.root.clone())
            .or_insert_with(|| root_name(&file.root))
            .clone();
        let origin = Origin {
            root: &root,
            file: &file.relative,
        };
        let status = match ingest::read_file(file) {
            Ok(outcome) => {
                report.bytes_read += bytes;
                for document in &outcome.documents {
                    seen_ids.insert(document.id.clone());
                    match stored.get(&document.id) {
                        Some(previous)
                            if is_unchanged(previous, &document.content_hash, origin) =>
                        {
                            report.unchanged += 1;
                            continue;
                        }
                        Some(_) => report.updated += 1,
                        None => report.added += 1,
                    }
                    writer.upsert(document, origin)?;
                    report.passages_written += document.passages.len() as u64;
                    pending_writes += 1;
                    if pending_writes >= options.commit_every {
                        writer.commit()?;
                        pending_writes = 0;
                    }
                }
                for error in &outcome.line_errors {
                    record_failure(&mut report, progress, Failure::from_error(error));
                }
                if outcome.line_errors.is_empty() {
                    FileStatus::Indexed
                } else {
                    kept_files.insert((root.clone(), file.relative.clone()));
                    FileStatus::Partial
                }
            }
            Err(error) => {
                kept_files.insert((root.clone(), file.relative.clone()));
                record_failure(&mut report, progress, Failure::from_error(&error));
                FileStatus::Failed
            }
        };
        progress.file_done(file, bytes, status);
    }

    // Only folders given by the user define what "left the folder" means: a single file's
    // root is its parent folder, which holds documents this run never looked at.
    let walked_roots: HashSet<String> = paths
        .iter()
        .filter(|path| path.is_dir())
        .map(|path| root_name(path))
        .collect();
    for (doc_id, previous) in &stored {
        let gone = walked_roots.contains(&previous.origin_root)
            && !seen_ids.contains(doc_id)
            && !kept_files.contains(&(previous.origin_root.clone(), previous.origin_file.clone()));
        if gone {
            writer.delete(doc_id);
            report.deleted += 1;
        }
    }

    writer.commit()?;
    writer.finish()?;
    index.reload()?;
    report.documents_total = index.document_count()?;
    report.passages_total = index.passage_count();
    report.elapsed = started.elapsed();
    progress.finish();
    Ok(report)
}

fn is_unchanged(previous: &StoredDocument, content_hash: &str, origin: Origin<'_>) -> bool {
    previous.content_hash == content_hash
        && previous.origin_root == origin.root
        && previous.origin_file == origin.file
}

fn record_failure(report: &mut SyncReport, progress: &dyn Progress, failure: Failure) {
    progress.failure(&failure);
    report.failed += 1;
    report.failures.push(failure);
}

/// The stable name of an indexed folder: its canonical path when it exists.
fn root_name(root: &Path) -> String {
    std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .to_string_lossy()
        .into_owned()
}
