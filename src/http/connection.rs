//! Connections: the listener [`super::serve`] accepts on, whose streams give a JSON body to the
//! answers hyper makes itself.
//!
//! hyper answers a request it cannot parse before any router sees it (a request address over
//! 64 KiB: 414; headers too large: 431; a malformed request line: 400) with an empty body and
//! closes the connection. Such an answer is the first bytes of a write, `HTTP/1.1 4xx` with
//! `content-length: 0`, a shape no handler's error has (every one carries a JSON body), so the
//! stream rewrites it into the same answer with `{code, message}` ([`status_error`]).
//! May import `http`.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::error::{status_error, ErrorBody};

/// A TCP listener whose connections are [`JsonErrorStream`]s.
#[derive(Debug)]
pub struct JsonErrorListener(pub TcpListener);

impl axum::serve::Listener for JsonErrorListener {
    type Io = JsonErrorStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.0).await;
        (JsonErrorStream::new(stream), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// A stream that rewrites hyper's empty-bodied parse-error answers into JSON ones.
#[derive(Debug)]
pub struct JsonErrorStream<S> {
    inner: S,
    /// Bytes of a rewritten answer not yet written.
    pending: Vec<u8>,
}

impl<S> JsonErrorStream<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        JsonErrorStream {
            inner,
            pending: Vec::new(),
        }
    }
}

/// Statuses hyper answers by itself when a request cannot be parsed.
const PARSE_ERROR_STATUSES: [StatusCode; 3] = [
    StatusCode::BAD_REQUEST,
    StatusCode::URI_TOO_LONG,
    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
];

/// Longest head of an answer hyper makes itself (status line, `content-length`, `connection`,
/// `date`): far less.
const MAX_PARSE_ERROR_HEAD: usize = 512;

/// The JSON answer replacing `written` when it is one of hyper's empty-bodied parse-error
/// answers, whole in one write; `None` for anything else.
pub fn rewritten_parse_error(written: &[u8]) -> Option<Vec<u8>> {
    // Every other write (an answer with its body) is passed on after these two looks.
    if written.len() > MAX_PARSE_ERROR_HEAD || !written.ends_with(b"\r\n\r\n") {
        return None;
    }
    let head = std::str::from_utf8(written.strip_prefix(b"HTTP/1.1 ")?).ok()?;
    let head = head.strip_suffix("\r\n\r\n")?;
    if head.contains("\r\n\r\n") {
        return None;
    }
    let status_code = head.get(..3)?.parse::<u16>().ok()?;
    let status = StatusCode::from_u16(status_code).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let headers: Vec<&str> = lines.collect();
    let empty = headers
        .iter()
        .any(|line| line.eq_ignore_ascii_case("content-length: 0"));
    if !PARSE_ERROR_STATUSES.contains(&status) || !empty {
        return None;
    }
    let error = status_error(status);
    let body = serde_json::to_vec(&ErrorBody {
        code: error.code,
        message: &error.message,
    })
    .ok()?;
    let mut answer = format!("HTTP/1.1 {status_line}\r\n");
    for line in headers {
        if !line.to_ascii_lowercase().starts_with("content-length:") {
            answer.push_str(line);
            answer.push_str("\r\n");
        }
    }
    answer.push_str("content-type: application/json\r\n");
    answer.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut bytes = answer.into_bytes();
    bytes.extend_from_slice(&body);
    Some(bytes)
}

impl<S: AsyncWrite + Unpin> JsonErrorStream<S> {
    /// Writes what is left of a rewritten answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            let written =
                std::task::ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending))?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.pending.drain(..written);
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonErrorStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonErrorStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.poll_pending(cx))?;
        if let Some(answer) = rewritten_parse_error(buf) {
            self.pending = answer;
            // What is left is written by the flush or shutdown hyper does next.
            let _ = self.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    // Not vectored: hyper then writes each answer's head in one buffer, as the check needs.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hyper_s_empty_parse_error_answers_are_rewritten() {
        let hyper_answer =
            b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\nconnection: close\r\ndate: x\r\n\r\n";
        let rewritten = rewritten_parse_error(hyper_answer).unwrap_or_default();
        let text = String::from_utf8_lossy(&rewritten);
        assert!(text.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{text}");
        assert!(text.contains("connection: close\r\n"), "{text}");
        assert!(
            text.contains("content-type: application/json\r\n"),
            "{text}"
        );
        assert!(text.ends_with(r#"{"code":"uri_too_long","message":"the request's address (path and query string) is longer than the server reads (64 KiB)"}"#), "{text}");
        let body_length = text.split("\r\n\r\n").nth(1).map_or(0, str::len);
        assert!(text.contains(&format!("content-length: {body_length}\r\n")));
        for other in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK",
            b"{\"hits\": []}",
        ] {
            assert_eq!(rewritten_parse_error(other), None);
        }
    }
}
