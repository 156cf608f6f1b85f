//! An analyzer for values repeated from one passage to the next: a document's title, the
//! headings above its passages, the number of the act it is. Each passage of a code article
//! carries the article's whole section path (`Livre Ier : Des personnes > Titre Ier bis : …`),
//! and consecutive articles of a chapter carry the same one: analysing those paths again and
//! again was about a tenth of an indexing run. This wrapper keeps the tokens of the last value
//! it analysed and replays them while the value repeats; the terms are the wrapped analyzer's.

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

/// Wraps an analyzer, replaying the tokens of the last value while the same value comes again.
/// tantivy gives each field of each segment being written its own copy of a field's analyzer,
/// so "the last value" is that field's, in the order the passages are written.
#[derive(Clone)]
pub struct RepeatedValues {
    inner: TextAnalyzer,
    /// The last value analysed.
    last_text: String,
    /// Its tokens; the buffers (token texts) are reused from one value to the next.
    tokens: Vec<Token>,
    /// How many of `tokens` belong to `last_text` (the rest are spare buffers). Starts as the
    /// empty text's: no token.
    token_count: usize,
}

impl RepeatedValues {
    /// Wraps `inner`.
    pub fn new(inner: TextAnalyzer) -> Self {
        RepeatedValues {
            inner,
            last_text: String::new(),
            tokens: Vec::new(),
            token_count: 0,
        }
    }

    /// Analyses `text` with the wrapped analyzer into `tokens`, reusing their buffers.
    fn record(&mut self, text: &str) {
        let mut stream = self.inner.token_stream(text);
        let mut count = 0;
        while stream.advance() {
            let token = stream.token();
            if count == self.tokens.len() {
                self.tokens.push(Token::default());
            }
            let kept = &mut self.tokens[count];
            kept.offset_from = token.offset_from;
            kept.offset_to = token.offset_to;
            kept.position = token.position;
            kept.position_length = token.position_length;
            kept.text.clear();
            kept.text.push_str(&token.text);
            count += 1;
        }
        self.token_count = count;
        self.last_text.clear();
        self.last_text.push_str(text);
    }
}

impl Tokenizer for RepeatedValues {
    type TokenStream<'a> = Replay<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Replay<'a> {
        if self.last_text != text {
            self.record(text);
        }
        Replay {
            tokens: &mut self.tokens[..self.token_count],
            next: 0,
        }
    }
}

/// The recorded tokens of a value, in order.
pub struct Replay<'a> {
    tokens: &'a mut [Token],
    /// Index of the token after the current one (0 before the first `advance`).
    next: usize,
}

impl Replay<'_> {
    fn current(&self) -> usize {
        // Asked before the first `advance` (which the trait does not allow), the first token
        // stands in; an empty stream is never asked.
        self.next.saturating_sub(1)
    }
}

impl TokenStream for Replay<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.current()]
    }

    fn token_mut(&mut self) -> &mut Token {
        let current = self.current();
        &mut self.tokens[current]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::french_analyzer;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut stream = analyzer.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push(stream.token().clone());
        }
        tokens
    }

    #[test]
    fn repeated_and_changing_values_give_the_wrapped_analyzer_s_tokens() {
        let mut plain = french_analyzer();
        let mut repeated = TextAnalyzer::from(RepeatedValues::new(french_analyzer()));
        // The empty text first: the wrapper starts holding it.
        let values = [
            "",
            "Livre Ier : Des personnes > Titre Ier bis : De la nationalité française",
            "Livre Ier : Des personnes > Titre Ier bis : De la nationalité française",
            "",
            "",
            "Code de la sécurité intérieure — Article L. 232-1",
            "Livre Ier : Des personnes",
            "Livre Ier : Des personnes > Titre Ier bis : De la nationalité française",
            "le la les",
        ];
        for value in values {
            let expected = tokens(&mut plain, value);
            assert_eq!(tokens(&mut repeated, value), expected, "{value:?}");
        }
    }
}
