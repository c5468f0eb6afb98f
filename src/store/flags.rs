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
}
