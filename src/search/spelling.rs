//! "Did you mean": correcting query words found nowhere in the index.
//!
//! A query term that no indexed passage holds is replaced by the indexed term closest to it
//! (Damerau–Levenshtein distance 1 from 5 letters, 2 from 9, same first letter), the most
//! frequent one among equals. Terms holding a digit (numbers, legal references) are never
//! corrected so (an act's number typed the other way round, `679/2016`, is read the right
//! way round by the engine, not here). Terms are compared after analysis (folded, stemmed), so
//! `securité` is never a typo and `disolution` meets `dissolution`. A Levenshtein automaton
//! walks the term dictionary of the passage text, visiting only the paths that can still end
//! within the distance; it runs only when a word is unknown.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use super::query::Clause;
use super::snippet::Highlighter;
use crate::error::IndexError;
use crate::index::engine;

/// The largest edit distance allowed for a term of `length` characters.
pub fn max_distance(length: usize) -> usize {
    match length {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// True when some passage holds `term` in one of `fields`.
pub fn is_known(searcher: &Searcher, fields: &[Field], term: &str) -> Result<bool, IndexError> {
    for field in fields {
        if searcher
            .doc_freq(&Term::from_field_text(*field, term))
            .map_err(engine)?
            > 0
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// True when passages hold every term of `clause`, each in one of `fields` (not necessarily
/// all in one passage).
pub fn holds_every_term(
    searcher: &Searcher,
    fields: &[Field],
    clause: &Clause,
) -> Result<bool, IndexError> {
    let mut terms = Vec::new();
    clause.collect_terms(&mut terms);
    for term in terms {
        if !is_known(searcher, fields, term)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The indexed term of `field` closest to `term` within the allowed distance, if any.
pub fn closest_term(
    searcher: &Searcher,
    field: Field,
    term: &str,
) -> Result<Option<String>, IndexError> {
    // A number or a legal reference is not a misspelt word: `767/2008` is one act and
    // `765/2008` another, `L. 232-1` one article and `L. 232-2` the next.
    if term.bytes().any(|byte| byte.is_ascii_digit()) {
        return Ok(None);
    }
    let wanted: Vec<char> = term.chars().collect();
    let limit = max_distance(wanted.len());
    if limit == 0 {
        return Ok(None);
    }
    // A Levenshtein automaton (transpositions count 1) walks only the dictionary's paths
    // within `limit` edits of the term, instead of every term.
    let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, term), limit as u8, true);
    let automaton = fuzzy.automaton().map_err(engine)?;
    // Candidate → (distance, document frequency summed over segments).
    let mut candidates: HashMap<String, (usize, u64)> = HashMap::new();
    let mut candidate_chars: Vec<char> = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field).map_err(engine)?;
        // Typos rarely touch a word's first letter: only terms sharing it are candidates.
        let mut range = inverted.terms().search(&automaton);
        if let Some(first) = wanted.first() {
            let mut bound = [0u8; 4];
            range = range.ge(first.encode_utf8(&mut bound).as_bytes());
            if let Some(next) = char::from_u32(u32::from(*first) + 1) {
                range = range.lt(next.encode_utf8(&mut bound).as_bytes());
            }
        }
        let mut stream = range
            .into_stream()
            .map_err(|error| IndexError::Engine(error.to_string()))?;
        while stream.advance() {
            let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            candidate_chars.clear();
            candidate_chars.extend(candidate.chars());
            if let Some(distance) = bounded_distance(&wanted, &candidate_chars, limit) {
                let entry = candidates
                    .entry(candidate.to_string())
                    .or_insert((distance, 0));
                entry.1 += u64::from(stream.value().doc_freq);
            }
        }
    }
    Ok(candidates
        .into_iter()
        .min_by(
            |(term_a, (distance_a, freq_a)), (term_b, (distance_b, freq_b))| {
                distance_a
                    .cmp(distance_b)
                    .then(freq_b.cmp(freq_a))
                    .then(term_a.cmp(term_b))
            },
        )
        .map(|(candidate, _)| candidate))
}

/// How the engine rewrote the words typed before searching them, to say what it searched.
#[derive(Debug, Default)]
pub struct Rewrites {
    /// Each word found nowhere (its term) and the indexed term searched instead.
    pub corrections: Vec<(String, String)>,
    /// The terms of each word typed with hyphens that was searched as its parts apart
    /// (`cyber-sécurité` → `cyber`, `securit`).
    pub split_compounds: Vec<Vec<String>>,
    /// The text of each quoted phrase that no passage holds, searched as its words.
    pub loosened_phrases: Vec<String>,
}

impl Rewrites {
    /// True when the words were searched as typed.
    pub fn is_empty(&self) -> bool {
        self.corrections.is_empty()
            && self.split_compounds.is_empty()
            && self.loosened_phrases.is_empty()
    }
}

/// The query text as searched: each corrected word replaced by the indexed word as the texts
/// write it (`written(highlighter, term)`; the corrected term itself when it finds none), each
/// compound searched as its parts written with spaces (`cyber-sécurité` → `cyber sécurité`),
/// each quoted phrase searched as its words without its quotes.
pub fn corrected_query<E, F>(
    query: &str,
    rewrites: &Rewrites,
    highlighter: &mut Highlighter,
    mut written: F,
) -> Result<String, E>
where
    F: FnMut(&mut Highlighter, &str) -> Result<Option<String>, E>,
{
    let unquoted = without_quotes(query, &rewrites.loosened_phrases);
    let mut words: Vec<String> = Vec::new();
    for typed_word in unquoted.split_whitespace() {
        // Quotes, brackets or a `-` around a word stay as typed (`"coopératon` → `"`, word).
        let word = typed_word.trim_matches(|c: char| !c.is_alphanumeric());
        let Some(word_start) = typed_word.find(word).filter(|_| !word.is_empty()) else {
            words.push(typed_word.to_string());
            continue;
        };
        let (before, after) = (
            &typed_word[..word_start],
            &typed_word[word_start + word.len()..],
        );
        // Only the part after an elision is a word to correct (`l'agravante` → `l'` + word).
        let (elided, bare) = match word.rfind(['\'', '’']) {
            Some(index) => {
                word.split_at(index + word[index..].chars().next().map_or(1, char::len_utf8))
            }
            None => ("", word),
        };
        let terms = highlighter.terms_of(bare);
        if terms.len() > 1 && rewrites.split_compounds.contains(&terms) {
            words.push(format!("{before}{elided}{}{after}", bare.replace('-', " ")));
            continue;
        }
        let correction = rewrites
            .corrections
            .iter()
            .find(|(typed, _)| terms.len() == 1 && terms[0] == *typed);
        match correction {
            Some((_, corrected)) => {
                let surface = written(highlighter, corrected)?.unwrap_or_else(|| corrected.clone());
                let surface = in_case_of(bare, &surface);
                words.push(format!("{before}{elided}{surface}{after}"));
            }
            None => words.push(typed_word.to_string()),
        }
    }
    Ok(words.join(" "))
}

/// `query` without the quotes around each of `phrases` (the text typed between them; an
/// unclosed quote has only its opening one).
fn without_quotes(query: &str, phrases: &[String]) -> String {
    let mut text = query.to_string();
    for phrase in phrases {
        let Some(start) = text
            .match_indices(phrase.as_str())
            .map(|(start, _)| start)
            .find(|&start| text[..start].ends_with(['"', '«', '“']))
        else {
            continue;
        };
        let end = start + phrase.len();
        let closing = text[end..]
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '»' | '”'))
            .map_or(0, char::len_utf8);
        let opening = text[..start].chars().next_back().map_or(0, char::len_utf8);
        text.replace_range(end..end + closing, "");
        text.replace_range(start - opening..start, "");
    }
    text
}

