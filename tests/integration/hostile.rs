//! Hostile input: a folder of broken, empty, huge, deeply nested and looping files is indexed
//! in one run; each bad file gets a clear error, the good ones are indexed, nothing aborts.

use std::path::Path;

use axum::http::StatusCode;
use vigie::http::HttpSettings;
use vigie::index::sync::{sync_paths, Failure, FileStatus, NoProgress, Progress, SyncOptions};
use vigie::index::VigieIndex;
use vigie::ingest::SourceFile;
use vigie::search::{Engine, SearchRequest, SearchSettings};

use crate::support::request_on;

/// The checked-in hostile files.
fn hostile_files() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile")
}

#[tokio::test]
async fn a_folder_of_hostile_files_is_indexed_without_aborting() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("corpus");
    for entry in std::fs::read_dir(hostile_files()).expect("hostile files") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("a file name");
        std::fs::copy(&path, corpus.join(name)).expect("copy");
    }
    // Generated here rather than checked in: a 50 MB file on one line, and HTML nested
    // 100,000 levels deep.
    let line = "coopération transfrontalière ".repeat(50 * 1024 * 1024 / 30);
    std::fs::write(corpus.join("one-line-50mb.txt"), &line).expect("big file");
    let deep = format!(
        "<html><body>{}profondeur extrême{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    std::fs::write(corpus.join("deep.html"), deep).expect("deep file");
    #[cfg(unix)]
    {
        // A symlink loop and a link to a file that is gone.
        std::fs::create_dir_all(corpus.join("loop")).expect("loop folder");
        std::os::unix::fs::symlink("..", corpus.join("loop/back")).expect("loop link");
        std::os::unix::fs::symlink(
            corpus.join("vanished.txt"),
            corpus.join("vanished-link.txt"),
        )
        .expect("dangling link");
    }

    let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index");
    let report = sync_paths(
        &index,
        std::slice::from_ref(&corpus),
        &SyncOptions::default(),
        &NoProgress,
    )
    .expect("the run completes");
    let reasons: Vec<String> = report
        .failures
        .iter()
        .map(|failure| failure.to_string())
        .collect();
    let failed_with = |file: &str, words: &str| {
        reasons
            .iter()
            .any(|reason| reason.contains(file) && reason.to_lowercase().contains(words))
    };
    assert!(failed_with("invalid-utf8.txt", "utf-8"), "{reasons:#?}");
    assert!(failed_with("nul-byte.md", "binary"), "{reasons:#?}");
    assert!(failed_with("empty.txt", "no readable text"), "{reasons:#?}");
    assert!(failed_with("blank.md", "no readable text"), "{reasons:#?}");
    assert!(failed_with("one-broken-line.jsonl:2", ""), "{reasons:#?}");
    #[cfg(unix)]
    assert!(failed_with("vanished-link.txt", ""), "{reasons:#?}");
    // The good lines and files are in.
    let engine = Engine::new(index, SearchSettings::default());
    for (query, doc) in [
        ("coopération policière franco-belge", "ok-1"),
        ("équipes communes", "ok-2"),
        ("profondeur extrême", "deep.html"),
        ("transfrontalière", "one-line-50mb.txt"),
        ("services", "scripts.html"),
    ] {
        let results = engine.search(&SearchRequest::new(query)).expect("search");
        assert!(
            results.hits.iter().any(|hit| hit.doc_id == doc),
            "{query} → {:?}",
            results
                .hits
                .iter()
                .map(|hit| &hit.doc_id)
                .collect::<Vec<_>>()
        );
    }
    // Scripts, handlers and their text never reach a passage, and highlights stay escaped.
    let engine = std::sync::Arc::new(engine);
    let reply = request_on(
        &engine,
        "GET",
        "/documents/scripts.html",
        &HttpSettings::default(),
        &[],
    )
    .await;
    let (status, body) = reply.into_json();
    assert_eq!(status, StatusCode::OK);
    let text = body["passages"].to_string();
    for hidden in [
        "alert(1)", "alert(2)", "alert(3)", "alert(5)", "alert(7)", "onerror",
    ] {
        assert!(!text.contains(hidden), "{hidden} leaked: {text}");
    }
    let (_, search) = request_on(
        &engine,
        "GET",
        "/search?q=alert",
        &HttpSettings::default(),
        &[],
    )
    .await
    .into_json();
    for hit in search["hits"].as_array().cloned().unwrap_or_default() {
        let html = hit["highlight"].as_str().unwrap_or_default();
        let stripped = html.replace("<mark>", "").replace("</mark>", "");
        assert!(!stripped.contains('<'), "{html}");
    }
}

/// Deletes one file of the run as soon as the run has listed its files, before they are read.
struct DeleteOnStart(std::path::PathBuf);

