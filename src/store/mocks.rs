//! Mock exam attempts: one row each, updated as the member moves through it, so a restart
//! continues where it was.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{id_from_sql, id_to_sql, on_my_shards, On, Snowflake, Store, StoreResult, WriteTx};
use crate::clock::{from_millis, to_millis};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockRow {
    pub attempt_id: i64,
    pub guild_id: Snowflake,
    pub user_id: Snowflake,
    pub exam: String,
    pub length: String,
    pub question_ids: Vec<String>,
    /// Per item: the letters answered, or "" for none yet.
    pub responses: Vec<String>,
    pub flagged: Vec<bool>,
    pub position: usize,
    pub started_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub raw_correct: Option<u32>,
    pub scaled_score: Option<u32>,
    pub passed: Option<bool>,
}

#[derive(FromRow)]
struct MockSql {
    attempt_id: i64,
    guild_id: i64,
    user_id: i64,
    exam: String,
    length: String,
    question_ids: String,
    responses: String,
    flagged: String,
    position: i64,
    started_at: i64,
    ends_at: i64,
    submitted_at: Option<i64>,
    raw_correct: Option<i64>,
    scaled_score: Option<i64>,
    passed: Option<i64>,
}

impl From<MockSql> for MockRow {
    fn from(row: MockSql) -> MockRow {
        let question_ids: Vec<String> = row
            .question_ids
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let count = question_ids.len();
        let mut responses: Vec<String> = row.responses.split('|').map(str::to_string).collect();
        responses.resize(count, String::new());
        let mut flagged: Vec<bool> = row.flagged.chars().map(|c| c == '1').collect();
        flagged.resize(count, false);
        MockRow {
            attempt_id: row.attempt_id,
            guild_id: id_from_sql(row.guild_id),
            user_id: id_from_sql(row.user_id),
            exam: row.exam,
            length: row.length,
            question_ids,
            responses,
            flagged,
            position: row.position as usize,
            started_at: from_millis(row.started_at),
            ends_at: from_millis(row.ends_at),
            submitted_at: row.submitted_at.map(from_millis),
            raw_correct: row.raw_correct.map(|n| n as u32),
            scaled_score: row.scaled_score.map(|n| n as u32),
            passed: row.passed.map(|passed| passed != 0),
        }
    }
}

const MOCK_COLUMNS: &str =
    "attempt_id, guild_id, user_id, exam, length, question_ids, responses, flagged, position,
     started_at, ends_at, submitted_at, raw_correct, scaled_score, passed";

impl Store {
    pub async fn mock(&self, guild: Snowflake, attempt_id: i64) -> StoreResult<Option<MockRow>> {
        select_mock(On::Pool(&self.reader), guild, attempt_id).await
    }

    /// The member's unfinished attempt, if any.
    pub async fn open_mock(
        &self,
        guild: Snowflake,
        user: Snowflake,
    ) -> StoreResult<Option<MockRow>> {
        select_open_mock(On::Pool(&self.reader), guild, user).await
    }

    /// The member's finished attempts, newest first.
    pub async fn finished_mocks(
        &self,
        guild: Snowflake,
        user: Snowflake,
        limit: u32,
    ) -> StoreResult<Vec<MockRow>> {
        let rows: Vec<MockSql> = with_pool!(self.reader, |db| {
            sqlx::query_as(&format!(
            "SELECT {MOCK_COLUMNS} FROM mock_attempts WHERE guild_id = $1 AND user_id = $2 AND submitted_at IS NOT NULL
             ORDER BY submitted_at DESC LIMIT $3"
        ))
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(i64::from(limit))
        .fetch_all(db).await
        })?;
        Ok(rows.into_iter().map(MockRow::from).collect())
    }

    /// When the member last met each item of an exam in a mock (for drawing fresh ones first).
    pub async fn mock_items_seen(
        &self,
        guild: Snowflake,
        user: Snowflake,
        exam: &str,
    ) -> StoreResult<HashMap<String, DateTime<Utc>>> {
        let rows: Vec<(String, i64)> = with_pool!(self.reader, |db| sqlx::query_as(
            "SELECT question_ids, started_at FROM mock_attempts
             WHERE guild_id = $1 AND user_id = $2 AND exam = $3 ORDER BY started_at",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(exam)
        .fetch_all(db)
        .await)?;
        let mut seen = HashMap::new();
        for (ids, started_at) in rows {
            for id in ids.split(',').filter(|id| !id.is_empty()) {
                // Later attempts overwrite earlier ones: the latest meeting counts.
                seen.insert(id.to_string(), from_millis(started_at));
            }
        }
        Ok(seen)
    }

    /// Unfinished attempts whose time ran out (submitted automatically).
    pub async fn expired_mocks(&self, now: DateTime<Utc>) -> StoreResult<Vec<MockRow>> {
        let (total, first, last) = self.shard_filter();
        let rows: Vec<MockSql> = with_pool!(self.reader, |db| {
            sqlx::query_as(&format!(
            "SELECT {MOCK_COLUMNS} FROM mock_attempts WHERE submitted_at IS NULL AND ends_at <= $1 AND {}",
            on_my_shards("mock_attempts", 2)
        ))
        .bind(to_millis(now))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_all(db).await
        })?;
        Ok(rows.into_iter().map(MockRow::from).collect())
    }
}

/// A mock exam attempt to start.
#[derive(Debug, Clone)]
pub struct NewMock<'a> {
    pub guild: Snowflake,
    pub user: Snowflake,
    pub exam: &'a str,
    /// "full", "half" or "quick".
    pub length: &'a str,
    pub items: &'a [String],
    pub started_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Changes to an attempt read it and write it back in one `WriteTx`, so two presses at once
/// apply one after the other instead of the later one overwriting the earlier.
impl WriteTx {
    pub async fn mock(
        &mut self,
        guild: Snowflake,
        attempt_id: i64,
    ) -> StoreResult<Option<MockRow>> {
        select_mock(On::Tx(&mut self.tx), guild, attempt_id).await
    }

