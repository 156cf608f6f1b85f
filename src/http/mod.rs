//! The HTTP API (axum): a thin layer over [`crate::search`].
//!
//! `router(state)` builds the routes; [`serve`] binds and serves them with graceful shutdown.
//! No engine type appears here: handlers speak the domain types of `search` and the DTOs of
//! [`dto`]; the write API ([`documents`]) uses the readers of `ingest` and the write calls of
//! `index`. Every route is registered once, in [`api_routes`], which feeds both the router and
//! the OpenAPI document ([`openapi`]). May import `error`, `config`, `ingest`, `index` (no
//! engine type) and `search`.

pub mod auth;
pub mod connection;
pub mod document_page;
pub mod documents;
pub mod dto;
pub mod error;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod widget;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::{HeaderValue, Method};
use axum::{middleware, Extension, Router};
use tokio::sync::Semaphore;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::{Config, Secret, DEFAULT_MAX_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT_SECS};
use crate::search::Engine;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The search engine.
    pub engine: Arc<Engine>,
    /// Turns for the engine: searches beyond these wait for one to end, instead of all
    /// sharing the cores at once.
    pub engine_turns: Arc<Semaphore>,
}

impl AppState {
    /// The state of a server on `engine`, running at most [`engine_turns`] engine calls at
    /// once.
    pub fn new(engine: Arc<Engine>) -> Self {
        AppState {
            engine,
            engine_turns: Arc::new(Semaphore::new(engine_turns())),
        }
    }
}

/// Engine calls run at once: one and a half times the cores, plus one (4 on 2 cores), as
/// Elasticsearch sizes its search pool. A request beyond them waits its turn, first come first
/// served, instead of taking a share of cores every other request also needs: on the 90k
/// articles at 16 connections, uncached p99 18.4–19.7 ms → 11.8–12.2 ms (req/s −4 %), cached
/// req/s +10–23 %; at 64 connections uncached, p99 51.8 → 33.2 ms at the same req/s.
pub fn engine_turns() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    cores * 3 / 2 + 1
}

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Origins allowed to call the API from a browser (CORS); empty: none.
    pub cors_origins: Vec<String>,
    /// Key of the write endpoints; `None`: writes disabled.
    pub api_key: Option<Secret>,
    /// Key of the read endpoints; `None`: reads open.
    pub read_key: Option<Secret>,
    /// Largest request body accepted, in bytes (larger: 413 `payload_too_large`).
    pub max_body_bytes: usize,
    /// Time a request may take, its body included, before it is answered 408
    /// `request_timeout`.
    pub request_timeout: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            cors_origins: Vec::new(),
            api_key: None,
            read_key: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            request_timeout: Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECS),
        }
    }
}

impl HttpSettings {
    /// The HTTP settings of a configuration.
    pub fn from_config(config: &Config) -> Self {
        HttpSettings {
            cors_origins: config.cors_origins.clone(),
            api_key: config.api_key.clone(),
            read_key: config.read_key.clone(),
            max_body_bytes: config.max_body_bytes,
            request_timeout: Duration::from_secs(config.request_timeout_secs),
        }
    }
}

/// Every endpoint, registered once: the router and the OpenAPI document are both built from
/// this list (a handler's `#[utoipa::path]` gives its path, method and documentation).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(routes::search))
        .routes(routes!(routes::suggest))
        .routes(routes!(routes::document, documents::delete))
        .routes(routes!(documents::create))
        .routes(routes!(routes::health))
        .routes(routes!(metrics::metrics))
        .routes(routes!(openapi::openapi_json))
        .routes(routes!(widget::index_page))
        .routes(routes!(widget::index_css))
        .routes(routes!(widget::widget_js))
}

/// The OpenAPI document of [`api_routes`], completed (what `GET /openapi.json` serves).
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    openapi::finish(api_routes().into_openapi())
}

/// Builds the router with every route and layer.
pub fn router(state: AppState, settings: &HttpSettings) -> Router {
    let (routes, document) = api_routes().split_for_parts();
    let keys = Arc::new(auth::Keys {
        write: settings.api_key.clone(),
        read: settings.read_key.clone(),
    });
    let registry = Arc::new(metrics::Registry::default());
    let router = routes
        .route_layer(middleware::from_fn_with_state(keys, auth::guard))
        // Set after the key check, so that it does not run first: a method a route lacks is
        // 405 whatever the key.
        .method_not_allowed_fallback(routes::method_not_allowed)
        .fallback(routes::not_found)
        .with_state(state)
        .layer(Extension(openapi::ServedDocument::new(&openapi::finish(
            document,
        ))))
        .layer(Extension(Arc::clone(&registry)))
        .layer(DefaultBodyLimit::max(settings.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            settings.request_timeout,
        ))
        .layer(middleware::from_fn(error::json_errors))
        .layer(middleware::from_fn_with_state(registry, metrics::track))
        .layer(
            // One line per request (the response's), nothing at its start, no second line
            // for a 5xx (internal errors are logged where they happen).
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(log_response)
                .on_failure(()),
        );
    if settings.cors_origins.is_empty() {
        return router;
    }
    router.layer(cors_layer(&settings.cors_origins))
}

/// The CORS layer of the configured origins: `*` alone allows any origin (without
/// credentials, which browsers refuse with a wildcard; the key header is still allowed).
fn cors_layer(origins: &[String]) -> CorsLayer {
    let allowed = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allowed)
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            axum::http::header::CONTENT_TYPE,
            axum::http::header::AUTHORIZATION,
        ])
}

/// The span of one request: method and route template (never the URL, which may hold a
/// query). Headers, and so keys, are never logged.
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!("request", method = %request.method(), route = %route)
}

/// The one log line of a request, in its span: status and latency.
fn log_response<B>(response: &axum::http::Response<B>, latency: Duration, _span: &tracing::Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "answered"
    );
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM, letting in-flight requests finish.
/// Requests hyper cannot parse are answered with JSON too ([`connection`]).
pub async fn serve(router: Router, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(connection::JsonErrorListener(listener), router)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Binds `addr`.
pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
