//! A union of a few queries, scored only where it is asked to be.
//!
//! A query group of the all-words tier is one word looked for in half a dozen fields (text,
//! headings, article number, titles, act), and the tier intersects the groups. tantivy's
//! union ([`tantivy::query::BufferedUnionScorer`]) fills windows of 4,096 passages, scoring
//! every passage each of its clauses holds there, and an intersection seeking it from one
//! rare word's passage to the next refills a window at each: most of that scoring is for
//! passages the other words rule out. [`LazyUnion`] instead moves each clause's cursor to the
//! passage asked for and sums the scores of the clauses standing on it only when the passage
//! is scored. It matches the same passages and gives the same scores (the clauses' scores
//! added in their order), and suits a handful of clauses; a long flat union that tantivy can
//! prune (block-max WAND) or count in windows is better left to tantivy.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

/// Matches what any of its clauses matches; scores the sum of the scores of those that do.
pub struct LazyUnion {
    clauses: Vec<Box<dyn Query>>,
}

impl LazyUnion {
    /// The union of `clauses`.
    pub fn new(clauses: Vec<Box<dyn Query>>) -> Self {
        LazyUnion { clauses }
    }
}

impl Clone for LazyUnion {
    fn clone(&self) -> Self {
        LazyUnion {
            clauses: self
                .clauses
                .iter()
                .map(|clause| clause.box_clone())
                .collect(),
        }
    }
}

impl std::fmt::Debug for LazyUnion {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_list().entries(&self.clauses).finish()
    }
}

impl Query for LazyUnion {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|clause| clause.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(LazyUnionWeight { weights }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct LazyUnionWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for LazyUnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for weight in &self.weights {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.swap_remove(0),
            _ => Box::new(LazyUnionScorer::new(scorers, reader.max_doc())),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} does not match"
            )));
        }
        let mut explanation = Explanation::new("sum of the matching clauses", scorer.score());
        for weight in &self.weights {
            if let Ok(detail) = weight.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }
}

/// The clauses' scorers, each on its own passage; the union stands on the lowest.
struct LazyUnionScorer {
    scorers: Vec<Box<dyn Scorer>>,
    doc: DocId,
    max_doc: u32,
}

impl LazyUnionScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>, max_doc: u32) -> Self {
        let mut union = LazyUnionScorer {
            scorers,
            doc: TERMINATED,
            max_doc,
        };
        union.doc = union.lowest();
        union
    }

    fn lowest(&self) -> DocId {
        self.scorers
            .iter()
            .map(|scorer| scorer.doc())
            .min()
            .unwrap_or(TERMINATED)
    }
}

impl DocSet for LazyUnionScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        if current == TERMINATED {
            return TERMINATED;
        }
        for scorer in &mut self.scorers {
            if scorer.doc() == current {
                scorer.advance();
            }
        }
        self.doc = self.lowest();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for scorer in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.doc = self.lowest();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .map(|scorer| scorer.size_hint())
            .fold(0u32, u32::saturating_add)
            .min(self.max_doc)
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|scorer| scorer.cost()).sum()
    }
}

