//! What the background loops (scheduler, closer, timer) read and record. They run below the
//! adapter and reach the database only through these methods, like every other caller.

use chrono::{DateTime, Duration, Utc};

use super::{Engine, QuizResult};
use crate::store::{OwedReveal, Post, Schedule, Snowflake};

/// How long a process holds a reveal it is delivering: far longer than an edit with its
/// retries takes, and short enough that a reveal a crashed process held is soon tried again.
pub const REVEAL_LEASE: Duration = Duration::minutes(2);
/// How long a process holds a channel post it claimed and is sending: past the longest it
/// waits for Discord on it ([`FIND_TIMEOUT`] looking for an earlier send, then
/// [`SEND_TIMEOUT`] sending), so nobody else sends while its send may still land.
pub const SEND_LEASE: Duration = Duration::minutes(2);
/// How long a sender waits for Discord's answer to a send before leaving the post to whoever
/// holds it next.
pub const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
/// How long a process that took over an unsent post looks for an earlier send in the channel.
pub const FIND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl Engine {
    /// Every schedule of every guild (the scheduler's work list).
    pub async fn all_schedules(&self) -> QuizResult<Vec<Schedule>> {
        Ok(self.store.all_schedules().await?)
    }

    /// Scheduled posts claimed but never confirmed sent, whose sender's lease has ended (it
    /// stopped between the two, or gave up).
    pub async fn unsent_scheduled_posts(&self) -> QuizResult<Vec<Post>> {
        Ok(self.store.unsent_scheduled_posts(self.now()).await?)
    }

    /// Takes over sending an unsent post for [`SEND_LEASE`]: the post as now held, or `None`
    /// if someone else holds it.
    pub async fn take_send(&self, post: &Post) -> QuizResult<Option<Post>> {
        let now = self.now();
        let until = now + SEND_LEASE;
        let taken = self
            .store
            .take_send(post.guild_id, post.post_id, now, until)
            .await?;
        Ok(taken.then(|| Post {
            send_lease_until: Some(until),
            ..post.clone()
        }))
    }

    /// Lets go of a post whose send surely failed, so the next attempt need not wait the lease
    /// (only the lease this post holds: one that passed to someone else stays theirs).
    pub async fn release_send(&self, post: &Post) -> QuizResult<()> {
        if let Some(held) = post.send_lease_until {
            self.store
                .release_send(post.guild_id, post.post_id, held)
                .await?;
        }
        Ok(())
    }

    /// When the earliest send lease still running on an unsent scheduled post ends.
    pub async fn next_send_lease_end(&self) -> QuizResult<Option<DateTime<Utc>>> {
        Ok(self.store.next_send_lease_end(self.now()).await?)
    }

    /// The latest occurrence a schedule has a post (or a missed record) for.
    pub async fn last_occurrence(&self, schedule_id: i64) -> QuizResult<Option<DateTime<Utc>>> {
        Ok(self.store.last_occurrence(schedule_id).await?)
    }

    /// Marks a claimed post missed (it could not be sent in time, or not at all).
    pub async fn mark_missed(&self, guild: Snowflake, post_id: i64) -> QuizResult<()> {
        Ok(self.store.mark_missed(guild, post_id).await?)
    }

    /// Records that an occurrence fell while the bot was not running; false if already known.
    pub async fn record_missed_occurrence(
        &self,
        schedule: &Schedule,
        occurrence: DateTime<Utc>,
    ) -> QuizResult<bool> {
        let settings = &schedule.settings;
        Ok(self
            .store
            .record_missed(
                settings.guild_id,
                settings.channel_id,
                schedule.schedule_id,
                &settings.exam,
                occurrence,
                self.now(),
            )
            .await?)
    }

    /// Pauses a schedule the bot cannot serve; true the first time (when the admins are told).
    pub async fn pause_schedule_for_failure(
        &self,
        schedule_id: i64,
        reason: &str,
    ) -> QuizResult<bool> {
        Ok(self
            .store
            .pause_schedule_for_failure(schedule_id, reason, self.now())
            .await?)
    }

    /// Open posts whose window has ended.
    pub async fn posts_due_to_close(&self) -> QuizResult<Vec<Post>> {
        Ok(self.store.posts_due_to_close(self.now()).await?)
    }

    /// The next close or owed reveal, whichever comes first.
    pub async fn next_closer_work_at(&self) -> QuizResult<Option<DateTime<Utc>>> {
        let close = self.store.next_close_at().await?;
        let reveal = self.store.next_reveal_at().await?;
        Ok(close.into_iter().chain(reveal).min())
    }

    /// When the next owed reveal is due, if any.
    pub async fn next_reveal_at(&self) -> QuizResult<Option<DateTime<Utc>>> {
        Ok(self.store.next_reveal_at().await?)
    }

    /// Reveals due now, oldest first, at most `limit`.
    pub async fn reveals_due(&self, limit: u32) -> QuizResult<Vec<OwedReveal>> {
        Ok(self.store.reveals_due(self.now(), limit).await?)
    }

    /// Takes an owed reveal for one attempt; false if another process took it first.
    pub async fn take_reveal(&self, owed: &OwedReveal) -> QuizResult<bool> {
        Ok(self
            .store
            .take_reveal(owed, self.now() + REVEAL_LEASE)
            .await?)
    }

    /// The reveal landed, or was given up: nothing is owed any more.
    pub async fn settle_reveal(&self, guild: Snowflake, post_id: i64) -> QuizResult<()> {
        Ok(self.store.settle_reveal(guild, post_id).await?)
    }

    /// A reveal failed for now: try again at `retry_at`.
    pub async fn postpone_reveal(
        &self,
        guild: Snowflake,
        post_id: i64,
        retry_at: DateTime<Utc>,
    ) -> QuizResult<()> {
        Ok(self.store.postpone_reveal(guild, post_id, retry_at).await?)
    }

    /// The next sprint or mock deadline the timer must act on.
    pub async fn next_timer_deadline(&self) -> QuizResult<Option<DateTime<Utc>>> {
        Ok(self.store.next_sprint_deadline().await?)
    }
}

impl Engine {
    /// Writes a consistent copy of the database to `to` (which must not exist) while answers
    /// keep being recorded: the copy holds every transaction committed before it began.
    pub async fn backup_to(&self, to: &std::path::Path) -> QuizResult<()> {
        Ok(self.store.backup(to).await?)
    }
}
