//! Counts the words and frequent phrases of passage texts into a [`SuggestionTable`].
//!
//! Words are cut by the index's own tokenizer (so elisions and legal references are read as
//! the index reads them) and keyed by their folded form (lower case, no accents); each key
//! remembers how often each surface form was written, and shows the most frequent one.
//! Phrases are runs of two or three words inside a sentence (only spaces, a hyphen or an
//! elision like `d'` between them) that neither start nor end with a stop word. Memory stays
//! bounded on large corpora: phrases are counted by a 64-bit hash of their folded text, which
//! is kept only once a phrase recurs (most are seen once), and when the counts grow past
//! [`PRUNE_AT`] entries, phrases seen once so far are dropped (a phrase must recur to be kept
//! anyway). Imports `analysis`.

use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::fast::FixedState;

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use super::table::{SuggestionKind, SuggestionTable, TableRow};
use crate::analysis;

/// A word is suggested once it occurs this many times.
pub const MIN_WORD_COUNT: u32 = 2;
/// A phrase is suggested once it occurs this many times.
pub const MIN_PHRASE_COUNT: u32 = 3;
/// Longest phrase, in words.
const MAX_PHRASE_WORDS: usize = 3;
/// Phrase counts are pruned of singletons when they hold more entries than this.
pub const PRUNE_AT: usize = 1_000_000;
/// Words that end no phrase and start none although the stop list keeps them (folded):
/// prepositions and quantifiers that leave a suggestion hanging (`coopération entre`).
#[rustfmt::skip]
const PHRASE_EDGE_WORDS: &[&str] = &[
    "entre", "selon", "lors", "dont", "apres", "avant", "contre", "sous", "vers", "chez", "afin",
    "ainsi", "tout", "tous", "toute", "toutes", "autre", "autres", "plus", "moins", "tres",
    "peut", "doit", "sont", "notamment", "egalement", "aupres", "dans", "parmi", "depuis",
];
/// Longest elided word accepted between two words of a phrase (`jusqu'`).
const MAX_ELISION_CHARS: usize = 7;

/// How often a folded word occurs, and in which surface forms.
struct WordCounts {
    /// The folded word, in its table's `keys`.
    key: Span,
    count: u32,
    /// A stop word or a [`PHRASE_EDGE_WORDS`] word: never suggested alone, never a phrase end.
    is_stop_word: bool,
    /// Each surface form, as a span of the builder's `surface_text`, and its count.
    surfaces: Vec<(Span, u32)>,
}

/// Where a text lies in one of the builder's growing buffers: start and length, in bytes.
#[derive(Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

impl Span {
    /// Appends `text` to `buffer`, if the buffer stays under 4 GiB.
    fn push(buffer: &mut String, text: &str) -> Option<Span> {
        let span = Span {
            start: u32::try_from(buffer.len()).ok()?,
            len: u32::try_from(text.len()).ok()?,
        };
        buffer.push_str(text);
        Some(span)
    }

    fn of(self, buffer: &str) -> &str {
        let start = self.start as usize;
        buffer
            .get(start..start + self.len as usize)
            .unwrap_or_default()
    }
}

impl WordCounts {
    fn new(key: Span, is_stop_word: bool) -> Self {
        WordCounts {
            key,
            count: 0,
            is_stop_word,
            surfaces: Vec::new(),
        }
    }

    /// Counts one occurrence written `surface` (kept in `surface_text` the first time it is
    /// seen); returns whether the word is a stop word.
    fn tally(&mut self, surface_text: &mut String, surface: &str) -> bool {
        self.count = self.count.saturating_add(1);
        match self
            .surfaces
            .iter_mut()
            .find(|(known, _)| known.of(surface_text) == surface)
        {
            Some((_, count)) => *count = count.saturating_add(1),
            None => {
                if let Some(span) = Span::push(surface_text, surface) {
                    self.surfaces.push((span, 1));
                }
            }
        }
        self.is_stop_word
    }

    /// The most frequent surface form (the first seen on a tie), read from `surface_text`.
    fn best_surface<'a>(&self, surface_text: &'a str) -> Option<&'a str> {
        let mut best: Option<&(Span, u32)> = None;
        for candidate in &self.surfaces {
            if best.is_none_or(|kept| candidate.1 > kept.1) {
                best = Some(candidate);
            }
        }
        best.map(|(surface, _)| surface.of(surface_text))
    }
}

