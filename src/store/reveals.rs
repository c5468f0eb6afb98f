//! Reveals owed: a closed channel question whose reveal edit has not landed yet.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::posts::{PostRow, POST_COLUMNS};
use super::{id_to_sql, Post, Snowflake, Store, StoreResult};
use crate::clock::{from_millis, to_millis};

/// A closed post whose reveal is due, and how many attempts at it failed so far.
#[derive(Debug, Clone)]
pub struct OwedReveal {
    pub post: Post,
    pub attempts: u32,
}

#[derive(FromRow)]
struct OwedRow {
    #[sqlx(flatten)]
    post: PostRow,
    reveal_attempts: i64,
}

impl Store {
    /// Reveals due by `now`, oldest first (all guilds: the closer's work list).
    pub async fn reveals_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OwedReveal>> {
        let rows: Vec<OwedRow> = sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS}, reveal_attempts FROM posts
             WHERE reveal_due_at IS NOT NULL AND reveal_due_at <= ? ORDER BY reveal_due_at LIMIT ?"
        ))
        .bind(to_millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.writer)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| OwedReveal {
                post: row.post.into(),
                attempts: row.reveal_attempts as u32,
            })
            .collect())
    }

    /// How many reveals are owed now (due or postponed).
    pub async fn count_owed_reveals(&self) -> StoreResult<u64> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM posts WHERE reveal_due_at IS NOT NULL")
                .fetch_one(&self.reader)
                .await?;
        Ok(count as u64)
    }

    /// When the next owed reveal is due, if any.
    pub async fn next_reveal_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        // The WHERE lets SQLite answer from the partial index instead of scanning every post.
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(reveal_due_at) FROM posts WHERE reveal_due_at IS NOT NULL",
        )
        .fetch_one(&self.reader)
        .await?;
        Ok(at.map(from_millis))
    }

    /// The reveal landed, or was given up: nothing is owed any more.
    pub async fn settle_reveal(&self, guild: Snowflake, post_id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE posts SET reveal_due_at = NULL WHERE guild_id = ? AND post_id = ?")
            .bind(id_to_sql(guild))
            .bind(post_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// An attempt failed for now: count it and try again at `retry_at`.
    pub async fn postpone_reveal(
        &self,
        guild: Snowflake,
        post_id: i64,
        retry_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE posts SET reveal_attempts = reveal_attempts + 1, reveal_due_at = ?
             WHERE guild_id = ? AND post_id = ? AND reveal_due_at IS NOT NULL",
        )
        .bind(to_millis(retry_at))
        .bind(id_to_sql(guild))
        .bind(post_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}
