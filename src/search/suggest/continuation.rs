//! What the texts write after the words typed, as they write it.
//!
//! The suggestion table holds words and phrases of two or three words; a longer phrase being
//! typed (`lutte contre le t`, `équipes communes d`) goes past it, and a word completed on its
//! own after the others comes in its most frequent form, not the one the phrase takes
//! (`équipes commune`). Here the passages holding the complete words typed, as a phrase, are
//! read, and what follows the last of them up to the next word that is not a stop word (`le
//! terrorisme`, `d'enquête`, `communes`) is a continuation when it starts as what was typed
//! after them. Imports `error` and `index` (engine errors) only.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{Searcher, TantivyDocument, Term};

use super::{folded, Suggestion, SuggestionKind, SuggestionTable};
use crate::error::SearchError;
use crate::index::engine;

/// Passages read, the best matches of the words typed.
const PASSAGES_READ: usize = 24;

/// Completions of the word being typed (the most frequent words starting as it does), one of
/// which the passages read first must write after the complete words.
const COMPLETIONS_LOOKED_FOR: usize = 16;

/// Longest run of stop words (and their spaces) between the last word typed and the next
/// word, in characters.
const MAX_GAP_CHARS: usize = 24;

/// A word of a text as the index reads it: its term, its position, and where it is written.
struct Word {
    term: String,
    position: usize,
    from: usize,
    to: usize,
}

/// The words of `text`, as `analyzer` reads them.
fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Word> {
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while let Some(token) = stream.next() {
        words.push(Word {
            term: token.text.clone(),
            position: token.position,
            from: token.offset_from,
            to: token.offset_to,
        });
    }
    words
}

/// The complete words typed followed by what the texts write next (at most `limit` guesses,
/// the most frequent in the passages read first), each starting as the rest of `typed` does.
/// Empty when `typed` holds no complete word before the one being typed.
pub(super) fn continuations(
    searcher: &Searcher,
    table: &SuggestionTable,
    body: Field,
    analyzer: &mut TextAnalyzer,
    typed: &str,
    limit: usize,
) -> Result<Vec<Suggestion>, SearchError> {
    let typed_words = words(analyzer, typed);
    // The last word is still being typed unless something follows it.
    let (lead, being_typed) = match typed_words.split_last() {
        Some((last, before)) if last.to == typed.len() => (before, Some(last)),
        _ => (typed_words.as_slice(), None),
    };
    let (Some(first), Some(last)) = (lead.first(), lead.last()) else {
        return Ok(Vec::new());
    };
    let typed_lead = &typed[..last.to];
    let wanted = Wanted {
        lead,
        // How the complete words were typed, from the first (stop words before it aside).
        lead_as_typed: folded(&typed[first.from..last.to]),
        rest: folded(&typed[last.to..]),
    };
    let mut found = Continuations::default();
    // First the passages holding the complete words followed by one of the likeliest
    // completions of the word being typed; if none is written after them as typed, those
    // holding the complete words.
    let completions = match being_typed {
        Some(word) => table
            .best_with_prefix(&folded(&typed[word.from..word.to]), COMPLETIONS_LOOKED_FOR)
            .into_iter()
            .filter(|found| found.kind == SuggestionKind::Word)
            .map(|found| found.text)
            .collect(),
        None => Vec::new(),
    };
    for query in queries(body, analyzer, lead, being_typed, &completions) {
        let read = searcher
            .search(
                query.as_ref(),
                &TopDocs::with_limit(PASSAGES_READ).order_by_score(),
            )
            .map_err(engine)?;
        for (_, address) in read {
            let passage: TantivyDocument = searcher.doc(address).map_err(engine)?;
            if let Some(text) = passage.get_first(body).and_then(|value| value.as_str()) {
                found.read(&words(analyzer, text), text, &wanted);
            }
        }
        if !found.found.is_empty() {
            break;
        }
    }
    Ok(found
        .best(limit)
        .into_iter()
        .map(|(written, passages)| Suggestion {
            text: format!("{typed_lead}{written}"),
            kind: SuggestionKind::Phrase,
            count: passages,
        })
        .collect())
}

/// The queries finding passages that may continue `lead`, best first: the passages holding
/// its words followed by one of the words most often written that start as the word
/// `being_typed` does (`completions`, from the suggestion table), as a phrase; then those
/// holding its words alone.
fn queries(
    body: Field,
    analyzer: &mut TextAnalyzer,
    lead: &[Word],
    being_typed: Option<&Word>,
    completions: &[&str],
) -> Vec<Box<dyn Query>> {
    let first = lead.first().map_or(0, |word| word.position);
    let term = |position: usize, text: &str| (position - first, Term::from_field_text(body, text));
    let terms: Vec<(usize, Term)> = lead
        .iter()
        .map(|word| term(word.position, &word.term))
        .collect();
    let mut queries: Vec<Box<dyn Query>> = Vec::with_capacity(2);
    if let Some(typed) = being_typed {
        let mut next_terms: Vec<String> = Vec::with_capacity(completions.len());
        for completion in completions {
            for word in words(analyzer, completion) {
                if !next_terms.contains(&word.term) {
                    next_terms.push(word.term);
                }
            }
        }
        let phrases: Vec<(Occur, Box<dyn Query>)> = next_terms
            .iter()
            .map(|text| {
                let mut phrase = terms.clone();
                phrase.push(term(typed.position, text));
                let query: Box<dyn Query> = Box::new(PhraseQuery::new_with_offset(phrase));
                (Occur::Should, query)
            })
            .collect();
        if !phrases.is_empty() {
            queries.push(Box::new(BooleanQuery::new(phrases)));
        }
    }
    queries.push(match <[(usize, Term); 1]>::try_from(terms) {
        Ok([(_, term)]) => Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
        Err(terms) => Box::new(PhraseQuery::new_with_offset(terms)),
    });
    queries
}

