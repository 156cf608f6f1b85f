//! Collecting ranked passages from tantivy: the top of a query in a stable order, and the
//! document ids of a list of passages.

use std::collections::HashMap;

use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Query};
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED,
};

use crate::error::{IndexError, SearchError};
use crate::index::engine;
use crate::index::schema::{document_key, DOC_ID_FIELD, PASSAGE_KEY_FIELD};

use super::statistics::Statistics;

/// Passages with their scores, best first.
type Scored = Vec<(f32, DocAddress)>;

/// How many passages beyond a page are fetched, at most, to see the end of a run of equal
/// scores across the page's end.
const MAX_TIE_FETCH: usize = 256;

/// The best `limit` passages for `query`, best first, ties in a stable order ([`rank_stably`]):
/// the same content gives the same page in every build of the index. A run of equal scores
/// across the page's end is fetched whole (up to [`MAX_TIE_FETCH`] more passages), so which of
/// its passages make the page is stable too.
pub(super) fn top_passages(
    statistics: &Statistics,
    query: &dyn Query,
    limit: usize,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    let mut hits = top_passages_and_ties(statistics, query, limit)?;
    hits.truncate(limit);
    Ok(hits)
}

/// True when some live passage matches `query` (the first one found ends the search).
pub(super) fn matches_any(searcher: &Searcher, query: &dyn Query) -> Result<bool, SearchError> {
    Ok(first_match(searcher, query)?.is_some())
}

/// The first live passage matching `query`, in index order (none is scored).
pub(super) fn first_match(
    searcher: &Searcher,
    query: &dyn Query,
) -> Result<Option<DocAddress>, SearchError> {
    let weight = query
        .weight(EnableScoring::disabled_from_searcher(searcher))
        .map_err(engine)?;
    for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
        let mut scorer = weight.scorer(reader, 1.0).map_err(engine)?;
        let alive = reader.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                return Ok(Some(DocAddress::new(ordinal as u32, doc)));
            }
            doc = scorer.advance();
        }
    }
    Ok(None)
}

/// [`top_passages`] and the number of passages `query` matches, counted in the same pass.
/// For a query tantivy cannot rank without scoring every passage it matches (phrases: no
/// block-max WAND), where counting them apart would match them all twice.
pub(super) fn counted_top_passages(
    statistics: &Statistics,
    query: &dyn Query,
    limit: usize,
) -> Result<(usize, Scored), SearchError> {
    let (matched, mut hits) = ranked_in_pages(statistics, query, limit, true)?;
    hits.truncate(limit);
    Ok((matched.unwrap_or(0), hits))
}

/// [`top_passages`], with the passages fetched past `limit` to see the end of a run of equal
/// scores still there: ranked with others, that run must be seen as long as it is.
fn top_passages_and_ties(
    statistics: &Statistics,
    query: &dyn Query,
    limit: usize,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    Ok(ranked_in_pages(statistics, query, limit, false)?.1)
}

/// [`top_passages_and_ties`], and with `count`, the number of passages `query` matches,
/// counted by the first pass.
fn ranked_in_pages(
    statistics: &Statistics,
    query: &dyn Query,
    limit: usize,
    count: bool,
) -> Result<(Option<usize>, Scored), SearchError> {
    let searcher = statistics.searcher();
    if limit == 0 {
        let matched = if count {
            Some(searcher.search(query, &Count).map_err(engine)?)
        } else {
            None
        };
        return Ok((matched, Vec::new()));
    }
    let mut matched = None;
    let mut fetch = limit + 1;
    let mut hits = loop {
        let collector = TopDocs::with_limit(fetch).order_by_score();
        let hits = if count && matched.is_none() {
            let (counted, hits) = searcher
                .search_with_statistics_provider(query, &(Count, collector), statistics)
                .map_err(engine)?;
            matched = Some(counted);
            hits
        } else {
            searcher
                .search_with_statistics_provider(query, &collector, statistics)
                .map_err(engine)?
        };
        // TopDocs returns the hits best first: the page's last hit and the last one fetched
        // are in one run of equal scores when every step between them is a tie.
        let run_may_go_on = hits.len() == fetch
            && hits[limit - 1..]
                .windows(2)
                .all(|pair| tied(pair[0].0, pair[1].0));
        if !run_may_go_on || fetch >= limit + MAX_TIE_FETCH {
            break hits;
        }
        fetch = (fetch * 4).min(limit + MAX_TIE_FETCH);
    };
    rank_stably(searcher, &mut hits)?;
    Ok((matched, hits))
}

