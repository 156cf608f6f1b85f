//! The write API: `POST /documents` adds or replaces documents, `DELETE /documents/{id}`
//! removes one; a change is searchable when the call returns.
//!
//! A body is a JSON document ([`NewDocument`]) or a `multipart/form-data` upload whose `file`
//! field's name picks the format, as for a file on disk. Reading and writing run on the
//! blocking pool. The API key is checked before (see [`super::auth`]); the body size limit is
//! a layer of the router. May import `ingest` (readers) and `index` (writes), no engine type.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::Json;

use super::dto::{
    check_document_id, document_id, DeleteResponse, NewDocument, UploadForm, WriteResponse,
    WrittenView,
};
use super::error::{ApiError, ErrorBody};
use super::AppState;
use crate::error::IngestError;
use crate::index::documents::WriteStatus;
use crate::ingest::bytes::{read_json_document, read_upload};
use crate::ingest::Document;

/// `POST /documents`: adds or replaces documents (201 when one is new, else 200).
#[utoipa::path(
    post,
    path = "/documents",
    tag = "documents",
    request_body(
        description = "A JSON document, or a file upload (`.txt`, `.md`, `.html`, `.htm`, `.jsonl`)",
        content(
            (NewDocument = "application/json"),
            (UploadForm = "multipart/form-data"),
        )
    ),
    responses(
        (status = 201, description = "At least one document was new", body = WriteResponse),
        (status = 200, description = "Documents replaced or unchanged", body = WriteResponse),
        (status = 400, description = "Invalid body or document id (`invalid_body`: also an upload with more than one `file` or `id` field; `invalid_document_id`, `unsupported_file_type`)", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "No API key configured (`writes_disabled`)", body = ErrorBody),
        (status = 409, description = "Another process holds the index (`index_locked`)", body = ErrorBody),
        (status = 413, description = "Body too large (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "Neither JSON nor multipart (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "The document cannot be read (`unreadable_document`)", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    request: Request,
) -> Result<(StatusCode, Json<WriteResponse>), ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let documents = if content_type.starts_with("multipart/form-data") {
        let multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|rejection| ApiError::bad_request("invalid_body", rejection.body_text()))?;
        read_multipart(multipart).await?
    } else if content_type.starts_with("application/json") {
        let body = Bytes::from_request(request, &state)
            .await
            .map_err(|rejection| body_error(rejection.status(), rejection.body_text()))?;
        let new_document: NewDocument = serde_json::from_slice(&body)
            .map_err(|error| ApiError::bad_request("invalid_body", error.to_string()))?;
        check_document_id(&new_document.id)?;
        let line = serde_json::to_vec(&new_document).map_err(ApiError::internal)?;
        vec![
            tokio::task::spawn_blocking(move || read_json_document(&line))
                .await
                .map_err(ApiError::internal)?
                .map_err(unreadable)?,
        ]
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send `application/json` (a document) or `multipart/form-data` (a `file` field)",
        ));
    };
    for document in &documents {
        check_document_id(&document.id)?;
    }
    let index = state.engine.index().clone();
    let written = tokio::task::spawn_blocking(move || index.put_documents(&documents))
        .await
        .map_err(ApiError::internal)??;
    let status = if written
        .iter()
        .any(|outcome| outcome.status == WriteStatus::Added)
    {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    for outcome in &written {
        tracing::info!(id = %outcome.id, status = ?outcome.status, "document written");
    }
    let documents = written
        .into_iter()
        .map(|outcome| WrittenView {
            id: outcome.id,
            status: outcome.status,
            passages: outcome.passages,
        })
        .collect();
    Ok((status, Json(WriteResponse { documents })))
}

