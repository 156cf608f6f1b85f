//! The word tokenizer for French legal text: words, elisions and legal references.
//!
//! tantivy's `SimpleTokenizer` splits on every apostrophe and every punctuation mark, which
//! leaves `jusqu` and `aujourd` as junk and cuts `421-2-6` into three numbers. Here:
//!
//! - a word is a run of Unicode alphanumerics (combining marks included, for NFD input);
//! - an apostrophe between two word characters either drops an elision before it
//!   (`l'échange` → `échange`, see [`super::elision`]) or joins the parts (`aujourd'hui`);
//! - `-`, `/` and `.` between two digits join them (`2016/681`, `421-2-6`, `12.500`), while a
//!   hyphen between letters separates words (`couvre-feu` → `couvre`, `feu`);
//! - a letter directly before an article number is split off (`L232-1` → `L`, `232-1`), so
//!   `L232-1`, `L.232-1` and `L. 232-1` give the same tokens at the same relative positions;
//! - an article number with its code letter (`L232-1`, `L.232-1`, or a capital `L`, `R`, `D` or
//!   `A` then `. ` and the number) also gives the whole reference (`L232-1`) at the number's
//!   position: `232-1` finds the article of every part of a code, `L. 232-1` only the
//!   legislative one.
//!
//! - a word of three letters or more with one to three digits glued to it, as PDF conversions
//!   leave footnote calls (`journalisation74`, `registre5`), is also the word alone, first, at
//!   the same position (`sha256` and `covid19` are still found as written);
//!
//! - an acronym written with dots is one word (`S.I.S.` → `SIS`, `l'U.E.` → `UE`), the same
//!   as written without them.
//!
//! Every token's offsets are the byte range of exactly its word in the original text (the elision
//! excluded), and positions count emitted words, so highlighting and phrase queries line up.
//! The text keeps its original case; folding is the next filter's job.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;

use super::elision::{is_apostrophe, is_elision};

/// Splits French text into words; see the module doc for the rules.
#[derive(Clone, Default)]
pub struct FrenchTokenizer {
    token: Token,
}

impl Tokenizer for FrenchTokenizer {
    type TokenStream<'a> = FrenchTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FrenchTokenStream<'a> {
        self.token.reset();
        FrenchTokenStream {
            text,
            cursor: 0,
            token: &mut self.token,
            pending_number: None,
            pending_prefix: None,
            pending_reference: None,
        }
    }
}

/// The token stream produced by [`FrenchTokenizer`].
pub struct FrenchTokenStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    cursor: usize,
    token: &'a mut Token,
    /// The byte range of an article number whose letter prefix was just emitted.
    pending_number: Option<(usize, usize)>,
    /// A code letter just emitted before a spaced article number: the letter and its offset.
    pending_prefix: Option<(char, usize)>,
    /// A second form to emit at the position of the token just emitted, with its token text
    /// and byte range: a whole reference (`L232-1`) after its number, a word with its
    /// footnote's call (`registre5`) after the word.
    pending_reference: Option<(String, usize, usize)>,
}

/// What stands right after a run of word characters.
enum Joiner {
    /// An apostrophe (of this many bytes) followed by a word character.
    Apostrophe(usize),
    /// A separator between two digits, kept in the token as this ASCII character.
    Numeric(char, usize),
    /// A soft hyphen between word characters: invisible, so the word goes on without it.
    Invisible(usize),
    /// Anything else ends the word.
    End,
}

