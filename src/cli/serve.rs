//! `vigie serve`: index the corpus folder if it changed, then serve the JSON API.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use super::progress::TerminalProgress;
use super::ServeArgs;
use crate::config::{Config, DEFAULT_INDEX_DIR};
use crate::error::IndexError;
use crate::http::{self, AppState, HttpSettings};
use crate::index::merge::{self, MergeOptions};
use crate::index::sync::{sync_paths, SyncOptions};

/// Runs `vigie serve`.
pub fn run(args: &ServeArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let syncs_corpus = !args.no_sync && config.corpus_dir.is_dir();
    let index = match super::index::open(config) {
        // The default index is what `serve` builds from the corpus folder: one left by
        // another version of Vigie is rebuilt from it rather than refused.
        Err(error)
            if syncs_corpus
                && config.index_dir == std::path::Path::new(DEFAULT_INDEX_DIR)
                && matches!(
                    error.downcast_ref::<IndexError>(),
                    Some(IndexError::Incompatible { .. })
                ) =>
        {
            eprintln!(
                "{error:#}\nrebuilding {} from {} (index any other folder it held again)",
                config.index_dir.display(),
                config.corpus_dir.display()
            );
            super::index::rebuild(
                config,
                std::slice::from_ref(&config.corpus_dir),
                std::time::Duration::ZERO,
            )?
        }
        opened => opened?,
    };
    let sync_options = SyncOptions {
        threads: config.threads,
        commit_every: config.commit_every,
        ..SyncOptions::default()
    };
    if syncs_corpus {
        let report = sync_paths(
            &index,
            std::slice::from_ref(&config.corpus_dir),
            &sync_options,
            &TerminalProgress::new(),
        )
        .with_context(|| format!("indexing the corpus {}", config.corpus_dir.display()))?;
        eprintln!("{}", super::index::summary(&report));
    }
    // Kept alive while serving; dropping it stops the watch.
    let _watch = match &args.watch {
        Some(folder) => Some(super::index::start_watch(&index, folder, &sync_options)?),
        None => None,
    };
    // Kept alive while serving; dropping it stops merging.
    let _merge = if args.no_merge {
        None
    } else {
        Some(merge::start(&index, MergeOptions::default())?)
    };
    let engine = Arc::new(super::engine(index, config)?);
    let stats = engine.stats()?;
    engine.warm_suggestions();
    let router = http::router(AppState::new(engine), &HttpSettings::from_config(config));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = http::bind(config.addr)
            .await
            .with_context(|| format!("binding {}", config.addr))?;
        let local = listener.local_addr().context("reading the bound address")?;
        // The banner is a courtesy: a closed standard output (`vigie serve | head -1`) must
        // not stop the server, so write errors are ignored rather than panicking.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "Vigie serves {} documents ({} passages) at http://{local}/",
            stats.documents, stats.passages
        );
        let _ = writeln!(
            out,
            "Try: curl 'http://{local}/search?q=%C3%A9quipes+communes+d%27enqu%C3%AAte'"
        );
        let _ = out.flush();
        drop(out);
        http::serve(router, listener).await.context("serving HTTP")
    })?;
    Ok(ExitCode::SUCCESS)
}
