//! Documents that arrive as bytes rather than as files: an upload or a JSON document sent to
//! the write API.
//!
//! Reuses the file readers: an upload's format is picked by its file name's extension, exactly
//! as for a file on disk, and a JSON document is read like one line of a `.jsonl` file. Imports
//! nothing outside `ingest` and `error`.

use std::path::{Path, PathBuf};

use super::jsonl::{read_line, FileContext};
use super::{kind_of, read_source, Document, FileOutcome, SourceFile};
use crate::error::IngestError;

/// The name errors give to a JSON document sent as a request body.
const BODY_NAME: &str = "request body";

/// Source recorded for a JSON document that names none.
pub const DEFAULT_SOURCE: &str = "api";

/// Reads an uploaded file's bytes into documents. `file_name` picks the format (by extension)
/// and, unless `id` is given, is the document's id; a `.jsonl` upload holds one document a
/// line, each with its own id.
pub fn read_upload(
    file_name: &str,
    id: Option<&str>,
    bytes: &[u8],
) -> Result<FileOutcome, IngestError> {
    let path = PathBuf::from(file_name);
    let kind = kind_of(&path).ok_or_else(|| IngestError::Unsupported { path: path.clone() })?;
    let file = SourceFile {
        root: PathBuf::new(),
        relative: id.unwrap_or(file_name).to_string(),
        path,
    };
    let mut documents = Vec::new();
    let line_errors = read_source(&file, kind, bytes, &mut |document| {
        documents.push(document);
        true
    })?;
    Ok(FileOutcome {
        documents,
        line_errors,
    })
}

/// Reads a JSON document `{id, title, text, date?, source?, url?, section?, language?}` (the
/// fields of a `.jsonl` line) into a document.
pub fn read_json_document(bytes: &[u8]) -> Result<Document, IngestError> {
    let path = Path::new(BODY_NAME);
    let text = std::str::from_utf8(bytes).map_err(|error| IngestError::InvalidUtf8 {
        path: path.to_path_buf(),
        offset: error.valid_up_to(),
    })?;
    let context = FileContext {
        path,
        fallback_source: DEFAULT_SOURCE,
        fallback_language: None,
    };
    read_line(&context, 1, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_is_read_by_its_extension_and_named_by_its_id() {
        let outcome = read_upload(
            "note.md",
            Some("notes/note.md"),
            b"# Coop\xC3\xA9ration\n\nUn paragraphe sur la coop\xC3\xA9ration polici\xC3\xA8re.\n",
        )
        .expect("markdown reads");
        assert_eq!(outcome.documents.len(), 1);
        assert_eq!(outcome.documents[0].id, "notes/note.md");
        assert_eq!(outcome.documents[0].title, "Coopération");
        let unsupported = read_upload("scan.pdf", None, b"%PDF-1.7");
        assert!(matches!(unsupported, Err(IngestError::Unsupported { .. })));
    }

    #[test]
    fn a_json_document_reads_like_a_jsonl_line() {
        let document = read_json_document(
            br#"{"id": "note-1", "title": "Note", "text": "Le fichier PNR est consult\u00e9.", "date": "2024-03-01"}"#,
        )
        .expect("reads");
        assert_eq!(document.id, "note-1");
        assert_eq!(document.source, DEFAULT_SOURCE);
        assert_eq!(document.date.as_deref(), Some("2024-03-01"));
        assert!(read_json_document(br#"{"id": "x"}"#).is_err());
    }
}
