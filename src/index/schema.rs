//! The index schema: the only place that names fields.
//!
//! One tantivy document per passage. Document-level metadata a hit shows (title, date, source)
//! is repeated on each passage: it is small, compresses well in the doc store, and lets one hit
//! carry everything a result needs without a second lookup. What only an indexing run reads
//! (content hash, origin) is stored once, on the document's first passage.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};

use crate::analysis::{
    ANALYZER_NAME, EXACT_ANALYZER_NAME, KEYWORD_ANALYZER_NAME, REPEATED_ANALYZER_NAME,
};
pub use crate::ingest::metadata::days_in_month;

/// Version of the on-disk layout (schema + analyzer). Bump it whenever a change would make an
/// existing index answer wrongly; opening an older index then asks for a rebuild. 6: the context
/// field holds the heading path of each passage, not only its nearest heading, and passages
/// have a stable sort key. 7: every passage holds the numbers of the act its document is
/// (`acts`). 8: a document's passages stand together in one segment (written as one batch),
/// which the per-document count relies on. 9: a document's title is searched in one of two
/// fields, as the title of the passages it describes ([`Fields::lead_title`]) or as the
/// title of a long document the passage is part of ([`Fields::inherited_title`]); initials a
/// PDF conversion set apart are joined back to their words (`ingest::initials`).
/// 10: a list item holds the sentence introducing its list (`lead_in`). 11: that sentence is
/// stored, to be shown with the item. 12: the fields whose value repeats from passage to
/// passage (titles, headings, lead-ins, article and act numbers) name the analyzer that
/// analyses a repeated value once (same terms).
pub const SCHEMA_VERSION: u32 = 12;

/// A document of at most this many passages is about each of them: its title is the title of
/// every one ([`Fields::lead_title`]). In a longer one, only the first passage has it so; the
/// others inherit it ([`Fields::inherited_title`]).
pub const SHORT_DOCUMENT_PASSAGES: usize = 3;

/// Name of the document id field, for reading its fast column.
pub const DOC_ID_FIELD: &str = "doc_id";

/// Name of the passage key field, for reading its fast column.
pub const PASSAGE_KEY_FIELD: &str = "passage_key";

/// Bits of a passage key that hold the passage's ordinal.
const ORDINAL_BITS: u32 = 20;

/// A passage's stable sort key: a hash of its document id (FNV-1a), then its ordinal. Orders
/// the passages of one document by position, and documents the same way in every build.
pub fn passage_key(doc_id: &str, ordinal: u32) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = doc_id.bytes().fold(OFFSET_BASIS, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    });
    let ordinal = u64::from(ordinal).min((1 << ORDINAL_BITS) - 1);
    (hash << ORDINAL_BITS) | ordinal
}

/// The part of a passage key that names its document: equal for every passage of one
/// document (a hash, so two documents could share it, about once in 10¹³ pairs).
pub fn document_key(passage_key: u64) -> u64 {
    passage_key >> ORDINAL_BITS
}

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Document id (exact, stored, fast).
    pub doc_id: Field,
    /// Passage number in its document.
    pub ordinal: Field,
    /// Passage text, analyzed with the French analyzer (stemmed).
    pub body: Field,
    /// Document title, stored for display (searched through `lead_title` or
    /// `inherited_title`).
    pub title: Field,
    /// The document's title on the passages it describes, analyzed: every passage of a short
    /// document ([`SHORT_DOCUMENT_PASSAGES`]) and the first passage of a long one.
    pub lead_title: Field,
    /// The document's title on the other passages of a long document, analyzed: a title
    /// shared by hundreds of passages (`Code de la défense`) says little of each.
    pub inherited_title: Field,
    /// The headings enclosing the passage (its section path), analyzed.
    pub context: Field,
    /// The sentence introducing the list the passage is an item of, analyzed and stored.
    pub lead_in: Field,
    /// Passage text, folded but neither stemmed nor stripped of stop words: filled only by
    /// analysis variants with an exact field.
    pub body_exact: Field,
    /// The number of the law article the passage belongs to, analyzed: the article is found
    /// by its number (`113-13`, `L. 232-1`) although the number is not in its text.
    pub article_number: Field,
    /// The numbers of the act the passage's document is (`2016/679` for every passage of the
    /// regulation), analyzed: a query naming the act finds its articles, which never cite
    /// their own act's number.
    pub acts: Field,
    /// ISO date `YYYY-MM-DD`, stored.
    pub date: Field,
    /// Date as the number `YYYYMMDD`, for range filters.
    pub date_key: Field,
    /// Publisher, stored as written.
    pub source: Field,
    /// Publisher, lower-cased and folded, for filters.
    pub source_key: Field,
    /// Link to the original.
    pub url: Field,
    /// ISO 639-1 language.
    pub language: Field,
    /// Input format (`text`, `markdown`, `html`, `jsonl`).
    pub kind: Field,
    /// Nearest heading above the passage.
    pub heading: Field,
    /// The headings enclosing the passage, joined, stored only when they say more than
    /// `heading` (a passage whose context is its heading alone repeats nothing).
    pub section: Field,
    /// Law article number.
    pub article: Field,
    /// The passage's stable sort key ([`passage_key`]): orders passages of equal score.
    pub passage_key: Field,
    /// Byte offset where the passage starts in its document's text.
    pub byte_start: Field,
    /// Byte offset where the passage ends in its document's text.
    pub byte_end: Field,
    /// Content hash of the document, stored on its first passage only (ordinal 0), which is
    /// where a run looks for it; not indexed: no query asks for a hash.
    pub content_hash: Field,
    /// The folder the document was indexed from (first passage only, like `content_hash`).
    pub origin_root: Field,
    /// The file the document was read from, relative to `origin_root` (first passage only).
    pub origin_file: Field,
}

