//! The personal review queue (cards with their FSRS memory state), the posts /review deals, and
//! the opt-in daily reminders.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{id_from_sql, id_to_sql, on_my_shards, Snowflake, Store, StoreResult, WriteTx};
use crate::clock::{from_millis, to_millis};

/// Where a card stands in FSRS's terms (a card is made by a miss, so it is never new).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardState {
    Learning,
    Review,
    Relearning,
}

impl CardState {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            CardState::Learning => "learning",
            CardState::Review => "review",
            CardState::Relearning => "relearning",
        }
    }

    pub(super) fn parse(text: &str) -> CardState {
        match text {
            "review" => CardState::Review,
            "relearning" => CardState::Relearning,
            _ => CardState::Learning,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewCard {
    pub question_id: String,
    pub exam: String,
    pub due_at: DateTime<Utc>,
    pub lapses: u32,
    pub reps: u32,
    pub state: CardState,
    /// FSRS stability in days and difficulty (1-10).
    pub stability: f64,
    pub difficulty: f64,
    pub last_review_at: DateTime<Utc>,
}

#[derive(FromRow)]
pub(super) struct CardRow {
    question_id: String,
    exam: String,
    due_at: i64,
    lapses: i64,
    reps: i64,
    state: String,
    stability: f64,
    difficulty: f64,
    last_review_at: i64,
}

const CARD_COLUMNS: &str =
    "question_id, exam, due_at, lapses, reps, state, stability, difficulty, last_review_at";

/// A member's card for one question; columns as `CARD_COLUMNS`.
pub(super) const SELECT_CARD: &str =
    "SELECT question_id, exam, due_at, lapses, reps, state, stability, difficulty, last_review_at
     FROM review_cards WHERE guild_id = $1 AND user_id = $2 AND question_id = $3";

pub(super) const SAVE_CARD: &str =
    "INSERT INTO review_cards (guild_id, user_id, question_id, exam, due_at, lapses, reps, state,
        stability, difficulty, last_review_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (guild_id, user_id, question_id) DO UPDATE SET
        due_at = excluded.due_at, lapses = excluded.lapses, reps = excluded.reps,
        state = excluded.state, stability = excluded.stability,
        difficulty = excluded.difficulty, last_review_at = excluded.last_review_at,
        updated_at = excluded.updated_at";

impl From<CardRow> for ReviewCard {
    fn from(row: CardRow) -> ReviewCard {
        ReviewCard {
            question_id: row.question_id,
            exam: row.exam,
            due_at: from_millis(row.due_at),
            lapses: row.lapses as u32,
            reps: row.reps as u32,
            state: CardState::parse(&row.state),
            stability: row.stability,
            difficulty: row.difficulty,
            last_review_at: from_millis(row.last_review_at),
        }
    }
}

/// A member's reminder setting and the day's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub guild_id: Snowflake,
    pub user_id: Snowflake,
    pub enabled: bool,
    pub hour: u8,
    /// The guild-local day whose reminder was decided (sent, skipped, or refused).
    pub last_day: Option<i32>,
}

#[derive(FromRow)]
struct ReminderRow {
    guild_id: i64,
    user_id: i64,
    enabled: i64,
    hour: i64,
    last_day: Option<i64>,
}

impl From<ReminderRow> for Reminder {
    fn from(row: ReminderRow) -> Reminder {
        Reminder {
            guild_id: id_from_sql(row.guild_id),
            user_id: id_from_sql(row.user_id),
            enabled: row.enabled != 0,
            hour: row.hour as u8,
            last_day: row.last_day.map(|day| day as i32),
        }
    }
}

/// How a day's reminder was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderOutcome {
    /// Claimed before the DM is sent: a restart in between does not send again.
    Sending,
    Sent,
    NothingDue,
    /// Discord refused the DM (closed DMs): not tried again that day.
    Refused,
}

impl ReminderOutcome {
    fn as_str(self) -> &'static str {
        match self {
            ReminderOutcome::Sending => "sending",
            ReminderOutcome::Sent => "sent",
            ReminderOutcome::NothingDue => "nothing_due",
            ReminderOutcome::Refused => "closed",
        }
    }
}

impl WriteTx {
    pub async fn review_card(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        question: &str,
    ) -> StoreResult<Option<ReviewCard>> {
        let row: Option<CardRow> = with_tx!(self.tx, |db| {
            sqlx::query_as(SELECT_CARD)
                .bind(id_to_sql(guild))
                .bind(id_to_sql(user))
                .bind(question)
                .fetch_optional(db)
                .await
        })?;
        Ok(row.map(ReviewCard::from))
    }

