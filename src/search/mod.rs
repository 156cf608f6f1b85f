//! Search: a request (query text, filters, paging) → ranked, highlighted passages.
//!
//! Owns query parsing ([`query`]), ranking and collection, and highlighting ([`snippet`]), and
//! returns plain domain types ([`types`]). Never panics on user text: every query string is
//! readable (see [`query`]), and malformed parameters are typed errors. May import `error`,
//! `analysis` and `index`; no engine type leaves this module through its public API.
//!
//! Ranking: passages holding every query group come first (BM25 among them), then passages
//! holding only some (BM25), so a passage with all the words always outranks one with fewer.
//! An answer is kept (`cache`) until the index changes, so a search asked again is a lookup.

mod article;
mod bonus;
mod cache;
mod collect;
mod count;
mod coverage;
mod lazy_union;
mod proximity;
pub mod query;
mod related;
pub mod snippet;
pub mod spelling;
mod statistics;
pub mod suggest;
pub mod synonyms;
pub mod types;

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use tantivy::query::{Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::analysis;
use crate::error::SearchError;
use crate::index::{engine, VigieIndex};
use collect::{doc_ids_of, document_keys_of, top_passages, top_passages_split, CappedCount};
use query::{Clause, ParsedQuery, QueryBuilder, SplitQuery, Tier, Weights};
use snippet::Highlighter;
use spelling::Rewrites;
use statistics::Statistics;
pub use suggest::{
    SuggestRequest, Suggestion, SuggestionKind, Suggestions, DEFAULT_SUGGEST_LIMIT,
    MAX_SUGGEST_CHARS, MAX_SUGGEST_LIMIT,
};
use synonyms::Synonyms;
pub use types::{
    AnswerCacheStats, DocumentDetail, Filters, Hit, IndexStats, PassageDetail, SearchRequest,
    SearchResults, DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS,
};

/// Settings of the search engine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchSettings {
    /// Query weights.
    pub weights: Weights,
    /// Passages holding every query word come first (else: ranked by score alone).
    pub all_words_first: bool,
    /// Memory for recent answers, kept until the index changes, in bytes; 0: none kept.
    pub cache_bytes: u64,
    /// Words of the best matches the related passages are searched with; 0: none searched.
    pub related_terms: usize,
    /// Best matches the related passages' words are read from.
    pub related_from: usize,
}

/// Default memory for recent answers (see [`SearchSettings::cache_bytes`]).
pub const DEFAULT_CACHE_BYTES: u64 = crate::config::DEFAULT_CACHE_MB * 1024 * 1024;

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings {
            weights: Weights::default(),
            all_words_first: true,
            cache_bytes: DEFAULT_CACHE_BYTES,
            related_terms: crate::config::DEFAULT_RELATED_TERMS,
            related_from: crate::config::DEFAULT_RELATED_FROM,
        }
    }
}

impl SearchSettings {
    /// The search settings of a configuration.
    pub fn from_config(config: &crate::config::Config) -> Self {
        SearchSettings {
            weights: Weights {
                title_boost: config.title_boost,
                inherited_title_boost: config.inherited_title_boost,
                context_boost: config.context_boost,
                lead_in_boost: config.lead_in_boost,
                article_boost: config.article_boost,
                synonym_boost: config.synonym_boost,
                proximity_boost: config.proximity_boost,
                phrase_boost: config.phrase_boost,
                coverage_boost: config.coverage_boost,
                exact_boost: config.exact_boost,
            },
            all_words_first: config.all_words_first,
            cache_bytes: config.cache_mb.saturating_mul(1024 * 1024),
            related_terms: config.related_terms,
            related_from: config.related_from,
        }
    }
}

/// Answers searches on one index. Cheap to share between threads (`Arc<Engine>`).
pub struct Engine {
    index: VigieIndex,
    settings: SearchSettings,
    synonyms: Synonyms,
    /// Completions as you type, built from the index and rebuilt when it changes.
    suggestions: suggest::SuggestionCache,
    /// Recent answers, until the index changes.
    answers: cache::ResultCache,
}

/// A candidate passage before its stored fields are loaded.
struct Candidate {
    score: f32,
    address: DocAddress,
}

/// What [`Engine::rank`] found for a page.
struct Ranked {
    /// Passages matching the query, all pages (as the pages can show them, with `per_doc`).
    total: usize,
    /// The page's matches, best first.
    page: Vec<Candidate>,
    /// The related passages completing a page the matches do not fill (see `related`).
    related: Vec<Candidate>,
    /// The words the related passages were searched with (analyzed terms).
    related_terms: Vec<String>,
}

/// What the related passages' query is built from.
struct RelatedSearch<'q> {
    builder: &'q QueryBuilder<'q>,
    parsed: &'q ParsedQuery,
    filters: &'q [Box<dyn Query>],
}

impl Ranked {
    fn empty(total: usize) -> Self {
        Ranked {
            total,
            page: Vec::new(),
            related: Vec::new(),
            related_terms: Vec::new(),
        }
    }
}

