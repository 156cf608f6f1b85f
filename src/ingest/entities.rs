//! Character references (`&eacute;`, `&nbsp;`, `&#233;`, `&#xE9;`) in text that HTML or
//! Markdown gives as text: every named reference HTML defines, and numeric ones.

use std::borrow::Cow;

use markup5ever::data::NAMED_ENTITIES;

/// Longest reference read, `;` included (`&CounterClockwiseContourIntegral;` is 33).
const MAX_REFERENCE_LEN: usize = 40;

/// `text` with its character references replaced by the characters they name. A reference
/// must end with `;`; an unknown one, or an `&` alone (`R&D`), is kept as written.
pub(crate) fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        decoded.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let reference = after
            .find(';')
            .filter(|end| *end < MAX_REFERENCE_LEN)
            .and_then(|end| Some((characters_of(&after[..=end])?, end)));
        match reference {
            Some(((first, second), end)) => {
                decoded.push(first);
                decoded.extend(second);
                rest = &after[end + 1..];
            }
            None => {
                decoded.push('&');
                rest = after;
            }
        }
    }
    decoded.push_str(rest);
    Cow::Owned(decoded)
}

/// The characters a reference names, given without its `&` and with its `;` (`eacute;`).
fn characters_of(reference: &str) -> Option<(char, Option<char>)> {
    let name = reference.strip_suffix(';')?;
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        // NUL and surrogates are not characters a text may hold.
        return char::from_u32(code)
            .filter(|character| *character != '\0')
            .map(|character| (character, None));
    }
    let (first, second) = NAMED_ENTITIES.get(reference)?;
    let first = char::from_u32(*first)?;
    let second = (*second != 0).then(|| char::from_u32(*second)).flatten();
    Some((first, second))
}

#[cfg(test)]
mod tests {
    use super::decode_entities;

    #[test]
    fn named_and_numeric_references_are_decoded() {
        assert_eq!(
            decode_entities("S&eacute;curit&#233; &amp; libert&#xE9;s&nbsp;!"),
            "Sécurité & libertés\u{a0}!"
        );
        assert_eq!(decode_entities("&laquo; &OElig;uvre &raquo;"), "« Œuvre »");
    }

    #[test]
    fn what_is_not_a_reference_is_kept() {
        for text in [
            "R&D",
            "a & b",
            "&unknown;",
            "&#xZZ;",
            "&#0;",
            "&eacute sans fin",
            "&",
        ] {
            assert_eq!(decode_entities(text), text);
        }
    }
}