/// The best `limit` passages of a union of single terms and of other queries (phrases), as
/// [`top_passages`] would rank it, without scoring every passage that holds one of its terms.
///
/// `terms` is the union of the single terms, which tantivy ranks by skipping the passages that
/// cannot reach the top (block-max WAND); a union holding a phrase cannot be ranked so.
/// `with_others` matches the passages matching the other queries, with their score in the
/// whole union. Every other passage scores its `terms` score, so only the best `limit` of
/// those can make the page; the passages matching a phrase are few, and are all scored.
///
/// Every passage matching `with_others` is left in `others_matched`, for the count.
pub(super) fn top_passages_split(
    statistics: &Statistics,
    terms: &dyn Query,
    with_others: &dyn Query,
    limit: usize,
    others_matched: &mut Option<Vec<DocAddress>>,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let mut scores: HashMap<DocAddress, f32> = top_passages_and_ties(statistics, terms, limit)?
        .into_iter()
        .map(|(score, address)| (address, score))
        .collect();
    let others = all_matches(statistics, with_others)?;
    *others_matched = Some(others.iter().map(|(_, address)| *address).collect());
    scores.extend(others.into_iter().map(|(score, address)| (address, score)));
    let mut hits: Vec<(f32, DocAddress)> = scores
        .into_iter()
        .map(|(address, score)| (score, address))
        .collect();
    rank_stably(statistics.searcher(), &mut hits)?;
    hits.truncate(limit);
    Ok(hits)
}

/// Every passage matching `query`, with its score.
fn all_matches(
    statistics: &Statistics,
    query: &dyn Query,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    let searcher = statistics.searcher();
    let weight = query.weight(statistics.scoring()).map_err(engine)?;
    let mut hits = Vec::new();
    for (segment_ord, reader) in searcher.segment_readers().iter().enumerate() {
        let segment_ord = u32::try_from(segment_ord).unwrap_or(u32::MAX);
        let mut scorer = weight.scorer(reader, 1.0).map_err(engine)?;
        let alive = reader.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|bits| bits.is_alive(doc)) {
                hits.push((scorer.score(), DocAddress::new(segment_ord, doc)));
            }
            doc = scorer.advance();
        }
    }
    Ok(hits)
}

/// Relative difference under which two scores are taken as equal: the same sum of term
/// scores, added up in another order in another segment layout, differs in its last bits
/// (an f32 holds about 7 digits).
const TIE_TOLERANCE: f32 = 1e-5;

/// True when `worse`, which follows `better` in score order, ties with it.
fn tied(better: f32, worse: f32) -> bool {
    better - worse <= TIE_TOLERANCE * better.abs().max(1.0)
}

/// Orders `hits` best first, and each run of tied scores (consecutive scores closer than
/// [`TIE_TOLERANCE`]) by the passages' stable keys (document, then position in it), not in the
/// order the indexing threads happened to lay them out in segments.
pub(super) fn rank_stably(
    searcher: &Searcher,
    hits: &mut [(f32, DocAddress)],
) -> Result<(), SearchError> {
    hits.sort_by(|(score_a, _), (score_b, _)| score_b.total_cmp(score_a));
    if !hits.windows(2).any(|pair| tied(pair[0].0, pair[1].0)) {
        return Ok(());
    }
    let keys = passage_keys(searcher, hits.iter().map(|(_, address)| *address))?;
    order_ties(hits, &keys);
    Ok(())
}

/// Orders each run of tied scores of `hits` (sorted best first) by `keys`, the passages' keys
/// in the same order. A run longer than [`MAX_TIE_FETCH`] (which a page may see only in part)
/// keeps tantivy's own order instead, exact score then address, the one every window of
/// the results agrees on: ordered by key, its part seen by one page and by the next would
/// be ordered apart, and pages would repeat some of its passages and skip others.
fn order_ties(hits: &mut [(f32, DocAddress)], keys: &[u64]) {
    let mut run = 0_usize;
    let mut keyed: Vec<(usize, u64, (f32, DocAddress))> = Vec::with_capacity(hits.len());
    let mut run_lengths: Vec<usize> = vec![0];
    for (position, (hit, key)) in hits.iter().zip(keys).enumerate() {
        if position > 0 && !tied(hits[position - 1].0, hit.0) {
            run += 1;
            run_lengths.push(0);
        }
        run_lengths[run] += 1;
        keyed.push((run, *key, *hit));
    }
    keyed.sort_by(
        |(run_a, key_a, (score_a, address_a)), (run_b, key_b, (score_b, address_b))| {
            run_a.cmp(run_b).then_with(|| {
                if run_lengths[*run_a] > MAX_TIE_FETCH {
                    score_b
                        .total_cmp(score_a)
                        .then_with(|| address_a.cmp(address_b))
                } else {
                    key_a.cmp(key_b)
                }
            })
        },
    );
    for (slot, (_, _, hit)) in hits.iter_mut().zip(keyed) {
        *slot = hit;
    }
}

