//! Query latency over the development queries (`../shared/eval/security-queries.dev.jsonl`)
//! on an index of `../shared/corpus`: top 10 with highlights, as the API answers them.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use vigie::index::sync::{sync_paths, NoProgress, SyncOptions};
use vigie::index::VigieIndex;
use vigie::search::{Engine, SearchRequest, SearchSettings};

fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(path)
}

fn dev_queries() -> Vec<String> {
    let text = std::fs::read_to_string(shared("eval/security-queries.dev.jsonl")).expect("queries");
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|query| query["query"].as_str().map(str::to_string))
        .collect()
}

fn query_latency(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index");
    sync_paths(
        &index,
        &[shared("corpus")],
        &SyncOptions::default(),
        &NoProgress,
    )
    .expect("indexes");
    let engine = Engine::new(index, SearchSettings::default());
    let queries = dev_queries();
    assert_eq!(queries.len(), 50);

    let requests: Vec<SearchRequest> = queries.iter().map(SearchRequest::new).collect();
    let answered = requests
        .iter()
        .filter(|request| {
            engine
                .search(request)
                .is_ok_and(|results| !results.hits.is_empty())
        })
        .count();
    assert!(
        answered >= 45,
        "only {answered} of 50 dev queries return passages"
    );

    let mut group = c.benchmark_group("query");
    group.bench_function("dev_queries_top10_highlighted_each", |bench| {
        let mut next = requests.iter().cycle();
        bench.iter(|| {
            let request = next.next().expect("cycle never ends");
            engine.search(request).expect("search runs")
        });
    });
    group.finish();
}

criterion_group!(benches, query_latency);
criterion_main!(benches);
