//! French elision: the clipped words written before an apostrophe (`l'`, `qu'`, `jusqu'`…).
//!
//! The tokenizer asks [`is_elision`] whether the part of a word before an apostrophe is one of
//! them: if so it drops that part (`l'échange` → `échange`), otherwise it joins the two parts
//! (`aujourd'hui` → `aujourdhui`), so neither `l` nor `aujourd` ever reaches the index.

/// The elided forms, lowercase. `quelqu` covers `quelqu'un(e)`, `presqu` covers `presqu'île`.
const ELISIONS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
    "quelqu",
];

/// Longest elided form in bytes: longer prefixes are never elisions.
const LONGEST_ELISION: usize = 6;

/// The apostrophes that may follow an elision: ASCII, typographic, and the modifier letter
/// some word processors produce.
pub fn is_apostrophe(character: char) -> bool {
    matches!(character, '\'' | '\u{2019}' | '\u{02BC}')
}

/// True when `prefix`, the part of a word before an apostrophe, is an elided word (any case).
pub fn is_elision(prefix: &str) -> bool {
    prefix.len() <= LONGEST_ELISION
        && ELISIONS
            .iter()
            .any(|elision| elision.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_elision_bound_is_right() {
        let longest = ELISIONS.iter().map(|elision| elision.len()).max();
        assert_eq!(longest, Some(LONGEST_ELISION));
    }

    #[test]
    fn recognises_elisions_in_any_case() {
        for prefix in ["l", "L", "qu", "QU", "Jusqu", "lorsqu", "quelqu", "presqu"] {
            assert!(is_elision(prefix), "{prefix}");
        }
    }

    #[test]
    fn other_prefixes_are_not_elisions() {
        for prefix in ["aujourd", "prud", "", "la", "quelque", "é"] {
            assert!(!is_elision(prefix), "{prefix}");
        }
    }
}