/// `word` (lower case) written in the case of `typed`: in capitals when it was typed so
/// (`SHENGEN` → `SCHENGEN`), with a capital first when it was (`Shengen` → `Schengen`).
fn in_case_of(typed: &str, word: &str) -> String {
    let letters = || typed.chars().filter(|c| c.is_alphabetic());
    if letters().count() > 1 && letters().all(char::is_uppercase) {
        return word.to_uppercase();
    }
    let mut chars = word.chars();
    match (typed.chars().next(), chars.next()) {
        (Some(first), Some(initial)) if first.is_uppercase() => {
            initial.to_uppercase().chain(chars).collect()
        }
        _ => word.to_string(),
    }
}

/// Damerau–Levenshtein distance (adjacent transpositions count 1) when it is at most `limit`.
fn bounded_distance(left: &[char], right: &[char], limit: usize) -> Option<usize> {
    let width = right.len() + 1;
    let mut before_previous = vec![0usize; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current = vec![0usize; width];
    for (i, left_char) in left.iter().enumerate() {
        current[0] = i + 1;
        let mut row_minimum = current[0];
        for (j, right_char) in right.iter().enumerate() {
            let substitution = previous[j] + usize::from(left_char != right_char);
            let mut best = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            if i > 0 && j > 0 && *left_char == right[j - 1] && left[i - 1] == *right_char {
                best = best.min(before_previous[j - 1] + 1);
            }
            current[j + 1] = best;
            row_minimum = row_minimum.min(best);
        }
        if row_minimum > limit {
            return None;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[right.len()];
    (distance <= limit).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loosened_phrase_loses_its_quotes_and_nothing_else() {
        let phrases = |list: &[&str]| list.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        assert_eq!(
            without_quotes("\"a b\" c \"d e\"", &phrases(&["d e"])),
            "\"a b\" c d e"
        );
        // French quotes keep the spaces typed inside them; an unclosed quote has no end.
        assert_eq!(
            without_quotes(
                "x « police des polices » y",
                &phrases(&[" police des polices "])
            ),
            "x  police des polices  y"
        );
        assert_eq!(
            without_quotes("x \"jouer sous", &phrases(&["jouer sous"])),
            "x jouer sous"
        );
        // The words unquoted elsewhere are left alone: only the quoted occurrence loses quotes.
        assert_eq!(without_quotes("nez \"nez\"", &phrases(&["nez"])), "nez nez");
        assert_eq!(without_quotes("a \"b c\"", &[]), "a \"b c\"");
    }

    fn distance(left: &str, right: &str, limit: usize) -> Option<usize> {
        let left: Vec<char> = left.chars().collect();
        let right: Vec<char> = right.chars().collect();
        bounded_distance(&left, &right, limit)
    }

    #[test]
    fn distances_count_insertions_deletions_substitutions_and_swaps() {
        assert_eq!(distance("disolution", "dissolution", 2), Some(1));
        assert_eq!(distance("longeur", "longueur", 1), Some(1));
        assert_eq!(distance("inteligence", "intelligence", 1), Some(1));
        assert_eq!(distance("terorisme", "terrorisme", 1), Some(1));
        assert_eq!(distance("agravante", "aggravante", 1), Some(1));
        assert_eq!(distance("securiet", "securite", 2), Some(1));
        assert_eq!(distance("abc", "abc", 0), Some(0));
        assert_eq!(distance("police", "justice", 2), None);
    }

    #[test]
    fn short_words_are_never_corrected() {
        assert_eq!(max_distance(4), 0);
        assert_eq!(max_distance(5), 1);
        assert_eq!(max_distance(8), 1);
        assert_eq!(max_distance(9), 2);
    }
}
