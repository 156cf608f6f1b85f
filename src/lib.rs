//! Vigie: a search engine for French-language security-cooperation texts.
//!
//! Data flows one way: [`ingest`] (files → documents and passages) → [`analysis`] (the French
//! analyzer) → [`index`] (tantivy, one index document per passage) → [`search`] (query →
//! ranked, highlighted passages) → [`http`] and [`cli`], thin front ends.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod error;
pub mod eval;
pub mod http;
pub mod index;
pub mod ingest;
pub mod search;

/// jemalloc instead of the system's allocator, in the binary and in what tests and benches
/// measure alike. Indexing allocates on one thread what the engine's threads free, where
/// glibc's malloc took a lock per free: on the 90k articles jemalloc took the run from 3.57
/// to 3.10 s (six pairs), and a served index from 148 to 121 MB after a load run (see
/// `docs/performance.md`, nineteenth round).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
