//! Plain text (`.txt`), often converted from PDF: hard-wrapped lines, page breaks, bullets.
//!
//! Rules, in order:
//! - form feeds and lines holding only a page number are page breaks;
//! - blank lines separate paragraphs; two or more blank lines in a row are a page break;
//! - a line indented by two or more spaces (or starting with a bullet sign) starts a list item,
//!   whose indentation and bullet are dropped;
//! - the lines of a paragraph are joined with spaces and hyphenated line ends repaired
//!   ([`join_wrapped_lines`]);
//! - a paragraph that ends without terminal punctuation is continued by the next one when that
//!   one starts with a lowercase letter, or after a page break when it ends with a comma or a
//!   letter (a paragraph cut in two by the page layout is one passage again).
//!
//! Imports nothing outside `ingest`.

use super::segment::{join_wrapped_lines, Block};

/// A paragraph as laid out in the file, before page-break repair.
struct RawParagraph {
    text: String,
    is_item: bool,
    after_page_break: bool,
}

/// Whether a trimmed line holds only a page number (`12`, `- 12 -`, `Page 3`, `3/12`).
fn is_page_number(trimmed: &str) -> bool {
    let core = trimmed
        .trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace())
        .trim_start_matches("Page")
        .trim_start_matches("page")
        .trim();
    !core.is_empty()
        && core.len() <= 9
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || c == '/' || c == ' ')
        && core.chars().any(|c| c.is_ascii_digit())
}

/// Length of a bullet marker at the start of `line` (`- `, `* `, `• `, `– `, `1. `, `a) `).
pub(crate) fn bullet_marker_len(line: &str) -> Option<usize> {
    let mut characters = line.char_indices();
    let (_, first) = characters.next()?;
    if matches!(first, '-' | '*' | '+' | '•' | '–' | '—' | '▪' | '◦' | '·') {
        let (offset, second) = characters.next()?;
        return second.is_whitespace().then_some(offset + second.len_utf8());
    }
    let digits_len = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits_len) {
        let rest = &line[digits_len..];
        let mut rest_chars = rest.chars();
        let marker = rest_chars.next()?;
        let space = rest_chars.next()?;
        if matches!(marker, '.' | ')') && space.is_whitespace() {
            return Some(digits_len + 2);
        }
    }
    None
}

fn indentation(line: &str) -> usize {
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// Whether a paragraph ends a sentence (so the next paragraph cannot continue it).
pub(crate) fn ends_with_terminal_punctuation(text: &str) -> bool {
    text.trim_end()
        .ends_with(['.', '!', '?', ':', ';', '…', '»', '"', ')'])
}

fn should_continue(previous: &RawParagraph, next: &RawParagraph) -> bool {
    if next.is_item && !next.after_page_break || ends_with_terminal_punctuation(&previous.text) {
        return false;
    }
    let next_first = next.text.chars().next();
    let starts_lowercase = next_first.is_some_and(char::is_lowercase);
    let previous_open = previous
        .text
        .chars()
        .next_back()
        .is_some_and(|c| c == ',' || c.is_lowercase());
    starts_lowercase || (next.after_page_break && previous_open && !next.is_item)
}

/// Splits plain text into paragraph and list-item blocks.
pub(crate) fn parse(text: &str) -> Vec<Block> {
    // A form feed is a page break: the same as several blank lines.
    let text = text.replace('\x0c', "\n\n\n");
    let mut raw_paragraphs: Vec<RawParagraph> = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let mut current_is_item = false;
    let mut current_after_break = false;
    let mut blank_run = 0usize;
    let mut page_break_pending = false;

    let flush = |lines: &mut Vec<&str>,
                 is_item: bool,
                 after_page_break: bool,
                 raw_paragraphs: &mut Vec<RawParagraph>| {
        if lines.is_empty() {
            return;
        }
        let paragraph_text = join_wrapped_lines(lines.drain(..));
        if !paragraph_text.is_empty() {
            raw_paragraphs.push(RawParagraph {
                text: paragraph_text,
                is_item,
                after_page_break,
            });
        }
    };

    for raw_line in text.split('\n') {
        let line = raw_line.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || is_page_number(trimmed) {
            flush(
                &mut lines,
                current_is_item,
                current_after_break,
                &mut raw_paragraphs,
            );
            blank_run += 1;
            if !trimmed.is_empty() || blank_run >= 2 {
                page_break_pending = true;
            }
            continue;
        }
        let marker_len = bullet_marker_len(trimmed);
        let starts_item = indentation(line) >= 2 || marker_len.is_some();
        if starts_item && !lines.is_empty() {
            flush(
                &mut lines,
                current_is_item,
                current_after_break,
                &mut raw_paragraphs,
            );
        }
        if lines.is_empty() {
            current_is_item = starts_item;
            current_after_break = page_break_pending;
            page_break_pending = false;
            blank_run = 0;
        }
        lines.push(&trimmed[marker_len.unwrap_or(0)..]);
    }
    flush(
        &mut lines,
        current_is_item,
        current_after_break,
        &mut raw_paragraphs,
    );

    let mut merged: Vec<RawParagraph> = Vec::with_capacity(raw_paragraphs.len());
    for paragraph in raw_paragraphs {
        match merged.last_mut() {
            Some(previous) if should_continue(previous, &paragraph) => {
                previous.text = join_wrapped_lines([previous.text.as_str(), &paragraph.text]);
            }
            _ => merged.push(paragraph),
        }
    }
    merged
        .into_iter()
        .map(|paragraph| {
            if paragraph.is_item {
                Block::list_item(paragraph.text)
            } else {
                Block::paragraph(paragraph.text)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[Block]) -> Vec<&str> {
        blocks
            .iter()
            .map(|block| match block {
                Block::Paragraph { text, .. } | Block::Heading { text, .. } => text.as_str(),
            })
            .collect()
    }

    #[test]
    fn page_break_inside_a_paragraph_is_repaired() {
        let input = "Des initiatives ont été prises afin de mettre en oeuvre cette coopé-\nration,\n\n\n\ndont la réorganisation des structures.\n\n    De poursuivre les échanges\nentre services.\n\n    D'intensifier la coopération.\n12\n";
        let blocks = parse(input);
        assert_eq!(
            texts(&blocks),
            vec![
                "Des initiatives ont été prises afin de mettre en oeuvre cette coopération, dont la réorganisation des structures.",
                "De poursuivre les échanges entre services.",
                "D'intensifier la coopération.",
            ]
        );
    }

    #[test]
    fn item_continued_after_page_break_stays_one_item() {
        let input = "    Soulignant la nécessité de mettre en oeuvre les engagements pris\n\n\n\nà la conférence de Paris.\n\nSuite du texte.";
        assert_eq!(
            texts(&parse(input)),
            vec![
                "Soulignant la nécessité de mettre en oeuvre les engagements pris à la conférence de Paris.",
                "Suite du texte.",
            ]
        );
    }

    #[test]
    fn bullets_and_page_numbers() {
        assert_eq!(bullet_marker_len("- item"), Some(2));
        assert_eq!(bullet_marker_len("12. item"), Some(4));
        assert_eq!(bullet_marker_len("2018 fut"), None);
        assert_eq!(bullet_marker_len("-x"), None);
        assert!(is_page_number("12"));
        assert!(is_page_number("- 3 -"));
        assert!(!is_page_number("2018 fut une année"));
    }
}
