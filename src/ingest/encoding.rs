//! Bytes to text: UTF-8 (a byte-order mark dropped), UTF-16 (with its byte-order mark, or
//! recognised without it), or, for an HTML page that is not UTF-8,
//! the legacy encoding its head declares (`<meta charset="windows-1252">`, `<meta
//! http-equiv="Content-Type" content="text/html; charset=iso-8859-1">`, an XML declaration), as
//! a browser reads it. Older French government pages are often Windows-1252 or Latin-1.
//!
//! UTF-8 is tried first: a page whose bytes are valid UTF-8 is read so whatever it declares
//! (mislabelled pages are common; Latin-1 accented text is never valid UTF-8 by chance). Text
//! files and Markdown declare nothing, so invalid UTF-8 there is an error, with the hint to
//! convert the file. Binary content (NUL bytes, mostly control characters) and empty text
//! are errors too. Imports nothing outside `ingest` and `error`.

use std::borrow::Cow;
use std::path::Path;
use std::sync::LazyLock;

use encoding_rs::Encoding;
use regex::bytes::Regex;

use super::DocumentKind;
use crate::error::IngestError;

/// How far into a page its encoding is looked for (browsers look at the first 1,024 bytes;
/// a long comment before the `<meta>` is forgiven).
const DECLARATION_SCAN_BYTES: usize = 4096;

static DECLARED_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i-u)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)|<\?xml\s[^>]*?encoding\s*=\s*["']([a-z0-9_.:-]+)"#,
    )
    .expect("the charset pattern is a valid regex")
});

/// How many byte pairs at most the UTF-16 guess looks at.
const UTF16_SCAN_PAIRS: usize = 2048;

/// UTF-16 little- or big-endian, when `bytes` look like it without a byte-order mark: an even
/// length, and in at least nine pairs out of ten of the start, the high byte zero and the low
/// byte not (what UTF-8 or any 8-bit text never shows).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = bytes.chunks_exact(2).take(UTF16_SCAN_PAIRS);
    let (mut little, mut big, mut counted) = (0, 0, 0);
    for pair in pairs {
        counted += 1;
        match (pair[0], pair[1]) {
            (0, 0) => {}
            (_, 0) => little += 1,
            (0, _) => big += 1,
            _ => {}
        }
    }
    if little * 10 >= counted * 9 {
        Some(encoding_rs::UTF_16LE)
    } else if big * 10 >= counted * 9 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// The text of a file of `kind` read as `bytes`.
pub(crate) fn decode<'a>(
    path: &Path,
    kind: DocumentKind,
    bytes: &'a [u8],
) -> Result<Cow<'a, str>, IngestError> {
    // UTF-16 with its byte-order mark (as Windows' Notepad saves "Unicode"): unambiguous.
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes).filter(|(encoding, _)| {
        *encoding == encoding_rs::UTF_16LE || *encoding == encoding_rs::UTF_16BE
    }) {
        let text = encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom_length..])
            .ok_or_else(|| IngestError::InvalidEncoding {
                path: path.to_path_buf(),
                encoding: encoding.name().to_string(),
                declared_by: "its byte-order mark",
            })?;
        return checked_text(path, Cow::Owned(text.into_owned()));
    }
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if without_bom.contains(&0) {
        // UTF-16 without its byte-order mark (some export tools): French text in it is
        // almost all below U+0100, so one byte of nearly every pair is zero, always the same.
        let utf16 = utf16_without_bom(without_bom).and_then(|encoding| {
            encoding.decode_without_bom_handling_and_without_replacement(without_bom)
        });
        if let Some(text) = utf16 {
            return checked_text(path, Cow::Owned(text.into_owned()));
        }
        return Err(IngestError::Binary {
            path: path.to_path_buf(),
        });
    }
    // Validated with SIMD (about ten times the standard library's speed on French text, the
    // first tenth of a second of a large JSON Lines file); the standard library, which says
    // where and how the text is broken, only for the error.
    let validated = match simdutf8::basic::from_utf8(without_bom) {
        Ok(text) => Ok(text),
        Err(_) => std::str::from_utf8(without_bom),
    };
    let text = match validated {
        Ok(text) => Cow::Borrowed(text),
        Err(error) => {
            let offset = error.valid_up_to() + (bytes.len() - without_bom.len());
            // No more bytes after the start of a character: the file was cut short.
            let invalid = || match error.error_len() {
                None => IngestError::TruncatedUtf8 {
                    path: path.to_path_buf(),
                    offset,
                },
                Some(_) => IngestError::InvalidUtf8 {
                    path: path.to_path_buf(),
                    offset,
                },
            };
            let encoding = match kind {
                DocumentKind::Html => declared_encoding(without_bom).ok_or_else(invalid)?,
                _ => return Err(invalid()),
            };
            encoding
                .decode_without_bom_handling_and_without_replacement(without_bom)
                .ok_or_else(|| IngestError::InvalidEncoding {
                    path: path.to_path_buf(),
                    encoding: encoding.name().to_string(),
                    declared_by: "its <meta>",
                })?
        }
    };
    checked_text(path, text)
}

