//! Related passages: a page the matches do not fill goes on with passages holding none of the
//! query's words but the words of its best matches, on the real corpus through the router.

use std::collections::HashSet;
use std::sync::Arc;

use crate::support::{corpus_index, encode, get, request_on};
use axum::http::StatusCode;
use vigie::http::HttpSettings;
use vigie::search::{Engine, SearchSettings};

async fn search(query: &str, extra: &str) -> serde_json::Value {
    let (status, body) = get(&format!("/search?q={}{extra}", encode(query))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// `(doc_id, passage)` of each passage of `list` (`hits` or `related`).
fn passages(body: &serde_json::Value, list: &str) -> Vec<(String, u64)> {
    body[list]
        .as_array()
        .into_iter()
        .flatten()
        .map(|hit| {
            (
                hit["doc_id"].as_str().unwrap_or_default().to_string(),
                hit["passage"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect()
}

fn texts(body: &serde_json::Value, list: &str) -> Vec<String> {
    body[list]
        .as_array()
        .into_iter()
        .flatten()
        .map(|hit| hit["text"].as_str().unwrap_or_default().to_lowercase())
        .collect()
}

#[tokio::test]
async fn a_page_the_matches_do_not_fill_ends_with_passages_sharing_the_best_matches_words() {
    // `ECE` (équipes communes d'enquête) is written in two passages of the corpus.
    let page = search("ECE", "&limit=10").await;
    assert_eq!(page["total"], 2, "{page}");
    let matches = passages(&page, "hits");
    assert_eq!(matches.len(), 2);
    let related = passages(&page, "related");
    assert_eq!(related.len(), 8, "{page}");
    let distinct: HashSet<&(String, u64)> = matches.iter().chain(&related).collect();
    assert_eq!(distinct.len(), 10, "a passage listed twice: {page}");
    for (text, hit) in texts(&page, "related")
        .iter()
        .zip(page["related"].as_array().into_iter().flatten())
    {
        // None holds the word asked for; each holds words of the best matches, marked.
        assert!(
            !text
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| word == "ece"),
            "{text}"
        );
        let highlight = hit["highlight"].as_str().unwrap_or_default();
        assert!(highlight.contains("<mark>"), "{hit}");
        assert!(hit["link"]
            .as_str()
            .unwrap_or_default()
            .starts_with("/documents/"));
    }
    // Most share the declaration's subject: Belgium, France, their cooperation.
    let on_subject = texts(&page, "related")
        .iter()
        .filter(|text| {
            ["belg", "coopération", "franc"]
                .iter()
                .any(|word| text.contains(word))
        })
        .count();
    assert!(on_subject >= 5, "{page}");

    // A page the matches fill has none; a count alone neither.
    let full = search("terrorisme", "&limit=10").await;
    assert_eq!(full["hits"].as_array().map(Vec::len), Some(10));
    assert_eq!(full["related"].as_array().map(Vec::len), Some(0), "{full}");
    let counted = search("ECE", "&limit=0").await;
    assert_eq!(counted["total"], 2);
    assert_eq!(counted["related"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn related_passages_page_on_after_the_matches() {
    let whole = search("ECE", "&limit=12").await;
    let related = passages(&whole, "related");
    assert_eq!(related.len(), 10, "{whole}");
    // A page ending past the matches shows the related passages that come next: offset
    // counts the matches first, then the related passages.
    for (offset, limit) in [(1_usize, 3_usize), (2, 5), (4, 5), (7, 5)] {
        let page = search("ECE", &format!("&limit={limit}&offset={offset}")).await;
        assert_eq!(page["total"], 2);
        let shown: Vec<(String, u64)> = passages(&page, "hits")
            .into_iter()
            .chain(passages(&page, "related"))
            .collect();
        let expected: Vec<(String, u64)> = passages(&whole, "hits")
            .into_iter()
            .chain(related.iter().cloned())
            .skip(offset)
            .take(limit)
            .collect();
        assert_eq!(shown, expected, "offset {offset}, limit {limit}");
    }
}

#[tokio::test]
async fn related_passages_keep_to_the_filters_exclusions_and_cap_per_document() {
    let declaration = "declaration-franco-belge-2018.fr.txt";
    let within = search("ECE", &format!("&limit=10&doc={declaration}")).await;
    let related = passages(&within, "related");
    assert!(!related.is_empty(), "{within}");
    assert!(
        related.iter().all(|(doc, _)| doc == declaration),
        "{within}"
    );

    // Words excluded from the query are excluded from the related passages too.
    let holds_data = |text: &String| text.contains("donnée");
    let unfiltered = search("cyberattaque hôpital", "&limit=10").await;
    assert!(
        texts(&unfiltered, "related").iter().any(holds_data),
        "{unfiltered}"
    );
    let excluding = search("cyberattaque hôpital -données", "&limit=10").await;
    let related = texts(&excluding, "related");
    assert!(!related.is_empty(), "{excluding}");
    assert!(!related.iter().any(holds_data), "{excluding}");

    // One passage per document: the related passages' documents are all new.
    let capped = search("ECE", "&limit=10&per_doc=1").await;
    let documents: Vec<String> = passages(&capped, "hits")
        .into_iter()
        .chain(passages(&capped, "related"))
        .map(|(doc, _)| doc)
        .collect();
    assert!(documents.len() > 2, "{capped}");
    let distinct: HashSet<&String> = documents.iter().collect();
    assert_eq!(distinct.len(), documents.len(), "{capped}");
}

#[tokio::test]
async fn related_passages_can_be_turned_off() {
    let index = corpus_index().engine.index().clone();
    let settings = SearchSettings {
        related_terms: 0,
        ..SearchSettings::default()
    };
    let engine = Arc::new(Engine::new(index, settings));
    let reply = request_on(
        &engine,
        "GET",
        "/search?q=ECE&limit=10",
        &HttpSettings::default(),
        &[],
    )
    .await;
    let (status, body) = reply.into_json();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["hits"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["related"].as_array().map(Vec::len), Some(0), "{body}");
}
