//! Reading evaluation sets: qrels sets (`queries.jsonl` + `qrels.tsv`) and passage-hit sets.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Errors reading an evaluation set; each names the file and line.
#[derive(Debug, thiserror::Error)]
pub enum EvalDataError {
    /// A file could not be read.
    #[error("{path}: {cause}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error (in the message, not as `source()`, so that it is printed once).
        cause: std::io::Error,
    },
    /// A line is not what the format requires.
    #[error("{path}:{line}: {reason}")]
    BadLine {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// One query of a qrels set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Query {
    /// Query id.
    pub id: String,
    /// Query text.
    pub text: String,
}

/// One query of a passage-hit set (see `eval/README.md`: the hit rule).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct PassageQuery {
    /// Query id.
    pub id: String,
    /// Query text.
    pub query: String,
    /// The file (document id) holding the answer.
    pub doc: String,
    /// A phrase the answering passage contains.
    pub must_contain: String,
    /// What the query tests (`keyword`, `paraphrase`, `acronym`…).
    pub kind: String,
}

fn read(path: &Path) -> Result<String, EvalDataError> {
    std::fs::read_to_string(path).map_err(|cause| EvalDataError::Io {
        path: path.to_path_buf(),
        cause,
    })
}

fn json_lines<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, EvalDataError> {
    let text = read(path)?;
    let mut items = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let item = serde_json::from_str(line).map_err(|error| EvalDataError::BadLine {
            path: path.to_path_buf(),
            line: index + 1,
            reason: error.to_string(),
        })?;
        items.push(item);
    }
    Ok(items)
}

/// Reads `queries.jsonl` (`id`, `text`).
pub fn read_queries(path: &Path) -> Result<Vec<Query>, EvalDataError> {
    json_lines(path)
}

/// Reads a passage-hit set.
pub fn read_passage_queries(path: &Path) -> Result<Vec<PassageQuery>, EvalDataError> {
    json_lines(path)
}

/// Relevance judgments: query id → (document id → grade).
pub type Qrels = HashMap<String, HashMap<String, u32>>;

/// Reads `qrels.tsv`: `query_id <tab> doc_id <tab> grade` (a TREC `0` column is accepted too).
pub fn read_qrels(path: &Path) -> Result<Qrels, EvalDataError> {
    let text = read(path)?;
    let mut qrels: Qrels = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let columns: Vec<&str> = line.split_whitespace().collect();
        let bad = |reason: &str| EvalDataError::BadLine {
            path: path.to_path_buf(),
            line: index + 1,
            reason: reason.to_string(),
        };
        let (query_id, doc_id, grade) = match columns.as_slice() {
            [] => continue,
            [query_id, doc_id, grade] | [query_id, _, doc_id, grade] => {
                (*query_id, *doc_id, *grade)
            }
            _ => return Err(bad("expected query id, document id and grade")),
        };
        if index == 0 && grade.parse::<i64>().is_err() {
            continue; // a header line
        }
        let grade: i64 = grade
            .parse()
            .map_err(|_| bad("the grade is not a whole number"))?;
        if grade > 0 {
            qrels
                .entry(query_id.to_string())
                .or_default()
                .insert(doc_id.to_string(), u32::try_from(grade).unwrap_or(u32::MAX));
        }
    }
    Ok(qrels)
}