impl Engine {
    /// An engine on `index`, with the built-in synonym list.
    pub fn new(index: VigieIndex, settings: SearchSettings) -> Self {
        let synonyms = Synonyms::parse(synonyms::BUILT_IN, "built-in", &mut index.analyzer())
        .unwrap_or_else(|error| {
            // The built-in list is checked by a unit test; never stop serving over it.
            tracing::error!(%error, "the built-in synonym list is unreadable; searching without it");
            Synonyms::default()
        });
        Engine {
            index,
            settings,
            synonyms,
            suggestions: suggest::SuggestionCache::default(),
            answers: cache::ResultCache::new(settings.cache_bytes),
        }
    }

    /// Replaces the synonym rules (for example with the built-in list plus a user's file).
    pub fn with_synonyms(mut self, synonyms: Synonyms) -> Self {
        self.synonyms = synonyms;
        self
    }

    /// Parses a query, corrects words found nowhere in the index, and applies the synonyms.
    /// Returns how the words typed were rewritten (corrections, compounds split).
    fn parse(
        &self,
        searcher: &Searcher,
        query_text: &str,
        analyzer: &mut tantivy::tokenizer::TextAnalyzer,
    ) -> Result<(ParsedQuery, Rewrites), SearchError> {
        let body = [self.index.fields().body];
        let mut parsed = query::parse_with(query_text, analyzer, |term| {
            spelling::is_known(searcher, &body, term)
        })?;
        article::drop_article_words(&mut parsed);
        let corrections = self.correct_typos(searcher, &mut parsed)?;
        self.synonyms.expand(&mut parsed);
        // Before the stand-ins: a compound's other forms are still marked as such then.
        let split_compounds = self.split_compounds_found_nowhere(searcher, &mut parsed)?;
        let loosened_phrases = self.loosen_phrases_found_nowhere(searcher, &mut parsed)?;
        self.stand_in_for_absent_words(searcher, &mut parsed)?;
        if self.index.variant().uses_exact_field() {
            parsed.exact = query::exact_clauses(query_text, &mut analysis::exact_analyzer());
        }
        Ok((
            parsed,
            Rewrites {
                corrections,
                split_compounds,
                loosened_phrases,
            },
        ))
    }

    /// Replaces each plain query word that no passage holds by the closest indexed word,
    /// unless the synonym list knows it and passages hold one of its other forms (those are
    /// searched instead), and an act's number no passage holds by the same number the other
    /// way round, if passages hold it (`679/2016` → `2016/679`).
    fn correct_typos(
        &self,
        searcher: &Searcher,
        parsed: &mut ParsedQuery,
    ) -> Result<Vec<(String, String)>, SearchError> {
        let fields = self.index.fields();
        let searched = fields.word_fields();
        let mut corrections = Vec::new();
        for index in 0..parsed.groups.len() {
            // A word, each word of a quoted phrase (`"coopératon policière"`), each word of
            // alternatives typed with `OR` (`Shengen OR Europol`): where each unknown one is
            // (its clause, and its place in a phrase).
            let mut unknown = Vec::new();
            for (place, clause) in parsed.groups[index].iter().enumerate() {
                let terms: Vec<&String> = match clause {
                    Clause::Term(term) => vec![term],
                    Clause::Phrase(terms) => terms.iter().map(|(_, term)| term).collect(),
                    _ => Vec::new(),
                };
                for (within, term) in terms.into_iter().enumerate() {
                    if !spelling::is_known(searcher, &searched, term)? {
                        unknown.push((place, within));
                    }
                }
            }
            if unknown.is_empty() || self.synonym_forms_are_held(searcher, &parsed.groups, index)? {
                continue;
            }
            for (place, within) in unknown {
                let term = match &mut parsed.groups[index][place] {
                    Clause::Term(term) => term,
                    Clause::Phrase(terms) => &mut terms[within].1,
                    _ => continue,
                };
                let reversed = match article::act_number_reversed(term) {
                    Some(reversed) if spelling::is_known(searcher, &searched, &reversed)? => {
                        Some(reversed)
                    }
                    _ => None,
                };
                let corrected = match reversed {
                    Some(reversed) => Some(reversed),
                    None => spelling::closest_term(searcher, fields.body, term)?,
                };
                if let Some(corrected) = corrected {
                    corrections.push((std::mem::replace(term, corrected.clone()), corrected));
                }
            }
        }
        // The corrected words stand where their typos were typed (for the phrase bonus).
        for (typed, corrected) in &corrections {
            if let Some((_, word)) = parsed
                .typed_words
                .iter_mut()
                .find(|(_, word)| word == typed)
            {
                word.clone_from(corrected);
            }
        }
        Ok(corrections)
    }

