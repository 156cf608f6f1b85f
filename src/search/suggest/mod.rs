//! Suggestions as you type: completions of a prefix from the indexed text.
//!
//! Owns the suggestion table's life cycle: it is built from the passages' stored text when
//! the server starts (in the background) or the first time it is asked for, and rebuilt when
//! the indexed passages have changed (new segments or deletes, but not a merge of segments),
//! in the background, the previous table answering meanwhile. Answers are plain domain types
//! ([`Suggestions`]); no engine type leaves this module. [`builder`] counts words and phrases,
//! [`table`] holds them compactly and finds a prefix, `continuation` continues a phrase past
//! the table's from the passages holding it. May import `error`, `analysis` and `index`.

pub mod builder;
mod continuation;
pub mod table;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use serde::Serialize;
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument};

use super::query::Clause;
use super::Engine;
use crate::analysis;
use crate::error::{IndexError, SearchError};
use crate::index::{engine, state_of, IndexState, VigieIndex};
use builder::SuggestionBuilder;
pub use table::{SuggestionKind, SuggestionTable};

/// Default number of suggestions returned.
pub const DEFAULT_SUGGEST_LIMIT: usize = 8;
/// Largest number of suggestions returned; larger limits are capped.
pub const MAX_SUGGEST_LIMIT: usize = 20;
/// Longest prefix accepted, in characters.
pub const MAX_SUGGEST_CHARS: usize = 100;

/// A request for completions of what the user has typed so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestRequest {
    /// The text typed so far.
    pub prefix: String,
    /// Suggestions wanted (capped at [`MAX_SUGGEST_LIMIT`]).
    pub limit: usize,
}

/// One completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    /// The completed text, as written in the corpus (its most frequent form).
    pub text: String,
    /// A word or a phrase.
    pub kind: SuggestionKind,
    /// How often it occurs in the indexed text; for the words typed followed by a completion
    /// of the last one, in how many passages (as a phrase, or else apart).
    pub count: u32,
}

/// The answer to a [`SuggestRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Suggestions {
    /// The prefix as received.
    pub query: String,
    /// Completions, best (most frequent) first.
    pub suggestions: Vec<Suggestion>,
    /// Server time spent, in milliseconds.
    pub took_ms: f64,
}

/// Sizes of the suggestion table in use, for operations and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SuggestionStats {
    /// Words and phrases held.
    pub entries: usize,
    /// Approximate memory held, in bytes.
    pub heap_bytes: usize,
    /// Tables built since the engine started: the first, then one per change of the indexed
    /// passages.
    pub builds: u64,
}

/// A table and the index state it describes.
struct BuiltTable {
    state: IndexState,
    table: Arc<SuggestionTable>,
}

/// The suggestion table of an engine, rebuilt when the index changes.
#[derive(Default)]
pub struct SuggestionCache {
    shared: Arc<CacheState>,
}

#[derive(Default)]
struct CacheState {
    current: RwLock<Option<Arc<BuiltTable>>>,
    /// Held while the first table is built, so concurrent first requests build it once.
    first_build: Mutex<()>,
    /// Set while a background rebuild runs.
    rebuilding: AtomicBool,
    /// Tables built so far.
    builds: AtomicU64,
}

impl CacheState {
    fn current(&self) -> Option<Arc<BuiltTable>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Stores a table built from the index.
    fn store_built(&self, built: BuiltTable) -> Arc<BuiltTable> {
        self.builds.fetch_add(1, Ordering::Relaxed);
        self.store(built)
    }

    fn store(&self, built: BuiltTable) -> Arc<BuiltTable> {
        let built = Arc::new(built);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&built));
        built
    }
}

