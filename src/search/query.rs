//! From the user's query text to a tantivy query.
//!
//! The syntax is small and forgiving: plain words, `"quoted phrases"`, `-excluded` words or
//! phrases, and `OR` between two alternatives. Nothing a user types is a syntax error: an
//! unclosed quote runs to the end, stray operators are ignored, punctuation is left to the
//! analyzer. Each word is analyzed with the index's analyzer, so `l'échange`, `Sécurité` and
//! `2016/681` become the very terms the index holds.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::Term;

use crate::analysis;
use crate::config::{
    DEFAULT_ARTICLE_BOOST, DEFAULT_CONTEXT_BOOST, DEFAULT_COVERAGE_BOOST, DEFAULT_EXACT_BOOST,
    DEFAULT_INHERITED_TITLE_BOOST, DEFAULT_LEAD_IN_BOOST, DEFAULT_PHRASE_BOOST,
    DEFAULT_PROXIMITY_BOOST, DEFAULT_SYNONYM_BOOST, DEFAULT_TITLE_BOOST,
};
use crate::error::SearchError;
use crate::index::schema::{date_key, days_in_month};
use crate::index::Fields;

use super::bonus::WithBonus;
use super::count::CountPlan;
use super::lazy_union::LazyUnion;
use super::types::Filters;

/// A piece of the query that must match: one term, or terms at fixed relative positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// One analyzed term.
    Term(String),
    /// Analyzed terms with their positions relative to the first (gaps are stop words).
    Phrase(Vec<(usize, String)>),
    /// Every one of these clauses, anywhere (words typed that form a synonym).
    All(Vec<Clause>),
    /// Another form of what the user typed, from the synonym list: weighted less.
    Synonym(Box<Clause>),
}

impl Clause {
    /// Appends every term the clause looks for to `terms`.
    pub fn collect_terms<'a>(&'a self, terms: &mut Vec<&'a str>) {
        match self {
            Clause::Term(term) => terms.push(term),
            Clause::Phrase(phrase) => terms.extend(phrase.iter().map(|(_, term)| term.as_str())),
            Clause::All(clauses) => clauses.iter().for_each(|inner| inner.collect_terms(terms)),
            Clause::Synonym(inner) => inner.collect_terms(terms),
        }
    }

    /// Appends the terms typed in the clause, in order, leaving out its synonyms' terms.
    pub fn collect_typed_terms<'a>(&'a self, terms: &mut Vec<&'a str>) {
        match self {
            Clause::Synonym(_) => {}
            Clause::All(clauses) => clauses
                .iter()
                .for_each(|inner| inner.collect_typed_terms(terms)),
            typed => typed.collect_terms(terms),
        }
    }

    /// Number of terms the clause looks for.
    pub fn term_count(&self) -> usize {
        match self {
            Clause::Term(_) => 1,
            Clause::Phrase(terms) => terms.len(),
            Clause::All(clauses) => clauses.iter().map(Clause::term_count).sum(),
            Clause::Synonym(inner) => inner.term_count(),
        }
    }
}

/// The parsed query: groups that should all match (each a set of alternatives), and
/// clauses that must not match.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    /// Each group is satisfied by any of its clauses (`a OR b` is one group of two).
    pub groups: Vec<Vec<Clause>>,
    /// Clauses excluded with `-`.
    pub excluded: Vec<Clause>,
    /// The words and phrases asked for, analyzed for the exact (unstemmed) field: a bonus for
    /// passages holding them as typed, for analysis variants that have that field.
    pub exact: Vec<Clause>,
    /// The groups that are a number typed right after the word `article`, once that word is
    /// dropped (`search::article::drop_article_words`): `article 100` names article 100.
    pub numbered_articles: Vec<usize>,
    /// The groups typed as one word of parts joined by hyphens (`cyber-sécurité`), searched as
    /// the phrase of their parts and as the word written whole: when no passage holds either,
    /// the engine searches their parts apart, as if typed with spaces.
    pub compounds: Vec<usize>,
    /// Every word asked for (quoted or not, not excluded), in the order typed, with its
    /// position in the query as the analyzer counts positions in the texts: a stop word
    /// leaves a gap (`Cour de justice de l'Union européenne`: 0, 2, 4, 5).
    pub typed_words: Vec<(usize, String)>,
    /// The groups typed as a quoted phrase (`"équipes communes d'enquête"`), with the text
    /// between the quotes: when no passage holds the phrase, the engine searches its words.
    pub quoted: Vec<(usize, String)>,
}

impl ParsedQuery {
    /// Follows the groups to their new places after `groups` changed: `new_index` gives the
    /// new index of the group that was at an old one, `None` for a group removed.
    pub fn renumber(&mut self, new_index: impl Fn(usize) -> Option<usize>) {
        for indices in [&mut self.numbered_articles, &mut self.compounds] {
            *indices = indices
                .iter()
                .filter_map(|&index| new_index(index))
                .collect();
        }
        self.quoted = std::mem::take(&mut self.quoted)
            .into_iter()
            .filter_map(|(index, text)| new_index(index).map(|index| (index, text)))
            .collect();
    }

    /// Replaces group `index` by one group per word of `words` (a phrase searched as its
    /// words), the groups after it following to their new places.
    pub fn split_group(&mut self, index: usize, words: Vec<String>) {
        let count = words.len();
        self.groups.splice(
            index..=index,
            words.into_iter().map(|word| vec![Clause::Term(word)]),
        );
        self.renumber(|old| match old.cmp(&index) {
            std::cmp::Ordering::Less => Some(old),
            std::cmp::Ordering::Equal => None,
            std::cmp::Ordering::Greater => Some(old + count - 1),
        });
    }
}

/// A lexical unit of the query syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lexeme {
    Word { text: String, excluded: bool },
    Quoted { text: String, excluded: bool },
    Or,
}

/// Splits query text into words, quoted phrases and `OR`s. Never fails.
fn lex(query: &str) -> Vec<Lexeme> {
    let mut lexemes = Vec::new();
    let mut chars = query.char_indices().peekable();
    while let Some(&(start, character)) = chars.peek() {
        if character.is_whitespace() {
            chars.next();
            continue;
        }
        let excluded = character == '-';
        let body_start = if excluded {
            chars.next();
            match chars.peek() {
                Some(&(next_start, next)) if !next.is_whitespace() => next_start,
                // A lone `-` excludes nothing.
                _ => continue,
            }
        } else {
            start
        };
        let opens_quote = matches!(chars.peek(), Some(&(_, '"' | '«' | '“')));
        if opens_quote {
            chars.next();
            let mut text = String::new();
            for (_, inner) in chars.by_ref() {
                if matches!(inner, '"' | '»' | '”') {
                    break;
                }
                text.push(inner);
            }
            lexemes.push(Lexeme::Quoted { text, excluded });
            continue;
        }
        let mut end = body_start;
        while let Some(&(position, inner)) = chars.peek() {
            if inner.is_whitespace() || inner == '"' {
                break;
            }
            end = position + inner.len_utf8();
            chars.next();
        }
        let text = &query[body_start..end];
        if text == "OR" && !excluded {
            lexemes.push(Lexeme::Or);
        } else if !text.is_empty() {
            lexemes.push(Lexeme::Word {
                text: text.to_string(),
                excluded,
            });
        }
    }
    lexemes
}

