//! `vigie index`: bring the index in line with files and folders, and report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::progress::TerminalProgress;
use super::{IndexArgs, EXIT_SOME_FILES_FAILED};
use crate::config::Config;
use crate::index::sync::{sync_paths, SyncOptions, SyncReport};
use crate::index::watch::{watch_folder, FolderWatch, WatchOptions};
use crate::index::VigieIndex;

/// Runs `vigie index`.
pub fn run(args: &IndexArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let lock_wait = std::time::Duration::from_secs(args.lock_wait);
    let index = if args.rebuild {
        rebuild(config, &args.paths, lock_wait)?
    } else {
        open(config)?
    };
    let options = SyncOptions {
        threads: config.threads,
        commit_every: config.commit_every,
        lock_wait,
    };
    let report = sync_paths(&index, &args.paths, &options, &TerminalProgress::new())
        .with_context(|| format!("indexing into {}", config.index_dir.display()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        eprintln!("{}", summary(&report));
    }
    if args.merge {
        let started = std::time::Instant::now();
        let merged = index
            .merge_segments(config.threads)
            .with_context(|| format!("merging {}", config.index_dir.display()))?;
        if merged > 1 {
            eprintln!(
                "merged {merged} segments into one in {:.2} s",
                started.elapsed().as_secs_f64()
            );
        } else {
            eprintln!("the index is one segment already");
        }
    }
    if args.watch {
        let folders: Vec<&PathBuf> = args.paths.iter().filter(|path| path.is_dir()).collect();
        anyhow::ensure!(
            !folders.is_empty(),
            "--watch needs at least one folder to watch"
        );
        let mut watches = Vec::new();
        for folder in folders {
            // Indexed just above: the watch only follows changes from here on.
            watches.push(watch(&index, folder, &options)?);
        }
        eprintln!("watching for changes; stop with Ctrl-C");
        for watch in watches {
            watch.wait();
        }
    }
    Ok(exit_code(&report))
}

/// Indexes `folder` now, then keeps indexing its changes (until the returned watch drops).
pub fn start_watch(
    index: &VigieIndex,
    folder: &Path,
    options: &SyncOptions,
) -> anyhow::Result<FolderWatch> {
    let report = sync_paths(
        index,
        &[folder.to_path_buf()],
        options,
        &TerminalProgress::new(),
    )
    .with_context(|| format!("indexing the watched folder {}", folder.display()))?;
    eprintln!("{}", summary(&report));
    watch(index, folder, options)
}

/// Keeps indexing the changes of `folder`, already indexed (until the returned watch drops).
fn watch(index: &VigieIndex, folder: &Path, options: &SyncOptions) -> anyhow::Result<FolderWatch> {
    let watch_options = WatchOptions {
        sync: options.clone(),
        ..WatchOptions::default()
    };
    watch_folder(index.clone(), folder, watch_options)
        .with_context(|| format!("watching {}", folder.display()))
}

/// Opens the configured index, creating it if there is none.
pub fn open(config: &Config) -> anyhow::Result<VigieIndex> {
    VigieIndex::open_or_create(&config.index_dir)
        .with_context(|| format!("opening the index {}", config.index_dir.display()))
}

/// Recreates the configured index empty before indexing `paths` (refused, with nothing
/// deleted, when a path is unreadable, the folder may hold something else, or another writer
/// still holds it after `lock_wait`).
pub fn rebuild(
    config: &Config,
    paths: &[PathBuf],
    lock_wait: std::time::Duration,
) -> anyhow::Result<VigieIndex> {
    // Each of its errors names the folder or path at fault.
    Ok(VigieIndex::rebuild(&config.index_dir, paths, lock_wait)?)
}

/// The exit code of a run: 0, or 2 when some files failed.
pub fn exit_code(report: &SyncReport) -> ExitCode {
    if report.failed > 0 {
        ExitCode::from(EXIT_SOME_FILES_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// The human summary of a run.
pub fn summary(report: &SyncReport) -> String {
    let megabytes = report.bytes_read as f64 / 1_000_000.0;
    let seconds = report.elapsed.as_secs_f64();
    let mut text = format!(
        "indexed in {seconds:.2} s ({megabytes:.1} MB read, {:.1} MB/s): {} added, {} updated, {} unchanged, {} deleted, {} failed; {} passages written; index now holds {} documents, {} passages",
        if seconds > 0.0 { megabytes / seconds } else { 0.0 },
        report.added,
        report.updated,
        report.unchanged,
        report.deleted,
        report.failed,
        report.passages_written,
        report.documents_total,
        report.passages_total,
    );
    if !report.other_files.is_empty() {
        text.push_str(&format!(
            "; {} file(s) of other types left aside ({})",
            report.other_files.len(),
            count_by_extension(&report.other_files)
        ));
    }
    for failure in &report.failures {
        text.push_str(&format!("\n  failed: {failure}"));
    }
    text
}

/// `.pdf 3, .docx 1, no extension 1`: most frequent first, then by name.
fn count_by_extension(paths: &[std::path::PathBuf]) -> String {
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for path in paths {
        let extension = path.extension().map_or_else(
            || "no extension".to_string(),
            |extension| format!(".{}", extension.to_string_lossy().to_lowercase()),
        );
        *counts.entry(extension).or_insert(0) += 1;
    }
    let mut counted: Vec<(String, usize)> = counts.into_iter().collect();
    counted.sort_by(|left, right| right.1.cmp(&left.1).then_with(|| left.0.cmp(&right.0)));
    counted
        .iter()
        .map(|(extension, count)| format!("{extension} {count}"))
        .collect::<Vec<_>>()
        .join(", ")
}
