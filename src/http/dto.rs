//! Request and response shapes of the JSON API, and pure conversions from and to the domain.

use serde::{Deserialize, Serialize};

use super::error::ApiError;
use crate::index::documents::WriteStatus;
use crate::search::{
    DocumentDetail, Filters, Hit, SearchRequest, SearchResults, SuggestRequest, Suggestions,
    DEFAULT_LIMIT, DEFAULT_SUGGEST_LIMIT, MAX_LIMIT, MAX_SUGGEST_LIMIT,
};

/// Query-string parameters of `GET /search`.
///
/// Numbers are read as text so that a bad value gets a clear 400 naming the parameter.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The query (at most 1,000 characters): words, "phrases", -exclusions, OR.
    #[param(required = true)]
    pub q: Option<String>,
    /// Passages per page (default 10, capped at 100).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    /// Passages to skip (at most 1,000).
    #[param(value_type = Option<u32>)]
    pub offset: Option<String>,
    /// At most this many passages per document.
    #[param(value_type = Option<u32>, minimum = 1)]
    pub per_doc: Option<String>,
    /// Only this document id.
    pub doc: Option<String>,
    /// Only this source.
    pub source: Option<String>,
    /// Only documents dated on or after this date.
    pub from: Option<String>,
    /// Only documents dated on or before this date.
    pub to: Option<String>,
}

/// Query parameters of `GET /documents/{id}`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentParams {
    /// A query whose matched words are marked in each passage (`highlight`; on the page to
    /// read, `<mark>`), as in the search results it came from.
    pub q: Option<String>,
}

impl DocumentParams {
    /// The query to mark, if a non-blank one was given.
    pub fn marked_for(self) -> Option<String> {
        self.q.filter(|query| !query.trim().is_empty())
    }
}

fn number(name: &str, value: Option<&str>) -> Result<Option<usize>, ApiError> {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    value.parse::<usize>().map(Some).map_err(|_| {
        ApiError::bad_request(
            "invalid_parameter",
            format!("`{name}` must be a non-negative whole number, not {value:?}"),
        )
    })
}

impl SearchParams {
    /// Converts the parameters into a search request (the limit is capped, not refused).
    pub fn to_request(&self) -> Result<SearchRequest, ApiError> {
        let query = self.q.clone().unwrap_or_default();
        let limit = number("limit", self.limit.as_deref())?
            .unwrap_or(DEFAULT_LIMIT)
            .min(MAX_LIMIT);
        let offset = number("offset", self.offset.as_deref())?.unwrap_or(0);
        let per_doc = match number("per_doc", self.per_doc.as_deref()) {
            Ok(Some(0)) | Err(_) => {
                return Err(ApiError::bad_request(
                    "invalid_parameter",
                    format!(
                        "`per_doc` must be a whole number of 1 or more, not {:?}",
                        self.per_doc.as_deref().unwrap_or_default().trim()
                    ),
                ))
            }
            Ok(per_doc) => per_doc,
        };
        let non_empty =
            |value: &Option<String>| value.clone().filter(|text| !text.trim().is_empty());
        Ok(SearchRequest {
            query,
            limit,
            offset,
            per_doc,
            filters: Filters {
                doc: non_empty(&self.doc),
                source: non_empty(&self.source),
                from: non_empty(&self.from),
                to: non_empty(&self.to),
            },
        })
    }
}

/// The JSON answer of `GET /search` (also printed by `vigie search --json`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchResponse {
    /// The query as received.
    pub query: String,
    /// The query as searched, when words found nowhere were corrected ("did you mean"), a
    /// hyphenated word found nowhere was searched as its parts (`cyber sécurité`), or a
    /// quoted phrase found nowhere as its words (the query without those quotes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected_query: Option<String>,
    /// Number of matching passages (all pages).
    pub total: usize,
    /// Server time, in milliseconds.
    pub took_ms: f64,
    /// Passages of this page, best first.
    pub hits: Vec<HitView>,
    /// When the matches end before the page does: passages holding none of the query's
    /// words but the words that most characterise its best matches (marked in their
    /// `highlight`), most related first, completing the page. Their scores are of that other
    /// search. The next page goes on with them (`offset` past `total`).
    pub related: Vec<HitView>,
}

/// One passage of a [`SearchResponse`].
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HitView {
    /// The domain hit, flattened.
    #[serde(flatten)]
    pub hit: Hit,
    /// Relative link to the whole document, anchored at the passage.
    pub link: String,
}

impl From<SearchResults> for SearchResponse {
    fn from(results: SearchResults) -> Self {
        SearchResponse {
            query: results.query,
            corrected_query: results.corrected_query,
            total: results.total,
            took_ms: results.took_ms,
            hits: results.hits.into_iter().map(HitView::from).collect(),
            related: results.related.into_iter().map(HitView::from).collect(),
        }
    }
}

impl From<Hit> for HitView {
    fn from(hit: Hit) -> Self {
        HitView {
            link: format!("{}#passage-{}", document_link(&hit.doc_id), hit.passage),
            hit,
        }
    }
}