impl FrenchTokenStream<'_> {
    /// The character starting at byte `offset`, if any.
    fn char_at(&self, offset: usize) -> Option<char> {
        self.text.get(offset..)?.chars().next()
    }

    /// True when a word character starts at byte `offset`.
    fn is_word_char_at(&self, offset: usize) -> bool {
        match self.text.as_bytes().get(offset) {
            Some(byte) if byte.is_ascii() => byte.is_ascii_alphanumeric(),
            Some(_) => self.char_at(offset).is_some_and(is_word_char),
            None => false,
        }
    }

    /// True when the byte at `offset` is an ASCII digit.
    fn is_digit_at(&self, offset: usize) -> bool {
        self.text
            .as_bytes()
            .get(offset)
            .is_some_and(u8::is_ascii_digit)
    }

    /// The end of the run of word characters starting at `offset`.
    fn run_end(&self, mut offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        while let Some(&byte) = bytes.get(offset) {
            if byte.is_ascii() {
                if !byte.is_ascii_alphanumeric() {
                    break;
                }
                offset += 1;
            } else {
                match self.char_at(offset) {
                    Some(character) if is_word_char(character) => {
                        offset += character.len_utf8();
                    }
                    _ => break,
                }
            }
        }
        offset
    }

    /// The start of the next word at or after `offset`.
    fn next_word_start(&self, mut offset: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        while let Some(&byte) = bytes.get(offset) {
            if byte.is_ascii() {
                if byte.is_ascii_alphanumeric() {
                    return Some(offset);
                }
                offset += 1;
            } else {
                let character = self.char_at(offset)?;
                if is_word_char(character) {
                    return Some(offset);
                }
                offset += character.len_utf8();
            }
        }
        None
    }

    /// Classifies what follows a run of word characters ending at `offset`.
    fn joiner_at(&self, offset: usize) -> Joiner {
        let Some(character) = self.char_at(offset) else {
            return Joiner::End;
        };
        let length = character.len_utf8();
        let next = offset + length;
        if is_apostrophe(character) && self.is_word_char_at(next) {
            return Joiner::Apostrophe(length);
        }
        if character == '\u{00AD}' && self.is_word_char_at(next) {
            return Joiner::Invisible(length);
        }
        // The run ends on a char boundary, so an ASCII digit byte before `offset` is the run's
        // last character.
        let between_digits = offset > 0 && self.is_digit_at(offset - 1) && self.is_digit_at(next);
        if between_digits {
            match character {
                '-' | '/' | '.' => return Joiner::Numeric(character, length),
                // Non-breaking hyphens from word processors mean the same as `-`.
                '\u{2010}' | '\u{2011}' => return Joiner::Numeric('-', length),
                _ => {}
            }
        }
        Joiner::End
    }

    /// An acronym written with dots (`S.I.S.`, `U.E.`), starting at `start`: two or more
    /// capital letters, each but maybe the last followed by a dot. Returns where its last
    /// letter ends and where the text after it (its last dot included) starts.
    fn dotted_acronym_at(&self, start: usize) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let mut at = start;
        let mut letters = 0;
        let mut letters_end = start;
        while bytes.get(at).is_some_and(u8::is_ascii_uppercase) {
            letters += 1;
            letters_end = at + 1;
            if bytes.get(at + 1) == Some(&b'.') {
                at += 2;
            } else {
                at += 1;
                break;
            }
        }
        // Two letters or more means the first had its dot.
        (letters >= 2 && !self.is_word_char_at(at)).then_some((letters_end, at))
    }

    /// True when a spaced article number follows a code letter ending at `offset`: an optional
    /// `.`, optional spaces, then a digit (`L. 232-1`, `R 40`).
    fn article_number_follows(&self, offset: usize) -> bool {
        let rest = &self.text[offset..];
        let rest = rest.strip_prefix('.').unwrap_or(rest);
        let rest = rest.trim_start_matches([' ', '\u{00A0}', '\u{202F}']);
        rest.as_bytes().first().is_some_and(u8::is_ascii_digit)
    }

    /// Emits a token at the position of the previous one (a second form of the same words).
    fn emit_same_position(&mut self, from: usize, to: usize) -> bool {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position_length = 1;
        true
    }

    /// Emits `text[from..to]`, whose token text is already in `self.token.text`.
    fn emit(&mut self, from: usize, to: usize) -> bool {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
        true
    }
}

