//! Markdown (`.md`, `.markdown`): YAML front matter, headings, paragraphs, lists, articles.
//!
//! A small line-based reader tuned to the corpus (French codes from Légifrance exports, Belgian
//! codes, CNIL guides converted from PDF): it keeps the readable text and drops the syntax —
//! emphasis, links (their text is kept), images, heading markers, table pipes, horizontal rules,
//! tables of contents made only of links, raw HTML tags and `--- Page N ---` markers.
//! A heading `Article L232-1` (or `Artikel 5`) opens a law article, as does a paragraph starting
//! with `**Art. 5.**`; the article runs until the next heading or article.
//! Imports nothing outside `ingest`.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::entities::decode_entities;
use super::segment::{join_wrapped_lines, Block};
use super::text::bullet_marker_len;

/// The fields we read from a YAML front matter.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct FrontMatter {
    pub(crate) title: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) language: Option<String>,
}

/// What a Markdown file holds once read.
#[derive(Debug, Default)]
pub(crate) struct MarkdownDocument {
    pub(crate) front_matter: FrontMatter,
    pub(crate) first_heading: Option<String>,
    pub(crate) blocks: Vec<Block>,
}

static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"!?\[([^\]]*)\]\([^)]*\)").expect("the link pattern is a valid regex")
});
static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
        .expect("the tag pattern is a valid regex")
});
static ARTICLE_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:article|artikel|art\.)\s+([^\s,:]+)")
        .expect("the article pattern is a valid regex")
});
static BELGIAN_ARTICLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\*\*\s*Art(?:icle)?\.?\s*([^*\s]+?)\.?\s*\*\*")
        .expect("the Belgian article pattern is a valid regex")
});

/// Splits a leading `---` … `---` YAML block from the body and reads its simple `key: value` lines.
fn split_front_matter(text: &str) -> (FrontMatter, &str) {
    let mut front_matter = FrontMatter::default();
    let Some(after_open) = text.strip_prefix("---\n") else {
        return (front_matter, text);
    };
    let mut offset = 0;
    let mut closing = None;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            closing = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_start)) = closing else {
        return (front_matter, text);
    };
    for line in after_open[..yaml_end].lines() {
        let Some((key, raw_value)) = line.split_once(':') else {
            continue;
        };
        let value = raw_value
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .trim();
        if value.is_empty() {
            continue;
        }
        let slot = match key.trim() {
            "title" => &mut front_matter.title,
            "date" | "pubDate" | "dateString" | "published" => {
                if front_matter.date.is_none() {
                    front_matter.date = super::metadata::parse_french_date(value);
                }
                continue;
            }
            "source" | "author" | "publisher" => &mut front_matter.source,
            "url" | "link" => &mut front_matter.url,
            "lang" | "language" => &mut front_matter.language,
            _ => continue,
        };
        if slot.is_none() {
            // A title or source ends up in HTML too, where its references read as characters.
            *slot = Some(decode_entities(value).into_owned());
        }
    }
    (front_matter, &after_open[body_start..])
}

/// Removes inline Markdown syntax, keeping the readable text.
pub(crate) fn strip_inline(text: &str) -> String {
    let without_links = LINK.replace_all(text, |captures: &regex::Captures<'_>| {
        if captures[0].starts_with('!') {
            String::new()
        } else {
            captures[1].to_string()
        }
    });
    let without_tags = HTML_TAG.replace_all(&without_links, " ");
    let mut plain = String::with_capacity(without_tags.len());
    let characters: Vec<char> = without_tags.chars().collect();
    let mut index = 0;
    while index < characters.len() {
        let character = characters[index];
        let previous = index.checked_sub(1).map(|i| characters[i]);
        let next = characters.get(index + 1).copied();
        match character {
            '\\' if next.is_some_and(|c| c.is_ascii_punctuation()) => {
                if let Some(escaped) = next {
                    plain.push(escaped);
                }
                index += 2;
                continue;
            }
            '`' => {}
            '*' | '_' => {
                let is_delimiter_run = next == Some(character) || previous == Some(character);
                let word_before = previous.is_some_and(char::is_alphanumeric);
                let word_after = next.is_some_and(char::is_alphanumeric);
                let spaced = previous.is_none_or(char::is_whitespace)
                    && next.is_none_or(char::is_whitespace);
                // `snake_case` and `a * b` keep their character; emphasis markers go.
                let inside_word = character == '_' && word_before && word_after;
                if (inside_word || spaced) && !is_delimiter_run {
                    plain.push(character);
                }
            }
            _ => plain.push(character),
        }
        index += 1;
    }
    // Markdown writes characters as HTML does too (`&nbsp;`, `&eacute;`).
    match decode_entities(&plain) {
        Cow::Borrowed(_) => plain,
        Cow::Owned(decoded) => decoded,
    }
}