impl Progress for DeleteOnStart {
    fn start(&self, files: usize, _bytes: u64) {
        assert_eq!(files, 3, "the run lists the file before it vanishes");
        std::fs::remove_file(&self.0).expect("the file vanishes");
    }
    fn file_done(&self, _file: &SourceFile, _bytes: u64, _status: FileStatus) {}
    fn failure(&self, _failure: &Failure) {}
    fn finish(&self) {}
}

#[test]
fn a_file_that_vanishes_after_listing_is_reported_and_the_rest_indexed() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("corpus");
    std::fs::write(corpus.join("a.txt"), "Coopération policière.").expect("a");
    std::fs::write(corpus.join("b.txt"), "Échange de renseignements.").expect("b");
    std::fs::write(corpus.join("c.txt"), "Équipes communes d'enquête.").expect("c");
    let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index");
    let report = sync_paths(
        &index,
        std::slice::from_ref(&corpus),
        &SyncOptions::default(),
        &DeleteOnStart(corpus.join("b.txt")),
    )
    .expect("the run completes");
    assert_eq!((report.added, report.failed), (2, 1), "{report:#?}");
    let failure = &report.failures[0];
    assert!(failure.path.ends_with("b.txt"), "{failure:?}");
    assert!(
        failure.reason.to_lowercase().contains("no such file"),
        "{failure:?}"
    );
    let engine = Engine::new(index, SearchSettings::default());
    for (query, found) in [("coopération", 1), ("équipes", 1), ("renseignements", 0)] {
        let results = engine.search(&SearchRequest::new(query)).expect("search");
        assert_eq!(results.hits.len(), found, "{query}");
    }
}

/// Records the bytes each file reports read, file by file.
#[derive(Default)]
struct RecordProgress {
    reads: std::sync::Mutex<Vec<u64>>,
    done: std::sync::Mutex<Vec<(u64, FileStatus)>>,
}

impl Progress for RecordProgress {
    fn start(&self, _files: usize, _bytes: u64) {}
    fn file_progress(&self, _file: &SourceFile, bytes: u64) {
        self.reads.lock().expect("lock").push(bytes);
    }
    fn file_done(&self, _file: &SourceFile, bytes: u64, status: FileStatus) {
        self.done.lock().expect("lock").push((bytes, status));
    }
    fn failure(&self, _failure: &Failure) {}
    fn finish(&self) {}
}

#[test]
fn a_large_json_lines_file_shows_its_progress_and_a_line_broken_later_loses_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let file = dir.path().join("codes.jsonl");
    let lines: Vec<String> = crate::support::scale_lines(3_000).collect();
    let mut clean = lines.join("\n").into_bytes();
    clean.push(b'\n');
    std::fs::write(&file, &clean).expect("write");
    let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index");
    let progress = RecordProgress::default();
    let report = sync_paths(
        &index,
        std::slice::from_ref(&file),
        &SyncOptions::default(),
        &progress,
    )
    .expect("first run");
    assert_eq!((report.added, report.failed), (3_000, 0), "{report:#?}");
    // The file reports as its lines are read, not once at the end.
    let reads = progress.reads.lock().expect("lock").clone();
    let size = clean.len() as u64;
    assert_eq!(reads.len(), 3_000);
    assert!(reads.windows(2).all(|pair| pair[0] < pair[1]));
    assert!(
        reads[0] < size / 100,
        "first report at {} of {size}",
        reads[0]
    );
    assert_eq!(reads.last().copied(), Some(size));
    assert_eq!(
        progress.done.lock().expect("lock").clone(),
        vec![(size, FileStatus::Indexed)]
    );

    // Line 2,000 turns to Windows-1252: it alone is reported, and its document is kept.
    let broken = 1_999;
    let mut bytes = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if index == broken {
            let latin1: Vec<u8> = line
                .replace('é', "\u{0}")
                .bytes()
                .map(|byte| if byte == 0 { 0xE9 } else { byte })
                .collect();
            assert!(latin1.contains(&0xE9), "line {} holds an é", index + 1);
            bytes.extend(latin1);
        } else {
            bytes.extend_from_slice(line.as_bytes());
        }
        bytes.push(b'\n');
    }
    std::fs::write(&file, &bytes).expect("write");
    let report = sync_paths(
        &index,
        std::slice::from_ref(&file),
        &SyncOptions::default(),
        &NoProgress,
    )
    .expect("second run");
    assert_eq!(
        (report.unchanged, report.failed, report.deleted),
        (2_999, 1, 0),
        "{report:#?}"
    );
    let failure = &report.failures[0];
    assert_eq!(failure.line, Some(broken + 1), "{failure:?}");
    assert!(failure.reason.contains("UTF-8"), "{failure:?}");
    assert_eq!(index.document_count().expect("count"), 3_000);
}
