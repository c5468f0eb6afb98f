//! Answers: one per member per post, written with everything that depends on them.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{id_from_sql, id_to_sql, Snowflake, Store, StoreResult, WriteTx};
use crate::clock::{from_millis, to_millis};

#[derive(Debug, Clone)]
pub struct NewAnswer<'a> {
    pub post_id: i64,
    pub guild_id: Snowflake,
    pub user_id: Snowflake,
    pub exam: &'a str,
    pub question_id: &'a str,
    pub domain: u8,
    pub task: &'a str,
    pub choice: &'a str,
    pub correct: bool,
    pub points: u32,
    pub latency_ms: i64,
    pub on_board: bool,
    pub answered_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub user_id: Snowflake,
    pub choice: String,
    pub correct: bool,
    pub points: u32,
    pub latency_ms: i64,
    pub answered_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct AnswerSql {
    user_id: i64,
    choice: String,
    correct: i64,
    points: i64,
    latency_ms: i64,
    answered_at: i64,
}

impl From<AnswerSql> for AnswerRow {
    fn from(row: AnswerSql) -> AnswerRow {
        AnswerRow {
            user_id: id_from_sql(row.user_id),
            choice: row.choice,
            correct: row.correct != 0,
            points: row.points as u32,
            latency_ms: row.latency_ms,
            answered_at: from_millis(row.answered_at),
        }
    }
}

/// How many members chose one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionTally {
    pub choice: String,
    pub count: u32,
}

pub(super) const SELECT_ANSWER: &str =
    "SELECT user_id, choice, correct, points, latency_ms, answered_at FROM answers WHERE post_id = $1 AND user_id = $2";

/// Refuses a second answer by the same member to the same post without an error.
pub(super) const INSERT_ANSWER: &str =
    "INSERT INTO answers (post_id, guild_id, user_id, exam, question_id, domain, task, choice, correct,
        points, latency_ms, on_board, answered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (post_id, user_id) DO NOTHING";

impl WriteTx {
    pub async fn answer_of(
        &mut self,
        post_id: i64,
        user: Snowflake,
    ) -> StoreResult<Option<AnswerRow>> {
        let row: Option<AnswerSql> = with_tx!(self.tx, |db| {
            sqlx::query_as(SELECT_ANSWER)
                .bind(post_id)
                .bind(id_to_sql(user))
                .fetch_optional(db)
                .await
        })?;
        Ok(row.map(AnswerRow::from))
    }

    /// Inserts the member's answer to a post unless they already answered it; true if inserted.
    pub async fn insert_answer(&mut self, answer: &NewAnswer<'_>) -> StoreResult<bool> {
        let inserted = with_tx!(self.tx, |db| {
            sqlx::query(INSERT_ANSWER)
                .bind(answer.post_id)
                .bind(id_to_sql(answer.guild_id))
                .bind(id_to_sql(answer.user_id))
                .bind(answer.exam)
                .bind(answer.question_id)
                .bind(i64::from(answer.domain))
                .bind(answer.task)
                .bind(answer.choice)
                .bind(i64::from(answer.correct))
                .bind(i64::from(answer.points))
                .bind(answer.latency_ms)
                .bind(i64::from(answer.on_board))
                .bind(to_millis(answer.answered_at))
                .execute(db)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(inserted == 1)
    }
}

impl Store {
    pub async fn answer_of(&self, post_id: i64, user: Snowflake) -> StoreResult<Option<AnswerRow>> {
        let row: Option<AnswerSql> = with_pool!(self.reader, |db| {
            sqlx::query_as(SELECT_ANSWER)
                .bind(post_id)
                .bind(id_to_sql(user))
                .fetch_optional(db)
                .await
        })?;
        Ok(row.map(AnswerRow::from))
    }

    /// How many members gave each response to a post, most chosen first.
    pub async fn choice_tally(
        &self,
        guild: Snowflake,
        post_id: i64,
    ) -> StoreResult<Vec<OptionTally>> {
        let rows: Vec<(String, i64)> = with_pool!(self.reader, |db| {
            sqlx::query_as(
            "SELECT choice, COUNT(*) FROM answers WHERE guild_id = $1 AND post_id = $2 GROUP BY choice ORDER BY COUNT(*) DESC, choice",
        )
        .bind(id_to_sql(guild))
        .bind(post_id)
        .fetch_all(db).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(choice, count)| OptionTally {
                choice,
                count: count as u32,
            })
            .collect())
    }

    /// The fastest correct answerers of a post, fastest first, with their display names.
    pub async fn fastest_correct(
        &self,
        guild: Snowflake,
        post_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<(Snowflake, String, i64)>> {
        let rows: Vec<(i64, String, i64)> = with_pool!(self.reader, |db| sqlx::query_as(
            "SELECT a.user_id, COALESCE(m.display_name, ''), a.latency_ms FROM answers a
             LEFT JOIN members m ON m.guild_id = a.guild_id AND m.user_id = a.user_id
             WHERE a.guild_id = $1 AND a.post_id = $2 AND a.correct = 1
             ORDER BY a.latency_ms, a.user_id LIMIT $3",
        )
        .bind(id_to_sql(guild))
        .bind(post_id)
        .bind(i64::from(limit))
        .fetch_all(db)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(user, name, latency)| (id_from_sql(user), name, latency))
            .collect())
    }

    /// Question ids the member answered since `since`, newest first (to avoid repeats in personal quizzes).
    pub async fn recently_answered(
        &self,
        guild: Snowflake,
        user: Snowflake,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<String>> {
        Ok(with_pool!(self.reader, |db| {
            sqlx::query_scalar(
            "SELECT question_id FROM answers WHERE guild_id = $1 AND user_id = $2 AND answered_at >= $3 ORDER BY answered_at DESC",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(to_millis(since))
        .fetch_all(db).await
        })?)
    }
}
