//! Indexing throughput: the whole development corpus (`../shared/corpus`) into a fresh on-disk
//! index, end to end (read, parse, analyze, write, commit). Reported in MB/s of files read.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vigie::index::sync::{sync_paths, NoProgress, SyncOptions};
use vigie::index::VigieIndex;

fn shared_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
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

fn index_corpus(c: &mut Criterion) {
    let corpus = shared_corpus();
    let mut group = c.benchmark_group("indexing");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(corpus_bytes(&corpus)));
    group.bench_function("shared_corpus", |bench| {
        bench.iter_with_setup(
            || tempfile::tempdir().expect("temporary folder"),
            |dir| {
                let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index");
                let report = sync_paths(
                    &index,
                    std::slice::from_ref(&corpus),
                    &SyncOptions::default(),
                    &NoProgress,
                )
                .expect("indexes");
                assert_eq!(report.failed, 0, "{:?}", report.failures);
                assert!(report.documents_total >= 80);
                report
            },
        );
    });
    group.finish();
}

criterion_group!(benches, index_corpus);
criterion_main!(benches);
