//! What a server or a member can take away: plain rows, each scoped to one guild. The adapter
//! turns them into files.

use super::{Engine, QuizResult};
use crate::store::{AnswerRecord, MemberSummary, Snowflake};

impl Engine {
    /// The guild's members with their board points, accuracy and streaks, highest points first.
    pub async fn server_export(&self, guild: Snowflake) -> QuizResult<Vec<MemberSummary>> {
        Ok(self.store.member_summaries(guild).await?)
    }

    /// The member's own answers in this guild (channel questions and /quiz), oldest first.
    pub async fn answer_history(
        &self,
        guild: Snowflake,
        user: Snowflake,
    ) -> QuizResult<Vec<AnswerRecord>> {
        Ok(self.store.answer_history(guild, user).await?)
    }
}
