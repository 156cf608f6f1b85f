//! Plain domain types of a search: requests in, results out. No engine type appears here.
//!
//! Result types derive `utoipa::ToSchema` (a plain data description, no web framework) so the
//! HTTP API's OpenAPI document describes them from this one definition.

use serde::Serialize;

/// Default number of passages returned.
pub const DEFAULT_LIMIT: usize = 10;
/// Largest `limit` accepted; larger values are capped.
pub const MAX_LIMIT: usize = 100;
/// Largest `offset` accepted: deeper paging is refused.
pub const MAX_OFFSET: usize = 1_000;
/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;

/// A search request, already validated for shape by the front end.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SearchRequest {
    /// The user's query text.
    pub query: String,
    /// Passages to return (capped at [`MAX_LIMIT`]).
    pub limit: usize,
    /// Passages to skip (at most [`MAX_OFFSET`]).
    pub offset: usize,
    /// At most this many passages per document.
    pub per_doc: Option<usize>,
    /// Restrictions on which passages may match.
    pub filters: Filters,
}

impl SearchRequest {
    /// A request for `query` with the default limit and no filter.
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            limit: DEFAULT_LIMIT,
            ..SearchRequest::default()
        }
    }
}

/// Filters on documents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Filters {
    /// Only this document id.
    pub doc: Option<String>,
    /// Only documents from this source (case and accents ignored).
    pub source: Option<String>,
    /// Only documents dated on or after this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub from: Option<String>,
    /// Only documents dated on or before this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub to: Option<String>,
}

/// The answer to a search.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    /// The query as received.
    pub query: String,
    /// The query as searched when some words were found nowhere and corrected ("did you
    /// mean"), a hyphenated word found nowhere was searched as its parts, or a quoted phrase
    /// found nowhere as its words; absent otherwise.
    pub corrected_query: Option<String>,
    /// Number of passages matching the query (all pages).
    pub total: usize,
    /// Server time spent, in milliseconds.
    pub took_ms: f64,
    /// The page of passages, best first.
    pub hits: Vec<Hit>,
    /// When the matches end before the page does: passages holding none of the query's words
    /// but the words that most characterise its best matches, most related first, completing
    /// the page (their words of those marked; their scores are of that other search).
    pub related: Vec<Hit>,
}

/// One ranked passage.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Hit {
    /// The document's id.
    pub doc_id: String,
    /// The document's title.
    pub title: String,
    /// The document's date (`YYYY-MM-DD`), if it states one.
    pub date: Option<String>,
    /// The document's source.
    pub source: String,
    /// Link to the original, if known.
    pub url: Option<String>,
    /// The passage's number in its document (0-based).
    pub passage: u32,
    /// The nearest heading above the passage.
    pub heading: Option<String>,
    /// Every heading enclosing the passage, outermost first, joined by ` › ` (`Livre VI : … ›
    /// Titre II : … › Chapitre Ier : …`); searched with the passage.
    pub section: Option<String>,
    /// The law article the passage belongs to.
    pub article: Option<String>,
    /// Relevance score (higher is better; comparable within one response only).
    pub score: f32,
    /// The passage's full plain text.
    pub text: String,
    /// The passage as HTML-escaped text with matched words wrapped in `<mark>…</mark>`.
    pub highlight: String,
    /// The matched words as `[start, end)` ranges of Unicode characters in `text`.
    pub highlights: Vec<[usize; 2]>,
    /// When the passage is an item of a list, the sentence introducing the list (`Sont punis
    /// de cinq ans d'emprisonnement :`), which the item is searched with and often read
    /// only beside; cut at about 300 characters (`…`).
    pub lead_in: Option<String>,
    /// `lead_in` as HTML-escaped text with matched words marked, as `highlight`.
    pub lead_in_highlight: Option<String>,
    /// The matched words of `lead_in` as `[start, end)` ranges of Unicode characters in it.
    pub lead_in_highlights: Option<Vec<[usize; 2]>>,
}

/// A whole document: metadata and passages in order.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DocumentDetail {
    /// The document's id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Date (`YYYY-MM-DD`), if stated.
    pub date: Option<String>,
    /// Source.
    pub source: String,
    /// Link to the original, if known.
    pub url: Option<String>,
    /// Language (ISO 639-1).
    pub language: String,
    /// Format it was read from.
    pub kind: String,
    /// Passages in reading order.
    pub passages: Vec<PassageDetail>,
}

/// One passage of a [`DocumentDetail`].
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PassageDetail {
    /// 0-based number.
    pub passage: u32,
    /// Nearest heading above it.
    pub heading: Option<String>,
    /// Law article it belongs to.
    pub article: Option<String>,
    /// Its text.
    pub text: String,
    /// Its text as HTML with the words of the query given (`q`) marked, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highlight: Option<String>,
}

/// What the answers cache did since start-up and holds now, for monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnswerCacheStats {
    /// Searches answered from the cache.
    pub hits: u64,
    /// Searches that were run (the cache is on but held no answer).
    pub misses: u64,
    /// Answers held.
    pub answers: u64,
    /// Estimated bytes held.
    pub bytes: u64,
}

/// Counts describing the index, for health checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IndexStats {
    /// Documents indexed.
    pub documents: usize,
    /// Passages indexed.
    pub passages: u64,
    /// Size of the index on disk, in bytes.
    pub size_bytes: u64,
    /// Segments searched (a server merges them into one once the index is quiet).
    pub segments: usize,
}
