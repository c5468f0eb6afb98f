//! Choosing the next item: domain shares follow the blueprint weights; no repeats within a pass.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rand::seq::IndexedRandom;
use rand::Rng;

use crate::bank::{Exam, Question};

/// Picks the next channel item. `used` are the (item, domain) pairs of the channel's current pass
/// through the bank. Returns the item and whether it starts a new pass (the bank was exhausted).
///
/// The domain is the one furthest behind its blueprint share in this pass, so any stretch of
/// posts tracks the weights closely; ties and the item within the domain are drawn at random.
pub fn next_for_channel(
    exam: &Exam,
    used: &[(String, u8)],
    rng: &mut impl Rng,
) -> Option<(Arc<Question>, bool)> {
    let used_ids: HashSet<&str> = used.iter().map(|(id, _)| id.as_str()).collect();
    let remaining: Vec<&Arc<Question>> = exam
        .items
        .iter()
        .filter(|q| !used_ids.contains(q.id.as_str()))
        .collect();
    if remaining.is_empty() {
        let fresh: Vec<&Arc<Question>> = exam.items.iter().collect();
        return pick_by_deficit(exam, &[], &fresh, rng).map(|q| (q, true));
    }
    pick_by_deficit(exam, used, &remaining, rng).map(|q| (q, false))
}

fn pick_by_deficit(
    exam: &Exam,
    used: &[(String, u8)],
    candidates: &[&Arc<Question>],
    rng: &mut impl Rng,
) -> Option<Arc<Question>> {
    let mut shown: HashMap<u8, f64> = HashMap::new();
    for (_, domain) in used {
        *shown.entry(*domain).or_default() += 1.0;
    }
    let open: Vec<u8> = exam
        .domains
        .iter()
        .map(|d| d.number)
        .filter(|&number| candidates.iter().any(|q| q.domain == number))
        .collect();
    let total_weight: f64 = exam
        .domains
        .iter()
        .filter(|d| open.contains(&d.number))
        .map(|d| f64::from(d.weight))
        .sum();
    let next_count = used.len() as f64 + 1.0;
    let deficit = |number: u8| {
        let weight = exam.domain(number).map_or(0.0, |d| f64::from(d.weight));
        let share = if total_weight > 0.0 {
            weight / total_weight
        } else {
            1.0 / open.len() as f64
        };
        share * next_count - shown.get(&number).copied().unwrap_or(0.0)
    };
    let best = open
        .iter()
        .map(|&n| deficit(n))
        .fold(f64::NEG_INFINITY, f64::max);
    let leaders: Vec<u8> = open
        .iter()
        .copied()
        .filter(|&n| (deficit(n) - best).abs() < 1e-9)
        .collect();
    let domain = *leaders.choose(rng)?;
    let in_domain: Vec<&Arc<Question>> = candidates
        .iter()
        .copied()
        .filter(|q| q.domain == domain)
        .collect();
    in_domain.choose(rng).map(|q| Arc::clone(q))
}

/// Picks a personal practice item: never one of the member's `recent` answers (newest first) while
/// others remain, domains drawn by blueprint weight unless `domain` narrows the pick.
pub fn next_for_member(
    exam: &Exam,
    domain: Option<u8>,
    recent: &[String],
    rng: &mut impl Rng,
) -> Option<Arc<Question>> {
    let pool: Vec<&Arc<Question>> = exam
        .items
        .iter()
        .filter(|q| domain.is_none_or(|d| q.domain == d))
        .collect();
    if pool.is_empty() {
        return None;
    }
    // Avoid as much recent history as the pool allows: all of it if possible, else the newest part.
    let mut avoid = recent.len().min(pool.len() - 1);
    let candidates = loop {
        let avoided: HashSet<&str> = recent[..avoid].iter().map(String::as_str).collect();
        let left: Vec<&Arc<Question>> = pool
            .iter()
            .copied()
            .filter(|q| !avoided.contains(q.id.as_str()))
            .collect();
        if !left.is_empty() {
            break left;
        }
        avoid /= 2;
    };
    let domains: Vec<(u8, u32)> = exam
        .domains
        .iter()
        .filter(|d| candidates.iter().any(|q| q.domain == d.number))
        .map(|d| (d.number, d.weight.max(1)))
        .collect();
    let (chosen_domain, _) = *domains.choose_weighted(rng, |(_, weight)| *weight).ok()?;
    let in_domain: Vec<&Arc<Question>> = candidates
        .into_iter()
        .filter(|q| q.domain == chosen_domain)
        .collect();
    in_domain.choose(rng).map(|q| Arc::clone(q))
}
