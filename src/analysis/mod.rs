//! The French analyzer, registered under [`ANALYZER_NAME`] on every index.
//!
//! Owns tokenization, elision, accent folding, stop words and stemming, and the domain knowledge
//! behind them (acronyms, legal references). tantivy stores only an analyzer's name in the
//! schema, so [`register`] must run every time an index is opened. May import `error` and
//! `config` only; knows nothing of schema fields.
//!
//! The chain is [`FrenchTokenizer`] (words, elisions, legal references) → [`FrenchFolding`]
//! (lowercase, no accents) → remove long tokens → [`FrenchStopWords`] → stemmer. Folding comes
//! before the stop words and the stemmer so that text typed without accents gives the same terms.
//!
//! ```
//! use vigie::analysis::analyze;
//!
//! let terms = analyze("L'échange des données (UE) 2016/679");
//! assert_eq!(terms, ["echang", "donnee", "ue", "2016/679"]);
//! assert_eq!(analyze("Sécurité"), analyze("SECURITE"));
//! ```

mod elision;
mod folding;
mod light_stemmer;
mod repeated;
mod starts;
mod stopwords;
mod tokenizer;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use tantivy::tokenizer::{
    Language, RawTokenizer, RemoveLongFilter, Stemmer, TextAnalyzer, TextAnalyzerBuilder,
    TokenFilter, TokenStream, Tokenizer,
};

pub use elision::is_elision;
pub use folding::FrenchFolding;
pub use light_stemmer::FrenchLightStemmer;
pub use repeated::RepeatedValues;
pub use starts::{StartingWith, WordStarts};
pub use stopwords::{is_kept_as_word, is_stop_word, FrenchStopWords};
pub use tokenizer::FrenchTokenizer;

/// The name the default analyzer is registered under (tantivy stores only this name in the schema).
pub const ANALYZER_NAME: &str = "vigie_fr";

/// The name the same analyzer is registered under for the fields whose value repeats from
/// one passage to the next (titles, headings, act numbers): [`RepeatedValues`] over it.
pub const REPEATED_ANALYZER_NAME: &str = "vigie_fr_repeated";

/// The name of [`exact_analyzer`]: folded words, no stop words, no stemming.
pub const EXACT_ANALYZER_NAME: &str = "vigie_fr_exact";

/// The name of the variant with stop words removed but no stemming.
pub const UNSTEMMED_ANALYZER_NAME: &str = "vigie_fr_nostem";

/// The name of the variant stemmed by tantivy's Snowball French stemmer.
pub const SNOWBALL_ANALYZER_NAME: &str = "vigie_fr_snowball";

/// The name of [`keyword_analyzer`]: a whole value as one lower-cased, folded term (filters).
pub const KEYWORD_ANALYZER_NAME: &str = "vigie_keyword";

/// Version of the analysis chains: bump it whenever the terms produced for a text change, so
/// indexes built before are rebuilt rather than searched with mismatched terms. 4: the light
/// stemmer makes `-aise`/`-oise` meet `-ais`/`-ois`. 5: acronyms written with dots are one word
/// (`S.I.S.` → `sis`), and the modifier letter apostrophe (`lʼéchange`) elides like the others.
/// 6: a stop word written as an acronym is kept (`règlement (CE)`, see [`stopwords`]). 7: so is
/// a capital letter right after a word (`catégorie C`). 8: the letters `J` and `S` too (`fiche
/// S`, `jour J`). 9: `passager`, `étranger`, `donnée` and a few other nouns keep apart from
/// `passage`, `étrange`, `donner`. 10: a word with a footnote's number glued to it
/// (`journalisation74`) is also the word alone. 11: `elles` is a stop word, as `elle` and
/// `ils` were. 12: a word written with an accent its stop word lacks is a word (`né`, `sûr`,
/// `dû`), not the stop word it folds to.
pub const ANALYZER_VERSION: u32 = 12;

/// Tokens longer than this many bytes (after folding) are dropped: they are URLs, hashes or
/// markup debris, never search terms, and they bloat the term dictionary.
pub const MAX_TOKEN_BYTES: usize = 40;

/// Which stemmer ends the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StemmerChoice {
    /// No stemming: folded words as written.
    None,
    /// tantivy's Snowball French stemmer, run on folded text.
    Snowball,
    /// Our light stemmer ([`FrenchLightStemmer`]), the default.
    #[default]
    Light,
}

