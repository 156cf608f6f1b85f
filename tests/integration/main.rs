//! Integration tests: the real corpus, a real on-disk index, the real router and binary.

mod api;
mod browser;
mod cli;
mod client;
mod errors;
mod fuzz;
mod hostile;
mod merge;
mod metrics;
mod openapi;
mod paging;
mod related;
mod relevance;
mod suggest;
mod support;
mod watch;
mod widget;
mod write_api;
