//! A document as a page to read: what a browser gets at `GET /documents/{id}`, where the
//! search results link (`…#passage-11`), while API clients keep getting JSON.
//!
//! [`wants_html`] reads the `Accept` header; [`render`] writes the page: title, date, source,
//! a link to the original, then every passage under its headings, each an anchor
//! (`#passage-N`) that the stylesheet highlights when it is the link's target. Everything from
//! the document is escaped; the original's link is kept only when it is `http(s)`. The page
//! loads only the site's stylesheet, by a relative path, so it works behind a path prefix, and
//! it is served under the search page's strict Content-Security-Policy. Imports the domain
//! types of `search` and the escaping of its highlighter.

use std::borrow::Cow;

use crate::search::snippet::escape_into;
use crate::search::DocumentDetail;

/// True when the request prefers HTML to JSON, as a browser following a link does (`Accept:
/// text/html,…`); `fetch`, `curl` and API clients (`*/*`, `application/json`) get JSON.
pub fn wants_html(accept: Option<&str>) -> bool {
    let Some(accept) = accept else {
        return false;
    };
    let position = |media: &str| {
        accept
            .split(',')
            .position(|item| item.trim().to_ascii_lowercase().starts_with(media))
    };
    match (position("text/html"), position("application/json")) {
        (Some(html), Some(json)) => html < json,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The page of `document`, served at `path` (`/documents/…` as requested: the site's root is
/// reached from it by a relative path, which holds behind a path prefix too).
pub fn render(document: &DocumentDetail, path: &str) -> String {
    let text_bytes: usize = document
        .passages
        .iter()
        .map(|passage| passage.text.len())
        .sum();
    let mut page = String::with_capacity(text_bytes + text_bytes / 8 + 2048);
    push_head(&mut page, &document.language, &document.title, path);
    page.push_str("<p class=\"document-meta\">");
    push_metadata(&mut page, document);
    page.push_str("</p>\n</header>\n<main class=\"document\">\n");
    let mut heading: Option<&str> = None;
    // An article cut into several passages is named once, above the first.
    let mut article: Option<&str> = None;
    for passage in &document.passages {
        if passage.heading.is_some() && passage.heading.as_deref() != heading {
            heading = passage.heading.as_deref();
            page.push_str("<h2>");
            escape_into(&mut page, heading.unwrap_or_default());
            page.push_str("</h2>\n");
        }
        page.push_str(&format!(
            "<section class=\"passage\" id=\"passage-{}\">\n",
            passage.passage
        ));
        if passage.article.is_some() && passage.article.as_deref() != article {
            article = passage.article.as_deref();
            page.push_str("<p class=\"passage-article\">Article ");
            escape_into(&mut page, article.unwrap_or_default());
            page.push_str("</p>\n");
        }
        // The marked form is escaped HTML already, with the text's line breaks.
        let html = match &passage.highlight {
            Some(marked) => Cow::Borrowed(marked.as_str()),
            None => Cow::Owned(escaped(&passage.text)),
        };
        page.push_str("<p>");
        page.push_str(&html.replace('\n', "<br>\n"));
        page.push_str("</p>\n</section>\n");
    }
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

/// A page saying why a document cannot be shown (`not_found`: no such document; else the
/// request's problem, `message`), for a reader who followed a link.
pub fn render_error(not_found: bool, message: &str, path: &str) -> String {
    let (title, detail) = if not_found {
        (
            "Document introuvable",
            "Ce document n’est pas (ou plus) dans l’index : il a pu être retiré ou renommé.",
        )
    } else {
        ("Demande invalide", message)
    };
    let mut page = String::with_capacity(1024);
    push_head(&mut page, "fr", title, path);
    page.push_str("</header>\n<main class=\"document\">\n<p>");
    escape_into(&mut page, detail);
    page.push_str("</p>\n</main>\n</body>\n</html>\n");
    page
}

/// The start of a page at `path`, up to its title heading inside the open `<header>`: the
/// stylesheet and the link home are relative (from `/documents/a/b.md`, the root is `../../`).
fn push_head(page: &mut String, language: &str, title: &str, path: &str) {
    let root = "../".repeat(path.trim_start_matches('/').matches('/').count());
    page.push_str("<!doctype html>\n<html lang=\"");
    escape_into(page, language);
    page.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str("<title>");
    escape_into(page, title);
    page.push_str(" — Vigie</title>\n<link rel=\"stylesheet\" href=\"");
    page.push_str(&root);
    page.push_str("index.css\">\n</head>\n<body>\n<header class=\"page-header\">\n");
    page.push_str("<p class=\"site-name\"><a href=\"");
    page.push_str(&root);
    page.push_str("\">Vigie</a></p>\n<h1 class=\"document-title\">");
    escape_into(page, title);
    page.push_str("</h1>\n");
}

/// Date (in French), source and the original's link, separated by middle dots.
fn push_metadata(page: &mut String, document: &DocumentDetail) {
    let mut parts: Vec<String> = Vec::new();
    if let Some(date) = document.date.as_deref() {
        parts.push(escaped(&french_date(date)));
    }
    if !document.source.is_empty() {
        parts.push(escaped(&document.source));
    }
    if let Some(url) = document.url.as_deref().filter(|url| is_web_link(url)) {
        parts.push(format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\">texte original</a>",
            escaped(url)
        ));
    }
    page.push_str(&parts.join(" · "));
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Only web links are followed from the page: no `javascript:` or `data:` URL.
fn is_web_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `2018-05-29` → `29 mai 2018`, `2018-05` → `mai 2018`, the 1st as `1er`; anything else as
/// it is.
fn french_date(date: &str) -> String {
    let mut parts = date.split('-');
    let (year, month, day) = (parts.next(), parts.next(), parts.next());
    let month_name = month
        .and_then(|month| month.parse::<usize>().ok())
        .and_then(|month| month.checked_sub(1))
        .and_then(|index| MONTHS.get(index));
    match (
        year,
        month_name,
        day.and_then(|day| day.parse::<u32>().ok()),
    ) {
        (Some(year), Some(month), Some(1)) => format!("1er {month} {year}"),
        (Some(year), Some(month), Some(day)) => format!("{day} {month} {year}"),
        (Some(year), Some(month), None) if day.is_none() => format!("{month} {year}"),
        _ => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::PassageDetail;

    #[test]
    fn browsers_get_the_page_and_api_clients_json() {
        let firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(wants_html(Some(firefox)));
        assert!(wants_html(Some("TEXT/HTML")));
        assert!(!wants_html(Some("*/*")));
        assert!(!wants_html(Some("application/json")));
        assert!(!wants_html(Some("application/json, text/html")));
        assert!(!wants_html(None));
    }

    #[test]
    fn the_page_escapes_the_document_and_anchors_each_passage() {
        let passage = |number: u32, heading: Option<&str>, text: &str| PassageDetail {
            passage: number,
            heading: heading.map(str::to_string),
            article: (number >= 2).then(|| "L. 232-1".to_string()),
            text: text.to_string(),
            highlight: None,
        };
        let document = DocumentDetail {
            id: "codes/csi.md".to_string(),
            title: "Code <b>de la</b> sécurité".to_string(),
            date: Some("2018-05-01".to_string()),
            source: "Légifrance & co".to_string(),
            url: Some("javascript:alert(1)".to_string()),
            language: "fr".to_string(),
            kind: "markdown".to_string(),
            passages: vec![
                passage(0, None, "Préambule."),
                passage(1, Some("Titre I"), "Premier <script>."),
                passage(2, Some("Titre I"), "Ligne un\nligne deux"),
                passage(3, Some("Titre I"), "Suite de l'article."),
            ],
        };
        let page = render(&document, "/documents/codes/csi.md");
        assert!(page.contains("<title>Code &lt;b&gt;de la&lt;/b&gt; sécurité — Vigie</title>"));
        assert!(page.contains("href=\"../../index.css\""), "{page}");
        assert!(
            page.contains("1er mai 2018 · Légifrance &amp; co</p>"),
            "{page}"
        );
        assert!(!page.contains("javascript:"), "{page}");
        assert_eq!(page.matches("<h2>Titre I</h2>").count(), 1, "{page}");
        assert!(page.contains(
            "<section class=\"passage\" id=\"passage-1\">\n<p>Premier &lt;script&gt;.</p>"
        ));
        assert!(page.contains("Article L. 232-1</p>\n<p>Ligne un<br>\nligne deux</p>"));
        assert_eq!(page.matches("Article L. 232-1").count(), 1, "{page}");
        assert!(!page.contains("<script"), "{page}");
    }

    #[test]
    fn marked_passages_keep_their_marks_and_line_breaks() {
        let document = DocumentDetail {
            id: "note.txt".to_string(),
            title: "Note".to_string(),
            date: None,
            source: String::new(),
            url: None,
            language: "fr".to_string(),
            kind: "text".to_string(),
            passages: vec![PassageDetail {
                passage: 0,
                heading: None,
                article: None,
                text: "La <b> sécurité\nintérieure".to_string(),
                highlight: Some("La &lt;b&gt; <mark>sécurité</mark>\nintérieure".to_string()),
            }],
        };
        let page = render(&document, "/documents/note.txt");
        assert!(
            page.contains("<p>La &lt;b&gt; <mark>sécurité</mark><br>\nintérieure</p>"),
            "{page}"
        );
    }

    #[test]
    fn dates_read_in_french() {
        assert_eq!(french_date("2018-05-29"), "29 mai 2018");
        assert_eq!(french_date("2016-02-01"), "1er février 2016");
        assert_eq!(french_date("2016-08"), "août 2016");
        assert_eq!(french_date("2016"), "2016");
    }
}
