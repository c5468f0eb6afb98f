//! Posted questions: a channel's question (scheduled or on demand) or a member's personal one.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{id_from_sql, id_to_sql, on_my_shards, Snowflake, Store, StoreResult, Tx, WriteTx};
use crate::clock::{from_millis, to_millis};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostMode {
    Channel,
    Personal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostState {
    /// Reserved in the database; the Discord message is not known yet.
    Claimed,
    Open,
    Closed,
    /// A scheduled occurrence that could not be posted in time.
    Missed,
}

impl PostState {
    fn as_str(self) -> &'static str {
        match self {
            PostState::Claimed => "claimed",
            PostState::Open => "open",
            PostState::Closed => "closed",
            PostState::Missed => "missed",
        }
    }

    fn parse(text: &str) -> PostState {
        match text {
            "claimed" => PostState::Claimed,
            "open" => PostState::Open,
            "missed" => PostState::Missed,
            _ => PostState::Closed,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub post_id: i64,
    pub guild_id: Snowflake,
    pub channel_id: Option<Snowflake>,
    pub mode: PostMode,
    pub owner_id: Option<Snowflake>,
    pub schedule_id: Option<i64>,
    pub occurrence_at: Option<DateTime<Utc>>,
    pub exam: String,
    pub question_id: String,
    pub domain: u8,
    pub cycle: i64,
    pub message_id: Option<Snowflake>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub state: PostState,
    /// Personal: the domain filter the member chose, kept for "Next question".
    pub practice_domain: Option<u8>,
    /// A claimed channel post: until when its sender alone may send it.
    pub send_lease_until: Option<DateTime<Utc>>,
}

impl Post {
    pub fn is_scheduled(&self) -> bool {
        self.schedule_id.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct NewPost {
    pub guild_id: Snowflake,
    pub channel_id: Option<Snowflake>,
    pub mode: PostMode,
    pub owner_id: Option<Snowflake>,
    pub schedule_id: Option<i64>,
    pub occurrence_at: Option<DateTime<Utc>>,
    pub exam: String,
    pub question_id: String,
    pub domain: u8,
    pub cycle: i64,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub state: PostState,
    pub practice_domain: Option<u8>,
    /// A claimed channel post: until when its sender alone may send it.
    pub send_lease_until: Option<DateTime<Utc>>,
}

#[derive(FromRow)]
pub(super) struct PostRow {
    post_id: i64,
    guild_id: i64,
    channel_id: Option<i64>,
    mode: String,
    owner_id: Option<i64>,
    schedule_id: Option<i64>,
    occurrence_at: Option<i64>,
    exam: String,
    question_id: String,
    domain: i64,
    cycle: i64,
    message_id: Option<i64>,
    opens_at: i64,
    closes_at: i64,
    state: String,
    practice_domain: Option<i64>,
    send_lease_until: Option<i64>,
}

impl From<PostRow> for Post {
    fn from(row: PostRow) -> Post {
        Post {
            post_id: row.post_id,
            guild_id: id_from_sql(row.guild_id),
            channel_id: row.channel_id.map(id_from_sql),
            mode: if row.mode == "personal" {
                PostMode::Personal
            } else {
                PostMode::Channel
            },
            owner_id: row.owner_id.map(id_from_sql),
            schedule_id: row.schedule_id,
            occurrence_at: row.occurrence_at.map(from_millis),
            exam: row.exam,
            question_id: row.question_id,
            domain: row.domain as u8,
            cycle: row.cycle,
            message_id: row.message_id.map(id_from_sql),
            opens_at: from_millis(row.opens_at),
            closes_at: from_millis(row.closes_at),
            state: PostState::parse(&row.state),
            practice_domain: row.practice_domain.map(|d| d as u8),
            send_lease_until: row.send_lease_until.map(from_millis),
        }
    }
}

pub(super) const POST_COLUMNS: &str =
    "post_id, guild_id, channel_id, mode, owner_id, schedule_id, occurrence_at, exam,
     question_id, domain, cycle, message_id, opens_at, closes_at, state, practice_domain,
     send_lease_until";

/// Whether the member let a scheduled post of the guild close unanswered between two times.
pub(super) const SKIPPED_SCHEDULED_POST: &str =
    "SELECT EXISTS (SELECT 1 FROM posts p WHERE p.guild_id = $1 AND p.schedule_id IS NOT NULL
        AND p.state IN ('open', 'closed') AND p.opens_at >= $2 AND p.opens_at < $3
        AND p.closes_at <= $4
        AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.post_id = p.post_id AND a.user_id = $5))";

impl WriteTx {
    pub async fn insert_post(&mut self, new: &NewPost, now: DateTime<Utc>) -> StoreResult<Post> {
        let row: PostRow = with_tx!(self.tx, |db| {
            sqlx::query_as(&format!(
            "INSERT INTO posts (guild_id, channel_id, mode, owner_id, schedule_id, occurrence_at, exam,
                question_id, domain, cycle, opens_at, closes_at, state, created_at, practice_domain, send_lease_until)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
             RETURNING {POST_COLUMNS}"
        ))
        .bind(id_to_sql(new.guild_id))
        .bind(new.channel_id.map(id_to_sql))
        .bind(if new.mode == PostMode::Personal { "personal" } else { "channel" })
        .bind(new.owner_id.map(id_to_sql))
        .bind(new.schedule_id)
        .bind(new.occurrence_at.map(to_millis))
        .bind(&new.exam)
        .bind(&new.question_id)
        .bind(i64::from(new.domain))
        .bind(new.cycle)
        .bind(to_millis(new.opens_at))
        .bind(to_millis(new.closes_at))
        .bind(new.state.as_str())
        .bind(to_millis(now))
        .bind(new.practice_domain.map(i64::from))
        .bind(new.send_lease_until.map(to_millis))
        .fetch_one(db).await
        })?;
        Ok(row.into())
    }

    /// A post as an answer batch reads it before deciding its answers. On PostgreSQL the row is
    /// share-locked until the batch commits, so closing the post (at its window's end or by an
    /// early reveal, possibly in another process) waits for the answers decided while it was
    /// open, and the reveal's tally holds them. On SQLite the one writer orders the two already.
    pub async fn post_for_answers(
        &mut self,
        guild: Snowflake,
        post_id: i64,
    ) -> StoreResult<Option<Post>> {
        let lock = match self.tx {
            Tx::Postgres(_) => " FOR SHARE",
            Tx::Sqlite(_) => "",
        };
        let row: Option<PostRow> = with_tx!(self.tx, |db| sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE guild_id = $1 AND post_id = $2{lock}"
        ))
        .bind(id_to_sql(guild))
        .bind(post_id)
        .fetch_optional(db)
        .await)?;
        Ok(row.map(Post::from))
    }

    pub async fn post(&mut self, guild: Snowflake, post_id: i64) -> StoreResult<Option<Post>> {
        let row: Option<PostRow> = with_tx!(self.tx, |db| sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE guild_id = $1 AND post_id = $2"
        ))
        .bind(id_to_sql(guild))
        .bind(post_id)
        .fetch_optional(db)
        .await)?;
        Ok(row.map(Post::from))
    }

    /// Whether the member skipped a scheduled question that opened in the guild in `[from, to)`:
    /// one that has closed by `now` without their answer. A day with one breaks the streak; a
    /// question still open (a long window) has not been skipped yet.
    pub async fn skipped_scheduled_post_between(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        Ok(with_tx!(self.tx, |db| {
            sqlx::query_scalar(SKIPPED_SCHEDULED_POST)
                .bind(id_to_sql(guild))
                .bind(to_millis(from))
                .bind(to_millis(to))
                .bind(to_millis(now))
                .bind(id_to_sql(user))
                .fetch_one(db)
                .await
        })?)
    }
}

