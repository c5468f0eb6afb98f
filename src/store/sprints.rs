//! Duels and group sprints with their players: rows, so a restart continues them.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{
    id_from_sql, id_to_sql, on_my_shards, On, Rating, Snowflake, Store, StoreResult, WriteTx,
};
use crate::clock::{from_millis, to_millis};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SprintState {
    /// A duel challenge waiting for an answer, or a group lobby filling up.
    Lobby,
    Running,
    Finished,
    /// Nobody accepted or started it in time.
    Expired,
    Declined,
}

impl SprintState {
    pub fn as_str(self) -> &'static str {
        match self {
            SprintState::Lobby => "lobby",
            SprintState::Running => "running",
            SprintState::Finished => "finished",
            SprintState::Expired => "expired",
            SprintState::Declined => "declined",
        }
    }

    fn parse(text: &str) -> SprintState {
        match text {
            "lobby" => SprintState::Lobby,
            "running" => SprintState::Running,
            "expired" => SprintState::Expired,
            "declined" => SprintState::Declined,
            _ => SprintState::Finished,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SprintRow {
    pub sprint_id: i64,
    pub guild_id: Snowflake,
    pub channel_id: Snowflake,
    pub duel: bool,
    pub host_id: Snowflake,
    /// A duel's challenged member.
    pub opponent_id: Option<Snowflake>,
    pub exam: String,
    pub question_ids: Vec<String>,
    pub seed: u64,
    pub seconds_limit: u32,
    pub state: SprintState,
    pub message_id: Option<Snowflake>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    /// The lobby's deadline while in the lobby; the race's end once running.
    pub ends_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// When the result was posted in the channel.
    pub announced_at: Option<DateTime<Utc>>,
    /// Until when the process that finished the sprint (or took its result over) alone may
    /// post the result.
    pub announce_lease_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlayerRow {
    pub user_id: Snowflake,
    pub joined_at: DateTime<Utc>,
    /// The next question index.
    pub position: usize,
    pub score: u32,
    pub elapsed_ms: i64,
    /// The letters answered per question, in order.
    pub responses: Vec<String>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Set in the transaction that finished the sprint.
    pub outcome: Option<PlayerOutcome>,
}

/// A player's place and rating change (for the sprint's exam key) in a finished sprint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlayerOutcome {
    pub place: usize,
    pub rating_before: Rating,
    pub rating_after: Rating,
}

/// Why a member could not join a sprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinRefusal {
    NotOpen,
    AlreadyIn,
    Full,
    /// In another live sprint of the guild.
    Busy(i64),
}

#[derive(FromRow)]
struct SprintSql {
    sprint_id: i64,
    guild_id: i64,
    channel_id: i64,
    kind: String,
    host_id: i64,
    opponent_id: Option<i64>,
    exam: String,
    question_ids: String,
    seed: i64,
    seconds_limit: i64,
    state: String,
    message_id: Option<i64>,
    created_at: i64,
    started_at: Option<i64>,
    ends_at: Option<i64>,
    finished_at: Option<i64>,
    announced_at: Option<i64>,
    announce_lease_until: Option<i64>,
}

impl From<SprintSql> for SprintRow {
    fn from(row: SprintSql) -> SprintRow {
        SprintRow {
            sprint_id: row.sprint_id,
            guild_id: id_from_sql(row.guild_id),
            channel_id: id_from_sql(row.channel_id),
            duel: row.kind == "duel",
            host_id: id_from_sql(row.host_id),
            opponent_id: row.opponent_id.map(id_from_sql),
            exam: row.exam,
            question_ids: row
                .question_ids
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            seed: row.seed as u64,
            seconds_limit: row.seconds_limit as u32,
            state: SprintState::parse(&row.state),
            message_id: row.message_id.map(id_from_sql),
            created_at: from_millis(row.created_at),
            started_at: row.started_at.map(from_millis),
            ends_at: row.ends_at.map(from_millis),
            finished_at: row.finished_at.map(from_millis),
            announced_at: row.announced_at.map(from_millis),
            announce_lease_until: row.announce_lease_until.map(from_millis),
        }
    }
}

#[derive(FromRow)]
struct PlayerSql {
    user_id: i64,
    joined_at: i64,
    position: i64,
    score: i64,
    elapsed_ms: i64,
    responses: String,
    finished_at: Option<i64>,
    place: Option<i64>,
    rating_before: Option<f64>,
    deviation_before: Option<f64>,
    rating_after: Option<f64>,
    deviation_after: Option<f64>,
    games_after: Option<i64>,
}

impl From<PlayerSql> for PlayerRow {
    fn from(row: PlayerSql) -> PlayerRow {
        PlayerRow {
            user_id: id_from_sql(row.user_id),
            joined_at: from_millis(row.joined_at),
            position: row.position as usize,
            score: row.score as u32,
            elapsed_ms: row.elapsed_ms,
            responses: if row.responses.is_empty() {
                Vec::new()
            } else {
                row.responses.split('|').map(str::to_string).collect()
            },
            finished_at: row.finished_at.map(from_millis),
            outcome: match (
                row.place,
                row.rating_before,
                row.deviation_before,
                row.rating_after,
                row.deviation_after,
                row.games_after,
            ) {
                (Some(place), Some(rb), Some(db), Some(ra), Some(da), Some(games)) => {
                    Some(PlayerOutcome {
                        place: place as usize,
                        rating_before: Rating {
                            rating: rb,
                            uncertainty: db,
                            games: (games as u32).saturating_sub(1),
                        },
                        rating_after: Rating {
                            rating: ra,
                            uncertainty: da,
                            games: games as u32,
                        },
                    })
                }
                _ => None,
            },
        }
    }
}

const SPRINT_COLUMNS: &str = "sprint_id, guild_id, channel_id, kind, host_id, opponent_id, exam, question_ids, seed, seconds_limit, state,
     message_id, created_at, started_at, ends_at, finished_at, announced_at, announce_lease_until";

/// The sprint a member is in (lobby or running) in this guild, if any; read in and out of
/// transactions alike.
async fn select_live_sprint(
    mut on: On<'_>,
    guild: Snowflake,
    user: Snowflake,
) -> StoreResult<Option<i64>> {
    Ok(with_on!(&mut on, |db| sqlx::query_scalar(
        "SELECT s.sprint_id FROM sprint_players p JOIN sprints s ON s.sprint_id = p.sprint_id
         WHERE p.guild_id = $1 AND p.user_id = $2 AND s.state IN ('lobby', 'running') LIMIT 1",
    )
    .bind(id_to_sql(guild))
    .bind(id_to_sql(user))
    .fetch_optional(db)
    .await)?)
}

const PLAYER_COLUMNS: &str =
    "user_id, joined_at, position, score, elapsed_ms, responses, finished_at,
     place, rating_before, deviation_before, rating_after, deviation_after, games_after";

/// A sprint and its players, read on one connection (the writer, or inside a transaction).
async fn read_sprint(
    mut on: On<'_>,
    guild: Snowflake,
    sprint_id: i64,
) -> StoreResult<Option<(SprintRow, Vec<PlayerRow>)>> {
    let row: Option<SprintSql> = with_on!(&mut on, |db| sqlx::query_as(&format!(
        "SELECT {SPRINT_COLUMNS} FROM sprints WHERE guild_id = $1 AND sprint_id = $2"
    ))
    .bind(id_to_sql(guild))
    .bind(sprint_id)
    .fetch_optional(db)
    .await)?;
    let Some(row) = row else { return Ok(None) };
    let players: Vec<PlayerSql> = with_on!(&mut on, |db| {
        sqlx::query_as(&format!(
        "SELECT {PLAYER_COLUMNS} FROM sprint_players WHERE sprint_id = $1 ORDER BY joined_at, user_id"
    ))
    .bind(sprint_id)
    .fetch_all(db).await
    })?;
    Ok(Some((
        row.into(),
        players.into_iter().map(PlayerRow::from).collect(),
    )))
}

impl WriteTx {
    /// Records a player's answer to question `index`; false if it was not their next question
    /// (or the race is over). In the caller's transaction, with the review card it changes.
    pub async fn record_sprint_answer(&mut self, answer: &SprintAnswer<'_>) -> StoreResult<bool> {
        let &SprintAnswer {
            sprint_id,
            user,
            index,
            letters,
            correct,
            elapsed_ms,
            finished_at,
        } = answer;
        let done = with_tx!(self.tx, |db| sqlx::query(
            "UPDATE sprint_players SET position = position + 1, score = score + $1,
                responses = CASE WHEN responses = '' THEN $2 ELSE responses || '|' || $3 END,
                elapsed_ms = $4, finished_at = $5
             WHERE sprint_id = $6 AND user_id = $7 AND position = $8 AND finished_at IS NULL
                -- An answer that loses the race with the finish must not change a settled result.
                AND EXISTS (SELECT 1 FROM sprints s
                            WHERE s.sprint_id = sprint_players.sprint_id AND s.state = 'running')",
        )
        .bind(i64::from(correct))
        .bind(letters)
        .bind(letters)
        .bind(elapsed_ms)
        .bind(finished_at.map(to_millis))
        .bind(sprint_id)
        .bind(id_to_sql(user))
        .bind(index as i64)
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// The sprint a member is in (lobby or running) in this guild, if any.
    pub async fn live_sprint_of(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
    ) -> StoreResult<Option<i64>> {
        select_live_sprint(On::Tx(&mut self.tx), guild, user).await
    }

    pub async fn sprint(
        &mut self,
        guild: Snowflake,
        sprint_id: i64,
    ) -> StoreResult<Option<(SprintRow, Vec<PlayerRow>)>> {
        read_sprint(On::Tx(&mut self.tx), guild, sprint_id).await
    }

    /// Running -> Finished, the finisher holding the announcement until `announce_until`;
    /// false if it was no longer running.
    pub async fn finish_sprint(
        &mut self,
        sprint_id: i64,
        now: DateTime<Utc>,
        announce_until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done =
            with_tx!(self.tx, |db| {
                sqlx::query(
            "UPDATE sprints SET state = 'finished', finished_at = $1, announce_lease_until = $2
             WHERE sprint_id = $3 AND state = 'running'",
        )
        .bind(to_millis(now))
        .bind(to_millis(announce_until))
        .bind(sprint_id)
        .execute(db).await.map(|done| done.rows_affected())
            })?;
        Ok(done == 1)
    }

    pub async fn save_outcome(
        &mut self,
        sprint_id: i64,
        user: Snowflake,
        outcome: &PlayerOutcome,
    ) -> StoreResult<()> {
        with_tx!(self.tx, |db| {
            sqlx::query(
            "UPDATE sprint_players SET place = $1, rating_before = $2, deviation_before = $3, rating_after = $4,
                deviation_after = $5, games_after = $6
             WHERE sprint_id = $7 AND user_id = $8",
        )
        .bind(outcome.place as i64)
        .bind(outcome.rating_before.rating)
        .bind(outcome.rating_before.uncertainty)
        .bind(outcome.rating_after.rating)
        .bind(outcome.rating_after.uncertainty)
        .bind(i64::from(outcome.rating_after.games))
        .bind(sprint_id)
        .bind(id_to_sql(user))
        .execute(db).await.map(|done| done.rows_affected())
        })?;
        Ok(())
    }
}

/// How a lobby ended without a race.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LobbyEnd {
    Declined,
    Expired,
}

/// One player's answer in a race.
#[derive(Debug, Clone)]
pub struct SprintAnswer<'a> {
    pub sprint_id: i64,
    pub user: Snowflake,
    /// The question it answers (the player's position).
    pub index: usize,
    pub letters: &'a str,
    pub correct: bool,
    /// Since the race started.
    pub elapsed_ms: i64,
    /// Set on the player's last question.
    pub finished_at: Option<DateTime<Utc>>,
}

/// A sprint to create, in its lobby.
#[derive(Debug, Clone)]
pub struct NewSprint<'a> {
    pub guild: Snowflake,
    pub channel: Snowflake,
    pub duel: bool,
    /// A duel's challenged member.
    pub opponent: Option<Snowflake>,
    pub host: Snowflake,
    pub host_name: &'a str,
    /// An exam id or "all".
    pub exam: &'a str,
    pub items: &'a [String],
    pub seed: u64,
    pub seconds_limit: u32,
    pub created_at: DateTime<Utc>,
    pub lobby_ends_at: DateTime<Utc>,
}