impl SuggestionCache {
    /// The table for the index's current state. The first call builds it (blocking); after
    /// a change, the previous table answers while a background thread rebuilds.
    fn table(&self, index: &VigieIndex) -> Result<Arc<BuiltTable>, SearchError> {
        let searcher = index.searcher();
        let state = &self.shared;
        if let Some(built) = state.current() {
            let now = state_of(&searcher);
            if built.state == now {
                return Ok(built);
            }
            // A merge of segments changes the state, not the passages: the table still holds.
            if index.holds_same_passages(&built.state, &now) {
                return Ok(state.store(BuiltTable {
                    state: now,
                    table: Arc::clone(&built.table),
                }));
            }
            if !state.rebuilding.swap(true, Ordering::AcqRel) {
                self.rebuild_in_background(searcher, index.fields().body);
            }
            return Ok(built);
        }
        let _building = state
            .first_build
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(built) = state.current() {
            return Ok(built);
        }
        let built = build_table(&searcher, index.fields().body)?;
        Ok(state.store_built(built))
    }

    /// Starts building the first table on a background thread, so that the first person to
    /// type does not wait for it (seconds on a large index). A request arriving meanwhile
    /// waits for this build instead of starting its own.
    fn warm(&self, index: &VigieIndex) {
        if self.shared.current().is_none() {
            build_in_background(&self.shared, index.searcher(), index.fields().body, true);
        }
    }

    fn rebuild_in_background(&self, searcher: Searcher, body: tantivy::schema::Field) {
        build_in_background(&self.shared, searcher, body, false);
    }
}

/// Builds a table from `searcher` on a thread of its own and stores it. The `first` build holds
/// `first_build` (a request arriving meanwhile waits for it, and none is built twice); a
/// rebuild clears `rebuilding` when it is over.
fn build_in_background(
    state: &Arc<CacheState>,
    searcher: Searcher,
    body: tantivy::schema::Field,
    first: bool,
) {
    let done = move |state: &CacheState| {
        if !first {
            state.rebuilding.store(false, Ordering::Release);
        }
    };
    let thread_state = Arc::clone(state);
    let spawned = std::thread::Builder::new()
        .name("vigie-suggest".to_string())
        .spawn(move || {
            let state = thread_state;
            let _building = first.then(|| {
                state
                    .first_build
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
            });
            if !(first && state.current().is_some()) {
                match build_table(&searcher, body) {
                    Ok(built) => {
                        state.store_built(built);
                    }
                    Err(error) => tracing::warn!(%error, "building suggestions failed"),
                }
            }
            done(&state);
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "cannot start building suggestions");
        done(state);
    }
}

/// Reads every live passage's text and counts its words and phrases.
fn build_table(
    searcher: &Searcher,
    body: tantivy::schema::Field,
) -> Result<BuiltTable, SearchError> {
    let started = Instant::now();
    let mut builder = SuggestionBuilder::default();
    for segment in searcher.segment_readers() {
        let store = segment
            .get_store_reader(64)
            .map_err(|error| IndexError::Engine(error.to_string()))?;
        for stored in store.iter::<TantivyDocument>(segment.alive_bitset()) {
            let stored = stored.map_err(engine)?;
            if let Some(text) = stored.get_first(body).and_then(|value| value.as_str()) {
                builder.add_text(text);
            }
        }
    }
    let table = builder.finish(MAX_SUGGEST_LIMIT);
    tracing::info!(
        entries = table.len(),
        heap_bytes = table.heap_bytes(),
        took_ms = started.elapsed().as_millis() as u64,
        "suggestions built"
    );
    Ok(BuiltTable {
        state: state_of(searcher),
        table: Arc::new(table),
    })
}

