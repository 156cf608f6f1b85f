//! Bringing an index in line with files on disk: the indexer's run.
//!
//! Unchanged documents (same content hash) are skipped, changed ones replaced, new ones added,
//! and documents whose files have left an indexed folder are deleted. A file that cannot be
//! read is reported and skipped, and the documents it held before are kept: bad data never
//! costs good data.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::writer::{DocumentWriter, Origin};
use super::{StoredDocument, VigieIndex};
use crate::error::{IndexError, IngestError};
use crate::ingest::{self, Document, SourceFile};

pub use crate::config::DEFAULT_COMMIT_EVERY;

/// Settings of an indexing run.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Indexing threads of the writer.
    pub threads: usize,
    /// Commit after this many added or updated documents (and always at the end), so an
    /// interrupted run loses at most one batch.
    pub commit_every: usize,
    /// How long to wait for the index when another process holds it (a server merging its
    /// segments, say) before failing with [`IndexError::Locked`].
    pub lock_wait: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            threads: std::thread::available_parallelism().map_or(2, |count| count.get()),
            commit_every: DEFAULT_COMMIT_EVERY,
            lock_wait: Duration::ZERO,
        }
    }
}

/// What happened to one file, for progress reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    /// Read; its documents were added, updated or found unchanged.
    Indexed,
    /// Read, but some of its documents were left out (bad JSON lines, ids an earlier file
    /// gave; each reported); the others were indexed.
    Partial,
    /// Could not be read (reported); skipped.
    Failed,
}

/// Receives progress events of a run (a progress bar, log lines, or nothing).
pub trait Progress {
    /// The run found `files` files holding `bytes` bytes.
    fn start(&self, files: usize, bytes: u64);
    /// The file being processed has been read up to `bytes` (a JSON Lines file reports as its
    /// lines are read, other files once read whole). Nothing by default.
    fn file_progress(&self, _file: &SourceFile, _bytes: u64) {}
    /// One file of `bytes` bytes was processed.
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
    /// Why, in words (the file and line are in `path` and `line`, not repeated here).
    pub reason: String,
}

impl Failure {
    fn from_error(error: &IngestError) -> Self {
        let (path, line) = error.location();
        Failure {
            path: path.to_path_buf(),
            line,
            reason: error.reason(),
        }
    }
}

