//! Load client for `GET /search`: real queries over HTTP/1.1 keep-alive connections, at several
//! concurrency levels, for a bounded time each; prints requests/s, latency percentiles and
//! errors. Loopback only.
//!
//! Starts `vigie serve --no-sync` itself on a free port of 127.0.0.1 and reports the server's
//! memory at the end, on an index folder (`--index DIR`, which the server merges into one
//! segment, as it does any index it serves) or, without one, on `../shared/corpus` indexed
//! into a temporary folder; or loads a server already running (`--url`). Runs start once the
//! server has built its suggestion table and merged its segments. Any error
//! (a non-2xx answer, a broken body, a dropped connection) makes the run fail.
//!
//! ```sh
//! cargo bench --bench load                                    # ../shared/corpus
//! cargo bench --bench load -- --index /tmp/vigie-90k --connections 1,16,64 --seconds 10
//! ```

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncBufReadExt, BufReader};

#[derive(Parser, Debug)]
#[command(about = "Measures GET /search over HTTP on loopback")]
struct Args {
    /// Start `vigie serve --no-sync` on this index folder (default: `../shared/corpus`,
    /// indexed into a temporary folder).
    #[arg(long, conflicts_with = "url")]
    index: Option<PathBuf>,
    /// Load an already running server instead, e.g. `http://127.0.0.1:7878`.
    #[arg(long)]
    url: Option<String>,
    /// The `vigie` binary to start (default: the one cargo built with this bench).
    #[arg(long)]
    vigie: Option<PathBuf>,
    /// JSON Lines file of queries (field `query`).
    #[arg(long)]
    queries: Option<PathBuf>,
    /// Concurrent connections, one run per value.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    connections: Vec<usize>,
    /// Measured seconds per run (after one second of warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Threads of the client's runtime.
    #[arg(long, default_value_t = 2)]
    client_threads: usize,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

/// What one connection measured.
#[derive(Default)]
struct ConnectionResult {
    latencies: Vec<Duration>,
    errors: u64,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads.max(1))
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let queries_path = args.queries.clone().unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/security-queries.dev.jsonl")
    });
    let paths = Arc::new(read_queries(&queries_path)?);
    // Holds the temporary index, when one is built, until the end of the run.
    let mut built_index = None;
    let (mut server, authority) = match (&args.index, &args.url) {
        (None, Some(url)) => (None, loopback_authority(url)?),
        (index, _) => {
            let index = match index {
                Some(index) => index.clone(),
                None => {
                    let dir = shared_corpus_index()?;
                    let path = dir.path().to_path_buf();
                    built_index = Some(dir);
                    path
                }
            };
            let (child, authority) = start_server(&args, &index).await?;
            (Some(child), authority)
        }
    };
    println!(
        "load: {} queries from {}, {} s per run, client threads {}",
        paths.len(),
        queries_path.display(),
        args.seconds,
        args.client_threads
    );
    // The server builds its suggestion table on a thread of its own when it starts (seconds
    // on a large index): measured meanwhile, the first run would share the cores with it.
    let settled = Instant::now();
    get(&authority, "/suggest?q=co")
        .await
        .context("waiting for the server's suggestion table")?;
    // The server also merges the index's segments into one once the index is quiet: wait for
    // it (bounded), so that no run shares the cores with the merge.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut searched = segments(&authority).await?;
    while searched.is_some_and(|count| count > 1) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        searched = segments(&authority).await?;
    }
    println!(
        "server settled (suggestion table ready, {} segment(s)) in {:.1} s",
        searched.map_or_else(|| "?".to_string(), |count| count.to_string()),
        settled.elapsed().as_secs_f64()
    );
    let mut errors = 0;
    for &connections in &args.connections {
        // Warm-up at the same concurrency, not measured.
        load(&authority, &paths, connections, Duration::from_secs(1)).await?;
        let duration = Duration::from_secs(args.seconds);
        let started = Instant::now();
        let results = load(&authority, &paths, connections, duration).await?;
        let elapsed = started.elapsed();
        errors += report(connections, elapsed, results);
    }
    if let Some(child) = &server {
        if let Some(pid) = child.id() {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            let field = |key: &str| {
                status
                    .lines()
                    .find(|line| line.starts_with(key))
                    .map(|line| line.trim_start_matches(key).trim().to_string())
                    .unwrap_or_else(|| "?".to_string())
            };
            println!(
                "server memory: RSS {} (peak {})",
                field("VmRSS:"),
                field("VmHWM:")
            );
        }
    }
    if let Some(child) = &mut server {
        child.kill().await.context("stopping the server")?;
    }
    drop(built_index);
    if errors > 0 {
        bail!("{errors} requests failed");
    }
    Ok(())
}

/// Indexes `../shared/corpus` into a temporary folder, for a run given no index.
fn shared_corpus_index() -> anyhow::Result<tempfile::TempDir> {
    use vigie::index::sync::{sync_paths, NoProgress, SyncOptions};
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let dir = tempfile::tempdir().context("creating a temporary index folder")?;
    let index = vigie::index::VigieIndex::open_or_create(dir.path())?;
    let report = sync_paths(&index, &[corpus], &SyncOptions::default(), &NoProgress)?;
    println!(
        "index: ../shared/corpus, {} documents, {} passages",
        report.documents_total, report.passages_total
    );
    Ok(dir)
}

