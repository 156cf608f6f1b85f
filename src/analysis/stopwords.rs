//! French stop words, matched on the folded (lowercase, accentless) token text.
//!
//! The list is the Snowball French list (as shipped by Lucene), plus the few forms users type
//! that it lacks (`a`, `où`, `être`) and the words the tokenizer elides, in both forms (`jusqu`
//! and `jusque`, `lorsqu` and `lorsque`…). It is written
//! accented, the way it is published, and folded once at first use: the filter runs after
//! folding, so one folded entry matches both `à` and `a`, `où` and `ou`, `être` and `etre`.
//! It must run before stemming, which would otherwise turn stop words into content stems.

use std::sync::OnceLock;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::folding::fold;

/// The stop words as published (accented); see the module doc for the additions.
const FRENCH_STOP_WORDS: &[&str] = &[
    // Snowball: pronouns, articles, prepositions, conjunctions.
    "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux", "il",
    "ils", "je", "la", "le", "les", "leur", "leurs", "lui", "ma", "mais", "me", "même", "mes",
    "moi", "mon", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que",
    "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une",
    "vos", "votre", "vous", "ceci", "cela", "celà", "cet", "cette", "ici", "quel", "quels",
    "quelle", "quelles", "sans", "soi", // Snowball: elided forms and single letters.
    "c", "d", "j", "l", "à", "m", "n", "s", "t", "y", // Snowball: forms of « être ».
    "été", "étée", "étées", "étés", "étant", "étante", "étants", "étantes", "suis", "es", "est",
    "sommes", "êtes", "sont", "serai", "seras", "sera", "serons", "serez", "seront", "serais",
    "serait", "serions", "seriez", "seraient", "étais", "était", "étions", "étiez", "étaient",
    "fus", "fut", "fûmes", "fûtes", "furent", "sois", "soit", "soyons", "soyez", "soient", "fusse",
    "fusses", "fût", "fussions", "fussiez", "fussent",
    // Snowball: forms of « avoir ».
    "ayant", "ayante", "ayantes", "ayants", "eu", "eue", "eues", "eus", "ai", "as", "avons", "avez",
    "ont", "aurai", "auras", "aura", "aurons", "aurez", "auront", "aurais", "aurait", "aurions",
    "auriez", "auraient", "avais", "avait", "avions", "aviez", "avaient", "eut", "eûmes", "eûtes",
    "eurent", "aie", "aies", "ait", "ayons", "ayez", "aient", "eusse", "eusses", "eût", "eussions",
    "eussiez", "eussent",
    // Additions: what users type without accents or the list lacks.
    "a", "où", "être",
    // Additions: the words the tokenizer elides, in both forms. Their elided form is dropped
    // before an apostrophe, so the full form must go too, or `lorsque` would stem to a lone
    // `lorsqu`; the elided form also arrives alone when the apostrophe is followed by a space.
    "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", "quelqu", "jusque", "lorsque", "puisque",
    "quoique", "presque", "quelque", "quelques",
];

/// The folded stop words, sorted and deduplicated for binary search.
fn folded_stop_words() -> &'static [String] {
    static FOLDED: OnceLock<Vec<String>> = OnceLock::new();
    FOLDED.get_or_init(|| {
        let mut words: Vec<String> = FRENCH_STOP_WORDS.iter().map(|word| fold(word)).collect();
        words.sort_unstable();
        words.dedup();
        words
    })
}

/// Longest folded stop word in bytes (`seraient`, `eussions`): longer tokens skip the lookup.
const LONGEST_STOP_WORD: usize = 8;

/// True when `folded` (lowercase, accentless) is a French stop word.
pub fn is_stop_word(folded: &str) -> bool {
    folded.len() <= LONGEST_STOP_WORD
        && folded_stop_words()
            .binary_search_by(|word| word.as_str().cmp(folded))
            .is_ok()
}

/// Token filter: drops stop words and keeps the positions of the others, so the gaps stay and
/// phrase queries still line up with the original text.
#[derive(Clone, Default)]
pub struct FrenchStopWords;

impl TokenFilter for FrenchStopWords {
    type Tokenizer<T: Tokenizer> = FrenchStopWordsWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FrenchStopWordsWrapper<T> {
        // Built here rather than on the first token, so indexing threads don't race for it.
        folded_stop_words();
        FrenchStopWordsWrapper { inner: tokenizer }
    }
}

/// The tokenizer produced by [`FrenchStopWords`].
#[derive(Clone)]
pub struct FrenchStopWordsWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for FrenchStopWordsWrapper<T> {
    type TokenStream<'a> = FrenchStopWordsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FrenchStopWordsStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// The token stream produced by [`FrenchStopWords`].
pub struct FrenchStopWordsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for FrenchStopWordsStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if !is_stop_word(&self.tail.token().text) {
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

    #[test]
    fn longest_stop_word_bound_is_right() {
        let longest = folded_stop_words().iter().map(String::len).max();
        assert_eq!(longest, Some(LONGEST_STOP_WORD));
    }

    #[test]
    fn accented_and_folded_forms_are_stop_words() {
        for word in ["a", "ou", "etre", "ete", "meme", "le", "jusqu", "l", "qu"] {
            assert!(is_stop_word(word), "{word}");
        }
    }

    #[test]
    fn content_words_are_kept() {
        for word in [
            "securite", "sis", "pnr", "si", "loi", "article", "police", "etat",
        ] {
            assert!(!is_stop_word(word), "{word}");
        }
    }
}
