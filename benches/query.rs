//! Query latency: top 10 with highlights through `vigie::search::Engine::search`, as the API
//! answers them.
//!
//! - `query/shared_corpus/dev50`: the 50 dev queries on an index of `../shared/corpus`;
//! - `query/{10k,30k,90k}/{word,three_words,phrase,question,dev50}`: query classes (see
//!   `common::query_classes`) on indexes of the scale corpus subsets, each built once per run
//!   and merged into one segment, as `vigie serve` does once the index is quiet.
//!
//! - `query/{10k,30k,90k}/dev50_top100_ranked`: the dev queries' first 100 passages, ranked
//!   without loading or highlighting anything (`Engine::rank_ids`, what `vigie eval` runs):
//!   how the peers were timed ("p50 top-100"), kept out of the mix.
//!
//! Criterion reports means; before them, a plain loop prints p50/p99 per class and for the
//! whole mix on each size, which is what the targets speak of. Every search asserts its page
//! holds `min(total, 10)` passages, and the classes assert how many queries find something.

mod common;

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use vigie::index::sync::{sync_paths, NoProgress, SyncOptions};
use vigie::index::VigieIndex;
use vigie::search::{Engine, SearchRequest, SearchSettings};

/// Samples per class in the percentile loop (rounded up to whole passes over the class).
const PERCENTILE_SAMPLES: usize = 300;

/// Settings that keep no answers: every iteration searches (the answers cache would turn
/// repeated queries into lookups).
fn uncached() -> SearchSettings {
    SearchSettings {
        cache_bytes: 0,
        ..SearchSettings::default()
    }
}

/// Runs one search and checks the page is as full as the total allows.
fn run(engine: &Engine, request: &SearchRequest) -> usize {
    let results = engine.search(request).expect("search runs");
    assert_eq!(results.hits.len(), results.total.min(10));
    assert!(results.hits.iter().all(|hit| !hit.highlight.is_empty()));
    results.hits.len()
}

/// Counts the queries of `requests` that return at least one passage.
fn answered(engine: &Engine, requests: &[SearchRequest]) -> usize {
    requests
        .iter()
        .filter(|request| run(engine, request) > 0)
        .count()
}

