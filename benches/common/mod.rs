//! Shared by the benches: the scale corpus cut into subsets, the query sets, percentiles,
//! peak memory and index size. Data is read from `../shared` beside the project and
//! decompressed into a temporary folder; nothing is written to the repository.

#![allow(dead_code)] // each bench binary uses part of this module

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use vigie::index::sync::{sync_paths, NoProgress, SyncOptions, SyncReport};
use vigie::index::VigieIndex;

/// Sizes of the scale subsets, in articles (the first N lines of the scale file).
pub const SCALE_SIZES: [usize; 3] = [10_000, 30_000, 90_078];

/// Indexing threads used by the benches (the target is stated for 2 threads).
pub const INDEX_THREADS: usize = 2;

/// A path under `../shared`.
pub fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(path)
}

/// The sizes to run: all of [`SCALE_SIZES`], or those named in `VIGIE_BENCH_SIZES`
/// (e.g. `VIGIE_BENCH_SIZES=10k,90k`) to shorten a run.
pub fn selected_sizes() -> Vec<usize> {
    let label = |articles: usize| format!("{}k", articles / 1000);
    match std::env::var("VIGIE_BENCH_SIZES") {
        Ok(names) => SCALE_SIZES
            .into_iter()
            .filter(|&articles| names.split(',').any(|name| name.trim() == label(articles)))
            .collect(),
        Err(_) => SCALE_SIZES.to_vec(),
    }
}

/// One subset of the scale corpus, written as a `.jsonl` file.
pub struct ScaleSubset {
    /// Number of articles (lines).
    pub articles: usize,
    /// Bytes of the `text` fields (the "raw text" the targets speak of).
    pub text_bytes: u64,
    /// Bytes of the JSON Lines file.
    pub file_bytes: u64,
    /// The file.
    pub path: PathBuf,
}

impl ScaleSubset {
    /// A short label: `10k`, `30k`, `90k`.
    pub fn label(&self) -> String {
        format!("{}k", self.articles / 1000)
    }
}

/// The scale corpus decompressed into a temporary folder, cut at each of [`SCALE_SIZES`].
pub struct ScaleCorpus {
    _dir: tempfile::TempDir,
    /// The subsets, smallest first; the last one holds every article.
    pub subsets: Vec<ScaleSubset>,
}

/// Decompresses `../shared/scale/codes-en-vigueur.jsonl.gz` and writes the subsets.
pub fn scale_corpus() -> ScaleCorpus {
    let gz_path = shared("scale/codes-en-vigueur.jsonl.gz");
    let gz = std::fs::File::open(&gz_path)
        .unwrap_or_else(|error| panic!("{}: {error}", gz_path.display()));
    let lines: Vec<String> = BufReader::new(flate2::read::GzDecoder::new(gz))
        .lines()
        .collect::<Result<_, _>>()
        .expect("the scale file decompresses");
    assert_eq!(lines.len(), 90_078, "the scale file has every article");
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut subsets = Vec::new();
    for articles in selected_sizes() {
        let folder = dir.path().join(format!("scale-{articles}"));
        std::fs::create_dir_all(&folder).expect("subset folder");
        let path = folder.join("codes.jsonl");
        let mut out = BufWriter::new(std::fs::File::create(&path).expect("subset file"));
        let mut text_bytes = 0u64;
        let mut file_bytes = 0u64;
        for line in &lines[..articles] {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            text_bytes += value["text"].as_str().map_or(0, str::len) as u64;
            file_bytes += line.len() as u64 + 1;
            writeln!(out, "{line}").expect("writes the subset");
        }
        out.flush().expect("writes the subset");
        subsets.push(ScaleSubset {
            articles,
            text_bytes,
            file_bytes,
            path,
        });
    }
    ScaleCorpus { _dir: dir, subsets }
}

/// Indexes `subset` into a fresh index in `dir` and checks every article made it.
pub fn index_subset(subset: &ScaleSubset, dir: &Path) -> (VigieIndex, SyncReport) {
    let index = VigieIndex::open_or_create(dir).expect("index");
    let options = SyncOptions {
        threads: INDEX_THREADS,
        ..SyncOptions::default()
    };
    let report = sync_paths(
        &index,
        std::slice::from_ref(&subset.path),
        &options,
        &NoProgress,
    )
    .expect("indexes");
    assert_eq!(report.failed, 0, "{:?}", report.failures);
    assert_eq!(report.added, subset.articles);
    assert_eq!(report.documents_total, subset.articles);
    assert!(report.passages_total >= subset.articles as u64);
    (index, report)
}

/// Bytes of the index files in `dir` by extension (`store`, `idx`, `pos`, `term`, …),
/// largest first.
pub fn size_by_extension(dir: &Path) -> Vec<(String, u64)> {
    let mut sizes: std::collections::BTreeMap<String, u64> = Default::default();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        if !metadata.is_file() {
            continue;
        }
        let path = entry.path();
        let extension = path
            .extension()
            .map_or_else(|| "other".to_string(), |e| e.to_string_lossy().into_owned());
        *sizes.entry(extension).or_default() += metadata.len();
    }
    let mut sizes: Vec<_> = sizes.into_iter().collect();
    sizes.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    sizes
}

