//! Members' reports of questions that look wrong, and the sprint rating board: small reads and
//! writes the adapter needs that belong to no larger flow.

use super::{Engine, QuizResult, Rejection};
use crate::bank::Scope;
use crate::store::{Flag, Rating, Snowflake};

/// Rows on the rating board.
pub const RATING_BOARD_SIZE: u32 = 10;

impl Engine {
    /// Flags a question for the admins with the member's reason.
    pub async fn report_question(
        &self,
        guild: Snowflake,
        user: Snowflake,
        question_id: &str,
        reason: &str,
    ) -> QuizResult<()> {
        if self.bank.question(question_id).is_none() {
            return Err(Rejection::UnknownPost.into());
        }
        self.store
            .flag_question(guild, user, question_id, reason, self.now())
            .await?;
        Ok(())
    }

    /// The guild's open question reports, oldest first.
    pub async fn open_reports(&self, guild: Snowflake) -> QuizResult<Vec<Flag>> {
        Ok(self.store.open_flags(guild).await?)
    }

    /// The guild's sprint ratings for one exam or all, best first (by rating minus twice its
    /// uncertainty, so one lucky win does not top the board).
    pub async fn rating_board(
        &self,
        guild: Snowflake,
        scope: &Scope,
    ) -> QuizResult<Vec<(Snowflake, String, Rating)>> {
        Ok(self
            .store
            .rating_board(guild, scope.as_str(), RATING_BOARD_SIZE)
            .await?)
    }
}