/// The stable sort key of each passage, in order (see `index::schema::passage_key`);
/// `u64::MAX` for a passage without one.
fn passage_keys(
    searcher: &Searcher,
    addresses: impl ExactSizeIterator<Item = DocAddress>,
) -> Result<Vec<u64>, SearchError> {
    let mut columns = HashMap::new();
    let mut keys = Vec::with_capacity(addresses.len());
    for address in addresses {
        let column = match columns.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => entry.insert(
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64(PASSAGE_KEY_FIELD)
                    .map_err(engine)?,
            ),
        };
        keys.push(column.first(address.doc_id).unwrap_or(u64::MAX));
    }
    Ok(keys)
}

/// The document of each passage, in order, as its key (`index::schema::document_key`, what
/// the capped count groups passages by): read from the passage key's column, where the
/// document ids' dictionary would be decoded a block per passage. A passage without a key is
/// a document of its own.
pub(super) fn document_keys_of(
    searcher: &Searcher,
    addresses: &[DocAddress],
) -> Result<Vec<u64>, SearchError> {
    let keys = passage_keys(searcher, addresses.iter().copied())?;
    Ok(keys
        .into_iter()
        .zip(addresses)
        .map(|(key, address)| match key {
            // Above every document key (they have 44 bits).
            u64::MAX => {
                u64::MAX - (u64::from(address.segment_ord) << 32 | u64::from(address.doc_id))
            }
            key => document_key(key),
        })
        .collect())
}

/// The document id of each passage, in order, read from the fast field (not the doc store).
pub(super) fn doc_ids_of(
    searcher: &Searcher,
    addresses: &[DocAddress],
) -> Result<Vec<String>, SearchError> {
    let mut doc_ids = vec![String::new(); addresses.len()];
    for (segment_ord, docs) in by_segment(addresses) {
        let segment = searcher.segment_reader(segment_ord);
        let Some(column) = segment.fast_fields().str(DOC_ID_FIELD).map_err(engine)? else {
            continue;
        };
        // (ordinal in the dictionary, position in `addresses`), sorted by ordinal: the
        // dictionary is then read block by block once, not once per passage.
        let mut wanted: Vec<(u64, usize)> = docs
            .into_iter()
            .filter_map(|(doc, position)| {
                column
                    .term_ords(doc)
                    .next()
                    .map(|ordinal| (ordinal, position))
            })
            .collect();
        wanted.sort_unstable();
        let ordinals: Vec<u64> = wanted.iter().map(|(ordinal, _)| *ordinal).collect();
        let mut positions = wanted.iter().map(|(_, position)| *position);
        column
            .dictionary()
            .sorted_ords_to_term_cb(&ordinals, |bytes| {
                if let Some(position) = positions.next() {
                    doc_ids[position] = String::from_utf8_lossy(bytes).into_owned();
                }
            })
            .map_err(|error| IndexError::Engine(error.to_string()))?;
    }
    Ok(doc_ids)
}

/// Counts the passages a query matches: all of them, and those a search showing at most
/// `cap` passages of each document can page through.
pub(super) struct CappedCount {
    /// Passages counted per document, at most.
    pub cap: usize,
}

/// [`CappedCount`] on one segment. A document's passages are written together, one after
/// another in one segment (`index::writer`), so its matches come as one run of its key:
/// counting runs needs no table of documents.
pub(super) struct SegmentCappedCount {
    keys: Column<u64>,
    cap: usize,
    run: Option<(u64, usize)>,
    counts: Counts,
}

impl SegmentCappedCount {
    fn end_run(&mut self) {
        if let Some((_, count)) = self.run.take() {
            self.counts.matched += count;
            self.counts.shown += count.min(self.cap);
        }
    }
}

/// What [`CappedCount`] counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counts {
    /// Every passage matched.
    pub matched: usize,
    /// At most `cap` of each document.
    pub shown: usize,
}

