//! Writing documents: upsert by document id, delete, commit.
//!
//! A document is replaced whole: all its passages are deleted by `doc_id`, then the new ones
//! are added, in the same commit, so a reader never sees half a document.

use tantivy::indexer::UserOperation;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::gate::Turn;
use super::schema::{date_key, passage_key, SHORT_DOCUMENT_PASSAGES};
use super::{engine, VigieIndex};
use crate::error::IndexError;
use crate::ingest::{Document, DocumentKind, Passage};

/// Where a document came from, recorded so a later run can tell which documents left a folder.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The folder that was indexed.
    pub root: &'a str,
    /// The file, relative to `root`.
    pub file: &'a str,
}

/// The index's single writer. Changes become visible on [`DocumentWriter::commit`].
pub struct DocumentWriter {
    writer: IndexWriter,
    index: VigieIndex,
    // Declared last so it is released after the engine's writer (and its lock) is dropped.
    _turn: Turn,
}

impl DocumentWriter {
    pub(super) fn new(writer: IndexWriter, index: VigieIndex, turn: Turn) -> Self {
        DocumentWriter {
            writer,
            index,
            _turn: turn,
        }
    }

    /// Replaces every passage of `document` (by id) with its current passages, in one batch.
    pub fn upsert(&mut self, document: &Document, origin: Origin<'_>) -> Result<(), IndexError> {
        let delete = UserOperation::Delete(self.id_term(&document.id));
        self.write(vec![delete], document, origin)
    }

    /// Adds the passages of a document the index does not hold yet (no delete: cheaper at
    /// commit). Use [`DocumentWriter::upsert`] when it may be there.
    pub fn add(&mut self, document: &Document, origin: Origin<'_>) -> Result<(), IndexError> {
        self.write(Vec::new(), document, origin)
    }

    /// Runs `operations`, then adds the passages of `document`, as one batch: the engine
    /// writes a batch's documents one after another into one segment, and merges keep that
    /// order, so a document's passages always stand together (the per-document count relies
    /// on it). One batch per document, not more: the engine's queue holds a fixed number of
    /// batches, so batches of 256 operations let a fast reader queue much of a corpus (40 MB
    /// more at the peak of the 90k-article run, for no measurable time).
    fn write(
        &mut self,
        mut operations: Vec<UserOperation>,
        document: &Document,
        origin: Origin<'_>,
    ) -> Result<(), IndexError> {
        operations.extend(
            self.passage_entries(document, origin)
                .into_iter()
                .map(UserOperation::Add),
        );
        self.writer.run(operations).map_err(engine)?;
        Ok(())
    }

    /// The index documents of `document`'s passages.
    fn passage_entries(&self, document: &Document, origin: Origin<'_>) -> Vec<TantivyDocument> {
        let fields = *self.index.fields();
        let document_date_key = document.date.as_deref().and_then(date_key);
        let acts = document.own_act_numbers().join(" ");
        let mut entries = Vec::with_capacity(document.passages.len());
        let exact_copies = usize::from(self.index.variant().uses_exact_field());
        for passage in &document.passages {
            let mut entry = TantivyDocument::with_capacity(entry_bytes(
                document,
                passage,
                origin,
                acts.len(),
                exact_copies,
            ));
            entry.add_text(fields.doc_id, &document.id);
            entry.add_u64(fields.ordinal, u64::from(passage.ordinal));
            entry.add_u64(
                fields.passage_key,
                passage_key(&document.id, passage.ordinal),
            );
            entry.add_text(fields.body, &passage.text);
            if self.index.variant().uses_exact_field() {
                entry.add_text(fields.body_exact, &passage.text);
            }
            entry.add_text(fields.title, &document.title);
            let title_field =
                if passage.ordinal == 0 || document.passages.len() <= SHORT_DOCUMENT_PASSAGES {
                    fields.lead_title
                } else {
                    fields.inherited_title
                };
            entry.add_text(title_field, &document.title);
            if !acts.is_empty() {
                entry.add_text(fields.acts, &acts);
            }
            if let Some(date) = &document.date {
                entry.add_text(fields.date, date);
            }
            if let Some(key) = document_date_key {
                entry.add_u64(fields.date_key, key);
            }
            entry.add_text(fields.source, &document.source);
            entry.add_text(fields.source_key, &document.source);
            if let Some(url) = &document.url {
                entry.add_text(fields.url, url);
            }
            entry.add_text(fields.language, &document.language);
            entry.add_text(fields.kind, kind_name(document.kind));
            if let Some(heading) = &passage.heading {
                entry.add_text(fields.heading, heading);
            }
            if let Some(context) = passage.context.as_ref().or(passage.heading.as_ref()) {
                entry.add_text(fields.context, context);
                if Some(context) != passage.heading.as_ref() {
                    entry.add_text(fields.section, context);
                }
            }
            // A list item's lead-in is searched with it, and shown above it.
            if let Some(lead_in) = &passage.lead_in {
                entry.add_text(fields.lead_in, lead_in);
            }
            if let Some(article) = &passage.article {
                entry.add_text(fields.article, article);
                entry.add_text(fields.article_number, article);
            }
            entry.add_u64(fields.byte_start, passage.byte_range.start as u64);
            entry.add_u64(fields.byte_end, passage.byte_range.end as u64);
            // Read back only from first passages (see `VigieIndex::stored_documents`): a
            // 64-character hash does not compress, so it is not repeated.
            if passage.ordinal == 0 {
                entry.add_text(fields.content_hash, &document.content_hash);
                entry.add_text(fields.origin_root, origin.root);
                entry.add_text(fields.origin_file, origin.file);
            }
            entries.push(entry);
        }
        entries
    }