/// The knobs of the French analyzer, so an evaluation can compare variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzerConfig {
    /// The stemmer at the end of the chain.
    pub stemmer: StemmerChoice,
    /// Whether French stop words are removed (positions keep their gaps either way).
    pub remove_stop_words: bool,
}

impl Default for AnalyzerConfig {
    fn default() -> Self {
        AnalyzerConfig {
            stemmer: StemmerChoice::Light,
            remove_stop_words: true,
        }
    }
}

/// Builds an analyzer for `config`. Always tokenizes, drops long tokens and folds.
pub fn build_analyzer(config: &AnalyzerConfig) -> TextAnalyzer {
    build_analyzer_on(FrenchTokenizer::default(), config)
}

/// [`build_analyzer`] on the words `tokenizer` gives.
fn build_analyzer_on<T: Tokenizer>(tokenizer: T, config: &AnalyzerConfig) -> TextAnalyzer {
    // Statically typed chains for the fixed cases: a dynamic (boxed) chain costs a virtual
    // call per filter and token on 72 MB of text.
    match (config.remove_stop_words, config.stemmer) {
        (true, StemmerChoice::Light) => base_chain(tokenizer)
            .filter(FrenchStopWords)
            .filter(FrenchLightStemmer)
            .build(),
        (true, StemmerChoice::Snowball) => base_chain(tokenizer)
            .filter(FrenchStopWords)
            .filter(Stemmer::new(Language::French))
            .build(),
        (true, StemmerChoice::None) => base_chain(tokenizer).filter(FrenchStopWords).build(),
        (false, StemmerChoice::Light) => base_chain(tokenizer).filter(FrenchLightStemmer).build(),
        (false, StemmerChoice::Snowball) => base_chain(tokenizer)
            .filter(Stemmer::new(Language::French))
            .build(),
        (false, StemmerChoice::None) => base_chain(tokenizer).build(),
    }
}

/// Tokenizer, long-token removal and folding: the part every variant shares.
fn base_chain<T: Tokenizer>(tokenizer: T) -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(tokenizer)
        .filter(FrenchFolding)
        // After folding, so the limit counts the bytes of the term. `RemoveLongFilter` keeps
        // tokens strictly shorter than its limit and, like the stop word filter, leaves the
        // positions of the kept tokens alone: a removed token is a gap.
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES + 1))
}

/// An analysis variant an index can be built with, for measuring one against another
/// (`vigie eval --variant`). The default is [`Variant::Light`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Variant {
    /// Folding, stop words, light stemmer (the default).
    #[default]
    Light,
    /// The light stemmer, plus an unstemmed folded field for exact matches.
    LightExact,
    /// Folding and stop words, no stemming.
    NoStemming,
    /// Folding, stop words, then tantivy's Snowball French stemmer.
    Snowball,
    /// Snowball on accented text, then folding, plus an unstemmed folded field.
    SnowballFirstExact,
}

impl Variant {
    /// Every variant, in the order of the evaluation table.
    pub const ALL: [Variant; 5] = [
        Variant::NoStemming,
        Variant::Snowball,
        Variant::SnowballFirstExact,
        Variant::Light,
        Variant::LightExact,
    ];

