//! Measuring retrieval quality: `vigie eval`.
//!
//! Two kinds of sets: qrels sets (queries judged against document ids, as PIAF) scored with
//! trec_eval's nDCG@10, MRR@10, Recall@100 and MAP@100 on the best passage per document; and
//! passage-hit sets (a query, the file and a phrase the answering passage contains) scored with
//! success@1, success@10 and MRR@10 overall and per kind. Sits beside `cli`: it drives `search`
//! and imports nothing to its right.

pub mod data;
pub mod metrics;

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::error::SearchError;
use crate::search::{Engine, SearchRequest, MAX_LIMIT};
use data::{PassageQuery, Qrels, Query};

/// Scores of a qrels set, averaged over every judged query (unanswered queries count as 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QrelsReport {
    /// Judged queries run.
    pub queries: usize,
    /// Mean nDCG at 10.
    pub ndcg_at_10: f64,
    /// Mean reciprocal rank at 10.
    pub mrr_at_10: f64,
    /// Mean recall at 100.
    pub recall_at_100: f64,
    /// Mean average precision at 100.
    pub map_at_100: f64,
}

/// Runs every judged query (top 100, best passage per document) and scores the rankings.
/// Writes a TREC run to `run` when given. `progress` is called after each query.
pub fn evaluate_qrels(
    engine: &Engine,
    queries: &[Query],
    qrels: &Qrels,
    mut run: Option<&mut dyn Write>,
    progress: &dyn Fn(),
) -> Result<QrelsReport, EvalError> {
    let mut totals = [0.0f64; 4];
    let mut judged = 0usize;
    for query in queries {
        progress();
        let Some(relevant) = qrels.get(&query.id) else {
            continue;
        };
        judged += 1;
        let ranking = rank_documents(engine, &query.text)?;
        if let Some(out) = run.as_deref_mut() {
            let scores = run_scores(ranking.iter().map(|(_, score)| *score));
            for (rank, ((doc_id, _), score)) in ranking.iter().zip(scores).enumerate() {
                writeln!(out, "{} Q0 {} {} {score} vigie", query.id, doc_id, rank + 1)
                    .map_err(EvalError::Run)?;
            }
        }
        let ids: Vec<String> = ranking.into_iter().map(|(doc_id, _)| doc_id).collect();
        totals[0] += metrics::ndcg_at(&ids, relevant, 10);
        totals[1] += metrics::reciprocal_rank_at(&ids, relevant, 10);
        totals[2] += metrics::recall_at(&ids, relevant, 100);
        totals[3] += metrics::average_precision_at(&ids, relevant, 100);
    }
    let mean = |total: f64| {
        if judged == 0 {
            0.0
        } else {
            total / judged as f64
        }
    };
    Ok(QrelsReport {
        queries: judged,
        ndcg_at_10: mean(totals[0]),
        mrr_at_10: mean(totals[1]),
        recall_at_100: mean(totals[2]),
        map_at_100: mean(totals[3]),
    })
}

/// The scores a run file gives a ranking: trec_eval orders a run by score, not by rank, so
/// each score is kept below the one before it. The engine's order can differ from its scores
/// by a hair (passages within 10⁻⁵ of each other come in a stable order, not by their last
/// bits): such a score is written just under the one before.
fn run_scores(scores: impl Iterator<Item = f32>) -> Vec<f32> {
    let mut ceiling = f32::INFINITY;
    scores
        .map(|score| {
            let written = if score < ceiling {
                score
            } else {
                ceiling.next_down()
            };
            ceiling = written;
            written
        })
        .collect()
}

/// Document ids ranked by their best passage, top 100.
fn rank_documents(engine: &Engine, text: &str) -> Result<Vec<(String, f32)>, EvalError> {
    let request = SearchRequest {
        limit: MAX_LIMIT,
        per_doc: Some(1),
        ..SearchRequest::new(text)
    };
    match engine.rank_ids(&request) {
        Ok(ranked) => Ok(ranked
            .into_iter()
            .map(|hit| (hit.doc_id, hit.score))
            .collect()),
        // A query the engine refuses (empty, too long) retrieves nothing: it scores 0.
        Err(SearchError::InvalidRequest { .. }) => Ok(Vec::new()),
        Err(other) => Err(EvalError::Search(other)),
    }
}

