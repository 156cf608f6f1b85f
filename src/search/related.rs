//! Related passages: when a query's matches end before the page does, the page goes on with
//! passages that hold none of the query's words but share the words that set its best
//! matches apart (pseudo-relevance feedback, in the manner of Rocchio's and RM3's).
//!
//! The words are read from the best matches' text, each weighted by how often it occurs
//! there (relative to the passage's length, and less for a lower-ranked match) times its
//! rarity in the index (IDF), so that a passage's subject outweighs its common words. A word
//! the best matches write only once, or that no other passage holds, is left out, and a
//! related passage must hold two of the words.

use std::collections::{HashMap, HashSet};

use tantivy::schema::Value;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, TantivyDocument, Term};

use crate::error::SearchError;
use crate::index::{engine, Fields};

use super::Candidate;

/// A word must occur this many times in the best matches, together: a word they write once
/// is more often incidental than their subject (as in Lucene's "more like this").
const MIN_OCCURRENCES: u32 = 2;

/// A related passage holds at least this many of the words: one word in common says little.
pub(super) const MIN_SHARED: usize = 2;

/// How sharply a lower-ranked match's words count less: a match scoring `s` against the best
/// one's `best` weighs `exp(RANK_SHARPNESS × (s − best) / best)`.
const RANK_SHARPNESS: f32 = 3.0;

/// The `count` words (analyzed terms of the text field) that most characterise `best` (the
/// best matches, best first), with their weights, largest first, summing to 1.
pub(super) fn telling_terms(
    searcher: &Searcher,
    fields: &Fields,
    analyzer: &mut TextAnalyzer,
    best: &[Candidate],
    asked: &HashSet<&str>,
    count: usize,
) -> Result<Vec<(String, f32)>, SearchError> {
    let Some(top) = best.first().map(|candidate| candidate.score) else {
        return Ok(Vec::new());
    };
    if count == 0 {
        return Ok(Vec::new());
    }
    let mut weights: HashMap<String, f32> = HashMap::new();
    let mut occurrences_in_best: HashMap<String, u32> = HashMap::new();
    let mut counts: HashMap<String, u32> = HashMap::new();
    for candidate in best {
        let stored: TantivyDocument = searcher.doc(candidate.address).map_err(engine)?;
        let Some(text) = stored
            .get_first(fields.body)
            .and_then(|value| value.as_str())
        else {
            continue;
        };
        counts.clear();
        let mut length = 0u32;
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            match counts.get_mut(token.text.as_str()) {
                Some(seen) => *seen += 1,
                None => {
                    counts.insert(token.text.clone(), 1);
                }
            }
            length += 1;
        }
        let rank_weight = if top > 0.0 {
            (RANK_SHARPNESS * (candidate.score - top) / top).exp()
        } else {
            1.0
        };
        let length = length.max(1) as f32;
        for (term, occurrences) in counts.drain() {
            *occurrences_in_best.entry(term.clone()).or_insert(0) += occurrences;
            *weights.entry(term).or_insert(0.0) += rank_weight * occurrences as f32 / length;
        }
    }
    let candidates: Vec<(String, f32)> = weights
        .into_iter()
        .filter(|(term, _)| {
            !asked.contains(term.as_str())
                && occurrences_in_best.get(term).copied().unwrap_or(0) >= MIN_OCCURRENCES
        })
        .collect();
    let held_by = passages_holding(searcher, fields, &candidates)?;
    let passages = searcher.num_docs() as f32;
    let mut scored: Vec<(String, f32)> = candidates
        .into_iter()
        .zip(held_by)
        // A word no other passage holds leads nowhere.
        .filter(|(_, held_by)| *held_by >= 2)
        .map(|((term, weight), held_by)| {
            let held_by = held_by as f32;
            let rarity = (1.0 + (passages - held_by + 0.5) / (held_by + 0.5)).ln();
            (term, weight * rarity)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scored.truncate(count);
    let sum: f32 = scored.iter().map(|(_, weight)| weight).sum();
    if sum > 0.0 {
        for (_, weight) in &mut scored {
            *weight /= sum;
        }
    }
    Ok(scored)
}

/// How many passages hold each of `terms` in their text: each segment's term dictionary is
/// opened once, not once per word.
fn passages_holding(
    searcher: &Searcher,
    fields: &Fields,
    terms: &[(String, f32)],
) -> Result<Vec<u64>, SearchError> {
    let terms: Vec<Term> = terms
        .iter()
        .map(|(term, _)| Term::from_field_text(fields.body, term))
        .collect();
    let mut held_by = vec![0u64; terms.len()];
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.body).map_err(engine)?;
        for (count, term) in held_by.iter_mut().zip(&terms) {
            *count += u64::from(
                inverted
                    .doc_freq(term)
                    .map_err(|error| engine(error.into()))?,
            );
        }
    }
    Ok(held_by)
}
