//! The on-disk index: opening or creating it, its readers, and writing documents.
//!
//! Owns the tantivy index and is the only module that names schema fields ([`schema`]).
//! Writes go through [`writer::DocumentWriter`] (upsert by document id, delete, commit);
//! [`sync`] brings an index in line with folders on disk. May import `error`, `ingest`
//! and `analysis`; never `search`, `http` or `cli`.

pub mod documents;
mod gate;
pub mod merge;
pub mod schema;
pub mod sync;
pub mod watch;
pub mod writer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tantivy::collector::{Count, DocSetCollector};
use tantivy::directory::error::LockError;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{
    Index, IndexReader, IndexSettings, ReloadPolicy, Searcher, TantivyDocument, TantivyError, Term,
};

use crate::analysis::{self, Variant};
use crate::error::IndexError;
pub use merge::{state_of, IndexState};
pub use schema::{Fields, SCHEMA_VERSION};
pub use writer::DocumentWriter;

/// File in the index directory that records which layout built the index.
const VERSION_FILE: &str = crate::ingest::INDEX_MARKER_FILE;

/// Memory budget of the index writer, shared by its threads.
const WRITER_MEMORY_BYTES: usize = 256 * 1024 * 1024;

/// Time between two attempts at a locked index's writer lock.
const LOCK_RETRY: Duration = Duration::from_millis(100);

/// Decompressed doc-store blocks kept per segment (tantivy keeps 100). A returned passage
/// costs the decompression of its 16 KiB block unless the block is cached. Over HTTP on the
/// 90k-article index, 7,569 distinct questions ran at 3,500–3,780 req/s with 100 blocks,
/// 3,770–4,030 with 500 (server RSS 112 → 128 MB) and no better with 1,000 or 2,000, which
/// cost 80 MB more.
const DOC_STORE_CACHE_BLOCKS: usize = 500;

/// zstd level of the doc store: 3 (zstd's default) packs 72 MB of articles into 37 MB where
/// lz4 needs 54 MB; level 1 saves little time and gives 1 MB back.
const DOCSTORE_ZSTD_LEVEL: i32 = 3;

/// Doc store block size (tantivy's default): a hit decompresses one block, so larger blocks
/// pack better but cost every returned passage more.
const DOCSTORE_BLOCK_BYTES: usize = 16 * 1024;

/// What the index remembers of an indexed document, to decide what a re-run must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    /// Content hash of the indexed version.
    pub content_hash: String,
    /// The folder it was indexed from.
    pub origin_root: String,
    /// The file it was read from, relative to `origin_root`.
    pub origin_file: String,
}

impl StoredDocument {
    /// What a document's first passage, as stored, records of it.
    fn read(stored: &TantivyDocument, fields: &Fields) -> Self {
        StoredDocument {
            content_hash: stored_text(stored, fields.content_hash),
            origin_root: stored_text(stored, fields.origin_root),
            origin_file: stored_text(stored, fields.origin_file),
        }
    }
}

/// A stored text field's first value, or the empty string.
fn stored_text(stored: &TantivyDocument, field: tantivy::schema::Field) -> String {
    stored
        .get_first(field)
        .and_then(|value| value.as_str())
        .unwrap_or_default()
        .to_string()
}

/// An open Vigie index: the tantivy index, its schema fields and a reader.
#[derive(Clone)]
pub struct VigieIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    path: Option<PathBuf>,
    gate: gate::WriteGate,
    merges: merge::MergeHistory,
    variant: Variant,
}

impl VigieIndex {
    /// Opens the index in `dir`, creating the folder and an empty index if there is none.
    /// Refuses an index built with another schema version.
    pub fn open_or_create(dir: &Path) -> Result<Self, IndexError> {
        Self::open_or_create_with(dir, Variant::default())
    }

    /// Opens or creates the index in `dir` with an analysis `variant` (evaluation). Refuses
    /// an index built with another schema version or variant.
    pub fn open_or_create_with(dir: &Path, variant: Variant) -> Result<Self, IndexError> {
        std::fs::create_dir_all(dir).map_err(|cause| IndexError::Directory {
            path: dir.to_path_buf(),
            cause,
        })?;
        let (schema, fields) = Fields::build();
        let has_index = dir.join("meta.json").exists();
        let index = if has_index {
            check_version(dir, variant)?;
            let index = Index::open_in_dir(dir).map_err(engine)?;
            if index.schema() != schema {
                return Err(IndexError::Incompatible {
                    path: dir.to_path_buf(),
                    found: "a different field layout".to_string(),
                });
            }
            index
        } else {
            let index = Index::builder()
                .schema(schema)
                .settings(index_settings())
                .create_in_dir(dir)
                .map_err(engine)?;
            write_version(dir, variant)?;
            index
        };
        Self::from_index(index, fields, Some(dir.to_path_buf()), variant)
    }

