//! The browser front end: the embeddable search widget (`GET /widget.js`) and the small
//! search page built on it (`GET /`, with its stylesheet `GET /index.css`), and the headers
//! every HTML page of the site is served with ([`html_page`]).
//!
//! The files are compiled into the binary (`assets/`), served with their content type, a
//! cache header and `nosniff`; the page also gets a strict Content-Security-Policy (no inline
//! script or style). Owns no search logic: the widget calls `/suggest` and `/search`. The
//! routes are registered in [`super::api_routes`] like every other, so they are documented in
//! the OpenAPI description too. Imports nothing from the crate.

use axum::body::Body;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};

/// The widget script: no dependency, no build step.
pub const WIDGET_JS: &str = include_str!("assets/widget.js");
/// The search page.
pub const INDEX_HTML: &str = include_str!("assets/index.html");
/// The search page's own styles (the widget carries its own, in its shadow root).
pub const INDEX_CSS: &str = include_str!("assets/index.css");

/// The policy of the search page: everything from this origin, nothing inline.
pub const INDEX_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// How long browsers and proxies may keep the widget and the stylesheet (one hour: the
/// script has no version in its URL, so a new release must reach pages the same day).
const ASSET_CACHE: &str = "public, max-age=3600";

/// `GET /widget.js`.
#[utoipa::path(
    get,
    path = "/widget.js",
    tag = "web",
    responses(
        (status = 200, description = "The embeddable search widget: add it with `<script src=\".../widget.js\" defer>` and an element `<div data-vigie-search>`", content_type = "text/javascript", body = String),
    )
)]
pub async fn widget_js() -> Response {
    asset(WIDGET_JS, "text/javascript; charset=utf-8", ASSET_CACHE)
}

/// `GET /index.css`.
#[utoipa::path(
    get,
    path = "/index.css",
    tag = "web",
    responses(
        (status = 200, description = "The search page's stylesheet", content_type = "text/css", body = String),
    )
)]
pub async fn index_css() -> Response {
    asset(INDEX_CSS, "text/css; charset=utf-8", ASSET_CACHE)
}

/// `GET /`: the search page, under a strict Content-Security-Policy.
#[utoipa::path(
    get,
    path = "/",
    tag = "web",
    responses(
        (status = 200, description = "A French search page built on the widget", content_type = "text/html", body = String),
    )
)]
pub async fn index_page() -> Response {
    html_page(INDEX_HTML)
}

/// An HTML page of this site (the search page, a document to read): never cached, under the
/// strict [`INDEX_CSP`], sending no referrer.
pub fn html_page(body: impl Into<Body>) -> Response {
    let mut response = asset(body, "text/html; charset=utf-8", "no-cache");
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(INDEX_CSP));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

fn asset(body: impl Into<Body>, content_type: &'static str, cache: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CACHE_CONTROL, HeaderValue::from_static(cache)),
            (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        body.into(),
    )
        .into_response()
}
