//! Schedule operations: what `/daily` asks of the engine. Each change wakes the scheduler, so
//! a schedule due sooner than the scheduler planned to look is served on time.

use chrono::{DateTime, Utc};

use super::{Engine, QuizResult};
use crate::schedule::Rule;
use crate::store::{NewSchedule, Schedule, Snowflake};

/// What an admin asks for with `/daily setup`, already parsed.
#[derive(Debug, Clone)]
pub struct ScheduleRequest {
    pub guild: Snowflake,
    pub channel: Snowflake,
    /// An exam id, or "all" to rotate.
    pub exam: String,
    pub rule: Rule,
    pub window_minutes: u32,
    pub mention_role: Option<Snowflake>,
    pub created_by: Snowflake,
}

/// A saved schedule and when it posts next.
#[derive(Debug, Clone)]
pub struct ScheduleSaved {
    pub settings: NewSchedule,
    pub next: DateTime<Utc>,
}

impl Engine {
    /// Creates or replaces a channel's schedule. The server's weeks, months and streak days
    /// follow the zone its admins schedule in.
    pub async fn set_up_schedule(&self, request: ScheduleRequest) -> QuizResult<ScheduleSaved> {
        let now = self.now();
        let rule = &request.rule;
        let settings = NewSchedule {
            guild_id: request.guild,
            channel_id: request.channel,
            exam: request.exam,
            time_of_day: rule.time.format("%H:%M").to_string(),
            timezone: rule.zone.name().to_string(),
            days: rule.days.describe(),
            window_minutes: request.window_minutes,
            mention_role_id: request.mention_role,
            created_by: request.created_by,
        };
        self.store.save_schedule(&settings, now).await?;
        self.store
            .set_guild_timezone(request.guild, rule.zone, now)
            .await?;
        self.signals.scheduler.raise();
        Ok(ScheduleSaved {
            settings,
            next: rule.next_after(now),
        })
    }

    pub async fn schedules_of(&self, guild: Snowflake) -> QuizResult<Vec<Schedule>> {
        Ok(self.store.schedules_of(guild).await?)
    }

    pub async fn schedule_for_channel(
        &self,
        guild: Snowflake,
        channel: Snowflake,
    ) -> QuizResult<Option<Schedule>> {
        Ok(self.store.schedule_for_channel(guild, channel).await?)
    }

    /// Pauses (with a reason) or resumes a channel's schedule; false if the channel has none.
    pub async fn set_schedule_paused(
        &self,
        guild: Snowflake,
        channel: Snowflake,
        paused: bool,
        reason: Option<&str>,
    ) -> QuizResult<bool> {
        let changed = self
            .store
            .set_schedule_paused(guild, channel, paused, reason, self.now())
            .await?;
        if changed {
            self.signals.scheduler.raise();
        }
        Ok(changed)
    }

    /// Removes a channel's schedule (past posts and answers stay); false if it had none.
    pub async fn remove_schedule(&self, guild: Snowflake, channel: Snowflake) -> QuizResult<bool> {
        let removed = self.store.delete_schedule(guild, channel).await?;
        if removed {
            self.signals.scheduler.raise();
        }
        Ok(removed)
    }
}