fn is_horizontal_rule(trimmed: &str) -> bool {
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && (compact.chars().all(|c| c == '-')
            || compact.chars().all(|c| c == '*')
            || compact.chars().all(|c| c == '_'))
}

fn is_page_marker(trimmed: &str) -> bool {
    trimmed.starts_with("--- Page") && trimmed.ends_with("---")
}

/// A heading that is one identifier with an underscore (`guide_securite__12`): a name left by
/// a conversion tool, not a title.
fn is_identifier_heading(text: &str) -> bool {
    !text.is_empty()
        && text.contains('_')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn is_table_separator(trimmed: &str) -> bool {
    trimmed.starts_with('|')
        && trimmed
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// A list item made only of a link (a table of contents entry).
fn is_link_only(content: &str) -> bool {
    let trimmed = content.trim();
    LINK.find(trimmed)
        .is_some_and(|found| found.start() == 0 && found.end() == trimmed.len())
}

/// The article label of a heading (`Article L232-1` → `L232-1`).
fn article_of_heading(heading: &str) -> Option<String> {
    let captures = ARTICLE_HEADING.captures(heading)?;
    let label = captures[1].trim_end_matches(['.', '-', '–']);
    (!label.is_empty()).then(|| label.to_string())
}

/// Collects the lines of the paragraph or item being read.
struct Paragraph<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Paragraph<'a> {
    fn flush(&mut self, blocks: &mut Vec<Block>) {
        if self.lines.is_empty() {
            return;
        }
        let first_line = self.lines[0];
        let article_start = BELGIAN_ARTICLE
            .captures(first_line)
            .map(|captures| captures[1].to_string());
        let joined = join_wrapped_lines(self.lines.drain(..));
        let text = join_wrapped_lines([strip_inline(&joined).as_str()]);
        if !text.is_empty() {
            blocks.push(Block::Paragraph {
                text,
                article_start,
                list_item: false,
            });
        }
    }
}

/// Reads a Markdown document.
pub(crate) fn parse(text: &str) -> MarkdownDocument {
    let (front_matter, body) = split_front_matter(text);
    let mut blocks = Vec::new();
    let mut first_heading = None;
    let mut paragraph = Paragraph { lines: Vec::new() };
    let mut in_fence = false;
    for line in body.split('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            paragraph.flush(&mut blocks);
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            paragraph.lines.push(line);
            continue;
        }
        if trimmed.is_empty() || is_page_marker(trimmed) || is_horizontal_rule(trimmed) {
            paragraph.flush(&mut blocks);
            continue;
        }
        if trimmed.starts_with('#') {
            let marker_len = trimmed.chars().take_while(|c| *c == '#').count();
            if marker_len <= 6 {
                paragraph.flush(&mut blocks);
                let heading_text = trimmed[marker_len..].trim().trim_end_matches('#');
                if is_identifier_heading(heading_text) {
                    // `# guide_securite__12`: a converter's page or file name, not a heading
                    // anyone wrote; it would cut the document's own sections at every page.
                    continue;
                }
                let heading = join_wrapped_lines([strip_inline(heading_text).as_str()]);
                if heading.is_empty() {
                    continue;
                }
                if first_heading.is_none() {
                    first_heading = Some(heading.clone());
                }
                let article = article_of_heading(&heading);
                blocks.push(Block::Heading {
                    text: heading,
                    level: u8::try_from(marker_len).unwrap_or(6),
                    article,
                });
                continue;
            }
        }
        if trimmed.starts_with('|') {
            paragraph.flush(&mut blocks);
            if !is_table_separator(trimmed) {
                let cells: Vec<&str> = trimmed
                    .trim_matches('|')
                    .split('|')
                    .map(str::trim)
                    .filter(|cell| !cell.is_empty())
                    .collect();
                let row = cells.join(" ; ");
                let text = join_wrapped_lines([strip_inline(&row).as_str()]);
                if !text.is_empty() {
                    blocks.push(Block::paragraph(text));
                }
            }
            continue;
        }
        if trimmed.starts_with('<') && trimmed.ends_with('>') && HTML_TAG.is_match(trimmed) {
            let without_tags = HTML_TAG.replace_all(trimmed, "");
            if without_tags.trim().is_empty() {
                continue;
            }
        }
        let quoted = trimmed.trim_start_matches('>').trim_start();
        if let Some(marker_len) = bullet_marker_len(quoted) {
            paragraph.flush(&mut blocks);
            let content = &quoted[marker_len..];
            if !is_link_only(content) {
                paragraph.lines.push(content);
            }
            continue;
        }
        paragraph.lines.push(quoted);
    }
    paragraph.flush(&mut blocks);
    MarkdownDocument {
        front_matter,
        first_heading,
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_syntax_is_removed() {
        assert_eq!(
            strip_inline("**Art. 5.** voir [l'article 3](#a3) et *ceci* ![logo](x.png) `code`"),
            "Art. 5. voir l'article 3 et ceci  code"
        );
        assert_eq!(strip_inline("snake_case et a * b"), "snake_case et a * b");
        assert_eq!(strip_inline("__gras__ et _it_"), "gras et it");
    }

    #[test]
    fn character_references_are_decoded() {
        assert_eq!(
            strip_inline("**Signature** &nbsp;&nbsp; S&eacute;curit&eacute; R&D"),
            "Signature \u{a0}\u{a0} Sécurité R&D"
        );
        let (front_matter, _) = split_front_matter(
            "---\ntitle: \"S&eacute;curit&eacute; &amp; libert&eacute;s\"\n---\nx",
        );
        assert_eq!(front_matter.title.as_deref(), Some("Sécurité & libertés"));
    }

    #[test]
    fn front_matter_is_read_and_stripped() {
        let input = "---\nlang: fra\ntitle: CODE PENAL\ndateString: 8 JUIN 1867\npubDate: 09-06-1867\nsource: JUSTICE\nurl: http://x\n\n---\nTexte du code pénal belge ici.\n";
        let document = parse(input);
        assert_eq!(document.front_matter.title.as_deref(), Some("CODE PENAL"));
        assert_eq!(document.front_matter.date.as_deref(), Some("1867-06-08"));
        assert_eq!(document.front_matter.source.as_deref(), Some("JUSTICE"));
        assert_eq!(document.front_matter.url.as_deref(), Some("http://x"));
        assert_eq!(document.front_matter.language.as_deref(), Some("fra"));
        assert_eq!(
            document.blocks,
            vec![Block::paragraph("Texte du code pénal belge ici.".into())]
        );
    }

    #[test]
    fn converter_page_names_are_not_headings() {
        let input = "# guide_securite__1\n\nGUIDE DE LA SÉCURITÉ\n\n## Journalisation\n\nPremier alinéa.\n\n# guide_securite__2\n\nSuite du chapitre.\n";
        let document = parse(input);
        assert_eq!(document.first_heading.as_deref(), Some("Journalisation"));
        assert_eq!(
            document.blocks,
            vec![
                Block::paragraph("GUIDE DE LA SÉCURITÉ".into()),
                Block::Heading {
                    text: "Journalisation".into(),
                    level: 2,
                    article: None
                },
                Block::paragraph("Premier alinéa.".into()),
                Block::paragraph("Suite du chapitre.".into()),
            ]
        );
        assert!(!is_identifier_heading("Article L232-1"));
        assert!(!is_identifier_heading("TITRE_II : Dispositions"));
    }

    #[test]
    fn articles_and_tables_of_contents() {
        let input = "# Titre\n\n- [Avant-propos](#a)\n  - [Fiche 1](#b)\n\n#### Article L232-1\n\nPremier alinéa.\n\n1° point ;\n\n**Art. 5bis.** Texte belge.\n";
        let document = parse(input);
        assert_eq!(document.first_heading.as_deref(), Some("Titre"));
        assert_eq!(
            document.blocks,
            vec![
                Block::Heading {
                    text: "Titre".into(),
                    level: 1,
                    article: None
                },
                Block::Heading {
                    text: "Article L232-1".into(),
                    level: 4,
                    article: Some("L232-1".into())
                },
                Block::paragraph("Premier alinéa.".into()),
                Block::paragraph("1° point ;".into()),
                Block::Paragraph {
                    text: "Art. 5bis. Texte belge.".into(),
                    article_start: Some("5bis".into()),
                    list_item: false,
                },
            ]
        );
    }
}
