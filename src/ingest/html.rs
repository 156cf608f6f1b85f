//! HTML (`.html`, `.htm`): readable text and metadata, with `scraper` (used nowhere else).
//!
//! Drops what a reader does not read: scripts, styles, forms, navigation, headers and footers
//! (by tag, by ARIA role, and by the ids/classes the Assemblée nationale pages use for their
//! chrome: `#header`, `#accessibility-nav`, menus, hidden skip links), and short paragraphs made
//! only of links (menus, "en savoir plus" anchors). Block elements end paragraphs; `h1`–`h6`
//! become headings. The tree is walked with an explicit stack, so deep nesting cannot overflow.
//!
//! Title: `<title>`, without the site's name when it is a prefix or suffix (`Assemblée nationale -
//! …`: the source already says it), else the first `<h1>`. Source: `ORIGINE_DOCUMENT`,
//! `og:site_name` or `author` meta. Date: a date meta, else the first French date of the text.
//! Imports nothing outside `ingest`.

use scraper::{Html, Node, Selector};

use super::markdown::strip_inline;
use super::metadata::{find_latest_date, normalize_language, parse_french_date};
use super::segment::{collapse_whitespace, join_wrapped_lines, Block};
use super::text::ends_with_terminal_punctuation;

/// What an HTML page holds once read.
#[derive(Debug, Default)]
pub(crate) struct HtmlDocument {
    pub(crate) title: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) blocks: Vec<Block>,
}

/// Elements whose whole subtree is chrome or not text.
const SKIPPED_ELEMENTS: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "form", "aside", "select", "button",
    "input", "textarea", "label", "iframe", "object", "embed", "svg", "math", "template", "head",
    "title", "map", "menu", "canvas", "video", "audio",
];

/// ARIA roles of page chrome.
const SKIPPED_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "search",
    "menu",
    "menubar",
];

/// Ids and classes of page chrome (exact, lowercased).
const SKIPPED_NAMES: &[&str] = &[
    "header",
    "footer",
    "nav",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "accessibility-nav",
    "wrapper-header",
    "header-inner",
    "langues",
    "logo",
    "sidebar",
    "skip",
    "skip-link",
    "skiplinks",
    "hide",
    "hidden",
    "sr-only",
    "visually-hidden",
    "cookie",
    "cookies",
    "sf-menu",
];

/// Elements that end a paragraph when they open or close.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "blockquote",
    "br",
    "hr",
    "pre",
    "section",
    "article",
    "main",
    "address",
    "figure",
    "figcaption",
    "center",
    "body",
    "html",
    "fieldset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

/// A short paragraph this much made of link text is navigation.
const LINK_ONLY_RATIO: f32 = 0.9;
/// Paragraphs longer than this are kept whatever their links.
const LINK_ONLY_MAX_CHARS: usize = 100;

fn is_skipped(element: &scraper::node::Element) -> bool {
    if SKIPPED_ELEMENTS.contains(&element.name()) {
        return true;
    }
    if element
        .attr("role")
        .is_some_and(|role| SKIPPED_ROLES.contains(&role.trim().to_lowercase().as_str()))
    {
        return true;
    }
    if element.attr("hidden").is_some() || element.attr("aria-hidden") == Some("true") {
        return true;
    }
    let named_chrome = |name: &str| SKIPPED_NAMES.contains(&name.to_lowercase().as_str());
    element.id().is_some_and(named_chrome) || element.classes().any(named_chrome)
}

/// Accumulates the text of the paragraph being read.
#[derive(Default)]
struct Collector {
    buffer: String,
    link_bytes: usize,
    link_depth: usize,
    /// The last paragraph ended at a `<br>`: the next may continue its sentence.
    after_line_break: bool,
    blocks: Vec<Block>,
}

impl Collector {
    fn push_text(&mut self, text: &str) {
        self.buffer.push_str(text);
        if self.link_depth > 0 {
            self.link_bytes += text.trim().len();
        }
    }

