//! `vigie eval`: measure retrieval quality on a qrels set or a passage-hit set.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};

use super::progress::TerminalProgress;
use super::EvalArgs;
use crate::analysis::Variant;
use crate::config::Config;
use crate::error::IndexError;
use crate::eval::{self, data, HitScores};
use crate::index::sync::{sync_paths, SyncOptions};
use crate::index::VigieIndex;
use crate::search::Engine;

/// Runs `vigie eval`.
pub fn run(args: &EvalArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let set = &args.set;
    if set.is_dir() && set.join("qrels.tsv").is_file() {
        run_qrels(args, config)
    } else if set.is_file() {
        run_passage_hits(args, config)
    } else {
        bail!(
            "{} is neither a qrels folder (corpus.jsonl, queries.jsonl, qrels.tsv) nor a passage-hit file (.jsonl)",
            set.display()
        )
    }
}

/// The index an evaluation uses: `--index`, or a folder of the system's temporary directory
/// named after the set, reused by later runs (unchanged documents are skipped).
fn eval_index(
    args: &EvalArgs,
    set_name: &str,
    corpus: &Path,
    config: &Config,
) -> anyhow::Result<Engine> {
    let variant = match &args.variant {
        Some(name) => Variant::from_name(name).with_context(|| {
            let names: Vec<&str> = Variant::ALL.iter().map(|variant| variant.name()).collect();
            format!("unknown variant {name:?}; one of {}", names.join(", "))
        })?,
        None => Variant::default(),
    };
    let dir = args.index_dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("vigie-eval-{set_name}-{}", variant.name()))
    });
    let index = match (args.rebuild, &args.index_dir) {
        (true, _) => {
            VigieIndex::rebuild_with(&dir, variant, &[corpus.to_path_buf()], Duration::ZERO)
        }
        // The default folder is this command's own cache: one left by an older version of
        // Vigie is rebuilt rather than refused.
        (false, None) => match VigieIndex::open_or_create_with(&dir, variant) {
            Err(IndexError::Incompatible { .. }) => {
                eprintln!("{}: built by another version, rebuilding", dir.display());
                VigieIndex::rebuild_with(&dir, variant, &[corpus.to_path_buf()], Duration::ZERO)
            }
            opened => opened,
        },
        (false, Some(_)) => VigieIndex::open_or_create_with(&dir, variant),
    }
    .with_context(|| format!("opening the evaluation index {}", dir.display()))?;
    let options = SyncOptions {
        threads: config.threads,
        commit_every: config.commit_every,
        ..SyncOptions::default()
    };
    let report = sync_paths(
        &index,
        &[corpus.to_path_buf()],
        &options,
        &TerminalProgress::new(),
    )
    .with_context(|| format!("indexing {}", corpus.display()))?;
    eprintln!(
        "variant {}: {}",
        variant.name(),
        super::index::summary(&report)
    );
    super::engine(index, config)
}

fn progress_bar(total: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} queries ({per_sec}, {eta})")
    {
        bar.set_style(style);
    }
    bar
}

fn set_name(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "set".to_string())
}

fn run_qrels(args: &EvalArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let set = &args.set;
    let corpus = args
        .corpus
        .clone()
        .unwrap_or_else(|| set.join("corpus.jsonl"));
    let queries = data::read_queries(&set.join("queries.jsonl"))?;
    let qrels = data::read_qrels(&set.join("qrels.tsv"))?;
    let engine = eval_index(args, &set_name(set), &corpus, config)?;
    let bar = progress_bar(queries.len());
    let mut run_file = match &args.run {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => None,
    };
    let started = std::time::Instant::now();
    let report = eval::evaluate_qrels(
        &engine,
        &queries,
        &qrels,
        run_file.as_mut().map(|file| file as &mut dyn Write),
        &|| bar.inc(1),
    )?;
    bar.finish_and_clear();
    if let Some(mut file) = run_file {
        file.flush().context("writing the run file")?;
    }
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{} queries in {seconds:.1} s\nnDCG@10    {:.4}\nMRR@10     {:.4}\nRecall@100 {:.4}\nMAP@100    {:.4}",
            report.queries, report.ndcg_at_10, report.mrr_at_10, report.recall_at_100, report.map_at_100
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_passage_hits(args: &EvalArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let set = &args.set;
    let corpus: PathBuf = match &args.corpus {
        Some(corpus) => corpus.clone(),
        None => set
            .parent()
            .map(|dir| dir.join("../corpus"))
            .context("the set has no parent folder; give --corpus")?,
    };
    let queries = data::read_passage_queries(set)?;
    let engine = eval_index(args, &set_name(set), &corpus, config)?;
    let bar = progress_bar(queries.len());
    let report = eval::evaluate_passage_hits(&engine, &queries, &|| bar.inc(1))?;
    bar.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    let line = |name: &str, scores: &HitScores| {
        format!(
            "{name:<12} {:>4}   {:.3}   {:.3}   {:.3}",
            scores.queries, scores.success_at_1, scores.success_at_10, scores.mrr_at_10
        )
    };
    println!(
        "{:<12} {:>4}   {:<5}   {:<5}   {:<5}",
        "kind", "n", "S@1", "S@10", "MRR@10"
    );
    println!("{}", line("all", &report.overall));
    for (kind, scores) in &report.by_kind {
        println!("{}", line(kind, scores));
    }
    if args.verbose {
        for rank in &report.ranks {
            let place = rank
                .rank
                .map_or("miss".to_string(), |rank| rank.to_string());
            println!(
                "{:<6} {:<11} {:>4}  {}",
                rank.id, rank.kind, place, rank.query
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
