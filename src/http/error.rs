//! The one place where errors become HTTP responses.
//!
//! User errors → 4xx with a stable snake_case `code` and a helpful `message`; internal errors →
//! 500, logged with their detail, which is never echoed to the client. Answers made outside
//! the handlers (axum's rejections, the timeout layer) are given the same JSON body by
//! [`json_errors`], and those hyper makes itself by [`super::connection`].

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::error::{IndexError, SearchError};

/// An error answered as JSON `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable snake_case code.
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
}

/// The JSON body of an error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    /// Stable snake_case code, e.g. `empty_query`.
    pub code: &'a str,
    /// Human-readable message.
    pub message: &'a str,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// A 400 Bad Request.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
        }
    }

    /// A 404 Not Found.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code,
            message: message.into(),
        }
    }

    /// A 500 whose detail is logged, not sent.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_error",
            message: "the server failed to answer; the error was logged".to_string(),
        }
    }
}

/// The code and message of an error answered by no handler, by its status.
pub fn status_error(status: StatusCode) -> ApiError {
    let (code, message) = match status {
        StatusCode::BAD_REQUEST => ("malformed_request", "the request could not be read as HTTP"),
        StatusCode::NOT_FOUND => (
            "route_not_found",
            "no such endpoint; GET /openapi.json lists them",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this endpoint does not answer this method; the Allow header lists those it does",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "request_timeout",
            "the request took too long to answer; try a narrower query",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "the request body is larger than the server accepts (setting max_body_bytes)",
        ),
        StatusCode::URI_TOO_LONG => (
            "uri_too_long",
            "the request's address (path and query string) is longer than the server reads (64 KiB)",
        ),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
            "headers_too_large",
            "the request's headers are larger than the server reads",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "the request body's content type is not one this endpoint reads",
        ),
        status if status.is_server_error() => (
            "internal_error",
            "the server failed to answer; the error was logged",
        ),
        _ => ("invalid_request", "the server cannot answer this request as sent"),
    };
    ApiError::new(status, code, message)
}

/// Middleware: an error answered without a JSON body (an axum rejection's text, an empty 408)
/// gets one, `{code, message}` by its status; its other headers (`Allow`…) are kept. A client
/// error's own text, when short, becomes the message. An HTML page (a document page saying a
/// link is dead, for a browser) is an answer already, and stays.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let answered =
        content_type.starts_with("application/json") || content_type.starts_with("text/html");
    if answered || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let mut error = status_error(status);
    let detail = String::from_utf8_lossy(&text).trim().to_string();
    if status.is_client_error() && !detail.is_empty() {
        error.message = detail;
    }
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut answer = error.into_response();
    answer.headers_mut().extend(parts.headers);
    answer
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        match error {
            SearchError::InvalidRequest { code, message } => ApiError::bad_request(code, message),
            SearchError::DocumentNotFound(id) => {
                ApiError::not_found("document_not_found", format!("no document with id {id:?}"))
            }
            SearchError::Index(detail) => ApiError::internal(detail),
        }
    }
}

impl From<IndexError> for ApiError {
    fn from(error: IndexError) -> Self {
        match error {
            IndexError::Locked { .. } => ApiError::new(
                StatusCode::CONFLICT,
                "index_locked",
                "the index is locked by another writer (a `vigie index` run?); try again when it ends",
            ),
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: &self.message,
        };
        (self.status, Json(body)).into_response()
    }
}
