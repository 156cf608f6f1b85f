//! Ingestion: files on disk → [`Document`]s with metadata and [`Passage`]s.
//!
//! Owns file discovery (folders walked recursively), format dispatch by extension
//! (`.txt`, `.md`, `.html`/`.htm`, `.jsonl`), text repair, metadata extraction and
//! segmentation into passages. Knows nothing of the index: it may import only
//! [`crate::error`].

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::IngestError;

/// Largest passage, in characters; longer paragraphs are cut at sentence ends.
pub const MAX_PASSAGE_CHARS: usize = 1200;

/// The format a document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    /// Plain text (`.txt`), often a PDF conversion.
    Text,
    /// Markdown (`.md`).
    Markdown,
    /// HTML (`.html`, `.htm`).
    Html,
    /// One line of a JSON Lines file (`.jsonl`).
    Jsonl,
}

/// One document, ready to index: metadata, full plain text and passages.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Stable id: the path relative to the indexed folder (`/`-separated), the file name for a
    /// single file, or the `id` of a JSON line.
    pub id: String,
    /// Title: HTML `<title>`/`<h1>`, Markdown's first heading, JSONL `title`, or a heuristic.
    pub title: String,
    /// Date stated by the document, ISO `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Who published it (HTML meta, front matter, JSONL `source`), or the file name.
    pub source: String,
    /// Link to the original, when the document states one.
    pub url: Option<String>,
    /// ISO 639-1 language code (`fr` unless the file name or metadata says otherwise).
    pub language: String,
    /// The format it was read from.
    pub kind: DocumentKind,
    /// Hex digest of the bytes the document was built from, plus the ingest version.
    pub content_hash: String,
    /// The readable plain text of the whole document; passages are slices of it.
    pub text: String,
    /// Passages in reading order.
    pub passages: Vec<Passage>,
}

/// A quotable unit of a document: a paragraph, a law article or a bullet item.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    /// 0-based position of the passage in its document.
    pub ordinal: u32,
    /// The passage's plain text (equal to `document.text[byte_range]`).
    pub text: String,
    /// Byte range of the passage in [`Document::text`].
    pub byte_range: Range<usize>,
    /// The nearest heading above the passage, if any.
    pub heading: Option<String>,
    /// The law article the passage belongs to (`L232-1`, `Art. 5`), if any.
    pub article: Option<String>,
}

/// A file found under an indexed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The folder given by the user (or the file's parent for a single file).
    pub root: PathBuf,
    /// The file itself.
    pub path: PathBuf,
    /// `path` relative to `root`, `/`-separated: the document id of a non-JSONL file.
    pub relative: String,
}

/// What reading one file produced.
#[derive(Debug, Default)]
pub struct FileOutcome {
    /// The documents read (one, or one per valid JSON line).
    pub documents: Vec<Document>,
    /// Lines of a JSON Lines file that could not be read; the other lines are kept.
    pub line_errors: Vec<IngestError>,
}

/// Walks `paths` (files and folders, recursively) and returns the files Vigie can read,
/// sorted by path. Unreadable entries are returned as errors beside the files found.
pub fn discover(paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<IngestError>) {
    todo_discover(paths)
}

/// Reads one file into documents.
pub fn read_file(file: &SourceFile) -> Result<FileOutcome, IngestError> {
    todo_read(file)
}

fn todo_discover(_paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<IngestError>) {
    unimplemented!()
}
fn todo_read(_file: &SourceFile) -> Result<FileOutcome, IngestError> {
    unimplemented!()
}
#[allow(dead_code)]
fn _unused(_p: &Path) {}
