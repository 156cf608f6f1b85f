//! A client for the write API, the metrics and the OpenAPI tests: any method, headers and body,
//! against one router instance kept across requests (so its metrics accumulate).

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;
use vigie::http::{router, AppState, HttpSettings};
use vigie::search::Engine;

use crate::support::Reply;

/// A write key long enough for the configuration's rules.
pub const WRITE_KEY: &str = "test-write-key-0123456789";
/// A read key long enough for the configuration's rules.
pub const READ_KEY: &str = "test-read-key-0123456789";

/// The real router serving `engine` with `settings`.
pub fn app(engine: &Arc<Engine>, settings: &HttpSettings) -> Router {
    router(AppState::new(Arc::clone(engine)), settings)
}

/// Sends one request to `app`.
pub async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> Reply {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let response = app
        .clone()
        .oneshot(builder.body(body.into()).expect("request builds"))
        .await
        .expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body reads")
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// A `multipart/form-data` body with a `file` field (and an `id` field when given), and its
/// content type.
pub fn multipart(file_name: &str, content: &[u8], id: Option<&str>) -> (String, Vec<u8>) {
    let boundary = "vigie-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    if let Some(id) = id {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n{id}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