    pub async fn save_review_card(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        card: &ReviewCard,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_tx!(self.tx, |db| {
            sqlx::query(SAVE_CARD)
                .bind(id_to_sql(guild))
                .bind(id_to_sql(user))
                .bind(&card.question_id)
                .bind(&card.exam)
                .bind(to_millis(card.due_at))
                .bind(i64::from(card.lapses))
                .bind(i64::from(card.reps))
                .bind(card.state.as_str())
                .bind(card.stability)
                .bind(card.difficulty)
                .bind(to_millis(card.last_review_at))
                .bind(to_millis(now))
                .execute(db)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// Marks a personal post as dealt by /review.
    pub async fn mark_review_post(&mut self, post_id: i64, exam: Option<&str>) -> StoreResult<()> {
        with_tx!(self.tx, |db| sqlx::query(
            "INSERT INTO review_posts (post_id, exam) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        )
        .bind(post_id)
        .bind(exam)
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }
}

impl Store {
    /// The member's review queue, soonest due first; `exam` narrows it to one exam.
    pub async fn review_queue(
        &self,
        guild: Snowflake,
        user: Snowflake,
        exam: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<ReviewCard>> {
        let rows: Vec<CardRow> = with_pool!(self.reader, |db| sqlx::query_as(&format!(
            "SELECT {CARD_COLUMNS} FROM review_cards
             WHERE guild_id = $1 AND user_id = $2 AND ($3 IS NULL OR exam = $3)
             ORDER BY due_at, question_id LIMIT $4"
        ))
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(exam)
        .bind(i64::from(limit))
        .fetch_all(db)
        .await)?;
        Ok(rows.into_iter().map(ReviewCard::from).collect())
    }

    /// The question and due time of each of the member's cards (of `exam`, if given). The engine
    /// counts from these only the cards whose item is in the bank, the ones /review can deal.
    pub async fn review_card_dues(
        &self,
        guild: Snowflake,
        user: Snowflake,
        exam: Option<&str>,
    ) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        let rows: Vec<(String, i64)> = with_pool!(self.reader, |db| sqlx::query_as(
            "SELECT question_id, due_at FROM review_cards
             WHERE guild_id = $1 AND user_id = $2 AND ($3 IS NULL OR exam = $3)",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(exam)
        .fetch_all(db)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(question, due_at)| (question, from_millis(due_at)))
            .collect())
    }

    /// `Some` if /review dealt this post, with the exam it was narrowed to.
    pub async fn review_post(&self, post_id: i64) -> StoreResult<Option<Option<String>>> {
        let found: Option<(Option<String>,)> = with_pool!(self.reader, |db| sqlx::query_as(
            "SELECT exam FROM review_posts WHERE post_id = $1"
        )
        .bind(post_id)
        .fetch_optional(db)
        .await)?;
        Ok(found.map(|(exam,)| exam))
    }

    /// Turns the member's reminder on at `hour` (or off with `None`); the day's decision stays,
    /// so switching off and on again does not send a second DM that day.
    pub async fn set_reminder(
        &self,
        guild: Snowflake,
        user: Snowflake,
        hour: Option<u8>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_pool!(self.writer, |db| sqlx::query(
            "INSERT INTO review_reminders (guild_id, user_id, enabled, hour, updated_at)
             VALUES ($1, $2, $3, COALESCE($4, 18), $5)
             ON CONFLICT (guild_id, user_id) DO UPDATE SET
                enabled = excluded.enabled, hour = COALESCE($4, review_reminders.hour),
                updated_at = excluded.updated_at",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(i64::from(hour.is_some()))
        .bind(hour.map(i64::from))
        .bind(to_millis(now))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    pub async fn reminder(
        &self,
        guild: Snowflake,
        user: Snowflake,
    ) -> StoreResult<Option<Reminder>> {
        let row: Option<ReminderRow> = with_pool!(self.reader, |db| sqlx::query_as(
            "SELECT guild_id, user_id, enabled, hour, last_day FROM review_reminders
             WHERE guild_id = $1 AND user_id = $2",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .fetch_optional(db)
        .await)?;
        Ok(row.map(Reminder::from))
    }

    /// Every reminder that is switched on, in every guild (the reminder loop's work list).
    pub async fn enabled_reminders(&self) -> StoreResult<Vec<Reminder>> {
        let (total, first, last) = self.shard_filter();
        let rows: Vec<ReminderRow> = with_pool!(self.reader, |db| sqlx::query_as(&format!(
            "SELECT guild_id, user_id, enabled, hour, last_day FROM review_reminders
             WHERE enabled = 1 AND {} ORDER BY guild_id, user_id",
            on_my_shards("review_reminders", 1)
        ))
        .bind(total)
        .bind(first)
        .bind(last)
        .fetch_all(db)
        .await)?;
        Ok(rows.into_iter().map(Reminder::from).collect())
    }

    /// Records the decision for `day`; with `only_if_undecided` it claims the day and returns
    /// false when it was decided already (another pass got there first).
    pub async fn decide_reminder(
        &self,
        guild: Snowflake,
        user: Snowflake,
        day: i32,
        outcome: ReminderOutcome,
        only_if_undecided: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = with_pool!(self.writer, |db| sqlx::query(
            "UPDATE review_reminders SET last_day = $1, last_outcome = $2, updated_at = $3
             WHERE guild_id = $4 AND user_id = $5
                AND ($6 = 0 OR (enabled = 1 AND (last_day IS NULL OR last_day < $1)))",
        )
        .bind(i64::from(day))
        .bind(outcome.as_str())
        .bind(to_millis(now))
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(i64::from(only_if_undecided))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// Gives back a claimed day whose DM failed for a reason that may pass (tried again later).
    pub async fn release_reminder(
        &self,
        guild: Snowflake,
        user: Snowflake,
        day: i32,
    ) -> StoreResult<()> {
        with_pool!(self.writer, |db| sqlx::query(
            "UPDATE review_reminders SET last_day = NULL, last_outcome = NULL
             WHERE guild_id = $1 AND user_id = $2 AND last_day = $3 AND last_outcome = 'sending'",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(i64::from(day))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }
}
