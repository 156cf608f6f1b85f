//! Suggestion latency on an index of `../shared/corpus`: prefixes as a user types them, and
//! the one-off build of the suggestion table from the passages' text.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use vigie::index::sync::{sync_paths, NoProgress, SyncOptions};
use vigie::index::VigieIndex;
use vigie::search::{Engine, SearchSettings, SuggestRequest, SuggestionKind};

fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(path)
}

/// Prefixes typed letter by letter, accented or not, one word or several.
const PREFIXES: &[&str] = &[
    "c",
    "co",
    "coo",
    "coop",
    "coopé",
    "secu",
    "sécurité ",
    "équipes com",
    "données pers",
    "terrorisme coop",
    "l'éch",
    "europ",
];

fn corpus_index() -> (tempfile::TempDir, VigieIndex) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index");
    sync_paths(
        &index,
        &[shared("corpus")],
        &SyncOptions::default(),
        &NoProgress,
    )
    .expect("indexes");
    (dir, index)
}

fn suggest_latency(c: &mut Criterion) {
    let (_dir, index) = corpus_index();
    let engine = Engine::new(index.clone(), SearchSettings::default());
    let requests: Vec<SuggestRequest> = PREFIXES
        .iter()
        .map(|prefix| SuggestRequest {
            prefix: (*prefix).to_string(),
            limit: 8,
        })
        .collect();
    // A word being typed has more completions than asked; a known phrase (`données pers`)
    // or a word after an elision (`l'éch`: only the words the texts write after `l'`) may
    // have fewer, and is never padded with guesses.
    for request in &requests {
        let answer = engine.suggest(request).expect("suggests");
        let wanted = if request.prefix.contains([' ', '\'']) {
            1
        } else {
            8
        };
        assert!(
            answer.suggestions.len() >= wanted,
            "{:?}: {:?}",
            request.prefix,
            answer.suggestions
        );
    }
    let coop = engine.suggest(&requests[3]).expect("suggests");
    assert_eq!(coop.suggestions[0].text, "coopération");
    assert!(coop
        .suggestions
        .iter()
        .any(|found| found.kind == SuggestionKind::Phrase));
    let stats = engine.suggestion_stats().expect("stats");
    eprintln!(
        "suggestion table: {} entries, {:.1} MiB",
        stats.entries,
        stats.heap_bytes as f64 / (1024.0 * 1024.0)
    );

    let mut group = c.benchmark_group("suggest");
    group.bench_function("typed_prefixes_top8_each", |bench| {
        let mut next = requests.iter().cycle();
        bench.iter(|| {
            let request = next.next().expect("cycle never ends");
            engine.suggest(request).expect("suggests")
        });
    });
    group.finish();

    let mut build = c.benchmark_group("suggest_build");
    build.sample_size(10);
    build.bench_function("table_from_dev_corpus", |bench| {
        bench.iter(|| {
            // A fresh engine builds its table on first use.
            let fresh = Engine::new(index.clone(), SearchSettings::default());
            let stats = fresh.suggestion_stats().expect("builds");
            assert!(stats.entries > 10_000, "{} entries", stats.entries);
            stats
        });
    });
    build.finish();
}

criterion_group!(benches, suggest_latency);
criterion_main!(benches);