impl Collector for CappedCount {
    type Fruit = Counts;
    type Child = SegmentCappedCount;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentCappedCount> {
        Ok(SegmentCappedCount {
            keys: segment.fast_fields().u64(PASSAGE_KEY_FIELD)?,
            cap: self.cap,
            run: None,
            counts: Counts::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Counts>) -> tantivy::Result<Counts> {
        // A document lies in one segment: its count is whole there.
        Ok(segments
            .into_iter()
            .fold(Counts::default(), |total, segment| Counts {
                matched: total.matched + segment.matched,
                shown: total.shown + segment.shown,
            }))
    }
}

impl SegmentCollector for SegmentCappedCount {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        // A passage without a key (none is written so) counts as a document of its own.
        let key = self
            .keys
            .first(doc)
            .map_or(u64::MAX - u64::from(doc), document_key);
        match &mut self.run {
            Some((run_key, count)) if *run_key == key => *count += 1,
            _ => {
                self.end_run();
                self.run = Some((key, 1));
            }
        }
    }

    fn harvest(mut self) -> Counts {
        self.end_run();
        self.counts
    }
}

/// `addresses` grouped by segment: for each segment, its documents with their positions in
/// `addresses`, in document order (the order postings and columns are read in).
pub(super) fn by_segment(addresses: &[DocAddress]) -> Vec<(u32, Vec<(DocId, usize)>)> {
    let mut groups: Vec<(u32, Vec<(DocId, usize)>)> = Vec::new();
    let mut sorted: Vec<(u32, DocId, usize)> = addresses
        .iter()
        .enumerate()
        .map(|(position, address)| (address.segment_ord, address.doc_id, position))
        .collect();
    sorted.sort_unstable();
    for (segment_ord, doc, position) in sorted {
        match groups.last_mut() {
            Some((last, docs)) if *last == segment_ord => docs.push((doc, position)),
            _ => groups.push((segment_ord, vec![(doc, position)])),
        }
    }
    groups
}

/// Calls `on_match` with `docset` positioned on each of `docs` (in document order, as
/// [`by_segment`] gives them) that it holds, and that document's position.
pub(super) fn for_each_held<D: DocSet + ?Sized>(
    docset: &mut D,
    docs: &[(DocId, usize)],
    mut on_match: impl FnMut(&mut D, usize),
) {
    for &(doc, position) in docs {
        let at = if docset.doc() >= doc {
            docset.doc()
        } else {
            docset.seek(doc)
        };
        if at == TERMINATED {
            break;
        }
        if at == doc {
            on_match(docset, position);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::sync::{sync_paths, NoProgress, SyncOptions};
    use crate::index::VigieIndex;
    use crate::search::query::{QueryBuilder, Tier};
    use crate::search::{Engine, SearchSettings};
    use std::path::Path;

    /// The engine over an index of `../shared/corpus`, in a temporary folder kept as long as
    /// the engine.
    fn corpus_engine() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let index = VigieIndex::open_or_create(&dir.path().join("index")).expect("index opens");
        sync_paths(
            &index,
            &[shared().join("corpus")],
            &SyncOptions::default(),
            &NoProgress,
        )
        .expect("corpus indexes");
        (dir, Engine::new(index, SearchSettings::default()))
    }

    /// The query builder `engine` searches with.
    fn builder(engine: &Engine) -> QueryBuilder<'_> {
        QueryBuilder {
            fields: engine.index().fields(),
            weights: engine.settings.weights,
        }
    }

    fn shared() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
    }

    fn addresses(hits: &[(f32, DocAddress)]) -> Vec<DocAddress> {
        hits.iter().map(|(_, address)| *address).collect()
    }

