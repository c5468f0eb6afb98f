//! Aggregates over one member's answers for the personal score lookup.

use chrono::{DateTime, Utc};

use super::{id_to_sql, Snowflake, Store, StoreResult};
use crate::clock::to_millis;

/// Answers, correct answers and points over some set of answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnswerTally {
    pub answered: u32,
    pub correct: u32,
    pub points: u32,
}

impl AnswerTally {
    pub fn accuracy(&self) -> Option<f64> {
        (self.answered > 0).then(|| f64::from(self.correct) / f64::from(self.answered))
    }
}

/// A tally for one exam and one group inside it (the exam itself, a domain, or a task).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupTally {
    pub exam: String,
    /// `""` for a whole exam, `"3"` for domain 3, `"3.2"` for task 3.2.
    pub key: String,
    pub tally: AnswerTally,
}

#[derive(Debug, Clone, Copy)]
enum Grouping {
    Exam,
    Domain,
    Task,
}

impl Store {
    pub async fn tally_by_exam(
        &self,
        guild: Snowflake,
        user: Snowflake,
    ) -> StoreResult<Vec<GroupTally>> {
        self.tally(guild, user, Grouping::Exam).await
    }

    pub async fn tally_by_domain(
        &self,
        guild: Snowflake,
        user: Snowflake,
    ) -> StoreResult<Vec<GroupTally>> {
        self.tally(guild, user, Grouping::Domain).await
    }

    pub async fn tally_by_task(
        &self,
        guild: Snowflake,
        user: Snowflake,
    ) -> StoreResult<Vec<GroupTally>> {
        self.tally(guild, user, Grouping::Task).await
    }

    async fn tally(
        &self,
        guild: Snowflake,
        user: Snowflake,
        grouping: Grouping,
    ) -> StoreResult<Vec<GroupTally>> {
        let key = match grouping {
            Grouping::Exam => "''",
            Grouping::Domain => "CAST(domain AS TEXT)",
            Grouping::Task => "task",
        };
        let rows: Vec<(String, String, i64, i64, i64)> = with_pool!(self.reader, |db| {
            sqlx::query_as(&format!(
            "SELECT exam, {key} AS grp, COUNT(*), CAST(SUM(correct) AS BIGINT), CAST(SUM(points) AS BIGINT) FROM answers
             WHERE guild_id = $1 AND user_id = $2 GROUP BY exam, grp ORDER BY exam, grp"
        ))
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .fetch_all(db).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(exam, key, answered, correct, points)| GroupTally {
                exam,
                key,
                tally: AnswerTally {
                    answered: answered as u32,
                    correct: correct as u32,
                    points: points as u32,
                },
            })
            .collect())
    }

    /// The member's answers in `[from, to)`, for one exam or all.
    pub async fn tally_between(
        &self,
        guild: Snowflake,
        user: Snowflake,
        exam: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<AnswerTally> {
        let (answered, correct, points): (i64, Option<i64>, Option<i64>) = with_pool!(
            self.reader,
            |db| {
                sqlx::query_as(
            "SELECT COUNT(*), CAST(SUM(correct) AS BIGINT), CAST(SUM(points) AS BIGINT) FROM answers
             WHERE guild_id = $1 AND user_id = $2 AND answered_at >= $3 AND answered_at < $4 AND ($5 IS NULL OR exam = $5)",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(to_millis(from))
        .bind(to_millis(to))
        .bind(exam)
        .fetch_one(db).await
            }
        )?;
        Ok(AnswerTally {
            answered: answered as u32,
            correct: correct.unwrap_or(0) as u32,
            points: points.unwrap_or(0) as u32,
        })
    }
}

/// One answer's exam, time and result: enough to bucket a member's answers into weeks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedAnswer {
    pub exam: String,
    pub answered_at: DateTime<Utc>,
    pub correct: bool,
}

/// What a whole guild did in a span of time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GuildActivity {
    /// Members with at least one answer.
    pub members: u32,
    pub tally: AnswerTally,
}

impl Store {
    /// The member's answers in `[from, to)`, oldest first.
    pub async fn timed_answers(
        &self,
        guild: Snowflake,
        user: Snowflake,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<TimedAnswer>> {
        let rows: Vec<(String, i64, i64)> = with_pool!(self.reader, |db| sqlx::query_as(
            "SELECT exam, answered_at, correct FROM answers
             WHERE guild_id = $1 AND user_id = $2 AND answered_at >= $3 AND answered_at < $4
             ORDER BY answered_at",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(to_millis(from))
        .bind(to_millis(to))
        .fetch_all(db)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(exam, at, correct)| TimedAnswer {
                exam,
                answered_at: crate::clock::from_millis(at),
                correct: correct != 0,
            })
            .collect())
    }

    /// Every member's answers in the guild in `[from, to)`, for one exam or all.
    pub async fn guild_activity_between(
        &self,
        guild: Snowflake,
        exam: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<GuildActivity> {
        let (members, answered, correct, points): (i64, i64, Option<i64>, Option<i64>) = with_pool!(
            self.reader,
            |db| {
                sqlx::query_as(
                "SELECT COUNT(DISTINCT user_id), COUNT(*), CAST(SUM(correct) AS BIGINT), CAST(SUM(points) AS BIGINT) FROM answers
                 WHERE guild_id = $1 AND answered_at >= $2 AND answered_at < $3 AND ($4 IS NULL OR exam = $4)",
            )
            .bind(id_to_sql(guild))
            .bind(to_millis(from))
            .bind(to_millis(to))
            .bind(exam)
            .fetch_one(db).await
            }
        )?;
        Ok(GuildActivity {
            members: members as u32,
            tally: AnswerTally {
                answered: answered as u32,
                correct: correct.unwrap_or(0) as u32,
                points: points.unwrap_or(0) as u32,
            },
        })
    }

    /// Every member's answers in the guild by exam and domain (key: the domain number).
    pub async fn guild_tally_by_domain(&self, guild: Snowflake) -> StoreResult<Vec<GroupTally>> {
        let rows: Vec<(String, i64, i64, i64, i64)> = with_pool!(self.reader, |db| {
            sqlx::query_as(
            "SELECT exam, domain, COUNT(*), CAST(SUM(correct) AS BIGINT), CAST(SUM(points) AS BIGINT) FROM answers
             WHERE guild_id = $1 GROUP BY exam, domain ORDER BY exam, domain",
        )
        .bind(id_to_sql(guild))
        .fetch_all(db).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(exam, domain, answered, correct, points)| GroupTally {
                exam,
                key: domain.to_string(),
                tally: AnswerTally {
                    answered: answered as u32,
                    correct: correct as u32,
                    points: points as u32,
                },
            })
            .collect())
    }
}
