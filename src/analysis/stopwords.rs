//! French stop words, matched on the folded (lowercase, accentless) token text.
//!
//! The list is the Snowball French list (as shipped by Lucene), plus the few forms users type
//! that it lacks (`a`, `où`, `être`, and `elles` beside `elle` and `ils`), interrogatives
//! (`comment`, `quand`, `combien`…: on PIAF's 7,569 questions, +0.003 nDCG@10) and the words
//! the tokenizer elides, in both forms (`jusqu` and `jusque`, `lorsqu` and `lorsque`…). It is
//! written accented, the way it is published, and folded once at first use: the filter runs after
//! folding, so one folded entry matches both `à` and `a`, `où` and `ou`, `être` and `etre`.
//! It must run before stemming, which would otherwise turn stop words into content stems.
//!
//! A stop word written in capitals amid ordinary text is an acronym, not a stop word: `CE`
//! (Communauté européenne, Conseil d'État) in `règlement (CE) n° 562/2006` or `directive
//! 95/46/CE`, `SI` (système d'information). It is kept, so `CE` typed finds it. Capitals that
//! run on over several words (`TITRE II : DES PEINES`, `CE QUI EST PRÉVU`) are shouting, not
//! acronyms: there the stop words go as usual. Likewise the capital letters `A`, `C`, `D`, `J`
//! and `S` standing alone right after a word are names, not the verb `a` or an elided `c'`,
//! `d'`, `j'`, `s'`: the weapon categories (`armes de catégorie C`), article suffixes (`article
//! 16 bis D`), `fiche S`, `jour J`; at the start of a sentence (`A défaut de…`) `A` stays a
//! stop word.
//!
//! A word written with an accent that its stop word is not written with is a word, not the stop
//! word it folds to: `né` is not `ne`, `sûr` (`pays d'origine sûr`) not `sur`, `dû` not `du`,
//! `maïs` not `mais`. The accented spellings the list holds (`à`, `où`, `été`, `même`, and `dès`
//! and `là`, added for this) stay stop words; typed without accents, every form folds to its
//! stop word as before.

use std::sync::OnceLock;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use unicode_normalization::UnicodeNormalization;

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
    "a", "où", "être", "elles",
    // Additions: accented spellings of stop words that are stop words too (see the module doc).
    "dès", "là",
    // Additions: interrogatives, which questions carry and their answers rarely do.
    "comment", "combien", "pourquoi", "quand", "quoi", "lequel", "laquelle", "lesquels",
    // Additions: the words the tokenizer elides, in both forms. Their elided form is dropped
    // before an apostrophe, so the full form must go too, or `lorsque` would stem to a lone
    // `lorsqu`; the elided form also arrives alone when the apostrophe is followed by a space.
    "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", "quelqu", "jusque", "lorsque", "puisque",
    "quoique", "presque", "quelque", "quelques",
];

/// The folded stop words, each packed into a `u64` (see [`pack`]), in an open-addressing hash
/// table.
///
/// Every folded stop word fits in 8 bytes, and comparing integers is several times faster than
/// comparing strings: this lookup runs on every token of 72 MB of text. A binary search of the
/// 170 words was a quarter of the analyzer's time (eight dependent loads per token); a
/// multiplicative hash into a third-full table reads one or two slots.
fn packed_stop_words() -> &'static StopWordTable {
    static PACKED: OnceLock<StopWordTable> = OnceLock::new();
    PACKED.get_or_init(|| {
        StopWordTable::new(
            FRENCH_STOP_WORDS
                .iter()
                .filter_map(|word| pack(&fold(word))),
        )
    })
}

/// Slots of [`StopWordTable`], a power of two: about three times the number of words.
const STOP_WORD_SLOTS: usize = 512;

/// A set of packed words (never 0, which marks an empty slot), probed linearly.
struct StopWordTable {
    slots: Vec<u64>,
}

