//! Indexing throughput, end to end (read, parse, analyze, write, commit), with 2 threads:
//!
//! - `indexing/shared_corpus`: the development corpus (`../shared/corpus`), MB/s of files;
//! - `indexing/scale/{10k,30k,90k}`: the first 10k, 30k and all 90,078 articles of the scale
//!   corpus (`../shared/scale`), MB/s of article text. After each size the bench prints
//!   articles/s, MB/s, the peak memory of the run and the index size on disk.
//!
//! Each run asserts that every document was indexed.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vigie::index::sync::{sync_paths, NoProgress, SyncOptions};
use vigie::index::VigieIndex;

fn shared_corpus() -> PathBuf {
    common::shared("corpus")
}

fn corpus_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| entry.metadata().ok())
        .map(|metadata| metadata.len())
        .sum()
}

fn index_shared_corpus(c: &mut Criterion) {
    let corpus = shared_corpus();
    let mut group = c.benchmark_group("indexing");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(corpus_bytes(&corpus)));
    group.bench_function("shared_corpus", |bench| {
        bench.iter_with_setup(
            || tempfile::tempdir().expect("temporary folder"),
            |dir| {
                let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index");
                let options = SyncOptions {
                    threads: common::INDEX_THREADS,
                    ..SyncOptions::default()
                };
                let report =
                    sync_paths(&index, std::slice::from_ref(&corpus), &options, &NoProgress)
                        .expect("indexes");
                assert_eq!(report.failed, 0, "{:?}", report.failures);
                assert!(report.documents_total >= 80);
                report
            },
        );
    });
    group.finish();
}

/// What one size's runs measured besides time.
#[derive(Default)]
struct RunFacts {
    runs: u32,
    total: Duration,
    peak_delta_kib: u64,
    index_bytes: u64,
    passages: u64,
    by_extension: Vec<(String, u64)>,
}

fn index_scale(c: &mut Criterion) {
    let corpus = common::scale_corpus();
    let mut group = c.benchmark_group("indexing/scale");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(5));
    for subset in &corpus.subsets {
        let mut facts = RunFacts::default();
        group.throughput(Throughput::Bytes(subset.text_bytes));
        group.bench_function(subset.label(), |bench| {
            bench.iter_custom(|iterations| {
                let mut elapsed = Duration::ZERO;
                for _ in 0..iterations {
                    let dir = tempfile::tempdir().expect("temporary folder");
                    let index_dir = dir.path().join("index");
                    let baseline_kib = common::status_kib("VmRSS:");
                    common::reset_peak_memory();
                    let started = Instant::now();
                    let (index, report) = common::index_subset(subset, &index_dir);
                    let took = started.elapsed();
                    elapsed += took;
                    let peak_kib = common::status_kib("VmHWM:");
                    facts.runs += 1;
                    facts.total += took;
                    facts.peak_delta_kib = facts
                        .peak_delta_kib
                        .max(peak_kib.saturating_sub(baseline_kib));
                    facts.index_bytes = index.size_on_disk();
                    facts.passages = report.passages_total;
                    facts.by_extension = common::size_by_extension(&index_dir);
                    drop(index);
                }
                elapsed
            });
        });
        if facts.runs > 0 {
            let mean = facts.total.as_secs_f64() / f64::from(facts.runs);
            let breakdown: Vec<String> = facts
                .by_extension
                .iter()
                .map(|(extension, bytes)| format!("{extension} {:.1} MB", *bytes as f64 / 1e6))
                .collect();
            println!(
                "scale {}: {} articles, {} passages, {:.1} MB text ({:.1} MB JSONL) | mean {:.2} s over {} runs: {:.0} articles/s, {:.1} MB/s text | peak memory +{:.0} MB | index {:.1} MB = {:.2} x text [{}]",
                subset.label(),
                subset.articles,
                facts.passages,
                subset.text_bytes as f64 / 1e6,
                subset.file_bytes as f64 / 1e6,
                mean,
                facts.runs,
                subset.articles as f64 / mean,
                subset.text_bytes as f64 / 1e6 / mean,
                facts.peak_delta_kib as f64 / 1024.0,
                facts.index_bytes as f64 / 1e6,
                facts.index_bytes as f64 / subset.text_bytes as f64,
                breakdown.join(", "),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, index_shared_corpus, index_scale);
criterion_main!(benches);
