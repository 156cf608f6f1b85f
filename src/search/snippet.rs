//! Highlighting: the matched words of a passage, as HTML and as character ranges.
//!
//! The passage is re-analyzed with the index's analyzer and every token whose term the query
//! asked for is marked, so stemmed and unaccented variants (`échanges` for `l'échange`,
//! `Sécurité` for `securite`) light up exactly as they matched. Passages are short (see
//! `ingest::MAX_PASSAGE_CHARS`), so the whole passage is returned, never a cut fragment.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use foldhash::fast::FixedState;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use crate::analysis::{Variant, WordStarts};

use super::query::{Clause, ParsedQuery};

/// A passage with its matched words marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlighted {
    /// HTML-escaped text with `<mark>…</mark>` around matched words.
    pub html: String,
    /// `[start, end)` ranges of the matched words, in Unicode characters.
    pub char_ranges: Vec<[usize; 2]>,
}

/// Marks the words of passages that match a query's terms. Built once per query.
pub struct Highlighter {
    marks: Marks,
    variant: Variant,
    /// The index's analyzer, for whole texts ([`Highlighter::terms_of`]): built when first
    /// needed, for a corrected query only.
    analyzer: Option<TextAnalyzer>,
    /// The same, giving only the words that may be one of the marked terms: the others
    /// cannot be marked, and a passage is mostly others.
    marking: TextAnalyzer,
}

/// What a query marks.
#[derive(Default)]
struct Marks {
    /// Terms marked wherever they occur.
    terms: HashSet<String, FixedState>,
    /// Phrases (terms at positions relative to the first), marked only where they occur
    /// whole: `"équipes communes d'enquête"` does not mark `zone frontalière commune`.
    phrases: Vec<Vec<(usize, String)>>,
    /// Every term of `phrases`.
    phrase_terms: HashSet<String, FixedState>,
}

impl Marks {
    fn add(&mut self, clause: &Clause) {
        match clause {
            Clause::Term(term) => {
                self.terms.insert(term.clone());
            }
            Clause::Phrase(terms) => {
                self.phrase_terms
                    .extend(terms.iter().map(|(_, term)| term.clone()));
                self.phrases.push(terms.clone());
            }
            Clause::All(clauses) => clauses.iter().for_each(|inner| self.add(inner)),
            Clause::Synonym(inner) => self.add(inner),
        }
    }
}

/// A token of a passage that the query may mark.
struct Candidate {
    position: usize,
    /// Marked as a term wherever it occurs.
    is_term: bool,
    /// Its term, when the query has phrases to find (else not kept).
    phrase_term: Option<String>,
    bytes: Range<usize>,
}

impl Highlighter {
    /// A highlighter for `terms`, analyzing passages as an index of `variant` does.
    pub fn new<'t>(terms: impl IntoIterator<Item = &'t str>, variant: Variant) -> Self {
        let mut marks = Marks::default();
        marks.terms.extend(terms.into_iter().map(str::to_string));
        Highlighter::marking(marks, variant)
    }

    /// A highlighter for what `parsed` asks for: its words wherever they occur, its phrases
    /// where they occur whole.
    pub fn for_query(parsed: &ParsedQuery, variant: Variant) -> Self {
        let mut marks = Marks::default();
        for clause in parsed.groups.iter().flatten() {
            marks.add(clause);
        }
        Highlighter::marking(marks, variant)
    }

    /// A highlighter for `marks`, with the analyzer that gives only their words.
    fn marking(marks: Marks, variant: Variant) -> Self {
        let terms = marks.terms.iter().chain(&marks.phrase_terms);
        let starts = WordStarts::of(terms.map(String::as_str));
        Highlighter {
            variant,
            analyzer: None,
            marking: variant.analyzer_starting_with(Arc::new(starts)),
            marks,
        }
    }

    /// The index's whole analyzer.
    fn analyzer(&mut self) -> &mut TextAnalyzer {
        let variant = self.variant;
        self.analyzer.get_or_insert_with(|| variant.analyzer())
    }

    /// The tokens of `text` whose term the query holds, in order.
    fn candidates(&mut self, text: &str) -> Vec<Candidate> {
        let mut candidates = Vec::new();
        let mut stream = self.marking.token_stream(text);
        while let Some(token) = stream.next() {
            let is_term = self.marks.terms.contains(&token.text);
            let in_phrase = !self.marks.phrase_terms.is_empty()
                && self.marks.phrase_terms.contains(&token.text);
            let (start, end) = (token.offset_from, token.offset_to);
            if !(is_term || in_phrase)
                || end > text.len()
                || start >= end
                || !text.is_char_boundary(start)
                || !text.is_char_boundary(end)
            {
                continue;
            }
            candidates.push(Candidate {
                position: token.position,
                is_term,
                phrase_term: in_phrase.then(|| token.text.clone()),
                bytes: start..end,
            });
        }
        candidates
    }

    /// Byte ranges of the matched words of `text`, in order, merged when they touch.
    fn matched_byte_ranges(&mut self, text: &str) -> Vec<Range<usize>> {
        if self.marks.terms.is_empty() && self.marks.phrases.is_empty() {
            return Vec::new();
        }
        let candidates = self.candidates(text);
        let mut marked: Vec<bool> = candidates
            .iter()
            .map(|candidate| candidate.is_term)
            .collect();
        for phrase in &self.marks.phrases {
            mark_phrase(phrase, &candidates, &mut marked);
        }
        let mut ranges: Vec<Range<usize>> = Vec::new();
        for (candidate, _) in candidates.iter().zip(marked).filter(|(_, marked)| *marked) {
            let Range { start, end } = candidate.bytes;
            match ranges.last_mut() {
                Some(last) if start < last.end => last.end = last.end.max(end),
                _ => ranges.push(start..end),
            }
        }
        ranges
    }

    /// The surface form (as written in `text`, lower-cased) of the first word of `text` whose
    /// term is `term`.
    pub fn surface_of(&mut self, text: &str, term: &str) -> Option<String> {
        let mut stream = self.analyzer().token_stream(text);
        while let Some(token) = stream.next() {
            if token.text == term {
                return text
                    .get(token.offset_from..token.offset_to)
                    .map(str::to_lowercase);
            }
        }
        None
    }

    /// The terms of `text` under the highlighter's analyzer.
    pub fn terms_of(&mut self, text: &str) -> Vec<String> {
        crate::analysis::analyze_with(self.analyzer(), text)
    }

    /// Highlights `text`.
    pub fn highlight(&mut self, text: &str) -> Highlighted {
        let byte_ranges = self.matched_byte_ranges(text);
        let mut html = String::with_capacity(text.len() + byte_ranges.len() * 13);
        let mut char_ranges = Vec::with_capacity(byte_ranges.len());
        let mut written_to = 0;
        let mut chars_before = 0;
        for range in byte_ranges {
            let gap = &text[written_to..range.start];
            escape_into(&mut html, gap);
            let start_char = chars_before + gap.chars().count();
            let word = &text[range.clone()];
            let end_char = start_char + word.chars().count();
            html.push_str("<mark>");
            escape_into(&mut html, word);
            html.push_str("</mark>");
            char_ranges.push([start_char, end_char]);
            chars_before = end_char;
            written_to = range.end;
        }
        escape_into(&mut html, &text[written_to..]);
        Highlighted { html, char_ranges }
    }
}

