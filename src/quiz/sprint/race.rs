//! The race: each player's private answers, in order, within the time limit.

use super::{SprintRefusal, SprintStep};
use crate::bank::Response;
use crate::quiz::grading::{check_shape, is_correct};
use crate::quiz::review_queue::record_card;
use crate::quiz::{Engine, QuizResult, Rejection};
use crate::store::{Snowflake, SprintAnswer, SprintState};

impl Engine {
    /// A player's answer to their next question (`index` guards against a stale or repeated press).
    pub async fn sprint_answer(
        &self,
        guild: Snowflake,
        sprint_id: i64,
        user: Snowflake,
        index: usize,
        response: Response,
    ) -> QuizResult<SprintStep> {
        let sprint = self.load_sprint(guild, sprint_id).await?;
        let player = sprint.player(user).ok_or(Rejection::NotYours)?;
        if sprint.row.state != SprintState::Running {
            return Err(SprintRefusal::NotRunning.into());
        }
        let now = self.now();
        if sprint.row.ends_at.is_some_and(|end| now >= end) {
            let result = self.settle(guild, sprint_id).await?;
            return Ok(SprintStep {
                sprint: result.as_ref().map_or(sprint.clone(), |r| r.sprint.clone()),
                correct: false,
                result,
            });
        }
        if index != player.position {
            return Err(SprintRefusal::AlreadyAnswered.into());
        }
        let question = sprint.items.get(index).ok_or(Rejection::NoSuchSprint)?;
        check_shape(question, &response).map_err(Rejection::InvalidResponse)?;
        let correct = is_correct(question, &response);
        let started = sprint.row.started_at.unwrap_or(now);
        let elapsed = (now - started).num_milliseconds();
        let last = index + 1 == sprint.items.len();
        let mut letters = response;
        if question.kind == crate::bank::Kind::Multiple {
            letters.0.sort_unstable();
        }
        // The answer and the review card it makes (a miss) or grades: both or neither.
        let mut tx = self.store.begin().await?;
        let recorded = tx
            .record_sprint_answer(&SprintAnswer {
                sprint_id,
                user,
                index,
                letters: &letters.letters(),
                correct,
                elapsed_ms: elapsed,
                finished_at: last.then_some(now),
            })
            .await?;
        if !recorded {
            drop(tx);
            let finished =
                self.load_sprint(guild, sprint_id).await?.row.state != SprintState::Running;
            return Err((if finished {
                SprintRefusal::Finished
            } else {
                SprintRefusal::AlreadyAnswered
            })
            .into());
        }
        record_card(&mut tx, guild, user, question, correct, now).await?;
        tx.commit().await?;
        let sprint = self.load_sprint(guild, sprint_id).await?;
        let result = if sprint.players.iter().all(|p| p.finished_at.is_some()) {
            self.settle(guild, sprint_id).await?
        } else {
            None
        };
        Ok(SprintStep {
            sprint,
            correct,
            result,
        })
    }
}
