//! The browser front end's files: content types, cache headers and the page's CSP.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::StatusCode;
use vigie::http::HttpSettings;

use crate::support::get_with;

fn header(reply: &crate::support::Reply, name: axum::http::HeaderName) -> String {
    reply
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_widget_is_served_as_javascript_with_a_cache_header() {
    let reply = get_with("/widget.js", &HttpSettings::default(), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        header(&reply, CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    assert!(header(&reply, CACHE_CONTROL).contains("max-age="));
    let script = String::from_utf8(reply.body).expect("UTF-8 script");
    assert!(script.contains("data-vigie-search"));
    assert!(script.contains("/suggest?q="));
}

#[tokio::test]
async fn the_search_page_is_html_under_a_strict_csp() {
    let reply = get_with("/", &HttpSettings::default(), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(header(&reply, CONTENT_TYPE), "text/html; charset=utf-8");
    let policy = header(&reply, CONTENT_SECURITY_POLICY);
    assert!(policy.starts_with("default-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let page = String::from_utf8(reply.body).expect("UTF-8 page");
    assert!(page.contains("<html lang=\"fr\">"));
    assert!(page.contains("src=\"/widget.js\""));
    assert!(page.contains("data-vigie-search"));
    assert!(!page.contains("<script>"), "no inline script");
    let css = get_with("/index.css", &HttpSettings::default(), &[]).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(header(&css, CONTENT_TYPE), "text/css; charset=utf-8");
}

#[tokio::test]
async fn the_widget_can_be_fetched_and_called_from_an_allowed_origin() {
    let settings = HttpSettings {
        cors_origins: vec!["http://intranet.example".to_string()],
        ..HttpSettings::default()
    };
    let origin = [("origin", "http://intranet.example")];
    let reply = get_with("/suggest?q=coop", &settings, &origin).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply
            .headers
            .get("access-control-allow-origin")
            .and_then(|value| value.to_str().ok()),
        Some("http://intranet.example")
    );
    let preflight = crate::support::request(
        "OPTIONS",
        "/suggest?q=coop",
        &settings,
        &[
            ("origin", "http://intranet.example"),
            ("access-control-request-method", "GET"),
        ],
    )
    .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
}

/// Regression: the widget capped `data-vigie-limit` at 50 while the server serves 100.
#[tokio::test]
async fn the_widget_limit_is_capped_where_the_server_caps_it() {
    let reply = get_with("/widget.js", &HttpSettings::default(), &[]).await;
    let script = String::from_utf8(reply.body).expect("UTF-8 script");
    let declared = format!("const MAX_LIMIT = {};", vigie::search::MAX_LIMIT);
    assert!(script.contains(&declared), "the widget lacks {declared}");
    assert!(script.contains("Math.min(MAX_LIMIT, Math.round(Number(host.dataset.vigieLimit))"));
    assert!(!script.contains("Math.min(50"));
}
