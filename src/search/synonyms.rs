//! Synonyms and acronyms of the field, applied at query time.
//!
//! A list ships with Vigie (`data/synonyms.fr.txt`: `PNR`, `SIS`, `ECE`, `MAE`…); users add
//! their own in the same format. Each line is a group of equivalent forms (`A, B, C`) or a
//! one-way expansion (`A => B, C`). Forms are analyzed with the index's analyzer, so matching
//! ignores case, accents and inflection, and a query that holds a form (`mandat d'arrêt
//! européen`) also looks for the others (`MAE`).

use std::path::Path;

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use super::query::{typed, Clause, ParsedQuery};

/// The list shipped with Vigie.
pub const BUILT_IN: &str = include_str!("../../data/synonyms.fr.txt");

/// A line of a synonym file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}:{line}: {reason}")]
pub struct SynonymError {
    /// The file (or `built-in`).
    pub source_name: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// One form of a synonym group, analyzed: its terms with their positions relative to the
/// first (stop words leave gaps, as in the index).
type Form = Vec<(usize, String)>;

/// A synonym rule: queries holding a `trigger` form also look for every `expansion` form.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    trigger: Form,
    expansions: Vec<Form>,
}

/// Every synonym rule in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    rules: Vec<Rule>,
}

impl Synonyms {
    /// The built-in list, plus the user's file when given.
    pub fn load(
        user_file: Option<&Path>,
        analyzer: &mut TextAnalyzer,
    ) -> Result<Self, SynonymError> {
        let mut synonyms = Synonyms::parse(BUILT_IN, "built-in", analyzer)?;
        if let Some(path) = user_file {
            let text = std::fs::read_to_string(path).map_err(|error| SynonymError {
                source_name: path.display().to_string(),
                line: 0,
                reason: format!("cannot read: {error}"),
            })?;
            let user = Synonyms::parse(&text, &path.display().to_string(), analyzer)?;
            synonyms.rules.extend(user.rules);
        }
        Ok(synonyms)
    }

    /// Reads rules from text in the synonym file format.
    pub fn parse(
        text: &str,
        source_name: &str,
        analyzer: &mut TextAnalyzer,
    ) -> Result<Self, SynonymError> {
        let mut rules = Vec::new();
        for (index, raw_line) in text.lines().enumerate() {
            let line = raw_line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let error = |reason: String| SynonymError {
                source_name: source_name.to_string(),
                line: index + 1,
                reason,
            };
            let (left, right) = match line.split_once("=>") {
                Some((left, right)) => (left, Some(right)),
                None => (line, None),
            };
            let mut analyze_forms = |side: &str| -> Result<Vec<Form>, SynonymError> {
                side.split(',')
                    .map(|form| {
                        let form = form.trim();
                        if form.is_empty() {
                            return Err(error("an empty form between commas".to_string()));
                        }
                        let terms = analyze(analyzer, form);
                        if terms.is_empty() {
                            return Err(error(format!("{form:?} holds only stop words")));
                        }
                        Ok(terms)
                    })
                    .collect()
            };
            match right {
                None => {
                    let forms = analyze_forms(left)?;
                    if forms.len() < 2 {
                        return Err(error(
                            "a group needs at least two forms separated by commas".to_string(),
                        ));
                    }
                    for trigger in &forms {
                        rules.push(Rule {
                            trigger: trigger.clone(),
                            expansions: forms
                                .iter()
                                .filter(|form| *form != trigger)
                                .cloned()
                                .collect(),
                        });
                    }
                }
                Some(right) => {
                    let triggers = analyze_forms(left)?;
                    let expansions = analyze_forms(right)?;
                    for trigger in triggers {
                        rules.push(Rule {
                            trigger,
                            expansions: expansions.clone(),
                        });
                    }
                }
            }
        }
        // Longest triggers first, so `SIS II` wins over `SIS`.
        rules.sort_by_key(|rule| std::cmp::Reverse(rule.trigger.len()));
        Ok(Synonyms { rules })
    }