impl Store {
    pub async fn post(&self, guild: Snowflake, post_id: i64) -> StoreResult<Option<Post>> {
        let row: Option<PostRow> = with_pool!(self.reader, |db| sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE guild_id = $1 AND post_id = $2"
        ))
        .bind(id_to_sql(guild))
        .bind(post_id)
        .fetch_optional(db)
        .await)?;
        Ok(row.map(Post::from))
    }

    /// Records the Discord message that carries a claimed post, opening it. A post whose window
    /// closed while its message was on the way (the closer closes claimed posts too) keeps its
    /// message and now owes its reveal, so the question does not stay unrevealed.
    pub async fn mark_posted(
        &self,
        guild: Snowflake,
        post_id: i64,
        message_id: Snowflake,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        // SQLite evaluates every SET expression on the row as it was before the update.
        with_pool!(self.writer, |db| {
            sqlx::query(
            "UPDATE posts SET message_id = $1,
                state = CASE WHEN state = 'claimed' THEN 'open' ELSE state END,
                reveal_due_at = CASE WHEN state = 'closed' AND mode = 'channel' THEN $2 ELSE reveal_due_at END
             WHERE guild_id = $3 AND post_id = $4 AND message_id IS NULL AND state IN ('claimed', 'closed')",
        )
        .bind(id_to_sql(message_id))
        .bind(to_millis(now))
        .bind(id_to_sql(guild))
        .bind(post_id)
        .execute(db).await.map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// Closes a claimed or open post; returns false if it was already closed (another closer got
    /// there first). A channel question with a message now owes its reveal (see reveals).
    pub async fn close_post(
        &self,
        guild: Snowflake,
        post_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = with_pool!(self.writer, |db| sqlx::query(
            "UPDATE posts SET state = 'closed',
                reveal_due_at = CASE WHEN mode = 'channel' AND message_id IS NOT NULL THEN $1 END
             WHERE guild_id = $2 AND post_id = $3 AND state IN ('claimed', 'open')",
        )
        .bind(to_millis(now))
        .bind(id_to_sql(guild))
        .bind(post_id)
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// Open posts whose window has ended by `now`, oldest first (all guilds: the closer's work list).
    pub async fn posts_due_to_close(&self, now: DateTime<Utc>) -> StoreResult<Vec<Post>> {
        let (total, first, last) = self.shard_filter();
        let rows: Vec<PostRow> = with_pool!(self.reader, |db| sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE state IN ('claimed', 'open') AND closes_at <= $1
             AND {} ORDER BY closes_at",
            on_my_shards("posts", 2)
        ))
        .bind(to_millis(now))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_all(db)
        .await)?;
        Ok(rows.into_iter().map(Post::from).collect())
    }

    /// The channel's current pass through an exam's bank: its number and the items used in it.
    pub async fn channel_cycle(
        &self,
        guild: Snowflake,
        channel: Snowflake,
        exam: &str,
    ) -> StoreResult<(i64, Vec<(String, u8)>)> {
        let cycle: Option<i64> = with_pool!(self.reader, |db| {
            sqlx::query_scalar(
            "SELECT MAX(cycle) FROM posts WHERE guild_id = $1 AND channel_id = $2 AND exam = $3 AND mode = 'channel'",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(channel))
        .bind(exam)
        .fetch_one(db).await
        })?;
        let cycle = cycle.unwrap_or(0);
        let used: Vec<(String, i64)> = with_pool!(self.reader, |db| {
            sqlx::query_as(
            "SELECT question_id, domain FROM posts
             WHERE guild_id = $1 AND channel_id = $2 AND exam = $3 AND mode = 'channel' AND cycle = $4 AND state != 'missed'",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(channel))
        .bind(exam)
        .bind(cycle)
        .fetch_all(db).await
        })?;
        Ok((
            cycle,
            used.into_iter()
                .map(|(id, domain)| (id, domain as u8))
                .collect(),
        ))
    }

    /// Whether a scheduled question that opened in `[from, now)` has closed in the guild.
    pub async fn closed_scheduled_post_between(
        &self,
        guild: Snowflake,
        from: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        Ok(with_pool!(self.reader, |db| {
            sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM posts WHERE guild_id = $1 AND schedule_id IS NOT NULL
                AND state IN ('open', 'closed') AND opens_at >= $2 AND opens_at < $3 AND closes_at <= $4)",
        )
        .bind(id_to_sql(guild))
        .bind(to_millis(from))
        .bind(to_millis(now))
        .bind(to_millis(now))
        .fetch_one(db).await
        })?)
    }
}

impl Store {
    /// When the next open post closes (the closer sleeps until then).
    pub async fn next_close_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let (total, first, last) = self.shard_filter();
        let at: Option<i64> = with_pool!(self.reader, |db| sqlx::query_scalar(&format!(
            "SELECT MIN(closes_at) FROM posts WHERE state IN ('claimed', 'open') AND {}",
            on_my_shards("posts", 1)
        ))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_one(db)
        .await)?;
        Ok(at.map(from_millis))
    }
}