/// Wall-clock and thread-CPU durations of searches, each sorted.
#[derive(Default)]
struct Samples {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

impl Samples {
    fn extend(&mut self, other: Samples) {
        self.wall.extend(other.wall);
        self.cpu.extend(other.cpu);
        self.wall.sort();
        self.cpu.sort();
    }
}

/// Ranks the first 100 passages of `request` without loading or highlighting them; returns
/// how many there are.
fn rank_top_100(engine: &Engine, request: &SearchRequest) -> usize {
    let ranked = engine.rank_ids(request).expect("ranking runs");
    assert!(ranked.len() <= 100);
    ranked.len()
}

/// Times `search` on each query of `requests` over whole passes, after one warm-up pass.
fn latencies(requests: &[SearchRequest], search: impl Fn(&SearchRequest) -> usize) -> Samples {
    for request in requests {
        search(request);
    }
    let passes = PERCENTILE_SAMPLES.div_ceil(requests.len());
    let mut samples = Samples::default();
    for _ in 0..passes {
        for request in requests {
            let cpu_started = common::thread_cpu_time();
            let started = Instant::now();
            search(request);
            samples.wall.push(started.elapsed());
            samples
                .cpu
                .push(common::thread_cpu_time().saturating_sub(cpu_started));
        }
    }
    samples.wall.sort();
    samples.cpu.sort();
    samples
}

/// Prints wall-clock percentiles, then the same for thread CPU time (what the search cost
/// when it was not waiting for a core: compare it with wall time to see machine noise).
fn print_percentiles(label: &str, samples: &Samples) {
    let line = |sorted: &[Duration]| {
        format!(
            "p50 {:.3} ms  p90 {:.3} ms  p99 {:.3} ms  max {:.3} ms",
            common::ms(common::percentile(sorted, 50.0)),
            common::ms(common::percentile(sorted, 90.0)),
            common::ms(common::percentile(sorted, 99.0)),
            common::ms(sorted.last().copied().unwrap_or_default()),
        )
    };
    println!(
        "{label:<22} n={:<5} wall {} | cpu {}",
        samples.wall.len(),
        line(&samples.wall),
        line(&samples.cpu)
    );
}

fn shared_corpus_latency(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index");
    sync_paths(
        &index,
        &[common::shared("corpus")],
        &SyncOptions::default(),
        &NoProgress,
    )
    .expect("indexes");
    index.merge_segments(common::INDEX_THREADS).expect("merges");
    let engine = Engine::new(index, uncached());
    let requests: Vec<SearchRequest> = common::dev_queries()
        .iter()
        .map(SearchRequest::new)
        .collect();
    let found = answered(&engine, &requests);
    assert!(
        found >= 45,
        "only {found} of 50 dev queries return passages"
    );
    print_percentiles(
        "shared_corpus/dev50",
        &latencies(&requests, |request| run(&engine, request)),
    );

    let mut group = c.benchmark_group("query/shared_corpus");
    group.bench_function("dev50", |bench| {
        let mut next = requests.iter().cycle();
        bench.iter(|| run(&engine, next.next().expect("cycle never ends")));
    });
    group.finish();
}

fn scale_latency(c: &mut Criterion) {
    let corpus = common::scale_corpus();
    let classes = common::query_classes();
    let folders = tempfile::tempdir().expect("temporary folder");
    for subset in &corpus.subsets {
        let (index, _) = common::index_subset(subset, &folders.path().join(subset.label()));
        // Searched as `vigie serve` serves it: merged into one segment once quiet.
        index.merge_segments(common::INDEX_THREADS).expect("merges");
        assert_eq!(index.segment_count(), 1);
        let engine = Engine::new(index, uncached());
        let mut mix = Samples::default();
        let mut group = c.benchmark_group(format!("query/{}", subset.label()));
        group.sample_size(20);
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        for class in &classes {
            let requests: Vec<SearchRequest> =
                class.queries.iter().map(SearchRequest::new).collect();
            let found = answered(&engine, &requests);
            if class.all_must_hit {
                assert_eq!(
                    found,
                    requests.len(),
                    "{}: some queries find nothing",
                    class.name
                );
            } else {
                // The dev queries were written for the development corpus; on the codes
                // most of them still find passages.
                assert!(
                    found * 2 >= requests.len(),
                    "{}: only {found} answered",
                    class.name
                );
            }
            let samples = latencies(&requests, |request| run(&engine, request));
            print_percentiles(&format!("{}/{}", subset.label(), class.name), &samples);
            mix.extend(samples);
            group.bench_function(class.name, |bench| {
                let mut next = requests.iter().cycle();
                bench.iter(|| run(&engine, next.next().expect("cycle never ends")));
            });
        }
        print_percentiles(&format!("{}/mix", subset.label()), &mix);
        let top_100: Vec<SearchRequest> = common::dev_queries()
            .into_iter()
            .map(|query| SearchRequest {
                limit: 100,
                ..SearchRequest::new(query)
            })
            .collect();
        let ranked = top_100
            .iter()
            .filter(|request| rank_top_100(&engine, request) > 0)
            .count();
        assert!(
            ranked * 2 >= top_100.len(),
            "dev50_top100_ranked: only {ranked} ranked"
        );
        let samples = latencies(&top_100, |request| rank_top_100(&engine, request));
        print_percentiles(&format!("{}/dev50_top100_ranked", subset.label()), &samples);
        group.bench_function("dev50_top100_ranked", |bench| {
            let mut next = top_100.iter().cycle();
            bench.iter(|| rank_top_100(&engine, next.next().expect("cycle never ends")));
        });
        group.finish();
    }
}

criterion_group!(benches, shared_corpus_latency, scale_latency);
criterion_main!(benches);
