//! A light French stemmer in the manner of Savoy (1999, « A stemming procedure and stopword list
//! for general French corpora »): it conflates inflections (plural, feminine, the `-é`/`-er`
//! verb endings) and a few adverb endings, and leaves derivation alone.
//!
//! It runs on folded text (lowercase, no accents), so `sécurité` and `securite` meet, and only on
//! tokens made of ASCII letters: numbers, legal references and other scripts pass through.
//! Written here from the description of the algorithm; the deliberate deviations are:
//!
//! - words of at most 4 letters lose only a plural `s`/`x`, and words of 3 letters are never
//!   touched, so acronyms stay findable as written (`SIS` → `sis`, never `si`);
//! - a final `s` after another `s` is kept (`stress`, `express`);
//! - of the `-ment` rules only the adverbial ones are kept (`-ivement` → `-if`,
//!   `-ellement` → `-el`, `-alement` → `-al`, `-iquement` → `-ique`, `-emment` → `-ent`,
//!   `-amment` → `-ant`): stripping every `-ement` would make `parlement` meet `parler`,
//!   `règlement` meet `régler` and `département` meet `départ`, which hurts legal search;
//! - a doubled final consonant is undoubled only when more than 4 letters remain, so `donné`
//!   and `donner` meet on `donn` without colliding with `don`;
//! - `-eaux` → `-eau` and `travaux` → `travail` are special-cased before `-aux` → `-al`;
//! - the masculine of `-ais`/`-ois` adjectives loses its `s` as if it were a plural, so their
//!   feminine loses it too: `française` and `français` meet on `francai`;
//! - a few nouns whose ending the verb rules would take are kept whole ([`KEPT_NOUNS`]):
//!   `passager` would meet `passage`, `étranger` `étrange`, `donnée` `donner`.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Nouns of this field the verb rules would merge with another word, by form (singular,
/// folded) → stem: an `-er` that is no infinitive (`passager` is not `passage` + `-er`), a
/// `-ée` that is no participle (`données`, the data, are not a form of `donner`).
const KEPT_NOUNS: &[(&str, &str)] = &[
    ("passager", "passager"),
    ("passagere", "passager"),
    ("messager", "messager"),
    ("messagere", "messager"),
    ("etranger", "etranger"),
    ("etrangere", "etranger"),
    ("donnee", "donnee"),
];

/// The stem of `word` when it is one of [`KEPT_NOUNS`]; every form there ends in `-er`, `-ere`
/// or `-ee`, so other words are not looked up.
fn kept_noun(word: &str) -> Option<&'static str> {
    if !(word.ends_with("er") || word.ends_with("ere") || word.ends_with("ee")) {
        return None;
    }
    KEPT_NOUNS
        .iter()
        .find(|(form, _)| *form == word)
        .map(|(_, stem)| *stem)
}

/// Stems a folded word in place; see the module doc for the rules.
pub fn stem(word: &mut String) {
    if word.len() <= 3 || !word.bytes().all(|byte| byte.is_ascii_lowercase()) {
        return;
    }
    remove_plural(word);
    if word.len() <= 4 {
        return;
    }
    if let Some(kept) = kept_noun(word) {
        word.replace_range(.., kept);
        return;
    }
    reduce_adverb(word);
    normalize_ending(word);
}

/// `-s`, `-x`, `-aux` → `-al`, `-eaux` → `-eau`.
fn remove_plural(word: &mut String) {
    if word == "travaux" {
        word.replace_range(4.., "ail");
    } else if word.ends_with("eaux") {
        word.pop();
    } else if word.ends_with("aux") && word.len() >= 5 {
        replace_suffix(word, 2, "l");
    } else if word.ends_with("ux") || (word.ends_with('s') && !word.ends_with("ss")) {
        word.pop();
    }
}

/// Adverbs built on adjectives meet their adjective (`effectivement` → `effectif`).
fn reduce_adverb(word: &mut String) {
    const ADVERB_ENDINGS: &[(&str, &str)] = &[
        ("ivement", "if"),
        ("ellement", "el"),
        ("alement", "al"),
        ("iquement", "ique"),
        ("emment", "ent"),
        ("amment", "ant"),
    ];
    for (ending, replacement) in ADVERB_ENDINGS {
        // At least three letters of stem must remain before the ending.
        if word.len() >= ending.len() + 3 && word.ends_with(ending) {
            replace_suffix(word, ending.len(), replacement);
            return;
        }
    }
}

