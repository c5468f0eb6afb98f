//! Members' reports of a question that looks wrong, for the admins to review.

use chrono::{DateTime, Utc};

use super::{id_from_sql, id_to_sql, Snowflake, Store, StoreResult};
use crate::clock::{from_millis, to_millis};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub flag_id: i64,
    pub user_id: Snowflake,
    pub question_id: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

impl Store {
    pub async fn flag_question(
        &self,
        guild: Snowflake,
        user: Snowflake,
        question: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        Ok(with_pool!(self.writer, |db| {
            sqlx::query_scalar(
            "INSERT INTO question_flags (guild_id, user_id, question_id, reason, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING flag_id",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(question)
        .bind(reason)
        .bind(to_millis(now))
        .fetch_one(db).await
        })?)
    }

    pub async fn open_flags(&self, guild: Snowflake) -> StoreResult<Vec<Flag>> {
        let rows: Vec<(i64, i64, String, String, i64)> =
            with_pool!(self.reader, |db| sqlx::query_as(
                "SELECT flag_id, user_id, question_id, reason, created_at FROM question_flags
             WHERE guild_id = $1 AND resolved_at IS NULL ORDER BY created_at",
            )
            .bind(id_to_sql(guild))
            .fetch_all(db)
            .await)?;
        Ok(rows
            .into_iter()
            .map(|(flag_id, user, question_id, reason, at)| Flag {
                flag_id,
                user_id: id_from_sql(user),
                question_id,
                reason,
                created_at: from_millis(at),
            })
            .collect())
    }

    /// Marks an open report of this guild resolved; false if there is none open with that id
    /// here (already resolved, or another guild's).
    pub async fn resolve_flag(
        &self,
        guild: Snowflake,
        flag_id: i64,
        by: Snowflake,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = with_pool!(self.writer, |db| sqlx::query(
            "UPDATE question_flags SET resolved_at = $1, resolved_by = $2
             WHERE guild_id = $3 AND flag_id = $4 AND resolved_at IS NULL",
        )
        .bind(to_millis(now))
        .bind(id_to_sql(by))
        .bind(id_to_sql(guild))
        .bind(flag_id)
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// Who resolved a report of this guild and when; None if it is open or not this guild's.
    pub async fn flag_resolution(
        &self,
        guild: Snowflake,
        flag_id: i64,
    ) -> StoreResult<Option<(Snowflake, DateTime<Utc>)>> {
        let row: Option<(Option<i64>, Option<i64>)> = with_pool!(self.reader, |db| {
            sqlx::query_as(
            "SELECT resolved_by, resolved_at FROM question_flags WHERE guild_id = $1 AND flag_id = $2",
        )
        .bind(id_to_sql(guild))
        .bind(flag_id)
        .fetch_optional(db).await
        })?;
        Ok(match row {
            Some((by, Some(at))) => Some((id_from_sql(by.unwrap_or(0)), from_millis(at))),
            _ => None,
        })
    }
}
