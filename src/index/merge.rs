//! Keeping the index in one segment.
//!
//! Every search pays per segment: its terms are looked up and its scorers built in each. A
//! 90k-article run leaves two segments (one per writer thread), and the same queries search
//! them 8–16 % slower than one. Merging them takes more than a second of one core at that
//! size, too much to add to every indexing run, so a server merges in the background once the
//! index has been quiet for a moment ([`start`]), answering from the old segments meanwhile.
//!
//! A merge keeps every passage. [`MergeHistory`] remembers which index states hold the same
//! passages, so that what was built from one state (the suggestion table) still serves after
//! a merge. May import `error` and the rest of `index`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tantivy::index::SegmentId;
use tantivy::{Opstamp, Searcher};

use super::{engine, DocumentWriter, VigieIndex};
use crate::error::IndexError;

/// What a searcher sees of the index: its segments and the deletes applied to each.
pub type IndexState = BTreeMap<SegmentId, Option<Opstamp>>;

/// The state of the index `searcher` searches.
pub fn state_of(searcher: &Searcher) -> IndexState {
    searcher.generation().segments().clone()
}

/// Merges remembered: a state older than this many merges is rebuilt from rather than
/// followed (a server merges at most once per quiet spell).
const MERGES_REMEMBERED: usize = 16;

/// The merges this process made, each from one index state to one holding the same passages.
/// Shared by every clone of one opened index.
#[derive(Clone, Default)]
pub(crate) struct MergeHistory {
    merges: Arc<Mutex<VecDeque<(IndexState, IndexState)>>>,
}

impl MergeHistory {
    fn record(&self, before: IndexState, after: IndexState) {
        let mut merges = self.merges.lock().unwrap_or_else(PoisonError::into_inner);
        if merges.len() == MERGES_REMEMBERED {
            merges.pop_front();
        }
        merges.push_back((before, after));
    }

    /// Whether `later` is `earlier` after one or more merges of this process.
    fn leads_to(&self, earlier: &IndexState, later: &IndexState) -> bool {
        let merges = self.merges.lock().unwrap_or_else(PoisonError::into_inner);
        let mut state = earlier;
        // Each step follows one merge; a merge never leads back to a state it came from.
        for _ in 0..merges.len() {
            match merges.iter().find(|(before, _)| before == state) {
                Some((_, after)) if after == later => return true,
                Some((_, after)) => state = after,
                None => return false,
            }
        }
        false
    }
}

impl VigieIndex {
    /// Whether the index states `earlier` and `later` hold the same passages: they are the
    /// same state, or `later` is `earlier` after merges this process made.
    pub fn holds_same_passages(&self, earlier: &IndexState, later: &IndexState) -> bool {
        earlier == later || self.merges.leads_to(earlier, later)
    }

    /// Merges every segment of the index into one, waits for it, and makes it visible.
    /// Takes the writer lock like [`VigieIndex::writer`]. Returns how many segments were
    /// merged (0 when there was at most one).
    pub fn merge_segments(&self, threads: usize) -> Result<usize, IndexError> {
        let writer = self.writer(threads)?;
        self.merge_all_segments(writer)
    }

    /// Like [`VigieIndex::merge_segments`], but gives up at once, with `Ok(None)`, when
    /// another writer of this process is writing.
    pub(crate) fn try_merge_segments(&self) -> Result<Option<usize>, IndexError> {
        match self.try_writer(1)? {
            Some(writer) => self.merge_all_segments(writer).map(Some),
            None => Ok(None),
        }
    }

    fn merge_all_segments(&self, mut writer: DocumentWriter) -> Result<usize, IndexError> {
        // Read under the writer lock: no other writer can change the index until it is
        // released, so `before` and `after` are exactly the states on either side.
        let before = self.committed_state()?;
        if before.len() < 2 {
            writer.finish()?;
            // The searcher may not have caught up with the last commit yet: it does now, so
            // that a background merge does not ask again until something changes.
            self.reload()?;
            return Ok(0);
        }
        let segment_ids: Vec<SegmentId> = before.keys().copied().collect();
        writer.merge_all(&segment_ids)?;
        let after = self.committed_state()?;
        writer.finish()?;
        self.merges.record(before, after);
        self.reload()?;
        Ok(segment_ids.len())
    }

    /// The state of the last commit, as the next searcher will see it.
    fn committed_state(&self) -> Result<IndexState, IndexError> {
        Ok(self
            .index
            .searchable_segment_metas()
            .map_err(engine)?
            .into_iter()
            .map(|meta| (meta.id(), meta.delete_opstamp()))
            .collect())
    }
}

/// Settings of the background merge.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// Time without a change to the index before its segments are merged.
    pub quiet: Duration,
    /// How often the index is looked at.
    pub poll: Duration,
}

impl Default for MergeOptions {
    fn default() -> Self {
        MergeOptions {
            quiet: Duration::from_secs(2),
            poll: Duration::from_millis(250),
        }
    }
}

