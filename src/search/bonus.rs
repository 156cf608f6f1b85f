//! A query and its bonus, the bonus read only where it can change the page.
//!
//! The all-words tier scores each passage holding every group, plus the proximity bonus (see
//! `QueryBuilder::proximity`), whose phrase queries read positions: most of the tier's cost
//! (about a third of a three-word query). Each bonus phrase scores at most what its words
//! score in the passage's text, so the bonus adds at most a known multiple of the passage's
//! score without it ([`WithBonus::new`]'s `ceiling`). While the best passages are collected,
//! a passage whose score times that ceiling cannot pass the last of them has its bonus left
//! unread: it could not enter the page whatever the bonus. Every other passage is scored
//! whole, so the page and every score on it are those of the query and its bonus together.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// Matches what `required` matches; scores its score plus `bonus`'s where `bonus` matches too.
pub struct WithBonus {
    required: Box<dyn Query>,
    bonus: Box<dyn Query>,
    ceiling: Score,
}

impl WithBonus {
    /// `required` with `bonus`, where no passage's bonus exceeds `ceiling - 1` times its
    /// score under `required` (the caller's guarantee: an understated ceiling would lose
    /// passages from the page).
    pub fn new(required: Box<dyn Query>, bonus: Box<dyn Query>, ceiling: Score) -> Self {
        WithBonus {
            required,
            bonus,
            // Scores are sums of floats, added up in another order: a margin for their last bits.
            ceiling: ceiling * (1.0 + 1e-4),
        }
    }
}

impl Clone for WithBonus {
    fn clone(&self) -> Self {
        WithBonus {
            required: self.required.box_clone(),
            bonus: self.bonus.box_clone(),
            ceiling: self.ceiling,
        }
    }
}

impl std::fmt::Debug for WithBonus {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("WithBonus")
            .field("required", &self.required)
            .field("bonus", &self.bonus)
            .field("ceiling", &self.ceiling)
            .finish()
    }
}

impl Query for WithBonus {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(WithBonusWeight {
            required: self.required.weight(enable_scoring)?,
            bonus: self.bonus.weight(enable_scoring)?,
            ceiling: self.ceiling,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.required.query_terms(visitor);
        self.bonus.query_terms(visitor);
    }
}

struct WithBonusWeight {
    required: Box<dyn Weight>,
    bonus: Box<dyn Weight>,
    ceiling: Score,
}

impl Weight for WithBonusWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(WithBonusScorer {
            required: self.required.scorer(reader, boost)?,
            bonus: self.bonus.scorer(reader, boost)?,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let required = self.required.explain(reader, doc)?;
        let mut scorer = self.scorer(reader, 1.0)?;
        scorer.seek(doc);
        let mut explanation = Explanation::new("sum of the query and its bonus", scorer.score());
        explanation.add_detail(required);
        if let Ok(bonus) = self.bonus.explain(reader, doc) {
            explanation.add_detail(bonus);
        }
        Ok(explanation)
    }

    /// Scores the passages `required` matches, reading the bonus only of those that could
    /// pass `threshold` with it.
    fn for_each_pruning(
        &self,
        mut threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut scorer = WithBonusScorer {
            required: self.required.scorer(reader, 1.0)?,
            bonus: self.bonus.scorer(reader, 1.0)?,
        };
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            let without = scorer.required.score();
            if without * self.ceiling > threshold {
                let score = without + scorer.bonus_at(doc);
                if score > threshold {
                    threshold = callback(doc, score);
                }
            }
            doc = scorer.advance();
        }
        Ok(())
    }
}

/// The required query's scorer, and the bonus's, sought to each passage scored.
struct WithBonusScorer {
    required: Box<dyn Scorer>,
    bonus: Box<dyn Scorer>,
}

impl WithBonusScorer {
    /// The bonus of passage `doc` (0 where it does not match), `doc` never below the last asked.
    fn bonus_at(&mut self, doc: DocId) -> Score {
        if self.bonus.doc() < doc {
            self.bonus.seek(doc);
        }
        if self.bonus.doc() == doc {
            self.bonus.score()
        } else {
            0.0
        }
    }
}

impl DocSet for WithBonusScorer {
    fn advance(&mut self) -> DocId {
        self.required.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.required.seek(target)
    }

    fn doc(&self) -> DocId {
        self.required.doc()
    }

    fn size_hint(&self) -> u32 {
        self.required.size_hint()
    }

    fn cost(&self) -> u64 {
        self.required.cost()
    }
}

impl Scorer for WithBonusScorer {
    fn score(&mut self) -> Score {
        let doc = self.required.doc();
        self.required.score() + self.bonus_at(doc)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter};

    use super::*;

    /// Texts holding `a` and `b`, close together or apart, repeated or not, in passages of
    /// several lengths.
    fn index() -> (Index, tantivy::schema::Field) {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer(15_000_000).expect("writer");
        let texts = [
            "a b",
            "a x b",
            "b a",
            "a y y y y y y b",
            "a b a b a b",
            "x a z z b",
            "a",
            "b",
            "a b c",
            "c c c a b",
            "a z z z z z z z z z z z b",
            "b b b a",
            "a a a b",
        ];
        for round in 0..40 {
            for (index, text) in texts.iter().enumerate() {
                let filler = "w ".repeat((round * 7 + index * 3) % 23);
                writer
                    .add_document(doc!(body => format!("{filler}{text} {filler}")))
                    .expect("adds");
            }
        }
        writer.commit().expect("commits");
        (index, body)
    }

    #[test]
    fn the_page_and_its_scores_are_those_of_the_query_and_its_bonus_together() {
        let (index, body) = index();
        let term = |text: &str| tantivy::Term::from_field_text(body, text);
        let word = |text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(term(text), IndexRecordOption::WithFreqs))
        };
        let required = || -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, word("a")),
                (Occur::Must, word("b")),
            ]))
        };
        let boost = 0.3;
        let bonus = || -> Box<dyn Query> {
            let phrase =
                PhraseQuery::new_with_offset_and_slop(vec![(0, term("a")), (1, term("b"))], 4);
            Box::new(BoostQuery::new(Box::new(phrase), boost))
        };
        let together = BooleanQuery::new(vec![
            (Occur::Must, word("a")),
            (Occur::Must, word("b")),
            (Occur::Should, bonus()),
        ]);
        let searcher = index.reader().expect("reader").searcher();
        // One pair of words: its phrase scores at most its two words' own scores.
        let with_bonus = WithBonus::new(required(), bonus(), 1.0 + boost);
        for limit in [1, 3, 10, 50] {
            let expected = searcher
                .search(&together, &TopDocs::with_limit(limit).order_by_score())
                .expect("searches");
            let found = searcher
                .search(&with_bonus, &TopDocs::with_limit(limit).order_by_score())
                .expect("searches");
            assert_eq!(found.len(), expected.len());
            for ((found_score, found_doc), (expected_score, _)) in found.iter().zip(&expected) {
                assert!(
                    (found_score - expected_score).abs() <= expected_score * 1e-6,
                    "{limit}: {found:?} against {expected:?}"
                );
                let explained = with_bonus
                    .explain(&searcher, *found_doc)
                    .expect("explains")
                    .value();
                assert!((explained - found_score).abs() <= found_score * 1e-6);
            }
        }
        assert_eq!(
            searcher.search(&with_bonus, &Count).expect("counts"),
            searcher.search(&required(), &Count).expect("counts")
        );
    }
}