/// `path[:line]: reason`, each once.
impl std::fmt::Display for Failure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(formatter, ":{line}")?;
        }
        write!(formatter, ": {}", self.reason)
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
    /// Files of other types found in the folders (`.pdf`, `.docx`, images…): not read, not
    /// failures, listed so that nothing is left out unsaid.
    pub other_files: Vec<PathBuf>,
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
    let ingest::Discovery {
        files,
        errors: discovery_errors,
        other_files,
    } = ingest::discover(paths);
    report.other_files = other_files;
    for error in &discovery_errors {
        record_failure(&mut report, progress, Failure::from_error(error));
    }
    let sizes: Vec<u64> = files
        .iter()
        .map(|file| std::fs::metadata(&file.path).map_or(0, |metadata| metadata.len()))
        .collect();
    progress.start(files.len(), sizes.iter().sum());

    let mut writer = index.writer_waiting(options.threads, options.lock_wait)?;
    let mut run = RunState {
        stored: &stored,
        seen_ids: HashMap::new(),
        kept_files: HashSet::new(),
        pending_writes: 0,
        commit_every: options.commit_every,
    };
    let mut root_names: HashMap<PathBuf, String> = HashMap::new();

    // Files are read and parsed on their own thread while this one feeds the writer (whose
    // threads analyze): the bounded queue keeps both busy and caps the documents in memory.
    std::thread::scope(|scope| -> Result<(), IndexError> {
        let (sender, receiver) = mpsc::sync_channel::<Vec<Parsed>>(PARSED_QUEUE);
        let files_to_read = &files;
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(PARSED_BATCH);
            let hand_over = |batch: &mut Vec<Parsed>| sender.send(std::mem::take(batch)).is_ok();
            for file in files_to_read {
                let outcome = ingest::read_file_each(file, &mut |document, read| {
                    batch.push(Parsed::Document(document, read));
                    batch.len() < PARSED_BATCH || hand_over(&mut batch)
                });
                batch.push(Parsed::FileDone(outcome));
                if !hand_over(&mut batch) {
                    return;
                }
            }
        });
        let mut remaining = files.iter().zip(sizes.iter().copied());
        let mut current = remaining.next();
        // Position of the current file in `files`, and whether it repeated an earlier id.
        let mut file_index = 0;
        let mut repeated_ids = false;
        let mut current_root = current.map(|(file, _)| {
            root_names
                .entry(file.root.clone())
                .or_insert_with(|| root_name(&file.root))
                .clone()
        });
        for parsed in receiver.into_iter().flatten() {
            let (Some((file, bytes)), Some(root)) = (current, current_root.as_deref()) else {
                break;
            };
            let origin = Origin {
                root,
                file: &file.relative,
            };
            match parsed {
                Parsed::Document(document, read) => {
                    let written = run.write(
                        &mut writer,
                        &mut report,
                        &document,
                        origin,
                        &file.path,
                        file_index,
                    )?;
                    progress.file_progress(file, read);
                    let reason = match written {
                        Written::Done => None,
                        Written::Repeated { first_file } => Some(format!(
                            "document {:?} is already given by {}",
                            document.id,
                            files[first_file].path.display()
                        )),
                        Written::Collision { indexed_from } => Some(format!(
                            "document {:?} is already indexed from {}, another file, which is \
                             kept (index both from one folder, or rename one)",
                            document.id,
                            indexed_from.display()
                        )),
                    };
                    if let Some(reason) = reason {
                        repeated_ids = true;
                        let failure = Failure {
                            path: file.path.clone(),
                            line: None,
                            reason,
                        };
                        record_failure(&mut report, progress, failure);
                    }
                }
                Parsed::FileDone(outcome) => {
                    let status = match outcome {
                        Ok(line_errors) => {
                            report.bytes_read += bytes;
                            for error in &line_errors {
                                record_failure(&mut report, progress, Failure::from_error(error));
                            }
                            if line_errors.is_empty() && !repeated_ids {
                                FileStatus::Indexed
                            } else {
                                run.kept_files
                                    .insert((root.to_string(), file.relative.clone()));
                                FileStatus::Partial
                            }
                        }
                        Err(error) => {
                            run.kept_files
                                .insert((root.to_string(), file.relative.clone()));
                            record_failure(&mut report, progress, Failure::from_error(&error));
                            FileStatus::Failed
                        }
                    };
                    progress.file_done(file, bytes, status);
                    current = remaining.next();
                    file_index += 1;
                    repeated_ids = false;
                    current_root = current.map(|(file, _)| {
                        root_names
                            .entry(file.root.clone())
                            .or_insert_with(|| root_name(&file.root))
                            .clone()
                    });
                }
            }
        }
        Ok(())
    })?;
    let RunState {
        seen_ids,
        kept_files,
        ..
    } = run;

    // Only folders given by the user define what "left the folder" means: a single file's
    // root is its parent folder, which holds documents this run never looked at.
    let walked_roots: HashSet<String> = paths
        .iter()
        .filter(|path| path.is_dir())
        .map(|path| root_name(path))
        .collect();
    let mut taken_over = TakenOver::new(&files, &kept_files, &mut root_names);
    for (doc_id, previous) in &stored {
        if seen_ids.contains_key(doc_id)
            || kept_files.contains(&(previous.origin_root.clone(), previous.origin_file.clone()))
        {
            continue;
        }
        if walked_roots.contains(&previous.origin_root) || taken_over.read_again(previous) {
            writer.delete(doc_id);
            report.deleted += 1;
        }
    }

    writer.commit()?;
    writer.finish()?;
    index.reload()?;
    // A bulk load leaves a few segments per commit batch and writer thread; every query pays
    // per segment (term lookups, scorer set-up), so when this run wrote most of the index and
    // left more segments than one batch makes, one more pass makes it a single segment (on
    // the 90k-article file: 1 s more, about a quarter more searches per second). Small runs
    // leave merging to the writer's policy.
    let passages_now = index.passage_count();
    let bulk_run = report.passages_written > 0 && report.passages_written * 2 >= passages_now;
    if bulk_run && index.segment_count() > options.threads.max(2) {
        index.merge_segments(options.threads)?;
    }
    report.documents_total = index.document_count()?;
    report.passages_total = index.passage_count();
    report.elapsed = started.elapsed();
    progress.finish();
    Ok(report)
}

/// Documents the reading thread hands over at once (fewer when a file ends): handed over
/// one by one, each woke the writing loop, about once per article of a JSON Lines file.
const PARSED_BATCH: usize = 32;

/// Batches read but not yet written, at most: about 500 documents, enough to ride out a slow
/// line or a commit without holding much text.
const PARSED_QUEUE: usize = 16;

/// What the reading thread hands to the writing loop, file after file in order.
enum Parsed {
    /// A document of the current file, and how many of the file's bytes were read with it.
    Document(Document, u64),
    /// The current file is done: its bad lines, or why it could not be read.
    FileDone(Result<Vec<IngestError>, IngestError>),
}

/// What [`RunState::write`] did with a document.
enum Written {
    /// Added, replaced, or found unchanged.
    Done,
    /// Left out: the file at `first_file` gave the same id earlier in the run.
    Repeated { first_file: usize },
    /// Left out: the index holds the id from another file, which still exists.
    Collision { indexed_from: PathBuf },
}

/// The writing side of a run: what the index held, what this run has seen.
struct RunState<'a> {
    stored: &'a HashMap<String, StoredDocument>,
    /// Every document id this run has read, with the position of the file that gave it first.
    seen_ids: HashMap<String, usize>,
    /// Files whose old documents must be kept: unreadable files and files with bad lines.
    kept_files: HashSet<(String, String)>,
    pending_writes: usize,
    commit_every: usize,
}