impl TokenStream for FrenchTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        if let Some((reference, from, to)) = self.pending_reference.take() {
            self.token.text.push_str(&reference);
            return self.emit_same_position(from, to);
        }
        if let Some((from, to)) = self.pending_number.take() {
            let number = &self.text[from..to];
            self.token.text.push_str(number);
            let prefix_start = from.saturating_sub(1);
            let mut reference = String::with_capacity(1 + number.len());
            reference.push_str(&self.text[prefix_start..from]);
            reference.push_str(number);
            self.pending_reference = Some((reference, prefix_start, to));
            return self.emit(from, to);
        }
        let prefix = self.pending_prefix.take();
        let Some(word_start) = self.next_word_start(self.cursor) else {
            self.cursor = self.text.len();
            return false;
        };
        // Where the emitted word starts: after the last elision dropped.
        let mut segment_start = word_start;
        let mut offset = word_start;
        loop {
            if self.token.text.is_empty() {
                if let Some((letters_end, after)) = self.dotted_acronym_at(offset) {
                    let letters = self.text[offset..letters_end]
                        .bytes()
                        .filter(u8::is_ascii_uppercase)
                        .map(char::from);
                    self.token.text.extend(letters);
                    self.cursor = after;
                    return self.emit(segment_start, letters_end);
                }
            }
            let run_end = self.run_end(offset);
            self.token.text.push_str(&self.text[offset..run_end]);
            offset = run_end;
            match self.joiner_at(offset) {
                Joiner::Apostrophe(length) => {
                    offset += length;
                    if is_elision(&self.token.text) {
                        self.token.text.clear();
                        segment_start = offset;
                    }
                }
                Joiner::Numeric(kept, length) => {
                    self.token.text.push(kept);
                    offset += length;
                }
                Joiner::Invisible(length) => offset += length,
                Joiner::End => break,
            }
        }
        self.cursor = offset;
        let raw = &self.text[segment_start..offset];
        if raw.len() == self.token.text.len() && is_prefixed_number(raw) {
            self.token.text.truncate(1);
            self.pending_number = Some((segment_start + 1, offset));
            return self.emit(segment_start, segment_start + 1);
        }
        let is_number = raw.as_bytes().first().is_some_and(u8::is_ascii_digit);
        if let Some((letter, letter_start)) = prefix.filter(|_| is_number) {
            let mut reference = String::with_capacity(1 + self.token.text.len());
            reference.push(letter);
            reference.push_str(&self.token.text);
            self.pending_reference = Some((reference, letter_start, offset));
        }
        if is_code_letter(raw) && self.article_number_follows(offset) {
            self.pending_prefix = raw.chars().next().map(|letter| (letter, segment_start));
        }
        if let Some(letters) = letters_before_a_call(raw) {
            let whole = std::mem::take(&mut self.token.text);
            self.token.text.push_str(&raw[..letters]);
            self.pending_reference = Some((whole, segment_start, offset));
            return self.emit(segment_start, segment_start + letters);
        }
        self.emit(segment_start, offset)
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The length of a word's letters (bytes) when one to three digits are glued after at least
/// three letters (`registre5`, `journalisation74`): a footnote's call.
fn letters_before_a_call(word: &str) -> Option<usize> {
    let letters = word.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if !(1..=3).contains(&(word.len() - letters)) {
        return None;
    }
    let mut chars = word[..letters].chars();
    let counted = chars.by_ref().take(3).filter(|c| c.is_alphabetic()).count();
    (counted == 3 && chars.all(char::is_alphabetic)).then_some(letters)
}

/// Letters, digits, and the combining marks of decomposed accented letters; not the modifier
/// letter apostrophe (`lʼéchange`), which Unicode counts as a letter.
fn is_word_char(character: char) -> bool {
    if character.is_ascii() {
        return character.is_ascii_alphanumeric();
    }
    // The accented Latin letters, most of French's non-ASCII characters, without the
    // Unicode table lookup: from U+00C0 to U+024F every character is a letter but × and ÷.
    if matches!(character, '\u{C0}'..='\u{24F}') {
        return !matches!(character, '×' | '÷');
    }
    (character.is_alphanumeric() && !is_apostrophe(character)) || is_combining_mark(character)
}

/// True for the capital letter of a code part that prefixes article numbers when written
/// apart (`L. 232-1`): legislative, regulatory, decree, order.
fn is_code_letter(word: &str) -> bool {
    matches!(word, "L" | "R" | "D" | "A")
}