/// Errors of an evaluation run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The engine failed.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// The run file could not be written.
    #[error("writing the run file: {0}")]
    Run(std::io::Error),
}

/// Success and reciprocal-rank scores of a group of passage-hit queries.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HitScores {
    /// Queries in the group.
    pub queries: usize,
    /// Share whose first passage is a hit.
    pub success_at_1: f64,
    /// Share with a hit among the first 10 passages.
    pub success_at_10: f64,
    /// Mean reciprocal rank of the first hit within 10.
    pub mrr_at_10: f64,
}

/// Scores of a passage-hit set, overall and per kind, with the rank each query got.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitsReport {
    /// All queries.
    pub overall: HitScores,
    /// Per `kind`.
    pub by_kind: BTreeMap<String, HitScores>,
    /// Each query's id, kind and the 1-based rank of its first hit within 10.
    pub ranks: Vec<QueryRank>,
}

/// Where one passage-hit query found its answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryRank {
    /// Query id.
    pub id: String,
    /// Query kind.
    pub kind: String,
    /// The query text.
    pub query: String,
    /// 1-based rank of the first hit within 10, if any.
    pub rank: Option<usize>,
}

/// Collapses whitespace runs to one space and lower-cases: the hit rule's comparison.
pub fn normalize_for_hit(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Runs every query (top 10 passages) and scores hits by the passage-hit rule.
pub fn evaluate_passage_hits(
    engine: &Engine,
    queries: &[PassageQuery],
    progress: &dyn Fn(),
) -> Result<HitsReport, EvalError> {
    let mut ranks = Vec::with_capacity(queries.len());
    for query in queries {
        progress();
        let wanted = normalize_for_hit(&query.must_contain);
        let request = SearchRequest {
            limit: 10,
            ..SearchRequest::new(query.query.as_str())
        };
        // The page as shown: the matches, then the related passages completing it.
        let hits: Vec<_> = match engine.search(&request) {
            Ok(results) => results.hits.into_iter().chain(results.related).collect(),
            Err(SearchError::InvalidRequest { .. }) => Vec::new(),
            Err(other) => return Err(EvalError::Search(other)),
        };
        let rank = hits
            .iter()
            .position(|hit| {
                hit.doc_id == query.doc && normalize_for_hit(&hit.text).contains(&wanted)
            })
            .map(|position| position + 1);
        ranks.push(QueryRank {
            id: query.id.clone(),
            kind: query.kind.clone(),
            query: query.query.clone(),
            rank,
        });
    }
    let overall = hit_scores(ranks.iter());
    let mut kinds: Vec<&str> = ranks.iter().map(|rank| rank.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let by_kind = kinds
        .into_iter()
        .map(|kind| {
            (
                kind.to_string(),
                hit_scores(ranks.iter().filter(|rank| rank.kind == kind)),
            )
        })
        .collect();
    Ok(HitsReport {
        overall,
        by_kind,
        ranks,
    })
}

fn hit_scores<'a>(ranks: impl Iterator<Item = &'a QueryRank>) -> HitScores {
    let mut scores = HitScores::default();
    for query in ranks {
        scores.queries += 1;
        if let Some(rank) = query.rank {
            scores.success_at_1 += f64::from(u8::from(rank == 1));
            scores.success_at_10 += 1.0;
            scores.mrr_at_10 += 1.0 / rank as f64;
        }
    }
    if scores.queries > 0 {
        let count = scores.queries as f64;
        scores.success_at_1 /= count;
        scores.success_at_10 /= count;
        scores.mrr_at_10 /= count;
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::run_scores;

    #[test]
    fn a_run_s_scores_fall_with_its_ranks() {
        let engine = [9.5, 4.0, 4.000_02, 4.0, 1.0, 2.0, 0.5];
        let written = run_scores(engine.into_iter());
        assert!(
            written.windows(2).all(|pair| pair[0] > pair[1]),
            "{written:?}"
        );
        // Scores already falling are written as they are.
        assert_eq!(written[0], 9.5);
        assert_eq!(written[1], 4.0);
        assert_eq!(written[6], 0.5);
        assert!(written[2] < 4.0 && written[2] > 3.999_99, "{written:?}");
        assert!(written[5] < written[4], "{written:?}");
    }
}