    /// Opens the existing index in `dir`; fails if there is none.
    pub fn open_existing(dir: &Path) -> Result<Self, IndexError> {
        if !dir.join("meta.json").exists() {
            return Err(IndexError::Directory {
                path: dir.to_path_buf(),
                cause: std::io::Error::new(std::io::ErrorKind::NotFound, "no index here"),
            });
        }
        Self::open_or_create(dir)
    }

    /// Creates an empty index in memory (tests, evaluation).
    pub fn create_in_ram() -> Result<Self, IndexError> {
        let (schema, fields) = Fields::build();
        let index = Index::builder()
            .schema(schema)
            .settings(index_settings())
            .create_in_ram()
            .map_err(engine)?;
        Self::from_index(index, fields, None, Variant::default())
    }

    /// Deletes the index in `dir` and creates an empty one, for a run that will index
    /// `indexed`, waiting up to `lock_wait` for another writer to finish. See
    /// [`VigieIndex::rebuild_with`].
    pub fn rebuild(
        dir: &Path,
        indexed: &[PathBuf],
        lock_wait: Duration,
    ) -> Result<Self, IndexError> {
        Self::rebuild_with(dir, Variant::default(), indexed, lock_wait)
    }

    /// Deletes the index in `dir` and creates an empty one with `variant`, for a run that
    /// will index `indexed`.
    ///
    /// Deletes only what it is sure of, and nothing when it refuses: every path of `indexed`
    /// must be readable ([`IndexError::Input`]); `dir` must be missing, empty, or hold a
    /// Vigie index (`meta.json` or `vigie-index.json`), and must not be, hold or lie inside
    /// a path of `indexed` ([`IndexError::RebuildRefused`]); no other writer may hold it
    /// once `lock_wait` has passed ([`IndexError::Locked`]). Then only the index's own files
    /// are deleted (segment files, `meta.json`, `vigie-index.json`); anything else in `dir` is
    /// left alone.
    pub fn rebuild_with(
        dir: &Path,
        variant: Variant,
        indexed: &[PathBuf],
        lock_wait: Duration,
    ) -> Result<Self, IndexError> {
        let indexed_resolved = indexed
            .iter()
            .map(|path| readable_input(path))
            .collect::<Result<Vec<_>, _>>()?;
        let refuse = |reason: String| IndexError::RebuildRefused {
            path: dir.to_path_buf(),
            reason,
        };
        let dir_resolved = resolved(dir);
        for (given, input) in indexed.iter().zip(&indexed_resolved) {
            if dir_resolved.starts_with(input) || input.starts_with(&dir_resolved) {
                return Err(refuse(format!(
                    "it is, holds or lies inside {}, which is being indexed",
                    given.display()
                )));
            }
        }
        if !dir.exists() {
            return Self::open_or_create_with(dir, variant);
        }
        if !dir.is_dir() {
            return Err(refuse("it is not a folder".to_string()));
        }
        let directory_error = |cause| IndexError::Directory {
            path: dir.to_path_buf(),
            cause,
        };
        let mut names = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(directory_error)? {
            let name = entry.map_err(directory_error)?.file_name();
            // Dotfiles (a `.gitkeep`, tantivy's lock files) are never index content.
            if !name.to_string_lossy().starts_with('.') {
                names.push(name);
            }
        }
        let holds_index = names
            .iter()
            .any(|name| name == "meta.json" || name == VERSION_FILE);
        if !names.is_empty() && !holds_index {
            return Err(refuse(format!(
                "it is not empty and holds no Vigie index (no meta.json or {VERSION_FILE})"
            )));
        }
        // Held while the old files go and the new index is created: a running writer keeps
        // its files, and this run waits for it, then fails if it is still there.
        let _lock = retry_while_locked(lock_wait, || writer_lock(dir))?;
        for name in names.iter().filter(|name| is_index_file(name)) {
            let path = dir.join(name);
            std::fs::remove_file(&path).map_err(|cause| IndexError::Directory { path, cause })?;
        }
        Self::open_or_create_with(dir, variant)
    }