    /// Number of rules (one per trigger form).
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Replaces runs of query words that form a synonym with one group of alternatives: the
    /// words as typed (all of them) or any other form of the synonym (as a phrase).
    pub fn expand(&self, parsed: &mut ParsedQuery) {
        if self.rules.is_empty() {
            return;
        }
        let mut expanded: Vec<Vec<Clause>> = Vec::with_capacity(parsed.groups.len());
        // The new index of each group: the words of a synonym become one group.
        let mut new_index = Vec::with_capacity(parsed.groups.len());
        let mut start = 0;
        while start < parsed.groups.len() {
            let matched = self.match_at(&parsed.groups, start);
            let length = matched.map_or(1, |(_, length)| length);
            new_index.extend(std::iter::repeat_n(expanded.len(), length));
            match matched {
                Some((rule, length)) => {
                    let matched = &parsed.groups[start..start + length];
                    let typed_clauses: Vec<Clause> = matched
                        .iter()
                        .filter_map(|group| group.first())
                        .cloned()
                        .collect();
                    let as_typed = match <[Clause; 1]>::try_from(typed_clauses) {
                        Ok([single]) => single,
                        Err(several) => Clause::All(several),
                    };
                    // The rule's forms, then the other forms the parser already gave
                    // (`vidéoprotection` for `vidéo-protection`), each once and not again as
                    // typed (`e-mail`'s rule, found through `email`, names `e-mail` too).
                    let forms = rule
                        .expansions
                        .iter()
                        .map(|form| Clause::Synonym(Box::new(form_clause(form))))
                        .chain(
                            matched
                                .iter()
                                .flat_map(|group| group.iter().skip(1))
                                .cloned(),
                        );
                    let mut group = vec![as_typed];
                    for form in forms {
                        let repeats_the_typed =
                            matches!(&form, Clause::Synonym(inner) if **inner == group[0]);
                        if !repeats_the_typed && !group.contains(&form) {
                            group.push(form);
                        }
                    }
                    expanded.push(group);
                    start += length;
                }
                None => {
                    // Alternatives typed with `OR` (`ECE OR MAE`): each one's forms too.
                    let mut group = parsed.groups[start].clone();
                    if group.len() > 1 {
                        let forms: Vec<Clause> = group
                            .iter()
                            .filter_map(|clause| self.rule_for(clause))
                            .flat_map(|rule| rule.expansions.iter().map(form_clause))
                            .collect();
                        for form in forms {
                            let synonym = Clause::Synonym(Box::new(form));
                            if !group.contains(&synonym) {
                                group.push(synonym);
                            }
                        }
                    }
                    expanded.push(group);
                    start += 1;
                }
            }
        }
        parsed.groups = expanded;
        parsed.renumber(|index| new_index.get(index).copied());
    }

    /// The other forms of the rule whose trigger starts at group `start` of a parsed (not yet
    /// expanded) query; none when no rule's does.
    pub fn forms_at(&self, groups: &[Vec<Clause>], start: usize) -> Vec<Clause> {
        self.match_at(groups, start)
            .map(|(rule, _)| rule.expansions.iter().map(form_clause).collect())
            .unwrap_or_default()
    }

    /// The rule whose trigger is the terms of `clause`, one word or phrase typed.
    fn rule_for(&self, clause: &Clause) -> Option<&Rule> {
        let terms: Vec<&str> = match clause {
            Clause::Term(term) => vec![term.as_str()],
            Clause::Phrase(terms) => terms.iter().map(|(_, term)| term.as_str()).collect(),
            _ => return None,
        };
        self.rules.iter().find(|rule| {
            rule.trigger
                .iter()
                .map(|(_, term)| term.as_str())
                .eq(terms.iter().copied())
        })
    }

