//! Ingestion: files on disk → [`Document`]s with metadata and [`Passage`]s.
//!
//! Owns file discovery (folders walked recursively), format dispatch by extension
//! (`.txt`, `.md`, `.html`/`.htm`, `.jsonl`), text repair, metadata extraction and
//! segmentation into passages. Knows nothing of the index: it may import only
//! [`crate::error`].

mod act;
pub mod bytes;
mod controls;
mod elisions;
mod encoding;
mod entities;
mod html;
mod html_guard;
mod initials;
mod jsonl;
mod jsonl_file;
mod markdown;
pub mod metadata;
mod segment;
mod text;

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use walkdir::WalkDir;

use crate::error::{IngestError, InvalidDocumentId};

/// Version of the ingest logic, mixed into every content hash: bump it when a change to
/// ingestion changes documents, so their old hashes no longer match and they are re-indexed.
/// 3: initials a PDF conversion set apart are joined back (`initials`), stray control
/// characters read as spaces, and UTF-16 without a byte-order mark is read. 4: elisions a
/// conversion wrote apart are joined (`elisions`), and a plain-text list stays open through
/// the items it sets apart (indented, or after a bullet) even when they end a sentence.
/// 5: an elision written apart after a footnote's or an item's number is joined (`6 L
/// ’article`), and so is any initial set apart that is no word, in a document whose
/// conversion set others apart (`• O mettre`).
pub const INGEST_VERSION: &str = "vigie-ingest-5";

/// File extensions Vigie reads (lowercase, without the dot).
pub const SUPPORTED_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm", "jsonl"];

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
    /// The headings enclosing the passage, outermost first and joined (`Livre VI › Titre II ›
    /// Chapitre Ier`), searched as the passage's context; without an outline, its heading.
    pub context: Option<String>,
    /// The law article the passage belongs to (`L232-1`, `Art. 5`), if any.
    pub article: Option<String>,
    /// The sentence introducing the list the passage is an item of (`Imposer une complexité
    /// du mot de passe en fonction des cas d'usage :`), searched with its context; an item
    /// is often read only beside it.
    pub lead_in: Option<String>,
}

impl Document {
    /// The numbers of the act this document is (`2016/679` for the regulation that opens
    /// with `Règlement (UE) 2016/679…`), read from its title and its first passage; empty
    /// for a document that is no numbered act.
    pub fn own_act_numbers(&self) -> Vec<String> {
        let first_passage = self.passages.first().map_or("", |passage| &passage.text);
        act::own_act_numbers(&self.title, first_passage)
    }
}

/// Longest document id accepted, in bytes.
pub const MAX_DOCUMENT_ID_BYTES: usize = 512;

/// Refuses a document id that is empty, too long, holds control characters, is an absolute
/// path, or has `.` or `..` segments: an id must never name a place outside the index, and
/// every id indexed must be one the API can open and delete.
pub fn check_document_id(id: &str) -> Result<(), InvalidDocumentId> {
    let refuse = |reason| {
        Err(InvalidDocumentId {
            id: id.to_string(),
            reason,
        })
    };
    if id.trim().is_empty() {
        return refuse("it is empty");
    }
    if id.len() > MAX_DOCUMENT_ID_BYTES {
        return refuse("it is longer than 512 bytes");
    }
    if id.chars().any(char::is_control) {
        return refuse("it holds control characters");
    }
    let bytes = id.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if id.starts_with('/') || id.starts_with('\\') || drive {
        return refuse("it is an absolute path");
    }
    if id
        .split(['/', '\\'])
        .any(|segment| segment == ".." || segment == ".")
    {
        return refuse("it has a `.` or `..` segment");
    }
    Ok(())
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

/// What walking the paths given found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// The files Vigie reads, sorted by path.
    pub files: Vec<SourceFile>,
    /// Paths that could not be read or walked, and files given by name that Vigie cannot read.
    pub errors: Vec<IngestError>,
    /// Files of other types met inside the folders (`.pdf`, `.docx`, images…), sorted: left
    /// aside, and said so in the run's report.
    pub other_files: Vec<PathBuf>,
}