impl StopWordTable {
    fn new(words: impl Iterator<Item = u64>) -> Self {
        let mut table = StopWordTable {
            slots: vec![0; STOP_WORD_SLOTS],
        };
        for word in words.filter(|&word| word != 0) {
            let mut slot = Self::slot(word);
            while table.slots[slot] != 0 && table.slots[slot] != word {
                slot = (slot + 1) % STOP_WORD_SLOTS;
            }
            table.slots[slot] = word;
        }
        table
    }

    /// The first slot probed for `word` (Fibonacci hashing: the high bits of a product).
    fn slot(word: u64) -> usize {
        let bits = STOP_WORD_SLOTS.trailing_zeros();
        (word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    fn contains(&self, word: u64) -> bool {
        if word == 0 {
            return false;
        }
        let mut slot = Self::slot(word);
        loop {
            match self.slots[slot] {
                0 => return false,
                held if held == word => return true,
                _ => slot = (slot + 1) % STOP_WORD_SLOTS,
            }
        }
    }
}

/// Packs a word of at most 8 bytes into a `u64`, zero-padded; `None` for longer words. Tokens
/// never contain a NUL byte, so distinct words give distinct integers.
fn pack(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    if bytes.len() > 8 {
        return None;
    }
    let mut buffer = [0u8; 8];
    buffer[..bytes.len()].copy_from_slice(bytes);
    Some(u64::from_le_bytes(buffer))
}

/// True when `folded` (lowercase, accentless) is a French stop word. The filter itself keeps
/// the table at hand and calls [`is_packed_stop_word`].
pub fn is_stop_word(folded: &str) -> bool {
    is_packed_stop_word(packed_stop_words(), folded)
}

fn is_packed_stop_word(packed_stop_words: &StopWordTable, folded: &str) -> bool {
    pack(folded).is_some_and(|packed| packed_stop_words.contains(packed))
}

/// Token filter: drops stop words and keeps the positions of the others, so the gaps stay and
/// phrase queries still line up with the original text.
#[derive(Clone, Default)]
pub struct FrenchStopWords;

impl TokenFilter for FrenchStopWords {
    type Tokenizer<T: Tokenizer> = FrenchStopWordsWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FrenchStopWordsWrapper<T> {
        FrenchStopWordsWrapper {
            inner: tokenizer,
            stop_words: packed_stop_words(),
        }
    }
}

/// The tokenizer produced by [`FrenchStopWords`].
#[derive(Clone)]
pub struct FrenchStopWordsWrapper<T> {
    inner: T,
    stop_words: &'static StopWordTable,
}

impl<T: Tokenizer> Tokenizer for FrenchStopWordsWrapper<T> {
    type TokenStream<'a> = FrenchStopWordsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FrenchStopWordsStream {
            tail: self.inner.token_stream(text),
            stop_words: self.stop_words,
            text,
        }
    }
}

/// The token stream produced by [`FrenchStopWords`].
pub struct FrenchStopWordsStream<'a, T> {
    tail: T,
    stop_words: &'static StopWordTable,
    /// The text analysed, to read how a stop word was written.
    text: &'a str,
}

