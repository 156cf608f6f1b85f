//! Recent answers, kept until the index changes: a search asked again (the same query, page
//! and filters) is answered without ranking, loading or highlighting anything. Bounded by an
//! estimate of the answers' size in bytes; least recently and least often used answers go
//! first. Answers of an older index state are dropped as soon as a newer one is searched.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use quick_cache::sync::Cache;
use quick_cache::Weighter;

use super::types::{AnswerCacheStats, SearchRequest, SearchResults};

/// Estimated bytes of bookkeeping per answer and per hit, beyond their strings.
const ANSWER_OVERHEAD: u64 = 256;
const HIT_OVERHEAD: u64 = 160;

/// A request, in the index state (searcher generation) it was answered in.
type Key = (u64, SearchRequest);

/// An answer with its estimated size.
struct Entry {
    results: SearchResults,
    bytes: u64,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Key, Arc<Entry>> for ByBytes {
    fn weight(&self, _key: &Key, entry: &Arc<Entry>) -> u64 {
        entry.bytes
    }
}

/// The answers cache of an [`Engine`](super::Engine).
pub(crate) struct ResultCache {
    /// `None` when caching is off.
    entries: Option<Cache<Key, Arc<Entry>, ByBytes>>,
    /// The newest index state searched so far.
    newest_generation: AtomicU64,
    /// Lookups answered from the cache.
    hits: AtomicU64,
    /// Lookups that had to search.
    misses: AtomicU64,
}

impl ResultCache {
    /// A cache of at most about `max_bytes` of answers; 0 turns caching off.
    pub(crate) fn new(max_bytes: u64) -> Self {
        // Estimated answers the budget holds, for the cache's sizing (about 20 KB each).
        let estimated_items = usize::try_from(max_bytes / 20_000)
            .unwrap_or(usize::MAX)
            .max(16);
        ResultCache {
            entries: (max_bytes > 0)
                .then(|| Cache::with_weighter(estimated_items, max_bytes, ByBytes)),
            newest_generation: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Counts since start-up and what the cache holds now.
    pub(crate) fn stats(&self) -> AnswerCacheStats {
        AnswerCacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            answers: self
                .entries
                .as_ref()
                .map_or(0, |entries| entries.len() as u64),
            bytes: self.entries.as_ref().map_or(0, |entries| entries.weight()),
        }
    }

    /// The answer kept for `request` in index state `generation`, if any.
    pub(crate) fn get(&self, generation: u64, request: &SearchRequest) -> Option<SearchResults> {
        let entries = self.entries.as_ref()?;
        let found = if self.is_current(entries, generation) {
            entries
                .get(&(generation, request.clone()))
                .map(|entry| entry.results.clone())
        } else {
            None
        };
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Keeps `results` as the answer to `request` in index state `generation`.
    pub(crate) fn insert(&self, generation: u64, request: &SearchRequest, results: &SearchResults) {
        let Some(entries) = self.entries.as_ref() else {
            return;
        };
        if !self.is_current(entries, generation) {
            return;
        }
        let entry = Entry {
            results: results.clone(),
            bytes: estimated_bytes(request, results),
        };
        entries.insert((generation, request.clone()), Arc::new(entry));
    }

    /// Notes that index state `generation` is searched, dropping every answer when it is newer
    /// than all seen before; false when a newer state has been seen.
    fn is_current(&self, entries: &Cache<Key, Arc<Entry>, ByBytes>, generation: u64) -> bool {
        let previous = self
            .newest_generation
            .fetch_max(generation, Ordering::AcqRel);
        if previous < generation {
            entries.clear();
        }
        previous <= generation
    }
}

/// About how many bytes an answer (and its key) occupies in memory.
fn estimated_bytes(request: &SearchRequest, results: &SearchResults) -> u64 {
    let text = |value: &str| value.len() as u64;
    let optional = |value: &Option<String>| value.as_deref().map_or(0, text);
    let hits: u64 = results
        .hits
        .iter()
        .chain(&results.related)
        .map(|hit| {
            HIT_OVERHEAD
                + text(&hit.doc_id)
                + text(&hit.title)
                + optional(&hit.date)
                + text(&hit.source)
                + optional(&hit.url)
                + optional(&hit.heading)
                + optional(&hit.section)
                + optional(&hit.article)
                + text(&hit.text)
                + text(&hit.highlight)
                + 16 * hit.highlights.len() as u64
                + optional(&hit.lead_in)
                + optional(&hit.lead_in_highlight)
                + 16 * hit.lead_in_highlights.as_ref().map_or(0, Vec::len) as u64
        })
        .sum();
    ANSWER_OVERHEAD + 2 * text(&request.query) + optional(&results.corrected_query) + hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(query: &str, total: usize) -> SearchResults {
        SearchResults {
            query: query.to_string(),
            corrected_query: None,
            total,
            took_ms: 1.0,
            hits: Vec::new(),
            related: Vec::new(),
        }
    }

    #[test]
    fn answers_are_kept_per_request_until_the_index_changes() {
        let cache = ResultCache::new(1 << 20);
        let first = SearchRequest::new("coopération");
        let other = SearchRequest::new("sécurité");
        assert_eq!(cache.get(1, &first), None);
        cache.insert(1, &first, &results("coopération", 3));
        assert_eq!(cache.get(1, &first).map(|found| found.total), Some(3));
        assert_eq!(cache.get(1, &other), None);
        let mut next_page = first.clone();
        next_page.offset = 10;
        assert_eq!(cache.get(1, &next_page), None);
        // A newer index state drops the answers of the older one, and an answer computed
        // on the older state is no longer kept.
        assert_eq!(cache.get(2, &first), None);
        cache.insert(1, &first, &results("coopération", 3));
        assert_eq!(cache.get(1, &first), None);
        assert_eq!(cache.get(2, &first), None);
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses, stats.answers), (1, 6, 0));
    }

    #[test]
    fn a_zero_budget_keeps_nothing_and_a_small_one_stays_bounded() {
        let off = ResultCache::new(0);
        let request = SearchRequest::new("PNR");
        off.insert(1, &request, &results("PNR", 1));
        assert_eq!(off.get(1, &request), None);

        // About 270 bytes an answer: 2,000 of them would take about 540 KB.
        let small = ResultCache::new(64 * 1024);
        let request = |number: usize| SearchRequest::new(format!("requête {number}"));
        for number in 0..2_000 {
            small.insert(
                1,
                &request(number),
                &results(&request(number).query, number),
            );
        }
        let kept = (0..2_000)
            .filter(|number| small.get(1, &request(*number)).is_some())
            .count();
        assert!(
            kept > 0 && kept <= 64 * 1024 / 270,
            "{kept} answers kept in 64 KiB"
        );
    }
}