impl RunState<'_> {
    /// Adds, replaces or skips one document of the file at `file_index`, committing every
    /// `commit_every` writes. A document whose id an earlier file of the run already gave is
    /// left out: the first one read stays, whatever the order of later runs' changes. So is
    /// one whose id the index holds from another file that still exists (two folders giving
    /// the same relative path): the indexed one stays. One whose old file is gone (its
    /// folder moved or renamed) is replaced.
    fn write(
        &mut self,
        writer: &mut DocumentWriter,
        report: &mut SyncReport,
        document: &Document,
        origin: Origin<'_>,
        path: &Path,
        file_index: usize,
    ) -> Result<Written, IndexError> {
        let first_file = *self
            .seen_ids
            .entry(document.id.clone())
            .or_insert(file_index);
        if first_file != file_index {
            return Ok(Written::Repeated { first_file });
        }
        match self.stored.get(&document.id) {
            Some(previous) if is_unchanged(previous, &document.content_hash, origin) => {
                report.unchanged += 1;
                return Ok(Written::Done);
            }
            Some(previous) if previous.origin_root != origin.root => {
                if let Some(indexed_from) = other_existing_file(previous, path) {
                    // Not this run's: the other file, if walked later, is read as usual.
                    self.seen_ids.remove(&document.id);
                    return Ok(Written::Collision { indexed_from });
                }
                report.updated += 1;
            }
            Some(_) => report.updated += 1,
            None => report.added += 1,
        }
        if !self.stored.contains_key(&document.id) {
            // Nothing to delete: skipping the delete saves a term lookup per segment at commit.
            writer.add(document, origin)?;
        } else {
            writer.upsert(document, origin)?;
        }
        report.passages_written += document.passages.len() as u64;
        self.pending_writes += 1;
        if self.pending_writes >= self.commit_every {
            writer.commit()?;
            self.pending_writes = 0;
            tracing::info!(
                written = report.added + report.updated,
                "committed: an interrupted run keeps what is committed, and a re-run skips it"
            );
        }
        Ok(Written::Done)
    }
}

fn is_unchanged(previous: &StoredDocument, content_hash: &str, origin: Origin<'_>) -> bool {
    previous.content_hash == content_hash
        && previous.origin_root == origin.root
        && previous.origin_file == origin.file
}

/// The files a run read in full, to find documents indexed from one of them under another id
/// (`x.md` from a run over its folder, `sub/x.md` from a run over the folder above): the
/// file no longer gives that id, so the later run takes the document over and the old id
/// goes, rather than every passage appearing twice.
struct TakenOver {
    /// Files read in full, by file name, as found.
    by_name: HashMap<String, Vec<PathBuf>>,
    /// Canonical paths, computed once per path.
    canonical: HashMap<PathBuf, Option<PathBuf>>,
}

impl TakenOver {
    fn new(
        files: &[SourceFile],
        kept_files: &HashSet<(String, String)>,
        root_names: &mut HashMap<PathBuf, String>,
    ) -> Self {
        let mut by_name: HashMap<String, Vec<PathBuf>> = HashMap::new();
        for file in files {
            let root = root_names
                .entry(file.root.clone())
                .or_insert_with(|| root_name(&file.root));
            if kept_files.contains(&(root.clone(), file.relative.clone())) {
                continue;
            }
            if let Some(name) = file.path.file_name() {
                by_name
                    .entry(name.to_string_lossy().into_owned())
                    .or_default()
                    .push(file.path.clone());
            }
        }
        TakenOver {
            by_name,
            canonical: HashMap::new(),
        }
    }

    /// Whether `previous` was indexed from a file this run read (under another id).
    fn read_again(&mut self, previous: &StoredDocument) -> bool {
        let indexed_from = Path::new(&previous.origin_root).join(&previous.origin_file);
        let Some(candidates) = indexed_from
            .file_name()
            .and_then(|name| self.by_name.get(name.to_string_lossy().as_ref()))
        else {
            return false;
        };
        let candidates = candidates.clone();
        let Some(old) = self.canonical_of(&indexed_from) else {
            return false;
        };
        candidates
            .iter()
            .any(|path| self.canonical_of(path).as_ref() == Some(&old))
    }

    fn canonical_of(&mut self, path: &Path) -> Option<PathBuf> {
        self.canonical
            .entry(path.to_path_buf())
            .or_insert_with(|| std::fs::canonicalize(path).ok())
            .clone()
    }
}

/// The file `previous` was indexed from, when it still exists and is not `path`.
fn other_existing_file(previous: &StoredDocument, path: &Path) -> Option<PathBuf> {
    let indexed_from = Path::new(&previous.origin_root).join(&previous.origin_file);
    let old = std::fs::canonicalize(&indexed_from).ok()?;
    let new = std::fs::canonicalize(path).ok()?;
    (old != new).then_some(indexed_from)
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
