//! Readiness: the blueprint-weighted accuracy, with an honest band when answers are few.

use serde::Serialize;

use super::stats::DomainStats;
use crate::bank::Exam;
use crate::store::AnswerTally;

/// Fewer answers than this in an exam: no estimate.
pub const MIN_ANSWERS: u32 = 20;
/// A band wider than ± this: no estimate.
pub const MAX_HALF_WIDTH: f64 = 0.15;
/// A task with fewer answers than this is not called weak: two misses in three say little.
pub const MIN_TASK_ANSWERS: u32 = 5;
/// How many weak tasks the suggestion names.
const WEAK_TASKS_NAMED: usize = 2;
/// z for a 90% band.
const Z90: f64 = 1.645;

/// A task the member gets wrong most often, among those with enough answers.
#[derive(Debug, Clone, PartialEq)]
pub struct WeakTask {
    pub id: String,
    pub name: String,
    pub domain: u8,
    pub tally: AnswerTally,
}

/// What to study next in one exam: the weakest tasks and the commands that practise them.
#[derive(Debug, Clone, PartialEq)]
pub struct StudySuggestion {
    /// Weakest first; at most two.
    pub weakest: Vec<WeakTask>,
    /// Slash commands as a member types them, the first one to run first.
    pub commands: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Readiness {
    /// Not enough answers for a number worth showing; `answered` of at least `wanted`.
    NotEnough { answered: u32, wanted: u32 },
    /// Estimated weighted accuracy (0-1) with a 90% band.
    Estimate { score: f64, low: f64, high: f64 },
}

/// The two weakest tasks with at least [`MIN_TASK_ANSWERS`] answers and a miss among them, and
/// the commands that practise them: `/review exam:..` first when the exam has review cards due
/// (they are the misses about to be forgotten), then `/quiz` in each weak task's domain (/quiz narrows to a
/// domain, not a task). `None` when no task qualifies.
pub fn study_suggestion(
    exam: &str,
    domains: &[DomainStats],
    reviews_due: u32,
) -> Option<StudySuggestion> {
    let mut candidates: Vec<WeakTask> = domains
        .iter()
        .flat_map(|domain| {
            domain.tasks.iter().map(|task| WeakTask {
                id: task.id.clone(),
                name: task.name.clone(),
                domain: domain.number,
                tally: task.tally,
            })
        })
        .filter(|task| {
            task.tally.answered >= MIN_TASK_ANSWERS && task.tally.correct < task.tally.answered
        })
        .collect();
    // Lowest accuracy first; on a tie the task with more evidence, then the blueprint order.
    candidates.sort_by(|a, b| {
        let share = |t: &WeakTask| f64::from(t.tally.correct) / f64::from(t.tally.answered);
        share(a)
            .total_cmp(&share(b))
            .then(b.tally.answered.cmp(&a.tally.answered))
            .then(a.id.cmp(&b.id))
    });
    candidates.truncate(WEAK_TASKS_NAMED);
    if candidates.is_empty() {
        return None;
    }
    let mut commands = Vec::new();
    if reviews_due > 0 {
        commands.push(format!("/review exam:{exam}"));
    }
    let mut seen = Vec::new();
    for task in &candidates {
        if !seen.contains(&task.domain) {
            seen.push(task.domain);
            commands.push(format!("/quiz exam:{exam} domain:{}", task.domain));
        }
    }
    Some(StudySuggestion {
        weakest: candidates,
        commands,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::stats::TaskStats;

    fn tally(answered: u32, correct: u32) -> AnswerTally {
        AnswerTally {
            answered,
            correct,
            points: correct * 10,
        }
    }

    /// Domains 1..=n, each with the tasks given as (answered, correct).
    fn domains(tasks: &[&[(u32, u32)]]) -> Vec<DomainStats> {
        tasks
            .iter()
            .enumerate()
            .map(|(d, tasks)| {
                let number = d as u8 + 1;
                DomainStats {
                    number,
                    name: format!("Domain {number}"),
                    weight: 20,
                    tally: AnswerTally::default(),
                    tasks: tasks
                        .iter()
                        .enumerate()
                        .map(|(t, &(answered, correct))| TaskStats {
                            id: format!("{number}.{}", t + 1),
                            name: format!("Task {number}.{}", t + 1),
                            tally: tally(answered, correct),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    fn ids(suggestion: &StudySuggestion) -> Vec<&str> {
        suggestion.weakest.iter().map(|t| t.id.as_str()).collect()
    }

    #[test]
    fn names_the_two_weakest_tasks_with_enough_answers_and_their_domains_quiz() {
        // 1.2 has the lowest share but only 4 answers; 2.1 (20%) and 1.1 (40%) qualify.
        let stats = domains(&[&[(5, 2), (4, 0)], &[(10, 2), (6, 5)], &[(8, 6)]]);
        let suggestion = study_suggestion("aif-c01", &stats, 0).unwrap();
        assert_eq!(ids(&suggestion), ["2.1", "1.1"]);
        assert_eq!(suggestion.weakest[0].tally, tally(10, 2));
        assert_eq!(
            suggestion.commands,
            ["/quiz exam:aif-c01 domain:2", "/quiz exam:aif-c01 domain:1"]
        );
    }

    #[test]
    fn two_weak_tasks_in_one_domain_need_one_command() {
        let stats = domains(&[&[(9, 9)], &[(6, 1), (7, 3)]]);
        let suggestion = study_suggestion("mla-c02", &stats, 0).unwrap();
        assert_eq!(ids(&suggestion), ["2.1", "2.2"]);
        assert_eq!(suggestion.commands, ["/quiz exam:mla-c02 domain:2"]);
    }

    #[test]
    fn due_review_cards_come_first() {
        let stats = domains(&[&[(5, 1)]]);
        let suggestion = study_suggestion("aif-c01", &stats, 3).unwrap();
        assert_eq!(
            suggestion.commands,
            ["/review exam:aif-c01", "/quiz exam:aif-c01 domain:1"]
        );
    }

    #[test]
    fn equal_shares_prefer_the_task_with_more_answers() {
        let stats = domains(&[&[(5, 2)], &[(10, 4)], &[(20, 8)]]);
        let suggestion = study_suggestion("aif-c01", &stats, 0).unwrap();
        assert_eq!(ids(&suggestion), ["3.1", "2.1"]);
    }

    #[test]
    fn nothing_to_suggest_without_enough_answers_or_without_a_miss() {
        assert_eq!(
            study_suggestion("aif-c01", &domains(&[&[(4, 0), (3, 1)]]), 2),
            None
        );
        assert_eq!(
            study_suggestion("aif-c01", &domains(&[&[(12, 12)], &[(5, 5)]]), 0),
            None
        );
    }
}
