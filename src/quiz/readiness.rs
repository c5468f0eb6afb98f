//! Readiness: the blueprint-weighted accuracy, with an honest band when answers are few.

use serde::Serialize;

use crate::bank::Exam;
use crate::store::AnswerTally;

/// Fewer answers than this in an exam: no estimate.
pub const MIN_ANSWERS: u32 = 20;
/// A band wider than ± this: no estimate.
pub const MAX_HALF_WIDTH: f64 = 0.15;
/// z for a 90% band.
const Z90: f64 = 1.645;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Readiness {
    /// Not enough answers for a number worth showing; `answered` of at least `wanted`.
    NotEnough { answered: u32, wanted: u32 },
    /// Estimated weighted accuracy (0-1) with a 90% band.
    Estimate { score: f64, low: f64, high: f64 },
}

/// `per_domain` holds the member's tally in each domain of `exam` (missing domains count as unanswered).
///
/// Each domain's accuracy is the posterior mean under a uniform prior, (correct + 1) / (answered + 2),
/// so a domain with few answers pulls toward 50% instead of swinging to 0% or 100%; the band adds
/// each domain's posterior variance, weighted.
pub fn readiness(exam: &Exam, per_domain: &[(u8, AnswerTally)]) -> Readiness {
    let tally_of = |number: u8| {
        per_domain
            .iter()
            .find(|(d, _)| *d == number)
            .map(|(_, t)| *t)
            .unwrap_or_default()
    };
    let answered: u32 = exam
        .domains
        .iter()
        .map(|d| tally_of(d.number).answered)
        .sum();
    if answered < MIN_ANSWERS {
        return Readiness::NotEnough {
            answered,
            wanted: MIN_ANSWERS,
        };
    }
    let total_weight: f64 = exam.domains.iter().map(|d| f64::from(d.weight)).sum();
    let (mut score, mut variance) = (0.0, 0.0);
    for domain in &exam.domains {
        let tally = tally_of(domain.number);
        let weight = f64::from(domain.weight) / total_weight;
        let (n, c) = (f64::from(tally.answered), f64::from(tally.correct));
        let mean = (c + 1.0) / (n + 2.0);
        score += weight * mean;
        variance += weight * weight * mean * (1.0 - mean) / (n + 3.0);
    }
    let half_width = Z90 * variance.sqrt();
    if half_width > MAX_HALF_WIDTH {
        // Enough answers overall, but some heavy domain is nearly unexplored.
        return Readiness::NotEnough {
            answered,
            wanted: answered + 10,
        };
    }
    Readiness::Estimate {
        score,
        low: (score - half_width).max(0.0),
        high: (score + half_width).min(1.0),
    }
}