    /// Deletes every passage of the document `doc_id` (no error if there is none).
    pub fn delete(&mut self, doc_id: &str) {
        let term = self.id_term(doc_id);
        self.writer.delete_term(term);
    }

    /// The term naming every passage of the document `doc_id`.
    fn id_term(&self, doc_id: &str) -> Term {
        Term::from_field_text(self.index.fields().doc_id, doc_id)
    }

    /// Commits every change since the last commit and makes it visible to searchers.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        self.writer.commit().map_err(engine)?;
        self.index.reload()
    }

    /// Merges the given segments into one and waits until the merge is committed.
    pub(super) fn merge_all(
        &mut self,
        segment_ids: &[tantivy::index::SegmentId],
    ) -> Result<(), IndexError> {
        self.writer
            .merge(segment_ids)
            .wait()
            .map(|_| ())
            .map_err(engine)
    }

    /// Waits for background merges to finish and releases the writer lock.
    pub fn finish(self) -> Result<(), IndexError> {
        self.writer.wait_merging_threads().map_err(engine)
    }
}

/// Bytes a passage's entry takes at most: each value added to it and a length of up to five
/// bytes (tantivy's varint) before it. Allocated once, the entry does not grow by doubling,
/// which copied most passages' text two or three times (4 % of an indexing run's CPU).
fn entry_bytes(
    document: &Document,
    passage: &Passage,
    origin: Origin<'_>,
    acts_bytes: usize,
    exact_copies: usize,
) -> usize {
    const FIELDS: usize = 32;
    const VALUE_OVERHEAD: usize = 5;
    const NUMBER_BYTES: usize = 8;
    let optional = |value: &Option<String>| value.as_ref().map_or(0, String::len);
    let texts = document.id.len()
        + passage.text.len() * (1 + exact_copies)
        + document.title.len() * 2
        + acts_bytes
        + optional(&document.date)
        + document.source.len() * 2
        + optional(&document.url)
        + document.language.len()
        + kind_name(document.kind).len()
        + optional(&passage.heading)
        + optional(&passage.context).max(optional(&passage.heading)) * 2
        + optional(&passage.lead_in)
        + optional(&passage.article) * 2;
    let first_passage_only = if passage.ordinal == 0 {
        document.content_hash.len() + origin.root.len() + origin.file.len()
    } else {
        0
    };
    texts + first_passage_only + FIELDS * (VALUE_OVERHEAD + NUMBER_BYTES)
}

/// The stable name of a document kind, as stored and shown.
pub fn kind_name(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Text => "text",
        DocumentKind::Markdown => "markdown",
        DocumentKind::Html => "html",
        DocumentKind::Jsonl => "jsonl",
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::ingest::bytes::read_json_document;
    use crate::ingest::{read_file, SourceFile};

    /// The founding declaration, from the project's own corpus: 34 passages.
    fn declaration() -> Document {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let relative = "declaration-franco-belge-2018.fr.txt".to_string();
        let file = SourceFile {
            path: root.join(&relative),
            root,
            relative,
        };
        let mut outcome = read_file(&file).expect("reads the declaration");
        outcome.documents.remove(0)
    }

    #[test]
    fn operations_apply_in_the_order_they_were_asked() {
        let index = VigieIndex::create_in_ram().expect("index");
        let declaration = declaration();
        let note =
            read_json_document(br#"{"id": "n", "title": "N", "text": "Le PNR."}"#).expect("reads");
        let origin = Origin {
            root: "r",
            file: "f",
        };
        let mut writer = index.writer(1).expect("writer");
        // Ten replacements of a 34-passage document, in one commit: one copy is left.
        for _ in 0..10 {
            writer.upsert(&declaration, origin).expect("queues");
        }
        // Added, then deleted, in one commit: the deletion comes after the addition.
        writer.add(&note, origin).expect("queues");
        writer.delete("n");
        writer.commit().expect("commits");
        assert_eq!(index.passage_count(), declaration.passages.len() as u64);
        assert_eq!(index.document_count().expect("counts"), 1);

        // Deleted, then written again: the new version stays.
        writer.delete(&declaration.id);
        writer.upsert(&declaration, origin).expect("queues");
        writer.commit().expect("commits");
        assert_eq!(index.passage_count(), declaration.passages.len() as u64);
        writer.finish().expect("finishes");
    }
}
