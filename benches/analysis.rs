//! Analyzer throughput: the French analyzer (`vigie::analysis::french_analyzer`) over the text
//! of the first 10,000 articles of the scale corpus, in MB/s of text. Asserts the token count
//! so it cannot measure an analyzer that produces nothing.

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tantivy::tokenizer::TokenStream;
use vigie::analysis::french_analyzer;

const ARTICLES: usize = 10_000;

fn count_tokens(analyzer: &mut tantivy::tokenizer::TextAnalyzer, texts: &[String]) -> usize {
    let mut tokens = 0;
    for text in texts {
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            tokens += 1;
        }
    }
    tokens
}

fn analyzer_throughput(c: &mut Criterion) {
    let texts = common::scale_texts(ARTICLES);
    let bytes: u64 = texts.iter().map(|text| text.len() as u64).sum();
    let mut analyzer = french_analyzer();
    let expected = count_tokens(&mut analyzer, &texts);
    // About one kept token per 8 bytes of French legal text; far fewer means a broken chain.
    assert!(
        expected as u64 > bytes / 20,
        "{expected} tokens for {bytes} bytes"
    );
    println!(
        "analysis: {ARTICLES} articles, {:.1} MB of text, {expected} tokens",
        bytes as f64 / 1e6
    );

    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("french_analyzer_10k_articles", |bench| {
        bench.iter(|| {
            let tokens = count_tokens(&mut analyzer, &texts);
            assert_eq!(tokens, expected);
            tokens
        });
    });
    group.finish();
}

criterion_group!(benches, analyzer_throughput);
criterion_main!(benches);