/// Joins a code letter written apart (`L.`, `R`) to the article number after it, so that
/// `L. 232-1` is analyzed as the one reference it is.
fn join_article_references(lexemes: Vec<Lexeme>) -> Vec<Lexeme> {
    let mut joined: Vec<Lexeme> = Vec::with_capacity(lexemes.len());
    for lexeme in lexemes {
        if let (
            Some(Lexeme::Word {
                text: letter,
                excluded,
            }),
            Lexeme::Word {
                text: number,
                excluded: false,
            },
        ) = (joined.last_mut(), &lexeme)
        {
            // Typed in lower case, the letter needs its dot or an article-shaped number
            // (`l. 246-1`, `r 613-3`): `d 2` may be an elision typed without its apostrophe.
            let bare = letter.trim_end_matches('.');
            let is_code_letter = matches!(bare, "L" | "R" | "D" | "A")
                || (matches!(bare, "l" | "r" | "d" | "a")
                    && (letter.ends_with('.') || number.contains('-')));
            if is_code_letter && number.starts_with(|c: char| c.is_ascii_digit()) {
                let excluded = *excluded;
                let text = format!("{}{} {number}", bare.to_uppercase(), &letter[bare.len()..]);
                joined.pop();
                joined.push(Lexeme::Word { text, excluded });
                continue;
            }
        }
        joined.push(lexeme);
    }
    joined
}

/// Analyzes one word or phrase into a clause; `None` when nothing is left (stop words only).
fn analyze_clause(analyzer: &mut TextAnalyzer, text: &str) -> Option<Clause> {
    analyze_clause_between(analyzer, text, 0..text.len())
}

/// Analyzes `word` as it reads between the words typed around it, as the analyzer reads the
/// texts: a capital letter alone names something after a word (`catégorie C`) and is a stop
/// word alone; `CE` is an acronym, `LA` in `LA SÉCURITÉ` is not.
fn analyze_word_in(
    analyzer: &mut TextAnalyzer,
    before: &str,
    word: &str,
    after: &str,
) -> Option<Clause> {
    let from = before.len() + 1;
    analyze_clause_between(
        analyzer,
        &format!("{before} {word} {after}"),
        from..from + word.len(),
    )
}

/// Analyzes `text` into a clause from its tokens starting within `span` (bytes).
fn analyze_clause_between(
    analyzer: &mut TextAnalyzer,
    text: &str,
    span: std::ops::Range<usize>,
) -> Option<Clause> {
    let mut stream = analyzer.token_stream(text);
    let mut terms: Vec<(usize, String)> = Vec::new();
    while let Some(token) = stream.next() {
        if !span.contains(&token.offset_from) {
            continue;
        }
        match terms.last_mut() {
            // A second form at the same position is the more specific one (a whole article
            // reference `l232-1` after its number `232-1`): the user wrote it, so look for it.
            Some((position, term)) if *position == token.position => term.clone_from(&token.text),
            _ => terms.push((token.position, token.text.clone())),
        }
    }
    let first_position = terms.first()?.0;
    if terms.len() == 1 {
        return terms.pop().map(|(_, term)| Clause::Term(term));
    }
    Some(Clause::Phrase(
        terms
            .into_iter()
            .map(|(position, term)| (position - first_position, term))
            .collect(),
    ))
}

/// The words and phrases a query asks for (not the excluded ones), analyzed with
/// `exact_analyzer` for the exact field.
pub fn exact_clauses(query: &str, exact_analyzer: &mut TextAnalyzer) -> Vec<Clause> {
    join_article_references(lex(query))
        .into_iter()
        .filter_map(|lexeme| match lexeme {
            Lexeme::Word {
                text,
                excluded: false,
            }
            | Lexeme::Quoted {
                text,
                excluded: false,
            } => analyze_clause(exact_analyzer, &text),
            _ => None,
        })
        .collect()
}

/// Parses the user's query with the index's analyzer.
pub fn parse(query: &str, analyzer: &mut TextAnalyzer) -> ParsedQuery {
    match parse_with(query, analyzer, |_| {
        Ok::<bool, std::convert::Infallible>(false)
    }) {
        Ok(parsed) => parsed,
        Err(never) => match never {},
    }
}

/// Parses the user's query, and where two words typed side by side are written as one word
/// in the texts (`vidéo protection` → `vidéoprotection`, which `is_indexed` finds), adds that
/// word to both as another form: a passage holding it then holds both groups.
pub fn parse_with<E>(
    query: &str,
    analyzer: &mut TextAnalyzer,
    mut is_indexed: impl FnMut(&str) -> Result<bool, E>,
) -> Result<ParsedQuery, E> {
    let mut parsed = ParsedQuery::default();
    let mut join_next = false;
    // The previous word, when it made the last group on its own and nothing was dropped
    // since (a stop word between the two means they are not one word split).
    let mut previous_word: Option<String> = None;
    // The position the next word asked for takes, as the analyzer counts positions.
    let mut position = 0;
    let lexemes = join_article_references(lex(query));
    for (index, lexeme) in lexemes.iter().enumerate() {
        let (text, excluded, quoted) = match lexeme {
            Lexeme::Or => {
                join_next = !parsed.groups.is_empty();
                previous_word = None;
                continue;
            }
            Lexeme::Word { text, excluded } => (text.clone(), *excluded, false),
            Lexeme::Quoted { text, excluded } => (text.clone(), *excluded, true),
        };
        let (analyzed, after) = if quoted {
            (analyze_clause(analyzer, &text), String::new())
        } else {
            let (before, after) = words_around(&lexemes, index);
            let word = letter_as_written(&text, &before, &after);
            (analyze_word_in(analyzer, &before, &word, &after), after)
        };
        if !excluded {
            position += place_typed_words(
                &mut parsed.typed_words,
                position,
                analyzed.as_ref(),
                &text,
                &after,
            );
        }
        let Some(clause) = analyzed else {
            previous_word = None;
            continue;
        };
        // `vidéo-protection` is also looked for as the one word the texts write,
        // `vidéoprotection`; `2016/679/UE` as the number the texts write after `(UE)`.
        let joined = match (&clause, joined_compound(&text)) {
            (Clause::Phrase(_), Some(joined)) => match analyze_clause(analyzer, &joined) {
                Some(term @ Clause::Term(_)) => Some(Clause::Synonym(Box::new(term))),
                _ => None,
            },
            _ => act_number_without_series(&clause, &text),
        };
        if excluded {
            parsed.excluded.push(clause);
            parsed.excluded.extend(joined.map(|synonym| match synonym {
                Clause::Synonym(term) => *term,
                other => other,
            }));
            join_next = false;
            previous_word = None;
        } else if join_next {
            if let Some(last) = parsed.groups.last_mut() {
                last.push(clause);
                last.extend(joined);
            }
            join_next = false;
            previous_word = None;
        } else {
            if !quoted && matches!(clause, Clause::Phrase(_)) && is_hyphenated(&text) {
                parsed.compounds.push(parsed.groups.len());
            }
            if quoted && matches!(clause, Clause::Phrase(_)) {
                parsed.quoted.push((parsed.groups.len(), text.clone()));
            }
            let is_plain_word = !quoted && matches!(clause, Clause::Term(_));
            let split = match (&previous_word, is_plain_word) {
                (Some(previous), true) => one_word(analyzer, previous, &text, &mut is_indexed)?,
                _ => None,
            };
            let mut group: Vec<Clause> = std::iter::once(clause).chain(joined).collect();
            if let Some(form) = split {
                if let Some(last) = parsed.groups.last_mut() {
                    last.push(form.clone());
                }
                group.push(form);
            }
            parsed.groups.push(group);
            previous_word = is_plain_word.then_some(text);
        }
    }
    Ok(parsed)
}

