//! Prometheus metrics: requests by route and status, a latency histogram by route, and the
//! index's size, served as text at `GET /metrics`.
//!
//! A small registry of our own (a mutex-guarded map, held for a few map operations per
//! request): the route label is the matched route template, never the raw URL, so a label's
//! values stay few. May import `search` (index counts) and `http`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::error::ApiError;
use super::AppState;
use crate::search::{AnswerCacheStats, IndexStats};

/// Upper bounds of the latency histogram's buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Route label of requests no route matched.
const UNMATCHED: &str = "unmatched";

/// Content type of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Counters of the HTTP API since start-up.
#[derive(Debug, Default)]
pub struct Registry {
    counters: Mutex<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    /// Requests by (method, route, status).
    requests: BTreeMap<(String, String, u16), u64>,
    /// Latency by route.
    latency: BTreeMap<String, Histogram>,
}

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Non-cumulative counts per bucket of [`LATENCY_BUCKETS`].
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

impl Registry {
    /// Records one answered request.
    pub fn observe(&self, method: &str, route: &str, status: u16, latency: Duration) {
        let seconds = latency.as_secs_f64();
        let mut counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        *counters
            .requests
            .entry((method.to_string(), route.to_string(), status))
            .or_insert(0) += 1;
        let histogram = counters.latency.entry(route.to_string()).or_default();
        if let Some(bucket) = LATENCY_BUCKETS.iter().position(|bound| seconds <= *bound) {
            histogram.buckets[bucket] += 1;
        }
        histogram.count += 1;
        histogram.sum_seconds += seconds;
    }

    /// The metrics in Prometheus text format, with the index's counts when known.
    pub fn render(&self, index: Option<&IndexStats>, answers: &AnswerCacheStats) -> String {
        let (requests, latency) = {
            let counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
            (counters.requests.clone(), counters.latency.clone())
        };
        let mut text = String::new();
        header(
            &mut text,
            "vigie_http_requests_total",
            "counter",
            "HTTP requests answered, by method, route template and status.",
        );
        for ((method, route, status), count) in &requests {
            let _ = writeln!(
                text,
                "vigie_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(method),
                escape(route)
            );
        }
        header(
            &mut text,
            "vigie_http_request_duration_seconds",
            "histogram",
            "Time to answer an HTTP request, by route template.",
        );
        for (route, histogram) in &latency {
            let route = escape(route);
            let mut cumulative = 0;
            for (bound, count) in LATENCY_BUCKETS.iter().zip(histogram.buckets) {
                cumulative += count;
                let _ = writeln!(
                    text,
                    "vigie_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                text,
                "vigie_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                text,
                "vigie_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                histogram.sum_seconds
            );
            let _ = writeln!(
                text,
                "vigie_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                histogram.count
            );
        }
        if let Some(stats) = index {
            let gauges = [
                (
                    "vigie_index_documents",
                    "Documents in the index.",
                    stats.documents as u64,
                ),
                (
                    "vigie_index_passages",
                    "Passages in the index.",
                    stats.passages,
                ),
                (
                    "vigie_index_size_bytes",
                    "Size of the index on disk, in bytes.",
                    stats.size_bytes,
                ),
                (
                    "vigie_index_segments",
                    "Segments searched.",
                    stats.segments as u64,
                ),
            ];
            for (name, help, value) in gauges {
                header(&mut text, name, "gauge", help);
                let _ = writeln!(text, "{name} {value}");
            }
        }
        let answer_metrics = [
            (
                "vigie_search_cache_hits_total",
                "counter",
                "Searches answered from the answers cache.",
                answers.hits,
            ),
            (
                "vigie_search_cache_misses_total",
                "counter",
                "Searches run because the answers cache held no answer.",
                answers.misses,
            ),
            (
                "vigie_search_cache_answers",
                "gauge",
                "Answers held by the answers cache.",
                answers.answers,
            ),
            (
                "vigie_search_cache_bytes",
                "gauge",
                "Estimated bytes held by the answers cache.",
                answers.bytes,
            ),
        ];
        for (name, kind, help, value) in answer_metrics {
            header(&mut text, name, kind, help);
            let _ = writeln!(text, "{name} {value}");
        }
        text
    }
}

fn header(text: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(text, "# HELP {name} {help}");
    let _ = writeln!(text, "# TYPE {name} {kind}");
}

/// Escapes a label value (backslash, double quote, new line).
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Middleware: times each request and records it under its route template.
pub async fn track(
    State(registry): State<Arc<Registry>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_string();
    let response = next.run(request).await;
    registry.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// `GET /metrics`: counters in Prometheus text format.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses(
        (status = 200, description = "Metrics in Prometheus text format", content_type = "text/plain", body = String),
    )
)]
pub async fn metrics(
    State(state): State<AppState>,
    Extension(registry): Extension<Arc<Registry>>,
) -> Result<Response, ApiError> {
    let engine = Arc::clone(&state.engine);
    let stats = tokio::task::spawn_blocking(move || engine.stats())
        .await
        .map_err(ApiError::internal)?;
    let stats = match stats {
        Ok(stats) => Some(stats),
        Err(error) => {
            tracing::error!(%error, "index counts unavailable for /metrics");
            None
        }
    };
    let answers = state.engine.answer_cache_stats();
    Ok((
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        registry.render(stats.as_ref(), &answers),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_buckets_are_rendered_cumulatively() {
        let registry = Registry::default();
        registry.observe("GET", "/search", 200, Duration::from_micros(500));
        registry.observe("GET", "/search", 200, Duration::from_millis(30));
        registry.observe("GET", "/search", 400, Duration::from_millis(2));
        let answers = AnswerCacheStats {
            hits: 7,
            misses: 2,
            answers: 2,
            bytes: 4096,
        };
        let text = registry.render(
            Some(&IndexStats {
                documents: 3,
                passages: 9,
                size_bytes: 1000,
                segments: 2,
            }),
            &answers,
        );
        assert!(text.contains(
            "vigie_http_requests_total{method=\"GET\",route=\"/search\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "vigie_http_request_duration_seconds_bucket{route=\"/search\",le=\"0.001\"} 1"
        ));
        assert!(text.contains(
            "vigie_http_request_duration_seconds_bucket{route=\"/search\",le=\"0.05\"} 3"
        ));
        assert!(text.contains("vigie_http_request_duration_seconds_count{route=\"/search\"} 3"));
        assert!(text.contains("vigie_index_passages 9"));
        assert!(text.contains("vigie_index_segments 2"));
        assert!(text.contains("# TYPE vigie_search_cache_hits_total counter"));
        assert!(text.contains("vigie_search_cache_hits_total 7"));
        assert!(text.contains("vigie_search_cache_misses_total 2"));
        assert!(text.contains("vigie_search_cache_bytes 4096"));
        assert_eq!(escape("a\"b"), "a\\\"b");
    }
}
