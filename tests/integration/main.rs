//! Integration tests: the real corpus, a real on-disk index, the real router and binary.

mod api;
mod cli;
mod relevance;
mod support;
