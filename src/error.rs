//! The library's typed errors, one enum per module boundary.
//!
//! Each error carries the context a user needs (a path, a document id, a line number).
//! `anyhow` is used only at the top (`main.rs`, `cli/`), never in the library.

use std::path::{Path, PathBuf};

/// Why a file could not be turned into documents. Always names the file.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read from disk.
    #[error("{path}: cannot read: {cause}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error (in the message, not as `source()`, so that it is
        /// printed once).
        cause: std::io::Error,
    },
    /// The file is not valid UTF-8 text.
    #[error(
        "{path}: not valid UTF-8 text (first bad byte at offset {offset}); convert it to UTF-8 \
         (from Windows-1252: iconv -f WINDOWS-1252 -t UTF-8), or declare an HTML page's \
         encoding with <meta charset>"
    )]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// The file is UTF-8 cut short: it ends inside a character.
    #[error(
        "{path}: ends inside a UTF-8 character (incomplete bytes from offset {offset}); the file \
         looks truncated: copy or save it again whole"
    )]
    TruncatedUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the incomplete character.
        offset: usize,
    },
    /// A file is not valid text in the encoding it declares (a byte-order mark, an HTML
    /// page's `<meta>`).
    #[error("{path}: not valid {encoding} text, the encoding {declared_by} declares")]
    InvalidEncoding {
        /// The file.
        path: PathBuf,
        /// The encoding declared.
        encoding: String,
        /// What declares it: `its byte-order mark`, `its <meta>`.
        declared_by: &'static str,
    },
    /// The file looks binary (NUL bytes or mostly control characters).
    #[error("{path}: binary content, not text")]
    Binary {
        /// The file.
        path: PathBuf,
    },
    /// The file holds no readable text.
    #[error("{path}: no readable text")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file's extension is not one Vigie reads.
    #[error("{path}: unsupported file type (expected .txt, .md, .html, .htm or .jsonl)")]
    Unsupported {
        /// The file.
        path: PathBuf,
    },
    /// The file's content is malformed for its format.
    #[error("{path}: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong, in words.
        reason: String,
    },
    /// One line of a JSON Lines file gives an id that is refused.
    #[error("{path}:{line}: {invalid}")]
    InvalidId {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The id and why it is refused.
        invalid: InvalidDocumentId,
    },
    /// One line of a JSON Lines file is not a valid document.
    #[error("{path}:{line}: {reason}")]
    BadLine {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong, in words.
        reason: String,
    },
}

impl IngestError {
    /// The file, and the line of a JSON Lines file, the error is about.
    pub fn location(&self) -> (&Path, Option<usize>) {
        match self {
            IngestError::Io { path, .. }
            | IngestError::InvalidUtf8 { path, .. }
            | IngestError::TruncatedUtf8 { path, .. }
            | IngestError::InvalidEncoding { path, .. }
            | IngestError::Binary { path }
            | IngestError::Empty { path }
            | IngestError::Unsupported { path }
            | IngestError::Malformed { path, .. } => (path, None),
            IngestError::InvalidId { path, line, .. } | IngestError::BadLine { path, line, .. } => {
                (path, Some(*line))
            }
        }
    }

    /// What is wrong, without the file and line that start the message.
    pub fn reason(&self) -> String {
        let message = self.to_string();
        let prefix = match self.location() {
            (path, Some(line)) => format!("{}:{line}: ", path.display()),
            (path, None) => format!("{}: ", path.display()),
        };
        match message.strip_prefix(&prefix) {
            Some(reason) => reason.to_string(),
            None => message,
        }
    }
}

/// A document id refused because it could name a place outside the index.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid document id {id:?}: {reason}")]
pub struct InvalidDocumentId {
    /// The id as given.
    pub id: String,
    /// Why it is refused, in words.
    pub reason: &'static str,
}

/// Errors of the on-disk index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The index directory could not be created or read.
    #[error("index directory {path}: {cause}")]
    Directory {
        /// The index directory.
        path: PathBuf,
        /// The underlying I/O error (in the message, not as `source()`, so that it is
        /// printed once).
        cause: std::io::Error,
    },
    /// A path given to index is missing or cannot be read.
    #[error("cannot read {path}, given to index: {cause}")]
    Input {
        /// The path as given.
        path: PathBuf,
        /// The underlying I/O error.
        cause: std::io::Error,
    },
    /// A rebuild was refused because the folder may hold something other than an index;
    /// nothing was deleted.
    #[error("refusing to rebuild the index in {path}: {reason}; nothing was deleted")]
    RebuildRefused {
        /// The folder given as the index.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
    /// Another process holds the index writer lock.
    #[error("index {path} is locked by another writer (is another `vigie index` or `vigie serve` running?)")]
    Locked {
        /// The index directory.
        path: PathBuf,
    },
    /// The index was built by an incompatible version of Vigie.
    #[error("index {path} was built with an incompatible schema ({found}); re-index with `vigie index --rebuild`")]
    Incompatible {
        /// The index directory.
        path: PathBuf,
        /// What was found instead of the expected schema.
        found: String,
    },
    /// A folder could not be watched for changes.
    #[error("cannot watch {path}: {reason}")]
    Watch {
        /// The folder.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
    /// An error from the search engine library.
    #[error("index engine: {0}")]
    Engine(String),
}

/// Errors returned by a search request.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The request is invalid (user error): a stable code and a message.
    #[error("{message}")]
    InvalidRequest {
        /// Stable snake_case code, e.g. `empty_query`.
        code: &'static str,
        /// A helpful message for the user.
        message: String,
    },
    /// The requested document does not exist.
    #[error("no document with id {0:?}")]
    DocumentNotFound(String),
    /// Something failed inside the index (internal error).
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// Errors in the configuration: they stop start-up.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A setting has a value that cannot be used.
    #[error("invalid setting {name}={value:?}: {reason}")]
    Invalid {
        /// Name of the setting (flag or environment variable).
        name: String,
        /// The value given.
        value: String,
        /// Why it cannot be used.
        reason: String,
    },
}
