//! `GET /metrics`: Prometheus text with requests by route template and status, latency
//! histogram and index counts.

use axum::http::StatusCode;
use vigie::http::HttpSettings;

use crate::client::{app, send};
use crate::support::corpus_index;

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_report_the_index() {
    let router = app(&corpus_index().engine, &HttpSettings::default());
    for uri in [
        "/search?q=PNR",
        "/search?q=SIS",
        "/search?q=",
        "/documents/declaration-franco-belge-2018.fr.txt",
        "/no/such/page",
    ] {
        send(&router, "GET", uri, &[], "").await;
    }
    let reply = send(&router, "GET", "/metrics", &[], "").await;
    assert_eq!(reply.status, StatusCode::OK);
    let content_type = reply
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = String::from_utf8(reply.body).expect("UTF-8");
    for expected in [
        "vigie_http_requests_total{method=\"GET\",route=\"/search\",status=\"200\"} 2",
        "vigie_http_requests_total{method=\"GET\",route=\"/search\",status=\"400\"} 1",
        "vigie_http_requests_total{method=\"GET\",route=\"/documents/{*id}\",status=\"200\"} 1",
        "vigie_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1",
        "vigie_http_request_duration_seconds_bucket{route=\"/search\",le=\"+Inf\"} 3",
        "vigie_http_request_duration_seconds_count{route=\"/search\"} 3",
        "# TYPE vigie_http_request_duration_seconds histogram",
        "# TYPE vigie_index_documents gauge",
        "vigie_index_passages ",
        "vigie_index_size_bytes ",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(!text.contains("q=PNR"), "a raw URL leaked into a label");
    let documents = text
        .lines()
        .find_map(|line| line.strip_prefix("vigie_index_documents "))
        .and_then(|value| value.parse::<u64>().ok())
        .unwrap_or(0);
    assert!(documents >= 80, "{documents}");
}

#[tokio::test]
async fn a_repeated_search_is_answered_from_the_answers_cache_and_counted() {
    let (_dir, engine, _) = crate::support::index_of_files(&[(
        "a.txt",
        "Le fichier PNR des passagers aériens.".as_bytes(),
    )]);
    let router = app(&engine, &HttpSettings::default());
    let first = send(&router, "GET", "/search?q=passagers", &[], "").await;
    let second = send(&router, "GET", "/search?q=passagers", &[], "").await;
    let hits = |body: &[u8]| -> serde_json::Value {
        serde_json::from_slice::<serde_json::Value>(body).unwrap_or_default()["hits"].clone()
    };
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(hits(&first.body), hits(&second.body));
    assert_eq!(hits(&second.body)[0]["doc_id"], "a.txt");
    let text =
        String::from_utf8(send(&router, "GET", "/metrics", &[], "").await.body).expect("UTF-8");
    for expected in [
        "vigie_search_cache_hits_total 1\n",
        "vigie_search_cache_misses_total 1\n",
        "vigie_search_cache_answers 1\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}
