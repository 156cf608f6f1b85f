//! Segmentation: cleaned [`Block`]s → the document's readable text and its [`Passage`]s.
//!
//! Format readers (text, Markdown, HTML, JSON Lines) turn their input into blocks (headings and
//! paragraphs whose lines are already joined); this module lays them out as one text — units
//! separated by a blank line, the paragraphs of one law article separated by a single newline —
//! and cuts passages as byte ranges of that text, so `passage.text == text[byte_range]` holds by
//! construction. Imports nothing outside `ingest`.

use std::ops::Range;

use super::{Passage, MAX_PASSAGE_CHARS};

/// A unit of readable content produced by a format reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    /// A heading of `level` 1 (outermost) to 6; `article` is set when it introduces a law
    /// article (`Article L232-1`).
    Heading {
        text: String,
        level: u8,
        article: Option<String>,
    },
    /// A paragraph or list item; `article_start` is set when it opens a law article
    /// (`**Art. 5.** …` in the Belgian codes); `list_item` when the file sets it apart as an
    /// item (indented, or after a bullet), as only plain text tells.
    Paragraph {
        text: String,
        article_start: Option<String>,
        list_item: bool,
    },
}

impl Block {
    /// A plain paragraph (no article).
    pub(crate) fn paragraph(text: String) -> Self {
        Block::Paragraph {
            text,
            article_start: None,
            list_item: false,
        }
    }

    /// A paragraph the file sets apart as a list item (indented, or after a bullet).
    pub(crate) fn list_item(text: String) -> Self {
        Block::Paragraph {
            text,
            article_start: None,
            list_item: true,
        }
    }
}

/// Fewest words a passage outside an article must have (shorter fragments are headings or chrome).
const MIN_FRAGMENT_WORDS: usize = 3;
/// Fewest characters a passage outside an article must have.
const MIN_FRAGMENT_CHARS: usize = 20;

/// Abbreviations after which a period never ends a sentence (lowercased, without the period).
const ABBREVIATIONS: &[&str] = &[
    "art", "arts", "n°", "no", "nos", "m", "mm", "mme", "mmes", "mlle", "l", "r", "d", "a", "p",
    "pp", "cf", "al", "alin", "chap", "sect", "ex", "vol", "éd", "dr", "me", "st", "ste", "av",
    "bd", "dir", "min", "coll", "op", "cit", "ibid", "réf", "tél", "fig", "suiv", "sq", "env",
];

/// Prefix-like words after which a hyphen at a line end is a real hyphen (`franco-` + `belge`).
const HYPHEN_PREFIXES: &[&str] = &[
    "franco", "belgo", "germano", "anglo", "italo", "hispano", "luso", "euro", "afro", "irako",
    "anti", "contre", "extra", "inter", "intra", "infra", "supra", "ultra", "non", "post", "pré",
    "pro", "quasi", "semi", "sous", "sur", "vice", "néo", "auto", "co", "ex", "mi", "demi",
    "arrière", "avant", "après", "bien", "grand", "haut", "mal", "micro", "macro", "multi",
    "pluri", "porte", "garde", "chef", "socio", "cyber", "trans", "pseudo", "mini", "maxi", "nord",
    "sud", "est", "ouest", "centre", "petit", "belle", "beau", "arrière", "outre", "quatre",
    "vingt", "trente", "cent", "dix", "sept", "huit", "neuf", "deux", "trois",
];