/// True for an article number with a one-letter prefix: `L232-1`, `R40`, `D1.2`.
/// `H5N1` and `G7a` are left whole: a letter after the digits means it is not an article.
fn is_prefixed_number(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() >= 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1].is_ascii_digit()
        && bytes[2..]
            .iter()
            .all(|byte| byte.is_ascii_digit() || matches!(byte, b'-' | b'/' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcuts for ASCII and accented Latin letters answer as the Unicode tables do.
    #[test]
    fn every_character_is_a_word_character_as_the_unicode_tables_say() {
        for character in (0..=0x10FFFF).filter_map(char::from_u32) {
            let expected = (character.is_alphanumeric() && !is_apostrophe(character))
                || is_combining_mark(character);
            assert_eq!(is_word_char(character), expected, "{character:?}");
        }
    }

    /// (text, position, from, to) of every token.
    fn tokens(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut tokenizer = FrenchTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut tokens = Vec::new();
        while let Some(token) = stream.next() {
            tokens.push((
                token.text.clone(),
                token.position,
                token.offset_from,
                token.offset_to,
            ));
        }
        tokens
    }

    fn texts(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|token| token.0).collect()
    }

    #[test]
    fn elision_is_dropped_and_offsets_cover_the_word() {
        let text = "l’échange";
        let found = tokens(text);
        assert_eq!(found.len(), 1);
        let (word, position, from, to) = &found[0];
        assert_eq!(word, "échange");
        assert_eq!(*position, 0);
        assert_eq!(&text[*from..*to], "échange");
    }

    #[test]
    fn every_apostrophe_drops_an_elision() {
        for text in ["l'échange", "l’échange", "lʼéchange"] {
            let found = tokens(text);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(&text[found[0].2..found[0].3], "échange", "{text}");
        }
        assert_eq!(texts("aujourdʼhui"), ["aujourdhui"]);
    }

    #[test]
    fn non_elided_apostrophe_joins() {
        assert_eq!(texts("d'aujourd'hui"), ["aujourdhui"]);
        assert_eq!(texts("prud’hommes"), ["prudhommes"]);
        let text = "aujourd'hui";
        assert_eq!(tokens(text)[0].2..tokens(text)[0].3, 0..text.len());
    }

    #[test]
    fn numbers_and_prefixes() {
        assert_eq!(texts("L232-1"), ["L", "232-1", "L232-1"]);
        assert_eq!(texts("L.851-2"), ["L", "851-2", "L851-2"]);
        assert_eq!(texts("L. 851-2."), ["L", "851-2", "L851-2"]);
        assert_eq!(texts("R 40-29"), ["R", "40-29", "R40-29"]);
        // A lower-case letter apart is a word, not a code letter.
        assert_eq!(texts("l 40"), ["l", "40"]);
        assert_eq!(
            texts("H5N1 2016/681 12.500 1°"),
            ["H5N1", "2016/681", "12.500", "1"]
        );
        assert_eq!(texts("421\u{2011}2\u{2011}6"), ["421-2-6"]);
        let text = "L232-1";
        let found = tokens(text);
        assert_eq!((found[0].1, found[0].2, found[0].3), (0, 0, 1));
        assert_eq!((found[1].1, found[1].2, found[1].3), (1, 1, 6));
        assert_eq!((found[2].1, found[2].2, found[2].3), (1, 0, 6));
        let spaced = tokens("art. L. 851-2 du code");
        assert_eq!(spaced[3], ("L851-2".to_string(), 2, 5, 13));
        assert_eq!(spaced[4].1, 3, "the next word follows the number");
    }

    #[test]
    fn hyphen_between_letters_splits() {
        assert_eq!(
            texts("couvre-feu COVID-19"),
            ["couvre", "feu", "COVID", "19"]
        );
    }

    #[test]
    fn soft_hyphen_and_nfd_stay_inside_the_word() {
        assert_eq!(texts("sécu\u{AD}rité"), ["sécurité"]);
        assert_eq!(texts("se\u{301}curite\u{301}"), ["se\u{301}curite\u{301}"]);
    }

    #[test]
    fn dotted_acronyms_are_one_word() {
        assert_eq!(
            texts("Le S.I.S. et l'U.E., la C.R.O.S.S et le M.B."),
            ["Le", "SIS", "et", "UE", "la", "CROSS", "et", "le", "MB"]
        );
        let text = "l'U.E. 27";
        let found = tokens(text);
        assert_eq!(&text[found[0].2..found[0].3], "U.E");
        assert_eq!((found[1].0.as_str(), found[1].1), ("27", 1));
        // Not acronyms: an initial before a name, a code letter before its number, dotted
        // letters running into a word.
        assert_eq!(texts("M. Dupont"), ["M", "Dupont"]);
        assert_eq!(texts("L.232-1"), ["L", "232-1", "L232-1"]);
        assert_eq!(texts("U.Ex"), ["U", "Ex"]);
    }

    #[test]
    fn dangling_apostrophes_and_dots_separate() {
        assert_eq!(
            texts("l' État 'cité' art. 3."),
            ["l", "État", "cité", "art", "3"]
        );
    }

    #[test]
    fn a_footnote_call_glued_to_a_word_gives_the_word_too() {
        assert_eq!(
            tokens("la journalisation74 et le registre5 ; sha256, A400M, E3134, G7, mai2018"),
            [
                ("la".to_string(), 0, 0, 2),
                ("journalisation".to_string(), 1, 3, 17),
                ("journalisation74".to_string(), 1, 3, 19),
                ("et".to_string(), 2, 20, 22),
                ("le".to_string(), 3, 23, 25),
                ("registre".to_string(), 4, 26, 34),
                ("registre5".to_string(), 4, 26, 35),
                ("sha".to_string(), 5, 38, 41),
                ("sha256".to_string(), 5, 38, 44),
                ("A400M".to_string(), 6, 46, 51),
                // One letter then digits reads as an article number, as before.
                ("E".to_string(), 7, 53, 54),
                ("3134".to_string(), 8, 54, 58),
                ("E3134".to_string(), 8, 53, 58),
                ("G".to_string(), 9, 60, 61),
                ("7".to_string(), 10, 61, 62),
                ("G7".to_string(), 10, 60, 62),
                ("mai2018".to_string(), 11, 64, 71),
            ]
        );
    }
}