/// Feminine `-e` (and the `s` before it in `-aise`, `-oise`), participle `-ée`, infinitive
/// `-er`, `-ive` → `-if`, `-euse` → `-eu`, and the consonant doubled before a feminine `-e`
/// (`européenne` → `europeen`).
fn normalize_ending(word: &mut String) {
    let participle_ee = word.ends_with("ee");
    if word.ends_with('e') {
        word.pop();
        if participle_ee && word.len() > 4 {
            word.pop();
        }
        if word.len() > 5 && (word.ends_with("ais") || word.ends_with("ois")) {
            word.pop();
        }
    }
    if word.len() >= 6 && word.ends_with("er") {
        word.truncate(word.len() - 2);
    }
    if word.ends_with("iv") {
        replace_suffix(word, 1, "f");
    } else if word.ends_with("eus") {
        word.pop();
    }
    let bytes = word.as_bytes();
    let length = bytes.len();
    if length > 5 && bytes[length - 1] == bytes[length - 2] && !is_vowel(bytes[length - 1]) {
        word.pop();
    }
}

/// Replaces the last `removed` bytes (ASCII, so a char boundary) of `word` by `replacement`.
fn replace_suffix(word: &mut String, removed: usize, replacement: &str) {
    word.truncate(word.len() - removed);
    word.push_str(replacement);
}

fn is_vowel(byte: u8) -> bool {
    matches!(byte, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Token filter applying [`stem`] to each token.
#[derive(Clone, Default)]
pub struct FrenchLightStemmer;

impl TokenFilter for FrenchLightStemmer {
    type Tokenizer<T: Tokenizer> = FrenchLightStemmerWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FrenchLightStemmerWrapper<T> {
        FrenchLightStemmerWrapper { inner: tokenizer }
    }
}

/// The tokenizer produced by [`FrenchLightStemmer`].
#[derive(Clone)]
pub struct FrenchLightStemmerWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for FrenchLightStemmerWrapper<T> {
    type TokenStream<'a> = FrenchLightStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FrenchLightStemmerStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// The token stream produced by [`FrenchLightStemmer`]; stems in the token's own buffer.
pub struct FrenchLightStemmerStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for FrenchLightStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        stem(&mut self.tail.token_mut().text);
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
    use super::stem;

    fn stemmed(word: &str) -> String {
        let mut buffer = word.to_string();
        stem(&mut buffer);
        buffer
    }

    /// Every group must reduce to one stem, given as the first element.
    #[test]
    fn inflections_meet() {
        let groups: &[&[&str]] = &[
            &[
                "echang",
                "echange",
                "echanges",
                "echanger",
                "echangee",
                "echangees",
            ],
            &["enquet", "enquete", "enquetes", "enqueter"],
            &["equip", "equipe", "equipes"],
            &["cooperation", "cooperation", "cooperations"],
            &["terrorist", "terroriste", "terroristes"],
            &[
                "national",
                "national",
                "nationaux",
                "nationale",
                "nationales",
            ],
            &["donn", "donne", "donnes", "donner"],
            &["donnee", "donnee", "donnees"],
            &[
                "passager",
                "passager",
                "passagers",
                "passagere",
                "passageres",
            ],
            &[
                "etranger",
                "etranger",
                "etrangers",
                "etrangere",
                "etrangeres",
            ],
            &["polici", "policier", "policiers", "policiere", "policieres"],
            &["securit", "securite", "securites"],
            &[
                "europeen",
                "europeen",
                "europeenne",
                "europeens",
                "europeennes",
            ],
            &["personnel", "personnel", "personnelle", "personnellement"],
            &["effectif", "effectif", "effective", "effectivement"],
            &["dangereu", "dangereux", "dangereuse", "dangereuses"],
            &["bureau", "bureau", "bureaux"],
            &["travail", "travail", "travaux"],
            &["francai", "francais", "francaise", "francaises"],
            &["chinoi", "chinois", "chinoise", "chinoises"],
            &["fichi", "fichier", "fichiers"],
            &["recent", "recent", "recente", "recemment"],
        ];
        for group in groups {
            for word in &group[1..] {
                assert_eq!(stemmed(word), group[0], "{word}");
            }
        }
    }

    #[test]
    fn short_words_and_acronyms_are_kept() {
        for word in [
            "sis", "pnr", "ece", "ccpd", "rgpd", "dgsi", "loi", "don", "fnaeg",
        ] {
            assert_eq!(stemmed(word), word);
        }
        assert_eq!(stemmed("lois"), "loi");
    }

    #[test]
    fn derivations_stay_apart() {
        assert_ne!(stemmed("parlement"), stemmed("parler"));
        assert_ne!(stemmed("reglement"), stemmed("regler"));
        assert_ne!(stemmed("departement"), stemmed("depart"));
        assert_ne!(stemmed("passagers"), stemmed("passage"));
        assert_ne!(stemmed("etrangers"), stemmed("etrange"));
        assert_ne!(stemmed("donnees"), stemmed("donner"));
    }

    #[test]
    fn non_letters_pass_through() {
        for word in ["2016/681", "421-2-6", "h5n1", "ελλαδα", "1er"] {
            assert_eq!(stemmed(word), word);
        }
    }
}