    /// On the real corpus, every dev query whose partial tier holds phrases (synonyms of several
    /// words, quoted phrases) ranks the same passages in the same order split as whole, and is
    /// counted the same, alone or from the passages the split matched.
    #[test]
    fn a_union_split_around_its_phrases_ranks_and_counts_as_the_whole_union() {
        let (_dir, engine) = corpus_engine();
        let searcher = engine.index().searcher();
        let statistics = Statistics::new(&searcher, engine.index().fields());
        let builder = builder(&engine);
        let queries = crate::eval::data::read_passage_queries(
            &shared().join("eval/security-queries.dev.jsonl"),
        )
        .expect("dev queries readable");
        let mut split_queries = 0;
        for query in &queries {
            let (parsed, _) = engine
                .parse(&searcher, &query.query, &mut engine.index().analyzer())
                .expect("parses");
            let whole = builder.build(&parsed, &[], Tier::Any);
            let Some(split) = builder.split_partial(&parsed, &[], Tier::Any) else {
                continue;
            };
            split_queries += 1;
            let plan = builder.count_plan(&parsed, &[]);
            let counted = searcher.search(whole.as_ref(), &Count).expect("counts");
            let alone = crate::search::count::matching(&searcher, &plan, None).expect("counts");
            assert_eq!(alone, counted, "{}", query.query);
            for limit in [1, 10, 100] {
                let expected = top_passages(&statistics, whole.as_ref(), limit).expect("ranks");
                let mut phrases_matched = None;
                let found = top_passages_split(
                    &statistics,
                    split.terms.as_ref(),
                    split.with_others.as_ref(),
                    limit,
                    &mut phrases_matched,
                )
                .expect("ranks");
                let shared =
                    crate::search::count::matching(&searcher, &plan, phrases_matched.as_deref())
                        .expect("counts");
                assert!(phrases_matched.is_some(), "{}", query.query);
                assert_eq!(shared, counted, "{}", query.query);
                assert_eq!(addresses(&found), addresses(&expected), "{}", query.query);
                for ((found, _), (expected, _)) in found.iter().zip(&expected) {
                    assert!(
                        tied(found.max(*expected), found.min(*expected)),
                        "{}",
                        query.query
                    );
                }
            }
        }
        assert!(
            split_queries >= 10,
            "only {split_queries} dev queries hold phrases"
        );
    }

    /// Counted in the pass that ranks them, the passages a query matches are those a count
    /// apart finds, and the page is the one ranked alone, whatever the page's length.
    #[test]
    fn a_query_counted_while_ranked_counts_and_ranks_as_two_passes() {
        let (_dir, engine) = corpus_engine();
        let searcher = engine.index().searcher();
        let statistics = Statistics::new(&searcher, engine.index().fields());
        let builder = builder(&engine);
        for query in [
            "\"équipes communes d'enquête\"",
            "\"données à caractère personnel\"",
            "\"coopération policière\" -Europol",
            "\"mot de passe\"",
            "sécurité",
            // Found nowhere (a phrase found nowhere is searched as its words: these are not
            // words of the corpus either).
            "\"xqzwv vbnkjh\"",
        ] {
            let (parsed, _) = engine
                .parse(&searcher, query, &mut engine.index().analyzer())
                .expect("parses");
            let any = builder.build(&parsed, &[], Tier::AnyWithProximity);
            let count = searcher.search(any.as_ref(), &Count).expect("counts");
            for limit in [0, 1, 10, 100] {
                let (matched, found) =
                    counted_top_passages(&statistics, any.as_ref(), limit).expect("ranks");
                let expected = top_passages(&statistics, any.as_ref(), limit).expect("ranks");
                assert_eq!(matched, count, "{query} ({limit})");
                assert_eq!(addresses(&found), addresses(&expected), "{query} ({limit})");
            }
            assert_eq!(count == 0, query.contains("xqzwv"), "{query}: {count}");
        }
    }

    fn ordered(scores_and_keys: &[(f32, u64)]) -> Vec<u64> {
        let mut hits: Vec<(f32, DocAddress)> = scores_and_keys
            .iter()
            .map(|(score, key)| (*score, DocAddress::new(0, *key as DocId)))
            .collect();
        hits.sort_by(|(score_a, _), (score_b, _)| score_b.total_cmp(score_a));
        let keys: Vec<u64> = hits
            .iter()
            .map(|(_, address)| u64::from(address.doc_id))
            .collect();
        order_ties(&mut hits, &keys);
        hits.iter()
            .map(|(_, address)| u64::from(address.doc_id))
            .collect()
    }

    /// The same score summed in another order differs in its last bits, on either side of any
    /// rounding point: such passages still come in key order, whichever is a hair higher.
    #[test]
    fn scores_a_hair_apart_come_in_key_order() {
        for base in [0.123_45_f32, 53.197_69, 1_234.567] {
            let hair = base * 4e-7;
            assert_eq!(ordered(&[(base + hair, 2), (base - hair, 1)]), [1, 2]);
            assert_eq!(ordered(&[(base - hair, 2), (base + hair, 1)]), [1, 2]);
        }
    }

    #[test]
    fn distinct_scores_come_in_score_order_whatever_their_keys() {
        assert_eq!(ordered(&[(10.0, 1), (10.01, 2), (9.0, 0)]), [2, 1, 0]);
        assert_eq!(
            ordered(&[(1.0, 3), (1.0, 1), (2.0, 2), (1.0, 0)]),
            [2, 0, 1, 3]
        );
    }
}