/// Query-string parameters of `GET /suggest`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// The text typed so far (at most 100 characters; a trailing space asks for the next word).
    #[param(required = true)]
    pub q: Option<String>,
    /// Suggestions wanted (default 8, capped at 20).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

impl SuggestParams {
    /// Converts the parameters into a suggestion request (the limit is capped, not refused).
    pub fn to_request(&self) -> Result<SuggestRequest, ApiError> {
        let limit = number("limit", self.limit.as_deref())?
            .unwrap_or(DEFAULT_SUGGEST_LIMIT)
            .min(MAX_SUGGEST_LIMIT);
        Ok(SuggestRequest {
            prefix: self.q.clone().unwrap_or_default(),
            limit,
        })
    }
}

/// The JSON answer of `GET /suggest`: `query`, `suggestions` (`text`, `kind`, `count`), `took_ms`.
pub type SuggestResponse = Suggestions;

/// The JSON answer of `GET /documents/{id}`.
pub type DocumentResponse = DocumentDetail;

/// Refuses a document id that could name a place outside the index (the rule of
/// [`crate::ingest::check_document_id`], which `vigie index` applies too).
pub fn check_document_id(id: &str) -> Result<(), ApiError> {
    crate::ingest::check_document_id(id)
        .map_err(|invalid| ApiError::bad_request("invalid_document_id", invalid.to_string()))
}

/// The checked document id of a path (see [`check_document_id`]); one that is not UTF-8 once
/// percent-decoded (`caf%E9`) is an invalid id too.
pub fn document_id(
    path: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<String, ApiError> {
    let axum::extract::Path(id) = path.map_err(|rejection| {
        ApiError::bad_request(
            "invalid_document_id",
            format!(
                "invalid document id: {} (ids are UTF-8 text, percent-encoded in the path)",
                rejection.body_text()
            ),
        )
    })?;
    check_document_id(&id)?;
    Ok(id)
}

/// A document sent as JSON to `POST /documents`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDocument {
    /// Its id (may contain `/`; no `..` segment, not an absolute path).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its plain text; paragraphs separated by blank lines.
    pub text: String,
    /// Its date: `YYYY-MM-DD` or a French date such as `29 mai 2018`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Who published it (default `api`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Link to the original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The form fields of a file upload to `POST /documents` (`multipart/form-data`).
#[derive(Debug, utoipa::ToSchema)]
pub struct UploadForm {
    /// The file, one per upload; its name's extension picks the format (`.txt`, `.md`,
    /// `.html`, `.htm`, `.jsonl`) and, without `id`, is the document's id.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// The document's id (default: the file name; ignored for `.jsonl`, whose lines name
    /// their documents).
    pub id: Option<String>,
}

/// The answer of `POST /documents`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WriteResponse {
    /// Each document written, in order.
    pub documents: Vec<WrittenView>,
}

/// One document of a [`WriteResponse`].
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WrittenView {
    /// Its id.
    pub id: String,
    /// `added`, `replaced` or `unchanged`.
    #[schema(value_type = String, pattern = "^(added|replaced|unchanged)$")]
    pub status: WriteStatus,
    /// Passages it holds.
    pub passages: usize,
}

/// The answer of `DELETE /documents/{id}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeleteResponse {
    /// The id removed.
    pub id: String,
    /// Always `deleted`.
    pub status: &'static str,
}

/// The relative URL of a document: `/documents/` and its id, percent-encoded per segment.
pub fn document_link(doc_id: &str) -> String {
    let mut link = String::from("/documents/");
    for (index, segment) in doc_id.split('/').enumerate() {
        if index > 0 {
            link.push('/');
        }
        for byte in segment.bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                link.push(char::from(byte));
            } else {
                link.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_capped_and_bad_numbers_are_named() {
        let params = SearchParams {
            q: Some("PNR".into()),
            limit: Some("5000".into()),
            ..SearchParams::default()
        };
        assert_eq!(
            params.to_request().map(|request| request.limit),
            Ok(MAX_LIMIT)
        );
        let bad = SearchParams {
            offset: Some("-1".into()),
            ..SearchParams::default()
        };
        let error = bad.to_request().err();
        assert_eq!(error.map(|error| error.code), Some("invalid_parameter"));
    }

    #[test]
    fn ids_that_could_leave_the_index_are_refused() {
        for good in [
            "a.txt",
            "dossiers/an/x.html",
            "LEGIARTI000006",
            "traité de prüm.md",
        ] {
            assert!(check_document_id(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "../etc/passwd",
            "a/../../b",
            "/etc/passwd",
            "..",
            "a\\..\\b",
            "C:\\x",
            "./a",
            "a\u{0}b",
        ] {
            let error = check_document_id(bad).err();
            assert_eq!(
                error.map(|error| error.code),
                Some("invalid_document_id"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn document_links_encode_each_segment() {
        assert_eq!(
            document_link("other-languages/traité de prüm.md"),
            "/documents/other-languages/trait%C3%A9%20de%20pr%C3%BCm.md"
        );
    }
}