    /// The longest rule whose trigger is the terms of the groups starting at `start`.
    fn match_at(&self, groups: &[Vec<Clause>], start: usize) -> Option<(&Rule, usize)> {
        // A trigger matches one phrase group, or consecutive single-term groups.
        // A word typed with a hyphen (`cyber-attaque`) is the phrase of its parts, and the word
        // written whole (`cyberattaque`) the parser gave as another form: the rule may know
        // either.
        if let Some(phrase @ Clause::Phrase(_)) = typed(&groups[start]) {
            let joined = groups[start]
                .iter()
                .skip(1)
                .find_map(|clause| match clause {
                    Clause::Synonym(form) if matches!(**form, Clause::Term(_)) => {
                        self.rule_for(form)
                    }
                    _ => None,
                });
            return self.rule_for(phrase).or(joined).map(|rule| (rule, 1));
        }
        self.rules.iter().find_map(|rule| {
            let trigger = rule.trigger.iter().map(|(_, term)| term.as_str());
            let length = rule.trigger.len();
            let window = groups.get(start..start + length)?;
            let matches = window.iter().zip(trigger).all(
                |(group, term)| matches!(typed(group), Some(Clause::Term(word)) if word == term),
            );
            matches.then_some((rule, length))
        })
    }
}

/// The clause looking for one form: a term, or its terms as a phrase.
fn form_clause(form: &Form) -> Clause {
    match form.as_slice() {
        [(_, single)] => Clause::Term(single.clone()),
        terms => Clause::Phrase(terms.to_vec()),
    }
}

