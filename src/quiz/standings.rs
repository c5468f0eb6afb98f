//! Leaderboards: per guild, by exam or all, for this week, this month or all time.

use std::collections::HashMap;

use chrono_tz::Tz;

use super::calendar::day_start;
use super::{Engine, QuizResult};
use crate::bank::{ExamId, Scope};
use crate::store::{Period, Snowflake, Standing};

/// Rows on one leaderboard page.
pub const PAGE_SIZE: u32 = 10;

impl Engine {
    /// One page of the guild's leaderboard and the caller's own row. Weeks and months are the
    /// guild's, in its time zone. A page past the end (the board shrank since it was shown)
    /// becomes the last page.
    pub async fn leaderboard(
        &self,
        guild: Snowflake,
        scope: &Scope,
        period: Period,
        caller: Snowflake,
        page: u32,
    ) -> QuizResult<Standing> {
        let exam_id = scope.exam().map(ExamId::as_str);
        let zone = self.store.guild_timezone(guild).await?;
        let key = period.key(self.now(), zone);
        let fetch = |page: u32| {
            self.store
                .standing(guild, exam_id, &key, caller, PAGE_SIZE, page * PAGE_SIZE)
        };
        let mut standing = fetch(page).await?;
        if standing.top.is_empty() && page > 0 {
            let ranked = fetch(0).await?.ranked;
            let last = ranked.saturating_sub(1) / PAGE_SIZE;
            standing = fetch(last.min(page)).await?;
        }
        self.freshen_streaks(guild, zone, &mut standing).await?;
        Ok(standing)
    }

    /// Stored streaks change only when a member answers; one whose member let a scheduled
    /// question close unanswered since shows as broken, as /stats does.
    async fn freshen_streaks(
        &self,
        guild: Snowflake,
        zone: Tz,
        standing: &mut Standing,
    ) -> QuizResult<()> {
        let now = self.now();
        let mut broken_after: HashMap<i32, bool> = HashMap::new();
        for row in standing.top.iter_mut().chain(standing.caller.as_mut()) {
            let Some(day) = row.streak_day.filter(|_| row.current_streak > 0) else {
                continue;
            };
            let broken = match broken_after.get(&day) {
                Some(broken) => *broken,
                None => {
                    let broken = self
                        .store
                        .closed_scheduled_post_between(guild, day_start(day + 1, zone), now)
                        .await?;
                    broken_after.insert(day, broken);
                    broken
                }
            };
            if broken {
                row.current_streak = 0;
            }
        }
        Ok(())
    }
}
