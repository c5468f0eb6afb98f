//! Near-duplicate detection: word-trigram Jaccard similarity over normalised question text.
//! Shingle sets are hashed and sorted once per item, so comparing two items is a linear merge
//! and checking a bank of n items costs n²/2 merges of short vectors (milliseconds for thousands).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// Items at or above this similarity are reported as near-duplicates.
pub const NEAR_DUPLICATE_THRESHOLD: f64 = 0.7;

#[derive(Debug, Clone)]
pub struct Shingles(Vec<u64>);

impl Shingles {
    pub fn of(text: &str) -> Shingles {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut hashes: Vec<u64> = if words.len() < 3 {
            vec![hash(&words)]
        } else {
            words.windows(3).map(hash).collect()
        };
        hashes.sort_unstable();
        hashes.dedup();
        Shingles(hashes)
    }

    /// Whether the two could be `threshold` similar at all: Jaccard similarity never exceeds the
    /// ratio of the smaller set to the larger, so most pairs are ruled out without a merge.
    pub fn could_reach(&self, other: &Shingles, threshold: f64) -> bool {
        let (a, b) = (self.0.len(), other.0.len());
        a.min(b) as f64 >= threshold * a.max(b) as f64
    }

    pub fn jaccard(&self, other: &Shingles) -> f64 {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut shared) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let union = a.len() + b.len() - shared;
        if union == 0 {
            1.0
        } else {
            shared as f64 / union as f64
        }
    }
}

fn hash<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_bound_never_rules_out_a_pair_that_is_similar_enough() {
        let long = Shingles::of("one two three four five six seven eight nine ten eleven twelve");
        let short = Shingles::of("one two three four five");
        assert!(short.jaccard(&long) < NEAR_DUPLICATE_THRESHOLD);
        assert!(!short.could_reach(&long, NEAR_DUPLICATE_THRESHOLD));
        let close = Shingles::of("one two three four five six seven eight nine ten eleven");
        assert!(close.jaccard(&long) >= NEAR_DUPLICATE_THRESHOLD);
        assert!(close.could_reach(&long, NEAR_DUPLICATE_THRESHOLD));
        assert!(
            long.could_reach(&close, NEAR_DUPLICATE_THRESHOLD),
            "symmetric"
        );
    }

    #[test]
    fn case_and_punctuation_do_not_hide_a_copy() {
        let a = Shingles::of("A bank wants to detect fraud in real time. Which service fits?");
        let b = Shingles::of("a bank wants to detect FRAUD in real time -- which service fits");
        assert!((a.jaccard(&b) - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn different_questions_are_far_apart() {
        let a = Shingles::of("A bank wants to detect fraud in real time. Which service fits?");
        let b = Shingles::of("Which metric shows how many positive cases the model found?");
        assert!(a.jaccard(&b) < 0.1);
    }

    #[test]
    fn a_light_rewording_is_still_near() {
        let a = Shingles::of("A retailer wants to forecast weekly demand for ten thousand products using three years of sales history with the least effort");
        let b = Shingles::of("A retailer wants to forecast weekly demand for ten thousand products using three years of sales history with the least operational effort");
        assert!(a.jaccard(&b) >= NEAR_DUPLICATE_THRESHOLD);
    }
}
