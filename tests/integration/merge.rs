//! The background merge: an index left in several segments is merged into one once it is
//! quiet, answers exactly as before, and keeps its suggestion table.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::shared_corpus;
use vigie::index::merge::{self, MergeOptions};
use vigie::index::sync::{sync_paths, NoProgress, SyncOptions};
use vigie::index::{state_of, DocumentWriter, VigieIndex};
use vigie::search::{Engine, SearchRequest, SearchSettings, SuggestRequest};

const FILES: [&str; 6] = [
    "fr-csi-L-livre2-titre2-lutte-contre-terrorisme.md",
    "be-code-penal-1867-consolide.fr.md",
    "declaration-franco-belge-2018.fr.txt",
    "an-dossier-legislatif-leg14-renforcement-lutte-terrorisme.fr.html",
    "fr-cpp-livre4-titre25-criminalite-organisee.md",
    "fr-cpp-livre4-titre20-fnaeg-empreintes-genetiques.md",
];

const QUERIES: [&str; 6] = [
    "terrorisme",
    "équipes communes d'enquête",
    "\"peine d'emprisonnement\" terrorisme",
    "sécurité -financement",
    "FNAEG empreintes",
    "Belgique coopération policière",
];

/// Quick to notice a quiet index, so the tests do not wait long.
fn quick() -> MergeOptions {
    MergeOptions {
        quiet: Duration::from_millis(300),
        poll: Duration::from_millis(20),
    }
}

/// An index of the first `count` files, the founding declaration written in a run of its own,
/// so that it holds several segments.
fn index_in_segments(dir: &Path, count: usize) -> (VigieIndex, PathBuf) {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).expect("folder");
    let index = VigieIndex::open_or_create(&dir.join("index")).expect("index opens");
    let options = SyncOptions {
        threads: 2,
        ..SyncOptions::default()
    };
    let (later, first): (Vec<&str>, Vec<&str>) = FILES[..count]
        .iter()
        .partition(|name| name.starts_with("declaration"));
    for names in [first, later] {
        for name in names {
            std::fs::copy(shared_corpus().join(name), corpus.join(name)).expect("copied");
        }
        sync_paths(&index, std::slice::from_ref(&corpus), &options, &NoProgress).expect("indexes");
    }
    assert!(index.segment_count() > 1, "{}", index.segment_count());
    (index, corpus)
}

/// Every answer of `engine` to the test queries (first two pages, a cap per document), as
/// JSON without the time taken, scores to four decimals.
fn answers(engine: &Engine) -> Vec<serde_json::Value> {
    let mut all = Vec::new();
    for query in QUERIES {
        for (offset, per_doc) in [(0, None), (10, None), (0, Some(1))] {
            let mut request = SearchRequest::new(query.to_string());
            request.offset = offset;
            request.per_doc = per_doc;
            let results = engine.search(&request).expect("search runs");
            assert!(results.total > 0, "{query}");
            let mut json = serde_json::to_value(&results).expect("JSON");
            json["took_ms"] = serde_json::Value::Null;
            // Scores are summed in another order over one segment than over several: they
            // may differ in their last bits, never in the order they give.
            for list in ["hits", "related"] {
                for hit in json[list].as_array_mut().into_iter().flatten() {
                    let score = hit["score"].as_f64().unwrap_or(f64::NAN);
                    hit["score"] = format!("{score:.4}").into();
                }
            }
            all.push(json);
        }
    }
    all
}

fn suggestions(engine: &Engine, prefix: &str) -> Vec<String> {
    let request = SuggestRequest {
        prefix: prefix.to_string(),
        limit: 8,
    };
    engine
        .suggest(&request)
        .expect("suggests")
        .suggestions
        .into_iter()
        .map(|suggestion| format!("{} {}", suggestion.text, suggestion.count))
        .collect()
}

/// Waits (bounded) until `done` holds.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "timed out waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_quiet_index_is_merged_into_one_segment_and_answers_as_before() {
    let dir = tempfile::tempdir().expect("temp");
    let (index, corpus) = index_in_segments(dir.path(), 5);
    let engine = Engine::new(index.clone(), SearchSettings::default());
    let before = answers(&engine);
    let suggested = suggestions(&engine, "coop");
    assert!(!suggested.is_empty());
    assert_eq!(engine.suggestion_stats().expect("stats").builds, 1);

    let segments = state_of(&index.searcher());
    let _merge = merge::start(&index, quick()).expect("starts");
    wait_until("one segment", || index.segment_count() == 1);
    let merged = state_of(&index.searcher());
    assert!(index.holds_same_passages(&segments, &merged));
    assert!(!index.holds_same_passages(&merged, &segments));
    assert_eq!(answers(&engine), before);
    // The same passages: the suggestion table is kept, not built again.
    assert_eq!(suggestions(&engine, "coop"), suggested);
    assert_eq!(engine.suggestion_stats().expect("stats").builds, 1);

    // New passages are another matter: the table is rebuilt (in the background).
    let genetic = |engine: &Engine| {
        suggestions(engine, "empreintes g")
            .iter()
            .any(|suggestion| suggestion.starts_with("empreintes génétiques "))
    };
    assert!(!genetic(&engine));
    std::fs::copy(shared_corpus().join(FILES[5]), corpus.join(FILES[5])).expect("copied");
    sync_paths(&index, &[corpus], &SyncOptions::default(), &NoProgress).expect("indexes");
    assert!(!index.holds_same_passages(&merged, &state_of(&index.searcher())));
    wait_until("the table is rebuilt", || {
        engine.suggestion_stats().expect("stats").builds == 2
    });
    assert!(
        genetic(&engine),
        "{:?}",
        suggestions(&engine, "empreintes g")
    );
    wait_until("one segment again", || index.segment_count() == 1);
    assert_eq!(engine.suggestion_stats().expect("stats").builds, 2);
}

#[test]
fn the_merge_waits_for_other_writers() {
    let dir = tempfile::tempdir().expect("temp");
    let (index, _) = index_in_segments(dir.path(), 3);

    // A writer of this process (the write API, a watched folder) is at work.
    let writer = index.writer(1).expect("writer");
    merged_once_released(&index, writer);

    // Another process holds the index: the merge tries again once it is released.
    let (index, _) = index_in_segments(&dir.path().join("second"), 3);
    let other_process = VigieIndex::open_existing(&dir.path().join("second/index")).expect("opens");
    let held = other_process.writer(1).expect("writer lock");
    merged_once_released(&index, held);
}

/// Starts merging `index` while `held` writes to it: nothing is merged until `held` is
/// released, then the index becomes one segment.
fn merged_once_released(index: &VigieIndex, held: DocumentWriter) {
    let segments = index.segment_count();
    assert!(segments > 1, "{segments}");
    let _merge = merge::start(index, quick()).expect("starts");
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(index.segment_count(), segments);
    drop(held);
    wait_until("one segment", || index.segment_count() == 1);
}