/// Hashing of the builder's maps: foldhash, several times faster than the standard
/// library's SipHash on these short keys (14 % of the build went to hashing), and as well
/// spread; the keys are words of the index, not input chosen to collide.
type FastHash = FixedState;

/// The words counted so far, by a 64-bit hash of their folded form, which is kept once in
/// `keys`: a lookup compares no text and follows no pointer to one (on 144,360 passages, the
/// text comparisons of a map keyed by `String` were a tenth of the build).
#[derive(Default)]
struct WordTable {
    counts: HashMap<u64, WordCounts, FastHash>,
    keys: String,
}

impl WordTable {
    fn get(&self, folded: &str) -> Option<&WordCounts> {
        self.counts.get(&text_hash(folded))
    }

    fn contains(&self, folded: &str) -> bool {
        self.counts.contains_key(&text_hash(folded))
    }

    /// Each word, folded, with its counts.
    fn iter(&self) -> impl Iterator<Item = (&str, &WordCounts)> {
        self.counts
            .values()
            .map(|counts| (counts.key.of(&self.keys), counts))
    }
}

/// One word of a passage, as the phrase counter needs it.
struct WordToken {
    /// Its folded form, in the builder's `folded_text`.
    folded: Span,
    start: usize,
    end: usize,
    is_stop_word: bool,
    /// One letter: it may end a phrase (`catégorie B`) but start none (`A défaut`).
    single_letter: bool,
    /// Written in capitals.
    capital: bool,
    in_phrases: bool,
}

/// Accumulates counts over passage texts; [`SuggestionBuilder::finish`] makes the table.
pub struct SuggestionBuilder {
    tokenizer: TextAnalyzer,
    words: WordTable,
    /// The words' surface forms, one after the other: one growing buffer rather than a small
    /// allocation per form, which would leave the memory fragmented once the build is over.
    surface_text: String,
    /// Phrase counts, by the hash of the folded phrase.
    phrases: HashMap<u64, PhraseTally, FastHash>,
    /// Where the folded text of each phrase seen twice or more lies in `phrase_text`, by the
    /// same hash: one growing buffer rather than a small allocation per phrase, which would
    /// leave the memory fragmented once the build is over.
    phrase_spans: HashMap<u64, Span, FastHash>,
    phrase_text: String,
    tokens: Vec<WordToken>,
    /// The folded forms of the current passage's words, one after the other.
    folded_text: String,
    key: String,
}

impl Default for SuggestionBuilder {
    fn default() -> Self {
        SuggestionBuilder {
            tokenizer: analysis::exact_analyzer(),
            words: WordTable::default(),
            surface_text: String::new(),
            phrases: HashMap::default(),
            phrase_spans: HashMap::default(),
            phrase_text: String::new(),
            tokens: Vec::new(),
            folded_text: String::new(),
            key: String::new(),
        }
    }
}

impl SuggestionBuilder {
    /// Counts the words and phrases of one passage.
    pub fn add_text(&mut self, text: &str) {
        self.tokens.clear();
        self.folded_text.clear();
        let mut stream = self.tokenizer.token_stream(text);
        let mut previous_end = 0;
        while let Some(token) = stream.next() {
            // A legal reference is also emitted whole over its parts: count the parts only,
            // and keep them out of phrases (`intérieure R. 224-1` makes no `intérieure R`).
            if token.offset_from < previous_end {
                for part in self.tokens.iter_mut().rev() {
                    if part.start < token.offset_from {
                        break;
                    }
                    part.in_phrases = false;
                }
                continue;
            }
            previous_end = token.offset_to;
            let Some(surface) = text.get(token.offset_from..token.offset_to) else {
                continue;
            };
            // One lookup for a word seen before (nearly all of them), two for a new one.
            let hash = text_hash(&token.text);
            let is_stop_word = match self.words.counts.get_mut(&hash) {
                Some(counts) => counts.tally(&mut self.surface_text, surface),
                None => {
                    let Some(key) = Span::push(&mut self.words.keys, &token.text) else {
                        continue;
                    };
                    let mut counts = WordCounts::new(
                        key,
                        PHRASE_EDGE_WORDS.contains(&token.text.as_str())
                            || analysis::is_stop_word(&token.text),
                    );
                    let is_stop_word = counts.tally(&mut self.surface_text, surface);
                    self.words.counts.insert(hash, counts);
                    is_stop_word
                }
            };
            // A stop word the analyzer keeps as a word where it stands (`catégorie C`,
            // `règlement (CE)`) may end a phrase there.
            let is_stop_word = is_stop_word
                && !analysis::is_kept_as_word(text, token.offset_from, token.offset_to);
            let Some(folded) = Span::push(&mut self.folded_text, &token.text) else {
                continue;
            };
            self.tokens.push(WordToken {
                folded,
                start: token.offset_from,
                end: token.offset_to,
                is_stop_word,
                single_letter: is_single_letter(&token.text),
                capital: surface.starts_with(char::is_uppercase),
                in_phrases: token.text.chars().all(char::is_alphabetic),
            });
        }
        drop(stream);
        self.count_phrases(text);
        if self.phrases.len() > PRUNE_AT {
            self.phrases.retain(|_, tally| tally.count > 1);
        }
    }