    /// True when a synonym rule is triggered at group `index` and some passage holds the words
    /// of one of its other forms: those are searched instead of a correction. When the index
    /// holds none (`djihadiste, jihadiste` in texts that only say `djihadisme`), the word typed
    /// is corrected like any other.
    fn synonym_forms_are_held(
        &self,
        searcher: &Searcher,
        groups: &[Vec<Clause>],
        index: usize,
    ) -> Result<bool, SearchError> {
        let searched = self.index.fields().word_fields();
        for form in self.synonyms.forms_at(groups, index) {
            if spelling::holds_every_term(searcher, &searched, &form)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Searches the parts of each word typed with hyphens (`cyber-sécurité`) apart, as if
    /// typed with spaces, when no passage holds the word: neither as the phrase of its parts,
    /// nor written whole, nor in another form the synonym list gives. Only then: `couvre-feu`
    /// is the curfew, not passages holding `couvre` and `feu` apart. Returns the parts of each
    /// word split.
    fn split_compounds_found_nowhere(
        &self,
        searcher: &Searcher,
        parsed: &mut ParsedQuery,
    ) -> Result<Vec<Vec<String>>, SearchError> {
        let mut split = Vec::new();
        let mut compounds = parsed.compounds.clone();
        // From the last, so that splitting one leaves the others' indices as they are.
        compounds.sort_unstable_by(|a, b| b.cmp(a));
        for index in compounds {
            if let Some(parts) = self.words_of_phrase_held_nowhere(searcher, parsed, index)? {
                parsed.split_group(index, parts.clone());
                split.push(parts);
            }
        }
        Ok(split)
    }

    /// Searches the words of each quoted phrase that no passage holds (in its text, headings,
    /// article number or document title) as if typed without quotes: a query that finds
    /// nothing leads nowhere, and the answer says what was searched instead. Returns the text
    /// of each phrase loosened.
    fn loosen_phrases_found_nowhere(
        &self,
        searcher: &Searcher,
        parsed: &mut ParsedQuery,
    ) -> Result<Vec<String>, SearchError> {
        let mut loosened = Vec::new();
        let mut quoted = parsed.quoted.clone();
        // From the last, so that loosening one leaves the others' indices as they are.
        quoted.sort_unstable_by_key(|(index, _)| std::cmp::Reverse(*index));
        for (index, text) in quoted {
            if let Some(words) = self.words_of_phrase_held_nowhere(searcher, parsed, index)? {
                parsed.split_group(index, words);
                loosened.push(text);
            }
        }
        Ok(loosened)
    }

    /// The words of group `index` when it is a phrase that no passage holds, alone: not in its
    /// text, headings, article number or document title, nor in another form the group gives
    /// (a compound written whole, a synonym). `None` when it is held, or not a phrase.
    fn words_of_phrase_held_nowhere(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        index: usize,
    ) -> Result<Option<Vec<String>>, SearchError> {
        let Some(phrase @ Clause::Phrase(words)) =
            parsed.groups.get(index).and_then(|g| query::typed(g))
        else {
            return Ok(None);
        };
        let builder = QueryBuilder {
            fields: self.index.fields(),
            weights: self.settings.weights,
        };
        // Most phrases asked for are in some passage's text: that one field is asked first.
        if collect::matches_any(searcher, builder.in_text(phrase).as_ref())? {
            return Ok(None);
        }
        let alone = ParsedQuery {
            groups: vec![parsed.groups[index].clone()],
            ..ParsedQuery::default()
        };
        if collect::matches_any(searcher, builder.build(&alone, &[], Tier::Any).as_ref())? {
            return Ok(None);
        }
        Ok(Some(words.iter().map(|(_, word)| word.clone()).collect()))
    }

    /// Gives the synonyms of words the index holds nowhere the full weight of the words typed:
    /// they are then the only way to find what was asked (`cyberattaque` in a corpus that
    /// only says `attaque informatique`).
    fn stand_in_for_absent_words(
        &self,
        searcher: &Searcher,
        parsed: &mut ParsedQuery,
    ) -> Result<(), SearchError> {
        let searched = self.index.fields().word_fields();
        for group in &mut parsed.groups {
            let [typed, alternatives @ ..] = group.as_slice() else {
                continue;
            };
            if !alternatives
                .iter()
                .any(|clause| matches!(clause, Clause::Synonym(_)))
            {
                continue;
            }
            if !spelling::holds_every_term(searcher, &searched, typed)? {
                let promoted: Vec<Clause> = group
                    .drain(1..)
                    .map(|clause| match clause {
                        Clause::Synonym(form) => *form,
                        other => other,
                    })
                    .collect();
                group.extend(promoted);
            }
        }
        Ok(())
    }

    /// The index searched.
    pub fn index(&self) -> &VigieIndex {
        &self.index
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let started = Instant::now();
        validate(request)?;
        let searcher = self.index.searcher();
        let generation = searcher.generation().generation_id();
        if let Some(mut results) = self.answers.get(generation, request) {
            results.took_ms = started.elapsed().as_secs_f64() * 1000.0;
            return Ok(results);
        }
        let results = self.search_uncached(&searcher, request, started)?;
        self.answers.insert(generation, request, &results);
        Ok(results)
    }

    /// Runs a search on `searcher`, without the answers cache.
    fn search_uncached(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        started: Instant,
    ) -> Result<SearchResults, SearchError> {
        let limit = request.limit.min(MAX_LIMIT);
        let mut analyzer = self.index.analyzer();
        let (parsed, rewrites) = self.parse(searcher, &request.query, &mut analyzer)?;
        if parsed.groups.is_empty() && !parsed.excluded.is_empty() {
            return Err(SearchError::InvalidRequest {
                code: "only_exclusions",
                message: "the query only excludes words; add at least one word to look for"
                    .to_string(),
            });
        }
        let ranked = if parsed.groups.is_empty() {
            Ranked::empty(0)
        } else {
            self.rank(searcher, &parsed, request, limit)?
        };
        let mut highlighter = Highlighter::for_query(&parsed, self.index.variant());
        let hits = ranked
            .page
            .into_iter()
            .map(|candidate| self.hit(searcher, candidate, &mut highlighter))
            .collect::<Result<Vec<_>, _>>()?;
        let related = if ranked.related.is_empty() {
            Vec::new()
        } else {
            // Their marks are the words they share with the best matches.
            let mut related_highlighter = Highlighter::new(
                ranked.related_terms.iter().map(String::as_str),
                self.index.variant(),
            );
            ranked
                .related
                .into_iter()
                .map(|candidate| self.hit(searcher, candidate, &mut related_highlighter))
                .collect::<Result<Vec<_>, _>>()?
        };
        let corrected_query = if rewrites.is_empty() {
            None
        } else {
            Some(spelling::corrected_query(
                &request.query,
                &rewrites,
                &mut highlighter,
                |highlighter: &mut Highlighter, term: &str| match hits
                    .iter()
                    .find_map(|hit| highlighter.surface_of(&hit.text, term))
                {
                    Some(surface) => Ok(Some(surface)),
                    None => self.written_in_some_passage(searcher, highlighter, term),
                },
            )?)
        };
        Ok(SearchResults {
            query: request.query.clone(),
            corrected_query,
            total: ranked.total,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            related,
        })
    }

    /// Finds the total and the requested page of candidates, best first, with the related
    /// passages completing a page the matches do not fill.
    fn rank(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        request: &SearchRequest,
        limit: usize,
    ) -> Result<Ranked, SearchError> {
        let builder = QueryBuilder {
            fields: self.index.fields(),
            weights: self.settings.weights,
        };
        let statistics = Statistics::new(searcher, self.index.fields());
        let filters = builder.filters(&request.filters)?;
        // What completes a page the matches do not fill (see `related_passages`).
        let related = RelatedSearch {
            builder: &builder,
            parsed,
            filters: &filters,
        };
        let all_query = (self.settings.all_words_first && parsed.groups.len() > 1)
            .then(|| builder.build(parsed, &filters, Tier::All));
        let any_tier = if all_query.is_some() {
            Tier::Any
        } else {
            Tier::AnyWithProximity
        };
        let any_query = builder.build(parsed, &filters, any_tier);
        let any_split = builder.split_partial(parsed, &filters, any_tier);
        let lookup_query = builder.lookup(parsed, &filters, any_tier);
        // The partial tier's proximity bonus, read at its best matches only (see `proximity`).
        let phrases = match any_tier {
            Tier::Any => builder.proximity(parsed),
            _ => Vec::new(),
        };
        let page_end = request.offset + limit;
        // With a per-document cap, more candidates are needed to fill a page: few more when
        // documents hold few passages (articles of a code, one per document), so that the cap
        // seldom takes any; four pages' worth when they are long (the window grows if short).
        let mut window = match request.per_doc {
            Some(cap) if self.passages_per_document(searcher)? <= cap as f64 => {
                (page_end * 2).max(20)
            }
            Some(_) => (page_end * 4).max(50),
            None => page_end,
        };
        // One group that tantivy cannot rank without scoring every passage it matches (a
        // quoted phrase: no block-max WAND, nothing to split off) is counted in the pass that
        // ranks it; counted apart, its phrase would be matched in every passage twice.
        let one_pass = request.per_doc.is_none()
            && limit > 0
            && parsed.groups.len() == 1
            && lookup_query.is_none()
            && any_split.is_none()
            && !builder.prunable(parsed, &filters, any_tier);
        if one_pass {
            let (matched, hits) =
                collect::counted_top_passages(&statistics, any_query.as_ref(), page_end)?;
            let ranked = merge_tiers(vec![hits]);
            return self.page_of(searcher, matched, ranked, &related, request, limit);
        }
        // Counted apart and without scores: ranked alone, the top passages may skip those
        // that cannot reach them, which a single pass for both could not. With a cap per
        // document, the total is what the pages can show. Without one, the count waits for
        // the first ranking pass: if the partial tier ranked its phrases apart, it has matched
        // them all, and the count takes those passages instead of matching the phrases again.
        let count_alone = |phrases_matched: Option<&[DocAddress]>| {
            let plan = builder.count_plan(parsed, &filters);
            count::matching(searcher, &plan, phrases_matched).map(|matched| (matched, matched))
        };
        let mut counted = match request.per_doc {
            Some(cap) => {
                let counts = searcher
                    .search(&any_query, &CappedCount { cap: cap.max(1) })
                    .map_err(engine)?;
                Some((counts.matched, counts.shown))
            }
            None => None,
        };
        if limit == 0 {
            let (_, total) = match counted {
                Some(counts) => counts,
                None => count_alone(None)?,
            };
            return Ok(Ranked::empty(total));
        }
        let mut phrases_matched = None;
        loop {
            let lookup_hits = match &lookup_query {
                Some(lookup_query) => top_passages(&statistics, lookup_query.as_ref(), window)?,
                None => Vec::new(),
            };
            // Each tier that fills the window leaves the ones below it out of the page.
            let all_hits = match &all_query {
                Some(all_query) if lookup_hits.len() < window => {
                    top_passages(&statistics, all_query.as_ref(), window)?
                }
                _ => Vec::new(),
            };
            let any_hits = if lookup_hits.len() >= window
                || (all_query.is_some() && all_hits.len() >= window)
            {
                Vec::new()
            } else {
                let partial = PartialQuery {
                    whole: any_query.as_ref(),
                    split: any_split.as_ref(),
                };
                self.partial_matches(
                    &statistics,
                    &partial,
                    parsed,
                    &phrases,
                    window,
                    &mut phrases_matched,
                )?
            };
            let (matched, total) = match counted {
                Some(counts) => counts,
                None => *counted.insert(count_alone(phrases_matched.as_deref())?),
            };
            let ranked = merge_tiers(vec![lookup_hits, all_hits, any_hits]);
            let exhausted = window >= matched;
            let ranked = match request.per_doc {
                Some(cap) => self.cap_per_document(searcher, &[], ranked, cap.max(1))?,
                None => ranked,
            };
            if ranked.len() >= page_end || exhausted {
                return self.page_of(searcher, total, ranked, &related, request, limit);
            }
            window = (window * 4).min(matched);
        }
    }

    /// The page of `ranked` (every match up to the page's end at least, best first) the
    /// request asks for, completed by related passages when the matches end before it does.
    fn page_of(
        &self,
        searcher: &Searcher,
        total: usize,
        ranked: Vec<Candidate>,
        related: &RelatedSearch,
        request: &SearchRequest,
        limit: usize,
    ) -> Result<Ranked, SearchError> {
        let page_end = request.offset + limit;
        let (related, related_terms) = if ranked.len() < page_end {
            self.related_passages(searcher, related, &ranked, request, page_end)?
        } else {
            (Vec::new(), Vec::new())
        };
        let page = ranked
            .into_iter()
            .skip(request.offset)
            .take(limit)
            .collect();
        Ok(Ranked {
            total,
            page,
            related,
            related_terms,
        })
    }

    /// The related passages of a page ending at `page_end` past the last of the matches,
    /// `ranked` (all of them, best first), with the words they were searched with: the
    /// `related_terms` words that most characterise the best `related_from` matches.
    fn related_passages(
        &self,
        searcher: &Searcher,
        search: &RelatedSearch,
        ranked: &[Candidate],
        request: &SearchRequest,
        page_end: usize,
    ) -> Result<(Vec<Candidate>, Vec<String>), SearchError> {
        let best = &ranked[..ranked.len().min(self.settings.related_from)];
        if best.is_empty() || self.settings.related_terms == 0 {
            return Ok((Vec::new(), Vec::new()));
        }
        let mut analyzer = self.index.analyzer();
        let fields = self.index.fields();
        let mut asked = Vec::new();
        for clause in search.parsed.groups.iter().flatten() {
            clause.collect_terms(&mut asked);
        }
        let asked: HashSet<&str> = asked.into_iter().collect();
        let terms = related::telling_terms(
            searcher,
            fields,
            &mut analyzer,
            best,
            &asked,
            self.settings.related_terms,
        )?;
        let min_shared = related::MIN_SHARED;
        let Some(query) = search
            .builder
            .related(search.parsed, search.filters, &terms, min_shared)
        else {
            return Ok((Vec::new(), Vec::new()));
        };
        // The matches are all in `ranked` (those a cap per document left out are of
        // documents it already fills): they are skipped here rather than excluded from the
        // query, which would match the query's words again.
        let matches: HashSet<DocAddress> = ranked.iter().map(|hit| hit.address).collect();
        let wanted = page_end - ranked.len();
        let mut fetch = match request.per_doc {
            Some(_) => (wanted * 4).max(50),
            None => wanted,
        } + matches.len();
        // Ranked as the matches are: equal scores in a stable order, whatever the segments.
        let statistics = Statistics::new(searcher, fields);
        let related = loop {
            let hits = top_passages(&statistics, query.as_ref(), fetch)?;
            let found = hits.len();
            let related: Vec<Candidate> = hits
                .into_iter()
                .filter(|(_, address)| !matches.contains(address))
                .map(|(score, address)| Candidate { score, address })
                .collect();
            let Some(cap) = request.per_doc else {
                break related;
            };
            let related = self.cap_per_document(searcher, ranked, related, cap.max(1))?;
            if related.len() >= wanted || found < fetch {
                break related;
            }
            fetch *= 4;
        };
        let skipped = request.offset.saturating_sub(ranked.len());
        let page = related
            .into_iter()
            .skip(skipped)
            .take(wanted - skipped)
            .collect();
        Ok((page, terms.into_iter().map(|(term, _)| term).collect()))
    }

    /// Keeps at most `cap` passages of each document among `later`, in rank order, counting
    /// those `earlier` (already capped) holds.
    fn cap_per_document(
        &self,
        searcher: &Searcher,
        earlier: &[Candidate],
        later: Vec<Candidate>,
        cap: usize,
    ) -> Result<Vec<Candidate>, SearchError> {
        let addresses: Vec<DocAddress> = earlier
            .iter()
            .chain(&later)
            .map(|candidate| candidate.address)
            .collect();
        let documents = document_keys_of(searcher, &addresses)?;
        let (before, after) = documents.split_at(earlier.len());
        let mut per_document: HashMap<u64, usize> = HashMap::new();
        for &document in before {
            *per_document.entry(document).or_insert(0) += 1;
        }
        Ok(later
            .into_iter()
            .zip(after)
            .filter(|(_, document)| {
                let count = per_document.entry(**document).or_insert(0);
                *count += 1;
                *count <= cap
            })
            .map(|(candidate, _)| candidate)
            .collect())
    }

    /// The best `limit` passages holding some of the query's groups: ranked by score, then
    /// the first [`COVERAGE_DEPTH`] re-ranked with the coverage bonus (the rarity of the query
    /// words each holds, times `coverage_boost`) and the proximity bonus (`phrases`, the
    /// all-words tier's, when the tier's query lacks them); those below keep their order, so
    /// that a page further down never reshuffles the ones above it.
    fn partial_matches(
        &self,
        statistics: &Statistics,
        query: &PartialQuery,
        parsed: &ParsedQuery,
        phrases: &[Box<dyn Query>],
        limit: usize,
        phrases_matched: &mut Option<Vec<DocAddress>>,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        let boost = self.settings.weights.coverage_boost;
        if (boost <= 0.0 && phrases.is_empty()) || parsed.groups.len() < 2 {
            return query.top(statistics, limit, phrases_matched);
        }
        let searcher = statistics.searcher();
        let mut hits = query.top(statistics, limit.max(COVERAGE_DEPTH), phrases_matched)?;
        let depth = hits.len().min(COVERAGE_DEPTH);
        let held = if boost > 0.0 {
            let fields = self.index.fields();
            coverage::held_weight(searcher, fields, &parsed.groups, &hits[..depth])?
        } else {
            vec![0.0; depth]
        };
        let close = proximity::bonus(statistics, phrases, &hits[..depth])?;
        for ((hit, weight), close) in hits.iter_mut().zip(held).zip(close) {
            hit.0 += boost * weight + close;
        }
        collect::rank_stably(searcher, &mut hits[..depth])?;
        hits.truncate(limit);
        Ok(hits)
    }

    /// The mean number of passages of a document (deleted ones included: an estimate).
    fn passages_per_document(&self, searcher: &Searcher) -> Result<f64, SearchError> {
        let first = Term::from_field_u64(self.index.fields().ordinal, 0);
        let documents = searcher.doc_freq(&first).map_err(engine)?;
        let passages: u64 = searcher
            .segment_readers()
            .iter()
            .map(|segment| u64::from(segment.max_doc()))
            .sum();
        Ok(passages as f64 / documents.max(1) as f64)
    }

    /// Ranks passages like [`Engine::search`] but returns only their document ids and scores,
    /// without loading stored text or highlighting: for evaluation runs.
    pub fn rank_ids(&self, request: &SearchRequest) -> Result<Vec<RankedId>, SearchError> {
        validate(request)?;
        let mut analyzer = self.index.analyzer();
        let searcher = self.index.searcher();
        let (parsed, _) = self.parse(&searcher, &request.query, &mut analyzer)?;
        if parsed.groups.is_empty() {
            return Ok(Vec::new());
        }
        let ranked = self.rank(&searcher, &parsed, request, request.limit)?;
        // Related passages after the matches, their scores (of another query) brought under
        // the last match's, in order: a run file is read by score.
        let floor = ranked.page.last().map_or(1.0, |last| last.score);
        let most_related = ranked.related.first().map_or(1.0, |first| first.score);
        let related = ranked.related.into_iter().map(|candidate| Candidate {
            score: floor * candidate.score / (2.0 * most_related.max(f32::MIN_POSITIVE)),
            address: candidate.address,
        });
        let candidates: Vec<Candidate> = ranked.page.into_iter().chain(related).collect();
        let addresses: Vec<DocAddress> = candidates
            .iter()
            .map(|candidate| candidate.address)
            .collect();
        let doc_ids = doc_ids_of(&searcher, &addresses)?;
        Ok(candidates
            .into_iter()
            .zip(doc_ids)
            .map(|(candidate, doc_id)| RankedId {
                doc_id,
                score: candidate.score,
            })
            .collect())
    }

    /// How some passage writes `term` (an indexed term): the first passage holding it in its
    /// text, its lead-in, its document's title or its headings. For a correction that none
    /// of the hits shows (`retrait du passeport djihadiste`: the passports' passages come
    /// first, `djihadisme` is written further down).
    fn written_in_some_passage(
        &self,
        searcher: &Searcher,
        highlighter: &mut Highlighter,
        term: &str,
    ) -> Result<Option<String>, SearchError> {
        let fields = self.index.fields();
        let places = [
            (fields.body, &[fields.body][..]),
            (fields.lead_in, &[fields.lead_in]),
            (fields.lead_title, &[fields.title]),
            (fields.inherited_title, &[fields.title]),
            (fields.context, &[fields.section, fields.heading]),
        ];
        for (indexed, stored) in places {
            let held = TermQuery::new(
                Term::from_field_text(indexed, term),
                IndexRecordOption::Basic,
            );
            let Some(address) = collect::first_match(searcher, &held)? else {
                continue;
            };
            let passage: TantivyDocument = searcher.doc(address).map_err(engine)?;
            let surface = stored
                .iter()
                .filter_map(|&field| passage.get_first(field).and_then(|value| value.as_str()))
                .find_map(|text| highlighter.surface_of(text, term));
            if surface.is_some() {
                return Ok(surface);
            }
        }
        Ok(None)
    }

    fn hit(
        &self,
        searcher: &Searcher,
        candidate: Candidate,
        highlighter: &mut Highlighter,
    ) -> Result<Hit, SearchError> {
        let stored: TantivyDocument = searcher.doc(candidate.address).map_err(engine)?;
        let fields = self.index.fields();
        let read = StoredReader(&stored);
        let text = read.text(fields.body);
        let highlighted = highlighter.highlight(&text);
        let lead_in = read.optional_text(fields.lead_in);
        let (lead_in_highlight, lead_in_highlights) = match lead_in.as_deref() {
            Some(lead_in) => {
                let marked = highlighter.highlight(lead_in);
                (Some(marked.html), Some(marked.char_ranges))
            }
            None => (None, None),
        };
        Ok(Hit {
            doc_id: read.text(fields.doc_id),
            title: read.text(fields.title),
            date: read.optional_text(fields.date),
            source: read.text(fields.source),
            url: read.optional_text(fields.url),
            passage: read.number(fields.ordinal),
            heading: read.optional_text(fields.heading),
            section: read
                .optional_text(fields.section)
                .or_else(|| read.optional_text(fields.heading)),
            article: read.optional_text(fields.article),
            score: candidate.score,
            text,
            highlight: highlighted.html,
            highlights: highlighted.char_ranges,
            lead_in,
            lead_in_highlight,
            lead_in_highlights,
        })
    }

    /// A whole document: its metadata and passages in order.
    ///
    /// With `marked_for`, a query, each passage also carries its `highlight`: the words that
    /// query matches marked as in search hits (`<mark>`), for a reader coming from a result.
    pub fn document(
        &self,
        doc_id: &str,
        marked_for: Option<&str>,
    ) -> Result<DocumentDetail, SearchError> {
        let fields = self.index.fields();
        let searcher = self.index.searcher();
        let mut highlighter = match marked_for {
            Some(query) => {
                validate(&SearchRequest::new(query))?;
                let mut analyzer = self.index.analyzer();
                let (parsed, _) = self.parse(&searcher, query, &mut analyzer)?;
                Some(Highlighter::for_query(&parsed, self.index.variant()))
            }
            None => None,
        };
        let passages_query = TermQuery::new(
            Term::from_field_text(fields.doc_id, doc_id),
            IndexRecordOption::Basic,
        );
        let addresses = searcher
            .search(
                &passages_query as &dyn Query,
                &tantivy::collector::DocSetCollector,
            )
            .map_err(engine)?;
        let mut stored_passages = Vec::with_capacity(addresses.len());
        for address in addresses {
            let stored: TantivyDocument = searcher.doc(address).map_err(engine)?;
            stored_passages.push(stored);
        }
        let first = stored_passages
            .first()
            .ok_or_else(|| SearchError::DocumentNotFound(doc_id.to_string()))?;
        let read = StoredReader(first);
        let mut detail = DocumentDetail {
            id: read.text(fields.doc_id),
            title: read.text(fields.title),
            date: read.optional_text(fields.date),
            source: read.text(fields.source),
            url: read.optional_text(fields.url),
            language: read.text(fields.language),
            kind: read.text(fields.kind),
            passages: Vec::with_capacity(stored_passages.len()),
        };
        for stored in &stored_passages {
            let read = StoredReader(stored);
            let text = read.text(fields.body);
            detail.passages.push(PassageDetail {
                passage: read.number(fields.ordinal),
                heading: read.optional_text(fields.heading),
                article: read.optional_text(fields.article),
                highlight: highlighter
                    .as_mut()
                    .map(|highlighter| highlighter.highlight(&text).html),
                text,
            });
        }
        detail.passages.sort_by_key(|passage| passage.passage);
        Ok(detail)
    }

    /// What the answers cache did and holds.
    pub fn answer_cache_stats(&self) -> AnswerCacheStats {
        self.answers.stats()
    }

    /// Counts describing the index.
    pub fn stats(&self) -> Result<IndexStats, SearchError> {
        Ok(IndexStats {
            documents: self.index.document_count()?,
            passages: self.index.passage_count(),
            size_bytes: self.index.size_on_disk(),
            segments: self.index.segment_count(),
        })
    }
}

/// Puts the tiers one after the other, best first: the passages of the article a query
/// names, those holding every group, the others. A passage comes once, in the best tier it is
/// in. Each tier's scores get the best score of the tiers below added, so that scores
/// decrease down the list as its order does.
fn merge_tiers(tiers: Vec<Vec<(f32, DocAddress)>>) -> Vec<Candidate> {
    let mut seen: HashSet<DocAddress> = HashSet::new();
    let tiers: Vec<Vec<(f32, DocAddress)>> = tiers
        .into_iter()
        .map(|tier| {
            tier.into_iter()
                .filter(|(_, address)| seen.insert(*address))
                .collect()
        })
        .collect();
    let mut merged: Vec<Candidate> = Vec::new();
    for tier in tiers.into_iter().rev() {
        let bonus = merged.first().map_or(0.0, |best| best.score);
        let mut above: Vec<Candidate> = tier
            .into_iter()
            .map(|(score, address)| Candidate {
                score: score + bonus,
                address,
            })
            .collect();
        above.append(&mut merged);
        merged = above;
    }
    merged
}

/// A ranked passage reduced to its document id and score.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedId {
    /// The passage's document.
    pub doc_id: String,
    /// Its score.
    pub score: f32,
}

/// The partial tier's query, and the same split for faster ranking when it holds phrases.
struct PartialQuery<'a> {
    whole: &'a dyn Query,
    split: Option<&'a SplitQuery>,
}