/// A line of `/proc/self/status` in kibibytes (`VmHWM`, `VmRSS`), 0 where unreadable.
pub fn status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(key))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|value| value.parse().ok())
        })
        .unwrap_or(0)
}

/// Resets the process's peak resident set size (`VmHWM`) to its current size, so the next
/// reading is the peak of what runs in between (Linux ≥ 4.0; ignored elsewhere).
pub fn reset_peak_memory() {
    let _ignored = std::fs::write("/proc/self/clear_refs", "5");
}

/// The `p`-th percentile (0–100) of sorted durations, nearest rank.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Milliseconds, for printing.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The dev queries (`../shared/eval/security-queries.dev.jsonl`), 50 of them.
pub fn dev_queries() -> Vec<String> {
    let path = shared("eval/security-queries.dev.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let queries: Vec<String> = text
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|query| query["query"].as_str().map(str::to_string))
        .collect();
    assert_eq!(queries.len(), 50);
    queries
}

/// A named set of queries with the same shape.
pub struct QueryClass {
    /// Its name in bench ids.
    pub name: &'static str,
    /// The queries.
    pub queries: Vec<String>,
    /// Whether every query must return at least one passage on the smallest subset.
    pub all_must_hit: bool,
}

/// The query mix of the scale benches: single words, three-word queries, phrases, natural
/// questions (all found in the first 10k articles), and the 50 dev queries as written.
pub fn query_classes() -> Vec<QueryClass> {
    let owned = |queries: &[&str]| queries.iter().map(|q| q.to_string()).collect();
    vec![
        QueryClass {
            name: "word",
            queries: owned(&[
                "société",
                "contrat",
                "mineur",
                "tribunal",
                "commerçant",
                "désertion",
                "liquidation",
                "mariage",
                "juridiction",
                "sanction",
            ]),
            all_must_hit: true,
        },
        QueryClass {
            name: "three_words",
            queries: owned(&[
                "liquidation judiciaire société",
                "recours tribunal administratif",
                "régime matrimonial contrat",
                "capital social actionnaires",
                "mineur autorité parentale",
                "désertion temps guerre",
                "bail commercial renouvellement",
                "aide sociale enfance",
                "commissaire aux comptes",
                "juge référé urgence",
            ]),
            all_must_hit: true,
        },
        QueryClass {
            name: "phrase",
            queries: owned(&[
                "\"tribunal de commerce\"",
                "\"conseil d'administration\"",
                "\"autorité parentale\"",
                "\"bonne foi\"",
                "\"cour d'appel\"",
                "\"registre du commerce et des sociétés\"",
                "\"conseil d'État\" recours",
                "\"temps de guerre\"",
                "\"aide sociale\" enfance",
                "\"assemblée générale\" actionnaires",
            ]),
            all_must_hit: true,
        },
        QueryClass {
            name: "question",
            queries: owned(&[
                "qui peut demander la liquidation judiciaire d'une société ?",
                "quelle est la peine pour désertion en temps de guerre ?",
                "comment contester une décision du tribunal administratif ?",
                "à quel âge peut-on se marier ?",
                "qui exerce l'autorité parentale sur un enfant mineur ?",
                "quand le bail commercial peut-il être résilié ?",
                "qui nomme les commissaires aux comptes d'une société anonyme ?",
                "combien de temps dure la période d'observation du redressement judiciaire ?",
                "qu'est-ce qu'un fonds de commerce ?",
                "le juge des référés peut-il suspendre une décision administrative ?",
            ]),
            all_must_hit: true,
        },
        QueryClass {
            name: "dev50",
            queries: dev_queries(),
            all_must_hit: false,
        },
    ]
}

/// The `text` fields of the first `articles` articles of the scale file.
pub fn scale_texts(articles: usize) -> Vec<String> {
    let gz_path = shared("scale/codes-en-vigueur.jsonl.gz");
    let gz = std::fs::File::open(&gz_path)
        .unwrap_or_else(|error| panic!("{}: {error}", gz_path.display()));
    let texts: Vec<String> = BufReader::new(flate2::read::GzDecoder::new(gz))
        .lines()
        .take(articles)
        .map(|line| {
            let line = line.expect("the scale file decompresses");
            let value: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
            value["text"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(texts.len(), articles);
    texts
}

/// CPU time consumed by the calling thread so far. Unlike wall time it does not grow while
/// the thread waits for a core, so it stays meaningful on a machine shared with other work.
pub fn thread_cpu_time() -> Duration {
    let mut spec = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `spec` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID needs nothing else.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut spec) };
    if status != 0 {
        return Duration::ZERO;
    }
    Duration::new(spec.tv_sec as u64, spec.tv_nsec as u32)
}
