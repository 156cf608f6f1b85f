//! Collecting ranked passages from tantivy: the top of a query in a stable order, and the
//! document ids of a list of passages.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Searcher};

use crate::error::{IndexError, SearchError};
use crate::index::engine;
use crate::index::schema::{DOC_ID_FIELD, PASSAGE_KEY_FIELD};

/// How many passages beyond a page are fetched, at most, to see the end of a run of equal
/// scores across the page's end.
const MAX_TIE_FETCH: usize = 256;

/// The best `limit` passages for `query`, best first. Passages of equal score come in the
/// order of their stable key (document, then position in it), not in the order the indexing
/// threads happened to lay them out in segments: the same content gives the same page in every
/// build of the index. A run of equal scores across the page's end is fetched whole (up to
/// [`MAX_TIE_FETCH`] more passages), so which of its passages make the page is stable too.
pub(super) fn top_passages(
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let mut fetch = limit + 1;
    let mut hits = loop {
        let hits = searcher
            .search(query, &TopDocs::with_limit(fetch).order_by_score())
            .map_err(engine)?;
        let run_may_go_on = hits.len() == fetch
            && hits
                .get(limit - 1)
                .zip(hits.last())
                .is_some_and(|((at_end, _), (last, _))| same_score(*at_end, *last));
        if !run_may_go_on || fetch >= limit + MAX_TIE_FETCH {
            break hits;
        }
        fetch = (fetch * 4).min(limit + MAX_TIE_FETCH);
    };
    if hits.windows(2).any(|pair| same_score(pair[0].0, pair[1].0)) {
        let keys = passage_keys(searcher, &hits)?;
        let mut keyed: Vec<((f32, DocAddress), u64)> = hits.into_iter().zip(keys).collect();
        keyed.sort_by(|((score_a, _), key_a), ((score_b, _), key_b)| {
            score_rank(*score_b)
                .cmp(&score_rank(*score_a))
                .then(key_a.cmp(key_b))
        });
        hits = keyed.into_iter().map(|(hit, _)| hit).collect();
    }
    hits.truncate(limit);
    Ok(hits)
}

/// A score rounded to 1/10,000: the same sum of term scores, added up in another order in
/// another segment layout, can differ in its last bits.
fn score_rank(score: f32) -> i64 {
    // Scores are small positive numbers; the cast saturates on anything else.
    #[allow(clippy::cast_possible_truncation)]
    let rank = (f64::from(score) * 10_000.0).round() as i64;
    rank
}

/// True when two scores are equal once rounded (see [`score_rank`]).
fn same_score(left: f32, right: f32) -> bool {
    score_rank(left) == score_rank(right)
}

/// The stable sort key of each passage, in order (see `index::schema::passage_key`).
fn passage_keys(searcher: &Searcher, hits: &[(f32, DocAddress)]) -> Result<Vec<u64>, SearchError> {
    let mut columns = HashMap::new();
    let mut keys = Vec::with_capacity(hits.len());
    for (_, address) in hits {
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
