//! Initials set apart by a PDF conversion: the first letter of a list item or a heading
//! standing alone before the rest of its word (`• C onserver ces évènements`, `- l es
//! droits`, `1. L e rappel`), which then is neither found nor marked.
//!
//! At the start of a line, after its list marker if any, a letter standing alone before a
//! word in lower case is joined to it when the document holds the joined word elsewhere
//! (`conserver`, `les`) or never holds the rest alone (`ecenser`); in a document where other
//! initials were, whatever the rest (`O mettre`, though `mettre` is a word). `à` and `y` are
//! words and never joined (`y compris`); `A` is one too (the codes write `A défaut` for `À
//! défaut`), joined only in a document where other initials were (`A ssurer`, `a ccès`).
//!
//! Imports nothing outside `ingest`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

/// How many other initials set apart show that a document's conversion sets them apart, for
/// an `A` to be joined too.
const MIN_EVIDENCE: usize = 2;

/// True for the letters that are French words (`a`, `à`, `y`).
fn is_a_word(letter: &str) -> bool {
    matches!(letter, "a" | "à" | "y")
}

/// A letter standing alone at the start of a line, before a word in lower case.
struct SetApart {
    /// The space between the letter and the rest of its word (bytes).
    space: usize,
    /// The letter, lower-cased.
    letter: String,
    /// The rest of the word (bytes).
    rest: Range<usize>,
}

/// `text` with the initials a conversion set apart joined back to their words; borrowed when
/// there are none.
pub(crate) fn rejoin_initials(text: &str) -> Cow<'_, str> {
    let found = set_apart_initials(text);
    // Only `A`, `à` or `y` (the codes' `A défaut`): nothing to join, no words to count.
    if found.iter().all(|initial| is_a_word(&initial.letter)) {
        return Cow::Borrowed(text);
    }
    let counts = word_counts(text);
    let mut as_rests: HashMap<String, usize> = HashMap::new();
    for initial in &found {
        *as_rests
            .entry(text[initial.rest.clone()].to_lowercase())
            .or_default() += 1;
    }
    let count = |word: &str| counts.get(word).copied().unwrap_or(0);
    let belongs_to_its_word = |initial: &SetApart| {
        let rest = text[initial.rest.clone()].to_lowercase();
        let rest_stands_alone = count(&rest) > as_rests.get(&rest).copied().unwrap_or(0);
        count(&format!("{}{rest}", initial.letter)) > 0 || !rest_stands_alone
    };
    let joins: Vec<bool> = found
        .iter()
        .map(|initial| !is_a_word(&initial.letter) && belongs_to_its_word(initial))
        .collect();
    // In a document whose conversion set other initials apart, a letter that is no word is
    // an initial too, even when the rest of its word is a word elsewhere (`• O mettre`, with
    // `mettre` in the text); `A` opens a sentence of the codes (`A défaut`), and is joined
    // there only when it belongs to its word.
    let converted_so = joins.iter().filter(|&&join| join).count() >= MIN_EVIDENCE;
    let mut joined = String::with_capacity(text.len());
    let mut copied = 0;
    for (initial, join) in found.iter().zip(joins) {
        let join = join
            || (converted_so
                && match initial.letter.as_str() {
                    "a" => belongs_to_its_word(initial),
                    letter => !is_a_word(letter),
                });
        if join {
            joined.push_str(&text[copied..initial.space]);
            copied = initial.space + 1;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    joined.push_str(&text[copied..]);
    Cow::Owned(joined)
}

/// Every letter standing alone at the start of a line (after its list marker: `-`, `•`,
/// `*`, `1.`, `2)`, `#`…) before a space and a word starting in lower case.
fn set_apart_initials(text: &str) -> Vec<SetApart> {
    let mut found = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if let Some(initial) = set_apart_initial(line) {
            found.push(SetApart {
                space: line_start + initial.space,
                letter: initial.letter,
                rest: line_start + initial.rest.start..line_start + initial.rest.end,
            });
        }
        line_start += line.len();
    }
    found
}

