//! The articles a query names. A reference typed (`421-1 code pénal`, `article 100`) is a
//! lookup: the passages of that article rank above those that merely cite it
//! (`QueryBuilder::article_lookup`).

use super::query::{Clause, ParsedQuery};

/// The article numbers the query names: a term shaped like an article number (`421-1`,
/// `l232-1`, `706-73`: digits and a hyphen, or a code letter and digits), or any number right
/// after the word `article` (`article 100`). A number alone (`13 ans`, `96 heures`) names
/// nothing.
pub fn references(parsed: &ParsedQuery) -> Vec<&str> {
    let mut references = Vec::new();
    let mut after_article = false;
    for group in &parsed.groups {
        // What was typed, whatever synonyms follow it (`100`, `cent`).
        let typed = match group.as_slice() {
            [typed, others @ ..]
                if others
                    .iter()
                    .all(|other| matches!(other, Clause::Synonym(_))) =>
            {
                Some(typed)
            }
            _ => None,
        };
        match typed {
            Some(Clause::Term(term)) => {
                let numbered = after_article && term.bytes().all(|byte| byte.is_ascii_digit());
                if numbered || is_shaped_like_an_article(term) {
                    references.push(term.as_str());
                }
            }
            // `R613-3` is read as the code letter, then the reference.
            Some(Clause::Phrase(terms)) => references.extend(
                terms
                    .iter()
                    .map(|(_, term)| term.as_str())
                    .filter(|term| is_shaped_like_an_article(term)),
            ),
            _ => {}
        }
        after_article =
            matches!(typed, Some(Clause::Term(term)) if term == "articl" || term == "art");
    }
    references
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

    fn named(query: &str) -> Vec<String> {
        let parsed = parse(query, &mut french_analyzer());
        references(&parsed).into_iter().map(String::from).collect()
    }

    #[test]
    fn article_numbers_are_references_as_typed_or_after_the_word_article() {
        assert_eq!(named("421-1 code pénal"), ["421-1"]);
        assert_eq!(named("article L. 232-1 du code du sport"), ["l232-1"]);
        assert_eq!(named("art. 706-73"), ["706-73"]);
        assert_eq!(named("l'article 100 du code de procédure pénale"), ["100"]);
        assert_eq!(named("R613-3 et articles 78-2"), ["r613-3", "78-2"]);
    }

    #[test]
    fn numbers_that_name_no_article_are_not_references() {
        assert!(named("couvre-feu des mineurs de moins de 13 ans").is_empty());
        assert!(named("garde à vue de 96 heures").is_empty());
        assert!(named("règlement (UE) 2016/679").is_empty());
        assert!(named("article premier").is_empty());
        assert!(named("dossiers PNR").is_empty());
    }
}