/// Joins the hard-wrapped lines of one paragraph into one line.
///
/// Lines are trimmed, whitespace runs collapsed, and lines joined with a space. A line ending in
/// letter + `-` followed by a line starting with a lowercase letter is a split word: the hyphen is
/// dropped (`coopé-` + `ration` → `coopération`) unless it is a real hyphen, which we assume when
/// the part before it is a prefix-like word of [`HYPHEN_PREFIXES`] (`franco-belge`,
/// `sous-traitant`) or the next word itself holds a hyphen (`c'est-à-dire`, `Hauts-de-France`);
/// then the lines are joined with the hyphen and no space.
pub(crate) fn join_wrapped_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut joined = String::new();
    for raw_line in lines {
        let line = collapse_whitespace(raw_line);
        if line.is_empty() {
            continue;
        }
        if joined.is_empty() {
            joined.push_str(&line);
            continue;
        }
        match hyphen_join(&joined, &line) {
            HyphenJoin::DropHyphen => {
                joined.pop();
                joined.push_str(&line);
            }
            HyphenJoin::KeepHyphen => joined.push_str(&line),
            HyphenJoin::NotHyphenated => {
                joined.push(' ');
                joined.push_str(&line);
            }
        }
    }
    joined
}

enum HyphenJoin {
    DropHyphen,
    KeepHyphen,
    NotHyphenated,
}

fn hyphen_join(before: &str, next_line: &str) -> HyphenJoin {
    let Some(without_hyphen) = before.strip_suffix('-') else {
        return HyphenJoin::NotHyphenated;
    };
    let ends_with_letter = without_hyphen
        .chars()
        .next_back()
        .is_some_and(char::is_alphabetic);
    let next_starts_lower = next_line.chars().next().is_some_and(char::is_lowercase);
    if !ends_with_letter || !next_starts_lower {
        return HyphenJoin::NotHyphenated;
    }
    let last_word = without_hyphen
        .rsplit(|c: char| c.is_whitespace() || c == '\'' || c == '’' || c == '-' || c == '(')
        .next()
        .unwrap_or("")
        .to_lowercase();
    let next_word = next_line.split(char::is_whitespace).next().unwrap_or("");
    let next_word_core = next_word.trim_end_matches(|c: char| !c.is_alphanumeric());
    if HYPHEN_PREFIXES.contains(&last_word.as_str()) || next_word_core.contains('-') {
        HyphenJoin::KeepHyphen
    } else {
        HyphenJoin::DropHyphen
    }
}

/// Trims `text` and collapses every run of whitespace (including no-break spaces) to one space.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    // 98 % of the bytes of the scale corpus's lines are already so, which a byte scan tells
    // four times faster than collapsing them would.
    if !may_need_collapsing(text) {
        return text.to_string();
    }
    // Copies the words as slices: a push per character was 4 % of an indexing run's CPU.
    let mut collapsed = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    collapsed
}

/// False only when [`collapse_whitespace`] would return `text` unchanged: no whitespace at
/// either end, no two in a row, none but the ASCII space. Looks at each byte with the two
/// after it for what may start a whitespace character other than the space: ASCII controls
/// `\t`–`\r`, and the UTF-8 encodings of U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028,
/// U+2029, U+202F, U+205F and U+3000.
fn may_need_collapsing(text: &str) -> bool {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (None, _) => return false,
        (Some(b' '), _) | (_, Some(b' ')) => return true,
        _ => {}
    }
    let starts_whitespace = |byte: u8, next: u8, after: u8| {
        (0x09..=0x0D).contains(&byte)
            | (byte == b' ' && next == b' ')
            | (byte == 0xC2 && (next == 0x85 || next == 0xA0))
            | (byte == 0xE1 && next == 0x9A && after == 0x80)
            | (byte == 0xE2
                && ((next == 0x80 && (after <= 0x8A || matches!(after, 0xA8 | 0xA9 | 0xAF)))
                    || (next == 0x81 && after == 0x9F)))
            | (byte == 0xE3 && next == 0x80 && after == 0x80)
    };
    let padded = |index: usize| bytes.get(index).copied().unwrap_or(0);
    let body = bytes.len().saturating_sub(2);
    let next_bytes = bytes.get(1..).unwrap_or_default();
    let after_bytes = bytes.get(2..).unwrap_or_default();
    // Blocks of 64 bytes, each folded whole (vector code), stopping at the first block found.
    let in_body = (0..body).step_by(64).any(|start| {
        let end = (start + 64).min(body);
        bytes[start..end]
            .iter()
            .zip(&next_bytes[start..end])
            .zip(&after_bytes[start..end])
            .fold(false, |found, ((&byte, &next), &after)| {
                found | starts_whitespace(byte, next, after)
            })
    });
    in_body
        || (body..bytes.len())
            .any(|index| starts_whitespace(bytes[index], padded(index + 1), padded(index + 2)))
}