impl PartialQuery<'_> {
    /// The best `limit` passages, the same either way. Split, it matches every passage of
    /// its other alternatives (phrases), and leaves them in `phrases_matched`.
    fn top(
        &self,
        statistics: &Statistics,
        limit: usize,
        phrases_matched: &mut Option<Vec<DocAddress>>,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        match self.split {
            Some(split) => top_passages_split(
                statistics,
                split.terms.as_ref(),
                split.with_others.as_ref(),
                limit,
                phrases_matched,
            ),
            None => top_passages(statistics, self.whole, limit),
        }
    }
}

/// How many of the best partial matches are re-ranked with the coverage bonus.
const COVERAGE_DEPTH: usize = 20;

/// Rejects requests that cannot be answered as asked.
fn validate(request: &SearchRequest) -> Result<(), SearchError> {
    if request.query.trim().is_empty() {
        return Err(SearchError::InvalidRequest {
            code: "empty_query",
            message: "the query is empty; give at least one word (parameter `q`)".to_string(),
        });
    }
    let length = request.query.chars().count();
    if length > MAX_QUERY_CHARS {
        return Err(SearchError::InvalidRequest {
            code: "query_too_long",
            message: format!("the query has {length} characters; the limit is {MAX_QUERY_CHARS}"),
        });
    }
    if request.offset > MAX_OFFSET {
        return Err(SearchError::InvalidRequest {
            code: "offset_too_large",
            message: format!(
                "offset {} is beyond the deepest page served ({MAX_OFFSET}); refine the query instead",
                request.offset
            ),
        });
    }
    Ok(())
}

/// Reads stored values of one index document.
struct StoredReader<'a>(&'a TantivyDocument);

impl StoredReader<'_> {
    fn optional_text(&self, field: tantivy::schema::Field) -> Option<String> {
        self.0
            .get_first(field)
            .and_then(|value| value.as_str())
            .map(str::to_string)
    }

    fn text(&self, field: tantivy::schema::Field) -> String {
        self.optional_text(field).unwrap_or_default()
    }

    fn number(&self, field: tantivy::schema::Field) -> u32 {
        self.0
            .get_first(field)
            .and_then(|value| value.as_u64())
            .and_then(|number| u32::try_from(number).ok())
            .unwrap_or_default()
    }
}