    fn count_phrases(&mut self, text: &str) {
        for first in 0..self.tokens.len() {
            let head = &self.tokens[first];
            if head.is_stop_word || head.single_letter || !head.in_phrases {
                continue;
            }
            // A word written after an elision is counted so too (`l'échange`): what completes
            // `l'éch` is what the texts write after `l'`, not every word starting `éch`.
            if let Some(elision) = elision_before(text, head.start) {
                self.key.clear();
                self.key
                    .extend(elision.chars().flat_map(char::to_lowercase));
                self.key.push('\'');
                self.key.push_str(head.folded.of(&self.folded_text));
                self.tally_key(None);
            }
            let head = &self.tokens[first];
            self.key.clear();
            self.key.push_str(head.folded.of(&self.folded_text));
            let mut letter_capital = None;
            for next in first + 1..(first + MAX_PHRASE_WORDS).min(self.tokens.len()) {
                let previous = &self.tokens[next - 1];
                let token = &self.tokens[next];
                if !token.in_phrases || !push_gap(text, previous.end, token.start, &mut self.key) {
                    break;
                }
                self.key.push_str(token.folded.of(&self.folded_text));
                if token.single_letter {
                    letter_capital = Some(token.capital);
                }
                if token.is_stop_word {
                    continue;
                }
                self.tally_key(letter_capital);
            }
        }
    }

    /// Counts one occurrence of the phrase in `key`, with the case of its one-letter word if it
    /// has one; its text is kept once it recurs.
    fn tally_key(&mut self, letter_capital: Option<bool>) {
        let hash = text_hash(&self.key);
        let tally = self.phrases.entry(hash).or_default();
        tally.count = tally.count.saturating_add(1);
        if let Some(capital) = letter_capital {
            let vote = if capital { 1 } else { -1 };
            tally.letter_votes = tally.letter_votes.saturating_add(vote);
        }
        if tally.count == 2 && !self.phrase_spans.contains_key(&hash) {
            if let Some(span) = Span::push(&mut self.phrase_text, &self.key) {
                self.phrase_spans.insert(hash, span);
            }
        }
    }

    /// Keeps the words and phrases that recur and builds the table, whose short prefixes keep
    /// their `short_list_len` best entries ready.
    pub fn finish(self, short_list_len: usize) -> SuggestionTable {
        let mut rows = Vec::new();
        for (key, counts) in self.words.iter() {
            if counts.is_stop_word || counts.count < MIN_WORD_COUNT || !is_suggestible_word(key) {
                continue;
            }
            let surface = counts.best_surface(&self.surface_text).unwrap_or(key);
            rows.push(TableRow {
                key: key.to_string(),
                surface: surface.to_string(),
                count: counts.count,
                kind: SuggestionKind::Word,
            });
        }
        for (hash, tally) in &self.phrases {
            if tally.count < MIN_PHRASE_COUNT {
                continue;
            }
            let Some(key) = self
                .phrase_spans
                .get(hash)
                .map(|span| span.of(&self.phrase_text))
            else {
                continue;
            };
            rows.push(TableRow {
                surface: phrase_surface(
                    key,
                    &self.words,
                    &self.surface_text,
                    tally.letter_votes > 0,
                ),
                key: key.to_string(),
                count: tally.count,
                kind: SuggestionKind::Phrase,
            });
        }
        // The counts go before the table is laid out, so that the memory they free can hold
        // it rather than stay behind it, unused.
        drop(self);
        SuggestionTable::new(rows, short_list_len)
    }
}

