//! The HTTP API (axum): a thin layer over [`crate::search`].
//!
//! `router(state)` builds the routes; [`serve`] binds and serves them with graceful shutdown.
//! No engine type appears here: handlers speak the domain types of `search` and the DTOs of
//! [`dto`]. May import `error`, `config` and `search`.

pub mod dto;
pub mod error;
pub mod routes;
pub mod widget;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderValue, Method};
use axum::routing::get;
use axum::Router;
use tower_http::cors::CorsLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::search::Engine;

/// Longest time a request may take before it is answered with 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The search engine.
    pub engine: Arc<Engine>,
}

/// HTTP settings.
#[derive(Debug, Clone, Default)]
pub struct HttpSettings {
    /// Origins allowed to call the API from a browser (CORS); empty: none.
    pub cors_origins: Vec<String>,
}

/// Builds the router with every route and layer.
pub fn router(state: AppState, settings: &HttpSettings) -> Router {
    let router = Router::new()
        .route("/search", get(routes::search))
        .route("/documents/{*id}", get(routes::document))
        .route("/health", get(routes::health))
        .route("/suggest", get(routes::suggest))
        .merge(widget::routes())
        .fallback(routes::not_found)
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(TraceLayer::new_for_http());
    if settings.cors_origins.is_empty() {
        return router;
    }
    let origins: Vec<HeaderValue> = settings
        .cors_origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    router.layer(
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([Method::GET, Method::OPTIONS])
            .allow_headers([axum::http::header::CONTENT_TYPE]),
    )
}

/// Serves `router` on `addr` until Ctrl-C or SIGTERM, letting in-flight requests finish.
pub async fn serve(router: Router, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router)
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