impl Store {
    /// The exam of the channel's latest question (for rotating schedules).
    pub async fn last_channel_exam(
        &self,
        guild: Snowflake,
        channel: Snowflake,
    ) -> StoreResult<Option<String>> {
        // Missed occurrences were never shown (and record the schedule's "all", not an exam).
        Ok(with_pool!(self.reader, |db| {
            sqlx::query_scalar("SELECT exam FROM posts WHERE guild_id = $1 AND channel_id = $2 AND mode = 'channel' AND state <> 'missed' ORDER BY post_id DESC LIMIT 1")
            .bind(id_to_sql(guild))
            .bind(id_to_sql(channel))
            .fetch_optional(db).await
        })?)
    }
}

impl Store {
    /// Scheduled posts claimed but never confirmed sent whose send lease has ended (the sender
    /// stopped, or gave up, between the claim and storing the message).
    pub async fn unsent_scheduled_posts(&self, now: DateTime<Utc>) -> StoreResult<Vec<Post>> {
        let (total, first, last) = self.shard_filter();
        let rows: Vec<PostRow> = with_pool!(self.reader, |db| sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE state = 'claimed' AND schedule_id IS NOT NULL
             AND (send_lease_until IS NULL OR send_lease_until <= $1)
             AND {} ORDER BY occurrence_at",
            on_my_shards("posts", 2)
        ))
        .bind(to_millis(now))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_all(db)
        .await)?;
        Ok(rows.into_iter().map(Post::from).collect())
    }

    /// When the earliest send lease still running on an unsent scheduled post ends (the
    /// scheduler wakes then, in case its holder is gone).
    pub async fn next_send_lease_end(
        &self,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let (total, first, last) = self.shard_filter();
        let at: Option<i64> = with_pool!(self.reader, |db| sqlx::query_scalar(&format!(
            "SELECT MIN(send_lease_until) FROM posts WHERE state = 'claimed'
             AND schedule_id IS NOT NULL AND send_lease_until > $1 AND {}",
            on_my_shards("posts", 2)
        ))
        .bind(to_millis(now))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_one(db)
        .await)?;
        Ok(at.map(from_millis))
    }

    /// Takes over sending a claimed post whose lease has ended (compare-and-set): true for the
    /// one caller that now holds it until `until`.
    pub async fn take_send(
        &self,
        guild: Snowflake,
        post_id: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = with_pool!(self.writer, |db| sqlx::query(
            "UPDATE posts SET send_lease_until = $1
             WHERE guild_id = $2 AND post_id = $3 AND state = 'claimed' AND message_id IS NULL
             AND (send_lease_until IS NULL OR send_lease_until <= $4)",
        )
        .bind(to_millis(until))
        .bind(id_to_sql(guild))
        .bind(post_id)
        .bind(to_millis(now))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// Gives up a send lease after a send that surely failed, so the next attempt need not wait;
    /// only the lease `held` (one that passed to someone else stays theirs).
    pub async fn release_send(
        &self,
        guild: Snowflake,
        post_id: i64,
        held: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_pool!(self.writer, |db| sqlx::query(
            "UPDATE posts SET send_lease_until = NULL
             WHERE guild_id = $1 AND post_id = $2 AND state = 'claimed' AND send_lease_until = $3",
        )
        .bind(id_to_sql(guild))
        .bind(post_id)
        .bind(to_millis(held))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Ends the answer window of a channel's open questions now (an admin's early reveal); the
    /// closer then closes and reveals them as at any window's end. Returns their post ids.
    pub async fn end_windows_now(
        &self,
        guild: Snowflake,
        channel: Snowflake,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        Ok(with_pool!(self.writer, |db| sqlx::query_scalar(
            "UPDATE posts SET closes_at = $1
             WHERE guild_id = $2 AND channel_id = $3 AND mode = 'channel' AND state = 'open'
             AND closes_at > $1
             RETURNING post_id",
        )
        .bind(to_millis(now))
        .bind(id_to_sql(guild))
        .bind(id_to_sql(channel))
        .fetch_all(db)
        .await)?)
    }

    /// Records that a scheduled occurrence was not posted; false if it already has a row.
    pub async fn record_missed(
        &self,
        guild: Snowflake,
        channel: Snowflake,
        schedule_id: i64,
        exam: &str,
        occurrence: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = with_pool!(self.writer, |db| {
            sqlx::query(
            "INSERT INTO posts (guild_id, channel_id, mode, schedule_id, occurrence_at, exam, question_id, domain,
                opens_at, closes_at, state, created_at)
             VALUES ($1, $2, 'channel', $3, $4, $5, '', 0, $6, $7, 'missed', $8)
             ON CONFLICT (schedule_id, occurrence_at) DO NOTHING",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(channel))
        .bind(schedule_id)
        .bind(to_millis(occurrence))
        .bind(exam)
        .bind(to_millis(occurrence))
        .bind(to_millis(occurrence))
        .bind(to_millis(now))
        .execute(db).await.map(|done| done.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// Marks a claimed post missed (it could not be sent in time, or not at all).
    pub async fn mark_missed(&self, guild: Snowflake, post_id: i64) -> StoreResult<()> {
        with_pool!(self.writer, |db| {
            sqlx::query("UPDATE posts SET state = 'missed' WHERE guild_id = $1 AND post_id = $2 AND state = 'claimed'")
            .bind(id_to_sql(guild))
            .bind(post_id)
            .execute(db).await.map(|done| done.rows_affected())
        })?;
        Ok(())
    }
}
