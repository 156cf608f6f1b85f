//! Every error is JSON `{code, message}`, whoever makes it (a handler, axum, hyper), over real
//! HTTP to the real router (`vigie::http::serve`) on the real corpus index.

use axum::http::StatusCode;
use serde_json::Value;
use vigie::config::Secret;
use vigie::http::HttpSettings;

use crate::client::{send_raw, send_tcp, serve_on_port, WRITE_KEY};
use crate::support::{corpus_index, index_of_files, Reply};

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

/// Regression: axum's path rejection answered text, hyper's 414 an empty body.
#[tokio::test]
async fn errors_made_by_axum_or_hyper_are_json_too() {
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let addr = serve_on_port(&engine, &with_write_key()).await;
    let authorization = format!("Bearer {WRITE_KEY}");
    let with_key = [("authorization", authorization.as_str())];
    for (method, target, headers, status, code) in [
        (
            "GET",
            "/documents/caf%E9",
            &[][..],
            StatusCode::BAD_REQUEST,
            "invalid_document_id",
        ),
        (
            "DELETE",
            "/documents/caf%E9",
            &with_key[..],
            StatusCode::BAD_REQUEST,
            "invalid_document_id",
        ),
        (
            "GET",
            "/no-such-route",
            &[][..],
            StatusCode::NOT_FOUND,
            "route_not_found",
        ),
        (
            "GET",
            "/search?q=PNR&limit=%ZZ",
            &[][..],
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            "GET",
            "/search?q=PNR&q=SIS",
            &[][..],
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            "GET",
            "/suggest?q=PN&q=SI",
            &[][..],
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            "GET",
            "/documents/a.txt?q=a&q=b",
            &[][..],
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
    ] {
        let reply = send_tcp(addr, method, target, headers, b"").await;
        assert_error(&reply, status, code, &format!("{method} {target}"));
    }
    let long_query = format!("/search?q={}", "a".repeat(100_000));
    let reply = send_tcp(addr, "GET", &long_query, &[], b"").await;
    assert_error(
        &reply,
        StatusCode::URI_TOO_LONG,
        "uri_too_long",
        "100k query",
    );
    let reply = send_raw(addr, b"NOT HTTP AT ALL\r\n\r\n").await;
    assert_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "malformed_request",
        "garbage",
    );
    // The server still answers after them.
    let reply = send_tcp(addr, "GET", "/search?q=PNR", &[], b"").await;
    assert_eq!(reply.status, StatusCode::OK);
}

/// A request whose body stops coming is answered 408 `request_timeout` once the configured
/// time has passed, in JSON, and adds nothing; the server goes on answering.
#[tokio::test]
async fn a_request_whose_body_stalls_gets_408_json_after_the_configured_time() {
    let (_dir, engine, _) = index_of_files(&[("a.txt", "Le fichier PNR.".as_bytes())]);
    let timeout = std::time::Duration::from_millis(300);
    let settings = HttpSettings {
        request_timeout: timeout,
        ..with_write_key()
    };
    let addr = serve_on_port(&engine, &settings).await;
    let partial = br#"{"id": "notes/stalled", "text": "Le mot"#;
    let head = format!(
        "POST /documents HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\
         authorization: Bearer {WRITE_KEY}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n",
        partial.len() + 100
    );
    let mut request = head.into_bytes();
    request.extend_from_slice(partial);
    let started = std::time::Instant::now();
    let reply = tokio::time::timeout(timeout * 20, send_raw(addr, &request))
        .await
        .expect("answered before the client gives up");
    assert_error(
        &reply,
        StatusCode::REQUEST_TIMEOUT,
        "request_timeout",
        "stalled body",
    );
    assert!(started.elapsed() >= timeout, "{:?}", started.elapsed());
    let gone = send_tcp(addr, "GET", "/documents/notes/stalled", &[], b"").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let search = send_tcp(addr, "GET", "/search?q=PNR", &[], b"").await;
    assert_eq!(search.status, StatusCode::OK);
    assert_eq!(json(&search)["total"], 1);
}
