//! Handlers: extract and validate, convert, run one search call on the blocking pool, map.

use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::header::{ACCEPT, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::dto::{
    document_id, DocumentParams, DocumentResponse, SearchParams, SearchResponse, SuggestParams,
    SuggestResponse,
};
use super::error::{ApiError, ErrorBody};
use super::{document_page, widget, AppState};
use crate::search::{DocumentDetail, Engine, IndexStats, Suggestions};

/// Runs blocking engine work off the async runtime, once a turn is free (see
/// [`AppState::engine_turns`]).
async fn blocking<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
{
    let engine = Arc::clone(&state.engine);
    let turn = Arc::clone(&state.engine_turns)
        .acquire_owned()
        .await
        .map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || {
        let result = work(&engine);
        drop(turn);
        result
    })
    .await
    .map_err(ApiError::internal)?
}

/// `GET /search`: ranked, highlighted passages.
#[utoipa::path(
    get,
    path = "/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Ranked passages, best first", body = SearchResponse),
        (status = 400, description = "Invalid request (`empty_query`, `query_too_long`, `only_exclusions`, `invalid_parameter`, `invalid_date`, `invalid_date_range`, `offset_too_large`)", body = ErrorBody),
        (status = 401, description = "A read key is configured and was not sent (`unauthorized`)", body = ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    let Query(params) = params
        .map_err(|rejection| ApiError::bad_request("invalid_parameter", rejection.body_text()))?;
    let request = params.to_request()?;
    let results = blocking(&state, move |engine| Ok(engine.search(&request)?)).await?;
    Ok(Json(SearchResponse::from(results)))
}

/// `GET /suggest`: completions of the text typed so far, best first.
#[utoipa::path(
    get,
    path = "/suggest",
    tag = "search",
    params(SuggestParams),
    responses(
        (status = 200, description = "Completions (words and frequent phrases), best first; accents and case ignored", body = Suggestions),
        (status = 400, description = "Invalid request (`empty_query`, `query_too_long`, `invalid_parameter`)", body = ErrorBody),
        (status = 401, description = "A read key is configured and was not sent (`unauthorized`)", body = ErrorBody),
    )
)]
pub async fn suggest(
    State(state): State<AppState>,
    params: Result<Query<SuggestParams>, QueryRejection>,
) -> Result<Json<SuggestResponse>, ApiError> {
    let Query(params) = params
        .map_err(|rejection| ApiError::bad_request("invalid_parameter", rejection.body_text()))?;
    let request = params.to_request()?;
    let suggestions = blocking(&state, move |engine| Ok(engine.suggest(&request)?)).await?;
    Ok(Json(suggestions))
}

/// `GET /documents/{id}`: a document's metadata and its passages in order, as JSON; as a
/// page to read for a browser (`Accept: text/html` first), where search results link.
#[utoipa::path(
    get,
    path = "/documents/{*id}",
    tag = "search",
    params(("id" = String, Path, description = "The document id (may contain `/`)"), DocumentParams),
    responses(
        (status = 200, description = "The document and its passages; a browser (`Accept: text/html` before any JSON) gets it as a page to read, each passage an anchor (`#passage-N`, as in a hit's `link`)", content(
            (DocumentDetail = "application/json"),
            (String = "text/html"),
        )),
        (status = 400, description = "Invalid document id, or not UTF-8 once percent-decoded (`invalid_document_id`), query to mark too long (`query_too_long`) or bad parameter (`invalid_parameter`)", body = ErrorBody),
        (status = 401, description = "A read key is configured and was not sent (`unauthorized`)", body = ErrorBody),
        (status = 404, description = "No such document (`document_not_found`)", body = ErrorBody),
    )
)]
pub async fn document(
    State(state): State<AppState>,
    doc_id: Result<Path<String>, PathRejection>,
    params: Result<Query<DocumentParams>, QueryRejection>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let accept = headers.get(ACCEPT).and_then(|value| value.to_str().ok());
    let as_page = document_page::wants_html(accept);
    let found = async {
        let doc_id = document_id(doc_id)?;
        let Query(params) = params.map_err(|rejection| {
            ApiError::bad_request("invalid_parameter", rejection.body_text())
        })?;
        let marked_for = params.marked_for();
        blocking(&state, move |engine| {
            Ok(engine.document(&doc_id, marked_for.as_deref())?)
        })
        .await
    }
    .await;
    let mut response = match (found, as_page) {
        (Ok(document), true) => widget::html_page(document_page::render(&document, uri.path())),
        (Ok(document), false) => Json::<DocumentResponse>(document).into_response(),
        // A reader who followed a link gets a page saying why, with the same status.
        (Err(error), true) if error.status.is_client_error() => {
            let not_found = error.status == StatusCode::NOT_FOUND;
            let page = document_page::render_error(not_found, &error.message, uri.path());
            let mut response = widget::html_page(page);
            *response.status_mut() = error.status;
            response
        }
        (Err(error), _) => return Err(error),
    };
    // The same address answers JSON or a page, by `Accept`: caches must keep both apart.
    response
        .headers_mut()
        .insert(VARY, HeaderValue::from_static("accept"));
    Ok(response)
}

/// The answer of `GET /health`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `"ok"` when the server answers.
    pub status: &'static str,
    /// Vigie's version.
    pub version: &'static str,
    /// Counts of the index served.
    pub index: IndexStats,
}

/// `GET /health`: the server answers, with the index's counts.
#[utoipa::path(
    get,
    path = "/health",
    tag = "operations",
    responses((status = 200, description = "The server answers", body = Health))
)]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let stats = blocking(&state, |engine| Ok(engine.stats()?)).await?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        index: stats,
    }))
}

/// A method the route does not have: a JSON 405 (axum adds the `Allow` header).
pub async fn method_not_allowed(method: axum::http::Method) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "this endpoint does not answer {method}; the Allow header lists the methods it does"
        ),
    )
}

/// Any other path: a JSON 404.
pub async fn not_found() -> ApiError {
    ApiError::not_found(
        "route_not_found",
        "no such endpoint; GET /openapi.json lists them",
    )
}
