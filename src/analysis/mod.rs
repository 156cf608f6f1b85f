//! The French analyzer, registered under [`ANALYZER_NAME`] on every index.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, SimpleTokenizer, TextAnalyzer,
};

/// The name the analyzer is registered under (tantivy stores only this name in the schema).
pub const ANALYZER_NAME: &str = "vigie_fr";

/// Version of the analysis chain: bump it when the terms produced for a text change.
pub const ANALYZER_VERSION: u32 = 1;

/// The name of the keyword normalizer (whole value, lower-cased, folded) used for filters.
pub const KEYWORD_ANALYZER_NAME: &str = "vigie_keyword";

/// Builds the French analyzer.
pub fn french_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Builds the keyword normalizer: the whole value as one term, lower-cased and folded, so a
/// filter on `Assemblée nationale` matches `assemblee nationale`.
pub fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the analyzers on an index.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(ANALYZER_NAME, french_analyzer());
    index
        .tokenizers()
        .register(KEYWORD_ANALYZER_NAME, keyword_analyzer());
}

/// Analyzes `text` into its index terms.
pub fn analyze(text: &str) -> Vec<String> {
    let mut analyzer = french_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while let Some(token) = tantivy::tokenizer::TokenStream::next(&mut stream) {
        terms.push(token.text.clone());
    }
    terms
}

/// Normalizes a keyword (a source name, say) the way filter fields index it.
pub fn normalize_keyword(value: &str) -> String {
    let mut analyzer = keyword_analyzer();
    let mut stream = analyzer.token_stream(value.trim());
    let mut normalized = String::new();
    while let Some(token) = tantivy::tokenizer::TokenStream::next(&mut stream) {
        normalized.push_str(&token.text);
    }
    normalized
}
