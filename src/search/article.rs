//! The articles and acts a query names. A reference typed (`421-1 code pénal`, `article
//! 100`, `2016/679`) is a lookup: the passages of that article, or the opening of that act,
//! rank above those that merely cite it (`QueryBuilder::lookup`).

use std::sync::LazyLock;

use super::query::{typed, Clause, ParsedQuery};
use crate::analysis::analyze;

/// The kinds of act a number typed right after names (`loi 78-17`, `décret n° 2005-1726`),
/// as the analyzer reads them.
static ACT_KINDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    analyze("loi décret ordonnance arrêté règlement directive décision convention")
});

/// What a query says of the articles it names.
#[derive(Debug, Default, PartialEq)]
pub struct Named<'a> {
    /// The article numbers named: a term shaped like an article number (`421-1`, `l232-1`,
    /// `706-73`: digits and a hyphen, or a code letter and digits), or any number right after
    /// the word `article` (`article 100`). A number alone (`13 ans`, `96 heures`) names nothing.
    pub references: Vec<&'a str>,
    /// The groups that are neither a reference nor the word `article`: what the query says of
    /// the text the article is in (`code pénal`, `RGPD`) or of its subject.
    pub rest: Vec<usize>,
    /// The numbers of the acts named by a number with a hyphen right after a kind of act
    /// (`article 101 loi 78-17`: the law 78-17, not an article 78-17).
    pub acts: Vec<&'a str>,
}

/// The articles `parsed` names, the acts it names by a number with a hyphen, and the rest of
/// the query.
pub fn named(parsed: &ParsedQuery) -> Named<'_> {
    let mut named = Named::default();
    let mut after_article = false;
    let mut after_act_kind = false;
    for (index, group) in parsed.groups.iter().enumerate() {
        let typed = typed_clauses(group);
        let is_article_word = is_article_word(&typed);
        let names_a_number = after_article || parsed.numbered_articles.contains(&index);
        let found = named.references.len() + named.acts.len();
        for clause in typed {
            // A number after `article` (`article 100`) names an article when typed alone.
            if let Clause::Term(term) = clause {
                if names_a_number && is_number(term) {
                    named.references.push(term.as_str());
                    continue;
                }
            }
            // `R613-3` is read as the code letter, then the reference; `loi 78-17` as a law.
            for (term, after_kind) in terms_after_act_kinds(clause, after_act_kind) {
                if after_kind && is_numbered_with_a_hyphen(term) {
                    named.acts.push(term);
                } else if is_shaped_like_an_article(term) {
                    named.references.push(term);
                }
            }
        }
        if named.references.len() + named.acts.len() == found && !is_article_word {
            named.rest.push(index);
        }
        after_article = is_article_word;
        after_act_kind = ends_with_an_act_kind(group);
    }
    named
}

/// The acts `parsed` names: terms shaped like an act's number (`2016/679`, `562/2006`:
/// digits, a slash, digits), and numbers with a hyphen right after a kind of act (`loi
/// 78-17`), as typed or as alternatives typed with `OR`; the rest are the other groups.
/// Other numbers with a hyphen (`421-1`) are read as articles (see [`named`]).
pub fn named_acts(parsed: &ParsedQuery) -> Named<'_> {
    let mut named = Named::default();
    let mut after_act_kind = false;
    for (index, group) in parsed.groups.iter().enumerate() {
        let found = named.references.len();
        for clause in typed_clauses(group) {
            // `2004/82/CE` is read as the number, then `CE`.
            named.references.extend(
                terms_after_act_kinds(clause, after_act_kind)
                    .into_iter()
                    .filter(|&(term, after_kind)| {
                        is_shaped_like_an_act(term)
                            || (after_kind && is_numbered_with_a_hyphen(term))
                    })
                    .map(|(term, _)| term),
            );
        }
        if named.references.len() == found {
            named.rest.push(index);
        }
        after_act_kind = ends_with_an_act_kind(group);
    }
    named
}