    /// The variant's stable name (recorded in the index, given to `--variant`).
    pub fn name(self) -> &'static str {
        match self {
            Variant::Light => "light",
            Variant::LightExact => "light+exact",
            Variant::NoStemming => "none",
            Variant::Snowball => "snowball",
            Variant::SnowballFirstExact => "snowball-first+exact",
        }
    }

    /// The variant called `name`, if any.
    pub fn from_name(name: &str) -> Option<Variant> {
        Variant::ALL
            .into_iter()
            .find(|variant| variant.name() == name)
    }

    /// True when the variant also indexes an unstemmed, folded copy of the text.
    pub fn uses_exact_field(self) -> bool {
        matches!(self, Variant::LightExact | Variant::SnowballFirstExact)
    }

    /// The analyzer registered under [`ANALYZER_NAME`] for this variant.
    pub fn analyzer(self) -> TextAnalyzer {
        self.analyzer_on(FrenchTokenizer::default())
    }

    /// [`Variant::analyzer`], giving only the terms of the words that may give one of
    /// `starts`' terms (the others are gaps): for marking a query's words in a passage
    /// without analysing the rest.
    pub fn analyzer_starting_with(self, starts: Arc<WordStarts>) -> TextAnalyzer {
        self.analyzer_on(StartingWith(starts).transform(FrenchTokenizer::default()))
    }

    /// The variant's chain on the words `tokenizer` gives.
    fn analyzer_on<T: Tokenizer>(self, tokenizer: T) -> TextAnalyzer {
        match self {
            Variant::Light | Variant::LightExact => {
                build_analyzer_on(tokenizer, &AnalyzerConfig::default())
            }
            Variant::NoStemming => build_analyzer_on(
                tokenizer,
                &AnalyzerConfig {
                    stemmer: StemmerChoice::None,
                    ..AnalyzerConfig::default()
                },
            ),
            Variant::Snowball => build_analyzer_on(
                tokenizer,
                &AnalyzerConfig {
                    stemmer: StemmerChoice::Snowball,
                    ..AnalyzerConfig::default()
                },
            ),
            // Snowball was written for accented French: stem first, fold after.
            Variant::SnowballFirstExact => TextAnalyzer::builder(tokenizer)
                .filter(tantivy::tokenizer::LowerCaser)
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES + 1))
                .filter(FrenchStopWords)
                .filter(Stemmer::new(Language::French))
                .filter(FrenchFolding)
                .build(),
        }
    }
}

/// Builds the default French analyzer: stop words removed, light stemmer.
pub fn french_analyzer() -> TextAnalyzer {
    build_analyzer(&AnalyzerConfig::default())
}

/// Builds the analyzer for exact and phrase matches: folded words, no stop words, no stemming.
pub fn exact_analyzer() -> TextAnalyzer {
    build_analyzer(&AnalyzerConfig {
        stemmer: StemmerChoice::None,
        remove_stop_words: false,
    })
}

/// Builds the keyword normalizer: the whole value as one term, lower-cased and folded, so a
/// filter on `Assemblée nationale` matches `assemblee NATIONALE`.
pub fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(FrenchFolding)
        .build()
}

/// Normalizes a keyword (a source name, say) the way [`keyword_analyzer`] indexes it.
pub fn normalize_keyword(value: &str) -> String {
    analyze_with(&mut keyword_analyzer(), value.trim()).concat()
}

/// Registers the default analyzer under [`ANALYZER_NAME`] and the variants under their names
/// ([`EXACT_ANALYZER_NAME`], [`UNSTEMMED_ANALYZER_NAME`], [`SNOWBALL_ANALYZER_NAME`],
/// [`KEYWORD_ANALYZER_NAME`]).
pub fn register(index: &tantivy::Index) {
    register_variant(index, Variant::default());
}

/// Registers the analyzers, with `variant`'s chain under [`ANALYZER_NAME`].
pub fn register_variant(index: &tantivy::Index, variant: Variant) {
    let tokenizers = index.tokenizers();
    tokenizers.register(KEYWORD_ANALYZER_NAME, keyword_analyzer());
    tokenizers.register(ANALYZER_NAME, variant.analyzer());
    tokenizers.register(
        REPEATED_ANALYZER_NAME,
        TextAnalyzer::from(RepeatedValues::new(variant.analyzer())),
    );
    tokenizers.register(EXACT_ANALYZER_NAME, exact_analyzer());
    tokenizers.register(
        UNSTEMMED_ANALYZER_NAME,
        build_analyzer(&AnalyzerConfig {
            stemmer: StemmerChoice::None,
            ..AnalyzerConfig::default()
        }),
    );
    tokenizers.register(
        SNOWBALL_ANALYZER_NAME,
        build_analyzer(&AnalyzerConfig {
            stemmer: StemmerChoice::Snowball,
            ..AnalyzerConfig::default()
        }),
    );
}

/// Analyzes `text` into the terms of the default analyzer.
pub fn analyze(text: &str) -> Vec<String> {
    analyze_with(&mut french_analyzer(), text)
}

/// Analyzes `text` into the terms `analyzer` produces.
pub fn analyze_with(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while let Some(token) = stream.next() {
        terms.push(token.text.clone());
    }
    terms
}
