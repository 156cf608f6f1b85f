//! Handlers: extract and validate, convert, run one search call on the blocking pool, map.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Serialize;

use super::dto::{DocumentResponse, SearchParams, SearchResponse, SuggestParams, SuggestResponse};
use super::error::ApiError;
use super::AppState;
use crate::search::{Engine, IndexStats};

/// Runs blocking search work off the async runtime.
async fn blocking<T, F>(engine: &Arc<Engine>, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
{
    let engine = Arc::clone(engine);
    tokio::task::spawn_blocking(move || work(&engine))
        .await
        .map_err(ApiError::internal)?
}

/// `GET /search`: ranked, highlighted passages.
pub async fn search(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    let Query(params) = params
        .map_err(|rejection| ApiError::bad_request("invalid_parameter", rejection.body_text()))?;
    let request = params.to_request()?;
    let results = blocking(&state.engine, move |engine| Ok(engine.search(&request)?)).await?;
    Ok(Json(SearchResponse::from(results)))
}

/// `GET /suggest`: completions of the text typed so far, best first.
pub async fn suggest(
    State(state): State<AppState>,
    params: Result<Query<SuggestParams>, QueryRejection>,
) -> Result<Json<SuggestResponse>, ApiError> {
    let Query(params) = params
        .map_err(|rejection| ApiError::bad_request("invalid_parameter", rejection.body_text()))?;
    let request = params.to_request()?;
    let suggestions = blocking(&state.engine, move |engine| Ok(engine.suggest(&request)?)).await?;
    Ok(Json(suggestions))
}

/// `GET /documents/{id}`: a document's metadata and its passages in order.
pub async fn document(
    State(state): State<AppState>,
    Path(doc_id): Path<String>,
) -> Result<Json<DocumentResponse>, ApiError> {
    let document = blocking(&state.engine, move |engine| Ok(engine.document(&doc_id)?)).await?;
    Ok(Json(document))
}

/// The answer of `GET /health`.
#[derive(Debug, Serialize)]
pub struct Health {
    /// Always `"ok"` when the server answers.
    pub status: &'static str,
    /// Vigie's version.
    pub version: &'static str,
    /// Counts of the index served.
    pub index: IndexStats,
}

/// `GET /health`: the server answers, with the index's counts.
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let stats = blocking(&state.engine, |engine| Ok(engine.stats()?)).await?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        index: stats,
    }))
}

/// Any other path: a JSON 404.
pub async fn not_found() -> ApiError {
    ApiError::not_found(
        "route_not_found",
        "no such endpoint; see GET /search, GET /suggest, GET /documents/{id}, GET /health",
    )
}