/// Records the words of one word or phrase asked for (`clause`, as analyzed; `None` for a
/// stop word) at `position`, and returns how many positions it takes, as in the texts: a stop
/// word one, an elision typed apart from its word (`d origine`) none.
fn place_typed_words(
    typed_words: &mut Vec<(usize, String)>,
    position: usize,
    clause: Option<&Clause>,
    text: &str,
    after: &str,
) -> usize {
    match clause {
        Some(Clause::Term(term)) => {
            typed_words.push((position, term.clone()));
            1
        }
        Some(Clause::Phrase(terms)) => {
            typed_words.extend(
                terms
                    .iter()
                    .map(|(offset, term)| (position + offset, term.clone())),
            );
            terms.last().map_or(1, |(offset, _)| offset + 1)
        }
        Some(_) => 1,
        None => usize::from(!(starts_with_a_vowel(after) && analysis::is_elision(text))),
    }
}

/// The places of `terms` (consecutive query words) relative to the first, read from
/// `typed_words` in order: the spacing the user typed them with. `None` when one of them is
/// not there as typed (a corrected word).
fn typed_offsets(terms: &[&str], typed_words: &[(usize, String)]) -> Option<Vec<usize>> {
    let mut next = 0;
    let mut positions = Vec::with_capacity(terms.len());
    for term in terms {
        let found = next
            + typed_words[next..]
                .iter()
                .position(|(_, word)| word == term)?;
        positions.push(typed_words[found].0);
        next = found + 1;
    }
    let first = *positions.first()?;
    Some(
        positions
            .into_iter()
            .map(|position| position - first)
            .collect(),
    )
}

/// A lone letter typed in lower case after a word, as the texts write the name it stands for:
/// `fiche s` is `fiche S`, `catégorie c` `catégorie C` (which the analyzer keeps, where the
/// lower-case letter is an elision's stop word). Not before a vowel or an `h`: that is an
/// elision typed without its apostrophe (`d origine`, `s est`, `s habiller`). `a` stays the
/// verb, `l` the Belgian `loi`.
fn letter_as_written<'a>(word: &'a str, before: &str, after: &str) -> std::borrow::Cow<'a, str> {
    let elided = starts_with_a_vowel(after);
    if !before.is_empty() && !elided && matches!(word, "c" | "d" | "j" | "s") {
        std::borrow::Cow::Owned(word.to_uppercase())
    } else {
        std::borrow::Cow::Borrowed(word)
    }
}

/// True when `text` starts with a vowel or an `h`, which a French elision comes before.
fn starts_with_a_vowel(text: &str) -> bool {
    text.chars()
        .next()
        .and_then(|first| first.to_lowercase().next())
        .is_some_and(|first| "aeiouyhàâäéèêëîïôöùûüœæ".contains(first))
}

/// The words typed just before and after the word at `index` (two at most each side, up to an
/// `OR` or a quoted phrase), joined by spaces.
fn words_around(lexemes: &[Lexeme], index: usize) -> (String, String) {
    fn word(lexeme: &Lexeme) -> Option<&str> {
        match lexeme {
            Lexeme::Word { text, .. } => Some(text),
            _ => None,
        }
    }
    let mut before: Vec<&str> = lexemes[..index]
        .iter()
        .rev()
        .map_while(word)
        .take(2)
        .collect();
    before.reverse();
    let after: Vec<&str> = lexemes[index + 1..]
        .iter()
        .map_while(word)
        .take(2)
        .collect();
    (before.join(" "), after.join(" "))
}

/// `first` and `second` written as one word, as another form, if it is one term that the
/// texts hold and that holds no digit.
fn one_word<E>(
    analyzer: &mut TextAnalyzer,
    first: &str,
    second: &str,
    is_indexed: &mut impl FnMut(&str) -> Result<bool, E>,
) -> Result<Option<Clause>, E> {
    if format!("{first}{second}").contains(|c: char| c.is_ascii_digit()) {
        return Ok(None);
    }
    match analyze_clause(analyzer, &format!("{first}{second}")) {
        Some(Clause::Term(term)) if is_indexed(&term)? => {
            Ok(Some(Clause::Synonym(Box::new(Clause::Term(term)))))
        }
        _ => Ok(None),
    }
}

/// What was typed in `group`: its one clause, or its first when the others are other forms of
/// it (`Synonym`); `None` for alternatives typed with `OR`.
pub fn typed(group: &[Clause]) -> Option<&Clause> {
    match group {
        [typed, others @ ..]
            if others
                .iter()
                .all(|other| matches!(other, Clause::Synonym(_))) =>
        {
            Some(typed)
        }
        _ => None,
    }
}

/// `vidéo-protection` → `vidéoprotection`: a word of two parts of letters joined by one
/// hyphen, written as one word, as French often writes such compounds (`antiterrorisme`,
/// `email`). `None` for any other word (`421-1`, `extrade-t-elle`, `c'est-à-dire`).
fn joined_compound(word: &str) -> Option<String> {
    let (first, second) = word.split_once('-')?;
    let is_letters = |part: &str| !part.is_empty() && part.chars().all(char::is_alphabetic);
    // An elided article may lead: `l'anti-terrorisme`.
    let after_elision = first.rsplit(['\'', '\u{2019}']).next().unwrap_or(first);
    (is_letters(after_elision) && is_letters(second)).then(|| format!("{first}{second}"))
}

/// True for a word of parts joined by a hyphen (`cyber-sécurité`, `SIS-II`).
fn is_hyphenated(word: &str) -> bool {
    word.contains(['-', '\u{2010}', '\u{2011}'])
}

/// `2016/679/UE` → `2016/679`: an act's number typed as one word with its series after it,
/// as older acts are written (`95/46/CE`), where newer texts write the series before it
/// (`règlement (UE) 2016/679`). `None` for anything else, a quoted `"2016/679 UE"` included.
fn act_number_without_series(clause: &Clause, typed: &str) -> Option<Clause> {
    let Clause::Phrase(terms) = clause else {
        return None;
    };
    let [(_, number), (_, series)] = terms.as_slice() else {
        return None;
    };
    let is_number = super::article::is_shaped_like_an_act(number);
    let is_series = matches!(series.as_str(), "ue" | "eu" | "ce" | "cee" | "jai");
    let typed_as_one_word = typed.contains('/') && !typed.contains(char::is_whitespace);
    (is_number && is_series && typed_as_one_word)
        .then(|| Clause::Synonym(Box::new(Clause::Term(number.clone()))))
}

/// How far apart two consecutive query words may stand to earn the proximity bonus.
pub const PROXIMITY_SLOP: u32 = 4;

/// How far the words of the whole query may stand from their places for its phrase bonus.
pub const PHRASE_BONUS_SLOP: u32 = 2;

