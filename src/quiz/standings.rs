//! Leaderboards: per guild, by exam or all, for this week, this month or all time.

use super::{Engine, QuizResult};
use crate::store::{Period, Snowflake, Standing};

/// Rows on one leaderboard page.
pub const PAGE_SIZE: u32 = 10;

impl Engine {
    /// One page of the guild's leaderboard and the caller's own row. Weeks and months are the
    /// guild's, in its time zone.
    pub async fn leaderboard(
        &self,
        guild: Snowflake,
        exam: Option<&str>,
        period: Period,
        caller: Snowflake,
        page: u32,
    ) -> QuizResult<Standing> {
        let exam_id = match exam {
            Some(id) => Some(self.exam(id)?.id.clone()),
            None => None,
        };
        let zone = self.store.guild_timezone(guild).await?;
        let key = period.key(self.now(), zone);
        Ok(self
            .store
            .standing(
                guild,
                exam_id.as_deref(),
                &key,
                caller,
                PAGE_SIZE,
                page * PAGE_SIZE,
            )
            .await?)
    }
}