    fn flush(&mut self, heading_level: Option<u8>) {
        let text = collapse_whitespace(&self.buffer);
        let link_bytes = std::mem::take(&mut self.link_bytes);
        let after_line_break = std::mem::take(&mut self.after_line_break);
        self.buffer.clear();
        if text.is_empty() {
            self.after_line_break = after_line_break;
            return;
        }
        if after_line_break && heading_level.is_none() && text.starts_with(char::is_lowercase) {
            // `<br>` inside a sentence (a common layout habit): keep the sentence whole.
            if let Some(Block::Paragraph { text: previous, .. }) = self.blocks.last_mut() {
                if !ends_with_terminal_punctuation(previous) {
                    *previous = join_wrapped_lines([previous.as_str(), text.as_str()]);
                    return;
                }
            }
        }
        if let Some(level) = heading_level {
            let article = article_of_heading(&text);
            self.blocks.push(Block::Heading {
                text,
                level,
                article,
            });
            return;
        }
        let visible_bytes = text.len().max(1);
        #[allow(clippy::cast_precision_loss)]
        let link_ratio = link_bytes as f32 / visible_bytes as f32;
        if link_ratio >= LINK_ONLY_RATIO && text.chars().count() <= LINK_ONLY_MAX_CHARS {
            return;
        }
        self.blocks
            .push(Block::paragraph(join_wrapped_lines([text.as_str()])));
    }
}

fn article_of_heading(heading: &str) -> Option<String> {
    let rest = heading
        .strip_prefix("Article ")
        .or_else(|| heading.strip_prefix("Art. "))?;
    let label = rest
        .split_whitespace()
        .next()?
        .trim_end_matches(['.', ':', '-']);
    (!label.is_empty() && label.chars().any(|c| c.is_ascii_digit())).then(|| label.to_string())
}

/// The level of a heading element (`h1` → 1), `None` for any other element.
fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', level @ b'1'..=b'6'] => Some(level - b'0'),
        _ => None,
    }
}

/// Walks the body iteratively and returns its readable blocks.
fn collect_blocks(html: &Html) -> Vec<Block> {
    let mut collector = Collector::default();
    let mut stack = vec![(html.tree.root(), false)];
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Text(text) => collector.push_text(text),
            Node::Element(element) => {
                let name = element.name();
                if closing {
                    if name == "a" {
                        collector.link_depth = collector.link_depth.saturating_sub(1);
                    } else if BLOCK_ELEMENTS.contains(&name) {
                        collector.flush(heading_level(name));
                    }
                    continue;
                }
                if is_skipped(element) {
                    continue;
                }
                if name == "a" {
                    collector.link_depth += 1;
                } else if name == "br" {
                    collector.flush(None);
                    collector.after_line_break = true;
                    continue;
                } else if BLOCK_ELEMENTS.contains(&name) {
                    collector.flush(None);
                } else if name == "img" {
                    continue;
                }
                stack.push((node, true));
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(|child| (child, false)));
            }
            Node::Document | Node::Fragment => {
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(|child| (child, false)));
            }
            _ => {}
        }
    }
    collector.flush(None);
    collector.blocks
}

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

/// Removes the site's name from a `<title>` when it is a prefix or a suffix.
fn strip_site_name(title: &str, site_opt: Option<&str>) -> String {
    let Some(site) = site_opt else {
        return title.to_string();
    };
    for separator in [" - ", " – ", " | ", " : "] {
        if let Some(rest) = title.strip_prefix(&format!("{site}{separator}")) {
            return rest.trim().to_string();
        }
        if let Some(rest) = title.strip_suffix(&format!("{separator}{site}")) {
            return rest.trim().to_string();
        }
    }
    title.to_string()
}

/// Publishers whose pages state no publisher, by the domain of their address. The
/// Assemblée nationale's dossier pages name in `ORIGINE_DOCUMENT` the chamber a bill was
/// first tabled in (often the Sénat), not who published the page.
const KNOWN_PUBLISHERS: &[(&str, &str)] = &[
    ("assemblee-nationale.fr", "Assemblée nationale"),
    ("senat.fr", "Sénat"),
    ("legifrance.gouv.fr", "Légifrance"),
    ("eur-lex.europa.eu", "EUR-Lex"),
    ("cnil.fr", "CNIL"),
    ("ejustice.just.fgov.be", "Moniteur belge"),
];