impl Engine {
    /// Completions of `request.prefix` (accents and case ignored), best first.
    pub fn suggest(&self, request: &SuggestRequest) -> Result<Suggestions, SearchError> {
        let started = Instant::now();
        validate(request)?;
        let typed = request.prefix.trim_start();
        // Quotes or a `-` typed before the first word stay in front of every completion.
        let opening = &typed[..typed.len() - typed.trim_start_matches(is_opening).len()];
        let typed = &typed[opening.len()..];
        let prefix = folded(typed);
        let limit = request.limit.min(MAX_SUGGEST_LIMIT);
        let built = self.suggestions.table(&self.index)?;
        // Only an opening typed (`«`): no word begun yet.
        let completions = if prefix.trim().is_empty() {
            Completions::Known(Vec::new())
        } else {
            complete(&built.table, typed, &prefix, limit)
        };
        let suggestions = match completions {
            Completions::Known(found) => found,
            Completions::Composed(guesses) => {
                // What the texts write after the words typed comes first: those are phrases,
                // in the forms the texts write them; the guesses fill what they leave.
                let mut analyzer = self.index.analyzer();
                let mut all = continuation::continuations(
                    &self.index.searcher(),
                    &built.table,
                    self.index.fields().body,
                    &mut analyzer,
                    typed,
                    limit,
                )?;
                if all.len() < limit {
                    all.extend(guesses);
                }
                self.held_guesses(all, limit)?
            }
        }
        .into_iter()
        .map(|suggestion| Suggestion {
            text: format!("{opening}{}", suggestion.text),
            ..suggestion
        })
        .collect();
        Ok(Suggestions {
            query: request.prefix.clone(),
            suggestions,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// The `guesses` (words typed, then a completion of the last one) that lead to passages,
    /// at most `limit`: first those some passage holds as a phrase, then those whose words some
    /// passage holds apart (`terrorisme coopération`), each group most held first, each counted
    /// by the passages holding it. A guess no passage answers is dropped: `équipes comm`
    /// offered `équipes commission` before `équipes communes`.
    fn held_guesses(
        &self,
        guesses: Vec<Suggestion>,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        let searcher = self.index.searcher();
        let body = self.index.fields().body;
        let mut analyzer = self.index.analyzer();
        let count = |query: &dyn tantivy::query::Query| -> Result<u32, SearchError> {
            let count = searcher
                .search(query, &tantivy::collector::Count)
                .map_err(engine)?;
            Ok(u32::try_from(count).unwrap_or(u32::MAX))
        };
        // (held as a phrase, suggestion), for sorting.
        let mut held: Vec<(bool, Suggestion)> = Vec::with_capacity(limit);
        // Guesses that are one phrase once analysed (`équipes commune`, `équipes communes`)
        // are offered once, in the most frequent form (the first).
        let mut searched: Vec<Vec<Clause>> = Vec::new();
        for guess in guesses {
            // Read as a quoted phrase: its terms, and the gaps its stop words leave.
            let parsed = super::query::parse(&format!("\"{}\"", guess.text), &mut analyzer);
            let clauses = parsed.groups.concat();
            if searched.contains(&clauses) {
                continue;
            }
            let (as_phrase, passages) = match clauses.as_slice() {
                // An elision and its word (`l'échange`) are one term: the table's count stands.
                [Clause::Term(_)] => (true, guess.count),
                [Clause::Phrase(terms)] => {
                    let term = |text: &str| tantivy::Term::from_field_text(body, text);
                    let phrase = tantivy::query::PhraseQuery::new_with_offset(
                        terms
                            .iter()
                            .map(|(offset, text)| (*offset, term(text)))
                            .collect(),
                    );
                    match count(&phrase)? {
                        0 => {
                            let words = tantivy::query::BooleanQuery::intersection(
                                terms
                                    .iter()
                                    .map(|(_, text)| {
                                        Box::new(tantivy::query::TermQuery::new(
                                            term(text),
                                            tantivy::schema::IndexRecordOption::Basic,
                                        ))
                                            as Box<dyn tantivy::query::Query>
                                    })
                                    .collect(),
                            );
                            (false, count(&words)?)
                        }
                        passages => (true, passages),
                    }
                }
                _ => (false, 0),
            };
            searched.push(clauses);
            if passages > 0 {
                held.push((
                    as_phrase,
                    Suggestion {
                        count: passages,
                        ..guess
                    },
                ));
            }
        }
        // Words apart are offered only when the texts hold none of the guesses as a phrase:
        // after `équipes communes`, `équipes communication` is noise.
        if held.iter().any(|(as_phrase, _)| *as_phrase) {
            held.retain(|(as_phrase, _)| *as_phrase);
        }
        held.sort_by(|(left_phrase, left), (right_phrase, right)| {
            right_phrase
                .cmp(left_phrase)
                .then(right.count.cmp(&left.count))
        });
        Ok(held
            .into_iter()
            .take(limit)
            .map(|(_, suggestion)| suggestion)
            .collect())
    }

    /// Starts building the suggestion table in the background if none is built yet (for a
    /// server about to take requests); returns at once.
    pub fn warm_suggestions(&self) {
        self.suggestions.warm(&self.index);
    }

    /// Sizes of the suggestion table (building it if needed).
    pub fn suggestion_stats(&self) -> Result<SuggestionStats, SearchError> {
        let built = self.suggestions.table(&self.index)?;
        Ok(SuggestionStats {
            entries: built.table.len(),
            heap_bytes: built.table.heap_bytes(),
            builds: self.suggestions.shared.builds.load(Ordering::Relaxed),
        })
    }
}

/// Refuses an empty prefix or one longer than [`MAX_SUGGEST_CHARS`].
fn validate(request: &SuggestRequest) -> Result<(), SearchError> {
    let typed = request.prefix.trim_start();
    if typed.trim().is_empty() {
        return Err(SearchError::InvalidRequest {
            code: "empty_query",
            message: "the prefix is empty; type at least one letter (parameter `q`)".to_string(),
        });
    }
    let length = typed.chars().count();
    if length > MAX_SUGGEST_CHARS {
        return Err(SearchError::InvalidRequest {
            code: "query_too_long",
            message: format!(
                "the prefix has {length} characters; suggestions stop at {MAX_SUGGEST_CHARS}"
            ),
        });
    }
    Ok(())
}

/// `typed` folded: lower case, no accents, one space between words, typographic apostrophes
/// made straight; a trailing space is kept (the next word is wanted).
fn folded(typed: &str) -> String {
    let straight = typed.replace('\u{2019}', "'");
    let mut folded = analysis::analyze_with(&mut analysis::keyword_analyzer(), &straight).concat();
    let ends_with_space = folded.ends_with(char::is_whitespace);
    folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    if ends_with_space {
        folded.push(' ');
    }
    folded
}

/// True for a character typed before a query's first word that is not part of it: quotes,
/// a `-` excluding the word, brackets.
fn is_opening(character: char) -> bool {
    matches!(
        character,
        '"' | '«' | '“' | '„' | '‹' | '\'' | '‘' | '-' | '(' | '[' | ' ' | '\u{a0}'
    )
}

/// Completions found in the table, or guesses that the engine checks against the passages
/// (`Engine::held_guesses`).
enum Completions {
    /// Words or phrases the table holds.
    Known(Vec<Suggestion>),
    /// The words typed, each followed by a completion of the last word typed.
    Composed(Vec<Suggestion>),
}

/// How many guesses are composed for each suggestion wanted: most are phrases no text holds.
const GUESSES_PER_SUGGESTION: usize = 3;

/// The best completions of `folded` (the folded form of `typed`). When the text typed is not
/// the start of any known word or phrase as a whole and holds several words, its last word
/// (after its elision, if any: `mandat d'ar`) is completed and put after the rest, as typed.
/// Known phrases are
/// never padded with such guesses: `mandat d'ar` offers `mandat d'arrêt` and `mandat d'arrêt
/// européen`, not `mandat d'article` after them.
fn complete(table: &SuggestionTable, typed: &str, folded: &str, limit: usize) -> Completions {
    let mut suggestions = Vec::with_capacity(limit);
    push_completions(&mut suggestions, table, "", folded, limit);
    if !suggestions.is_empty() {
        return Completions::Known(suggestions);
    }
    let (typed_head, _) = split_last_word(typed);
    let (_, folded_last) = split_last_word(folded);
    let mut lead = typed_head.split_whitespace().collect::<Vec<_>>().join(" ");
    // With no word before it, an elided word is complete in the table (`l'échange` is
    // counted as written): no other word is guessed after the elision (`l'échéant`).
    if lead.is_empty() {
        return Completions::Known(suggestions);
    }
    // A phrase typed after an elision (`l'échange d'inf`): the phrase's completions, after it.
    if let (Some((typed_elision, _)), Some((_, folded_rest))) =
        (split_elision(first_word(typed)), split_elision(folded))
    {
        push_completions(&mut suggestions, table, typed_elision, folded_rest, limit);
        if !suggestions.is_empty() {
            return Completions::Known(suggestions);
        }
    }
    lead.push(' ');
    // After an elision (`coopération l'éch`), the words the texts write after it: the table
    // counts them with it (`l'échange`).
    let letters = split_elision(folded_last).map_or(folded_last, |(_, rest)| rest);
    if letters.chars().count() >= MIN_WORD_KEY_CHARS {
        let guesses = limit.saturating_mul(GUESSES_PER_SUGGESTION);
        push_completions(&mut suggestions, table, &lead, folded_last, guesses);
    }
    Completions::Composed(suggestions)
}

/// Shortest last word completed on its own after other words. One letter starts too many
/// words to guess from (`garde à` would offer `garde article`, `mandat d'a` `mandat d'ans`):
/// it is completed only within the phrases the texts hold (`garde à vue`).
const MIN_WORD_KEY_CHARS: usize = 2;

/// Appends the best completions of `key`, each after `lead`, skipping texts already there.
fn push_completions(
    suggestions: &mut Vec<Suggestion>,
    table: &SuggestionTable,
    lead: &str,
    key: &str,
    limit: usize,
) {
    for found in table.best_with_prefix(key, limit) {
        if suggestions.len() >= limit {
            break;
        }
        let text = format!("{lead}{}", found.text);
        if suggestions.iter().all(|known| known.text != text) {
            // After other words, a completed word makes a phrase (`équipes communes`).
            let kind = if lead.contains(char::is_whitespace) {
                SuggestionKind::Phrase
            } else {
                found.kind
            };
            suggestions.push(Suggestion {
                text,
                kind,
                count: found.count,
            });
        }
    }
}

/// The first word of `text`.
fn first_word(text: &str) -> &str {
    text.split(char::is_whitespace).next().unwrap_or(text)
}

/// Splits off the last word: (everything before it, the word). A trailing space leaves an
/// empty last word.
fn split_last_word(text: &str) -> (&str, &str) {
    match text.rfind(char::is_whitespace) {
        Some(position) => {
            let width = text[position..].chars().next().map_or(1, char::len_utf8);
            (&text[..position], &text[position + width..])
        }
        None => ("", text),
    }
}

/// Splits an elided word (`l'échange`, `qu’il`) into the elision with its apostrophe and
/// the rest, if the rest is not empty.
fn split_elision(word: &str) -> Option<(&str, &str)> {
    let apostrophe = word.find(['\'', '\u{2019}'])?;
    let elision = &word[..apostrophe];
    let width = word[apostrophe..].chars().next().map_or(1, char::len_utf8);
    let rest = &word[apostrophe + width..];
    let letters = elision.chars().count();
    let is_elision = (1..=7).contains(&letters) && elision.chars().all(char::is_alphabetic);
    (is_elision && !rest.is_empty()).then(|| (&word[..apostrophe + width], rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_elisions_are_split_as_typed() {
        assert_eq!(split_last_word("terrorisme coop"), ("terrorisme", "coop"));
        assert_eq!(split_last_word("coopération "), ("coopération", ""));
        assert_eq!(split_last_word("coop"), ("", "coop"));
        assert_eq!(split_elision("l’éch"), Some(("l’", "éch")));
        assert_eq!(split_elision("aujourd"), None);
        assert_eq!(split_elision("d'"), None);
    }
}