/// The terms a typed clause holds in order (a term, a phrase's, or those of words typed that
/// form a synonym, `loi n° 78-17`), each with whether it comes right after a kind of act;
/// `after_act_kind`: whether the clause itself does.
fn terms_after_act_kinds(clause: &Clause, after_act_kind: bool) -> Vec<(&str, bool)> {
    let mut terms = Vec::new();
    clause.collect_typed_terms(&mut terms);
    let mut previous_is_kind = after_act_kind;
    terms
        .into_iter()
        .map(|term| {
            let after_kind = previous_is_kind;
            previous_is_kind = is_act_kind(term);
            (term, after_kind)
        })
        .collect()
}

/// True when what was typed in a group ends with a kind of act (`loi`, `décret`…).
fn ends_with_an_act_kind(group: &[Clause]) -> bool {
    let mut terms = Vec::new();
    for clause in typed_clauses(group) {
        clause.collect_typed_terms(&mut terms);
    }
    terms.last().is_some_and(|last| is_act_kind(last))
}

/// True for an analysed kind of act (`loi`, `décret`…).
fn is_act_kind(term: &str) -> bool {
    ACT_KINDS.iter().any(|kind| kind == term)
}

/// What was typed in a group, whatever synonyms follow it (`100`, `cent`); each alternative
/// typed with `OR` (`421-1 OR 421-2`).
fn typed_clauses(group: &[Clause]) -> Vec<&Clause> {
    match typed(group) {
        Some(typed) => vec![typed],
        None => group
            .iter()
            .filter(|clause| !matches!(clause, Clause::Synonym(_)))
            .collect(),
    }
}

/// True for a number of two parts joined by a hyphen (`78-17`, `2015-912`), as laws and
/// decrees are numbered.
fn is_numbered_with_a_hyphen(term: &str) -> bool {
    term.split_once('-')
        .is_some_and(|(first, second)| is_number(first) && is_number(second))
}

/// True for an analysed term shaped like an act's number: digits, a slash, digits.
pub(super) fn is_shaped_like_an_act(term: &str) -> bool {
    term.split_once('/').is_some_and(|(first, second)| {
        is_number(first) && is_number(second.split('/').next().unwrap_or_default())
    })
}

/// An act's number typed the other way round (`679/2016` for `2016/679`; older acts are
/// numbered number/year, `45/2001`), as the number the other way round; `None` for any
/// other term.
pub(super) fn act_number_reversed(term: &str) -> Option<String> {
    let (first, second) = term.split_once('/')?;
    (is_number(first) && is_number(second)).then(|| format!("{second}/{first}"))
}

/// Drops each word `article` (or `art.`) typed right before a reference: it says that what
/// follows is an article number, and searched as a word it matched every passage citing any
/// article (`article L. 851-2`, which the texts do not hold, found 3,874 passages holding
/// `article`). A number after it is kept as naming an article (`numbered_articles`).
pub fn drop_article_words(parsed: &mut ParsedQuery) {
    let mut kept = Vec::with_capacity(parsed.groups.len());
    let mut numbered = Vec::new();
    // The new index of each group, `None` for the words dropped.
    let mut new_index = Vec::with_capacity(parsed.groups.len());
    let mut groups = std::mem::take(&mut parsed.groups).into_iter().peekable();
    while let Some(group) = groups.next() {
        let article_word = typed(&group).is_some_and(|typed| is_article_word(&[typed]));
        let dropped = match (article_word, groups.peek().and_then(|next| typed(next))) {
            (true, Some(Clause::Term(term))) if is_number(term) => {
                numbered.push(kept.len());
                true
            }
            (true, Some(Clause::Term(term))) => is_shaped_like_an_article(term),
            // `R. 613-3` is read as the code letter, then the reference.
            (true, Some(Clause::Phrase(terms))) => terms
                .iter()
                .any(|(_, term)| is_shaped_like_an_article(term)),
            _ => false,
        };
        if dropped {
            new_index.push(None);
        } else {
            new_index.push(Some(kept.len()));
            kept.push(group);
        }
    }
    parsed.groups = kept;
    parsed.renumber(|index| new_index.get(index).copied().flatten());
    parsed.numbered_articles = numbered;
}

