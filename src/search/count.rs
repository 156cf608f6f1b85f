//! Counting the passages a query matches, without scoring or ranking them: the total of a
//! response.
//!
//! tantivy counts a union by walking it passage by passage, moving each clause's postings one
//! passage at a time through windows of 4,096. A total needs only the set: each word's
//! postings are read a block of 128 passages at a time (no frequencies) into one bitset per
//! segment, other clauses (phrases) add the passages they match, and the bits are counted.

use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Searcher, SegmentReader, Term};

use crate::error::SearchError;
use crate::index::engine;

/// The passages a query matches, as sets: those holding any of `terms` or matching any of
/// `others`, that match every one of `required` and none of `excluded`.
pub struct CountPlan {
    /// Single words in one field each: a passage holding any of them matches.
    pub terms: Vec<Term>,
    /// Other alternatives (phrases, an act's article): a passage matching any of them matches.
    pub others: Vec<Box<dyn Query>>,
    /// Filters: a match must match each.
    pub required: Vec<Box<dyn Query>>,
    /// Exclusions: a match must match none.
    pub excluded: Vec<Box<dyn Query>>,
}

/// The number of live passages `plan` matches. `others_matched`, when given, are the
/// passages matching `plan.others` (or some of them and passages holding its terms), already
/// found by a ranking pass: they are taken instead of matching those again.
pub fn matching(
    searcher: &Searcher,
    plan: &CountPlan,
    others_matched: Option<&[DocAddress]>,
) -> Result<usize, SearchError> {
    let scoring = EnableScoring::disabled_from_searcher(searcher);
    let weights = |queries: &[Box<dyn Query>]| {
        queries
            .iter()
            .map(|query| query.weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(engine)
    };
    let others = match others_matched {
        Some(_) => Vec::new(),
        None => weights(&plan.others)?,
    };
    let required = weights(&plan.required)?;
    let excluded = weights(&plan.excluded)?;
    let mut matched = Bits::default();
    let mut other = Bits::default();
    let mut total = 0;
    for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
        matched.reset(reader.max_doc());
        for term in &plan.terms {
            add_postings(reader, term, &mut matched)?;
        }
        for address in others_matched.into_iter().flatten() {
            if address.segment_ord as usize == ordinal {
                matched.insert_all(&[address.doc_id]);
            }
        }
        for weight in &others {
            add_matches(reader, weight.as_ref(), &mut matched)?;
        }
        for weight in &required {
            other.reset(reader.max_doc());
            add_matches(reader, weight.as_ref(), &mut other)?;
            matched.keep_only(&other);
        }
        for weight in &excluded {
            other.reset(reader.max_doc());
            add_matches(reader, weight.as_ref(), &mut other)?;
            matched.remove_all(&other);
        }
        total += match reader.alive_bitset() {
            Some(alive) => matched.ones().filter(|&doc| alive.is_alive(doc)).count(),
            None => matched.len(),
        };
    }
    Ok(total)
}

/// Marks in `bits` the passages of `reader` that `weight` matches.
fn add_matches(
    reader: &SegmentReader,
    weight: &dyn Weight,
    bits: &mut Bits,
) -> Result<(), SearchError> {
    weight
        .for_each_no_score(reader, &mut |docs| bits.insert_all(docs))
        .map_err(engine)?;
    Ok(())
}

/// Marks in `bits` the passages of `reader` holding `term`, a block of postings at a time.
fn add_postings(reader: &SegmentReader, term: &Term, bits: &mut Bits) -> Result<(), SearchError> {
    let inverted_index = reader.inverted_index(term.field()).map_err(engine)?;
    let Some(mut postings) = inverted_index
        .read_block_postings(term, IndexRecordOption::Basic)
        .map_err(|error| engine(error.into()))?
    else {
        return Ok(());
    };
    while !postings.docs().is_empty() {
        bits.insert_all(postings.docs());
        postings.advance();
    }
    Ok(())
}

/// A set of a segment's passages, one bit each.
#[derive(Default)]
struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// Empties the set and sizes it for passages `0..max_doc`.
    fn reset(&mut self, max_doc: DocId) {
        self.words.clear();
        self.words.resize((max_doc as usize).div_ceil(64), 0);
    }

    fn insert_all(&mut self, docs: &[DocId]) {
        for &doc in docs {
            if let Some(word) = self.words.get_mut(doc as usize / 64) {
                *word |= 1 << (doc % 64);
            }
        }
    }

    /// Keeps the passages `other` holds too.
    fn keep_only(&mut self, other: &Bits) {
        for (word, kept) in self.words.iter_mut().zip(&other.words) {
            *word &= kept;
        }
    }

    /// Takes out the passages `other` holds.
    fn remove_all(&mut self, other: &Bits) {
        for (word, removed) in self.words.iter_mut().zip(&other.words) {
            *word &= !removed;
        }
    }

    fn len(&self) -> usize {
        self.words
            .iter()
            .map(|word| word.count_ones() as usize)
            .sum()
    }

    /// The passages in the set, in order.
    fn ones(&self) -> impl Iterator<Item = DocId> + '_ {
        self.words.iter().enumerate().flat_map(|(index, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    index as DocId * 64 + bit
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_hold_count_and_combine_passages() {
        let mut bits = Bits::default();
        bits.reset(200);
        bits.insert_all(&[0, 3, 63, 64, 130, 199, 3]);
        assert_eq!(bits.len(), 6);
        assert_eq!(bits.ones().collect::<Vec<_>>(), [0, 3, 63, 64, 130, 199]);
        let mut other = Bits::default();
        other.reset(200);
        other.insert_all(&[3, 64, 150]);
        let mut kept = Bits {
            words: bits.words.clone(),
        };
        kept.keep_only(&other);
        assert_eq!(kept.ones().collect::<Vec<_>>(), [3, 64]);
        bits.remove_all(&other);
        assert_eq!(bits.ones().collect::<Vec<_>>(), [0, 63, 130, 199]);
        bits.reset(10);
        assert_eq!(bits.len(), 0);
    }
}
