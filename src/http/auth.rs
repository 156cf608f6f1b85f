//! Access control: which endpoints need which key, and the middleware that checks it.
//!
//! Every route is public, read or write, by [`access`] (one table, also used to mark each
//! operation's security in the OpenAPI document). Write routes need the API key; with no key
//! configured they are disabled (403 `writes_disabled`). Read routes need the read key (or the
//! API key) only when a read key is configured. A missing or wrong key gets 401
//! `unauthorized` before the handler runs, so nothing changes. Keys are compared as digests in
//! constant time ([`Secret::matches`]) and never logged. May import `config` and `http`.

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use crate::config::Secret;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone.
    Public,
    /// Anyone, unless a read key is configured.
    Read,
    /// Holders of the API key only.
    Write,
}

/// Route templates (and their sub-paths) that expose indexed text.
const READ_ROUTES: &[&str] = &["/search", "/suggest", "/documents"];

/// The access a route's handler needs: a method that changes state is a write; routes
/// exposing indexed text are reads; the rest (health, metrics, the API description, pages) is
/// public. Only methods a route has get here: the others are 405 before any key check.
pub fn access(method: &Method, route: &str) -> Access {
    if !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Access::Write;
    }
    let exposes_text = READ_ROUTES.iter().any(|prefix| {
        route == *prefix
            || route
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    });
    if exposes_text {
        Access::Read
    } else {
        Access::Public
    }
}

/// The configured keys.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    /// The API (write) key; `None`: writes disabled.
    pub write: Option<Secret>,
    /// The read key; `None`: reads open.
    pub read: Option<Secret>,
}

impl Keys {
    /// Decides whether a request with these headers may use a route of `access`.
    pub fn check(&self, access: Access, headers: &HeaderMap) -> Result<(), ApiError> {
        let presented = bearer(headers);
        let holds = |key: &Secret| presented.is_some_and(|token| key.matches(token));
        match access {
            Access::Public => Ok(()),
            Access::Read => match &self.read {
                None => Ok(()),
                Some(read_key) if holds(read_key) || self.write.as_ref().is_some_and(holds) => {
                    Ok(())
                }
                Some(_) => Err(unauthorized(
                    "this endpoint needs the read key or the API key",
                )),
            },
            Access::Write => match &self.write {
                None => Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "writes_disabled",
                    "writing is disabled: the server has no API key (set VIGIE_API_KEY)",
                )),
                Some(write_key) if holds(write_key) => Ok(()),
                Some(_) => Err(unauthorized("this endpoint needs the API key")),
            },
        }
    }
}

fn unauthorized(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        format!("{what}: send `Authorization: Bearer <key>`"),
    )
}

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

/// Middleware (a route layer, so the matched route is known): refuses requests without the
/// key their route needs.
pub async fn guard(State(keys): State<Arc<Keys>>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || request.uri().path().to_string(),
        |path| path.as_str().to_string(),
    );
    match keys.check(access(request.method(), &route), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => {
            let challenge = error.status == StatusCode::UNAUTHORIZED;
            let mut response = error.into_response();
            if challenge {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(authorization) {
            headers.insert(header::AUTHORIZATION, value);
        }
        headers
    }

    #[test]
    fn routes_are_classified_by_method_and_template() {
        assert_eq!(access(&Method::GET, "/search"), Access::Read);
        assert_eq!(access(&Method::GET, "/documents/{*id}"), Access::Read);
        assert_eq!(access(&Method::GET, "/suggest"), Access::Read);
        assert_eq!(access(&Method::GET, "/searchable"), Access::Public);
        assert_eq!(access(&Method::GET, "/health"), Access::Public);
        assert_eq!(access(&Method::POST, "/documents"), Access::Write);
        assert_eq!(access(&Method::DELETE, "/documents/{*id}"), Access::Write);
    }

    #[test]
    fn keys_are_checked_by_access() {
        let keys = Keys {
            write: Some(Secret::new("write-key-0123456789")),
            read: Some(Secret::new("read-key-0123456789")),
        };
        let read = headers("Bearer read-key-0123456789");
        let write = headers("bearer write-key-0123456789");
        assert!(keys.check(Access::Read, &read).is_ok());
        assert!(keys.check(Access::Read, &write).is_ok());
        assert!(keys.check(Access::Write, &write).is_ok());
        let refused = keys.check(Access::Write, &read).err();
        assert_eq!(refused.map(|error| error.code), Some("unauthorized"));
        assert!(keys.check(Access::Read, &HeaderMap::new()).is_err());
        let disabled = Keys::default().check(Access::Write, &write).err();
        assert_eq!(disabled.map(|error| error.code), Some("writes_disabled"));
        assert!(Keys::default()
            .check(Access::Read, &HeaderMap::new())
            .is_ok());
    }
}
