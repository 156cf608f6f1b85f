//! The statistics BM25 scores with: a document's title is one field to it, although the index
//! holds it in two (as a passage's own title, or as the title a passage inherits from a long
//! document). Both fields then score a title word alike, rare or common over every title, and
//! differ only by their weights.

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::query::{Bm25StatisticsProvider, EnableScoring};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::index::Fields;

/// BM25 statistics of a searcher, the two title fields counted as one.
pub(super) struct Statistics<'a> {
    searcher: &'a Searcher,
    titles: [Field; 2],
    /// Document frequencies over both title fields, by word: each tier and pass of a query
    /// asks again, and each answer takes two term-dictionary lookups per segment.
    title_frequencies: RefCell<HashMap<String, u64>>,
}

impl<'a> Statistics<'a> {
    /// The statistics of `searcher`'s index.
    pub(super) fn new(searcher: &'a Searcher, fields: &Fields) -> Self {
        Statistics {
            searcher,
            titles: [fields.lead_title, fields.inherited_title],
            title_frequencies: RefCell::new(HashMap::new()),
        }
    }

    /// The searcher they are read from.
    pub(super) fn searcher(&self) -> &'a Searcher {
        self.searcher
    }

    /// Scoring with these statistics, for building a query's weight.
    pub(super) fn scoring(&self) -> EnableScoring<'_> {
        EnableScoring::enabled_from_statistics_provider(self, self.searcher)
    }

    fn is_title(&self, field: Field) -> bool {
        self.titles.contains(&field)
    }
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if !self.is_title(field) {
            return self.searcher.total_num_tokens(field);
        }
        let mut total = 0;
        for title in self.titles {
            total += self.searcher.total_num_tokens(title)?;
        }
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let value = term.value();
        let word = match value.as_str() {
            Some(word) if self.is_title(term.field()) => word,
            _ => return self.searcher.doc_freq(term),
        };
        if let Some(&frequency) = self.title_frequencies.borrow().get(word) {
            return Ok(frequency);
        }
        let mut frequency = 0;
        for title in self.titles {
            frequency += self
                .searcher
                .doc_freq(&Term::from_field_text(title, word))?;
        }
        self.title_frequencies
            .borrow_mut()
            .insert(word.to_string(), frequency);
        Ok(frequency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::sync::{sync_paths, NoProgress, SyncOptions};
    use crate::index::VigieIndex;
    use std::path::Path;

    /// A long document holds its title in both fields; a title word's statistics are those of
    /// the whole title, whichever field is asked.
    #[test]
    fn a_title_word_has_one_frequency_across_both_title_fields() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).expect("corpus folder");
        let paragraphs: Vec<String> =
            ["premier", "deuxième", "troisième", "quatrième", "cinquième"]
                .iter()
                .map(|rank| {
                    format!(
                        "Le {rank} volet de la coopération porte sur les saisies réalisées aux \
                     frontières et sur les enquêtes conduites en commun par les deux pays."
                    )
                })
                .collect();
        let long = serde_json::json!({
            "id": "dossier",
            "title": "Narcotrafic transfrontalier",
            "text": paragraphs.join("\n\n"),
        });
        let short = serde_json::json!({ "id": "note", "title": "Narcotrafic", "text": "Note." });
        std::fs::write(corpus.join("notes.jsonl"), format!("{long}\n{short}\n")).expect("written");
        let index =
            VigieIndex::open_or_create(Path::new(&dir.path().join("index"))).expect("index opens");
        sync_paths(&index, &[corpus], &SyncOptions::default(), &NoProgress).expect("indexes");
        let searcher = index.searcher();
        let fields = index.fields();
        let statistics = Statistics::new(&searcher, fields);
        let lead = Term::from_field_text(fields.lead_title, "narcotrafic");
        let inherited = Term::from_field_text(fields.inherited_title, "narcotrafic");
        // The dossier's first passage and the note lead with it; four passages inherit it.
        assert_eq!(searcher.doc_freq(&lead).expect("reads"), 2);
        assert_eq!(searcher.doc_freq(&inherited).expect("reads"), 4);
        for term in [&lead, &inherited] {
            assert_eq!(statistics.doc_freq(term).expect("reads"), 6);
        }
        let lead_tokens = statistics
            .total_num_tokens(fields.lead_title)
            .expect("reads");
        let inherited_tokens = statistics.total_num_tokens(fields.inherited_title);
        assert_eq!(lead_tokens, inherited_tokens.expect("reads"));
        assert_eq!(lead_tokens, 2 + 1 + 4 * 2);
        let body = Term::from_field_text(fields.body, "note");
        assert_eq!(statistics.doc_freq(&body).expect("reads"), 1);
    }
}
