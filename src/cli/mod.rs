//! The command line (clap): `vigie index`, `vigie serve`, `vigie search`.
//!
//! Thin: each subcommand reads its settings into one [`Config`], calls the library, and prints.
//! `anyhow` is used here, at the top, to report errors with context.

mod eval;
mod index;
mod progress;
mod search;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, Overrides};

/// Vigie: search French security-cooperation texts by passage.
#[derive(Debug, Parser)]
#[command(name = "vigie", version, about, long_about = None)]
pub struct Cli {
    /// Configuration file (TOML); flags and VIGIE_* variables override it.
    #[arg(long, global = true, env = "VIGIE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Synonym file added to the built-in list (format: see data/synonyms.fr.txt).
    #[arg(long, global = true, env = "VIGIE_SYNONYMS", value_name = "FILE")]
    pub synonyms: Option<PathBuf>,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index files and folders (.txt, .md, .html, .jsonl); safe to re-run at any time.
    Index(IndexArgs),
    /// Serve the JSON API, indexing the corpus folder first when it has changed.
    Serve(ServeArgs),
    /// Search the index and print the ranked passages.
    Search(SearchArgs),
    /// Measure retrieval quality on a qrels set (folder) or a passage-hit set (.jsonl file).
    Eval(EvalArgs),
}

/// Where the index lives.
#[derive(Debug, Args)]
pub struct IndexLocation {
    /// Index folder.
    #[arg(long = "index", env = "VIGIE_INDEX", value_name = "DIR")]
    pub index_dir: Option<PathBuf>,
}

/// Arguments of `vigie index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Files or folders to index (folders recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Indexing threads [default: the number of cores].
    #[arg(long, env = "VIGIE_THREADS", value_name = "N")]
    pub threads: Option<usize>,
    /// Delete the whole index first and build it anew.
    #[arg(long)]
    pub rebuild: bool,
    /// Print the report as JSON on standard output.
    #[arg(long)]
    pub json: bool,
    /// After indexing, keep watching the folders given and index their changes as they come.
    #[arg(long)]
    pub watch: bool,
    /// Then merge the index into one segment, as a server does once the index is quiet
    /// (searches are faster on one): for an index served from a read-only disk, or searched
    /// from the command line only.
    #[arg(long)]
    pub merge: bool,
    /// Seconds to wait for an index another process is writing (a server merges its
    /// segments within seconds of a change) before giving up; 0: give up at once.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub lock_wait: u64,
}

/// Arguments of `vigie serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Address to listen on [default: 127.0.0.1:7878].
    #[arg(long, env = "VIGIE_ADDR", value_name = "HOST:PORT")]
    pub addr: Option<String>,
    /// Folder indexed at start-up when it exists [default: corpus].
    #[arg(long, env = "VIGIE_CORPUS", value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Serve the index as it is, without indexing the corpus folder first.
    #[arg(long)]
    pub no_sync: bool,
    /// Never merge the index's segments (by default they are merged into one, in the
    /// background, once the index has been quiet for two seconds: searches are faster on one).
    #[arg(long)]
    pub no_merge: bool,
    /// Origins allowed to call the API from a browser, comma-separated [default: none].
    #[arg(
        long = "cors-origins",
        env = "VIGIE_CORS_ORIGINS",
        value_name = "ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Option<Vec<String>>,
    /// Also index this folder, and keep indexing its changes as they come.
    #[arg(long, value_name = "DIR")]
    pub watch: Option<PathBuf>,
    /// Largest request body accepted, in bytes [default: 10485760].
    #[arg(long, env = "VIGIE_MAX_BODY_BYTES", value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Time given a request, body included, before it is answered 408, in seconds [default:
    /// 10].
    #[arg(long, env = "VIGIE_REQUEST_TIMEOUT_SECS", value_name = "SECS")]
    pub request_timeout_secs: Option<u64>,
    /// Memory for recent search answers, kept until the index changes, in MiB; 0 keeps none
    /// [default: 32].
    #[arg(long, env = "VIGIE_CACHE_MB", value_name = "MIB")]
    pub cache_mb: Option<u64>,
}

