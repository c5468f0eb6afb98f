//! Daily question schedules, one per channel.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{id_from_sql, id_to_sql, on_my_shards, Snowflake, Store, StoreResult};
use crate::clock::{from_millis, to_millis};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSchedule {
    pub guild_id: Snowflake,
    pub channel_id: Snowflake,
    /// An exam id, or "all" to rotate through the exams.
    pub exam: String,
    /// "HH:MM" in `timezone`.
    pub time_of_day: String,
    pub timezone: String,
    /// "daily", "weekdays", or days like "mon,wed,fri".
    pub days: String,
    pub window_minutes: u32,
    pub mention_role_id: Option<Snowflake>,
    pub created_by: Snowflake,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub schedule_id: i64,
    pub settings: NewSchedule,
    /// Last saved or resumed: occurrences before this are not owed.
    pub updated_at: DateTime<Utc>,
    pub paused: bool,
    pub paused_reason: Option<String>,
}

#[derive(FromRow)]
struct ScheduleRow {
    schedule_id: i64,
    guild_id: i64,
    channel_id: i64,
    exam: String,
    time_of_day: String,
    timezone: String,
    days: String,
    window_minutes: i64,
    mention_role_id: Option<i64>,
    created_by: i64,
    paused: i64,
    paused_reason: Option<String>,
    updated_at: i64,
}

impl From<ScheduleRow> for Schedule {
    fn from(row: ScheduleRow) -> Schedule {
        Schedule {
            schedule_id: row.schedule_id,
            settings: NewSchedule {
                guild_id: id_from_sql(row.guild_id),
                channel_id: id_from_sql(row.channel_id),
                exam: row.exam,
                time_of_day: row.time_of_day,
                timezone: row.timezone,
                days: row.days,
                window_minutes: row.window_minutes as u32,
                mention_role_id: row.mention_role_id.map(id_from_sql),
                created_by: id_from_sql(row.created_by),
            },
            updated_at: from_millis(row.updated_at),
            paused: row.paused != 0,
            paused_reason: row.paused_reason,
        }
    }
}

const SCHEDULE_COLUMNS: &str =
    "schedule_id, guild_id, channel_id, exam, time_of_day, timezone, days, window_minutes,
     mention_role_id, created_by, paused, paused_reason, updated_at";

impl Store {
    /// Creates the channel's schedule, or replaces its settings (and resumes it). Returns its id.
    pub async fn save_schedule(
        &self,
        schedule: &NewSchedule,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin().await?;
        tx.ensure_guild(schedule.guild_id, now).await?;
        let id = with_tx!(tx.tx, |db| {
            sqlx::query_scalar(
            "INSERT INTO schedules (guild_id, channel_id, exam, time_of_day, timezone, days, window_minutes,
                mention_role_id, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (guild_id, channel_id) DO UPDATE SET
                exam = excluded.exam, time_of_day = excluded.time_of_day, timezone = excluded.timezone,
                days = excluded.days, window_minutes = excluded.window_minutes,
                mention_role_id = excluded.mention_role_id, paused = 0, paused_reason = NULL,
                updated_at = excluded.updated_at, notified_at = NULL
             RETURNING schedule_id",
        )
        .bind(id_to_sql(schedule.guild_id))
        .bind(id_to_sql(schedule.channel_id))
        .bind(&schedule.exam)
        .bind(&schedule.time_of_day)
        .bind(&schedule.timezone)
        .bind(&schedule.days)
        .bind(i64::from(schedule.window_minutes))
        .bind(schedule.mention_role_id.map(id_to_sql))
        .bind(id_to_sql(schedule.created_by))
        .bind(to_millis(now))
        .bind(to_millis(now))
        .fetch_one(db).await
        })?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn schedules_of(&self, guild: Snowflake) -> StoreResult<Vec<Schedule>> {
        let rows: Vec<ScheduleRow> = with_pool!(self.reader, |db| sqlx::query_as(&format!(
            "SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE guild_id = $1 ORDER BY channel_id"
        ))
        .bind(id_to_sql(guild))
        .fetch_all(db)
        .await)?;
        Ok(rows.into_iter().map(Schedule::from).collect())
    }

    /// Every schedule of every guild (the scheduler's work list).
    pub async fn all_schedules(&self) -> StoreResult<Vec<Schedule>> {
        let (total, first, last) = self.shard_filter();
        let rows: Vec<ScheduleRow> = with_pool!(self.reader, |db| sqlx::query_as(&format!(
            "SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE {} ORDER BY schedule_id",
            on_my_shards("schedules", 1)
        ))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_all(db)
        .await)?;
        Ok(rows.into_iter().map(Schedule::from).collect())
    }

    pub async fn schedule_for_channel(
        &self,
        guild: Snowflake,
        channel: Snowflake,
    ) -> StoreResult<Option<Schedule>> {
        let row: Option<ScheduleRow> = with_pool!(self.reader, |db| sqlx::query_as(&format!(
            "SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE guild_id = $1 AND channel_id = $2"
        ))
        .bind(id_to_sql(guild))
        .bind(id_to_sql(channel))
        .fetch_optional(db)
        .await)?;
        Ok(row.map(Schedule::from))
    }

    /// Pauses (with a reason) or resumes a channel's schedule; false if the channel has none.
    /// Resuming owes nothing for the paused days.
    pub async fn set_schedule_paused(
        &self,
        guild: Snowflake,
        channel: Snowflake,
        paused: bool,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = with_pool!(self.writer, |db| sqlx::query(
            "UPDATE schedules SET paused = $1, paused_reason = $2, notified_at = NULL,
                updated_at = CASE WHEN $1 <> 0 THEN updated_at ELSE $3 END
             WHERE guild_id = $4 AND channel_id = $5",
        )
        .bind(i64::from(paused))
        .bind(reason)
        .bind(to_millis(now))
        .bind(id_to_sql(guild))
        .bind(id_to_sql(channel))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    pub async fn delete_schedule(&self, guild: Snowflake, channel: Snowflake) -> StoreResult<bool> {
        let done = with_pool!(self.writer, |db| sqlx::query(
            "DELETE FROM schedules WHERE guild_id = $1 AND channel_id = $2"
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(channel))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }
}

impl Store {
    /// Pauses a schedule the bot cannot serve. Returns true the first time, when the admins
    /// should be told (they are told once, not on every retry).
    pub async fn pause_schedule_for_failure(
        &self,
        schedule_id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let first = with_pool!(self.writer, |db| {
            sqlx::query(
            "UPDATE schedules SET paused = 1, paused_reason = $1, notified_at = $2 WHERE schedule_id = $3 AND notified_at IS NULL",
        )
        .bind(reason)
        .bind(to_millis(now))
        .bind(schedule_id)
        .execute(db).await.map(|done| done.rows_affected())
        })?;
        Ok(first == 1)
    }

    /// The latest occurrence a schedule has a post (or a missed record) for.
    pub async fn last_occurrence(&self, schedule_id: i64) -> StoreResult<Option<DateTime<Utc>>> {
        let at: Option<i64> = with_pool!(self.reader, |db| sqlx::query_scalar(
            "SELECT MAX(occurrence_at) FROM posts WHERE schedule_id = $1"
        )
        .bind(schedule_id)
        .fetch_one(db)
        .await)?;
        Ok(at.map(from_millis))
    }
}