    pub async fn open_mock(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
    ) -> StoreResult<Option<MockRow>> {
        select_open_mock(On::Tx(&mut self.tx), guild, user).await
    }

    pub async fn insert_mock(&mut self, new: &NewMock<'_>) -> StoreResult<MockRow> {
        let &NewMock {
            guild,
            user,
            exam,
            length,
            items: question_ids,
            started_at,
            ends_at,
        } = new;
        let row: MockSql = with_tx!(self.tx, |db| {
            sqlx::query_as(&format!(
            "INSERT INTO mock_attempts (guild_id, user_id, exam, length, question_ids, responses, flagged, started_at, ends_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {MOCK_COLUMNS}"
        ))
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(exam)
        .bind(length)
        .bind(question_ids.join(","))
        .bind(vec![""; question_ids.len()].join("|"))
        .bind("0".repeat(question_ids.len()))
        .bind(to_millis(started_at))
        .bind(to_millis(ends_at))
        .fetch_one(db).await
        })?;
        Ok(row.into())
    }

    /// Saves progress (responses, flags, position) of an unfinished attempt.
    pub async fn save_mock_progress(&mut self, attempt: &MockRow) -> StoreResult<bool> {
        let flagged: String = attempt
            .flagged
            .iter()
            .map(|&f| if f { '1' } else { '0' })
            .collect();
        let done = with_tx!(self.tx, |db| {
            sqlx::query("UPDATE mock_attempts SET responses = $1, flagged = $2, position = $3 WHERE attempt_id = $4 AND guild_id = $5 AND submitted_at IS NULL")
            .bind(attempt.responses.join("|"))
            .bind(flagged)
            .bind(attempt.position as i64)
            .bind(attempt.attempt_id)
            .bind(id_to_sql(attempt.guild_id))
            .execute(db).await.map(|done| done.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// Records the result; false if it was already submitted.
    pub async fn finish_mock(
        &mut self,
        guild: Snowflake,
        attempt_id: i64,
        submitted_at: DateTime<Utc>,
        raw_correct: u32,
        scaled: u32,
        passed: bool,
    ) -> StoreResult<bool> {
        let done = with_tx!(self.tx, |db| {
            sqlx::query(
            "UPDATE mock_attempts SET submitted_at = $1, raw_correct = $2, scaled_score = $3, passed = $4
             WHERE guild_id = $5 AND attempt_id = $6 AND submitted_at IS NULL",
        )
        .bind(to_millis(submitted_at))
        .bind(i64::from(raw_correct))
        .bind(i64::from(scaled))
        .bind(i64::from(passed))
        .bind(id_to_sql(guild))
        .bind(attempt_id)
        .execute(db).await.map(|done| done.rows_affected())
        })?;
        Ok(done == 1)
    }
}

async fn select_mock(
    mut on: On<'_>,
    guild: Snowflake,
    attempt_id: i64,
) -> StoreResult<Option<MockRow>> {
    let row: Option<MockSql> = with_on!(&mut on, |db| sqlx::query_as(&format!(
        "SELECT {MOCK_COLUMNS} FROM mock_attempts WHERE guild_id = $1 AND attempt_id = $2"
    ))
    .bind(id_to_sql(guild))
    .bind(attempt_id)
    .fetch_optional(db)
    .await)?;
    Ok(row.map(MockRow::from))
}

async fn select_open_mock(
    mut on: On<'_>,
    guild: Snowflake,
    user: Snowflake,
) -> StoreResult<Option<MockRow>> {
    let row: Option<MockSql> = with_on!(&mut on, |db| {
        sqlx::query_as(&format!(
        "SELECT {MOCK_COLUMNS} FROM mock_attempts WHERE guild_id = $1 AND user_id = $2 AND submitted_at IS NULL ORDER BY attempt_id DESC LIMIT 1"
    ))
    .bind(id_to_sql(guild))
    .bind(id_to_sql(user))
    .fetch_optional(db).await
    })?;
    Ok(row.map(MockRow::from))
}
