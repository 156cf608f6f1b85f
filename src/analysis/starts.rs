//! A filter that lets through only the words that may give one of a few terms, for marking a
//! query's words in a passage without analysing every other word.
//!
//! Folding, stop words and stemming never change how a word starts: folding maps each letter
//! on its own, and the stemmers only rewrite endings, of words longer than two letters. So a
//! word gives a term only if its first two letters, folded, are the term's first two. Placed
//! right after the tokenizer, the filter leaves positions and offsets as they are (a removed
//! word is a gap, as a stop word is), so phrases are still found where they stand.

use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::folding::fold_into;

/// The folded first two characters of a set of terms.
#[derive(Debug, Clone, Default)]
pub struct WordStarts {
    /// The first two characters of each term of two or more, packed, sorted.
    pairs: Vec<u64>,
    /// The terms of one character.
    singles: Vec<char>,
}

impl WordStarts {
    /// The starts of `terms` (folded, as an analyzer gives them).
    pub fn of<'t>(terms: impl IntoIterator<Item = &'t str>) -> Self {
        let mut starts = WordStarts::default();
        for term in terms {
            let mut characters = term.chars();
            match (characters.next(), characters.next()) {
                (Some(first), Some(second)) => starts.pairs.push(pack(first, second)),
                (Some(first), None) => starts.singles.push(first),
                _ => {}
            }
        }
        starts.pairs.sort_unstable();
        starts.pairs.dedup();
        starts
    }

    /// True when a word whose folded text starts with `first`, then `second` (if it has a
    /// second character), may give one of the terms.
    fn admits(&self, first: char, second: Option<char>) -> bool {
        self.singles.contains(&first)
            || second.is_some_and(|second| self.pairs.binary_search(&pack(first, second)).is_ok())
    }
}

fn pack(first: char, second: char) -> u64 {
    (u64::from(first) << 32) | u64::from(second)
}

/// Token filter keeping only the words that may give one of [`WordStarts`]'s terms. Must come
/// right after the tokenizer, before folding.
#[derive(Clone)]
pub struct StartingWith(pub Arc<WordStarts>);

impl TokenFilter for StartingWith {
    type Tokenizer<T: Tokenizer> = StartingWithWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StartingWithWrapper<T> {
        StartingWithWrapper {
            inner: tokenizer,
            starts: self.0,
            buffer: String::new(),
        }
    }
}

/// The tokenizer produced by [`StartingWith`].
#[derive(Clone)]
pub struct StartingWithWrapper<T> {
    inner: T,
    starts: Arc<WordStarts>,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for StartingWithWrapper<T> {
    type TokenStream<'a> = StartingWithStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StartingWithStream {
            tail: self.inner.token_stream(text),
            starts: &self.starts,
            buffer: &mut self.buffer,
        }
    }
}

/// The token stream produced by [`StartingWith`].
pub struct StartingWithStream<'a, T> {
    tail: T,
    starts: &'a WordStarts,
    buffer: &'a mut String,
}

impl<T: TokenStream> StartingWithStream<'_, T> {
    /// True when `word` (as the tokenizer wrote it) may give one of the terms.
    fn may_give_a_term(&mut self, word: &str) -> bool {
        let bytes = word.as_bytes();
        // Most words start with two ASCII letters or digits: lowercasing is their folding.
        if let [first, second, ..] = bytes {
            if first.is_ascii_alphanumeric() && second.is_ascii_alphanumeric() {
                return self.starts.admits(
                    char::from(first.to_ascii_lowercase()),
                    Some(char::from(second.to_ascii_lowercase())),
                );
            }
        }
        // Otherwise fold the first few characters (a ligature gives two, a combining mark
        // none), or the whole word when that does not give two.
        let head_end = word
            .char_indices()
            .nth(4)
            .map_or(word.len(), |(offset, _)| offset);
        fold_into(&word[..head_end], self.buffer);
        if self.buffer.chars().nth(1).is_none() && head_end < word.len() {
            fold_into(word, self.buffer);
        }
        let mut folded = self.buffer.chars();
        match folded.next() {
            Some(first) => self.starts.admits(first, folded.next()),
            None => false,
        }
    }
}

impl<T: TokenStream> TokenStream for StartingWithStream<'_, T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let word = std::mem::take(&mut self.tail.token_mut().text);
            let kept = self.may_give_a_term(&word);
            self.tail.token_mut().text = word;
            if kept {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze_with, Variant};

    /// The terms `variant` gives `text`, and those it gives with the filter for `terms`.
    fn with_and_without(
        variant: Variant,
        text: &str,
        terms: &[&str],
    ) -> (Vec<String>, Vec<String>) {
        let starts = Arc::new(WordStarts::of(terms.iter().copied()));
        let all = analyze_with(&mut variant.analyzer(), text);
        let kept = analyze_with(&mut variant.analyzer_starting_with(starts), text);
        (all, kept)
    }

    #[test]
    fn the_filter_keeps_every_word_that_gives_a_term_asked_for() {
        let text = "L'échange des données (UE) 2016/679 ; Œuvres, SÉCURITÉ et e\u{301}changes \
                    du L. 232-1, catégorie C, co\u{ad}opération, travaux, x";
        for variant in Variant::ALL {
            let all_terms = analyze_with(&mut variant.analyzer(), text);
            for term in &all_terms {
                let (all, kept) = with_and_without(variant, text, &[term.as_str()]);
                let expected: Vec<&String> = all.iter().filter(|t| *t == term).collect();
                let found: Vec<&String> = kept.iter().filter(|t| *t == term).collect();
                assert_eq!(found, expected, "{} with {term}", variant.name());
            }
        }
    }

    #[test]
    fn the_filter_drops_words_that_start_otherwise_and_keeps_positions() {
        let terms = ["echang", "secur"];
        let starts = Arc::new(WordStarts::of(terms));
        let mut analyzer = Variant::Light.analyzer_starting_with(starts);
        let mut stream = analyzer.token_stream("Les échanges de données et la sécurité");
        let mut kept = Vec::new();
        while let Some(token) = stream.next() {
            kept.push((token.text.clone(), token.position));
        }
        assert_eq!(
            kept,
            [("echang".to_string(), 1), ("securit".to_string(), 6)]
        );
    }
}