/// Weights of the query builder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Multiplier of a match in the title of the document the passage opens (or of a short
    /// document) relative to one in the passage.
    pub title_boost: f32,
    /// Multiplier of a match in the title of a long document the passage belongs to, and in
    /// the number of the act its document is.
    pub inherited_title_boost: f32,
    /// Multiplier of a match in the passage's heading.
    pub context_boost: f32,
    /// Multiplier of a match in the sentence introducing the list the passage is an item of
    /// (partial matches only: a passage holds what its text or headings hold).
    pub lead_in_boost: f32,
    /// Multiplier of a match on the number of the article the passage belongs to.
    pub article_boost: f32,
    /// Multiplier of a match on a synonym of what the user typed.
    pub synonym_boost: f32,
    /// Multiplier of the bonus for two consecutive query words standing close together.
    pub proximity_boost: f32,
    /// Multiplier of the bonus for holding every query word (three or more) in order, close
    /// together.
    pub phrase_boost: f32,
    /// Multiplier of the bonus a partial match earns for the query words it holds, each
    /// weighted by its rarity (see `search::coverage`).
    pub coverage_boost: f32,
    /// Multiplier of the bonus for words found as typed (unstemmed), for variants with an
    /// exact field.
    pub exact_boost: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            title_boost: DEFAULT_TITLE_BOOST,
            inherited_title_boost: DEFAULT_INHERITED_TITLE_BOOST,
            context_boost: DEFAULT_CONTEXT_BOOST,
            lead_in_boost: DEFAULT_LEAD_IN_BOOST,
            article_boost: DEFAULT_ARTICLE_BOOST,
            synonym_boost: DEFAULT_SYNONYM_BOOST,
            proximity_boost: DEFAULT_PROXIMITY_BOOST,
            phrase_boost: DEFAULT_PHRASE_BOOST,
            coverage_boost: DEFAULT_COVERAGE_BOOST,
            exact_boost: DEFAULT_EXACT_BOOST,
        }
    }
}

/// Which passages a query built by [`QueryBuilder::build`] matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Passages holding every group, with the proximity bonus.
    All,
    /// Passages holding at least one group, without the proximity bonus (for use after
    /// `All`, whose passages are the ones where proximity counts).
    Any,
    /// Passages holding at least one group, with the proximity bonus (when it is the only
    /// tier).
    AnyWithProximity,
}

/// The partial tier split in two ([`QueryBuilder::split_partial`]).
pub struct SplitQuery {
    /// The union of its single-term alternatives.
    pub terms: Box<dyn Query>,
    /// The passages matching any of its other alternatives (phrases, proximity bonuses), scored
    /// as the whole union scores them.
    pub with_others: Box<dyn Query>,
}

/// Builds tantivy queries for a parsed query.
pub struct QueryBuilder<'a> {
    /// Fields of the schema.
    pub fields: &'a Fields,
    /// Weights.
    pub weights: Weights,
}