/// Whether a paragraph outside an article is too short to be quoted on its own.
pub(crate) fn is_fragment(text: &str) -> bool {
    text.chars().count() < MIN_FRAGMENT_CHARS
        || text.split_whitespace().count() < MIN_FRAGMENT_WORDS
}

/// The document text and passages built from blocks.
#[derive(Debug, Default)]
pub(crate) struct Segmented {
    /// The readable text of the whole document.
    pub(crate) text: String,
    /// Passages, slices of `text`.
    pub(crate) passages: Vec<Passage>,
}

/// An article being collected: its label, the section its passages carry, its paragraphs.
struct OpenArticle {
    label: String,
    section: Section,
    paragraphs: Vec<String>,
}

/// Where a passage stands: the heading shown with it and the headings that enclose it.
#[derive(Debug, Clone, Default)]
struct Section {
    /// The nearest heading.
    heading: Option<String>,
    /// The enclosing headings, outermost first (`Livre VI › Titre II › Chapitre Ier`).
    context: Option<String>,
}

/// Separates the headings of a section's context.
const CONTEXT_SEPARATOR: &str = " › ";

/// The headings open at the current point of a document, outermost first.
#[derive(Debug, Default)]
struct Outline {
    open: Vec<(u8, String)>,
}

impl Outline {
    /// Opens a heading of `level`, closing those at the same level or deeper.
    fn open(&mut self, level: u8, text: &str) {
        while self.open.last().is_some_and(|(open, _)| *open >= level) {
            self.open.pop();
        }
        self.open.push((level, text.to_string()));
    }

    /// The open headings, then `extra` (an article's own title), joined.
    fn context(&self, extra: Option<&str>) -> Option<String> {
        let headings: Vec<&str> = self
            .open
            .iter()
            .map(|(_, text)| text.as_str())
            .chain(extra)
            .collect();
        (!headings.is_empty()).then(|| headings.join(CONTEXT_SEPARATOR))
    }
}

struct Builder {
    text: String,
    passages: Vec<Passage>,
    /// The lead-in of the list the next paragraphs are items of, if any.
    lead_in: Option<String>,
    /// Whether that lead-in was itself set apart as a list item.
    lead_in_is_item: bool,
    /// Whether the list under it has items set apart (indented) where it is not.
    items_set_apart: bool,
}

/// Longest lead-in kept for a list's items, in characters.
const MAX_LEAD_IN_CHARS: usize = 300;

/// `text` cut to at most `max_chars` characters, at the end of a word, with `…` marking the
/// cut; whole when short enough.
fn shortened(text: &str, max_chars: usize) -> String {
    let Some((cut, _)) = text.char_indices().nth(max_chars) else {
        return text.to_string();
    };
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if text[cut..].starts_with(|c: char| !c.is_whitespace()) => &head[..space],
        _ => head,
    };
    format!("{} …", head.trim_end())
}

impl Builder {
    /// Closes the list before a paragraph that is not set apart when its items were: it
    /// follows the list (`En matière de radicalisation :` after indented items).
    fn enter_paragraph(&mut self, list_item: bool) {
        if self.items_set_apart && !list_item {
            self.lead_in = None;
            self.items_set_apart = false;
        }
    }

