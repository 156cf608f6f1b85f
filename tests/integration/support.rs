//! Shared fixtures: the real corpus, an on-disk index of it built once, the real router.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::StatusCode;
use vigie::http::HttpSettings;
use vigie::index::sync::{sync_paths, NoProgress, SyncOptions, SyncReport};
use vigie::index::VigieIndex;
use vigie::search::{Engine, SearchSettings};

/// The shared corpus, beside the project.
pub fn shared_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

/// The shared evaluation data, beside the project.
pub fn shared_eval() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval")
}

/// The first `count` articles of the scale corpus (`../shared/scale`), one JSON line each.
pub fn scale_lines(count: usize) -> impl Iterator<Item = String> {
    use std::io::BufRead;
    let source = shared_corpus().join("../scale/codes-en-vigueur.jsonl.gz");
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(
        std::fs::File::open(source).expect("scale corpus"),
    ));
    reader.lines().take(count).map(|line| line.expect("line"))
}

/// An on-disk index of the whole shared corpus, built once per test run.
pub struct CorpusIndex {
    /// Keeps the index folder alive for the whole run.
    _dir: tempfile::TempDir,
    /// The report of the build.
    pub report: SyncReport,
    /// An engine on it.
    pub engine: Arc<Engine>,
}

/// The index of `../shared/corpus`, built on first use.
pub fn corpus_index() -> &'static CorpusIndex {
    static INDEX: OnceLock<CorpusIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("index");
        let index = VigieIndex::open_or_create(&path).expect("index opens");
        let report = sync_paths(
            &index,
            &[shared_corpus()],
            &SyncOptions::default(),
            &NoProgress,
        )
        .expect("corpus indexes");
        let engine = Arc::new(Engine::new(index, SearchSettings::default()));
        CorpusIndex {
            _dir: dir,
            report,
            engine,
        }
    })
}

/// Sends one GET request to the real router on the corpus index.
pub async fn get(uri: &str) -> (StatusCode, serde_json::Value) {
    get_with(uri, &HttpSettings::default(), &[])
        .await
        .into_json()
}

/// A response: status, headers and body bytes.
pub struct Reply {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: axum::http::HeaderMap,
    /// Body.
    pub body: Vec<u8>,
}

impl Reply {
    /// Status and JSON body (`Null` when the body is not JSON).
    pub fn into_json(self) -> (StatusCode, serde_json::Value) {
        let json = serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null);
        (self.status, json)
    }
}

/// Sends a request with extra headers to the real router built with `settings`.
pub async fn get_with(uri: &str, settings: &HttpSettings, headers: &[(&str, &str)]) -> Reply {
    request("GET", uri, settings, headers).await
}

/// Sends a request with any method to the real router built with `settings`.
pub async fn request(
    method: &str,
    uri: &str,
    settings: &HttpSettings,
    headers: &[(&str, &str)],
) -> Reply {
    request_on(&corpus_index().engine, method, uri, settings, headers).await
}

/// Sends a request to the real router serving `engine`.
pub async fn request_on(
    engine: &Arc<Engine>,
    method: &str,
    uri: &str,
    settings: &HttpSettings,
    headers: &[(&str, &str)],
) -> Reply {
    let app = crate::client::app(engine, settings);
    crate::client::send(&app, method, uri, headers, Body::empty()).await
}

/// Percent-encodes a query-string value.
pub fn encode(value: &str) -> String {
    let mut encoded = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Builds an on-disk index of `files` (name, content) written into a fresh folder.
pub fn index_of_files(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Arc<Engine>, SyncReport) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("corpus folder");
    for (name, content) in files {
        std::fs::write(corpus.join(name), content).expect("file written");
    }
    let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index opens");
    let report =
        sync_paths(&index, &[corpus], &SyncOptions::default(), &NoProgress).expect("indexes");
    (
        dir,
        Arc::new(Engine::new(index, SearchSettings::default())),
        report,
    )
}

/// The text of every hit of a search response.
pub fn hit_texts(body: &serde_json::Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .map(|hit| hit["text"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The document id of every hit of a search response.
pub fn hit_docs(body: &serde_json::Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .map(|hit| hit["doc_id"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}
