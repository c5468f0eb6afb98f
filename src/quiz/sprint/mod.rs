//! Head-to-head duels and group sprints: everyone gets the same questions in the same order
//! (a seeded draw), answers privately at their own pace within the time limit, and the result
//! ranks by score, then total time. Ratings move after every finished sprint.
//!
//! `lobby` opens, joins and starts sprints; `race` takes the private answers; `settle` ends
//! lobbies and races and keeps results until they are announced; `ranking` places players.

mod lobby;
mod race;
mod ranking;
mod settle;

use std::sync::Arc;

use chrono::Duration;

use super::{Engine, QuizResult, Rejection, SprintRefusal};
use crate::bank::{Question, Scope};
use crate::store::{PlayerRow, Rating, Snowflake, SprintRow, SprintState};

pub const MIN_QUESTIONS: u32 = 5;
pub const MAX_QUESTIONS: u32 = 20;
pub const MAX_PLAYERS: usize = 25;
/// How long a challenge or a lobby waits.
pub const LOBBY_TIME: Duration = Duration::minutes(10);
/// How long the process that finished a sprint (or took over its result) alone may post the
/// result; after that, a result still not posted is taken over by another pass or process.
/// Posting normally takes well under this.
pub const ANNOUNCE_LEASE: Duration = Duration::minutes(1);
/// How long posting a result may take before it is left to the next holder (well inside
/// [`ANNOUNCE_LEASE`], so nobody else posts while this post may still land).
pub const ANNOUNCE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(40);
/// Results older than this are no longer news: stop trying to post them.
pub const ANNOUNCE_GIVE_UP: Duration = Duration::days(1);

/// What a member asks for with /sprint duel or /sprint open.
#[derive(Debug, Clone)]
pub struct SprintRequest<'a> {
    pub guild: Snowflake,
    pub channel: Snowflake,
    pub host: Snowflake,
    pub host_name: &'a str,
    pub exam: &'a Scope,
    pub questions: u32,
    /// The time limit; one minute a question when not given.
    pub minutes: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Sprint {
    pub row: SprintRow,
    pub players: Vec<PlayerRow>,
    pub items: Vec<Arc<Question>>,
}

impl Sprint {
    pub fn player(&self, user: Snowflake) -> Option<&PlayerRow> {
        self.players.iter().find(|p| p.user_id == user)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Placing {
    pub user_id: Snowflake,
    pub rank: usize,
    pub score: u32,
    /// Time taken; the whole limit for anyone who did not finish.
    pub time_ms: i64,
    pub finished: bool,
    /// (domain, right, asked)
    pub per_domain: Vec<(u8, u32, u32)>,
    pub rating_before: Rating,
    pub rating_after: Rating,
}

#[derive(Debug, Clone)]
pub struct SprintResult {
    pub sprint: Sprint,
    pub placings: Vec<Placing>,
}

/// What settling a due sprint did.
#[derive(Debug, Clone)]
pub enum Settled {
    /// A group lobby's countdown ended with enough players: the race began.
    Started(Sprint),
    /// A challenge or lobby nobody started in time.
    Expired(Sprint),
    Finished(SprintResult),
}

/// What one private answer did.
#[derive(Debug, Clone)]
pub struct SprintStep {
    pub sprint: Sprint,
    pub correct: bool,
    /// Set when this answer finished the whole sprint.
    pub result: Option<SprintResult>,
}

impl Engine {
    async fn ensure_free(&self, guild: Snowflake, user: Snowflake) -> QuizResult<()> {
        match self.store.live_sprint_of(guild, user).await? {
            Some(sprint_id) => Err(Rejection::AlreadyInSprint { sprint_id }.into()),
            None => Ok(()),
        }
    }

    /// Records the channel message that shows the sprint, so the timer can update it.
    pub async fn set_sprint_message(
        &self,
        guild: Snowflake,
        sprint_id: i64,
        message: Snowflake,
    ) -> QuizResult<()> {
        self.store
            .set_sprint_message(guild, sprint_id, message)
            .await?;
        self.signals.timer.raise();
        Ok(())
    }

    pub async fn load_sprint(&self, guild: Snowflake, sprint_id: i64) -> QuizResult<Sprint> {
        let (row, players) = self
            .store
            .sprint(guild, sprint_id)
            .await?
            .ok_or(Rejection::NoSuchSprint)?;
        Ok(self.assemble(row, players))
    }

    async fn in_lobby(&self, guild: Snowflake, sprint_id: i64) -> QuizResult<Sprint> {
        let sprint = self.load_sprint(guild, sprint_id).await?;
        if sprint.row.state != SprintState::Lobby {
            return Err(SprintRefusal::NotOpen.into());
        }
        if sprint
            .row
            .ends_at
            .is_some_and(|deadline| self.now() >= deadline)
        {
            self.settle(guild, sprint_id).await?;
            return Err(SprintRefusal::Expired.into());
        }
        Ok(sprint)
    }

    fn assemble(&self, row: SprintRow, players: Vec<PlayerRow>) -> Sprint {
        let items = row
            .question_ids
            .iter()
            .filter_map(|id| self.bank.question(id).cloned())
            .collect();
        Sprint {
            row,
            players,
            items,
        }
    }
}
