//! Writing single documents at once: the write API's way into the index.
//!
//! Each call takes the writer, applies its change, commits and reloads the reader, so the
//! change is searchable when the call returns. Documents written this way are recorded with
//! the origin [`API_ORIGIN_ROOT`], which no folder run ever deletes. May import `error`,
//! `ingest` and the rest of `index`.

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::writer::Origin;
use super::{engine, StoredDocument, VigieIndex};
use crate::error::IndexError;
use crate::ingest::Document;

/// The origin recorded for documents written through the API (no folder has this name).
pub const API_ORIGIN_ROOT: &str = "api:";

/// What a write did to one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WriteStatus {
    /// The document was new.
    Added,
    /// The document existed and was replaced.
    Replaced,
    /// The document existed with the same content; nothing was written.
    Unchanged,
}

/// The outcome of writing one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The document's id.
    pub id: String,
    /// What happened.
    pub status: WriteStatus,
    /// Passages the document holds.
    pub passages: usize,
}

impl VigieIndex {
    /// Adds or replaces `documents` and commits. Fails with [`IndexError::Locked`] when another
    /// process holds the writer lock (nothing is written then).
    pub fn put_documents(&self, documents: &[Document]) -> Result<Vec<Written>, IndexError> {
        let mut writer = self.writer(1)?;
        let mut outcomes = Vec::with_capacity(documents.len());
        for document in documents {
            let origin = Origin {
                root: API_ORIGIN_ROOT,
                file: &document.id,
            };
            let status = match self.stored_document(&document.id)? {
                Some(previous)
                    if previous.content_hash == document.content_hash
                        && previous.origin_root == origin.root
                        && previous.origin_file == origin.file =>
                {
                    WriteStatus::Unchanged
                }
                Some(_) => WriteStatus::Replaced,
                None => WriteStatus::Added,
            };
            if status != WriteStatus::Unchanged {
                writer.upsert(document, origin)?;
            }
            outcomes.push(Written {
                id: document.id.clone(),
                status,
                passages: document.passages.len(),
            });
        }
        writer.commit()?;
        writer.finish()?;
        Ok(outcomes)
    }

    /// Removes the document `doc_id` and commits; `false` when there was no such document.
    pub fn remove_document(&self, doc_id: &str) -> Result<bool, IndexError> {
        let mut writer = self.writer(1)?;
        if self.stored_document(doc_id)?.is_none() {
            return Ok(false);
        }
        writer.delete(doc_id);
        writer.commit()?;
        writer.finish()?;
        Ok(true)
    }

    /// The hash and origin of the document `doc_id`, if the index holds it.
    pub fn stored_document(&self, doc_id: &str) -> Result<Option<StoredDocument>, IndexError> {
        let fields = self.fields();
        let searcher = self.searcher();
        let query = TermQuery::new(
            Term::from_field_text(fields.doc_id, doc_id),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(engine)?;
        let Some((_, address)) = top.first() else {
            return Ok(None);
        };
        let stored: TantivyDocument = searcher.doc(*address).map_err(engine)?;
        Ok(Some(StoredDocument::read(&stored, fields)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::bytes::read_json_document;

    #[test]
    fn a_document_is_added_then_unchanged_then_replaced_then_removed() {
        let index = VigieIndex::create_in_ram().expect("index");
        let first =
            read_json_document(br#"{"id": "n", "title": "N", "text": "Le PNR."}"#).expect("reads");
        let put = |document: &Document| {
            index
                .put_documents(std::slice::from_ref(document))
                .expect("writes")[0]
                .status
        };
        assert_eq!(put(&first), WriteStatus::Added);
        assert_eq!(index.passage_count(), 1);
        assert_eq!(put(&first), WriteStatus::Unchanged);
        let second =
            read_json_document(br#"{"id": "n", "title": "N", "text": "Le SIS."}"#).expect("reads");
        assert_eq!(put(&second), WriteStatus::Replaced);
        assert_eq!(index.passage_count(), 1);
        assert!(index.remove_document("n").expect("removes"));
        assert!(!index.remove_document("n").expect("no-op"));
        assert_eq!(index.passage_count(), 0);
    }
}
