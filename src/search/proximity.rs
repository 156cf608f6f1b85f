//! The proximity bonus of the partial-match tier, for its best candidates only.
//!
//! In the all-words tier, each pair of consecutive query words standing close together in a
//! passage earns a phrase query's score, times `proximity_boost`. Added to the partial tier's
//! union, those phrase queries would have to be scored on every passage holding any query
//! word; here they are read only at the best candidates, by seeking each phrase's postings to
//! them, so `légitime défense policier` ranks a passage holding `légitime défense` above one
//! holding `légitime` in its text and `défense` only in its document title.

use tantivy::query::Query;
use tantivy::DocAddress;

use crate::error::SearchError;
use crate::index::engine;

use super::collect::{by_segment, for_each_held};
use super::statistics::Statistics;

/// For each candidate, the summed scores of the `phrases` (already weighted) it matches.
pub(crate) fn bonus(
    statistics: &Statistics,
    phrases: &[Box<dyn Query>],
    candidates: &[(f32, DocAddress)],
) -> Result<Vec<f32>, SearchError> {
    let mut bonus = vec![0.0; candidates.len()];
    if phrases.is_empty() {
        return Ok(bonus);
    }
    let addresses: Vec<DocAddress> = candidates.iter().map(|(_, address)| *address).collect();
    let segments = by_segment(&addresses);
    for phrase in phrases {
        let weight = phrase.weight(statistics.scoring()).map_err(engine)?;
        for (segment_ord, docs) in &segments {
            let reader = statistics.searcher().segment_reader(*segment_ord);
            let mut scorer = weight.scorer(reader, 1.0).map_err(engine)?;
            for_each_held(scorer.as_mut(), docs, |scorer, position| {
                bonus[position] += scorer.score();
            });
        }
    }
    Ok(bonus)
}