impl QueryBuilder<'_> {
    fn clause_on(&self, clause: &Clause, field: Field) -> Box<dyn Query> {
        match clause {
            Clause::Term(term) => Box::new(TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            )),
            Clause::Phrase(terms) => Box::new(PhraseQuery::new_with_offset(
                terms
                    .iter()
                    .map(|(offset, term)| (*offset, Term::from_field_text(field, term)))
                    .collect(),
            )),
            Clause::All(clauses) => Box::new(BooleanQuery::new(
                clauses
                    .iter()
                    .map(|clause| (Occur::Must, self.clause_on(clause, field)))
                    .collect(),
            )),
            // A phrase scores the sum of its terms' weights: divide by its length, so that a
            // spelled-out synonym (`fichier national automatisé des empreintes génétiques`)
            // does not outweigh the acronym typed (`FNAEG`).
            Clause::Synonym(inner) => Box::new(BoostQuery::new(
                self.clause_on(inner, field),
                self.weights.synonym_boost / inner.term_count().max(1) as f32,
            )),
        }
    }

    /// The fields a clause is looked for in, with their weights: the passage itself (its text,
    /// and its heading and article number) and its document's title.
    fn passage_fields(&self) -> [(Field, f32); 3] {
        [
            (self.fields.body, 1.0),
            (self.fields.context, self.weights.context_boost),
            (self.fields.article_number, self.weights.article_boost),
        ]
    }

    /// The fields of a passage's document a clause is looked for in, with their weights: its
    /// title (as the passage's own, or inherited from a long document) and the number of the
    /// act it is (on every passage, like an inherited title).
    fn document_fields(&self) -> [(Field, f32); 3] {
        [
            (self.fields.lead_title, self.weights.title_boost),
            (
                self.fields.inherited_title,
                self.weights.inherited_title_boost,
            ),
            (self.fields.acts, self.weights.inherited_title_boost),
        ]
    }

    /// A group (alternatives) matched in any of `fields`, each with its weight. A union
    /// scored lazily: the tiers intersect groups, and tantivy's union would score each
    /// group's passages by windows of thousands, most of them ruled out by the other groups.
    fn group_in(&self, group: &[Clause], fields: &[(Field, f32)]) -> Box<dyn Query> {
        Box::new(LazyUnion::new(self.alternatives(group, fields)))
    }

    /// Each clause of `group` on each of `fields`, weighted.
    fn alternatives(&self, group: &[Clause], fields: &[(Field, f32)]) -> Vec<Box<dyn Query>> {
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        for clause in group {
            // An act's number holds digits: a clause without one is not looked for there.
            let numbered = clause_holds_a_digit(clause);
            for (field, boost) in fields {
                if *field == self.fields.acts && !numbered {
                    continue;
                }
                let query = self.clause_on(clause, *field);
                let weighted: Box<dyn Query> = if (*boost - 1.0).abs() < f32::EPSILON {
                    query
                } else {
                    Box::new(BoostQuery::new(query, *boost))
                };
                alternatives.push(weighted);
            }
        }
        alternatives
    }

    /// The query for passages holding every group (`Tier::All`: a passage holds a group when
    /// its text, headings, article number or document title match it) or at least one
    /// (`Tier::Any`).
    pub fn build(
        &self,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        tier: Tier,
    ) -> Box<dyn Query> {
        if tier != Tier::All {
            let any: Vec<(Occur, Box<dyn Query>)> = self
                .partial_alternatives(parsed, tier)
                .into_iter()
                .map(|(_, query)| (Occur::Should, query))
                .collect();
            return self.constrained(parsed, filters, Box::new(BooleanQuery::new(any)));
        }
        // The document's title and act number count: `garde à vue code de procédure pénale`
        // is held by the code's articles on it, whose text never names the code.
        let [body, context, article] = self.passage_fields();
        let [title, inherited_title, acts] = self.document_fields();
        let held_in = [body, context, article, title, inherited_title, acts];
        let clauses: Vec<(Occur, Box<dyn Query>)> = parsed
            .groups
            .iter()
            .map(|group| (Occur::Must, self.group_in(group, &held_in)))
            .collect();
        let required = self.with_constraints(parsed, filters, clauses);
        // Read at the passages holding every group only, in one lazy union: as several
        // optional clauses, tantivy would gather them in its union, which matches each phrase
        // by windows of thousands of passages around each of those. And read only where it can
        // change the page (see `bonus`).
        let proximity = self.proximity(parsed);
        if proximity.is_empty() {
            return required;
        }
        Box::new(WithBonus::new(
            required,
            Box::new(LazyUnion::new(proximity)),
            self.proximity_ceiling(parsed),
        ))
    }

    /// How many times its score without the proximity bonus a passage of the all-words tier
    /// scores at most with it. A phrase matches no more often in a passage than its rarer word
    /// does, and its BM25 weight is the sum of its words' IDF: so it scores at most what its
    /// words score in the passage's text, which the passage's score counts (each word of a
    /// group in the text is one of the group's alternatives). A word is in at most two of the
    /// pairs, and in the whole query's phrase once.
    fn proximity_ceiling(&self, parsed: &ParsedQuery) -> f32 {
        let pairs = self.proximity_pairs(parsed).len();
        let phrase = self.whole_query_terms(parsed).is_some();
        1.0 + self.weights.proximity_boost * pairs.min(2) as f32
            + if phrase {
                self.weights.phrase_boost
            } else {
                0.0
            }
    }

    /// The partial tier's query as [`QueryBuilder::build`] makes it, its union scored lazily:
    /// for a conjunction with a few passages (a lookup's), where tantivy's union would score
    /// its words' passages by windows of thousands around each.
    pub fn build_lazy_partial(
        &self,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        tier: Tier,
    ) -> Box<dyn Query> {
        let any = self
            .partial_alternatives(parsed, tier)
            .into_iter()
            .map(|(_, query)| query)
            .collect();
        self.constrained(parsed, filters, Box::new(LazyUnion::new(any)))
    }

    /// `any` (a partial tier's union), with the query's exact words, exclusions and filters.
    fn constrained(
        &self,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        any: Box<dyn Query>,
    ) -> Box<dyn Query> {
        if parsed.exact.is_empty() && parsed.excluded.is_empty() && filters.is_empty() {
            return any;
        }
        self.with_constraints(parsed, filters, vec![(Occur::Must, any)])
    }

    /// `clauses` and the query's exact words, exclusions and filters, in one query.
    fn with_constraints(
        &self,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        mut clauses: Vec<(Occur, Box<dyn Query>)>,
    ) -> Box<dyn Query> {
        for exact in &parsed.exact {
            let query = self.clause_on(exact, self.fields.body_exact);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(query, self.weights.exact_boost)),
            ));
        }
        for excluded in &parsed.excluded {
            clauses.push((Occur::MustNot, self.clause_on(excluded, self.fields.body)));
        }
        for filter in filters {
            clauses.push((Occur::Must, filter.box_clone()));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// `clause` looked for in the passage text alone.
    pub fn in_text(&self, clause: &Clause) -> Box<dyn Query> {
        self.clause_on(clause, self.fields.body)
    }

    /// The related passages' query (see `search::related`): passages holding at least
    /// `min_shared` of `terms` (analyzed words of the text field, with their weights) in their
    /// text, within the query's exclusions and filters. `None` with fewer terms than that.
    pub fn related(
        &self,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        terms: &[(String, f32)],
        min_shared: usize,
    ) -> Option<Box<dyn Query>> {
        if terms.is_empty() || terms.len() < min_shared {
            return None;
        }
        let any: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|(term, weight)| {
                let held = TermQuery::new(
                    Term::from_field_text(self.fields.body, term),
                    IndexRecordOption::WithFreqs,
                );
                let weighted: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(held), *weight));
                (Occur::Should, weighted)
            })
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(BooleanQuery::with_minimum_required_clauses(any, min_shared)),
        )];
        for excluded in &parsed.excluded {
            clauses.push((Occur::MustNot, self.clause_on(excluded, self.fields.body)));
        }
        for filter in filters {
            clauses.push((Occur::Must, filter.box_clone()));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// The alternatives of the partial tier (`Tier::Any`, or `Tier::AnyWithProximity` with its
    /// proximity bonuses), each marked true when it is a single term.
    ///
    /// Here a passage needs only some of the words: words typed that form a synonym count one
    /// by one, so a passage holding only some of them is still found. The alternatives of
    /// every group form one flat union, which scores as the groups would, one by one, and lets
    /// tantivy skip passages that cannot reach the top (block-max WAND) when they are all
    /// single words. Every passage matching a proximity bonus holds its words: the union's
    /// matches stay the same.
    fn partial_alternatives(
        &self,
        parsed: &ParsedQuery,
        tier: Tier,
    ) -> Vec<(bool, Box<dyn Query>)> {
        let [body, context, article] = self.passage_fields();
        let [title, inherited_title, acts] = self.document_fields();
        let lead_in = (self.fields.lead_in, self.weights.lead_in_boost);
        let fields = [
            body,
            context,
            article,
            lead_in,
            title,
            inherited_title,
            acts,
        ];
        let named = super::article::named(parsed);
        let mut alternatives = Vec::new();
        for group in &parsed.groups {
            for clause in loosened(group) {
                let single_term = match &clause {
                    Clause::Term(_) => true,
                    Clause::Synonym(inner) => matches!(**inner, Clause::Term(_)),
                    Clause::Phrase(_) | Clause::All(_) => false,
                };
                let names_an_article_of_a_named_act = !named.acts.is_empty()
                    && matches!(&clause, Clause::Term(term) if named.references.contains(&term.as_str()));
                let others: Vec<(Field, f32)>;
                let (written_in, of_the_act): (&[(Field, f32)], _) =
                    if names_an_article_of_a_named_act {
                        others = fields
                            .into_iter()
                            .filter(|(field, _)| *field != article.0)
                            .collect();
                        (
                            &others,
                            Some(self.article_of(&clause, article, &named.acts)),
                        )
                    } else {
                        (&fields, None)
                    };
                for query in self.alternatives(std::slice::from_ref(&clause), written_in) {
                    alternatives.push((single_term, query));
                }
                alternatives.extend(of_the_act.map(|query| (false, query)));
            }
        }
        if tier == Tier::AnyWithProximity {
            alternatives.extend(
                self.proximity(parsed)
                    .into_iter()
                    .map(|query| (false, query)),
            );
        }
        alternatives
    }

    /// `clause` (an article number) as the article number of one of `acts`' passages:
    /// `article 101 loi 78-17` names that law's article 101, and the article 101 of another
    /// text is no partial match of it. The number still counts where it is written (text,
    /// headings, titles), through the other alternatives.
    fn article_of(&self, clause: &Clause, article: (Field, f32), acts: &[&str]) -> Box<dyn Query> {
        let number: Box<dyn Query> = Box::new(BoostQuery::new(
            self.clause_on(clause, article.0),
            article.1,
        ));
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, number),
            (Occur::Must, holding_any(self.fields.acts, acts)),
        ]))
    }

    /// True when the partial tier's query is a bare union of single terms, which tantivy
    /// ranks by skipping the passages that cannot reach the top (block-max WAND); false when
    /// it holds a phrase, or is wrapped in filters, exclusions or exact-field bonuses.
    pub fn prunable(&self, parsed: &ParsedQuery, filters: &[Box<dyn Query>], tier: Tier) -> bool {
        parsed.exact.is_empty()
            && parsed.excluded.is_empty()
            && filters.is_empty()
            && self
                .partial_alternatives(parsed, tier)
                .iter()
                .all(|(single_term, _)| *single_term)
    }

    /// The passages the partial tier matches (with `filters`), as sets for `count::matching`:
    /// the total of a response. The proximity bonuses are left out: a passage matching one
    /// holds its words, which the union matches already.
    pub fn count_plan(&self, parsed: &ParsedQuery, filters: &[Box<dyn Query>]) -> CountPlan {
        let mut plan = CountPlan {
            terms: Vec::new(),
            others: Vec::new(),
            required: filters.iter().map(|filter| filter.box_clone()).collect(),
            excluded: parsed
                .excluded
                .iter()
                .map(|excluded| self.clause_on(excluded, self.fields.body))
                .collect(),
        };
        for (single_term, query) in self.partial_alternatives(parsed, Tier::Any) {
            if single_term {
                query.query_terms(&mut |term, _| plan.terms.push(term.clone()));
            } else {
                plan.others.push(query);
            }
        }
        plan
    }

    /// The partial tier split in two for `collect::top_passages_split`: the union of its
    /// single terms, which tantivy ranks with block-max WAND, and the passages matching the
    /// rest (phrases, proximity bonuses), which it must score passage by passage and which
    /// would otherwise make it score every passage holding any query word. `None`
    /// when there is nothing to split (one kind of alternative only) or when the union is
    /// wrapped in filters, exclusions or exact-field bonuses.
    pub fn split_partial(
        &self,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        tier: Tier,
    ) -> Option<SplitQuery> {
        if tier == Tier::All
            || !(parsed.exact.is_empty() && parsed.excluded.is_empty() && filters.is_empty())
        {
            return None;
        }
        let (terms, others): (Vec<_>, Vec<_>) = self
            .partial_alternatives(parsed, tier)
            .into_iter()
            .partition(|(single_term, _)| *single_term);
        if terms.is_empty() || others.is_empty() {
            return None;
        }
        let should = |alternatives: &[(bool, Box<dyn Query>)]| -> Vec<(Occur, Box<dyn Query>)> {
            alternatives
                .iter()
                .map(|(_, query)| (Occur::Should, query.box_clone()))
                .collect()
        };
        // The terms' scores are read at the passages matching the others only: gathered by
        // tantivy's union, they would be scored by windows of thousands of passages around
        // each of those.
        let terms_at_others =
            LazyUnion::new(terms.iter().map(|(_, query)| query.box_clone()).collect());
        let with_others: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(BooleanQuery::new(should(&others)))),
            (Occur::Should, Box::new(terms_at_others)),
        ];
        Some(SplitQuery {
            terms: Box::new(BooleanQuery::new(should(&terms))),
            with_others: Box::new(BooleanQuery::new(with_others)),
        })
    }

    /// The passages the query names, as the partial tier (`tier`, with `filters`) scores
    /// them: a reference typed is a lookup, so they rank above the passages that merely cite
    /// it. They are the passages of the articles it names (`421-1`, `L. 229-1`, `article
    /// 100`), or, when it names none, the first passage of each act it names by number
    /// (`2016/679`: the regulation's opening, not the laws that apply it). When the query says
    /// more than the reference, a passage must hold some of the rest (in its text, headings or
    /// document title) to be lifted: in `RGPD article 35 analyse d'impact`, the article 35 of
    /// an unrelated code is not the one meant. `None` when the query names no article and no
    /// act.
    pub fn lookup(
        &self,
        parsed: &ParsedQuery,
        filters: &[Box<dyn Query>],
        tier: Tier,
    ) -> Option<Box<dyn Query>> {
        let articles = super::article::named(parsed);
        let (named, field, opening_only) = if articles.references.is_empty() {
            let acts = super::article::named_acts(parsed);
            if acts.references.is_empty() {
                return None;
            }
            (acts, self.fields.acts, true)
        } else {
            (articles, self.fields.article_number, false)
        };
        // The passages named hold the reference in their article number or their act's
        // number, which the partial tier's query searches: the conjunction scores them as it
        // does.
        let mut clauses = vec![
            (Occur::Must, holding_any(field, &named.references)),
            (Occur::Must, self.build_lazy_partial(parsed, filters, tier)),
        ];
        // `article 101 loi 78-17`: article 101 of that law, not of another text.
        if !opening_only && !named.acts.is_empty() {
            clauses.push((Occur::Must, holding_any(self.fields.acts, &named.acts)));
        }
        if opening_only {
            let first = Term::from_field_u64(self.fields.ordinal, 0);
            let first = TermQuery::new(first, IndexRecordOption::Basic);
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(first), 0.0)),
            ));
        }
        if !named.rest.is_empty() {
            let passage = self.passage_fields();
            let held_in = [
                passage[0],
                passage[1],
                (self.fields.lead_title, 1.0),
                (self.fields.inherited_title, 1.0),
                (self.fields.acts, 1.0),
            ];
            let rest = named
                .rest
                .iter()
                .map(|&index| self.group_in(&parsed.groups[index], &held_in))
                .collect();
            clauses.push((Occur::Must, unscored(LazyUnion::new(rest))));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Bonus queries for consecutive query words that stand close together in the passage
    /// (in order, at most [`PROXIMITY_SLOP`] words apart), and for the whole query (three
    /// words or more) standing in its order (at most [`PHRASE_BONUS_SLOP`] places off).
    pub(crate) fn proximity(&self, parsed: &ParsedQuery) -> Vec<Box<dyn Query>> {
        let mut bonuses: Vec<Box<dyn Query>> = Vec::new();
        if self.weights.proximity_boost > 0.0 {
            bonuses.extend(
                self.proximity_pairs(parsed)
                    .into_iter()
                    .map(|(first, second)| {
                        let phrase = PhraseQuery::new_with_offset_and_slop(
                            vec![
                                (0, Term::from_field_text(self.fields.body, first)),
                                (1, Term::from_field_text(self.fields.body, second)),
                            ],
                            PROXIMITY_SLOP,
                        );
                        Box::new(BoostQuery::new(
                            Box::new(phrase),
                            self.weights.proximity_boost,
                        )) as Box<dyn Query>
                    }),
            );
        }
        if self.weights.phrase_boost <= 0.0 {
            return bonuses;
        }
        if let Some(terms) = self.whole_query_terms(parsed) {
            // At the places the words were typed (stop words between them leave gaps, as in
            // the texts); one after the other when a word was corrected.
            let offsets = typed_offsets(&terms, &parsed.typed_words)
                .unwrap_or_else(|| (0..terms.len()).collect());
            let terms = offsets
                .into_iter()
                .zip(&terms)
                .map(|(offset, term)| (offset, Term::from_field_text(self.fields.body, term)))
                .collect();
            let phrase = PhraseQuery::new_with_offset_and_slop(terms, PHRASE_BONUS_SLOP);
            bonuses.push(Box::new(BoostQuery::new(
                Box::new(phrase),
                self.weights.phrase_boost,
            )));
        }
        bonuses
    }

    /// The consecutive query words that earn a bonus standing close together: two groups in a
    /// row that are each one word, and not the same.
    fn proximity_pairs<'p>(&self, parsed: &'p ParsedQuery) -> Vec<(&'p str, &'p str)> {
        let single_terms: Vec<Option<&str>> = parsed
            .groups
            .iter()
            .map(|group| match group.as_slice() {
                [Clause::Term(term)] => Some(term.as_str()),
                _ => None,
            })
            .collect();
        single_terms
            .windows(2)
            .filter_map(|pair| match pair {
                [Some(first), Some(second)] if first != second => Some((*first, *second)),
                _ => None,
            })
            .collect()
    }

    /// The words of the whole query in its order, for its phrase bonus: three or more (two
    /// when they are one group or were typed with stop words between them), the words of a synonym typed in full included (`fichier des personnes recherchées`, for
    /// `FPR`, is one group held when its words are all there, anywhere): a passage holding
    /// it holds what the user named, not words met apart. Only the whole: a part naming a
    /// code (`garde à vue code de procédure pénale`) would lift the texts citing the code
    /// above the code's own articles, which never name it.
    fn whole_query_terms<'p>(&self, parsed: &'p ParsedQuery) -> Option<Vec<&'p str>> {
        parsed
            .groups
            .iter()
            .map(|group| match group.first() {
                Some(Clause::Term(term)) => Some(vec![term.as_str()]),
                Some(Clause::All(clauses)) => clauses
                    .iter()
                    .map(|clause| match clause {
                        Clause::Term(term) => Some(term.as_str()),
                        _ => None,
                    })
                    .collect(),
                _ => None,
            })
            .collect::<Option<Vec<Vec<&str>>>>()
            .map(|words| words.concat())
            // Two words typed side by side earn the proximity bonus of their pair; typed as
            // one group (a synonym typed in full, `SIS II`), or with stop words between them
            // (`Président de la République`, `droits de l'homme`: a name), this one.
            .filter(|terms| {
                terms.len() >= 3
                    || (terms.len() == 2
                        && (parsed.groups.len() == 1
                            || typed_offsets(terms, &parsed.typed_words)
                                .is_some_and(|offsets| offsets[1] > 1)))
            })
    }

    /// Queries restricting matches to the request's filters.
    pub fn filters(&self, filters: &Filters) -> Result<Vec<Box<dyn Query>>, SearchError> {
        let mut queries: Vec<Box<dyn Query>> = Vec::new();
        if let Some(doc) = filters.doc.as_deref().filter(|doc| !doc.is_empty()) {
            queries.push(Box::new(TermQuery::new(
                Term::from_field_text(self.fields.doc_id, doc),
                IndexRecordOption::Basic,
            )));
        }
        if let Some(source) = filters
            .source
            .as_deref()
            .filter(|source| !source.is_empty())
        {
            queries.push(Box::new(TermQuery::new(
                Term::from_field_text(self.fields.source_key, &analysis::normalize_keyword(source)),
                IndexRecordOption::Basic,
            )));
        }
        let from = filters
            .from
            .as_deref()
            .map(|date| date_bound(date, "from", false))
            .transpose()?;
        let to = filters
            .to
            .as_deref()
            .map(|date| date_bound(date, "to", true))
            .transpose()?;
        if from.is_some() || to.is_some() {
            if let (Some(low), Some(high)) = (&from, &to) {
                if low.key > high.key {
                    return Err(SearchError::InvalidRequest {
                        code: "invalid_date_range",
                        message: format!("`from` ({}) is after `to` ({})", low.iso, high.iso),
                    });
                }
            }
            let bound = |value: Option<DateBound>| match value {
                Some(date) => Bound::Included(Term::from_field_u64(self.fields.date_key, date.key)),
                None => Bound::Unbounded,
            };
            queries.push(Box::new(RangeQuery::new(bound(from), bound(to))));
        }
        Ok(queries)
    }
}