impl<T: TokenStream> TokenStream for FrenchStopWordsStream<'_, T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let token = self.tail.token();
            if !is_packed_stop_word(self.stop_words, &token.text) {
                return true;
            }
            if is_kept_as_word(self.text, token.offset_from, token.offset_to) {
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

/// True when the stop word written at `from..to` in `text` is kept as a word, as the filter
/// keeps it: an acronym (`règlement (CE)`) or a capital letter naming something (`catégorie
/// C`).
#[inline]
pub fn is_kept_as_word(text: &str, from: usize, to: usize) -> bool {
    let Some(written) = text.get(from..to) else {
        return false;
    };
    if !written.is_ascii() && is_accented_homograph(written) {
        return true;
    }
    // Most stop words are written in lower case: one byte read settles them.
    let may_be_capital = written
        .as_bytes()
        .first()
        .is_some_and(|byte| byte.is_ascii_uppercase() || !byte.is_ascii());
    may_be_capital && (is_acronym(text, from, to) || is_letter_naming(text, from, to))
}

/// True when `written` (a word folding to a stop word, with some character outside ASCII) is
/// none of the list's accented spellings: `né`, `sûr`, `dû`, `maïs`, but not `à`, `Où`, `été`.
fn is_accented_homograph(written: &str) -> bool {
    static SPELLINGS: OnceLock<Vec<String>> = OnceLock::new();
    let spellings = SPELLINGS.get_or_init(|| {
        FRENCH_STOP_WORDS
            .iter()
            .filter(|word| !word.is_ascii())
            .map(|word| word.nfc().collect())
            .collect()
    });
    // Nearly always written as listed (`à`): no copy then.
    if spellings.iter().any(|spelling| spelling == written) {
        return false;
    }
    // Decomposed text (`ne` + a combining acute) reads as its composed letters.
    let lower: String = written.nfc().flat_map(char::to_lowercase).collect();
    !spellings.contains(&lower)
}

/// True when the word at `from..to` in `text` is written in capitals (two letters or more,
/// dots allowed: `CE`, `S.I`) amid ordinary text: among the two words on either side of it on
/// its line, none is a word of four letters or more in capitals (`LA SÉCURITÉ`, `ENCADRER LA
/// MAINTENANCE ET LA FIN`) and at most one is in capitals at all (`CE QUI EST`). Acronyms
/// stand beside an acronym (`SIS CE`), which is short.
fn is_acronym(text: &str, from: usize, to: usize) -> bool {
    let (Some(before), Some(word), Some(after)) =
        (text.get(..from), text.get(from..to), text.get(to..))
    else {
        return false;
    };
    if !is_capitalised_word(word.chars(), 2) {
        return false;
    }
    let line_before = before.rsplit('\n').next().unwrap_or(before);
    let line_after = after.split('\n').next().unwrap_or(after);
    let mut capitalised = 0;
    for neighbour in words_before(line_before, 2).chain(words_after(line_after, 2)) {
        if is_capitalised_word(neighbour.chars(), 4) {
            return false;
        }
        if is_capitalised_word(neighbour.chars(), 2) {
            capitalised += 1;
        }
    }
    capitalised <= 1
}

/// True when the word at `from..to` in `text` is the capital letter `A`, `C`, `D`, `J` or `S`
/// following a word on the same line, with only spaces between: `catégorie C`, `article 16 bis
/// D`, `fiche S`, `jour J`, not `… armes. A défaut` nor a letter starting a line. (The other
/// one-letter stop words name nothing searched for when written so: `par L 1998-03-12/39` is
/// the Belgian `loi`, `par M. Dupont` a title.)
fn is_letter_naming(text: &str, from: usize, to: usize) -> bool {
    let (Some(before), Some(word)) = (text.get(..from), text.get(from..to)) else {
        return false;
    };
    let mut letters = word.chars();
    let (Some(letter), None) = (letters.next(), letters.next()) else {
        return false;
    };
    let word_before = before.trim_end_matches([' ', '\u{a0}', '\u{202f}']);
    matches!(letter, 'A' | 'C' | 'D' | 'J' | 'S')
        && word_before.len() < before.len()
        && word_before
            .chars()
            .next_back()
            .is_some_and(char::is_lowercase)
}

/// True for a word of `min_letters` letters or more, all capitals (other characters ignored).
fn is_capitalised_word(word: impl Iterator<Item = char>, min_letters: usize) -> bool {
    let mut letters = 0;
    for character in word.filter(|character| character.is_alphabetic()) {
        if !character.is_uppercase() {
            return false;
        }
        letters += 1;
    }
    letters >= min_letters
}

/// The last `count` runs of letters of `text`, nearest first.
fn words_before(text: &str, count: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let trimmed = rest.trim_end_matches(|character: char| !character.is_alphabetic());
        let start = trimmed
            .rfind(|character: char| !character.is_alphabetic())
            .map_or(0, |at| {
                at + trimmed[at..].chars().next().map_or(1, char::len_utf8)
            });
        rest = &trimmed[..start];
        Some(&trimmed[start..]).filter(|word| !word.is_empty())
    })
    .take(count)
}