    /// Updates the lead-in after `paragraph`: itself when it introduces a list (it ends with
    /// `:`); the current one while the list goes on (an item ending with `;`, `,` or no
    /// punctuation, or one the file sets apart as an item under a lead-in it does not set
    /// apart: `De faciliter … .` indented under `ont décidé :`); none after an item that
    /// ends a sentence.
    fn follow_list(&mut self, paragraph: &str, list_item: bool) {
        let paragraph = paragraph.trim_end();
        if paragraph.ends_with(':') && !is_fragment(paragraph) {
            self.lead_in = Some(shortened(paragraph, MAX_LEAD_IN_CHARS));
            self.lead_in_is_item = list_item;
            self.items_set_apart = false;
            return;
        }
        let ends_sentence = paragraph.ends_with(['.', '!', '?', '…']);
        let set_apart_from_its_lead_in =
            self.lead_in.is_some() && list_item && !self.lead_in_is_item;
        self.items_set_apart |= set_apart_from_its_lead_in;
        if ends_sentence && !set_apart_from_its_lead_in {
            self.lead_in = None;
            self.items_set_apart = false;
        }
    }

    /// Starts a new unit of text (separated from the previous one by a blank line).
    fn start_unit(&mut self) {
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
    }

    fn push_passage(&mut self, range: Range<usize>, section: &Section, article: Option<&String>) {
        let slice = &self.text[range.clone()];
        let leading = slice.len() - slice.trim_start().len();
        let trailing = slice.len() - slice.trim_end().len();
        if leading + trailing >= slice.len() {
            return;
        }
        let byte_range = range.start + leading..range.end - trailing;
        let ordinal = u32::try_from(self.passages.len()).unwrap_or(u32::MAX);
        self.passages.push(Passage {
            ordinal,
            text: self.text[byte_range.clone()].to_string(),
            byte_range,
            heading: section.heading.clone(),
            context: section.context.clone(),
            article: article.cloned(),
            lead_in: self.lead_in.clone(),
        });
    }

    /// Adds a long-or-short range, cutting it at sentence ends when it exceeds the maximum.
    fn push_split(&mut self, range: Range<usize>, section: &Section, article: Option<&String>) {
        let pieces = split_long(&self.text[range.clone()], MAX_PASSAGE_CHARS);
        for piece in pieces {
            self.push_passage(
                range.start + piece.start..range.start + piece.end,
                section,
                article,
            );
        }
    }

    fn emit_paragraph(&mut self, paragraph: &str, section: &Section) {
        self.start_unit();
        let start = self.text.len();
        self.text.push_str(paragraph);
        if !is_fragment(paragraph) {
            self.push_split(start..self.text.len(), section, None);
        }
    }

    fn emit_heading(&mut self, heading_text: &str) {
        self.start_unit();
        self.text.push_str(heading_text);
    }

    fn emit_article(&mut self, article: OpenArticle) {
        if article.paragraphs.is_empty() {
            return;
        }
        self.start_unit();
        let mut paragraph_ranges = Vec::with_capacity(article.paragraphs.len());
        for (index, paragraph) in article.paragraphs.iter().enumerate() {
            if index > 0 {
                self.text.push('\n');
            }
            let start = self.text.len();
            self.text.push_str(paragraph);
            paragraph_ranges.push((start..self.text.len(), paragraph.chars().count()));
        }
        let section = &article.section;
        let label = Some(&article.label);
        let whole_start = paragraph_ranges.first().map_or(0, |(range, _)| range.start);
        let total_chars = self.text[whole_start..].chars().count();
        if total_chars <= MAX_PASSAGE_CHARS {
            self.push_passage(whole_start..self.text.len(), section, label);
            return;
        }
        // Pack whole paragraphs greedily; a paragraph too long on its own is cut at sentence ends.
        let mut piece: Option<(Range<usize>, usize)> = None;
        for (range, chars) in paragraph_ranges {
            if chars > MAX_PASSAGE_CHARS {
                if let Some((open, _)) = piece.take() {
                    self.push_passage(open, section, label);
                }
                self.push_split(range, section, label);
                continue;
            }
            piece = match piece.take() {
                Some((open, open_chars)) if open_chars + 1 + chars <= MAX_PASSAGE_CHARS => {
                    Some((open.start..range.end, open_chars + 1 + chars))
                }
                Some((open, _)) => {
                    self.push_passage(open, section, label);
                    Some((range, chars))
                }
                None => Some((range, chars)),
            };
        }
        if let Some((open, _)) = piece {
            self.push_passage(open, section, label);
        }
    }
}

