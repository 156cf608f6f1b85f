//! Every error is JSON `{code, message}`, whoever makes it (a handler, axum, hyper), over real
//! HTTP to the real router (`vigie::http::serve`) on the real corpus index.

use axum::http::StatusCode;
use serde_json::Value;
use vigie::config::Secret;
use vigie::http::HttpSettings;

use crate::client::{send_tcp, serve_on_port, WRITE_KEY};
use crate::support::{corpus_index, Reply};

fn json(reply: &Reply) -> Value {
    serde_json::from_slice(&reply.body).unwrap_or(Value::Null)
}

/// Asserts a JSON error with this status and code, and a message.
fn assert_error(reply: &Reply, status: StatusCode, code: &str, what: &str) {
    let body = json(reply);
    assert_eq!(reply.status, status, "{what}: {body}");
    assert_eq!(
        reply
            .headers
            .get("content-type")
            .and_then(|value| value.to_str().ok()),
        Some("application/json"),
        "{what}"
    );
    assert_eq!(body["code"], code, "{what}: {body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty()),
        "{what}: {body}"
    );
}

fn with_write_key() -> HttpSettings {
    HttpSettings {
        api_key: Some(Secret::new(WRITE_KEY)),
        ..HttpSettings::default()
    }
}

/// Regression: a method a read route lacks (POST /search) was refused as a write (403
/// `writes_disabled`, or 401 with a key configured) before routing.
#[tokio::test]
async fn a_method_a_route_lacks_is_405_with_allow_whatever_the_key() {
    let engine = &corpus_index().engine;
    let authorization = format!("Bearer {WRITE_KEY}");
    for settings in [HttpSettings::default(), with_write_key()] {
        let addr = serve_on_port(engine, &settings).await;
        for headers in [vec![], vec![("authorization", authorization.as_str())]] {
            for (method, target, allow) in [
                ("POST", "/search?q=x", "GET,HEAD"),
                ("DELETE", "/search?q=x", "GET,HEAD"),
                ("POST", "/health", "GET,HEAD"),
                ("PUT", "/suggest?q=x", "GET,HEAD"),
                ("PUT", "/documents/x", "GET,HEAD,DELETE"),
                ("GET", "/documents", "POST"),
            ] {
                let what = format!("{method} {target} {headers:?}");
                let reply = send_tcp(addr, method, target, &headers, b"").await;
                assert_error(
                    &reply,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    &what,
                );
                assert_eq!(
                    reply
                        .headers
                        .get("allow")
                        .and_then(|value| value.to_str().ok()),
                    Some(allow),
                    "{what}"
                );
            }
        }
    }
    // The write check still guards the routes that write.
    let addr = serve_on_port(engine, &HttpSettings::default()).await;
    let reply = send_tcp(addr, "DELETE", "/documents/x", &[], b"").await;
    assert_error(
        &reply,
        StatusCode::FORBIDDEN,
        "writes_disabled",
        "DELETE without key",
    );
    let addr = serve_on_port(engine, &with_write_key()).await;
    let reply = send_tcp(addr, "POST", "/documents", &[], b"").await;
    assert_error(
        &reply,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "POST without key",
    );
}
