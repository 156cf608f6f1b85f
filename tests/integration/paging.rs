//! `total` is what the pages hold: a pager built on it never shows an empty page.

use std::collections::HashMap;

use crate::support::{encode, get, hit_docs, shared_corpus};
use axum::http::StatusCode;
use vigie::index::sync::{sync_paths, NoProgress, SyncOptions};
use vigie::index::VigieIndex;
use vigie::search::{Engine, SearchRequest, SearchSettings};

async fn search(query: &str, extra: &str) -> serde_json::Value {
    let (status, body) = get(&format!("/search?q={}{extra}", encode(query))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn total(body: &serde_json::Value) -> u64 {
    body["total"].as_u64().expect("total is a number")
}

#[tokio::test]
async fn a_request_for_no_hits_still_counts_them() {
    // `limit=0` asks for the count alone.
    for (query, extra) in [
        ("ECE", ""),
        ("terrorisme", ""),
        ("terrorisme", "&per_doc=2"),
    ] {
        let counted = search(query, &format!("&limit=0{extra}")).await;
        let listed = search(query, &format!("&limit=10{extra}")).await;
        assert!(total(&listed) > 0, "{query}");
        assert_eq!(total(&counted), total(&listed), "{query}{extra}");
        assert_eq!(counted["hits"].as_array().map(Vec::len), Some(0));
    }
}

#[tokio::test]
async fn with_a_cap_per_document_the_total_is_what_the_pages_hold() {
    // `terrorisme` matches hundreds of passages of a few dozen documents: capped at one
    // passage per document, the pages hold one per document, and `total` says so.
    let uncapped = total(&search("terrorisme", "&limit=0").await);
    for cap in [1_u64, 3] {
        let first = search("terrorisme", &format!("&per_doc={cap}&limit=100")).await;
        let announced = total(&first);
        assert!(
            announced < uncapped,
            "per_doc={cap}: {announced} of {uncapped}"
        );
        let mut seen = hit_docs(&first);
        let mut offset = 100;
        while offset < announced {
            let page = search(
                "terrorisme",
                &format!("&per_doc={cap}&limit=100&offset={offset}"),
            )
            .await;
            let docs = hit_docs(&page);
            assert!(
                !docs.is_empty(),
                "per_doc={cap}: empty page at {offset} of {announced}"
            );
            seen.extend(docs);
            offset += 100;
        }
        assert_eq!(seen.len() as u64, announced, "per_doc={cap}");
        let mut documents = seen.clone();
        documents.sort();
        documents.dedup();
        if cap == 1 {
            assert_eq!(documents.len(), seen.len());
        }
    }
}

#[tokio::test]
async fn pages_never_repeat_a_passage_nor_skip_one_even_in_long_runs_of_equal_scores() {
    // `terrorisme` ends in a run of some 350 passages of equal score (they match through the
    // same headings): ordered by key when seen whole and not when seen in part, pages 59 and
    // 60 repeated passages and 72 were never shown.
    let total = total(&search("terrorisme", "&limit=0").await);
    assert!(total > 500, "{total}");
    let mut seen = Vec::new();
    let mut offset = 0;
    while offset < total.min(1000) {
        let page = search("terrorisme", &format!("&limit=10&offset={offset}")).await;
        let hits = page["hits"].as_array().cloned().unwrap_or_default();
        seen.extend(
            hits.iter()
                .map(|hit| format!("{} {}", hit["doc_id"], hit["passage"])),
        );
        offset += 10;
    }
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(seen.len() as u64, total.min(1000));
    assert_eq!(distinct.len(), seen.len(), "passages shown twice");
}

#[tokio::test]
async fn a_cap_per_document_below_one_is_refused_in_one_message() {
    for bad in ["0", "-1", "deux"] {
        let (status, body) = get(&format!("/search?q=police&per_doc={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["code"], "invalid_parameter", "{bad}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains("1 or more"), "{bad}: {message}");
    }
}

/// Every passage `query` matches, without a cap, counted per document.
fn passages_per_document(engine: &Engine, query: &str) -> HashMap<String, usize> {
    let mut per_document: HashMap<String, usize> = HashMap::new();
    let mut request = SearchRequest::new(query.to_string());
    request.limit = 100;
    loop {
        let results = engine.search(&request).expect("search runs");
        for hit in &results.hits {
            *per_document.entry(hit.doc_id.clone()).or_default() += 1;
        }
        request.offset += results.hits.len();
        if results.hits.is_empty() || request.offset >= results.total {
            return per_document;
        }
    }
}

#[test]
fn totals_hold_over_many_segments_and_after_an_update() {
    // The total counts passages apart from ranking them (`search::count`): it must count each
    // passage once whatever segment holds it, leave out replaced ones, and apply exclusions
    // and the phrases typed as the pages do. The count under a cap reads each document's passages as one run: a document's passages
    // must stand together in one segment, however many threads wrote them, however many
    // commits cut the run into segments, and after the document was replaced.
    let dir = tempfile::tempdir().expect("temporary folder");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("corpus folder");
    let files = [
        "fr-code-penal-livre4-titre2-terrorisme.md",
        "fr-csi-L-livre2-titre2-lutte-contre-terrorisme.md",
        "declaration-franco-belge-2018.fr.txt",
        "an-dossier-legislatif-leg14-renforcement-lutte-terrorisme.fr.html",
        "fr-cpp-livre4-titre25-criminalite-organisee.md",
        "be-code-penal-1867-consolide.fr.md",
    ];
    for name in files {
        std::fs::copy(shared_corpus().join(name), corpus.join(name)).expect("file copied");
    }
    let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index opens");
    let options = SyncOptions {
        threads: 2,
        commit_every: 2,
        ..SyncOptions::default()
    };
    sync_paths(&index, std::slice::from_ref(&corpus), &options, &NoProgress).expect("indexes");
    // One document replaced: its new passages are written in a later segment.
    let changed = corpus.join(files[0]);
    let mut text = std::fs::read_to_string(&changed).expect("readable");
    text.push_str("\n\nUn paragraphe ajouté sur le terrorisme et la sécurité.\n");
    std::fs::write(&changed, text).expect("written");
    sync_paths(&index, &[corpus], &options, &NoProgress).expect("re-indexes");
    let engine = Engine::new(index, SearchSettings::default());
    for query in [
        "terrorisme",
        "sécurité",
        "peine d'emprisonnement",
        "terrorisme -financement",
        "\"peine d'emprisonnement\" terrorisme",
    ] {
        let per_document = passages_per_document(&engine, query);
        assert!(per_document.len() > 2, "{query}: {per_document:?}");
        let mut request = SearchRequest::new(query.to_string());
        request.limit = 0;
        let total = engine.search(&request).expect("search runs").total;
        assert_eq!(total, per_document.values().sum::<usize>(), "{query}");
        for cap in 1..=3 {
            let mut request = SearchRequest::new(query.to_string());
            request.per_doc = Some(cap);
            request.limit = 0;
            let total = engine.search(&request).expect("search runs").total;
            let expected: usize = per_document.values().map(|count| (*count).min(cap)).sum();
            assert_eq!(total, expected, "{query}, per_doc={cap}");
        }
    }
}

#[test]
fn pages_under_a_cap_hold_every_passage_once_when_documents_are_short() {
    // PIAF's documents are one paragraph each: the cap never takes one, and the window of
    // candidates is smaller than for long documents. Pages must still hold the total, once.
    let dir = tempfile::tempdir().expect("temporary folder");
    let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index opens");
    let corpus = crate::support::shared_eval().join("piaf/corpus.jsonl");
    sync_paths(&index, &[corpus], &SyncOptions::default(), &NoProgress).expect("indexes");
    let engine = Engine::new(index, SearchSettings::default());
    for query in ["guerre mondiale", "université"] {
        let mut seen: HashMap<(String, u32), usize> = HashMap::new();
        let mut request = SearchRequest::new(query.to_string());
        request.per_doc = Some(1);
        request.limit = 7;
        let total = engine.search(&request).expect("search runs").total;
        assert!(total > 20, "{query}: {total}");
        while request.offset < total {
            let page = engine.search(&request).expect("search runs");
            assert!(
                !page.hits.is_empty(),
                "{query}: empty page at {}",
                request.offset
            );
            for hit in &page.hits {
                *seen.entry((hit.doc_id.clone(), hit.passage)).or_default() += 1;
            }
            request.offset += page.hits.len();
        }
        assert_eq!(seen.len(), total, "{query}");
        assert!(seen.values().all(|count| *count == 1), "{query}");
    }
}