/// True for the word `article` or its abbreviation `art.`, analysed, alone in its group.
fn is_article_word(typed: &[&Clause]) -> bool {
    matches!(typed, [Clause::Term(term)] if term == "articl" || term == "art")
}

/// True for a term of digits only (`100`).
fn is_number(term: &str) -> bool {
    !term.is_empty() && term.bytes().all(|byte| byte.is_ascii_digit())
}

/// True for an analysed term shaped like an article number: digits and a hyphen (`421-1`,
/// `l232-1`), or a code letter and digits (`r613`).
fn is_shaped_like_an_article(term: &str) -> bool {
    let has_digit = term.bytes().any(|byte| byte.is_ascii_digit());
    let mut bytes = term.bytes();
    let coded = matches!(bytes.next(), Some(b'l' | b'r' | b'd' | b'a'))
        && bytes.next().is_some_and(|byte| byte.is_ascii_digit());
    has_digit && (term.contains('-') || coded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::french_analyzer;
    use crate::search::query::parse;

    fn references(query: &str) -> Vec<String> {
        let parsed = parse(query, &mut french_analyzer());
        named(&parsed)
            .references
            .into_iter()
            .map(String::from)
            .collect()
    }

    fn rest(query: &str) -> Vec<usize> {
        named(&parse(query, &mut french_analyzer())).rest
    }

    #[test]
    fn article_numbers_are_references_as_typed_or_after_the_word_article() {
        assert_eq!(references("421-1 code pénal"), ["421-1"]);
        assert_eq!(references("article L. 232-1 du code du sport"), ["l232-1"]);
        assert_eq!(references("art. 706-73"), ["706-73"]);
        assert_eq!(
            references("l'article 100 du code de procédure pénale"),
            ["100"]
        );
        assert_eq!(references("R613-3 et articles 78-2"), ["r613-3", "78-2"]);
        assert_eq!(references("421-1 OR 421-2 code pénal"), ["421-1", "421-2"]);
        assert_eq!(references("article 100 OR 101"), ["100", "101"]);
    }

    #[test]
    fn numbers_that_name_no_article_are_not_references() {
        assert!(references("couvre-feu des mineurs de moins de 13 ans").is_empty());
        assert!(references("garde à vue de 96 heures").is_empty());
        assert!(references("règlement (UE) 2016/679").is_empty());
        assert!(references("article premier").is_empty());
        assert!(references("dossiers PNR").is_empty());
    }

    #[test]
    fn numbers_with_a_slash_name_acts() {
        let acts = |query: &str| {
            let parsed = parse(query, &mut french_analyzer());
            let named = named_acts(&parsed);
            let references: Vec<String> = named
                .references
                .iter()
                .map(|term| term.to_string())
                .collect();
            (references, named.rest.len())
        };
        assert_eq!(acts("2016/679"), (vec!["2016/679".to_string()], 0));
        assert_eq!(
            acts("règlement (UE) 2016/679"),
            (vec!["2016/679".into()], 2)
        );
        assert_eq!(
            acts("2016/681 OR 2016/679"),
            (vec!["2016/681".into(), "2016/679".into()], 0)
        );
        assert_eq!(acts("directive 2004/82/CE"), (vec!["2004/82".into()], 1));
        // A number with a hyphen names an act right after a kind of act, not elsewhere.
        assert_eq!(acts("loi 78-17"), (vec!["78-17".into()], 1));
        assert_eq!(acts("loi n° 78-17"), (vec!["78-17".into()], 1));
        assert_eq!(acts("décret n° 2005-1726"), (vec!["2005-1726".into()], 1));
        assert_eq!(acts("78-17 loi").0, Vec::<String>::new());
        assert_eq!(acts("421-1 code pénal").0, Vec::<String>::new());
        assert_eq!(acts("loi 421-1-2").0, Vec::<String>::new());
        // Within a phrase too (a synonym typed in full is one).
        assert_eq!(acts("\"loi n° 78-17\"").0, vec!["78-17".to_string()]);
        assert_eq!(acts("\"2004/82/CE\"").0, vec!["2004/82".to_string()]);
    }

    #[test]
    fn an_article_of_a_law_named_by_its_number_is_an_article_of_that_law() {
        let parsed = parse("article 101 loi 78-17", &mut french_analyzer());
        let named = named(&parsed);
        assert_eq!(named.references, ["101"]);
        assert_eq!(named.acts, ["78-17"]);
        // loi
        assert_eq!(named.rest, [2]);
        let parsed = parse("article 101 \"loi n° 78-17\"", &mut french_analyzer());
        let named = super::named(&parsed);
        assert_eq!((named.references, named.acts), (vec!["101"], vec!["78-17"]));
        let parsed = parse("\"R. 613-3\"", &mut french_analyzer());
        assert_eq!(super::named(&parsed).references, ["r613-3"]);
        let parsed = parse(
            "article 78-2 code de procédure pénale",
            &mut french_analyzer(),
        );
        assert!(super::named(&parsed).acts.is_empty());
    }

    fn without_article_words(query: &str) -> (Vec<String>, Vec<String>) {
        let mut parsed = parse(query, &mut french_analyzer());
        drop_article_words(&mut parsed);
        let mut terms = Vec::new();
        for group in &parsed.groups {
            for clause in group {
                clause.collect_terms(&mut terms);
            }
        }
        let terms = terms.into_iter().map(String::from).collect();
        let references = named(&parsed)
            .references
            .into_iter()
            .map(String::from)
            .collect();
        (terms, references)
    }

    #[test]
    fn the_word_article_before_a_reference_is_not_searched() {
        let (terms, references) = without_article_words("article L. 851-2");
        assert_eq!(
            (terms, references),
            (vec!["l851-2".into()], vec!["l851-2".into()])
        );
        let (terms, references) = without_article_words("art. 706-73-1 criminalité organisée");
        assert!(!terms.contains(&"art".to_string()), "{terms:?}");
        assert_eq!(references, ["706-73-1"]);
        // A number after it still names an article, and the rest stays.
        for typed in ["article R. 613-3", "art. R. 613-3", "article r 613-3"] {
            let (terms, references) = without_article_words(typed);
            assert!(!terms.contains(&"articl".to_string()), "{typed}: {terms:?}");
            assert!(!terms.contains(&"art".to_string()), "{typed}: {terms:?}");
            assert!(!references.is_empty(), "{typed}");
        }
        let (terms, references) = without_article_words("article 100 code de procédure pénale");
        assert!(!terms.contains(&"articl".to_string()), "{terms:?}");
        assert!(terms.contains(&"penal".to_string()), "{terms:?}");
        assert_eq!(references, ["100"]);
        // Not before a reference, it is a word like any other.
        let (terms, references) = without_article_words("article premier");
        assert!(terms.contains(&"articl".to_string()), "{terms:?}");
        assert!(references.is_empty());
        let (terms, _) = without_article_words("articles 78-2 et article");
        assert_eq!(terms, ["78-2", "articl"]);
    }

    #[test]
    fn the_rest_of_the_query_is_what_is_neither_a_reference_nor_the_word_article() {
        // rgpd, article, 35, analys, impact
        assert_eq!(rest("RGPD article 35 analyse d'impact"), [0, 3, 4]);
        // 421-1, code, penal
        assert_eq!(rest("421-1 code pénal"), [1, 2]);
        assert!(rest("article 100").is_empty());
        assert_eq!(rest("dossiers PNR"), [0, 1]);
    }

    #[test]
    fn an_act_number_reads_the_other_way_round() {
        assert_eq!(act_number_reversed("679/2016").as_deref(), Some("2016/679"));
        assert_eq!(act_number_reversed("45/2001").as_deref(), Some("2001/45"));
        for other in ["2016/679/ue", "421-1", "l232-1", "2016", "/679", "a/b"] {
            assert_eq!(act_number_reversed(other), None, "{other}");
        }
    }
}
