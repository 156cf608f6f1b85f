//! `vigie search`: ranked passages on the terminal, or the API's JSON with `--json`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;

use super::SearchArgs;
use crate::config::Config;
use crate::http::dto::SearchResponse;
use crate::index::VigieIndex;
use crate::search::{Filters, Hit, SearchRequest, MAX_LIMIT};

/// Runs `vigie search`.
pub fn run(args: &SearchArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let index = VigieIndex::open_existing(&config.index_dir).with_context(|| {
        format!(
            "opening the index {} (build it with `vigie index <PATH>`)",
            config.index_dir.display()
        )
    })?;
    let engine = super::engine(index, config)?;
    let request = SearchRequest {
        query: args.query.clone(),
        limit: args.limit.min(MAX_LIMIT),
        offset: args.offset,
        per_doc: args.per_doc.filter(|cap| *cap > 0),
        filters: Filters {
            doc: args.doc.clone(),
            source: args.source.clone(),
            from: args.from.clone(),
            to: args.to.clone(),
        },
    };
    let results = engine.search(&request)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &SearchResponse::from(results))?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    // Bold only for a person at a terminal who has not asked for no colour (NO_COLOR).
    let colour = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let emphasis = Emphasis::for_terminal(colour);
    writeln!(
        out,
        "{} passages match {:?} ({:.1} ms)",
        results.total, results.query, results.took_ms
    )?;
    if let Some(corrected) = &results.corrected_query {
        writeln!(
            out,
            "(searched for {corrected:?}: words found nowhere were corrected or split)"
        )?;
    }
    for (rank, hit) in results.hits.iter().enumerate() {
        write_hit(&mut out, request.offset + rank + 1, hit, &emphasis)?;
    }
    if !results.related.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Related passages (none of the words, but those of the best matches, set off):"
        )?;
        let first = request.offset.max(results.total) + 1;
        for (rank, hit) in results.related.iter().enumerate() {
            write_hit(&mut out, first + rank, hit, &emphasis)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write_hit(
    out: &mut impl Write,
    rank: usize,
    hit: &Hit,
    emphasis: &Emphasis,
) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}", heading_line(rank, hit))?;
    // A list item reads beside the sentence that introduces it (which ends with `:`).
    if let Some(lead_in) = &hit.lead_in {
        let ranges = hit.lead_in_highlights.as_deref().unwrap_or_default();
        writeln!(out, "{}", emphasis.apply(lead_in, ranges))?;
    }
    writeln!(out, "{}", emphasis.apply(&hit.text, &hit.highlights))
}

fn heading_line(rank: usize, hit: &Hit) -> String {
    let mut line = format!("{rank}. {}", hit.title);
    let mut details = vec![hit.source.clone()];
    if let Some(date) = &hit.date {
        details.push(date.clone());
    }
    if let Some(article) = &hit.article {
        details.push(format!("art. {article}"));
    }
    details.push(format!("{} §{}", hit.doc_id, hit.passage));
    line.push_str(&format!(
        " — {} [score {:.2}]",
        details.join(", "),
        hit.score
    ));
    line
}

/// How matched words are set off: ANSI bold yellow on a terminal, `[…]` in a pipe.
struct Emphasis {
    open: &'static str,
    close: &'static str,
}

impl Emphasis {
    fn for_terminal(is_terminal: bool) -> Self {
        if is_terminal {
            Emphasis {
                open: "\x1b[1;33m",
                close: "\x1b[0m",
            }
        } else {
            Emphasis {
                open: "[",
                close: "]",
            }
        }
    }

    /// `text` with the `[start, end)` character ranges set off.
    fn apply(&self, text: &str, ranges: &[[usize; 2]]) -> String {
        let mut out = String::with_capacity(text.len() + ranges.len() * 12);
        let mut ranges = ranges.iter().peekable();
        for (position, character) in text.chars().enumerate() {
            if ranges.peek().is_some_and(|[start, _]| *start == position) {
                out.push_str(self.open);
            }
            out.push(character);
            if let Some([_, end]) = ranges.peek() {
                if *end == position + 1 {
                    out.push_str(self.close);
                    ranges.next();
                }
            }
        }
        out
    }
}
