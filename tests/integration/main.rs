//! Integration tests: the real corpus, a real on-disk index, the real router and binary.

mod api;
mod cli;
mod client;
mod metrics;
mod openapi;
mod relevance;
mod support;
mod watch;
mod write_api;