/// Reads the queries and turns each into a request path.
fn read_queries(path: &PathBuf) -> anyhow::Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let paths: Vec<String> = text
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|value| {
            value["query"]
                .as_str()
                .map(|query| format!("/search?q={}", encode(query)))
        })
        .collect();
    if paths.is_empty() {
        bail!("no query in {}", path.display());
    }
    Ok(paths)
}

/// Percent-encodes a query parameter value (RFC 3986 unreserved characters pass).
fn encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// `host:port` of a loopback URL; anything else is refused.
fn loopback_authority(url: &str) -> anyhow::Result<String> {
    let authority = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let host = authority
        .rsplit_once(':')
        .map_or(authority.as_str(), |(host, _)| host);
    if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        bail!("{url}: the load client only targets loopback addresses");
    }
    Ok(authority)
}

/// Starts `vigie serve --no-sync` on a free loopback port and waits for its address.
async fn start_server(
    args: &Args,
    index: &PathBuf,
) -> anyhow::Result<(tokio::process::Child, String)> {
    let vigie = args
        .vigie
        .clone()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_vigie")));
    let mut child = tokio::process::Command::new(&vigie)
        .args(["serve", "--no-sync", "--addr", "127.0.0.1:0", "--index"])
        .arg(index)
        .env("VIGIE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", vigie.display()))?;
    let stdout = child.stdout.take().context("reading the server's output")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .context("the server did not start within 60 s")??
        .context("the server stopped before serving")?;
    println!("server: {first}");
    let authority = first
        .split("http://")
        .nth(1)
        .map(|rest| rest.trim_end_matches('/').to_string())
        .with_context(|| format!("no address in {first:?}"))?;
    // Keep draining the server's output so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((child, authority))
}

/// An HTTP/1.1 keep-alive connection to `authority`, its driver running on the runtime.
async fn connect(
    authority: &str,
) -> anyhow::Result<hyper::client::conn::http1::SendRequest<Empty<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(authority)
        .await
        .with_context(|| format!("connecting to {authority}"))?;
    stream.set_nodelay(true)?;
    let (sender, driver) =
        hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream)).await?;
    tokio::spawn(driver);
    Ok(sender)
}

/// One GET on a connection of its own; its body, unless the answer is not a success.
async fn get(authority: &str, path: &str) -> anyhow::Result<Bytes> {
    let mut sender = connect(authority).await?;
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, authority)
        .body(Empty::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    if !status.is_success() {
        bail!("GET {path} answered {status}");
    }
    Ok(body)
}

/// Segments the server searches, from its metrics (`None` if it does not say).
async fn segments(authority: &str) -> anyhow::Result<Option<u64>> {
    let metrics = get(authority, "/metrics").await?;
    Ok(String::from_utf8_lossy(&metrics)
        .lines()
        .find_map(|line| line.strip_prefix("vigie_index_segments "))
        .and_then(|value| value.trim().parse().ok()))
}

/// Runs `connections` keep-alive connections for `duration`, each cycling through the queries
/// from its own starting point.
async fn load(
    authority: &str,
    paths: &Arc<Vec<String>>,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Vec<ConnectionResult>> {
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::with_capacity(connections);
    for connection in 0..connections {
        let authority = authority.to_string();
        let paths = Arc::clone(paths);
        tasks.push(tokio::spawn(async move {
            // Connections start evenly spread over the queries, so that with many distinct
            // queries they do not ask the same ones at the same time.
            let start = connection * paths.len() / connections;
            connection_loop(&authority, &paths, start, deadline).await
        }));
    }
    let mut results = Vec::with_capacity(connections);
    for task in tasks {
        results.push(task.await.context("a connection task panicked")??);
    }
    Ok(results)
}

async fn connection_loop(
    authority: &str,
    paths: &[String],
    start: usize,
    deadline: Instant,
) -> anyhow::Result<ConnectionResult> {
    let mut sender = connect(authority).await?;
    let mut result = ConnectionResult::default();
    let mut next = start;
    while Instant::now() < deadline {
        let path = &paths[next % paths.len()];
        next += 1;
        let request = hyper::Request::get(path.as_str())
            .header(hyper::header::HOST, authority)
            .body(Empty::new())?;
        let started = Instant::now();
        let ok = match sender.send_request(request).await {
            Ok(response) => {
                let status_ok = response.status().is_success();
                let body_ok = response.into_body().collect().await.is_ok();
                status_ok && body_ok
            }
            Err(_) => false,
        };
        result.latencies.push(started.elapsed());
        if !ok {
            result.errors += 1;
            if sender.ready().await.is_err() {
                break;
            }
        }
    }
    Ok(result)
}

/// Prints one run's figures and returns its error count.
fn report(connections: usize, elapsed: Duration, results: Vec<ConnectionResult>) -> u64 {
    let errors: u64 = results.iter().map(|result| result.errors).sum();
    let mut latencies: Vec<Duration> = results
        .into_iter()
        .flat_map(|result| result.latencies)
        .collect();
    latencies.sort();
    let count = latencies.len();
    let at = |p: f64| -> f64 {
        if count == 0 {
            return 0.0;
        }
        let rank = ((p / 100.0) * count as f64).ceil() as usize;
        latencies[rank.clamp(1, count) - 1].as_secs_f64() * 1000.0
    };
    println!(
        "{connections:>3} connections: {count} requests in {:.1} s = {:.0} req/s | p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms | errors {errors}",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        at(50.0),
        at(90.0),
        at(99.0),
        at(100.0),
    );
    errors
}