/// Arguments of `vigie search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "quoted phrases", -excluded words, OR (`vigie search "-loi
    /// terrorisme"` starts with an exclusion, not a flag).
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Passages to show (at most 100).
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Passages to skip.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,
    /// At most N passages per document.
    #[arg(long, value_name = "N")]
    pub per_doc: Option<usize>,
    /// Only this document id.
    #[arg(long, value_name = "ID")]
    pub doc: Option<String>,
    /// Only documents from this source.
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
    /// Only documents dated on or after (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only documents dated on or before (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Print the same JSON as the HTTP API.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `vigie eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A qrels folder (corpus.jsonl, queries.jsonl, qrels.tsv) or a passage-hit file (.jsonl).
    #[arg(value_name = "SET")]
    pub set: PathBuf,
    /// Index to build or reuse [default: a folder named after the set in the temporary directory].
    #[arg(long = "index", value_name = "DIR")]
    pub index_dir: Option<PathBuf>,
    /// Corpus to index [default: SET/corpus.jsonl, or ../corpus beside a passage-hit file].
    #[arg(long, value_name = "PATH")]
    pub corpus: Option<PathBuf>,
    /// Rebuild the evaluation index from scratch.
    #[arg(long)]
    pub rebuild: bool,
    /// Print the scores as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write a TREC run file (qrels sets).
    #[arg(long, value_name = "FILE")]
    pub run: Option<PathBuf>,
    /// List each query's rank (passage-hit sets).
    #[arg(long, short)]
    pub verbose: bool,
    /// Analysis variant to build the evaluation index with: none, snowball,
    /// snowball-first+exact, light (the default), light+exact.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
}

/// Exit code when some files could not be indexed (the rest was).
pub const EXIT_SOME_FILES_FAILED: u8 = 2;

/// The search engine on `index` with the configured weights and synonyms.
pub fn engine(
    index: crate::index::VigieIndex,
    config: &Config,
) -> anyhow::Result<crate::search::Engine> {
    use anyhow::Context;
    let synonyms = crate::search::synonyms::Synonyms::load(
        config.synonyms_file.as_deref(),
        &mut index.analyzer(),
    )
    .context("reading the synonyms")?;
    Ok(
        crate::search::Engine::new(index, crate::search::SearchSettings::from_config(config))
            .with_synonyms(synonyms),
    )
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let base = Overrides {
        config_file: cli.config,
        synonyms_file: cli.synonyms,
        ..Overrides::default()
    };
    match cli.command {
        Command::Index(args) => {
            let config = Config::load(Overrides {
                index_dir: args.location.index_dir.clone(),
                threads: args.threads,
                ..base
            })?;
            index::run(&args, &config)
        }
        Command::Serve(args) => {
            let config = Config::load(Overrides {
                index_dir: args.location.index_dir.clone(),
                addr: args.addr.clone(),
                corpus_dir: args.corpus.clone(),
                cors_origins: args.cors_origins.clone(),
                max_body_bytes: args.max_body_bytes,
                request_timeout_secs: args.request_timeout_secs,
                cache_mb: args.cache_mb,
                // Keys come from the environment only: a flag would show in process lists.
                api_key: std::env::var("VIGIE_API_KEY").ok(),
                read_key: std::env::var("VIGIE_READ_KEY").ok(),
                ..base
            })?;
            serve::run(&args, &config)
        }
        Command::Search(args) => {
            let config = Config::load(Overrides {
                index_dir: args.location.index_dir.clone(),
                ..base
            })?;
            search::run(&args, &config)
        }
        Command::Eval(args) => {
            let config = Config::load(base)?;
            eval::run(&args, &config)
        }
    }
}
