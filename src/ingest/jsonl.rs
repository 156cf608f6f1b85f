//! JSON Lines (`.jsonl`): one document per line.
//!
//! Each line is an object with `id` (string or number), `text` and usually `title`; optional
//! `date`, `source`, `url`, `section`, `language`/`lang`, and `code` (the scale file's name of the
//! code) as a fallback for `source` and `section`. Blank lines are ignored; a bad line is
//! reported with its number and the others are kept. Lines are parsed into borrowed strings
//! (no copy unless the JSON has escapes) to keep bulk ingestion fast.
//! Imports nothing outside `ingest` and `error`.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::metadata::{guess_title, normalize_language, parse_french_date};
use super::segment::{join_wrapped_lines, segment, Block};
use super::{clean_text, content_hash, Document, DocumentKind};
use crate::error::IngestError;

/// A document id as written: a JSON string or number.
struct LineId(String);

impl<'de> Deserialize<'de> for LineId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = LineId;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<LineId, E> {
                Ok(LineId(value.to_string()))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<LineId, E> {
                Ok(LineId(value.to_string()))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<LineId, E> {
                Ok(LineId(value.to_string()))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<LineId, E> {
                Ok(LineId(value.to_string()))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// One line as written; strings are borrowed from the line when they hold no escape.
#[derive(Deserialize)]
struct Line<'a> {
    id: Option<LineId>,
    #[serde(borrow)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow)]
    date: Option<Cow<'a, str>>,
    #[serde(borrow)]
    source: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    section: Option<Cow<'a, str>>,
    #[serde(borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(borrow, alias = "lang")]
    language: Option<Cow<'a, str>>,
}

static TRAILING_ARTICLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bArt(?:icle|\.)\s+([^\s,;:]+)\s*$")
        .expect("the article pattern is a valid regex")
});

/// The file-level facts every line's document falls back on.
pub(crate) struct FileContext<'a> {
    pub(crate) path: &'a Path,
    pub(crate) fallback_source: &'a str,
    pub(crate) fallback_language: Option<&'a str>,
}

/// Splits a text field into blocks: paragraphs at blank lines, wrapped lines joined.
fn text_blocks(text: &str, article: Option<String>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut article_start = article;
    for paragraph in text.split("\n\n") {
        let joined = join_wrapped_lines(paragraph.split('\n'));
        if joined.is_empty() {
            continue;
        }
        blocks.push(Block::Paragraph {
            text: joined,
            article_start: article_start.take(),
            list_item: false,
        });
    }
    blocks
}

fn bad_line(
    context: &FileContext<'_>,
    line_number: usize,
    reason: impl Into<String>,
) -> IngestError {
    IngestError::BadLine {
        path: context.path.to_path_buf(),
        line: line_number,
        reason: reason.into(),
    }
}

/// Reads one non-blank line into a document.
pub(crate) fn read_line(
    context: &FileContext<'_>,
    line_number: usize,
    line: &str,
) -> Result<Document, IngestError> {
    let parsed: Line<'_> = serde_json::from_str(line)
        .map_err(|error| bad_line(context, line_number, format!("invalid JSON: {error}")))?;
    let id = parsed
        .id
        .map(|LineId(id)| id)
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| bad_line(context, line_number, "missing \"id\""))?;
    super::check_document_id(&id).map_err(|invalid| IngestError::InvalidId {
        path: context.path.to_path_buf(),
        line: line_number,
        invalid,
    })?;
    let raw_text = parsed.text.ok_or_else(|| {
        bad_line(
            context,
            line_number,
            format!("document {id:?}: missing \"text\""),
        )
    })?;
    let normalized_text = clean_text(&raw_text);
    if normalized_text.trim().is_empty() {
        return Err(bad_line(
            context,
            line_number,
            format!("document {id:?}: empty \"text\""),
        ));
    }
    let title_field = parsed
        .title
        .map(|title| clean_text(&title).trim().to_string())
        .filter(|title| !title.is_empty());
    let section = parsed
        .section
        .as_deref()
        .or(parsed.code.as_deref())
        .map(str::trim);
    let article = title_field
        .as_deref()
        .and_then(|title| TRAILING_ARTICLE.captures(title))
        .map(|captures| captures[1].trim_end_matches('.').to_string());
    let mut segmented = segment(text_blocks(&normalized_text, article));
    if let Some(section) = section.filter(|section| !section.is_empty()) {
        for passage in &mut segmented.passages {
            passage.heading.get_or_insert_with(|| section.to_string());
            passage.context.get_or_insert_with(|| section.to_string());
        }
    }
    let title = title_field.unwrap_or_else(|| guess_title(&segmented.text));
    let source = parsed
        .source
        .as_deref()
        .or(parsed.code.as_deref())
        .map(str::trim)
        .filter(|source| !source.is_empty())
        .unwrap_or(context.fallback_source)
        .to_string();
    let language = parsed
        .language
        .as_deref()
        .and_then(normalize_language)
        .or_else(|| context.fallback_language.map(str::to_string))
        .unwrap_or_else(|| "fr".to_string());
    let stated_date = parsed
        .date
        .as_deref()
        .map(str::trim)
        .filter(|date| !date.is_empty());
    let date = stated_date.and_then(parse_french_date);
    if let (Some(stated), None) = (stated_date, &date) {
        tracing::warn!(
            path = %context.path.display(),
            line = line_number,
            "document {id:?}: date {stated:?} not understood (write 2018-05-29 or 29 mai 2018); \
             kept without a date"
        );
    }
    Ok(Document {
        id,
        title,
        date,
        source,
        url: parsed
            .url
            .map(|url| url.trim().to_string())
            .filter(|url| !url.is_empty()),
        language,
        kind: DocumentKind::Jsonl,
        content_hash: content_hash(line.as_bytes()),
        text: segmented.text,
        passages: segmented.passages,
    })
}