/// `text`, unless it looks binary or holds nothing readable.
fn checked_text<'a>(path: &Path, text: Cow<'a, str>) -> Result<Cow<'a, str>, IngestError> {
    if super::controls::stray_control_count(&text) * 10 > text.chars().count() {
        return Err(IngestError::Binary {
            path: path.to_path_buf(),
        });
    }
    if text.trim().is_empty() {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(text)
}

/// The encoding a page's head declares, when it is one that can be read byte by byte the way
/// its declaration is written (not UTF-8, which failed, nor UTF-16).
fn declared_encoding(page: &[u8]) -> Option<&'static Encoding> {
    let head = &page[..page.len().min(DECLARATION_SCAN_BYTES)];
    let captures = DECLARED_CHARSET.captures(head)?;
    let label = captures.get(1).or_else(|| captures.get(2))?.as_bytes();
    let encoding = Encoding::for_label(label)?;
    (encoding.is_ascii_compatible() && encoding != encoding_rs::UTF_8).then_some(encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(kind: DocumentKind, bytes: &[u8]) -> Result<String, IngestError> {
        decode(Path::new("page.html"), kind, bytes).map(Cow::into_owned)
    }

    #[test]
    fn broken_utf16_names_its_byte_order_mark() {
        // A byte-order mark, then an odd number of bytes.
        let error = read(DocumentKind::Text, b"\xff\xfeA\x00b\x00c")
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(error.contains("UTF-16LE"), "{error}");
        assert!(error.contains("byte-order mark"), "{error}");
        assert!(!error.contains("<meta>"), "{error}");
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_recognised_and_binary_is_not_taken_for_it() {
        let french = "L\u{2019}œuvre de la coopération policière franco-belge.\n";
        let mut little_endian = Vec::new();
        let mut big_endian = Vec::new();
        for unit in french.encode_utf16() {
            little_endian.extend(unit.to_le_bytes());
            big_endian.extend(unit.to_be_bytes());
        }
        for bytes in [&little_endian, &big_endian] {
            let text = read(DocumentKind::Text, bytes).unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(text, french);
        }
        // NUL bytes here and there are not UTF-16: still refused as binary.
        let binary = b"PK\x03\x04\x14\x00\x00\x00\x08\x00abcdefgh";
        assert!(matches!(
            read(DocumentKind::Text, binary),
            Err(IngestError::Binary { .. })
        ));
    }

    #[test]
    fn a_page_declaring_a_legacy_encoding_is_read_in_it() {
        let windows_1252 = b"<html><head><meta charset=\"windows-1252\"><title>S\xe9curit\xe9</title></head><body>L\x92\xe9change \x80 100</body></html>";
        let text = read(DocumentKind::Html, windows_1252).unwrap_or_else(|error| panic!("{error}"));
        assert!(text.contains("<title>Sécurité</title>"), "{text}");
        assert!(text.contains("L\u{2019}échange € 100"), "{text}");
        let http_equiv = b"<HTML><HEAD><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=ISO-8859-1\"></HEAD><BODY>Coop\xe9ration polici\xe8re</BODY></HTML>";
        let text = read(DocumentKind::Html, http_equiv).unwrap_or_else(|error| panic!("{error}"));
        assert!(text.contains("Coopération policière"), "{text}");
        let xml =
            b"<?xml version='1.0' encoding='iso-8859-15'?><html><body>\xa4 et \xe0</body></html>";
        let text = read(DocumentKind::Html, xml).unwrap_or_else(|error| panic!("{error}"));
        assert!(text.contains("€ et à"), "{text}");
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_read_and_a_cut_utf8_file_is_called_truncated() {
        let mut little_endian = vec![0xFF, 0xFE];
        let mut big_endian = vec![0xFE, 0xFF];
        for unit in "Sécurité intérieure\n".encode_utf16() {
            little_endian.extend(unit.to_le_bytes());
            big_endian.extend(unit.to_be_bytes());
        }
        for bytes in [&little_endian, &big_endian] {
            let text = read(DocumentKind::Text, bytes).unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(text, "Sécurité intérieure\n");
        }
        let cut = &"<p>Sécurité</p>".as_bytes()[..5];
        let error = read(DocumentKind::Html, cut)
            .err()
            .map(|error| error.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|message| message.contains("offset 4")
                    && message.contains("truncated")
                    && !message.contains("WINDOWS-1252")),
            "{error:?}"
        );
    }

    #[test]
    fn valid_utf8_wins_over_a_wrong_declaration_and_undeclared_bytes_are_refused() {
        let mislabelled = "<meta charset=\"windows-1252\"><p>Sécurité</p>".as_bytes();
        let text = read(DocumentKind::Html, mislabelled).unwrap_or_else(|error| panic!("{error}"));
        assert!(text.contains("Sécurité"), "{text}");
        for (kind, bytes) in [
            (DocumentKind::Text, &b"S\xe9curit\xe9 int\xe9rieure"[..]),
            (DocumentKind::Html, &b"<p>S\xe9curit\xe9</p>"[..]),
            (
                DocumentKind::Html,
                &b"<meta charset=\"utf-8\"><p>S\xe9curit\xe9</p>"[..],
            ),
        ] {
            let error = read(kind, bytes).err().map(|error| error.to_string());
            assert!(
                error
                    .as_deref()
                    .is_some_and(|message| message.contains("not valid UTF-8")
                        && message.contains("convert")),
                "{error:?}"
            );
        }
    }
}
