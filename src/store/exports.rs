//! Plain rows for data exports: a server's members with their totals, and one member's answers.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{id_from_sql, id_to_sql, Snowflake, Store, StoreResult};
use crate::clock::from_millis;

/// One member of a server: board points, answers, streaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSummary {
    pub user_id: Snowflake,
    pub display_name: String,
    /// Points from channel questions (what the all-time leaderboard counts).
    pub points: u64,
    /// Channel and /quiz answers.
    pub answered: u64,
    pub correct: u64,
    pub current_streak: u32,
    pub best_streak: u32,
    pub last_answer_at: Option<DateTime<Utc>>,
}

#[derive(FromRow)]
struct MemberSummarySql {
    user_id: i64,
    display_name: String,
    points: i64,
    answered: i64,
    correct: i64,
    current_streak: i64,
    best_streak: i64,
    last_answer_at: Option<i64>,
}

/// One answer a member gave (channel question or /quiz).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRecord {
    pub answered_at: DateTime<Utc>,
    pub exam: String,
    pub question_id: String,
    pub domain: u8,
    pub task: String,
    /// `channel` or `personal` (/quiz).
    pub mode: String,
    pub choice: String,
    pub correct: bool,
    pub points: u32,
    pub latency_ms: i64,
}

#[derive(FromRow)]
struct AnswerRecordSql {
    answered_at: i64,
    exam: String,
    question_id: String,
    domain: i64,
    task: String,
    mode: String,
    choice: String,
    correct: i64,
    points: i64,
    latency_ms: i64,
}

impl Store {
    /// Every member of the guild, highest board points first.
    pub async fn member_summaries(&self, guild: Snowflake) -> StoreResult<Vec<MemberSummary>> {
        let rows: Vec<MemberSummarySql> = with_pool!(self.reader, |db| {
            sqlx::query_as(
            "SELECT m.user_id, m.display_name, m.current_streak, m.best_streak,
                    CAST(COALESCE(SUM(CASE WHEN a.on_board <> 0 THEN a.points ELSE 0 END), 0) AS BIGINT) AS points,
                    COUNT(a.post_id) AS answered,
                    CAST(COALESCE(SUM(a.correct), 0) AS BIGINT) AS correct,
                    MAX(a.answered_at) AS last_answer_at
             FROM members m
             LEFT JOIN answers a ON a.guild_id = m.guild_id AND a.user_id = m.user_id
             WHERE m.guild_id = $1
             GROUP BY m.guild_id, m.user_id
             ORDER BY points DESC, answered DESC, m.user_id",
        )
        .bind(id_to_sql(guild))
        .fetch_all(db).await
        })?;
        Ok(rows
            .into_iter()
            .map(|row| MemberSummary {
                user_id: id_from_sql(row.user_id),
                display_name: row.display_name,
                points: row.points.max(0) as u64,
                answered: row.answered.max(0) as u64,
                correct: row.correct.max(0) as u64,
                current_streak: row.current_streak.max(0) as u32,
                best_streak: row.best_streak.max(0) as u32,
                last_answer_at: row.last_answer_at.map(from_millis),
            })
            .collect())
    }

    /// The member's answers in the guild, oldest first.
    pub async fn answer_history(
        &self,
        guild: Snowflake,
        user: Snowflake,
    ) -> StoreResult<Vec<AnswerRecord>> {
        let rows: Vec<AnswerRecordSql> = with_pool!(self.reader, |db| sqlx::query_as(
            "SELECT a.answered_at, a.exam, a.question_id, a.domain, a.task, p.mode, a.choice,
                    a.correct, a.points, a.latency_ms
             FROM answers a JOIN posts p ON p.post_id = a.post_id
             WHERE a.guild_id = $1 AND a.user_id = $2
             ORDER BY a.answered_at, a.post_id",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .fetch_all(db)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|row| AnswerRecord {
                answered_at: from_millis(row.answered_at),
                exam: row.exam,
                question_id: row.question_id,
                domain: row.domain.clamp(0, 255) as u8,
                task: row.task,
                mode: row.mode,
                choice: row.choice,
                correct: row.correct != 0,
                points: row.points.max(0) as u32,
                latency_ms: row.latency_ms,
            })
            .collect())
    }
}
