//! The French analyzer, registered under [`ANALYZER_NAME`] on every index.

use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};

/// The name the analyzer is registered under (tantivy stores only this name in the schema).
pub const ANALYZER_NAME: &str = "vigie_fr";

/// Builds the French analyzer.
pub fn french_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the analyzer on an index.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(ANALYZER_NAME, french_analyzer());
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
