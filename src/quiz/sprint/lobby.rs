//! Opening a sprint (a duel challenge or a group lobby), taking seats, and starting the race.

use std::sync::Arc;

use chrono::Duration;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{Sprint, SprintRequest, LOBBY_TIME, MAX_PLAYERS, MAX_QUESTIONS, MIN_QUESTIONS};
use crate::bank::Question;
use crate::quiz::mock::draw;
use crate::quiz::{Engine, QuizResult, Rejection, SprintRefusal};
use crate::store::{JoinRefusal, LobbyEnd, NewSprint, Snowflake};

impl Engine {
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
            .close_sprint_lobby(sprint_id, LobbyEnd::Declined, self.now())
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
                .close_sprint_lobby(sprint_id, LobbyEnd::Expired, self.now())
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

    pub(super) async fn begin_race(&self, guild: Snowflake, sprint: Sprint) -> QuizResult<Sprint> {
        let now = self.now();
        let ends = now + Duration::seconds(i64::from(sprint.row.seconds_limit));
        self.store
            .start_sprint_race(sprint.row.sprint_id, now, ends)
            .await?;
        self.signals.timer.raise();
        self.load_sprint(guild, sprint.row.sprint_id).await
    }
}