/// After a merge that took `t`, none starts for `MERGE_SPACING × t`: an index written to in
/// a steady trickle spends at most a tenth of a core on merging.
const MERGE_SPACING: u32 = 10;

/// A running background merge; dropping it stops it (after the merge in progress, if any).
pub struct BackgroundMerge {
    stop: Arc<(Mutex<bool>, Condvar)>,
    worker: Option<JoinHandle<()>>,
}

impl Drop for BackgroundMerge {
    fn drop(&mut self) {
        let (stopped, wake) = &*self.stop;
        *stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// Starts merging `index`'s segments into one, on a thread of its own, whenever the index has
/// more than one and has not changed for `options.quiet`. A merge waits its turn: it does not
/// start while another writer of this process writes, nor while another process holds the
/// index (it tries again later). If a merge fails otherwise (an index on a read-only disk),
/// the error is logged and the index is served as it is.
pub fn start(index: &VigieIndex, options: MergeOptions) -> Result<BackgroundMerge, IndexError> {
    let stop = Arc::new((Mutex::new(false), Condvar::new()));
    let index = index.clone();
    let worker_stop = Arc::clone(&stop);
    let worker = std::thread::Builder::new()
        .name("vigie-merge".to_string())
        .spawn(move || merge_when_quiet(&index, &options, &worker_stop))
        .map_err(|error| IndexError::Engine(format!("cannot start merging: {error}")))?;
    Ok(BackgroundMerge {
        stop,
        worker: Some(worker),
    })
}

fn merge_when_quiet(index: &VigieIndex, options: &MergeOptions, stop: &(Mutex<bool>, Condvar)) {
    let mut seen = state_of(&index.searcher());
    let mut changed_at = Instant::now();
    let mut not_before = Instant::now();
    loop {
        if stopped_after(stop, options.poll) {
            return;
        }
        let state = state_of(&index.searcher());
        if state != seen {
            seen = state;
            changed_at = Instant::now();
            continue;
        }
        if seen.len() < 2 || changed_at.elapsed() < options.quiet || Instant::now() < not_before {
            continue;
        }
        let started = Instant::now();
        match index.try_merge_segments() {
            Ok(Some(merged)) if merged > 0 => {
                let took = started.elapsed();
                not_before = Instant::now() + took * MERGE_SPACING;
                tracing::info!(
                    segments = merged,
                    passages = index.passage_count(),
                    took_ms = took.as_millis() as u64,
                    "index segments merged into one"
                );
            }
            // Nothing left to merge, or another writer of this process is at work: its commit
            // will start a new quiet spell.
            Ok(_) => {}
            Err(IndexError::Locked { .. }) => {
                tracing::debug!("index locked by another process; merging later");
                changed_at = Instant::now();
            }
            Err(error) => {
                tracing::warn!(%error, "merging the index's segments failed; serving them as they are");
                return;
            }
        }
    }
}

/// Waits up to `timeout` for the stop signal; true once it is given.
fn stopped_after(stop: &(Mutex<bool>, Condvar), timeout: Duration) -> bool {
    let (stopped, wake) = stop;
    let guard = stopped.lock().unwrap_or_else(PoisonError::into_inner);
    let (guard, _) = wake
        .wait_timeout_while(guard, timeout, |stopped| !*stopped)
        .unwrap_or_else(PoisonError::into_inner);
    *guard
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index state of `segments` fresh segments, without deletes.
    fn state(segments: usize) -> IndexState {
        (0..segments)
            .map(|_| (SegmentId::generate_random(), None))
            .collect()
    }

    #[test]
    fn merges_are_followed_forward_only() {
        let history = MergeHistory::default();
        let (two, one, other) = (state(2), state(1), state(1));
        history.record(two.clone(), one.clone());
        assert!(history.leads_to(&two, &one));
        assert!(!history.leads_to(&one, &two));
        assert!(!history.leads_to(&two, &other));

        // A document added, then that merged too: the first state leads to neither, since
        // the passages changed in between.
        let mut added = one.clone();
        added.insert(SegmentId::generate_random(), None);
        let merged_again = state(1);
        history.record(added.clone(), merged_again.clone());
        assert!(history.leads_to(&added, &merged_again));
        assert!(!history.leads_to(&two, &merged_again));

        // Chained merges are followed.
        let last = state(1);
        history.record(merged_again.clone(), last.clone());
        assert!(history.leads_to(&added, &last));
    }

    #[test]
    fn only_the_latest_merges_are_remembered() {
        let history = MergeHistory::default();
        let first = state(2);
        let mut current = first.clone();
        for _ in 0..MERGES_REMEMBERED {
            let next = state(1);
            history.record(current, next.clone());
            current = next;
        }
        assert!(history.leads_to(&first, &current));
        let next = state(1);
        history.record(current.clone(), next.clone());
        assert!(!history.leads_to(&first, &next));
        assert!(history.leads_to(&current, &next));
    }
}