/// The first `count` runs of letters of `text`, nearest first.
fn words_after(text: &str, count: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let trimmed = rest.trim_start_matches(|character: char| !character.is_alphabetic());
        let end = trimmed
            .find(|character: char| !character.is_alphabetic())
            .unwrap_or(trimmed.len());
        rest = &trimmed[end..];
        Some(&trimmed[..end]).filter(|word| !word.is_empty())
    })
    .take(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stop_word_is_packed() {
        for word in FRENCH_STOP_WORDS {
            assert!(is_stop_word(&fold(word)), "{word}");
        }
    }

    /// The table answers as the list does, for every word of the founding declaration and
    /// every prefix of the stop words themselves.
    #[test]
    fn the_table_holds_the_list_and_nothing_else() {
        let listed: Vec<String> = FRENCH_STOP_WORDS.iter().map(|word| fold(word)).collect();
        let declaration = include_str!("../../corpus/declaration-franco-belge-2018.fr.txt");
        let prefixes = listed
            .iter()
            .flat_map(|word| (0..=word.len()).filter_map(|end| word.get(..end)));
        let words = fold(declaration);
        let words = words.split(|c: char| !c.is_alphanumeric()).chain(prefixes);
        let mut checked = 0;
        for word in words {
            assert_eq!(
                is_stop_word(word),
                listed.iter().any(|listed| listed == word),
                "{word:?}"
            );
            checked += 1;
        }
        assert!(checked > 2_000, "only {checked} words checked");
    }

    #[test]
    fn accented_and_folded_forms_are_stop_words() {
        for word in ["a", "ou", "etre", "ete", "meme", "le", "jusqu", "l", "qu"] {
            assert!(is_stop_word(word), "{word}");
        }
    }

    #[test]
    fn a_stop_word_in_capitals_amid_ordinary_text_is_an_acronym() {
        let text = "règlement (CE) n° 562/2006\nle SIS CE, puis le S.I de la police\n\
                    TITRE II : DES PEINES, Ce texte\nENCADRER LA MAINTENANCE ET LA FIN\nCE QUI EST";
        // The word that starts `needle`, as it stands there.
        let at = |needle: &str| {
            let from = text.find(needle).expect("in the text");
            let word = needle.split([' ', ')', ',']).next().unwrap_or(needle);
            is_acronym(text, from, from + word.len())
        };
        assert!(at("CE)"));
        assert!(at("CE,"), "beside an acronym");
        assert!(at("S.I"));
        assert!(!at("DES"), "beside capitals: shouting");
        assert!(!at("LA FIN"), "two words from a long word in capitals");
        assert!(!at("CE QUI"), "two words in capitals beside it");
        assert!(!at("Ce "), "one capital letter");
        assert!(!is_acronym(text, 0, 200), "out of the text");
        assert!(is_acronym("CE", 0, 2), "alone");
        let before: Vec<&str> = words_before("l'État (CE", 2).collect();
        assert_eq!(before, ["CE", "État"]);
        assert_eq!(words_before(" : ", 2).count(), 0);
        let after: Vec<&str> = words_after(") n° 562 et", 3).collect();
        assert_eq!(after, ["n", "et"]);
    }

    #[test]
    fn a_capital_letter_after_a_word_names_something() {
        let text =
            "armes de catégorie C et D. A défaut, la catégorie A\nA compter, fiche S, jour J";
        let at = |word: &str, nth: usize| {
            let from = text.match_indices(word).nth(nth).expect("in the text").0;
            is_letter_naming(text, from, from + word.len())
        };
        assert!(at("C", 0));
        assert!(at("D", 0));
        assert!(!at("A", 0), "after a full stop");
        assert!(at("A", 1));
        assert!(!at("A", 2), "at the start of a line");
        assert!(at("S", 0), "fiche S");
        assert!(at("J", 0), "jour J");
        assert!(!at("de", 0), "not one letter");
        assert!(
            !is_letter_naming("par L 1998", 4, 5),
            "a letter that names nothing"
        );
        assert!(!is_letter_naming(text, 0, 1), "at the start of the text");
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
