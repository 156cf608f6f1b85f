//! A client for the write API, the metrics and the OpenAPI tests: any method, headers and body,
//! against one router instance kept across requests (so its metrics accumulate).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
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

/// Serves the real router on a free loopback port through `vigie::http::serve`, as `vigie
/// serve` does (hyper included), until the test's runtime ends.
pub async fn serve_on_port(engine: &Arc<Engine>, settings: &HttpSettings) -> SocketAddr {
    let listener = vigie::http::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("free port");
    let addr = listener.local_addr().expect("bound address");
    let router = app(engine, settings);
    tokio::spawn(async move { vigie::http::serve(router, listener).await });
    addr
}

/// Sends one HTTP/1.1 request over TCP (`connection: close`) and reads the whole answer.
pub async fn send_tcp(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    send_raw(addr, &bytes).await
}

/// Writes `bytes` to the server as they are and reads its answer until it closes.
pub async fn send_raw(addr: SocketAddr, bytes: &[u8]) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("server accepts");
    // The server may answer and close before reading all of a refused request.
    let _ = stream.write_all(bytes).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    parse_reply(&answer)
}

/// Parses an HTTP/1.1 answer (plain or chunked body).
fn parse_reply(answer: &[u8]) -> Reply {
    let split = answer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("an answer head");
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_code: u16 = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let mut headers = HeaderMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.trim().as_bytes()),
                HeaderValue::from_str(value.trim()),
            ) {
                headers.append(name, value);
            }
        }
    }
    let mut body = answer[split + 4..].to_vec();
    let chunked = headers
        .get("transfer-encoding")
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status: StatusCode::from_u16(status_code).expect("a status"),
        headers,
        body,
    }
}

fn dechunk(mut chunked: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(end) = chunked.windows(2).position(|window| window == b"\r\n") {
        let size_text = String::from_utf8_lossy(&chunked[..end]).into_owned();
        let size = usize::from_str_radix(size_text.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        body.extend_from_slice(&chunked[start..(start + size).min(chunked.len())]);
        chunked = chunked.get(start + size + 2..).unwrap_or_default();
    }
    body
}
