//! The number of the act a document is: `Règlement (UE) 2016/679 du Parlement européen…`
//! is the regulation 2016/679, `Loi n° 78-17 du 6 janvier 1978…` the law 78-17.
//!
//! A document is an act when its title or its first passage opens with the kind of act
//! (loi, règlement, directive, décision, décret, ordonnance, arrêté, convention), followed
//! within a few words by a number of two parts (`2016/679`, `2004/82/CE`, `562/2006`,
//! `78-17`). A text that merely cites an act names it further in: it is not that act.

use std::sync::LazyLock;

use regex::Regex;

/// The kind of act, then at most four words (`(UE)`, `d'exécution`, `n°`), then the number.
static OPENING_ACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        ^[\s\p{P}]*
        (?:loi|r[èée]glement|directive|d[ée]cision(?:-cadre)?|d[ée]cret|ordonnance|arr[êe]t[ée]|convention)
        (?:\s+[^\s\d][^\s]{0,20}){0,4}?
        \s+(?:n[°ºo]\s*)?
        (?P<number>\d{1,4}[/-]\d{1,4}(?:/[A-Z]{2,4})?)
        (?:[^\w/-]|$)
        ",
    )
    .expect("the act pattern is a valid regex")
});

/// The numbers of the act a document with this title and first passage is, title first;
/// empty when neither opens with an act's name and number.
pub fn own_act_numbers(title: &str, first_passage: &str) -> Vec<String> {
    let mut numbers: Vec<String> = Vec::new();
    for text in [title, first_passage] {
        let Some(number) = opening_act_number(text) else {
            continue;
        };
        if !numbers.iter().any(|known| known == number) {
            numbers.push(number.to_string());
        }
    }
    numbers
}

/// The number of the act `text` opens with, if it opens with one.
fn opening_act_number(text: &str) -> Option<&str> {
    // An act's name fits in its first line; the rest is not read.
    let first_line = text.lines().next().unwrap_or_default();
    let head = match first_line.char_indices().nth(160) {
        Some((end, _)) => &first_line[..end],
        None => first_line,
    };
    OPENING_ACT
        .captures(head)
        .and_then(|captures| captures.name("number"))
        .map(|number| number.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_act_opening_its_text_or_title_is_that_act() {
        let cases = [
            (
                "",
                "Règlement (UE) 2016/679 du Parlement européen et du Conseil",
                vec!["2016/679"],
            ),
            (
                "Loi n° 78-17 du 6 janvier 1978 relative à l'informatique",
                "Modifié par Ordonnance n°2018-1125 du 12 décembre 2018 - art. 1",
                vec!["78-17"],
            ),
            (
                "",
                "Directive 2004/82/CE du Conseil du 29 avril 2004",
                vec!["2004/82/CE"],
            ),
            (
                "",
                "Règlement (CE) n° 562/2006 du Parlement européen",
                vec!["562/2006"],
            ),
            (
                "Règlement d'exécution (UE) 2019/1250 de la Commission",
                "Règlement d'exécution (UE) 2019/1250 de la Commission",
                vec!["2019/1250"],
            ),
            (
                "",
                "DÉCISION-CADRE 2002/584/JAI DU CONSEIL du 13 juin 2002",
                vec!["2002/584/JAI"],
            ),
        ];
        for (title, first, expected) in cases {
            assert_eq!(own_act_numbers(title, first), expected, "{title} | {first}");
        }
    }

    #[test]
    fn a_text_citing_an_act_or_a_dated_act_is_no_numbered_act() {
        let cases = [
            (
                "RGPD - Règlement Général sur la Protection des Données",
                "Le droit de rectification s'exerce dans les conditions prévues à l'article 16 du règlement (UE) 2016/679.",
            ),
            ("Loi sur les extraditions", "Art. 1. (Abrogé) L 15-03-1874, art. 12"),
            ("Projet de loi mandat d'arrêt européen", "Mandat d'arrêt européen"),
            ("Loi du 6 janvier 1978", ""),
            ("Code pénal — Livre IV, Titre II : Du terrorisme", "Constituent des actes de terrorisme…"),
            // A date is not a number of an act.
            ("Décret du 29-05-2019", ""),
        ];
        for (title, first) in cases {
            assert!(
                own_act_numbers(title, first).is_empty(),
                "{title} | {first}"
            );
        }
    }
}
