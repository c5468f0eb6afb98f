//! The personal score lookup: accuracy by exam, domain and task, streaks, trend, readiness, and
//! the review queue.

use chrono::Duration;

use super::calendar::day_start;
use super::readiness::{readiness, Readiness};
use super::{Engine, QuizResult};
use crate::store::{AnswerTally, GroupTally, MockRow, Rating, ReviewCard, Snowflake};

#[derive(Debug, Clone)]
pub struct MemberStats {
    pub display_name: Option<String>,
    pub overall: AnswerTally,
    /// The live streak: zero once a scheduled question closed on a later day without an answer.
    pub current_streak: u32,
    pub best_streak: u32,
    pub exams: Vec<ExamStats>,
    pub trend: Trend,
    pub reviews_due: u32,
    pub reviews_total: u32,
    /// The next review cards, soonest first.
    pub review_queue: Vec<ReviewCard>,
    /// Recent finished mock exams, newest first.
    pub mocks: Vec<MockRow>,
    /// Sprint ratings by exam key ("all" for overall).
    pub ratings: Vec<(String, Rating)>,
}

#[derive(Debug, Clone)]
pub struct ExamStats {
    pub exam: String,
    pub code: String,
    pub tally: AnswerTally,
    pub domains: Vec<DomainStats>,
    pub readiness: Readiness,
}

#[derive(Debug, Clone)]
pub struct DomainStats {
    pub number: u8,
    pub name: String,
    pub weight: u32,
    pub tally: AnswerTally,
    pub tasks: Vec<TaskStats>,
}

#[derive(Debug, Clone)]
pub struct TaskStats {
    pub id: String,
    pub name: String,
    pub tally: AnswerTally,
}

/// Accuracy over the last seven days against the seven before.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    pub last_week: AnswerTally,
    pub week_before: AnswerTally,
}

impl Engine {
    pub async fn member_stats(&self, guild: Snowflake, user: Snowflake) -> QuizResult<MemberStats> {
        let now = self.now();
        let member = self.store.member(guild, user).await?;
        let by_exam = self.store.tally_by_exam(guild, user).await?;
        let by_domain = self.store.tally_by_domain(guild, user).await?;
        let by_task = self.store.tally_by_task(guild, user).await?;

        let find = |rows: &[GroupTally], exam: &str, key: &str| {
            rows.iter()
                .find(|row| row.exam == exam && row.key == key)
                .map(|row| row.tally)
                .unwrap_or_default()
        };
        let mut exams = Vec::new();
        for exam in &self.bank.exams {
            let tally = find(&by_exam, &exam.id, "");
            if tally.answered == 0 {
                continue;
            }
            let domains: Vec<DomainStats> = exam
                .domains
                .iter()
                .map(|domain| DomainStats {
                    number: domain.number,
                    name: domain.name.clone(),
                    weight: domain.weight,
                    tally: find(&by_domain, &exam.id, &domain.number.to_string()),
                    tasks: domain
                        .tasks
                        .iter()
                        .map(|task| TaskStats {
                            id: task.id.clone(),
                            name: task.name.clone(),
                            tally: find(&by_task, &exam.id, &task.id),
                        })
                        .collect(),
                })
                .collect();
            let per_domain: Vec<(u8, AnswerTally)> =
                domains.iter().map(|d| (d.number, d.tally)).collect();
            exams.push(ExamStats {
                exam: exam.id.clone(),
                code: exam.code.clone(),
                tally,
                readiness: readiness(exam, &per_domain),
                domains,
            });
        }

        let overall = by_exam
            .iter()
            .fold(AnswerTally::default(), |sum, row| AnswerTally {
                answered: sum.answered + row.tally.answered,
                correct: sum.correct + row.tally.correct,
                points: sum.points + row.tally.points,
            });

        let (current_streak, best_streak) = match &member {
            Some(member) => {
                let broken = match member.streak_day {
                    Some(day) => {
                        let zone = self.store.guild_timezone(guild).await?;
                        self.store
                            .closed_scheduled_post_between(guild, day_start(day + 1, zone), now)
                            .await?
                    }
                    None => false,
                };
                (
                    if broken { 0 } else { member.current_streak },
                    member.best_streak,
                )
            }
            None => (0, 0),
        };

        let week = Duration::days(7);
        let end = now + Duration::milliseconds(1); // include answers given this very moment
        let trend = Trend {
            last_week: self
                .store
                .tally_between(guild, user, None, end - week, end)
                .await?,
            week_before: self
                .store
                .tally_between(guild, user, None, end - week - week, end - week)
                .await?,
        };
        let (reviews_due, reviews_total) = self.store.review_due_count(guild, user, now).await?;
        let review_queue = self.store.review_queue(guild, user, None, 10).await?;
        let mocks = self.store.finished_mocks(guild, user, 3).await?;
        let mut ratings = Vec::new();
        for key in std::iter::once("all").chain(self.bank.exams.iter().map(|e| e.id.as_str())) {
            if let Some(rating) = self.store.rating(guild, user, key).await? {
                ratings.push((key.to_string(), rating));
            }
        }

        Ok(MemberStats {
            display_name: member.map(|m| m.display_name),
            overall,
            current_streak,
            best_streak,
            exams,
            trend,
            reviews_due,
            reviews_total,
            review_queue,
            mocks,
            ratings,
        })
    }
}
