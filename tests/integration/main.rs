//! Integration tests: the real corpus, a real on-disk index, the real router and binary.

mod api;
mod browser;
mod cli;
mod relevance;
mod suggest;
mod support;
mod widget;
