//! Ending sprints: a lobby nobody started expires (or a full group lobby starts itself), a race
//! whose time is up or whose players all finished gets its places and ratings in one
//! transaction, and a finished result is kept owed until it is announced.

use super::ranking::rank;
use super::{Settled, Sprint, SprintResult, ANNOUNCE_GIVE_UP, ANNOUNCE_LEASE};
use crate::quiz::ratings::{fresh, rate};
use crate::quiz::{Engine, QuizResult};
use crate::store::{LobbyEnd, PlayerOutcome, Snowflake, SprintState};

impl Engine {
    /// Settles a sprint whose time is up or whose players all finished: expires a stale lobby
    /// (or starts a full group lobby whose countdown ended), or finishes a race with placings and
    /// new ratings. `None` if there was nothing to settle.
    pub async fn settle(
        &self,
        guild: Snowflake,
        sprint_id: i64,
    ) -> QuizResult<Option<SprintResult>> {
        let sprint = self.load_sprint(guild, sprint_id).await?;
        let now = self.now();
        match sprint.row.state {
            SprintState::Lobby if sprint.row.ends_at.is_some_and(|d| now >= d) => {
                if !sprint.row.duel && sprint.players.len() >= 2 {
                    self.begin_race(guild, sprint).await?;
                } else {
                    self.store
                        .close_sprint_lobby(sprint_id, LobbyEnd::Expired, now)
                        .await?;
                }
                Ok(None)
            }
            SprintState::Running => self.finish_race(guild, sprint_id).await,
            _ => Ok(None),
        }
    }

    /// Settles everything due (after a restart too); returns the finished results to announce.
    pub async fn settle_due_sprints(&self) -> QuizResult<Vec<Settled>> {
        let mut settled = Vec::new();
        for (guild, sprint_id) in self.store.sprints_due(self.now()).await? {
            let before = self.load_sprint(guild, sprint_id).await?.row.state;
            if let Some(result) = self.settle(guild, sprint_id).await? {
                settled.push(Settled::Finished(result));
                continue;
            }
            let after = self.load_sprint(guild, sprint_id).await?;
            match (before, after.row.state) {
                (SprintState::Lobby, SprintState::Running) => settled.push(Settled::Started(after)),
                (SprintState::Lobby, SprintState::Expired) => settled.push(Settled::Expired(after)),
                _ => {}
            }
        }
        Ok(settled)
    }

    /// Ends a race whose time is up or whose players all finished. The finish, every player's
    /// place and every rating change are one transaction: all of them or none.
    async fn finish_race(
        &self,
        guild: Snowflake,
        sprint_id: i64,
    ) -> QuizResult<Option<SprintResult>> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        // Read inside the transaction: no answer lands between this read and the result.
        let Some((row, players)) = tx.sprint(guild, sprint_id).await? else {
            return Ok(None);
        };
        let sprint = self.assemble(row, players);
        let all_done = sprint.players.iter().all(|p| p.finished_at.is_some());
        let due = all_done || sprint.row.ends_at.is_some_and(|end| now >= end);
        if sprint.row.state != SprintState::Running
            || !due
            || !tx
                .finish_sprint(sprint_id, now, now + ANNOUNCE_LEASE)
                .await?
        {
            return Ok(None);
        }
        let mut placings = rank(&sprint);
        if placings.len() >= 2 {
            let ranks: Vec<usize> = placings.iter().map(|p| p.rank).collect();
            for key in [sprint.row.exam.clone(), "all".to_string()]
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>()
            {
                let mut before = Vec::new();
                for placing in &placings {
                    before.push(
                        tx.rating(guild, placing.user_id, &key)
                            .await?
                            .unwrap_or_else(fresh),
                    );
                }
                let after = rate(&before, &ranks);
                for ((placing, old), new) in placings.iter_mut().zip(&before).zip(&after) {
                    tx.save_rating(guild, placing.user_id, &key, *new, now)
                        .await?;
                    if key == sprint.row.exam {
                        placing.rating_before = *old;
                        placing.rating_after = *new;
                    }
                }
            }
        }
        for placing in &placings {
            let outcome = PlayerOutcome {
                place: placing.rank,
                rating_before: placing.rating_before,
                rating_after: placing.rating_after,
            };
            tx.save_outcome(sprint_id, placing.user_id, &outcome)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(result_of(self.load_sprint(guild, sprint_id).await?)))
    }

    /// The next finished sprint whose result is still to be posted (after a restart, or after a
    /// failed post), now held by this caller for [`ANNOUNCE_LEASE`]; `None` when none is owed
    /// or every owed one is held by someone else. A result whose finisher still holds it is
    /// left to the announcement that follows the finish. Taken one at a time, just before it is
    /// posted, so a backlog does not outlast the leases taken for it; `except` are the sprints
    /// already tried in this pass.
    pub async fn next_result_to_announce(
        &self,
        except: &[i64],
    ) -> QuizResult<Option<SprintResult>> {
        let now = self.now();
        for (guild, sprint_id) in self
            .store
            .unannounced_sprints(now - ANNOUNCE_GIVE_UP, now)
            .await?
            .into_iter()
            .filter(|(_, sprint_id)| !except.contains(sprint_id))
        {
            // Another process (overlapping during a redeploy) may have taken it since the read.
            if self
                .store
                .take_announcement(sprint_id, now, now + ANNOUNCE_LEASE)
                .await?
            {
                return Ok(Some(result_of(self.load_sprint(guild, sprint_id).await?)));
            }
        }
        Ok(None)
    }

    /// Records that the result is in the channel, so it is not posted again.
    pub async fn mark_announced(&self, sprint_id: i64) -> QuizResult<()> {
        Ok(self
            .store
            .mark_sprint_announced(sprint_id, self.now())
            .await?)
    }
}

/// A finished sprint's result as stored: places and rating changes from the finishing
/// transaction, the rest recomputed from the players' answers.
fn result_of(sprint: Sprint) -> SprintResult {
    let mut placings = rank(&sprint);
    for placing in &mut placings {
        if let Some(outcome) = sprint.player(placing.user_id).and_then(|p| p.outcome) {
            placing.rank = outcome.place;
            placing.rating_before = outcome.rating_before;
            placing.rating_after = outcome.rating_after;
        }
    }
    placings.sort_by_key(|p| p.rank);
    SprintResult { sprint, placings }
}