/// How often a phrase occurs, and how it writes its one-letter word (`catégorie c`, `garde a
/// vue`): times in capitals, less times not.
#[derive(Default)]
struct PhraseTally {
    count: u32,
    letter_votes: i32,
}

/// The key words and phrases are counted by (foldhash's full-quality variant): two sharing it
/// (about one chance in 2^64 for a pair) would share a count.
fn text_hash(phrase: &str) -> u64 {
    foldhash::quality::FixedState::default().hash_one(phrase)
}

/// Appends the folded separator between two words of a phrase to `key` — a space, a hyphen
/// or a space and an elision (` d'`) — or returns false when the gap ends the phrase.
fn push_gap(text: &str, previous_end: usize, start: usize, key: &mut String) -> bool {
    let Some(gap) = text.get(previous_end..start) else {
        return false;
    };
    if gap == "-" {
        key.push('-');
        return true;
    }
    let elided = gap.trim_start();
    if elided.len() == gap.len() {
        return false;
    }
    if elided.is_empty() {
        key.push(' ');
        return true;
    }
    let Some(elision) = elided
        .strip_suffix('\'')
        .or_else(|| elided.strip_suffix('\u{2019}'))
    else {
        return false;
    };
    let letters = elision.chars().count();
    if letters == 0 || letters > MAX_ELISION_CHARS || !elision.chars().all(char::is_alphabetic) {
        return false;
    }
    key.push(' ');
    key.extend(elision.chars().flat_map(char::to_lowercase));
    key.push('\'');
    true
}

/// The elision written right before the word starting at `start` (`l` in `de l'échange`,
/// `qu` in `qu’il`), if any.
fn elision_before(text: &str, start: usize) -> Option<&str> {
    let before = text.get(..start)?;
    let before = before
        .strip_suffix('\'')
        .or_else(|| before.strip_suffix('\u{2019}'))?;
    let letters_start = before
        .char_indices()
        .rev()
        .take_while(|(_, character)| character.is_alphabetic())
        .last()
        .map(|(index, _)| index)?;
    let elision = &before[letters_start..];
    let letters = elision.chars().count();
    (1..=MAX_ELISION_CHARS)
        .contains(&letters)
        .then_some(elision)
}

/// Words worth suggesting: two characters or more, with a letter, or a reference such as
/// `2016/679`.
fn is_suggestible_word(folded: &str) -> bool {
    folded.chars().count() >= 2
        && (folded.chars().any(char::is_alphabetic)
            || (folded.contains(['/', '-']) && folded.len() >= 5))
}

fn is_single_letter(word: &str) -> bool {
    let mut characters = word.chars();
    characters.next().is_some_and(char::is_alphabetic) && characters.next().is_none()
}

