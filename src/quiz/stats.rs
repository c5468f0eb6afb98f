//! The personal score lookup: accuracy by exam, domain and task, streaks, trend, readiness, and
//! the review queue.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::calendar::day_start;
use super::readiness::{readiness, study_suggestion, Readiness, StudySuggestion};
use super::{Engine, QuizResult};
use crate::bank::ExamId;
use crate::store::{AnswerTally, GroupTally, MockRow, Rating, ReviewCard, Snowflake, TimedAnswer};

/// How many weeks the weekly accuracy covers, this one included.
pub const WEEKS_SHOWN: usize = 12;

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
    /// The exam's passing scaled score (100-1000).
    pub passing_score: u32,
    pub domains: Vec<DomainStats>,
    pub readiness: Readiness,
    /// The weakest tasks and what to run to practise them.
    pub suggestion: Option<StudySuggestion>,
    /// The last [`WEEKS_SHOWN`] guild-local weeks, oldest first, this week last.
    pub weeks: Vec<WeekTally>,
}

/// One guild-local week (Monday to Sunday in the guild's zone, as the leaderboards count
/// weeks) and the member's answers in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekTally {
    /// The local date the week starts on.
    pub monday: NaiveDate,
    pub tally: AnswerTally,
}

/// A whole server's activity, for its admins.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerStats {
    /// Members with an answer in this guild-local week.
    pub active_this_week: u32,
    pub this_week: AnswerTally,
    pub all_time: AnswerTally,
    /// Exams with answers, in bank order.
    pub exams: Vec<ServerExamStats>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerExamStats {
    pub exam: String,
    pub code: String,
    pub tally: AnswerTally,
    pub domains: Vec<ServerDomainStats>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerDomainStats {
    pub number: u8,
    pub name: String,
    pub weight: u32,
    pub tally: AnswerTally,
}

/// The start (as an instant) and local Monday of each of the `count` guild-local weeks up to
/// the one holding `now`, oldest first, followed by the start of next week.
fn week_bounds(now: DateTime<Utc>, zone: Tz, count: usize) -> Vec<(NaiveDate, DateTime<Utc>)> {
    let today = now.with_timezone(&zone).date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    (0..=count)
        .map(|n| {
            let date = monday - Duration::weeks(count as i64 - 1 - n as i64);
            (date, day_start(date.num_days_from_ce(), zone))
        })
        .collect()
}

/// `answers` (any order) counted into the weeks of `bounds` for one exam.
fn weekly_tallies(
    bounds: &[(NaiveDate, DateTime<Utc>)],
    answers: &[TimedAnswer],
    exam: &str,
) -> Vec<WeekTally> {
    let mut weeks: Vec<WeekTally> = bounds
        .iter()
        .take(bounds.len().saturating_sub(1))
        .map(|&(monday, _)| WeekTally {
            monday,
            tally: AnswerTally::default(),
        })
        .collect();
    for answer in answers.iter().filter(|a| a.exam == exam) {
        // The week whose start is the last one at or before the answer.
        let after = bounds.partition_point(|(_, start)| *start <= answer.answered_at);
        if let Some(week) = after.checked_sub(1).and_then(|n| weeks.get_mut(n)) {
            week.tally.answered += 1;
            week.tally.correct += u32::from(answer.correct);
        }
    }
    weeks
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
        let dues = self.card_dues(guild, user, None).await?;
        let (reviews_due, reviews_total) = (dues.due_by(now), dues.total());
        let zone = self.store.guild_timezone(guild).await?;
        let bounds = week_bounds(now, zone, WEEKS_SHOWN);
        let recent = match (bounds.first(), bounds.last()) {
            (Some((_, from)), Some((_, to))) => {
                self.store.timed_answers(guild, user, *from, *to).await?
            }
            _ => Vec::new(),
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
                passing_score: exam.passing_score,
                readiness: readiness(exam, &per_domain),
                suggestion: study_suggestion(
                    &exam.id,
                    &domains,
                    // This exam's due cards only: the suggestion is about this exam.
                    self.card_dues(guild, user, Some(&exam.id))
                        .await?
                        .due_by(now),
                ),
                weeks: weekly_tallies(&bounds, &recent, &exam.id),
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
        // The next ten cards /review will deal (a card whose item left the bank is not dealt).
        let review_queue: Vec<ReviewCard> = self
            .store
            .review_queue(guild, user, None, dues.stored.max(1))
            .await?
            .into_iter()
            .filter(|card| self.bank.question(&card.question_id).is_some())
            .take(10)
            .collect();
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

impl Engine {
    /// The server's activity this guild-local week and all time, and its accuracy per exam and
    /// domain; `exam` narrows everything to one exam.
    pub async fn server_stats(
        &self,
        guild: Snowflake,
        exam: Option<&ExamId>,
    ) -> QuizResult<ServerStats> {
        let now = self.now();
        let zone = self.store.guild_timezone(guild).await?;
        let bounds = week_bounds(now, zone, 1);
        let exam_id = exam.map(ExamId::as_str);
        let end = now + Duration::milliseconds(1); // include answers given this very moment
        let this_week = self
            .store
            .guild_activity_between(guild, exam_id, bounds[0].1, end)
            .await?;
        let all_time = self
            .store
            .guild_activity_between(guild, exam_id, DateTime::<Utc>::UNIX_EPOCH, end)
            .await?;
        let by_domain = self.store.guild_tally_by_domain(guild).await?;
        let exams = self
            .bank
            .exams
            .iter()
            .filter(|e| exam_id.is_none_or(|id| id == e.id))
            .filter_map(|exam| {
                let domains: Vec<ServerDomainStats> = exam
                    .domains
                    .iter()
                    .map(|domain| ServerDomainStats {
                        number: domain.number,
                        name: domain.name.clone(),
                        weight: domain.weight,
                        tally: by_domain
                            .iter()
                            .find(|row| row.exam == exam.id && row.key == domain.number.to_string())
                            .map(|row| row.tally)
                            .unwrap_or_default(),
                    })
                    .collect();
                let tally = domains
                    .iter()
                    .fold(AnswerTally::default(), |sum, d| AnswerTally {
                        answered: sum.answered + d.tally.answered,
                        correct: sum.correct + d.tally.correct,
                        points: sum.points + d.tally.points,
                    });
                (tally.answered > 0).then(|| ServerExamStats {
                    exam: exam.id.clone(),
                    code: exam.code.clone(),
                    tally,
                    domains,
                })
            })
            .collect();
        Ok(ServerStats {
            active_this_week: this_week.members,
            this_week: this_week.tally,
            all_time: all_time.tally,
            exams,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn weeks_start_on_the_guilds_local_monday() {
        // Tuesday 2026-11-03 02:00 UTC is still Monday evening in New York.
        let now = Utc.with_ymd_and_hms(2026, 11, 3, 2, 0, 0).unwrap();
        let new_york: Tz = "America/New_York".parse().unwrap();
        let bounds = week_bounds(now, new_york, 12);
        assert_eq!(bounds.len(), 13);
        let (monday, start) = bounds[11];
        assert_eq!(monday, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 11, 2, 5, 0, 0).unwrap());
        assert_eq!(bounds[0].0, NaiveDate::from_ymd_opt(2026, 8, 17).unwrap());
        // Before the clocks went back on 1 November the offset was -4 h.
        assert_eq!(
            bounds[10].1,
            Utc.with_ymd_and_hms(2026, 10, 26, 4, 0, 0).unwrap()
        );
        assert_eq!(
            bounds[12].1,
            Utc.with_ymd_and_hms(2026, 11, 9, 5, 0, 0).unwrap()
        );
    }

    #[test]
    fn answers_land_in_their_week_and_exam() {
        let now = Utc.with_ymd_and_hms(2026, 11, 4, 12, 0, 0).unwrap();
        let bounds = week_bounds(now, Tz::UTC, 3);
        let at = |d: u32, h: u32| Utc.with_ymd_and_hms(2026, 10, d, h, 0, 0).unwrap();
        let answer = |exam: &str, answered_at, correct| TimedAnswer {
            exam: exam.into(),
            answered_at,
            correct,
        };
        let answers = [
            answer("a", at(19, 0), true),   // first week's first instant
            answer("a", at(25, 23), false), // Sunday: still the first week
            answer("a", at(26, 0), true),   // second week
            answer("b", at(27, 0), true),   // another exam
            answer("a", at(18, 23), true),  // before the first week
        ];
        let weeks = weekly_tallies(&bounds, &answers, "a");
        let counts: Vec<(u32, u32)> = weeks
            .iter()
            .map(|w| (w.tally.answered, w.tally.correct))
            .collect();
        assert_eq!(counts, [(2, 1), (1, 1), (0, 0)]);
        assert_eq!(
            weeks[2].monday,
            NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
        );
    }
}