/// The letter set apart at the start of `line`, with offsets within the line.
fn set_apart_initial(line: &str) -> Option<SetApart> {
    let start = line.len() - after_list_marker(line).len();
    let mut chars = line[start..].char_indices();
    let (_, letter) = chars.next()?;
    let (space, after_letter) = chars.next()?;
    if !letter.is_alphabetic() || after_letter != ' ' {
        return None;
    }
    let rest_start = start + space + 1;
    let rest_length = line[rest_start..]
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(line.len() - rest_start);
    let rest = &line[rest_start..rest_start + rest_length];
    if !rest.chars().next().is_some_and(char::is_lowercase) {
        return None;
    }
    Some(SetApart {
        space: start + space,
        letter: letter.to_lowercase().collect(),
        rest: rest_start..rest_start + rest_length,
    })
}

/// `line` after its indentation and list marker (`-`, `•`, `*`, `–`, `▪`, `#`, `1.`, `2)`)
/// and the spaces after it.
fn after_list_marker(line: &str) -> &str {
    let line = line.trim_start_matches([' ', '\t']);
    let marker_end = if line.starts_with(|c: char| c.is_ascii_digit()) {
        let digits = line
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(line.len());
        match line[digits..].chars().next() {
            Some('.' | ')') if digits <= 3 => digits + 1,
            _ => 0,
        }
    } else {
        line.len()
            - line
                .trim_start_matches(['-', '•', '*', '–', '—', '▪', '◦', '·', '#'])
                .len()
    };
    line[marker_end..].trim_start_matches([' ', '\t'])
}

/// How many times each word (a run of letters, lower-cased) occurs in `text`.
fn word_counts(text: &str) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if !word.is_empty() {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_set_apart_are_joined_to_their_words() {
        let text = concat!(
            "Les précautions élémentaires\n",
            "• C onserver ces évènements sur une période glissante.\n",
            "- l es journaux sont protégés ; il faut conserver les traces.\n",
            "1. L e rappel des règles.\n",
            "• R ecenser les traitements.\n",
            "• A ssurer la sauvegarde.\n",
            "- a ccès aux journaux.\n",
            "• O mettre l'analyse des risques.\n",
            "Le service garde le rappel, doit assurer l'accès et mettre à jour.\n",
        );
        assert_eq!(
            rejoin_initials(text),
            concat!(
                "Les précautions élémentaires\n",
                "• Conserver ces évènements sur une période glissante.\n",
                "- les journaux sont protégés ; il faut conserver les traces.\n",
                "1. Le rappel des règles.\n",
                "• Recenser les traitements.\n",
                "• Assurer la sauvegarde.\n",
                "- accès aux journaux.\n",
                "• Omettre l'analyse des risques.\n",
                "Le service garde le rappel, doit assurer l'accès et mettre à jour.\n",
            )
        );
    }

    #[test]
    fn letters_that_are_words_stay_apart() {
        // The codes write `À` as `A` at the start of a paragraph; `y compris`, `à la`.
        let text = concat!(
            "A défaut d'accord, le juge statue.\n",
            "A tout moment, la personne est un atout.\n",
            "- y compris les données ;\n",
            "- à la demande de l'intéressé.\n",
            "A l'expiration du délai, la peine est exécutée.\n",
        );
        assert_eq!(rejoin_initials(text), text);
    }

    #[test]
    fn a_letter_before_a_word_is_no_initial_without_other_evidence() {
        // `O mettre` alone: `mettre` is a word of the text, and nothing else shows that the
        // conversion set initials apart.
        let text = "• O mettre la date.\nIl faut mettre la date.\n";
        assert_eq!(rejoin_initials(text), text);
    }

    #[test]
    fn text_without_initials_set_apart_is_borrowed() {
        let text = "La coopération policière.\n\n- Les équipes communes d'enquête.\n";
        assert!(matches!(rejoin_initials(text), Cow::Borrowed(_)));
    }
}