    fn from_index(
        index: Index,
        fields: Fields,
        path: Option<PathBuf>,
        variant: Variant,
    ) -> Result<Self, IndexError> {
        analysis::register_variant(&index, variant);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .doc_store_cache_num_blocks(DOC_STORE_CACHE_BLOCKS)
            .try_into()
            .map_err(engine)?;
        Ok(VigieIndex {
            index,
            reader,
            fields,
            path,
            gate: gate::WriteGate::default(),
            merges: merge::MergeHistory::default(),
            variant,
        })
    }

    /// The analysis variant the index was built with.
    pub fn variant(&self) -> Variant {
        self.variant
    }

    /// The index's French analyzer (its variant's chain), for analyzing queries alike.
    pub fn analyzer(&self) -> tantivy::tokenizer::TextAnalyzer {
        self.variant.analyzer()
    }

    /// The schema's fields.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The underlying tantivy index.
    pub fn tantivy_index(&self) -> &Index {
        &self.index
    }

    /// Where the index lives on disk (`None` for an in-memory index).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A searcher on the latest state the reader has loaded.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Makes the latest commit visible to new searchers now.
    pub fn reload(&self) -> Result<(), IndexError> {
        self.reader.reload().map_err(engine)
    }

    /// Takes the index's single writer lock and returns a writer. Waits for another writer of
    /// this process (same opened index) to finish; fails at once with [`IndexError::Locked`]
    /// if another process holds the lock.
    pub fn writer(&self, threads: usize) -> Result<DocumentWriter, IndexError> {
        let turn = self.gate.wait_turn();
        self.writer_in_turn(threads, turn)
    }

    /// Like [`VigieIndex::writer`], but while another process holds the lock, tries again
    /// for up to `wait` before failing with [`IndexError::Locked`].
    pub fn writer_waiting(
        &self,
        threads: usize,
        wait: Duration,
    ) -> Result<DocumentWriter, IndexError> {
        retry_while_locked(wait, || self.writer(threads))
    }

    /// Like [`VigieIndex::writer`], but `Ok(None)` at once if another writer of this process
    /// is writing.
    pub(crate) fn try_writer(&self, threads: usize) -> Result<Option<DocumentWriter>, IndexError> {
        match self.gate.try_turn() {
            Some(turn) => self.writer_in_turn(threads, turn).map(Some),
            None => Ok(None),
        }
    }

    fn writer_in_turn(
        &self,
        threads: usize,
        turn: gate::Turn,
    ) -> Result<DocumentWriter, IndexError> {
        let writer = self
            .index
            .writer_with_num_threads(threads.clamp(1, 8), WRITER_MEMORY_BYTES)
            .map_err(|error| match error {
                TantivyError::LockFailure(LockError::LockBusy, _) => IndexError::Locked {
                    path: self.path.clone().unwrap_or_default(),
                },
                other => engine(other),
            })?;
        Ok(DocumentWriter::new(writer, self.clone(), turn))
    }

    /// Number of segments searched.
    pub fn segment_count(&self) -> usize {
        self.searcher().segment_readers().len()
    }

    /// Number of passages in the index.
    pub fn passage_count(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// Number of documents in the index.
    pub fn document_count(&self) -> Result<usize, IndexError> {
        let first_passages = TermQuery::new(
            Term::from_field_u64(self.fields.ordinal, 0),
            IndexRecordOption::Basic,
        );
        self.searcher()
            .search(&first_passages, &Count)
            .map_err(engine)
    }

    /// Every indexed document with the hash and origin it was indexed from.
    pub fn stored_documents(&self) -> Result<HashMap<String, StoredDocument>, IndexError> {
        let searcher = self.searcher();
        let first_passages = TermQuery::new(
            Term::from_field_u64(self.fields.ordinal, 0),
            IndexRecordOption::Basic,
        );
        let addresses = searcher
            .search(&first_passages, &DocSetCollector)
            .map_err(engine)?;
        let mut documents = HashMap::with_capacity(addresses.len());
        for address in addresses {
            let stored: TantivyDocument = searcher.doc(address).map_err(engine)?;
            documents.insert(
                stored_text(&stored, self.fields.doc_id),
                StoredDocument::read(&stored, &self.fields),
            );
        }
        Ok(documents)
    }

    /// Size of the index files on disk, in bytes (0 in memory).
    pub fn size_on_disk(&self) -> u64 {
        let Some(dir) = &self.path else { return 0 };
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter_map(|entry| entry.metadata().ok())
                    .filter(|metadata| metadata.is_file())
                    .map(|metadata| metadata.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

/// Settings of a new index. The doc store holds every passage's text, most of the index:
/// zstd packs French text about a third smaller than tantivy's default (lz4) and still
/// decompresses a block in microseconds, and only returned hits read it.
fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(DOCSTORE_ZSTD_LEVEL),
        }),
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..IndexSettings::default()
    }
}