/// A group where each conjunction of words (`All`) is replaced by its words as alternatives.
fn loosened(group: &[Clause]) -> Vec<Clause> {
    group
        .iter()
        .flat_map(|clause| match clause {
            Clause::All(words) => words.clone(),
            other => vec![other.clone()],
        })
        .collect()
}

/// A date filter's bound: its index key, and the date as the user reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DateBound {
    key: u64,
    iso: String,
}

/// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as the first (or, for `to`, last) day it covers;
/// a day the calendar does not have (`2018-02-30`) is refused.
fn date_bound(value: &str, name: &str, is_upper: bool) -> Result<DateBound, SearchError> {
    let invalid = |why: &str| SearchError::InvalidRequest {
        code: "invalid_date",
        message: format!(
            "`{name}` must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not {value:?}{why}"
        ),
    };
    let parts: Vec<&str> = value.trim().split('-').collect();
    let all_digits = parts
        .iter()
        .all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()));
    let widths_fit = parts
        .get(1..)
        .unwrap_or_default()
        .iter()
        .all(|part| part.len() <= 2);
    if !all_digits || parts[0].len() != 4 || parts.len() > 3 || !widths_fit {
        return Err(invalid(""));
    }
    let number = |index: usize| parts.get(index).and_then(|part| part.parse::<u32>().ok());
    let year = number(0).ok_or_else(|| invalid(""))?;
    let month = match number(1) {
        Some(month) if (1..=12).contains(&month) => month,
        Some(_) => return Err(invalid(": there is no such month")),
        None if is_upper => 12,
        None => 1,
    };
    let last_day = days_in_month(year, month);
    let day = match number(2) {
        Some(day) if (1..=last_day).contains(&day) => day,
        Some(_) => return Err(invalid(": there is no such day in that month")),
        None if is_upper => last_day,
        None => 1,
    };
    let iso = format!("{year:04}-{month:02}-{day:02}");
    let key = date_key(&iso).ok_or_else(|| invalid(""))?;
    Ok(DateBound { key, iso })
}