/// Walks `paths` (files and folders, recursively) for the files Vigie can read.
///
/// Hidden files and folders (name starting with `.`) are skipped, symbolic links are followed
/// (a link loop is reported, not walked), and files of other types inside folders are listed
/// apart; a file given explicitly with an unsupported extension is an
/// [`IngestError::Unsupported`].
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut other_files = Vec::new();
    for given in paths {
        let metadata = match std::fs::metadata(given) {
            Ok(metadata) => metadata,
            Err(cause) => {
                errors.push(IngestError::Io {
                    path: given.clone(),
                    cause,
                });
                continue;
            }
        };
        if metadata.is_file() {
            if kind_of(given).is_none() {
                errors.push(IngestError::Unsupported {
                    path: given.clone(),
                });
                continue;
            }
            let root = given.parent().map(Path::to_path_buf).unwrap_or_default();
            let relative = given
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push(SourceFile {
                root,
                path: given.clone(),
                relative,
            });
            continue;
        }
        let walker = WalkDir::new(given)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0
                    || !(is_hidden(entry.file_name())
                        || (entry.file_type().is_dir()
                            && entry.path().join(INDEX_MARKER_FILE).is_file()))
            });
        for entry_result in walker {
            let entry = match entry_result {
                Ok(entry) => entry,
                Err(error) => {
                    let path = error
                        .path()
                        .map_or_else(|| given.clone(), Path::to_path_buf);
                    let cause = error
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("symbolic link loop"));
                    errors.push(IngestError::Io { path, cause });
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            if kind_of(entry.path()).is_none() {
                other_files.push(entry.path().to_path_buf());
                continue;
            }
            let relative_path = entry.path().strip_prefix(given).unwrap_or(entry.path());
            let relative = relative_path
                .components()
                .map(|component| component.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push(SourceFile {
                root: given.clone(),
                path: entry.path().to_path_buf(),
                relative,
            });
        }
    }
    files.sort_by(|left, right| left.path.cmp(&right.path));
    files.dedup_by(|left, right| left.path == right.path);
    other_files.sort();
    other_files.dedup();
    Discovery {
        files,
        errors,
        other_files,
    }
}

/// The file that marks a folder as a Vigie index: a folder holding it is never walked for
/// documents (an index kept inside the folder it indexes is not a pile of unknown files).
pub const INDEX_MARKER_FILE: &str = "vigie-index.json";

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// The format of a file, from its extension (case-insensitive), if Vigie reads it.
pub fn kind_of(path: &Path) -> Option<DocumentKind> {
    let extension = path.extension()?.to_string_lossy().to_lowercase();
    match extension.as_str() {
        "txt" => Some(DocumentKind::Text),
        "md" | "markdown" => Some(DocumentKind::Markdown),
        "html" | "htm" => Some(DocumentKind::Html),
        "jsonl" => Some(DocumentKind::Jsonl),
        _ => None,
    }
}

/// Hex blake3 digest of `bytes` and [`INGEST_VERSION`].
pub fn content_hash(bytes: &[u8]) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(INGEST_VERSION.as_bytes());
    hasher.update(&[0]);
    hasher.update(bytes);
    hasher.finalize().to_hex().to_string()
}

/// Normalizes line ends to `\n`, stray control characters to spaces and the text to Unicode
/// NFC, copying only when needed.
pub(crate) fn clean_text(text: &str) -> Cow<'_, str> {
    let unified: Cow<'_, str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    // A PDF conversion may write a control character between words (`En\x07matière`):
    // shown, the words would run together; it is a space.
    let unified: Cow<'_, str> = if controls::stray_control_count(&unified) > 0 {
        Cow::Owned(
            unified
                .chars()
                .map(|c| {
                    if controls::is_stray_control(c) {
                        ' '
                    } else {
                        c
                    }
                })
                .collect(),
        )
    } else {
        unified
    };
    if is_nfc_quick(unified.chars()) == IsNormalized::Yes {
        unified
    } else {
        Cow::Owned(unified.nfc().collect())
    }
}

/// Who published a document that states nothing: the first folder of its path, else its name.
fn fallback_source(file: &SourceFile) -> String {
    match file.relative.split_once('/') {
        Some((first_folder, _)) => first_folder.to_string(),
        None => file.relative.clone(),
    }
}

fn file_name(file: &SourceFile) -> String {
    file.path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.relative.clone())
}

/// Reads one file into documents.
pub fn read_file(file: &SourceFile) -> Result<FileOutcome, IngestError> {
    let mut documents = Vec::new();
    let line_errors = read_file_each(file, &mut |document, _| {
        documents.push(document);
        true
    })?;
    Ok(FileOutcome {
        documents,
        line_errors,
    })
}

