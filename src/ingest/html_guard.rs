//! Protection against hostile HTML: pages nested so deep that building their tree would take
//! minutes (the HTML parser's cost grows with depth squared).
//!
//! [`nesting_depth_exceeds`] scans the markup once, without parsing; a page nested deeper than
//! [`MAX_NESTING`] is read by [`strip_markup`] instead: scripts and styles dropped, tags
//! removed, entities decoded. The text survives; the page's structure does not, which is
//! the price of never stalling a run.

use super::entities::decode_entities;

/// Deepest element nesting read with the HTML parser; real pages stay far below it.
pub const MAX_NESTING: usize = 1_000;

/// Elements that never take a closing tag.
const VOID_ELEMENTS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// True when open elements nest deeper than `limit` somewhere in `html`.
pub fn nesting_depth_exceeds(html: &str, limit: usize) -> bool {
    let bytes = html.as_bytes();
    let mut depth: usize = 0;
    let mut index = 0;
    while let Some(offset) = memchr_lt(&bytes[index..]) {
        let start = index + offset + 1;
        index = start;
        match bytes.get(start) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(byte) if byte.is_ascii_alphabetic() => {
                let name_end = bytes[start..]
                    .iter()
                    .position(|byte| !byte.is_ascii_alphanumeric())
                    .map_or(bytes.len(), |length| start + length);
                let name = html[start..name_end].to_ascii_lowercase();
                let tag_end = bytes[name_end..]
                    .iter()
                    .position(|byte| *byte == b'>')
                    .map_or(bytes.len(), |length| name_end + length);
                let self_closing = tag_end > 0 && bytes.get(tag_end - 1) == Some(&b'/');
                if !self_closing && !VOID_ELEMENTS.contains(&name.as_str()) {
                    depth += 1;
                    if depth > limit {
                        return true;
                    }
                }
                index = tag_end.min(bytes.len());
            }
            _ => {}
        }
    }
    false
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|byte| *byte == b'<')
}

/// The text of `html` without its markup: `script`/`style` contents dropped, block tags turned
/// into paragraph breaks, other tags removed, common entities decoded.
pub fn strip_markup(html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&decode_entities(&rest[..open]));
        let after = &rest[open + 1..];
        let name: String = after
            .chars()
            .take_while(|character| character.is_ascii_alphanumeric() || *character == '/')
            .collect::<String>()
            .to_ascii_lowercase();
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        rest = &after[close + 1..];
        if name == "script" || name == "style" {
            let end_tag = format!("</{name}");
            match rest.to_ascii_lowercase().find(&end_tag) {
                Some(end) => {
                    rest = &rest[end..];
                    rest = rest.find('>').map_or("", |close| &rest[close + 1..]);
                }
                None => rest = "",
            }
            continue;
        }
        let bare = name.trim_start_matches('/');
        if matches!(
            bare,
            "p" | "div"
                | "br"
                | "li"
                | "tr"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "blockquote"
                | "section"
                | "article"
        ) {
            text.push_str("\n\n");
        }
    }
    text.push_str(&decode_entities(rest));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_detected_without_parsing() {
        let deep = format!("{}texte{}", "<div>".repeat(2_000), "</div>".repeat(2_000));
        assert!(nesting_depth_exceeds(&deep, MAX_NESTING));
        let wide = "<p>un</p><br><img src=x><p>deux</p>".repeat(5_000);
        assert!(!nesting_depth_exceeds(&wide, MAX_NESTING));
    }

    #[test]
    fn stripped_markup_keeps_text_and_drops_scripts() {
        let text = strip_markup(
            "<html><script>alert('x')</script><p>Coop&eacute;ration &amp; s&#233;curit&#xE9;</p><div>fin</div>",
        );
        assert!(!text.contains("alert"));
        assert!(text.contains("& sécurité"), "{text}");
        assert!(text.contains("fin"));
    }
}
