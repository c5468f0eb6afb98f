//! Reveals owed: a closed channel question whose reveal edit has not landed yet.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::posts::{PostRow, POST_COLUMNS};
use super::{id_to_sql, on_my_shards, Post, Snowflake, Store, StoreResult};
use crate::clock::{from_millis, to_millis};

/// A closed post whose reveal is due, and how many attempts at it failed so far.
#[derive(Debug, Clone)]
pub struct OwedReveal {
    pub post: Post,
    pub attempts: u32,
    /// When it fell due (what `take_reveal` compares, so only one process takes it).
    pub due_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct OwedRow {
    #[sqlx(flatten)]
    post: PostRow,
    reveal_attempts: i64,
    reveal_due_at: i64,
}

impl Store {
    /// Reveals due by `now`, oldest first (all guilds: the closer's work list).
    pub async fn reveals_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OwedReveal>> {
        let (total, first, last) = self.shard_filter();
        let rows: Vec<OwedRow> = with_pool!(self.writer, |db| sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS}, reveal_attempts, reveal_due_at FROM posts
             WHERE reveal_due_at IS NOT NULL AND reveal_due_at <= $1 AND {}
             ORDER BY reveal_due_at LIMIT $2",
            on_my_shards("posts", 3)
        ))
        .bind(to_millis(now))
        .bind(i64::from(limit))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_all(db)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|row| OwedReveal {
                post: row.post.into(),
                attempts: row.reveal_attempts as u32,
                due_at: from_millis(row.reveal_due_at),
            })
            .collect())
    }

    /// How many reveals are owed now (due or postponed).
    pub async fn count_owed_reveals(&self) -> StoreResult<u64> {
        let (total, first, last) = self.shard_filter();
        let count: i64 = with_pool!(self.reader, |db| sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM posts WHERE reveal_due_at IS NOT NULL AND {}",
            on_my_shards("posts", 1)
        ))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_one(db)
        .await)?;
        Ok(count as u64)
    }

    /// When the next owed reveal is due, if any.
    pub async fn next_reveal_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        // The WHERE lets SQLite answer from the partial index instead of scanning every post.
        let (total, first, last) = self.shard_filter();
        let at: Option<i64> = with_pool!(self.reader, |db| sqlx::query_scalar(&format!(
            "SELECT MIN(reveal_due_at) FROM posts WHERE reveal_due_at IS NOT NULL AND {}",
            on_my_shards("posts", 1)
        ))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_one(db)
        .await)?;
        Ok(at.map(from_millis))
    }

    /// Takes an owed reveal for one attempt: moves its due time to `lease_until` if nobody
    /// else moved it since it was read. False: another process took it (two processes overlap
    /// during a redeploy). If this process dies mid-attempt, the reveal falls due again at
    /// `lease_until`.
    pub async fn take_reveal(
        &self,
        owed: &OwedReveal,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let taken = with_pool!(self.writer, |db| {
            sqlx::query(
            "UPDATE posts SET reveal_due_at = $1 WHERE guild_id = $2 AND post_id = $3 AND reveal_due_at = $4"
        )
        .bind(to_millis(lease_until))
        .bind(id_to_sql(owed.post.guild_id))
        .bind(owed.post.post_id)
        .bind(to_millis(owed.due_at))
        .execute(db)
        .await
        .map(|done| done.rows_affected())
        })?;
        Ok(taken == 1)
    }

    /// The reveal landed, or was given up: nothing is owed any more.
    pub async fn settle_reveal(&self, guild: Snowflake, post_id: i64) -> StoreResult<()> {
        with_pool!(self.writer, |db| sqlx::query(
            "UPDATE posts SET reveal_due_at = NULL WHERE guild_id = $1 AND post_id = $2"
        )
        .bind(id_to_sql(guild))
        .bind(post_id)
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// An attempt failed for now: count it and try again at `retry_at`.
    pub async fn postpone_reveal(
        &self,
        guild: Snowflake,
        post_id: i64,
        retry_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_pool!(self.writer, |db| sqlx::query(
            "UPDATE posts SET reveal_attempts = reveal_attempts + 1, reveal_due_at = $1
             WHERE guild_id = $2 AND post_id = $3 AND reveal_due_at IS NOT NULL",
        )
        .bind(to_millis(retry_at))
        .bind(id_to_sql(guild))
        .bind(post_id)
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }
}