/// Reads one file like [`read_file`] but hands each document to `on_document` as soon as it
/// is read, with the number of the file's bytes read so far: a JSON Lines file is read line
/// by line, never held whole, and its lines can be indexed while the next ones are parsed.
/// Returns the bad lines. `on_document` returns `false` to stop reading (the receiver has
/// gone).
///
/// File-level errors (unreadable, not text, empty) are found before any document is handed
/// over, except in a JSON Lines file, whose head is checked: a line found broken further on
/// is a bad line, and an I/O error there ends the file's documents.
pub fn read_file_each(
    file: &SourceFile,
    on_document: &mut dyn FnMut(Document, u64) -> bool,
) -> Result<Vec<IngestError>, IngestError> {
    let kind = kind_of(&file.path).ok_or_else(|| IngestError::Unsupported {
        path: file.path.clone(),
    })?;
    if kind == DocumentKind::Jsonl {
        return jsonl_file::read(file, jsonl_file::MAX_LINE_BYTES, on_document);
    }
    let bytes = std::fs::read(&file.path).map_err(|cause| IngestError::Io {
        path: file.path.clone(),
        cause,
    })?;
    let read = bytes.len() as u64;
    read_source(file, kind, &bytes, &mut |document| {
        on_document(document, read)
    })
}

/// Reads the bytes of one file (already in memory), handing each document to `on_document`;
/// returns the bad lines of a JSON Lines file.
fn read_source(
    file: &SourceFile,
    kind: DocumentKind,
    bytes: &[u8],
    on_document: &mut dyn FnMut(Document) -> bool,
) -> Result<Vec<IngestError>, IngestError> {
    let decoded = encoding::decode(&file.path, kind, bytes)?;
    let raw_text: &str = &decoded;
    let name_language = metadata::language_from_file_name(&file_name(file));
    if kind == DocumentKind::Jsonl {
        return Ok(jsonl_file::read_text(
            file,
            raw_text,
            name_language.as_deref(),
            on_document,
        ));
    }
    let cleaned = clean_text(raw_text);
    // Plain text and Markdown are often converted from PDF, which may set initials and
    // elisions apart.
    let joined;
    let text = match kind {
        DocumentKind::Text | DocumentKind::Markdown => {
            joined = elisions::join_elisions(&cleaned);
            initials::rejoin_initials(&joined)
        }
        DocumentKind::Html | DocumentKind::Jsonl => Cow::Borrowed(&*cleaned),
    };
    let (blocks, stated) = match kind {
        DocumentKind::Text => {
            let stated = Stated {
                source: metadata::find_stated_source(&text),
                ..Stated::default()
            };
            (text::parse(&text), stated)
        }
        DocumentKind::Markdown => {
            let parsed = markdown::parse(&text);
            let stated = Stated {
                title: parsed.front_matter.title.or(parsed.first_heading),
                date: parsed.front_matter.date,
                source: parsed.front_matter.source,
                url: parsed.front_matter.url,
                language: parsed
                    .front_matter
                    .language
                    .as_deref()
                    .and_then(metadata::normalize_language),
            };
            (parsed.blocks, stated)
        }
        DocumentKind::Html if html_guard::nesting_depth_exceeds(&text, html_guard::MAX_NESTING) => {
            tracing::warn!(
                path = %file.path.display(),
                "HTML nested deeper than {} levels: reading its text without its structure",
                html_guard::MAX_NESTING
            );
            (
                text::parse(&html_guard::strip_markup(&text)),
                Stated::default(),
            )
        }
        DocumentKind::Html | DocumentKind::Jsonl => {
            let parsed = html::parse(&text);
            let stated = Stated {
                title: parsed.title,
                date: parsed.date,
                source: parsed.source,
                url: parsed.url,
                language: parsed.language,
            };
            (parsed.blocks, stated)
        }
    };
    let segmented = segment::segment(blocks);
    if segmented.passages.is_empty() {
        return Err(IngestError::Empty {
            path: file.path.clone(),
        });
    }
    let date = stated.date.or_else(|| {
        (kind != DocumentKind::Html)
            .then(|| metadata::find_latest_date(&segmented.text))
            .flatten()
    });
    let title = stated
        .title
        .filter(|title| !title.trim().is_empty())
        .unwrap_or_else(|| metadata::guess_title(&segmented.text));
    let document = Document {
        id: file.relative.clone(),
        title,
        date,
        source: stated.source.unwrap_or_else(|| fallback_source(file)),
        url: stated.url,
        language: name_language
            .or(stated.language)
            .unwrap_or_else(|| "fr".to_string()),
        kind,
        content_hash: content_hash(bytes),
        text: segmented.text,
        passages: segmented.passages,
    };
    on_document(document);
    Ok(Vec::new())
}

/// Metadata a file states about itself.
#[derive(Default)]
struct Stated {
    title: Option<String>,
    date: Option<String>,
    source: Option<String>,
    url: Option<String>,
    language: Option<String>,
}

#[cfg(test)]
mod tests;
