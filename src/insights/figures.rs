//! From a member's stats to what the chart shows, or to why there is no chart yet.

use super::chart::{ChartInput, DomainBar, WeekPoint};
use crate::quiz::ExamStats;

/// Fewer answers than this in the exam: the bars would be noise, so no chart.
pub const MIN_CHART_ANSWERS: u32 = 10;

/// What `/stats` sends for one exam.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartPlan {
    Draw(ChartInput),
    /// Too little data for a chart worth reading: `answered` of at least `wanted` in `code`.
    TooFewAnswers {
        code: String,
        answered: u32,
        wanted: u32,
    },
}

/// The exam a chart is about: the one with the most answers (the first in bank order on a tie).
pub fn chart_exam(exams: &[ExamStats]) -> Option<&ExamStats> {
    exams.iter().rev().max_by_key(|exam| exam.tally.answered)
}

/// The passing line as a share: the passing scaled score over the scale's 1000.
pub fn pass_share(passing_score: u32) -> f64 {
    f64::from(passing_score.min(1000)) / 1000.0
}

pub fn chart_plan(exam: &ExamStats, member: &str) -> ChartPlan {
    if exam.tally.answered < MIN_CHART_ANSWERS {
        return ChartPlan::TooFewAnswers {
            code: exam.code.clone(),
            answered: exam.tally.answered,
            wanted: MIN_CHART_ANSWERS,
        };
    }
    let accuracy = f64::from(exam.tally.correct) / f64::from(exam.tally.answered);
    ChartPlan::Draw(ChartInput {
        title: format!("{} · {member}", exam.code),
        subtitle: format!(
            "{} answered · {:.0}% right · passing line {}/1000 as a share",
            exam.tally.answered,
            accuracy * 100.0,
            exam.passing_score
        ),
        pass_share: pass_share(exam.passing_score),
        domains: exam
            .domains
            .iter()
            .map(|domain| DomainBar {
                number: domain.number,
                weight: domain.weight,
                answered: domain.tally.answered,
                correct: domain.tally.correct,
            })
            .collect(),
        weeks: exam
            .weeks
            .iter()
            .map(|week| WeekPoint {
                label: week.monday.format("%b %-d").to_string(),
                answered: week.tally.answered,
                correct: week.tally.correct,
            })
            .collect(),
        weeks_caption: format!(
            "Accuracy per week · last {} weeks, Monday to Sunday in server time",
            exam.weeks.len()
        ),
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::quiz::{DomainStats, Readiness, WeekTally};
    use crate::store::AnswerTally;

    fn tally(answered: u32, correct: u32) -> AnswerTally {
        AnswerTally {
            answered,
            correct,
            points: 0,
        }
    }

    fn exam(code: &str, answered: u32, correct: u32) -> ExamStats {
        ExamStats {
            exam: code.to_ascii_lowercase(),
            code: code.into(),
            tally: tally(answered, correct),
            passing_score: 720,
            domains: vec![
                DomainStats {
                    number: 1,
                    name: "Data".into(),
                    weight: 28,
                    tally: tally(answered, correct),
                    tasks: vec![],
                },
                DomainStats {
                    number: 2,
                    name: "Models".into(),
                    weight: 72,
                    tally: tally(0, 0),
                    tasks: vec![],
                },
            ],
            readiness: Readiness::NotEnough {
                answered,
                wanted: 20,
            },
            suggestion: None,
            weeks: vec![
                WeekTally {
                    monday: NaiveDate::from_ymd_opt(2026, 10, 26).unwrap(),
                    tally: tally(0, 0),
                },
                WeekTally {
                    monday: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                    tally: tally(answered, correct),
                },
            ],
        }
    }

    #[test]
    fn an_exam_with_enough_answers_maps_to_bars_weights_weeks_and_the_pass_share() {
        let plan = chart_plan(&exam("MLA-C02", 12, 9), "Ana");
        let ChartPlan::Draw(input) = plan else {
            panic!("expected a chart, got {plan:?}");
        };
        assert_eq!(input.title, "MLA-C02 · Ana");
        assert!(
            input.subtitle.starts_with("12 answered · 75% right"),
            "{}",
            input.subtitle
        );
        assert!((input.pass_share - 0.72).abs() < 1e-9);
        assert_eq!(
            input.domains,
            [
                DomainBar {
                    number: 1,
                    weight: 28,
                    answered: 12,
                    correct: 9
                },
                DomainBar {
                    number: 2,
                    weight: 72,
                    answered: 0,
                    correct: 0
                }
            ]
        );
        assert_eq!(
            input.weeks,
            [
                WeekPoint {
                    label: "Oct 26".into(),
                    answered: 0,
                    correct: 0
                },
                WeekPoint {
                    label: "Nov 2".into(),
                    answered: 12,
                    correct: 9
                }
            ]
        );
        assert!(input.weeks_caption.contains("last 2 weeks"));
    }

    #[test]
    fn too_few_answers_give_words_instead_of_a_chart() {
        assert_eq!(
            chart_plan(&exam("AIF-C01", 9, 9), "Ana"),
            ChartPlan::TooFewAnswers {
                code: "AIF-C01".into(),
                answered: 9,
                wanted: MIN_CHART_ANSWERS
            }
        );
        assert!(matches!(
            chart_plan(&exam("AIF-C01", 10, 0), "Ana"),
            ChartPlan::Draw(_)
        ));
    }

    #[test]
    fn the_chart_is_about_the_exam_with_the_most_answers() {
        let exams = [
            exam("AIF-C01", 30, 20),
            exam("MLA-C02", 40, 20),
            exam("AIP-C01", 40, 30),
        ];
        assert_eq!(chart_exam(&exams).unwrap().code, "MLA-C02");
        assert!(chart_exam(&[]).is_none());
    }

    #[test]
    fn the_pass_share_is_the_passing_score_over_1000() {
        assert!((pass_share(700) - 0.7).abs() < 1e-9);
        assert!((pass_share(1200) - 1.0).abs() < 1e-9);
    }
}