/// True when a term of `clause` holds a digit.
fn clause_holds_a_digit(clause: &Clause) -> bool {
    let mut terms = Vec::new();
    clause.collect_terms(&mut terms);
    terms
        .iter()
        .any(|term| term.bytes().any(|byte| byte.is_ascii_digit()))
}

/// Unscored: passages holding any of `terms` in `field`.
fn holding_any(field: Field, terms: &[&str]) -> Box<dyn Query> {
    let terms: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .map(|&text| {
            let term = Term::from_field_text(field, text);
            let query: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            (Occur::Should, query)
        })
        .collect();
    unscored(BooleanQuery::new(terms))
}

/// `query` as a filter: it selects, and adds nothing to the score.
fn unscored(query: impl Query) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(query), 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(query: &str) -> Vec<Lexeme> {
        lex(query)
    }

    #[test]
    fn the_words_typed_keep_the_places_stop_words_leave_between_them() {
        let mut analyzer = analysis::french_analyzer();
        let parsed = parse(
            r#"Cour de justice de l'Union européenne -arrêt OR "droit""#,
            &mut analyzer,
        );
        let places: Vec<usize> = parsed.typed_words.iter().map(|(at, _)| *at).collect();
        // `de` leaves a gap, `l'` none (the texts' own positions); the excluded word is not
        // asked for.
        assert_eq!(places, [0, 2, 4, 5, 6]);
        let whole = ["cour", "justic", "union", "europeen"];
        assert_eq!(
            typed_offsets(&whole, &parsed.typed_words),
            Some(vec![0, 2, 4, 5])
        );
        assert_eq!(
            typed_offsets(&["justic", "europeen"], &parsed.typed_words),
            Some(vec![0, 3])
        );
        // A word not typed so (a corrected one) leaves the places unknown.
        assert_eq!(
            typed_offsets(&["cour", "justiciable"], &parsed.typed_words),
            None
        );
    }

    #[test]
    fn lexer_reads_words_phrases_exclusions_and_or() {
        assert_eq!(
            words(r#"PNR "équipes communes" -Schengen OR"#),
            vec![
                Lexeme::Word {
                    text: "PNR".into(),
                    excluded: false
                },
                Lexeme::Quoted {
                    text: "équipes communes".into(),
                    excluded: false
                },
                Lexeme::Word {
                    text: "Schengen".into(),
                    excluded: true
                },
                Lexeme::Or,
            ]
        );
    }

    #[test]
    fn lexer_forgives_unclosed_quotes_and_lone_dashes() {
        assert_eq!(
            words(r#"- "mandat d'arrêt"#),
            vec![Lexeme::Quoted {
                text: "mandat d'arrêt".into(),
                excluded: false
            }]
        );
        assert!(words("   ").is_empty());
        assert_eq!(
            words("\"\""),
            vec![Lexeme::Quoted {
                text: String::new(),
                excluded: false
            }]
        );
    }

    #[test]
    fn hyphenated_numbers_are_words_not_exclusions() {
        assert_eq!(
            words("article 421-2-6"),
            vec![
                Lexeme::Word {
                    text: "article".into(),
                    excluded: false
                },
                Lexeme::Word {
                    text: "421-2-6".into(),
                    excluded: false
                },
            ]
        );
    }

    #[test]
    fn an_act_number_typed_with_its_series_also_looks_for_the_number() {
        let groups = |query: &str| parse(query, &mut analysis::french_analyzer()).groups;
        let number = Clause::Synonym(Box::new(Clause::Term("2016/679".into())));
        assert!(
            groups("2016/679/UE")[0].contains(&number),
            "{:?}",
            groups("2016/679/UE")
        );
        assert!(groups("95/46/CE")[0]
            .contains(&Clause::Synonym(Box::new(Clause::Term("95/46".into())))));
        // Typed apart or quoted, the words are what was asked.
        assert!(!groups("\"2016/679 UE\"")[0].contains(&number));
        assert_eq!(groups("2016/679").len(), 1);
        assert_eq!(groups("2016/679")[0], [Clause::Term("2016/679".into())]);
    }

    #[test]
    fn a_hyphenated_compound_is_also_searched_as_one_word() {
        let mut analyzer = analysis::french_analyzer();
        let parsed = parse("vidéo-protection", &mut analyzer);
        assert_eq!(
            parsed.groups,
            vec![vec![
                Clause::Phrase(vec![(0, "video".into()), (1, "protection".into())]),
                Clause::Synonym(Box::new(Clause::Term("videoprotection".into()))),
            ]]
        );
        let parsed = parse("l'anti-terrorisme -e-mail", &mut analyzer);
        assert_eq!(parsed.groups[0].len(), 2, "{parsed:?}");
        assert_eq!(parsed.excluded.len(), 2, "{parsed:?}");
        assert_eq!(joined_compound("e-mail").as_deref(), Some("email"));
        for word in [
            "421-1",
            "extrade-t-elle",
            "c'est-à-dire",
            "-",
            "a-",
            "franco-",
        ] {
            assert_eq!(joined_compound(word), None, "{word}");
        }
    }

    #[test]
    fn two_words_the_texts_write_as_one_are_also_searched_as_that_word() {
        let mut analyzer = analysis::french_analyzer();
        let indexed = ["videoprotection", "bordeau"];
        let mut asked = Vec::new();
        let parsed = parse_with(
            "vidéo protection 2016 caméra au bord de l'eau",
            &mut analyzer,
            |term| {
                asked.push(term.to_string());
                Ok::<_, ()>(indexed.contains(&term))
            },
        )
        .expect("no error");
        // Numbers are never joined; words with a stop word between them are not one word.
        assert_eq!(asked, ["videoprotection"]);
        let joined = Clause::Synonym(Box::new(Clause::Term("videoprotection".into())));
        assert_eq!(parsed.groups[0][1], joined);
        assert_eq!(parsed.groups[1][1], joined);
        assert!(parsed.groups[2..].iter().all(|group| group.len() == 1));
    }

    #[test]
    fn query_words_are_read_between_their_neighbours_as_in_the_texts() {
        let mut analyzer = analysis::french_analyzer();
        let parsed = parse("armes de catégorie C", &mut analyzer);
        assert_eq!(parsed.groups.last(), Some(&vec![Clause::Term("c".into())]));
        // Typed in lower case, a category's letter or a file's is still the name.
        assert_eq!(parse("armes de catégorie c", &mut analyzer), parsed);
        assert_eq!(parse("fiche s", &mut analyzer).groups.len(), 2);
        assert_eq!(parse("fiche s du fichier", &mut analyzer).groups.len(), 3);
        let apostrophe_missing = parse("population d origine européenne", &mut analyzer);
        assert_eq!(
            apostrophe_missing,
            parse("population d'origine européenne", &mut analyzer)
        );
        assert_eq!(parse("il y a", &mut analyzer).groups.len(), 0, "the verb");
        assert!(
            parse("c", &mut analyzer).groups.is_empty(),
            "no word before"
        );
        assert!(parse("A défaut", &mut analyzer).groups.len() == 1);
        assert!(parse("C", &mut analyzer).groups.is_empty());
        assert_eq!(parse("CE", &mut analyzer).groups.len(), 1);
        // Capitals running on are shouting: their stop words go.
        let shouted = parse("CODE DE LA SÉCURITÉ INTÉRIEURE", &mut analyzer);
        let quiet = parse("code de la sécurité intérieure", &mut analyzer);
        assert_eq!(shouted, quiet);
        assert_eq!(
            words_around(&lex("a b c OR d e"), 1),
            ("a".to_string(), "c".to_string())
        );
    }

    #[test]
    fn an_article_reference_with_its_code_letter_is_searched_whole() {
        let mut analyzer = analysis::french_analyzer();
        for query in [
            "L. 232-1",
            "L232-1",
            "l'article L.232-1",
            "l. 232-1",
            "l 232-1",
        ] {
            let parsed = parse(query, &mut analyzer);
            let last = parsed.groups.last().cloned();
            assert_eq!(last, Some(vec![Clause::Term("l232-1".into())]), "{query}");
        }
        let parsed = parse("232-1", &mut analyzer);
        assert_eq!(parsed.groups, vec![vec![Clause::Term("232-1".into())]]);
    }

    #[test]
    fn date_bounds_cover_whole_years_and_months() {
        let key = |value: &str, is_upper: bool| {
            date_bound(value, "from", is_upper)
                .ok()
                .map(|date| date.key)
        };
        assert_eq!(key("2018", false), Some(20_180_101));
        assert_eq!(key("2018", true), Some(20_181_231));
        assert_eq!(key("2018-05", true), Some(20_180_531));
        assert_eq!(key("2018-02", true), Some(20_180_228));
        assert_eq!(key("2016-02", true), Some(20_160_229));
        assert_eq!(key("2016-02-29", false), Some(20_160_229));
        assert_eq!(key("2018-05-29", false), Some(20_180_529));
        for impossible in [
            "2018-02-30",
            "2017-02-29",
            "2018-04-31",
            "2018-00",
            "2018-05-00",
        ] {
            assert!(
                date_bound(impossible, "from", false).is_err(),
                "{impossible}"
            );
        }
        assert!(date_bound("mai 2018", "from", false).is_err());
        assert!(date_bound("2018-13-01", "from", false).is_err());
        assert!(date_bound("18", "from", false).is_err());
    }
}
