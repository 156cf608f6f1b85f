//! Query coverage: how much of the query a passage holds, its rarer words counting more.
//!
//! BM25 adds up the words a passage holds, but a frequent word repeated can outweigh a rare
//! word held once, so among passages holding only some of the query's words the one holding
//! more of it, and its rarer words, can rank below. The partial-match tier's best candidates
//! get a bonus: the inverse document frequencies of the query words each holds in its text,
//! headings, article number or document title (for each group, its best alternative), read
//! from the postings, so nothing is re-analysed.

use std::collections::{HashMap, HashSet};

use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Searcher, Term};

use crate::error::{IndexError, SearchError};
use crate::index::{engine, Fields};

use super::collect::{by_segment, for_each_held};
use super::query::Clause;

/// The inverse document frequency of `term` in `body` (BM25's, so that the bonus is on the
/// scale of the scores).
fn inverse_frequency(searcher: &Searcher, body: Field, term: &str) -> Result<f32, SearchError> {
    let total = searcher.num_docs() as f32;
    let freq = searcher
        .doc_freq(&Term::from_field_text(body, term))
        .map_err(engine)? as f32;
    Ok((1.0 + (total - freq + 0.5) / (freq + 0.5)).ln())
}

/// For each candidate, the weight of the query it holds: for each group, its best
/// alternative's held words, each weighing its inverse document frequency.
pub(crate) fn held_weight(
    searcher: &Searcher,
    fields: &Fields,
    groups: &[Vec<Clause>],
    candidates: &[(f32, DocAddress)],
) -> Result<Vec<f32>, SearchError> {
    // Each alternative of each group: its words, and the share of their weight it earns (a
    // synonym's divided by its length, as in the query).
    let alternatives: Vec<Vec<(Vec<&str>, f32)>> = groups
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|alternative| {
                    let mut terms = Vec::new();
                    alternative.collect_terms(&mut terms);
                    let share = match alternative {
                        Clause::Synonym(_) => 1.0 / terms.len().max(1) as f32,
                        _ => 1.0,
                    };
                    (terms, share)
                })
                .collect()
        })
        .collect();
    let mut all_terms: Vec<&str> = alternatives
        .iter()
        .flatten()
        .flat_map(|(terms, _)| terms.iter().copied())
        .collect();
    all_terms.sort_unstable();
    all_terms.dedup();
    // (candidate, term): the term is in one of the candidate's fields.
    let mut held: HashSet<(usize, &str)> = HashSet::new();
    let addresses: Vec<DocAddress> = candidates.iter().map(|(_, address)| *address).collect();
    for (segment_ord, docs) in by_segment(&addresses) {
        let reader = searcher.segment_reader(segment_ord);
        for field in fields.word_fields() {
            let inverted = reader.inverted_index(field).map_err(engine)?;
            for term in &all_terms {
                // Article numbers are numbers (`l232-1`, `113-13`, `5bis`).
                if field == fields.article_number && !term.contains(|c: char| c.is_ascii_digit()) {
                    continue;
                }
                let Some(mut postings) = inverted
                    .read_postings(
                        &Term::from_field_text(field, term),
                        IndexRecordOption::Basic,
                    )
                    .map_err(|error| IndexError::Engine(error.to_string()))?
                else {
                    continue;
                };
                for_each_held(&mut postings, &docs, |_, index| {
                    held.insert((index, *term));
                });
            }
        }
    }
    let mut weights: HashMap<&str, f32> = HashMap::new();
    for term in &all_terms {
        weights.insert(term, inverse_frequency(searcher, fields.body, term)?);
    }
    // A group is worth its best alternative; an alternative, its share of the weights of the
    // words of it the passage holds.
    Ok((0..candidates.len())
        .map(|index| {
            alternatives
                .iter()
                .map(|group| {
                    group
                        .iter()
                        .map(|(terms, share)| {
                            share
                                * terms
                                    .iter()
                                    .filter(|term| held.contains(&(index, **term)))
                                    .map(|term| weights.get(term).copied().unwrap_or(0.0))
                                    .sum::<f32>()
                        })
                        .fold(0.0, f32::max)
                })
                .sum()
        })
        .collect())
}