/// Lays blocks out as one text and cuts it into passages.
///
/// One passage per paragraph or list item; one per law article (its paragraphs joined by `\n`),
/// split at paragraph boundaries when longer than [`MAX_PASSAGE_CHARS`]. Headings are not
/// passages: the nearest one becomes the `heading` of the passages below it, and every one
/// enclosing them their `context`.
pub(crate) fn segment(blocks: Vec<Block>) -> Segmented {
    let mut builder = Builder {
        text: String::new(),
        passages: Vec::new(),
        lead_in: None,
        lead_in_is_item: false,
        items_set_apart: false,
    };
    let mut outline = Outline::default();
    let mut current = Section::default();
    let mut open_article: Option<OpenArticle> = None;
    let mut first_block = true;
    for block in blocks {
        let opens_document = std::mem::take(&mut first_block);
        match block {
            Block::Heading {
                text,
                level,
                article,
            } => {
                builder.lead_in = None;
                if let Some(finished) = open_article.take() {
                    builder.emit_article(finished);
                }
                if text.is_empty() {
                    continue;
                }
                builder.emit_heading(&text);
                match article {
                    Some(label) => {
                        // `Article 5 - Principes …` says more than the section above it.
                        let has_title = text.split_whitespace().count() > 2;
                        let section = if has_title {
                            Section {
                                context: outline.context(Some(&text)),
                                heading: Some(text),
                            }
                        } else {
                            current.clone()
                        };
                        open_article = Some(OpenArticle {
                            label,
                            section,
                            paragraphs: Vec::new(),
                        });
                    }
                    None => {
                        // A first-level heading opening the document is its title, searched
                        // as the title already: the sections below it do not repeat it.
                        if !(opens_document && level == 1) {
                            outline.open(level, &text);
                        }
                        current = Section {
                            context: outline.context(None).or_else(|| Some(text.clone())),
                            heading: Some(text),
                        };
                    }
                }
            }
            Block::Paragraph {
                text,
                article_start,
                list_item,
            } => {
                if text.is_empty() {
                    continue;
                }
                if let Some(label) = article_start {
                    builder.lead_in = None;
                    if let Some(finished) = open_article.take() {
                        builder.emit_article(finished);
                    }
                    open_article = Some(OpenArticle {
                        label,
                        section: current.clone(),
                        paragraphs: vec![text],
                    });
                } else if let Some(article) = open_article.as_mut() {
                    article.paragraphs.push(text);
                } else {
                    builder.enter_paragraph(list_item);
                    builder.emit_paragraph(&text, &current);
                    builder.follow_list(&text, list_item);
                }
            }
        }
    }
    if let Some(finished) = open_article.take() {
        builder.emit_article(finished);
    }
    if builder.passages.is_empty() && !builder.text.trim().is_empty() {
        // Only fragments: better one short passage than an unsearchable document.
        let whole = 0..builder.text.len();
        builder.push_split(whole, &Section::default(), None);
    }
    Segmented {
        text: builder.text,
        passages: builder.passages,
    }
}

/// Byte offsets just after each sentence end in `text`: `. ! ? ;` (or `…`) followed by
/// whitespace and an uppercase letter, a digit or an opening quote, never after an abbreviation.
pub(crate) fn sentence_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut characters = text.char_indices().peekable();
    while let Some((position, character)) = characters.next() {
        if !matches!(character, '.' | '!' | '?' | ';' | '…') {
            continue;
        }
        let end = position + character.len_utf8();
        let after = &text[end..];
        let mut rest = after.chars();
        if !rest.next().is_some_and(char::is_whitespace) {
            continue;
        }
        let next_visible = after.trim_start().chars().next();
        let opens_sentence = next_visible.is_some_and(|c| {
            c.is_uppercase() || c.is_ascii_digit() || matches!(c, '«' | '"' | '(')
        });
        if !opens_sentence {
            continue;
        }
        if character == '.' && is_abbreviation(&text[..position]) {
            continue;
        }
        ends.push(end);
        while characters.peek().is_some_and(|&(_, c)| c.is_whitespace()) {
            characters.next();
        }
    }
    ends
}