/// `DELETE /documents/{id}`: removes a document.
#[utoipa::path(
    delete,
    path = "/documents/{*id}",
    tag = "documents",
    params(("id" = String, Path, description = "The document id (may contain `/`)")),
    responses(
        (status = 200, description = "The document was removed", body = DeleteResponse),
        (status = 400, description = "Invalid document id, or not UTF-8 once percent-decoded (`invalid_document_id`)", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "No API key configured (`writes_disabled`)", body = ErrorBody),
        (status = 404, description = "No such document (`document_not_found`)", body = ErrorBody),
        (status = 409, description = "Another process holds the index (`index_locked`)", body = ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    doc_id: Result<Path<String>, PathRejection>,
) -> Result<Json<DeleteResponse>, ApiError> {
    let doc_id = document_id(doc_id)?;
    let index = state.engine.index().clone();
    let removed_id = doc_id.clone();
    let removed = tokio::task::spawn_blocking(move || index.remove_document(&removed_id))
        .await
        .map_err(ApiError::internal)??;
    if !removed {
        return Err(ApiError::not_found(
            "document_not_found",
            format!("no document with id {doc_id:?}"),
        ));
    }
    tracing::info!(id = %doc_id, "document deleted");
    Ok(Json(DeleteResponse {
        id: doc_id,
        status: "deleted",
    }))
}

/// Reads the `file` field (and the optional `id` field) of an upload into documents; a field
/// given twice is refused.
async fn read_multipart(mut multipart: Multipart) -> Result<Vec<Document>, ApiError> {
    let mut id: Option<String> = None;
    let mut file: Option<(String, Bytes)> = None;
    loop {
        let field = multipart
            .next_field()
            .await
            .map_err(|error| body_error(error.status(), error.body_text()))?;
        let Some(field) = field else { break };
        match field.name().unwrap_or_default() {
            "id" => {
                if id.is_some() {
                    return Err(ApiError::bad_request(
                        "invalid_body",
                        "the upload has more than one `id` field; send one",
                    ));
                }
                let text = field
                    .text()
                    .await
                    .map_err(|error| body_error(error.status(), error.body_text()))?;
                id = Some(text.trim().to_string()).filter(|text| !text.is_empty());
            }
            "file" => {
                // One file per upload (the `id` field names it): a second is refused, never
                // dropped.
                if file.is_some() {
                    return Err(ApiError::bad_request(
                        "invalid_body",
                        "the upload has more than one `file` field; send one file per request \
                         (or several documents as one .jsonl file)",
                    ));
                }
                let name = field.file_name().unwrap_or_default().trim().to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|error| body_error(error.status(), error.body_text()))?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let Some((file_name, bytes)) = file else {
        return Err(ApiError::bad_request(
            "invalid_body",
            "the upload has no `file` field",
        ));
    };
    if file_name.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_body",
            "the `file` field has no file name; its extension picks the format",
        ));
    }
    let outcome =
        tokio::task::spawn_blocking(move || read_upload(&file_name, id.as_deref(), &bytes))
            .await
            .map_err(ApiError::internal)?
            .map_err(unreadable)?;
    // An id the API refuses is answered as such, whether sent alone or on a line.
    if let Some(IngestError::InvalidId { invalid, .. }) = outcome
        .line_errors
        .iter()
        .find(|error| matches!(error, IngestError::InvalidId { .. }))
    {
        return Err(ApiError::bad_request(
            "invalid_document_id",
            invalid.to_string(),
        ));
    }
    if let Some(first) = outcome.line_errors.first() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_document",
            format!(
                "{} bad line(s), nothing was written; first: {first}",
                outcome.line_errors.len()
            ),
        ));
    }
    Ok(outcome.documents)
}

/// A body that could not be read: too large (413) or malformed (400).
fn body_error(status: StatusCode, detail: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            status,
            "payload_too_large",
            "the request body is larger than the server accepts (setting max_body_bytes)",
        )
    } else {
        ApiError::bad_request("invalid_body", detail)
    }
}

/// A document the readers refused.
fn unreadable(error: IngestError) -> ApiError {
    match error {
        IngestError::Unsupported { .. } => ApiError::bad_request(
            "unsupported_file_type",
            "unsupported file type: send .txt, .md, .html, .htm or .jsonl",
        ),
        other => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_document",
            other.to_string(),
        ),
    }
}