/// Runs `attempt` until it is not refused for a lock another writer holds, or until `wait`
/// has passed (then its last answer); says once that it waits.
fn retry_while_locked<T>(
    wait: Duration,
    mut attempt: impl FnMut() -> Result<T, IndexError>,
) -> Result<T, IndexError> {
    let deadline = Instant::now() + wait;
    let mut told = false;
    loop {
        match attempt() {
            Err(IndexError::Locked { .. }) if Instant::now() < deadline => {
                if !told {
                    tracing::info!(
                        wait_s = wait.as_secs(),
                        "the index is locked by another writer; waiting for it"
                    );
                    told = true;
                }
                std::thread::sleep(LOCK_RETRY);
            }
            result => return result,
        }
    }
}

/// Takes tantivy's writer lock on the index in `dir` (released on drop), or fails with
/// [`IndexError::Locked`] when another writer holds it.
fn writer_lock(dir: &Path) -> Result<tantivy::directory::DirectoryLock, IndexError> {
    use tantivy::directory::{Directory, MmapDirectory, INDEX_WRITER_LOCK};
    let directory =
        MmapDirectory::open(dir).map_err(|error| IndexError::Engine(error.to_string()))?;
    directory
        .acquire_lock(&INDEX_WRITER_LOCK)
        .map_err(|error| match error {
            LockError::LockBusy => IndexError::Locked {
                path: dir.to_path_buf(),
            },
            other => IndexError::Engine(other.to_string()),
        })
}

/// Whether a file name is one an index writes: its version record, tantivy's `meta.json`,
/// or a segment file (`<32 hex digits>.<component>`, as `…​.idx`, `….3.del`).
fn is_index_file(name: &std::ffi::OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    if name == "meta.json" || name == VERSION_FILE {
        return true;
    }
    match name.split_once('.') {
        Some((stem, component)) => {
            stem.len() == 32
                && stem.bytes().all(|byte| byte.is_ascii_hexdigit())
                && !component.is_empty()
        }
        None => false,
    }
}

/// A path given to index, canonical, once it is known to be readable.
fn readable_input(path: &Path) -> Result<PathBuf, IndexError> {
    let input_error = |cause| IndexError::Input {
        path: path.to_path_buf(),
        cause,
    };
    let canonical = std::fs::canonicalize(path).map_err(input_error)?;
    if canonical.is_dir() {
        std::fs::read_dir(&canonical).map_err(input_error)?;
    } else {
        std::fs::File::open(&canonical).map_err(input_error)?;
    }
    Ok(canonical)
}

/// `path` made absolute with its existing part canonical (symbolic links resolved), so that
/// a folder not created yet can still be compared with others.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            return missing
                .iter()
                .rev()
                .fold(canonical, |joined, part| joined.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Wraps an error of the engine library, keeping its message.
pub(crate) fn engine(error: TantivyError) -> IndexError {
    IndexError::Engine(error.to_string())
}

fn version_record(variant: Variant) -> serde_json::Value {
    let mut record = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "analyzer": analysis::ANALYZER_NAME,
        "analyzer_version": analysis::ANALYZER_VERSION,
    });
    // The default variant is not recorded, so default indexes keep their record as it was.
    if variant != Variant::default() {
        record["variant"] = serde_json::Value::from(variant.name());
    }
    record
}

fn write_version(dir: &Path, variant: Variant) -> Result<(), IndexError> {
    let path = dir.join(VERSION_FILE);
    let text = serde_json::to_string_pretty(&version_record(variant))
        .map_err(|error| IndexError::Engine(error.to_string()))?;
    std::fs::write(&path, text).map_err(|cause| IndexError::Directory { path, cause })
}

fn check_version(dir: &Path, variant: Variant) -> Result<(), IndexError> {
    let path = dir.join(VERSION_FILE);
    let found = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str::<serde_json::Value>(&text).ok(),
        Err(_) => None,
    };
    let expected = version_record(variant);
    match found {
        Some(record) if record == expected => Ok(()),
        Some(record) => Err(IndexError::Incompatible {
            path: dir.to_path_buf(),
            found: format!("version record {record}, expected {expected}"),
        }),
        None => Err(IndexError::Incompatible {
            path: dir.to_path_buf(),
            found: format!("no readable {VERSION_FILE}"),
        }),
    }
}