impl Scorer for LazyUnionScorer {
    fn score(&mut self) -> Score {
        let current = self.doc;
        let mut score = 0.0;
        for scorer in &mut self.scorers {
            if scorer.doc() == current {
                score += scorer.score();
            }
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter};

    use super::*;

    /// An index of a few short texts in two fields, and the union of `word` in both, a
    /// phrase and a boosted clause, built as tantivy's union and as [`LazyUnion`].
    fn both_unions() -> (Index, Box<dyn Query>, Box<dyn Query>) {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let title = builder.add_text_field("title", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer(15_000_000).expect("writer");
        let texts = [
            ("coopération policière entre États", "coopération"),
            ("équipes communes d'enquête", "coopération"),
            (
                "la coopération judiciaire et la coopération policière",
                "traité",
            ),
            ("échange d'informations", "déclaration"),
            ("rien de tout cela", "police"),
        ];
        for round in 0..40 {
            for (text, heading) in texts {
                let filler = format!("passage {round}");
                writer
                    .add_document(doc!(body => format!("{text} {filler}"), title => heading))
                    .expect("add");
            }
        }
        writer.commit().expect("commit");
        let term = |field, word: &str| Term::from_field_text(field, word);
        let clauses = || -> Vec<Box<dyn Query>> {
            vec![
                Box::new(TermQuery::new(
                    term(body, "coopération"),
                    IndexRecordOption::WithFreqs,
                )),
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        term(title, "coopération"),
                        IndexRecordOption::WithFreqs,
                    )),
                    1.1,
                )),
                Box::new(PhraseQuery::new(vec![
                    term(body, "échange"),
                    term(body, "d"),
                ])),
            ]
        };
        let tantivy_union: Box<dyn Query> = Box::new(BooleanQuery::new(
            clauses()
                .into_iter()
                .map(|clause| (Occur::Should, clause))
                .collect(),
        ));
        let lazy: Box<dyn Query> = Box::new(LazyUnion::new(clauses()));
        (index, tantivy_union, lazy)
    }

    #[test]
    fn matches_and_scores_as_tantivys_union() {
        let (index, tantivy_union, lazy) = both_unions();
        let searcher = index.reader().expect("reader").searcher();
        let top = TopDocs::with_limit(500).order_by_score();
        let expected = searcher.search(&tantivy_union, &top).expect("search");
        let found = searcher.search(&lazy, &top).expect("search");
        assert_eq!(
            expected.len(),
            160,
            "four texts of five match, 40 times each"
        );
        assert_eq!(found.len(), expected.len());
        let mut expected = expected;
        let mut found = found;
        expected.sort_by_key(|(_, address)| *address);
        found.sort_by_key(|(_, address)| *address);
        for ((expected_score, expected_at), (score, at)) in expected.iter().zip(&found) {
            assert_eq!(expected_at, at);
            assert!(
                (expected_score - score).abs() <= 1e-6 * expected_score.abs(),
                "{expected_score} vs {score} at {at:?}"
            );
        }
        assert_eq!(
            searcher.search(&lazy, &Count).expect("count"),
            searcher.search(&tantivy_union, &Count).expect("count")
        );
    }

    #[test]
    fn intersected_with_a_rare_word_finds_the_same_passages() {
        let (index, tantivy_union, lazy) = both_unions();
        let searcher = index.reader().expect("reader").searcher();
        let body = index.schema().get_field("body").expect("body");
        let rare = || -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(body, "7"),
                IndexRecordOption::WithFreqs,
            ))
        };
        let intersect = |union: Box<dyn Query>| {
            BooleanQuery::new(vec![(Occur::Must, rare()), (Occur::Must, union)])
        };
        let top = TopDocs::with_limit(10).order_by_score();
        let expected = searcher
            .search(&intersect(tantivy_union), &top)
            .expect("search");
        let found = searcher.search(&intersect(lazy), &top).expect("search");
        assert_eq!(expected.len(), 4, "round 7's passages holding a clause");
        let addresses = |hits: &[(Score, tantivy::DocAddress)]| {
            let mut addresses: Vec<_> = hits.iter().map(|(_, address)| *address).collect();
            addresses.sort();
            addresses
        };
        assert_eq!(addresses(&expected), addresses(&found));
    }

    #[test]
    fn explains_a_passage_with_its_score() {
        let (index, _, lazy) = both_unions();
        let searcher = index.reader().expect("reader").searcher();
        let top = TopDocs::with_limit(3).order_by_score();
        for (score, address) in searcher.search(&lazy, &top).expect("search") {
            let explanation = lazy.explain(&searcher, address).expect("explain");
            assert!((explanation.value() - score).abs() < 1e-4);
        }
    }

    /// A clause of a random union: a word, or two words in a row, in one of two fields,
    /// with a weight.
    #[derive(Debug, Clone)]
    struct RandomClause {
        words: Vec<usize>,
        in_title: bool,
        boost: f32,
    }

    const VOCABULARY: [&str; 8] = [
        "police",
        "justice",
        "terrorisme",
        "échange",
        "données",
        "europol",
        "garde",
        "vue",
    ];

    fn random_clause() -> impl proptest::strategy::Strategy<Value = RandomClause> {
        use proptest::prelude::*;
        (
            proptest::collection::vec(0..VOCABULARY.len(), 1..=2),
            any::<bool>(),
            prop_oneof![Just(1.0f32), Just(0.5f32), Just(1.1f32)],
        )
            .prop_map(|(words, in_title, boost)| RandomClause {
                words,
                in_title,
                boost,
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 48,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// On random texts, a random union matches, counts and scores as tantivy's, alone
        /// and intersected with a word.
        #[test]
        fn random_unions_match_and_score_as_tantivys(
            texts in proptest::collection::vec(
                (
                    proptest::collection::vec(0..VOCABULARY.len(), 0..12),
                    proptest::collection::vec(0..VOCABULARY.len(), 0..3),
                ),
                1..300,
            ),
            clauses in proptest::collection::vec(random_clause(), 1..7),
            required in 0..VOCABULARY.len(),
        ) {
            let mut builder = Schema::builder();
            let body = builder.add_text_field("body", TEXT);
            let title = builder.add_text_field("title", TEXT);
            let index = Index::create_in_ram(builder.build());
            let mut writer: IndexWriter = index.writer(15_000_000).expect("writer");
            let words = |indices: &[usize]| {
                indices.iter().map(|&i| VOCABULARY[i]).collect::<Vec<_>>().join(" ")
            };
            for (text, heading) in &texts {
                writer
                    .add_document(doc!(body => words(text), title => words(heading)))
                    .expect("add");
            }
            writer.commit().expect("commit");
            let searcher = index.reader().expect("reader").searcher();
            let queries = || -> Vec<Box<dyn Query>> {
                clauses
                    .iter()
                    .map(|clause| {
                        let field = if clause.in_title { title } else { body };
                        let terms: Vec<Term> = clause
                            .words
                            .iter()
                            .map(|&i| Term::from_field_text(field, VOCABULARY[i]))
                            .collect();
                        let query: Box<dyn Query> = if terms.len() == 1 {
                            Box::new(TermQuery::new(
                                terms[0].clone(),
                                IndexRecordOption::WithFreqs,
                            ))
                        } else {
                            Box::new(PhraseQuery::new(terms))
                        };
                        Box::new(BoostQuery::new(query, clause.boost)) as Box<dyn Query>
                    })
                    .collect()
            };
            let tantivy_union = || -> Box<dyn Query> {
                Box::new(BooleanQuery::new(
                    queries().into_iter().map(|query| (Occur::Should, query)).collect(),
                ))
            };
            let lazy = || -> Box<dyn Query> { Box::new(LazyUnion::new(queries())) };
            let with_word = |union: Box<dyn Query>| -> Box<dyn Query> {
                let word = Term::from_field_text(body, VOCABULARY[required]);
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(TermQuery::new(word, IndexRecordOption::WithFreqs))),
                    (Occur::Must, union),
                ]))
            };
            let everything = TopDocs::with_limit(texts.len()).order_by_score();
            for (expected, found) in [
                (tantivy_union(), lazy()),
                (with_word(tantivy_union()), with_word(lazy())),
            ] {
                let mut expected_hits = searcher.search(&expected, &everything).expect("search");
                let mut found_hits = searcher.search(&found, &everything).expect("search");
                expected_hits.sort_by_key(|(_, address)| *address);
                found_hits.sort_by_key(|(_, address)| *address);
                proptest::prop_assert_eq!(expected_hits.len(), found_hits.len());
                for ((expected_score, expected_at), (score, at)) in
                    expected_hits.iter().zip(&found_hits)
                {
                    proptest::prop_assert_eq!(expected_at, at);
                    proptest::prop_assert!(
                        (expected_score - score).abs() <= 1e-5 * expected_score.abs().max(1.0)
                    );
                }
                proptest::prop_assert_eq!(
                    searcher.search(&expected, &Count).expect("count"),
                    searcher.search(&found, &Count).expect("count")
                );
            }
        }
    }
}