/// Whether the word just before a period is an abbreviation (or a single letter, an initial).
fn is_abbreviation(before_period: &str) -> bool {
    let word = before_period
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '\'' || c == '’')
        .next()
        .unwrap_or("");
    if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
        return true;
    }
    let lowered = word.to_lowercase();
    ABBREVIATIONS.contains(&lowered.as_str())
}

/// Cuts `text` into pieces of at most `max_chars` characters: at sentence ends when possible,
/// else at the last word boundary, else at a character boundary. Returns trimmed byte ranges.
pub(crate) fn split_long(text: &str, max_chars: usize) -> Vec<Range<usize>> {
    let ends = sentence_ends(text);
    let mut pieces = Vec::new();
    let mut start = 0;
    loop {
        start += text[start..].len() - text[start..].trim_start().len();
        if start >= text.len() {
            break;
        }
        let rest = &text[start..];
        let Some((limit_offset, _)) = rest.char_indices().nth(max_chars) else {
            pieces.push(start..start + rest.trim_end().len());
            break;
        };
        let limit = start + limit_offset;
        let first_end_after = ends.partition_point(|&end| end <= limit);
        let sentence_cut = ends[..first_end_after]
            .last()
            .copied()
            .filter(|&end| end > start);
        let cut = sentence_cut
            .or_else(|| {
                text[start..limit]
                    .rfind(char::is_whitespace)
                    .filter(|&offset| offset > 0)
                    .map(|offset| start + offset)
            })
            .unwrap_or(limit);
        let piece = &text[start..cut];
        pieces.push(start..start + piece.trim_end().len());
        start = cut;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan lets no whitespace character through, wherever it stands: every one
    /// Unicode knows, at the start, inside, doubled and at the end.
    #[test]
    fn every_whitespace_character_is_collapsed() {
        let whitespace = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace());
        for space in whitespace {
            for text in [
                format!("{space}a"),
                format!("a{space}"),
                format!("a{space}b"),
                format!("l’article{space}2 — é"),
                format!("a {space}b"),
            ] {
                // Only a single ASCII space between words may be left as it is.
                assert!(may_need_collapsing(&text) || space == ' ', "{text:?}");
                let expected: Vec<&str> = text.split_whitespace().collect();
                assert_eq!(collapse_whitespace(&text), expected.join(" "), "{text:?}");
            }
        }
        for text in ["", "a", "a b", "l’échange — article 2 … «\u{a0}x", "€ 100"] {
            let expected: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(collapse_whitespace(text), expected.join(" "), "{text:?}");
        }
        for text in ["", "a", "a b", "l’échange — article 2 … € ½ 中文"] {
            assert!(!may_need_collapsing(text), "{text:?}");
        }
    }

    #[test]
    fn hyphenated_line_end_is_repaired() {
        assert_eq!(
            join_wrapped_lines(["la coopé-", "ration"]),
            "la coopération"
        );
        assert_eq!(join_wrapped_lines(["franco-", "belge"]), "franco-belge");
        assert_eq!(join_wrapped_lines(["c'est-", "à-dire"]), "c'est-à-dire");
        assert_eq!(join_wrapped_lines(["sous-", "traitants"]), "sous-traitants");
        assert_eq!(join_wrapped_lines(["Paris -", "Lille"]), "Paris - Lille");
        assert_eq!(join_wrapped_lines(["  a   b ", "", " c"]), "a b c");
    }

    #[test]
    fn sentences_are_not_cut_after_abbreviations() {
        let text = "Voir l'art. 5 du code. Selon M. Dupont, le n° 3 suffit. L. 851-2 aussi! Fin";
        let ends = sentence_ends(text);
        let cut: Vec<&str> = ends.iter().map(|&end| &text[..end]).collect();
        assert_eq!(
            cut,
            vec![
                "Voir l'art. 5 du code.",
                "Voir l'art. 5 du code. Selon M. Dupont, le n° 3 suffit.",
                "Voir l'art. 5 du code. Selon M. Dupont, le n° 3 suffit. L. 851-2 aussi!",
            ]
        );
    }

    #[test]
    fn long_text_is_split_within_limits_on_char_boundaries() {
        let sentence = "Élément très long sans ponctuation é à ç ";
        let text = sentence.repeat(100);
        for max in [7, 50, 1200] {
            let pieces = split_long(&text, max);
            assert!(!pieces.is_empty());
            for piece in pieces {
                let slice = &text[piece];
                assert!(!slice.is_empty() && slice.chars().count() <= max);
            }
        }
        let no_space = "é".repeat(3000);
        let pieces = split_long(&no_space, 1200);
        assert_eq!(pieces.len(), 3);
    }

    #[test]
    fn article_is_one_passage_and_long_article_splits_at_paragraphs() {
        let long_paragraph = "Mot ".repeat(200).trim_end().to_string();
        let blocks = vec![
            Block::Heading {
                text: "Section 1".into(),
                level: 2,
                article: None,
            },
            Block::Heading {
                text: "Article L1".into(),
                level: 3,
                article: Some("L1".into()),
            },
            Block::paragraph("Premier alinéa de l'article.".into()),
            Block::paragraph("1° premier point ;".into()),
            Block::Heading {
                text: "Article L2".into(),
                level: 3,
                article: Some("L2".into()),
            },
            Block::paragraph(long_paragraph.clone()),
            Block::paragraph(long_paragraph.clone()),
        ];
        let segmented = segment(blocks);
        assert_eq!(segmented.passages.len(), 3);
        let first = &segmented.passages[0];
        assert_eq!(
            first.text,
            "Premier alinéa de l'article.\n1° premier point ;"
        );
        assert_eq!(first.article.as_deref(), Some("L1"));
        assert_eq!(first.heading.as_deref(), Some("Section 1"));
        for (ordinal, passage) in segmented.passages.iter().enumerate() {
            assert_eq!(passage.ordinal as usize, ordinal);
            assert_eq!(passage.text, segmented.text[passage.byte_range.clone()]);
            assert!(passage.text.chars().count() <= MAX_PASSAGE_CHARS);
        }
        assert_eq!(segmented.passages[2].article.as_deref(), Some("L2"));
    }

    #[test]
    fn passages_are_searched_under_every_heading_that_encloses_them() {
        let heading = |text: &str, level: u8| Block::Heading {
            text: text.into(),
            level,
            article: None,
        };
        let article = |label: &str, level: u8| Block::Heading {
            text: format!("Article {label}"),
            level,
            article: Some(label.into()),
        };
        let paragraph = |text: &str| Block::paragraph(text.into());
        let blocks = vec![
            heading("Code de la sécurité intérieure", 1),
            paragraph("Un préambule placé sous le titre du document."),
            heading("Livre VI : Activités privées", 2),
            heading("Titre II : Agences de recherches privées", 3),
            heading("Chapitre Ier : Dispositions générales", 4),
            article("L621-1", 5),
            paragraph("Est soumise aux dispositions du présent titre la profession libérale."),
            heading("Titre III : Dispositions pénales", 3),
            article("L631-1", 5),
            paragraph("Est puni de deux ans d'emprisonnement le fait d'exercer sans agrément."),
        ];
        let passages = segment(blocks).passages;
        let sections: Vec<(Option<&str>, Option<&str>)> = passages
            .iter()
            .map(|passage| (passage.heading.as_deref(), passage.context.as_deref()))
            .collect();
        assert_eq!(
            sections,
            vec![
                // The document's title heading is not repeated in its sections.
                (
                    Some("Code de la sécurité intérieure"),
                    Some("Code de la sécurité intérieure")
                ),
                (
                    Some("Chapitre Ier : Dispositions générales"),
                    Some(
                        "Livre VI : Activités privées › Titre II : Agences de recherches privées \
                         › Chapitre Ier : Dispositions générales"
                    )
                ),
                // A heading closes the open ones at its level and below.
                (
                    Some("Titre III : Dispositions pénales"),
                    Some("Livre VI : Activités privées › Titre III : Dispositions pénales")
                ),
            ]
        );
    }

    #[test]
    fn list_items_carry_the_sentence_that_introduces_them() {
        let paragraph = |text: &str| Block::paragraph(text.into());
        let blocks = vec![
            paragraph("Les précautions élémentaires sont les suivantes pour tous :"),
            paragraph("- imposer une complexité du mot de passe en fonction des cas d'usage :"),
            paragraph("- par défaut, une entropie minimale de 80 bits ;"),
            paragraph("- une entropie de 50 bits avec des mesures complémentaires."),
            paragraph("Un paragraphe qui suit la liste et ne lui appartient pas."),
            paragraph("Une autre liste commence ici, pour les administrateurs :"),
            Block::Heading {
                text: "Fiche suivante".into(),
                level: 2,
                article: None,
            },
            paragraph("Un paragraphe sous le titre suivant, hors de toute liste."),
        ];
        let passages = segment(blocks).passages;
        let lead_ins: Vec<Option<&str>> = passages
            .iter()
            .map(|passage| passage.lead_in.as_deref())
            .collect();
        assert_eq!(
            lead_ins,
            [
                None,
                Some("Les précautions élémentaires sont les suivantes pour tous :"),
                Some("- imposer une complexité du mot de passe en fonction des cas d'usage :"),
                Some("- imposer une complexité du mot de passe en fonction des cas d'usage :"),
                None,
                None,
                None,
            ]
        );
    }

    #[test]
    fn indented_items_ending_a_sentence_stay_in_their_list() {
        // As the founding declaration lays its decisions out.
        let text = "La France et la Belgique ont décidé :\n\n\
                    En matière de lutte contre le terrorisme :\n\n\
                    \x20   De poursuivre les échanges entre nos services.\n\n\
                    \x20   De faciliter les équipes communes d'enquêtes.\n\n\
                    En matière de lutte contre la radicalisation :\n\n\
                    \x20   D'approfondir nos échanges de bonnes pratiques.\n\n\
                    Un paragraphe qui suit la liste et ne lui appartient pas.\n";
        let passages = segment(crate::ingest::text::parse(text)).passages;
        let lead_ins: Vec<Option<&str>> = passages
            .iter()
            .map(|passage| passage.lead_in.as_deref())
            .collect();
        let terrorism = Some("En matière de lutte contre le terrorisme :");
        assert_eq!(
            lead_ins,
            [
                None,
                Some("La France et la Belgique ont décidé :"),
                terrorism,
                terrorism,
                None,
                Some("En matière de lutte contre la radicalisation :"),
                None,
            ]
        );
    }

    #[test]
    fn a_long_lead_in_is_cut_at_the_end_of_a_word() {
        let long = format!("{}:", "Sont punis les faits suivants ".repeat(20));
        let cut = shortened(&long, MAX_LEAD_IN_CHARS);
        assert!(cut.ends_with("suivants …"), "{cut}");
        assert!(cut.chars().count() <= MAX_LEAD_IN_CHARS + 2);
        assert_eq!(shortened("Sont punis :", MAX_LEAD_IN_CHARS), "Sont punis :");
        assert_eq!(shortened("un deux trois", 6), "un …");
        assert_eq!(shortened("un deux trois", 7), "un deux …");
        assert_eq!(shortened("un deux trois", 8), "un deux …");
    }
}