impl Fields {
    /// The fields in which a passage holds a query word: its text, its headings, its article
    /// number, its document's title and the number of the act its document is.
    pub fn word_fields(&self) -> [Field; 7] {
        [
            self.body,
            self.lead_in,
            self.lead_title,
            self.inherited_title,
            self.context,
            self.article_number,
            self.acts,
        ]
    }

    /// Builds the schema and the field handles.
    pub fn build() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let analyzed = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let keyword = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD_ANALYZER_NAME)
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        );
        let stored_u64 = NumericOptions::default().set_stored();
        let fields = Fields {
            doc_id: builder.add_text_field(DOC_ID_FIELD, STRING | STORED | FAST),
            ordinal: builder.add_u64_field("ordinal", INDEXED | STORED | FAST),
            body: builder.add_text_field("body", analyzed(ANALYZER_NAME) | STORED),
            title: builder.add_text_field("title", STORED),
            lead_title: builder.add_text_field("lead_title", analyzed(REPEATED_ANALYZER_NAME)),
            inherited_title: builder
                .add_text_field("inherited_title", analyzed(REPEATED_ANALYZER_NAME)),
            context: builder.add_text_field("context", analyzed(REPEATED_ANALYZER_NAME)),
            lead_in: builder.add_text_field("lead_in", analyzed(REPEATED_ANALYZER_NAME) | STORED),
            body_exact: builder.add_text_field("body_exact", analyzed(EXACT_ANALYZER_NAME)),
            article_number: builder
                .add_text_field("article_number", analyzed(REPEATED_ANALYZER_NAME)),
            acts: builder.add_text_field("acts", analyzed(REPEATED_ANALYZER_NAME)),
            date: builder.add_text_field("date", STORED),
            date_key: builder.add_u64_field("date_key", INDEXED | FAST),
            source: builder.add_text_field("source", STORED),
            source_key: builder.add_text_field("source_key", keyword),
            url: builder.add_text_field("url", STORED),
            language: builder.add_text_field("language", STRING | STORED),
            kind: builder.add_text_field("kind", STRING | STORED),
            heading: builder.add_text_field("heading", STORED),
            section: builder.add_text_field("section", STORED),
            article: builder.add_text_field("article", STORED),
            passage_key: builder.add_u64_field(PASSAGE_KEY_FIELD, FAST),
            byte_start: builder.add_u64_field("byte_start", stored_u64.clone()),
            byte_end: builder.add_u64_field("byte_end", stored_u64),
            content_hash: builder.add_text_field("content_hash", STORED),
            origin_root: builder.add_text_field("origin_root", STRING | STORED),
            origin_file: builder.add_text_field("origin_file", STRING | STORED),
        };
        (builder.build(), fields)
    }
}

/// Turns an ISO date `YYYY-MM-DD` into the sortable number `YYYYMMDD`; `None` for a day the
/// calendar does not have (`2018-02-30`).
pub fn date_key(iso_date: &str) -> Option<u64> {
    let mut parts = iso_date.splitn(3, '-');
    let year: u32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if year > 9999 || !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day)
    {
        return None;
    }
    Some(u64::from(year) * 10_000 + u64::from(month) * 100 + u64::from(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passage_keys_order_a_document_s_passages_and_never_change() {
        let first = passage_key("fr-code-penal.md", 0);
        assert!(first < passage_key("fr-code-penal.md", 1));
        assert!(passage_key("fr-code-penal.md", 7) < passage_key("fr-code-penal.md", 12));
        assert_ne!(first >> 20, passage_key("fr-code-penal.md ", 0) >> 20);
        // Written in indexes: the same input must give the same key in every build.
        assert_eq!(passage_key("", 3), (0xcbf2_9ce4_8422_2325 << 20) | 3);
        assert_eq!(
            passage_key("a", 0) >> 20,
            0xaf63_dc4c_8601_ec8c & ((1 << 44) - 1)
        );
    }

    #[test]
    fn date_key_orders_dates_and_rejects_nonsense() {
        assert_eq!(date_key("2018-05-29"), Some(20_180_529));
        assert!(date_key("2016-02-01") < date_key("2018-05-29"));
        assert_eq!(date_key("2018-13-01"), None);
        assert_eq!(date_key("2018-02-30"), None);
        assert_eq!(date_key("2016-02-29"), Some(20_160_229));
        assert_eq!(date_key("29 mai 2018"), None);
        assert_eq!(date_key(""), None);
    }
}
