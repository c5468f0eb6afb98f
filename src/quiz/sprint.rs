//! Head-to-head duels and group sprints: everyone gets the same questions in the same order
//! (a seeded draw), answers privately at their own pace within the time limit, and the result
//! ranks by score, then total time. Ratings move after every finished sprint.

use std::sync::Arc;

use chrono::Duration;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::grading::{check_shape, is_correct};
use super::mock::draw;
use super::ratings::{fresh, rate};
use super::{Engine, QuizResult, Rejection, SprintRefusal};
use crate::bank::{Question, Response, Scope};
use crate::store::{
    JoinRefusal, NewSprint, PlayerOutcome, PlayerRow, Rating, Snowflake, SprintRow, SprintState,
};

pub const MIN_QUESTIONS: u32 = 5;
pub const MAX_QUESTIONS: u32 = 20;
pub const MAX_PLAYERS: usize = 25;
/// How long a challenge or a lobby waits.
pub const LOBBY_TIME: Duration = Duration::minutes(10);
/// A result not yet announced this long after the finish is posted again (the announcement
/// that follows the finish normally takes well under this).
pub const ANNOUNCE_RETRY_AFTER: Duration = Duration::minutes(1);
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

    fn draw_sprint(&self, exam: &str, questions: u32, seed: u64) -> QuizResult<Vec<String>> {
        let questions = questions.clamp(MIN_QUESTIONS, MAX_QUESTIONS) as usize;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let items: Vec<Arc<Question>> = if exam == "all" {
            // Round-robin over the exams, each drawn to its own blueprint.
            let exams = self.bank.rotation();
            let mut per_exam: Vec<Vec<Arc<Question>>> = exams
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    draw(
                        e,
                        questions.div_ceil(exams.len()) + usize::from(i == 0),
                        &mut rng,
                    )
                })
                .collect();
            let mut mixed = Vec::new();
            'outer: loop {
                for list in &mut per_exam {
                    if mixed.len() == questions {
                        break 'outer;
                    }
                    if let Some(item) = list.pop() {
                        mixed.push(item);
                    }
                }
                if per_exam.iter().all(Vec::is_empty) {
                    break;
                }
            }
            mixed
        } else {
            draw(self.exam(exam)?, questions, &mut rng)
        };
        if items.is_empty() {
            return Err(Rejection::NoQuestions(exam.to_string()).into());
        }
        Ok(items.iter().map(|q| q.id.clone()).collect())
    }

    /// A challenge to one opponent; it waits for Accept or Decline.
    pub async fn challenge(
        &self,
        request: SprintRequest<'_>,
        opponent: Snowflake,
    ) -> QuizResult<Sprint> {
        if request.host == opponent {
            return Err(SprintRefusal::DuelYourself.into());
        }
        self.ensure_free(request.guild, request.host).await?;
        if self
            .store
            .live_sprint_of(request.guild, opponent)
            .await?
            .is_some()
        {
            return Err(SprintRefusal::OpponentBusy.into());
        }
        self.create_sprint(request, Some(opponent)).await
    }

    /// A group lobby that others join; the host starts it.
    pub async fn open_group(&self, request: SprintRequest<'_>) -> QuizResult<Sprint> {
        self.ensure_free(request.guild, request.host).await?;
        self.create_sprint(request, None).await
    }

    async fn create_sprint(
        &self,
        request: SprintRequest<'_>,
        opponent: Option<Snowflake>,
    ) -> QuizResult<Sprint> {
        let SprintRequest {
            guild,
            channel,
            host,
            host_name,
            exam,
            questions,
            minutes,
        } = request;
        if !(MIN_QUESTIONS..=MAX_QUESTIONS).contains(&questions) {
            return Err(SprintRefusal::QuestionCount {
                min: MIN_QUESTIONS,
                max: MAX_QUESTIONS,
            }
            .into());
        }
        let exam = exam.as_str();
        let seed = self.random.next_seed() >> 1; // fits SQLite's signed integer
        let ids = self.draw_sprint(exam, questions, seed)?;
        let minutes = minutes.unwrap_or(ids.len() as u32).clamp(1, 60);
        let now = self.now();
        let row = self
            .store
            .insert_sprint(&NewSprint {
                guild,
                channel,
                duel: opponent.is_some(),
                opponent,
                host,
                host_name,
                exam,
                items: &ids,
                seed,
                seconds_limit: minutes * 60,
                created_at: now,
                lobby_ends_at: now + LOBBY_TIME,
            })
            .await?
            .map_err(|sprint_id| Rejection::AlreadyInSprint { sprint_id })?;
        self.signals.timer.raise();
        self.load_sprint(guild, row.sprint_id).await
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

    /// The named opponent accepts: the duel starts for both.
    pub async fn accept_duel(
        &self,
        guild: Snowflake,
        sprint_id: i64,
        user: Snowflake,
        name: &str,
    ) -> QuizResult<Sprint> {
        let sprint = self.in_lobby(guild, sprint_id).await?;
        if Some(user) != sprint.row.opponent_id || !sprint.row.duel {
            return Err(Rejection::NotYours.into());
        }
        self.join(guild, sprint_id, user, name, 2).await?;
        self.begin_race(guild, sprint).await
    }

    /// Takes a seat: the checks and the insert are one transaction, so two presses at once
    /// cannot both take the last seat (or put one member in two sprints).
    async fn join(
        &self,
        guild: Snowflake,
        sprint_id: i64,
        user: Snowflake,
        name: &str,
        seats: usize,
    ) -> QuizResult<()> {
        let refusal = match self
            .store
            .join_sprint(guild, sprint_id, user, name, seats, self.now())
            .await?
        {
            Ok(()) => return Ok(()),
            Err(refusal) => refusal,
        };
        Err(match refusal {
            JoinRefusal::NotOpen => SprintRefusal::NotOpen.into(),
            JoinRefusal::AlreadyIn => SprintRefusal::AlreadyInLobby.into(),
            JoinRefusal::Full => SprintRefusal::LobbyFull { seats }.into(),
            JoinRefusal::Busy(sprint_id) => Rejection::AlreadyInSprint { sprint_id },
        }
        .into())
    }

    pub async fn decline_duel(
        &self,
        guild: Snowflake,
        sprint_id: i64,
        user: Snowflake,
    ) -> QuizResult<Sprint> {
        let sprint = self.in_lobby(guild, sprint_id).await?;
        if Some(user) != sprint.row.opponent_id {
            return Err(Rejection::NotYours.into());
        }
        self.store
            .set_sprint_state(
                sprint_id,
                SprintState::Lobby,
                SprintState::Declined,
                None,
                None,
                self.now(),
            )
            .await?;
        self.load_sprint(guild, sprint.row.sprint_id).await
    }

    pub async fn join_group(
        &self,
        guild: Snowflake,
        sprint_id: i64,
        user: Snowflake,
        name: &str,
    ) -> QuizResult<Sprint> {
        let sprint = self.in_lobby(guild, sprint_id).await?;
        if sprint.row.duel {
            // A duel's one seat is the challenged member's (Accept), not a Join button's.
            return Err(Rejection::NotYours.into());
        }
        self.join(guild, sprint_id, user, name, MAX_PLAYERS).await?;
        self.load_sprint(guild, sprint_id).await
    }

    pub async fn leave_group(
        &self,
        guild: Snowflake,
        sprint_id: i64,
        user: Snowflake,
    ) -> QuizResult<Sprint> {
        let sprint = self.in_lobby(guild, sprint_id).await?;
        if sprint.player(user).is_none() {
            return Err(SprintRefusal::NotInLobby.into());
        }
        if user == sprint.row.host_id {
            // The host leaving closes the lobby.
            self.store
                .set_sprint_state(
                    sprint_id,
                    SprintState::Lobby,
                    SprintState::Expired,
                    None,
                    None,
                    self.now(),
                )
                .await?;
        } else {
            self.store.remove_sprint_player(sprint_id, user).await?;
        }
        self.load_sprint(guild, sprint_id).await
    }

    pub async fn start_group(
        &self,
        guild: Snowflake,
        sprint_id: i64,
        user: Snowflake,
    ) -> QuizResult<Sprint> {
        let sprint = self.in_lobby(guild, sprint_id).await?;
        if user != sprint.row.host_id {
            return Err(SprintRefusal::OnlyHostStarts.into());
        }
        if sprint.players.len() < 2 {
            return Err(SprintRefusal::TooFewPlayers { min: 2 }.into());
        }
        self.begin_race(guild, sprint).await
    }

    async fn begin_race(&self, guild: Snowflake, sprint: Sprint) -> QuizResult<Sprint> {
        let now = self.now();
        let ends = now + Duration::seconds(i64::from(sprint.row.seconds_limit));
        self.store
            .set_sprint_state(
                sprint.row.sprint_id,
                SprintState::Lobby,
                SprintState::Running,
                Some(now),
                Some(ends),
                now,
            )
            .await?;
        self.signals.timer.raise();
        self.load_sprint(guild, sprint.row.sprint_id).await
    }

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
        if !self
            .store
            .record_sprint_answer(
                sprint_id,
                user,
                index,
                &letters.letters(),
                correct,
                elapsed,
                last.then_some(now),
            )
            .await?
        {
            let finished =
                self.load_sprint(guild, sprint_id).await?.row.state != SprintState::Running;
            return Err((if finished {
                SprintRefusal::Finished
            } else {
                SprintRefusal::AlreadyAnswered
            })
            .into());
        }
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
                        .set_sprint_state(
                            sprint_id,
                            SprintState::Lobby,
                            SprintState::Expired,
                            None,
                            None,
                            now,
                        )
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
            || !tx.finish_sprint(sprint_id, now).await?
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

    /// Finished sprints whose result is still to be posted: after a restart, or after a
    /// failed post. The newest minute is left to the announcement that follows the finish.
    pub async fn results_to_announce(&self) -> QuizResult<Vec<SprintResult>> {
        let now = self.now();
        let mut results = Vec::new();
        for (guild, sprint_id) in self
            .store
            .unannounced_sprints(now - ANNOUNCE_GIVE_UP, now - ANNOUNCE_RETRY_AFTER)
            .await?
        {
            results.push(result_of(self.load_sprint(guild, sprint_id).await?));
        }
        Ok(results)
    }

    /// Records that the result is in the channel, so it is not posted again.
    pub async fn mark_announced(&self, sprint_id: i64) -> QuizResult<()> {
        Ok(self
            .store
            .mark_sprint_announced(sprint_id, self.now())
            .await?)
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

/// Places by score, then time; ratings are left fresh for the caller to fill in.
fn rank(sprint: &Sprint) -> Vec<Placing> {
    let limit_ms = i64::from(sprint.row.seconds_limit) * 1000;
    let mut placings: Vec<Placing> = Vec::new();
    for player in &sprint.players {
        let mut per_domain: Vec<(u8, u32, u32)> = Vec::new();
        for (item, letters) in sprint.items.iter().zip(&player.responses) {
            let right = letters
                .parse::<Response>()
                .is_ok_and(|response| is_correct(item, &response));
            match per_domain.iter_mut().find(|(d, _, _)| *d == item.domain) {
                Some(entry) => {
                    entry.1 += u32::from(right);
                    entry.2 += 1;
                }
                None => per_domain.push((item.domain, u32::from(right), 1)),
            }
        }
        per_domain.sort_unstable();
        let finished = player.finished_at.is_some();
        placings.push(Placing {
            user_id: player.user_id,
            rank: 0,
            score: player.score,
            time_ms: if finished {
                player.elapsed_ms
            } else {
                limit_ms
            },
            finished,
            per_domain,
            rating_before: fresh(),
            rating_after: fresh(),
        });
    }
    // Score first, then the faster time; equal on both is a tie.
    placings.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.time_ms.cmp(&b.time_ms))
            .then(a.user_id.cmp(&b.user_id))
    });
    for i in 0..placings.len() {
        placings[i].rank = if i > 0
            && placings[i - 1].score == placings[i].score
            && placings[i - 1].time_ms == placings[i].time_ms
        {
            placings[i - 1].rank
        } else {
            i + 1
        };
    }
    placings
}