impl Store {
    pub async fn insert_sprint(&self, new: &NewSprint<'_>) -> StoreResult<Result<SprintRow, i64>> {
        let &NewSprint {
            guild,
            channel,
            duel,
            opponent,
            host,
            host_name,
            exam,
            items: question_ids,
            seed,
            seconds_limit,
            created_at: now,
            lobby_ends_at,
        } = new;
        let mut tx = self.begin().await?;
        // Checked in the transaction that seats the host: two quick starts cannot both pass.
        if let Some(busy) = tx.live_sprint_of(guild, host).await? {
            return Ok(Err(busy));
        }
        tx.ensure_guild(guild, now).await?;
        // A member row names the player on the rating board even if they never answer a post.
        tx.touch_member(guild, host, host_name, now).await?;
        let row: SprintSql = with_tx!(tx.tx, |db| {
            sqlx::query_as(&format!(
            "INSERT INTO sprints (guild_id, channel_id, kind, host_id, opponent_id, exam, question_ids, seed, seconds_limit, state,
                created_at, ends_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'lobby', $10, $11) RETURNING {SPRINT_COLUMNS}"
        ))
        .bind(id_to_sql(guild))
        .bind(id_to_sql(channel))
        .bind(if duel { "duel" } else { "group" })
        .bind(id_to_sql(host))
        .bind(opponent.map(id_to_sql))
        .bind(exam)
        .bind(question_ids.join(","))
        .bind(seed as i64)
        .bind(i64::from(seconds_limit))
        .bind(to_millis(now))
        .bind(to_millis(lobby_ends_at))
        .fetch_one(db).await
        })?;
        with_tx!(tx.tx, |db| {
            sqlx::query("INSERT INTO sprint_players (sprint_id, guild_id, user_id, joined_at) VALUES ($1, $2, $3, $4)")
            .bind(row.sprint_id)
            .bind(id_to_sql(guild))
            .bind(id_to_sql(host))
            .bind(to_millis(now))
            .execute(db).await.map(|done| done.rows_affected())
        })?;
        tx.commit().await?;
        Ok(Ok(row.into()))
    }

    pub async fn sprint(
        &self,
        guild: Snowflake,
        sprint_id: i64,
    ) -> StoreResult<Option<(SprintRow, Vec<PlayerRow>)>> {
        read_sprint(On::Pool(&self.writer), guild, sprint_id).await
    }

    /// The sprint a member is in (lobby or running) in this guild, if any.
    pub async fn live_sprint_of(
        &self,
        guild: Snowflake,
        user: Snowflake,
    ) -> StoreResult<Option<i64>> {
        select_live_sprint(On::Pool(&self.reader), guild, user).await
    }

    /// Adds a member to a sprint in the lobby, checking the lobby and the seat count in the
    /// same transaction as the insert, so concurrent joins cannot pass `max_players`.
    pub async fn join_sprint(
        &self,
        guild: Snowflake,
        sprint_id: i64,
        user: Snowflake,
        name: &str,
        max_players: usize,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<(), JoinRefusal>> {
        let mut tx = self.begin().await?;
        let state: Option<String> = with_tx!(tx.tx, |db| sqlx::query_scalar(
            "SELECT state FROM sprints WHERE guild_id = $1 AND sprint_id = $2"
        )
        .bind(id_to_sql(guild))
        .bind(sprint_id)
        .fetch_optional(db)
        .await)?;
        if state.as_deref() != Some("lobby") {
            return Ok(Err(JoinRefusal::NotOpen));
        }
        match tx.live_sprint_of(guild, user).await? {
            Some(id) if id == sprint_id => return Ok(Err(JoinRefusal::AlreadyIn)),
            Some(id) => return Ok(Err(JoinRefusal::Busy(id))),
            None => {}
        }
        let players: i64 = with_tx!(tx.tx, |db| sqlx::query_scalar(
            "SELECT COUNT(*) FROM sprint_players WHERE sprint_id = $1"
        )
        .bind(sprint_id)
        .fetch_one(db)
        .await)?;
        if players as usize >= max_players {
            return Ok(Err(JoinRefusal::Full));
        }
        tx.touch_member(guild, user, name, now).await?;
        with_tx!(tx.tx, |db| {
            sqlx::query(
            "INSERT INTO sprint_players (sprint_id, guild_id, user_id, joined_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(sprint_id)
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(to_millis(now))
        .execute(db).await.map(|done| done.rows_affected())
        })?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    pub async fn remove_sprint_player(&self, sprint_id: i64, user: Snowflake) -> StoreResult<()> {
        with_pool!(self.writer, |db| sqlx::query(
            "DELETE FROM sprint_players WHERE sprint_id = $1 AND user_id = $2"
        )
        .bind(sprint_id)
        .bind(id_to_sql(user))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Moves a sprint from one state to another; false if it was no longer in `from`.
    /// Lobby to running: the race starts now and ends at `ends_at`. False if the sprint had
    /// left its lobby already (someone else started, declined or expired it).
    pub async fn start_sprint_race(
        &self,
        sprint_id: i64,
        started_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = with_pool!(self.writer, |db| sqlx::query(
            "UPDATE sprints SET state = 'running', started_at = $1, ends_at = $2
             WHERE sprint_id = $3 AND state = 'lobby'",
        )
        .bind(to_millis(started_at))
        .bind(to_millis(ends_at))
        .bind(sprint_id)
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// A lobby that never raced: declined by the challenged member, or expired (nobody started
    /// it in time, or its host left). False if it had left its lobby already.
    pub async fn close_sprint_lobby(
        &self,
        sprint_id: i64,
        end: LobbyEnd,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let state = match end {
            LobbyEnd::Declined => SprintState::Declined,
            LobbyEnd::Expired => SprintState::Expired,
        };
        let done = with_pool!(self.writer, |db| {
            sqlx::query(
            "UPDATE sprints SET state = $1, finished_at = $2 WHERE sprint_id = $3 AND state = 'lobby'",
        )
        .bind(state.as_str())
        .bind(to_millis(now))
        .bind(sprint_id)
        .execute(db).await.map(|done| done.rows_affected())
        })?;
        Ok(done == 1)
    }

    pub async fn set_sprint_message(
        &self,
        guild: Snowflake,
        sprint_id: i64,
        message: Snowflake,
    ) -> StoreResult<()> {
        with_pool!(self.writer, |db| sqlx::query(
            "UPDATE sprints SET message_id = $1 WHERE guild_id = $2 AND sprint_id = $3"
        )
        .bind(id_to_sql(message))
        .bind(id_to_sql(guild))
        .bind(sprint_id)
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Lobbies and races whose deadline has passed (the sprint sweeper's work list).
    pub async fn sprints_due(&self, now: DateTime<Utc>) -> StoreResult<Vec<(Snowflake, i64)>> {
        let (total, first, last) = self.shard_filter();
        let rows: Vec<(i64, i64)> = with_pool!(self.reader, |db| {
            sqlx::query_as(&format!(
            "SELECT guild_id, sprint_id FROM sprints WHERE state IN ('lobby', 'running') AND ends_at <= $1
             AND {} ORDER BY ends_at",
            on_my_shards("sprints", 2)
        ))
        .bind(to_millis(now))
        .bind(total)
        .bind(first)
        .bind(last)
            .fetch_all(db).await
        })?;
        Ok(rows.into_iter().map(|(g, s)| (id_from_sql(g), s)).collect())
    }

    pub async fn mark_sprint_announced(
        &self,
        sprint_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_pool!(self.writer, |db| sqlx::query(
            "UPDATE sprints SET announced_at = $1 WHERE sprint_id = $2 AND announced_at IS NULL",
        )
        .bind(to_millis(now))
        .bind(sprint_id)
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Finished sprints whose result is not in the channel yet, finished since `since`, whose
    /// announcer's lease has ended.
    pub async fn unannounced_sprints(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(Snowflake, i64)>> {
        let (total, first, last) = self.shard_filter();
        let rows: Vec<(i64, i64)> = with_pool!(self.reader, |db| sqlx::query_as(&format!(
            "SELECT guild_id, sprint_id FROM sprints
             WHERE state = 'finished' AND announced_at IS NULL AND finished_at >= $1
             AND (announce_lease_until IS NULL OR announce_lease_until <= $2)
             AND {} ORDER BY finished_at",
            on_my_shards("sprints", 3)
        ))
        .bind(to_millis(since))
        .bind(to_millis(now))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_all(db)
        .await)?;
        Ok(rows.into_iter().map(|(g, s)| (id_from_sql(g), s)).collect())
    }

    /// Takes over announcing a result whose lease has ended (compare-and-set): true for the one
    /// caller that now holds it until `until`.
    pub async fn take_announcement(
        &self,
        sprint_id: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = with_pool!(self.writer, |db| sqlx::query(
            "UPDATE sprints SET announce_lease_until = $1
             WHERE sprint_id = $2 AND state = 'finished' AND announced_at IS NULL
             AND (announce_lease_until IS NULL OR announce_lease_until <= $3)",
        )
        .bind(to_millis(until))
        .bind(sprint_id)
        .bind(to_millis(now))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    pub async fn next_sprint_deadline(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let (total, first, last) = self.shard_filter();
        let at: Option<i64> = with_pool!(self.reader, |db| sqlx::query_scalar(&format!(
            "SELECT MIN(ends_at) FROM sprints WHERE state IN ('lobby', 'running') AND {}",
            on_my_shards("sprints", 1)
        ))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_one(db)
        .await)?;
        Ok(at.map(from_millis))
    }
}
