//! The compact, immutable suggestion table: folded keys sorted for prefix search.
//!
//! Keys and surface forms live in two string arenas; an entry is five integers pointing into
//! them. A prefix is found by binary search, then the range of keys it starts is scanned for
//! the most frequent entries. The ranges of one- and two-character prefixes are long, so their
//! best entries are computed once when the table is built. Imports nothing from the crate.

use std::collections::HashMap;

/// Whether a suggestion completes one word or a run of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    /// One word of the indexed text.
    Word,
    /// A frequent run of two or three words.
    Phrase,
}

/// A byte range in one of the arenas (`u32`: the arenas stay far below 4 GiB).
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

/// One suggestible word or phrase.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: Span,
    /// Empty when the surface form is the key itself (most words), saving the bytes.
    surface: Span,
    count: u32,
    kind: SuggestionKind,
}

/// A suggestion found in the table, borrowing its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'a> {
    /// The surface form to show.
    pub text: &'a str,
    /// Word or phrase.
    pub kind: SuggestionKind,
    /// Occurrences in the indexed text.
    pub count: u32,
}

/// Prefixes at most this many characters long have their best entries precomputed.
const SHORT_PREFIX_CHARS: usize = 2;

/// Every suggestible word and phrase, sorted by folded key.
#[derive(Debug, Default)]
pub struct SuggestionTable {
    keys: String,
    surfaces: String,
    entries: Vec<Entry>,
    /// For each short prefix, the indices of its best entries (at most `short_list_len`).
    short_prefix_best: HashMap<Box<str>, Vec<u32>>,
    short_list_len: usize,
}

/// What the builder hands over: a folded key, its surface form, count and kind.
pub struct TableRow {
    /// Lower-cased, accent-folded key.
    pub key: String,
    /// The form shown to the user.
    pub surface: String,
    /// Occurrences.
    pub count: u32,
    /// Word or phrase.
    pub kind: SuggestionKind,
}

impl SuggestionTable {
    /// Builds the table from `rows` (any order); keeps the best `short_list_len` entries of
    /// every short prefix ready.
    pub fn new(mut rows: Vec<TableRow>, short_list_len: usize) -> Self {
        rows.sort_by(|left, right| left.key.cmp(&right.key));
        rows.dedup_by(|later, earlier| later.key == earlier.key);
        let mut table = SuggestionTable {
            keys: String::with_capacity(rows.iter().map(|row| row.key.len()).sum()),
            short_list_len,
            ..SuggestionTable::default()
        };
        table.entries.reserve_exact(rows.len());
        for row in rows {
            let Some(key) = push_span(&mut table.keys, &row.key) else {
                break;
            };
            let surface = if row.surface == row.key || row.surface.is_empty() {
                Span { start: 0, len: 0 }
            } else {
                match push_span(&mut table.surfaces, &row.surface) {
                    Some(span) => span,
                    None => break,
                }
            };
            table.entries.push(Entry {
                key,
                surface,
                count: row.count,
                kind: row.kind,
            });
        }
        table.keys.shrink_to_fit();
        table.surfaces.shrink_to_fit();
        table.precompute_short_prefixes();
        table
    }