/// Rebuilds a phrase's surface from its words' most frequent surface forms; a one-letter word
/// in capitals when the phrase mostly writes it so (`catégorie B`, whatever `b` is alone: a
/// list item, `b)`).
fn phrase_surface(
    key: &str,
    words: &WordTable,
    surface_text: &str,
    letter_in_capitals: bool,
) -> String {
    let surface_of = |folded: &str| {
        words
            .get(folded)
            .and_then(|counts| counts.best_surface(surface_text))
            .unwrap_or(folded)
            .to_string()
    };
    let mut surface = String::with_capacity(key.len() + 8);
    for (chunk_index, chunk) in key.split(' ').enumerate() {
        if chunk_index > 0 {
            surface.push(' ');
        }
        for (part_index, part) in chunk.split('-').enumerate() {
            if part_index > 0 {
                surface.push('-');
            }
            if letter_in_capitals && is_single_letter(part) {
                surface.extend(part.chars().flat_map(char::to_uppercase));
            } else if words.contains(part) {
                surface.push_str(&surface_of(part));
            } else if let Some((elision, word)) = part.split_once('\'') {
                surface.push_str(elision);
                surface.push('\'');
                surface.push_str(&surface_of(word));
            } else {
                surface.push_str(part);
            }
        }
    }
    surface
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_of(texts: &[&str]) -> SuggestionTable {
        let mut builder = SuggestionBuilder::default();
        for text in texts {
            builder.add_text(text);
        }
        builder.finish(10)
    }

    fn texts(table: &SuggestionTable, prefix: &str) -> Vec<String> {
        table
            .best_with_prefix(prefix, 10)
            .into_iter()
            .map(|found| found.text.to_string())
            .collect()
    }

    #[test]
    fn words_show_their_most_frequent_accented_form() {
        let table = table_of(&[
            "La coopération policière renforce la sécurité.",
            "Coopération policière et sécurité intérieure.",
            "Une coopération policière étroite, la sécurité d'abord.",
        ]);
        assert_eq!(table.word_surface("cooperation"), Some("coopération"));
        assert_eq!(texts(&table, "secu"), ["sécurité"]);
        assert_eq!(
            texts(&table, "coop"),
            ["coopération", "coopération policière"]
        );
    }

    #[test]
    fn phrases_keep_elisions_and_skip_stop_word_ends() {
        let sentence = "Le recours aux équipes communes d'enquête est encouragé.";
        let table = table_of(&[sentence, sentence, sentence]);
        let phrases: Vec<String> = table
            .best_with_prefix("equipes", 10)
            .into_iter()
            .filter(|found| found.kind == SuggestionKind::Phrase)
            .map(|found| found.text.to_string())
            .collect();
        assert_eq!(phrases, ["équipes communes", "équipes communes d'enquête"]);
        assert!(
            texts(&table, "aux").is_empty(),
            "stop words are not suggested"
        );
        // A stop word may stand inside a phrase.
        assert_eq!(texts(&table, "recours aux"), ["recours aux équipes"]);
    }

    #[test]
    fn letters_naming_a_category_end_phrases_in_capitals_and_reference_letters_do_not() {
        let table = table_of(&[
            "Les armes de catégorie C et de catégorie b sont soumises à déclaration.",
            "Une arme de catégorie C ou de catégorie B, selon le code de la sécurité intérieure.",
            "Les armes de catégorie C, de catégorie B. Code de la sécurité intérieure R. 232-9.",
            "Relevant de la sécurité intérieure R. 224-1 à R. 224-6. A défaut, rien.",
            "A défaut de déclaration. A défaut, rien. Sur la sécurité intérieure L. 111-1.",
        ]);
        assert_eq!(
            texts(&table, "categorie "),
            ["catégorie B", "catégorie C"],
            "a letter after a word names a category; shown in capitals"
        );
        assert_eq!(
            texts(&table, "securite interieure"),
            ["sécurité intérieure"],
            "the letter of an article reference is not a phrase's word"
        );
        assert!(
            texts(&table, "a def").is_empty(),
            "a letter starts no phrase"
        );
    }

    #[test]
    fn words_after_an_elision_are_counted_with_it() {
        let table = table_of(&[
            "L'échange d'informations et l'échelle, le cas échéant.",
            "De l'échange, à l'échelle, le cas échéant.",
            "Pour l’échange et l'échelle, le cas échéant.",
        ]);
        assert_eq!(texts(&table, "l'ech"), ["l'échange", "l'échelle"]);
        assert_eq!(
            texts(&table, "d'inf"),
            Vec::<String>::new(),
            "seen once only"
        );
        assert_eq!(elision_before("de l'échange", 5), Some("l"));
        assert_eq!(elision_before("jusqu’au", 8), Some("jusqu"));
        assert_eq!(elision_before("l'échange", 0), None);
        assert_eq!(elision_before("l'état d'urgence", 10), Some("d"));
    }

    #[test]
    fn phrases_stop_at_punctuation_and_need_to_recur() {
        let table = table_of(&["sécurité. Police", "sécurité. Police", "sécurité. Police"]);
        assert!(table.best_with_prefix("securite ", 10).is_empty());
        let rare = table_of(&["ordre public", "ordre public"]);
        assert_eq!(texts(&rare, "ord"), ["ordre"]);
    }
}
