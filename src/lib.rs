//! Vigie: a search engine for French-language security-cooperation texts.
//!
//! Data flows one way: [`ingest`] (files → documents and passages) → [`analysis`] (the French
//! analyzer) → [`index`] (tantivy, one index document per passage) → [`search`] (query →
//! ranked, highlighted passages) → [`http`] and [`cli`], thin front ends.

pub mod analysis;
pub mod error;
pub mod ingest;