    /// Number of words and phrases held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the table holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Approximate heap size, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity()
            + self.surfaces.capacity()
            + self.entries.capacity() * std::mem::size_of::<Entry>()
            + self
                .short_prefix_best
                .iter()
                .map(|(prefix, best)| prefix.len() + best.capacity() * 4 + 48)
                .sum::<usize>()
    }

    /// The best (most frequent) entries whose key starts with `folded_prefix`, best first.
    pub fn best_with_prefix(&self, folded_prefix: &str, limit: usize) -> Vec<Found<'_>> {
        if folded_prefix.chars().count() <= SHORT_PREFIX_CHARS && limit <= self.short_list_len {
            return self
                .short_prefix_best
                .get(folded_prefix)
                .map(|best| {
                    best.iter()
                        .take(limit)
                        .filter_map(|&index| self.entries.get(index as usize))
                        .map(|entry| self.found(entry))
                        .collect()
                })
                .unwrap_or_default();
        }
        let range = self.prefix_range(folded_prefix);
        self.best_in(range, limit)
            .into_iter()
            .filter_map(|index| self.entries.get(index))
            .map(|entry| self.found(entry))
            .collect()
    }

    /// The best surface form of the word whose folded key is exactly `folded_word`.
    pub fn word_surface(&self, folded_word: &str) -> Option<&str> {
        let position = self
            .entries
            .binary_search_by(|entry| self.key(entry).cmp(folded_word))
            .ok()?;
        let entry = self.entries.get(position)?;
        (entry.kind == SuggestionKind::Word).then(|| self.surface(entry))
    }

    fn found<'a>(&'a self, entry: &Entry) -> Found<'a> {
        Found {
            text: self.surface(entry),
            kind: entry.kind,
            count: entry.count,
        }
    }

    fn key(&self, entry: &Entry) -> &str {
        span_text(&self.keys, entry.key)
    }

    /// The form to show: an empty surface span means "as the key".
    fn surface(&self, entry: &Entry) -> &str {
        if entry.surface.len == 0 {
            self.key(entry)
        } else {
            span_text(&self.surfaces, entry.surface)
        }
    }

    /// The indices of the entries whose key starts with `prefix`.
    fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self
            .entries
            .partition_point(|entry| self.key(entry) < prefix);
        let length = self.entries[start..]
            .iter()
            .take_while(|entry| self.key(entry).starts_with(prefix))
            .count();
        start..start + length
    }

    /// The `limit` best indices of `range`: most frequent first, words before phrases on a
    /// tie, then alphabetical (the range is sorted, so the earlier index wins).
    fn best_in(&self, range: std::ops::Range<usize>, limit: usize) -> Vec<usize> {
        let mut best: Vec<usize> = Vec::with_capacity(limit + 1);
        if limit == 0 {
            return best;
        }
        let rank = |index: usize| {
            let entry = &self.entries[index];
            (
                std::cmp::Reverse(entry.count),
                entry.kind == SuggestionKind::Phrase,
                index,
            )
        };
        for index in range {
            if best.len() == limit && rank(index) >= rank(best[limit - 1]) {
                continue;
            }
            let position = best.partition_point(|&kept| rank(kept) < rank(index));
            best.insert(position, index);
            best.truncate(limit);
        }
        best
    }

    fn precompute_short_prefixes(&mut self) {
        let mut prefixes: Vec<String> = Vec::new();
        for entry in &self.entries {
            let key = self.key(entry);
            for (count, (offset, character)) in key.char_indices().enumerate() {
                if count >= SHORT_PREFIX_CHARS {
                    break;
                }
                let prefix = &key[..offset + character.len_utf8()];
                if !prefixes.iter().rev().take(4).any(|seen| seen == prefix) {
                    prefixes.push(prefix.to_string());
                }
            }
        }
        prefixes.sort();
        prefixes.dedup();
        for prefix in prefixes {
            let range = self.prefix_range(&prefix);
            let best = self
                .best_in(range, self.short_list_len)
                .into_iter()
                .filter_map(|index| u32::try_from(index).ok())
                .collect();
            self.short_prefix_best.insert(prefix.into_boxed_str(), best);
        }
    }
}

/// Appends `text` to `arena` and returns its span, or `None` past 4 GiB.
fn push_span(arena: &mut String, text: &str) -> Option<Span> {
    let start = u32::try_from(arena.len()).ok()?;
    let len = u32::try_from(text.len()).ok()?;
    start.checked_add(len)?;
    arena.push_str(text);
    Some(Span { start, len })
}

fn span_text(arena: &str, span: Span) -> &str {
    let start = span.start as usize;
    arena
        .get(start..start + span.len as usize)
        .unwrap_or_default()
}
