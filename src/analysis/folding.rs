//! Lowercasing and accent folding in one pass, so that `Sécurité`, `securite` and `SÉCURITÉ`
//! give the same term.
//!
//! Users type French without accents, so every later step (stop words, stemming) works on the
//! folded form. Only Latin letters lose their diacritics: folding Greek or Cyrillic marks would
//! change those words, and the corpus is French. Owns no tantivy knowledge beyond the filter
//! plumbing; imports nothing else from the crate.

use std::mem;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Lowercases `text` and strips Latin diacritics into `output` (cleared first).
///
/// Ligatures are expanded (`œ` → `oe`, `æ` → `ae`, `ß` → `ss`); combining marks left by
/// decomposed (NFD) input are dropped, so NFC and NFD texts meet.
pub fn fold_into(text: &str, output: &mut String) {
    output.clear();
    for character in text.chars() {
        if character.is_ascii() {
            output.push(character.to_ascii_lowercase());
        } else if let Some(folded) = folded_french_letter(character) {
            output.push_str(folded);
        } else {
            for lower in character.to_lowercase() {
                push_folded(lower, output);
            }
        }
    }
}

/// Folds `text` into a new string; for building tables, not for the hot path.
pub fn fold(text: &str) -> String {
    let mut output = String::with_capacity(text.len());
    fold_into(text, &mut output);
    output
}

/// The folded form of a letter of French, in either case, or `None` for any other character,
/// which is lowercased first (a Unicode table lookup) and folded by [`push_folded`].
fn folded_french_letter(character: char) -> Option<&'static str> {
    Some(match character {
        'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => "a",
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'î' | 'ï' | 'Î' | 'Ï' => "i",
        'ô' | 'ö' | 'Ô' | 'Ö' => "o",
        'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => "u",
        'ç' | 'Ç' => "c",
        'ÿ' | 'Ÿ' => "y",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        _ => return None,
    })
}

/// Pushes the folded form of one already-lowercased, non-ASCII character.
fn push_folded(character: char, output: &mut String) {
    // The French letters first: they are nearly all the non-ASCII letters of the corpus, and a
    // match is much cheaper than a decomposition lookup.
    let folded = match character {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'ø' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ç' => 'c',
        'ÿ' | 'ý' => 'y',
        'ñ' => 'n',
        'œ' => return output.push_str("oe"),
        'æ' => return output.push_str("ae"),
        'ß' => return output.push_str("ss"),
        'đ' => 'd',
        'ł' => 'l',
        _ if is_combining_mark(character) => return,
        _ if is_latin(character) => {
            decompose_canonical(character, |part| {
                if !is_combining_mark(part) {
                    output.push(part);
                }
            });
            return;
        }
        other => other,
    };
    output.push(folded);
}

/// Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional: the letters whose
/// diacritics are decoration rather than a different letter for our purposes.
fn is_latin(character: char) -> bool {
    matches!(character, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// Token filter: lowercases and folds each token's text (see [`fold_into`]).
#[derive(Clone, Default)]
pub struct FrenchFolding;

impl TokenFilter for FrenchFolding {
    type Tokenizer<T: Tokenizer> = FrenchFoldingWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FrenchFoldingWrapper<T> {
        FrenchFoldingWrapper {
            inner: tokenizer,
            buffer: String::new(),
        }
    }
}

/// The tokenizer produced by [`FrenchFolding`]; owns the scratch buffer reused across tokens.
#[derive(Clone)]
pub struct FrenchFoldingWrapper<T> {
    inner: T,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for FrenchFoldingWrapper<T> {
    type TokenStream<'a> = FrenchFoldingStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FrenchFoldingStream {
            tail: self.inner.token_stream(text),
            buffer: &mut self.buffer,
        }
    }
}

/// The token stream produced by [`FrenchFolding`].
pub struct FrenchFoldingStream<'a, T> {
    tail: T,
    buffer: &'a mut String,
}

impl<T: TokenStream> TokenStream for FrenchFoldingStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token.text.is_ascii() {
            // Fast path: most tokens of French text are plain ASCII.
            token.text.make_ascii_lowercase();
        } else {
            fold_into(&token.text, self.buffer);
            // Swapping keeps both allocations alive for the next tokens.
            mem::swap(&mut token.text, self.buffer);
        }
        true
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
    use super::{fold, push_folded};

    /// The French letters' shortcut folds every character as lowercasing it, then folding it,
    /// would.
    #[test]
    fn every_character_folds_as_through_the_unicode_tables() {
        for character in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut expected = String::new();
            if character.is_ascii() {
                expected.push(character.to_ascii_lowercase());
            } else {
                character
                    .to_lowercase()
                    .for_each(|lower| push_folded(lower, &mut expected));
            }
            assert_eq!(fold(&character.to_string()), expected, "{character:?}");
        }
    }

    #[test]
    fn folds_french_letters_and_ligatures() {
        assert_eq!(fold("SÉCURITÉ"), "securite");
        assert_eq!(fold("Sécurité"), "securite");
        assert_eq!(fold("éèêëàâîïôöùûüçÿ"), "eeeeaaiioouuucy");
        assert_eq!(fold("ÉÈÊËÀÂÎÏÔÖÙÛÜÇŸ"), "eeeeaaiioouuucy");
        assert_eq!(fold("Œuvre cœur Æ"), "oeuvre coeur ae");
    }

    #[test]
    fn nfd_input_meets_nfc_input() {
        assert_eq!(fold("se\u{301}curite\u{301}"), "securite");
    }

    #[test]
    fn non_latin_scripts_are_only_lowercased() {
        assert_eq!(fold("Ελλάδα"), "ελλάδα");
        assert_eq!(fold("日本"), "日本");
    }
}