/// The publisher of a page at `url`, when its domain is a known publisher's.
fn publisher_of_url(url: &str) -> Option<&'static str> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()?
        .to_ascii_lowercase();
    KNOWN_PUBLISHERS
        .iter()
        .find(|(domain, _)| host == *domain || host.ends_with(&format!(".{domain}")))
        .map(|(_, name)| *name)
}

/// The known publisher whose name starts `title`, before a separator.
fn publisher_in_title(title: &str) -> Option<&'static str> {
    KNOWN_PUBLISHERS.iter().map(|(_, name)| *name).find(|name| {
        [" - ", " – ", " | "]
            .iter()
            .any(|separator| title.starts_with(&format!("{name}{separator}")))
    })
}

/// Reads an HTML page.
pub(crate) fn parse(text: &str) -> HtmlDocument {
    let html = Html::parse_document(text);
    let mut document = HtmlDocument::default();
    let mut site_name = None;
    if let Some(meta_selector) = selector("meta") {
        for meta in html.select(&meta_selector) {
            let element = meta.value();
            let key = element
                .attr("name")
                .or_else(|| element.attr("property"))
                .or_else(|| element.attr("itemprop"))
                .unwrap_or("")
                .to_lowercase();
            let Some(content) = element.attr("content").map(collapse_whitespace) else {
                continue;
            };
            if content.is_empty() {
                continue;
            }
            match key.as_str() {
                "date"
                | "dc.date"
                | "dcterms.date"
                | "dc.date.issued"
                | "dcterms.issued"
                | "article:published_time"
                | "datepublished"
                    if document.date.is_none() =>
                {
                    document.date = parse_french_date(&content);
                }
                "og:site_name" => {
                    site_name.get_or_insert_with(|| content.clone());
                    document.source.get_or_insert(content);
                }
                "author" | "dc.creator" | "dc.publisher" => {
                    document.source.get_or_insert(content);
                }
                "og:url" => {
                    document.url.get_or_insert(content);
                }
                "url_dossier" if content.starts_with('/') => {
                    // Assemblée nationale pages give the dossier's path on their site.
                    document
                        .url
                        .get_or_insert(format!("https://www.assemblee-nationale.fr{content}"));
                }
                _ => {}
            }
        }
    }
    if let Some(canonical) = selector("link[rel=canonical]")
        .and_then(|link| html.select(&link).next())
        .and_then(|link| link.value().attr("href"))
    {
        document.url = Some(canonical.trim().to_string());
    }
    let raw_title = selector("title")
        .and_then(|title| html.select(&title).next())
        .map(|title| collapse_whitespace(&title.text().collect::<String>()))
        .filter(|title| !title.is_empty());
    // Who published the page: what it states, else its site's (from its address, or the
    // name a known publisher puts before its titles: `Assemblée nationale - …`).
    if document.source.is_none() {
        document.source = document
            .url
            .as_deref()
            .and_then(publisher_of_url)
            .or_else(|| raw_title.as_deref().and_then(publisher_in_title))
            .map(str::to_string);
    }
    let site = site_name.as_deref().or(document.source.as_deref());
    let page_title = raw_title.map(|title| strip_site_name(&title, site));
    let first_h1 = || {
        selector("h1")
            .and_then(|h1| html.select(&h1).next())
            .map(|h1| collapse_whitespace(&strip_inline(&h1.text().collect::<String>())))
            .filter(|h1| !h1.is_empty())
    };
    document.title = page_title.or_else(first_h1);
    document.language = html
        .root_element()
        .value()
        .attr("lang")
        .and_then(normalize_language);
    document.blocks = collect_blocks(&html);
    if document.date.is_none() {
        document.date = document
            .blocks
            .iter()
            .filter_map(|block| match block {
                Block::Paragraph { text, .. } | Block::Heading { text, .. } => {
                    find_latest_date(text)
                }
            })
            .max();
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_texts(document: &HtmlDocument) -> Vec<String> {
        document
            .blocks
            .iter()
            .map(|block| match block {
                Block::Paragraph { text, .. } | Block::Heading { text, .. } => text.clone(),
            })
            .collect()
    }

    #[test]
    fn the_publisher_is_the_site_not_the_chamber_a_bill_came_from() {
        // An Assemblée nationale dossier on a bill first tabled in the Sénat.
        let page = r##"<html><head><title>Assemblée nationale - Protocole Europol</title>
            <meta name="ORIGINE_DOCUMENT" content="Sénat">
            <meta name="URL_DOSSIER" content="/12/dossiers/office_europeen_police_protocole.asp">
            </head><body><p>Texte.</p></body></html>"##;
        let document = parse(page);
        assert_eq!(document.source.as_deref(), Some("Assemblée nationale"));
        assert_eq!(document.title.as_deref(), Some("Protocole Europol"));
        // Without any metadata, the name it puts before its titles.
        let bare = parse(
            "<html><head><title>Assemblée nationale - Criminalité</title></head><body><p>Texte.</p></body></html>",
        );
        assert_eq!(bare.source.as_deref(), Some("Assemblée nationale"));
        assert_eq!(bare.title.as_deref(), Some("Criminalité"));
        // A stated publisher wins; an unknown site states nothing.
        let stated = parse(
            r#"<html><head><title>T</title><meta name="author" content="Ministère de l'Intérieur">
            <link rel="canonical" href="https://www.senat.fr/x.html"></head><body><p>x</p></body></html>"#,
        );
        assert_eq!(stated.source.as_deref(), Some("Ministère de l'Intérieur"));
        assert_eq!(
            publisher_of_url("https://www.senat.fr/dossier.html"),
            Some("Sénat")
        );
        assert_eq!(publisher_of_url("https://notsenat.fr/"), None);
    }

    #[test]
    fn chrome_and_scripts_are_dropped() {
        let page = r##"<html lang="fr"><head><title>Assemblée nationale - Lutte contre le terrorisme</title>
            <meta name="ORIGINE_DOCUMENT" content="Assemblée nationale"></head>
            <body><script>var secret = "SCRIPT_TEXT";</script><header><div>Menu du site</div></header>
            <ul class="hide"><li><a href="#page">Aller au contenu</a></li></ul>
            <h1>Le projet</h1><p>Texte d&eacute;pos&eacute; le 29 avril 2014,<br>renvoy&eacute; &agrave; la commission.</p>
            <p><a href="/x">Principales dispositions du texte</a></p>
            <div role="navigation">Navigation</div><footer>© Assemblée</footer></body></html>"##;
        let document = parse(page);
        assert_eq!(
            document.title.as_deref(),
            Some("Lutte contre le terrorisme")
        );
        assert_eq!(document.source.as_deref(), Some("Assemblée nationale"));
        assert_eq!(document.date.as_deref(), Some("2014-04-29"));
        assert_eq!(document.language.as_deref(), Some("fr"));
        assert_eq!(
            block_texts(&document),
            vec![
                "Le projet",
                "Texte déposé le 29 avril 2014, renvoyé à la commission.",
            ]
        );
    }

    #[test]
    fn heading_elements_keep_their_level() {
        let page = "<html><body><h2>Titre II</h2><h3>Chapitre Ier</h3><p>Un alinéa.</p>\
                    <h6>Note</h6><div><h7>pas un titre</h7></div></body></html>";
        let levels: Vec<(String, u8)> = parse(page)
            .blocks
            .into_iter()
            .filter_map(|block| match block {
                Block::Heading { text, level, .. } => Some((text, level)),
                Block::Paragraph { .. } => None,
            })
            .collect();
        assert_eq!(
            levels,
            vec![
                ("Titre II".to_string(), 2),
                ("Chapitre Ier".to_string(), 3),
                ("Note".to_string(), 6)
            ]
        );
    }

    #[test]
    fn deeply_nested_html_does_not_crash() {
        // Inline nesting keeps html5ever linear; our walk is iterative whatever the depth.
        let depth = 100_000;
        let page = format!(
            "<html><body><div>{}Au fond du document.{}</div></body></html>",
            "<span>".repeat(depth),
            "</span>".repeat(depth)
        );
        let document = parse(&page);
        assert_eq!(block_texts(&document), vec!["Au fond du document."]);
    }
}
