//! Retrieval metrics with trec_eval's definitions, for one query at a time.
//!
//! `ranking` is the engine's ranked list of ids (best first, no duplicates); `relevant` maps
//! each relevant id to its (positive) relevance grade.

use std::collections::HashMap;

/// nDCG at `depth`: DCG with gain = grade and discount log2(rank + 1), over the ideal DCG.
pub fn ndcg_at(ranking: &[String], relevant: &HashMap<String, u32>, depth: usize) -> f64 {
    let discount = |rank: usize| (rank as f64 + 1.0).log2();
    let dcg: f64 = ranking
        .iter()
        .take(depth)
        .enumerate()
        .filter_map(|(index, id)| {
            relevant
                .get(id)
                .map(|grade| f64::from(*grade) / discount(index + 1))
        })
        .sum();
    let mut grades: Vec<u32> = relevant
        .values()
        .copied()
        .filter(|grade| *grade > 0)
        .collect();
    grades.sort_unstable_by(|a, b| b.cmp(a));
    let ideal: f64 = grades
        .iter()
        .take(depth)
        .enumerate()
        .map(|(index, grade)| f64::from(*grade) / discount(index + 1))
        .sum();
    if ideal == 0.0 {
        0.0
    } else {
        dcg / ideal
    }
}

/// Reciprocal rank of the first relevant id within `depth`, 0 if none.
pub fn reciprocal_rank_at(
    ranking: &[String],
    relevant: &HashMap<String, u32>,
    depth: usize,
) -> f64 {
    ranking
        .iter()
        .take(depth)
        .position(|id| relevant.contains_key(id))
        .map_or(0.0, |index| 1.0 / (index as f64 + 1.0))
}

/// Share of the relevant ids found within `depth`.
pub fn recall_at(ranking: &[String], relevant: &HashMap<String, u32>, depth: usize) -> f64 {
    if relevant.is_empty() {
        return 0.0;
    }
    let found = ranking
        .iter()
        .take(depth)
        .filter(|id| relevant.contains_key(*id))
        .count();
    found as f64 / relevant.len() as f64
}

/// Average precision within `depth`: the mean, over all relevant ids, of the precision at the
/// rank of each one found (0 for those not found).
pub fn average_precision_at(
    ranking: &[String],
    relevant: &HashMap<String, u32>,
    depth: usize,
) -> f64 {
    if relevant.is_empty() {
        return 0.0;
    }
    let mut found = 0usize;
    let mut precision_sum = 0.0;
    for (index, id) in ranking.iter().take(depth).enumerate() {
        if relevant.contains_key(id) {
            found += 1;
            precision_sum += found as f64 / (index as f64 + 1.0);
        }
    }
    precision_sum / relevant.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|id| id.to_string()).collect()
    }

    fn judged(list: &[&str]) -> HashMap<String, u32> {
        list.iter().map(|id| (id.to_string(), 1)).collect()
    }

    #[test]
    fn a_perfect_ranking_scores_one() {
        let ranking = ids(&["a", "b", "c"]);
        let relevant = judged(&["a"]);
        assert_eq!(ndcg_at(&ranking, &relevant, 10), 1.0);
        assert_eq!(reciprocal_rank_at(&ranking, &relevant, 10), 1.0);
        assert_eq!(recall_at(&ranking, &relevant, 100), 1.0);
        assert_eq!(average_precision_at(&ranking, &relevant, 100), 1.0);
    }

    #[test]
    fn a_second_place_hit_scores_as_trec_eval_does() {
        let ranking = ids(&["x", "a", "y"]);
        let relevant = judged(&["a"]);
        assert!((ndcg_at(&ranking, &relevant, 10) - 1.0 / 3f64.log2()).abs() < 1e-12);
        assert_eq!(reciprocal_rank_at(&ranking, &relevant, 10), 0.5);
        assert_eq!(average_precision_at(&ranking, &relevant, 100), 0.5);
    }

    #[test]
    fn hits_beyond_the_cutoff_do_not_count() {
        let mut list: Vec<String> = (0..12).map(|n| format!("n{n}")).collect();
        list.push("a".into());
        let relevant = judged(&["a", "b"]);
        assert_eq!(reciprocal_rank_at(&list, &relevant, 10), 0.0);
        assert_eq!(ndcg_at(&list, &relevant, 10), 0.0);
        assert_eq!(recall_at(&list, &relevant, 100), 0.5);
        assert!((average_precision_at(&list, &relevant, 100) - (1.0 / 13.0) / 2.0).abs() < 1e-12);
    }
}
