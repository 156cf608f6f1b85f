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
