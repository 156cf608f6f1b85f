//! Elisions a PDF conversion wrote apart: a space before the apostrophe (`l ’évolution`,
//! `d 'un organisme`), or an opening quote for it (`L ‘ANSSI`). Searched, the word after it
//! is found all the same; shown, it reads as a typing error. The elided word and the next
//! one are joined again with a typographic apostrophe (`l’évolution`, `L’ANSSI`).
//!
//! Imports nothing outside `ingest`.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// An elided word in lower case standing alone (`l`, `d`, `qu`, `jusqu`…), the spaces after
/// it and an apostrophe, or an opening quote alone (`l‘accès`), then a letter.
static APART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?P<elided>[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)(?:[ \t]+['’‘]|‘)(?P<next>\p{L})",
    )
    .expect("the elision pattern is a valid regex")
});

/// The same, capitalised where a sentence starts: at a line's start (after its list marker,
/// or the number a footnote or a numbered item opens with: `6 L ’article 35`, `2. L ’accès`)
/// or after `. `. Elsewhere a capital letter alone before a quote is no elision (`catégorie C
/// 'x'`).
static APART_AT_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)(?P<lead>^[ \t]*(?:[•*\-–][ \t]*|\d{1,3}(?:[.)][ \t]*|[ \t]+))?|\.[ \t]+)(?P<elided>[LDJMNSTC]|Qu|Jusqu|Lorsqu|Puisqu|Quoiqu)(?:[ \t]+['’‘]|‘)(?P<next>\p{L})",
    )
    .expect("the elision pattern is a valid regex")
});

/// `text` with the elisions a conversion wrote apart joined again; borrowed when there are
/// none.
pub(crate) fn join_elisions(text: &str) -> Cow<'_, str> {
    // Most texts hold none: one pass over the bytes before the patterns'.
    if !text.contains(" ’") && !text.contains(" '") && !text.contains('‘') {
        return Cow::Borrowed(text);
    }
    match APART.replace_all(text, "$elided’$next") {
        Cow::Borrowed(text) => APART_AT_START.replace_all(text, "$lead$elided’$next"),
        Cow::Owned(joined) => Cow::Owned(
            APART_AT_START
                .replace_all(&joined, "$lead$elided’$next")
                .into_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_elision_written_apart_is_joined_with_an_apostrophe() {
        assert_eq!(
            join_elisions("- l ’évolution du contexte ;\nL ‘ANSSI a publié"),
            "- l’évolution du contexte ;\nL’ANSSI a publié"
        );
        assert_eq!(
            join_elisions("membre d 'un organisme, jusqu ’à la fin. L‘Agence\n• L ’article"),
            "membre d’un organisme, jusqu’à la fin. L’Agence\n• L’article"
        );
        // A footnote, or an item numbered, opens with its number.
        assert_eq!(
            join_elisions("6 L ’article 35 du RGPD\n2. D ’abord\n12) L ’accès"),
            "6 L’article 35 du RGPD\n2. D’abord\n12) L’accès"
        );
    }

    #[test]
    fn quotes_and_well_written_elisions_are_left_alone() {
        for text in [
            "l’évolution et d'un organisme",
            "le mot ‘sécurité’ entre guillemets",
            "la catégorie C 'arme' citée",
            "1234 L 'y' et la catégorie C 'x'",
            "les armes ' et ' les munitions",
            "modèle 'x' et del 'y'",
            "Rien à joindre ici.",
        ] {
            assert_eq!(join_elisions(text), text);
        }
    }
}