/// Marks the candidates forming each occurrence of `phrase`: its terms at the positions it
/// gives them, relative to its first.
fn mark_phrase(phrase: &[(usize, String)], candidates: &[Candidate], marked: &mut [bool]) {
    let Some((first_offset, first_term)) = phrase.first() else {
        return;
    };
    let holds = |candidate: &Candidate, term: &str| candidate.phrase_term.as_deref() == Some(term);
    for (start, candidate) in candidates.iter().enumerate() {
        if !holds(candidate, first_term) || candidate.position < *first_offset {
            continue;
        }
        let origin = candidate.position - first_offset;
        let mut found = Vec::with_capacity(phrase.len());
        for (offset, term) in phrase {
            let at = candidates[start..]
                .iter()
                .position(|other| other.position == origin + offset && holds(other, term));
            match at {
                Some(at) => found.push(start + at),
                None => break,
            }
        }
        if found.len() == phrase.len() {
            for index in found {
                marked[index] = true;
            }
        }
    }
}

/// Appends `text` to `out` with the HTML special characters escaped.
pub fn escape_into(out: &mut String, text: &str) {
    // Copies runs of plain text whole. The special characters are ASCII, and an ASCII byte
    // never occurs inside a multi-byte UTF-8 sequence, so slicing at them is always valid.
    let mut plain_from = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[plain_from..at]);
        out.push_str(entity);
        plain_from = at + 1;
    }
    out.push_str(&text[plain_from..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, french_analyzer};

    fn highlighter(query: &str) -> Highlighter {
        let terms = analyze(query);
        Highlighter::new(terms.iter().map(String::as_str), Variant::Light)
    }

    #[test]
    fn marks_words_and_reports_character_ranges() {
        let text = "Renforcer la sécurité intérieure";
        let highlighted = highlighter("sécurité").highlight(text);
        assert_eq!(
            highlighted.html,
            "Renforcer la <mark>sécurité</mark> intérieure"
        );
        assert_eq!(highlighted.char_ranges, vec![[13, 21]]);
        let [start, end] = highlighted.char_ranges[0];
        let word: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(word, "sécurité");
    }

    #[test]
    fn escapes_markup_outside_and_inside_marks() {
        let highlighted = highlighter("script").highlight("<script>alert('x')</script> & co");
        assert!(!highlighted.html.contains("<script>"));
        assert!(highlighted.html.contains("&lt;<mark>script</mark>&gt;"));
        assert!(highlighted.html.contains("&amp; co"));
    }

    #[test]
    fn escaping_keeps_accented_text_around_entities() {
        let mut out = String::new();
        escape_into(&mut out, "l'État « sûr » & <b>");
        assert_eq!(out, "l&#39;État « sûr » &amp; &lt;b&gt;");
    }

    #[test]
    fn a_phrase_is_marked_only_where_it_stands_whole() {
        let parsed = crate::search::query::parse(
            "\"équipes communes d'enquête\" coopération",
            &mut french_analyzer(),
        );
        let mut highlighter = Highlighter::for_query(&parsed, Variant::Light);
        let highlighted = highlighter.highlight(
            "Une zone frontalière commune, des enquêtes et la coopération des équipes \
             communes d'enquête.",
        );
        assert_eq!(
            highlighted.html,
            "Une zone frontalière commune, des enquêtes et la <mark>coopération</mark> des \
             <mark>équipes</mark> <mark>communes</mark> d&#39;<mark>enquête</mark>."
        );
        // Its words apart, or in another order, are not the phrase.
        let apart = highlighter.highlight("Des enquêtes communes menées par des équipes.");
        assert!(apart.char_ranges.is_empty(), "{}", apart.html);
    }

    #[test]
    fn no_terms_means_no_marks() {
        let highlighted = highlighter("").highlight("Texte <b>brut</b>");
        assert_eq!(highlighted.html, "Texte &lt;b&gt;brut&lt;/b&gt;");
        assert!(highlighted.char_ranges.is_empty());
    }
}