/// What a continuation must follow and start with.
struct Wanted<'a> {
    /// The complete words typed.
    lead: &'a [Word],
    /// Those words as typed, folded.
    lead_as_typed: String,
    /// What was typed after them, folded: the continuation must start with it.
    rest: String,
}

/// A continuation found: folded, as written the first time, and the passages writing it.
struct Found {
    key: String,
    written: String,
    passages: u32,
}

/// The continuations found, in the order first found (a few dozen at most).
#[derive(Default)]
struct Continuations {
    found: Vec<Found>,
}

impl Continuations {
    /// Counts the continuations of `wanted` in a passage (`words` of `text`), once each.
    fn read(&mut self, words: &[Word], text: &str, wanted: &Wanted) {
        let mut seen_here = Vec::new();
        for start in 0..words.len() {
            let Some((lead_written, written)) = continuation_at(words, start, wanted.lead, text)
            else {
                continue;
            };
            // The words typed as typed (case and accents aside): `Premiers min` is continued
            // by `ministres`, not by the `ministre` that follows `Premier`, which the index
            // reads as the same word; `à compter du` not by `compte du`.
            if folded(lead_written) != wanted.lead_as_typed {
                continue;
            }
            let key = folded(&written);
            if !key.starts_with(&wanted.rest) || seen_here.contains(&key) {
                continue;
            }
            match self.found.iter_mut().find(|found| found.key == key) {
                Some(found) => found.passages += 1,
                None => self.found.push(Found {
                    key: key.clone(),
                    written,
                    passages: 1,
                }),
            }
            seen_here.push(key);
        }
    }

    /// The `limit` best, as written, with their passages: most passages first; among
    /// equals, the first found (in the best match).
    fn best(&self, limit: usize) -> Vec<(String, u32)> {
        let mut best: Vec<&Found> = self.found.iter().collect();
        best.sort_by_key(|found| std::cmp::Reverse(found.passages));
        best.into_iter()
            .take(limit)
            .map(|found| (found.written.clone(), found.passages))
            .collect()
    }
}

/// When the words of `lead` stand in `passage` from its word `start` on, as in the query
/// (same terms, same gaps): how `text` writes them, and what it writes after the last of them
/// up to the end of the next word, its spaces made single: stop words, an elision, and that
/// word (` le terrorisme`, ` d'enquête`). `None` if the lead is not there, nothing follows,
/// or what lies between is more than stop words (a full stop, a comma, a line break).
fn continuation_at<'t>(
    passage: &[Word],
    start: usize,
    lead: &[Word],
    text: &'t str,
) -> Option<(&'t str, String)> {
    let origin = passage[start].position;
    let first = lead.first()?.position;
    let mut at = start;
    for (index, word) in lead.iter().enumerate() {
        let position = origin + (word.position - first);
        let from = if index == 0 { start } else { at + 1 };
        let matched = passage[from..]
            .iter()
            .take_while(|candidate| candidate.position <= position)
            .position(|candidate| candidate.position == position && candidate.term == word.term)?;
        at = from + matched;
    }
    let end = &passage[at];
    let next = passage[at + 1..]
        .iter()
        .find(|candidate| candidate.position > end.position)?;
    let gap = text.get(end.to..next.from)?;
    let only_stop_words = gap.chars().count() <= MAX_GAP_CHARS
        && gap
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || matches!(c, '\'' | '\u{2019}' | '-'));
    if !only_stop_words {
        return None;
    }
    let written = text.get(end.to..next.to)?;
    let mut single_spaced: String = written.split(' ').filter(|part| !part.is_empty()).fold(
        String::new(),
        |mut joined, part| {
            joined.push(' ');
            joined.push_str(part);
            joined
        },
    );
    // An elision or a hyphen right after the last word typed is written against it.
    if !written.starts_with(' ') {
        single_spaced.remove(0);
    }
    Some((text.get(passage[start].from..end.to)?, single_spaced))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::french_analyzer;

    fn next_after(lead: &str, text: &str) -> Vec<String> {
        let mut analyzer = french_analyzer();
        let lead = words(&mut analyzer, lead);
        let passage = words(&mut analyzer, text);
        (0..passage.len())
            .filter_map(|start| continuation_at(&passage, start, &lead, text))
            .map(|(_, next)| next)
            .collect()
    }

    #[test]
    fn the_next_word_comes_as_written_with_the_stop_words_before_it() {
        assert_eq!(
            next_after(
                "lutte contre",
                "La lutte contre le terrorisme. La lutte contre  les  discriminations."
            ),
            [" le terrorisme", " les discriminations"]
        );
        assert_eq!(
            next_after("équipes communes", "des équipes communes d'enquête"),
            [" d'enquête"]
        );
        // The same terms, written otherwise: the text's forms.
        assert_eq!(
            next_after("equipe commune", "Les ÉQUIPES COMMUNES d’enquête"),
            [" d’enquête"]
        );
    }

    #[test]
    fn nothing_follows_across_a_sign_or_when_the_words_stand_apart() {
        assert!(next_after("lutte contre", "la lutte contre. Le terrorisme").is_empty());
        assert!(next_after("lutte contre", "la lutte contre, enfin, le terrorisme").is_empty());
        assert!(
            next_after("lutte contre", "la lutte sans relâche contre le terrorisme").is_empty()
        );
        assert!(next_after("lutte contre", "la lutte contre").is_empty());
    }
}