/// Analyzes a form into its terms and relative positions.
fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Form {
    let mut stream = analyzer.token_stream(text);
    let mut terms: Form = Vec::new();
    while let Some(token) = stream.next() {
        match terms.last_mut() {
            // Keep the more specific of two forms at one position (as the query parser does).
            Some((position, term)) if *position == token.position => term.clone_from(&token.text),
            _ => terms.push((token.position, token.text.clone())),
        }
    }
    let first = terms.first().map_or(0, |(position, _)| *position);
    terms
        .into_iter()
        .map(|(position, term)| (position - first, term))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::french_analyzer;
    use crate::search::query::parse;

    fn expanded(query: &str) -> Vec<Vec<Clause>> {
        let mut analyzer = french_analyzer();
        let synonyms = Synonyms::load(None, &mut analyzer).expect("built-in list reads");
        let mut parsed = parse(query, &mut analyzer);
        synonyms.expand(&mut parsed);
        parsed.groups
    }

    #[test]
    fn a_hyphenated_trigger_keeps_its_rule_and_its_joined_form() {
        let groups = expanded("couvre-feu");
        let [group] = groups.as_slice() else {
            panic!("one group: {groups:?}");
        };
        assert_eq!(
            group[0],
            Clause::Phrase(vec![(0, "couvr".into()), (1, "feu".into())])
        );
        let joined = Clause::Synonym(Box::new(Clause::Term("couvrefeu".into())));
        assert!(group.contains(&joined), "{group:?}");
        assert!(group.len() > 2, "the rule's forms too: {group:?}");
    }

    #[test]
    fn the_built_in_list_reads_and_is_large_enough() {
        let mut analyzer = french_analyzer();
        let synonyms = Synonyms::load(None, &mut analyzer).expect("built-in list reads");
        let groups = BUILT_IN
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
            .count();
        assert!(groups >= 60, "{groups} groups");
        assert!(synonyms.len() >= 2 * groups);
    }

    #[test]
    fn an_acronym_also_looks_for_its_expansion_as_a_phrase() {
        let groups = expanded("PNR vols");
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0][0], Clause::Term("pnr".into()));
        assert!(groups[0].iter().any(|clause| matches!(clause,
            Clause::Synonym(inner) if matches!(inner.as_ref(), Clause::Phrase(terms) if terms.iter().map(|(_, t)| t.as_str()).eq(["donnee", "dossi", "passager"])
                && terms[1].0 == 2))), "{groups:?}");
    }

    #[test]
    fn a_multi_word_form_typed_in_the_query_becomes_one_group() {
        let groups = expanded("mandat d'arrêt européen extradition");
        assert_eq!(groups.len(), 2, "{groups:?}");
        assert!(matches!(&groups[0][0], Clause::All(words) if words.len() == 3));
        let mae = Clause::Synonym(Box::new(Clause::Term("mae".into())));
        assert!(groups[0].contains(&mae));
        let quoted = expanded("\"mandat d'arrêt européen\"");
        assert!(quoted[0].contains(&mae));
    }

    #[test]
    fn a_word_typed_with_a_hyphen_meets_the_rule_of_the_word_written_whole() {
        let whole = expanded("cyberattaque");
        let hyphenated = expanded("cyber-attaque");
        let ([whole], [hyphenated]) = (whole.as_slice(), hyphenated.as_slice()) else {
            panic!("one group each: {whole:?} {hyphenated:?}");
        };
        assert!(matches!(hyphenated[0], Clause::Phrase(_)), "{hyphenated:?}");
        assert!(whole.len() > 1, "{whole:?}");
        for form in &whole[1..] {
            assert!(hyphenated.contains(form), "{form:?} in {hyphenated:?}");
        }
        for (index, form) in hyphenated.iter().enumerate() {
            assert!(!hyphenated[index + 1..].contains(form), "twice: {form:?}");
        }
    }

    #[test]
    fn the_groups_after_a_synonym_keep_what_was_noted_of_them() {
        let mut analyzer = french_analyzer();
        let synonyms = Synonyms::load(None, &mut analyzer).expect("built-in list reads");
        let mut parsed = parse(
            "code de procédure pénale article 100 cyber-sécurité",
            &mut analyzer,
        );
        assert_eq!(parsed.compounds, [5]);
        crate::search::article::drop_article_words(&mut parsed);
        assert_eq!(
            (
                parsed.numbered_articles.as_slice(),
                parsed.compounds.as_slice()
            ),
            (&[3][..], &[4][..])
        );
        // `code de procédure pénale` becomes one group (`CPP`).
        synonyms.expand(&mut parsed);
        assert_eq!(parsed.groups.len(), 3, "{:?}", parsed.groups);
        assert_eq!(parsed.numbered_articles, [1]);
        assert_eq!(parsed.groups[1][0], Clause::Term("100".into()));
        assert_eq!(parsed.compounds, [2]);
        assert!(
            matches!(parsed.groups[2][0], Clause::Phrase(_)),
            "{:?}",
            parsed.groups
        );
    }

    #[test]
    fn one_way_rules_do_not_expand_backwards() {
        assert!(expanded("ADN")[0].len() > 1);
        let backwards = expanded("empreintes génétiques");
        assert_eq!(backwards.len(), 2, "{backwards:?}");
        assert!(!backwards
            .iter()
            .flatten()
            .any(|clause| *clause == Clause::Term("adn".into())));
        let mut analyzer = french_analyzer();
        let rules = Synonyms::parse("voiture => véhicule", "test", &mut analyzer).expect("reads");
        let mut parsed = parse("véhicule", &mut analyzer);
        rules.expand(&mut parsed);
        assert_eq!(parsed.groups, vec![vec![Clause::Term("vehicul".into())]]);
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let mut analyzer = french_analyzer();
        for (text, line) in [
            ("PNR, passagers\nseul\n", 2),
            ("\n\nA,, B\n", 3),
            ("# commentaire\nle, la\n", 2),
            ("x =>\n", 1),
        ] {
            let error = Synonyms::parse(text, "mes-synonymes.txt", &mut analyzer).err();
            assert_eq!(
                error.as_ref().map(|error| error.line),
                Some(line),
                "{text:?}: {error:?}"
            );
            let message = error.map(|error| error.to_string()).unwrap_or_default();
            assert!(
                message.starts_with(&format!("mes-synonymes.txt:{line}: ")),
                "{message}"
            );
        }
    }
}
