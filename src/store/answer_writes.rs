//! What recording an answer writes, in one place for both ways of writing it: through a
//! `WriteTx` (either backend, each statement a round trip through sqlx), or, on SQLite, through
//! `DirectWrites`: the same statements on the same connection and transaction, prepared once per
//! batch and run through SQLite's C API with no async hop per statement.

use chrono::{DateTime, Utc};

use super::answers::{INSERT_ANSWER, SELECT_ANSWER};
use super::leaderboard::add_to_totals_sql;
use super::members::{SET_STREAK, TOUCH_MEMBER};
use super::posts::SKIPPED_SCHEDULED_POST;
use super::reviews::{CardState, SAVE_CARD, SELECT_CARD};
use super::sqlite_direct::{DirectConnection, Row, Value};
use super::{
    id_from_sql, id_to_sql, AnswerRow, Member, NewAnswer, ReviewCard, Snowflake, StoreError,
    StoreResult, Tx, WriteTx,
};
use crate::clock::{from_millis, to_millis};

/// The statements an answer runs inside its batch's transaction.
pub(crate) trait AnswerWrites {
    /// Inserts the member's answer to a post unless they already answered it; true if inserted.
    async fn insert_answer(&mut self, answer: &NewAnswer<'_>) -> StoreResult<bool>;
    async fn answer_of(&mut self, post_id: i64, user: Snowflake) -> StoreResult<Option<AnswerRow>>;
    async fn touch_member(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Member>;
    async fn skipped_scheduled_post_between(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn set_streak(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        current: u32,
        best: u32,
        day: i32,
    ) -> StoreResult<()>;
    async fn add_to_totals(
        &mut self,
        guild: Snowflake,
        exam: &str,
        period_keys: &[String],
        user: Snowflake,
        points: u32,
        correct: bool,
    ) -> StoreResult<()>;
    async fn review_card(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        question: &str,
    ) -> StoreResult<Option<ReviewCard>>;
    async fn save_review_card(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        card: &ReviewCard,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

impl AnswerWrites for WriteTx {
    async fn insert_answer(&mut self, answer: &NewAnswer<'_>) -> StoreResult<bool> {
        WriteTx::insert_answer(self, answer).await
    }

    async fn answer_of(&mut self, post_id: i64, user: Snowflake) -> StoreResult<Option<AnswerRow>> {
        WriteTx::answer_of(self, post_id, user).await
    }

    async fn touch_member(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Member> {
        WriteTx::touch_member(self, guild, user, display_name, now).await
    }

    async fn skipped_scheduled_post_between(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        WriteTx::skipped_scheduled_post_between(self, guild, user, from, to, now).await
    }

    async fn set_streak(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        current: u32,
        best: u32,
        day: i32,
    ) -> StoreResult<()> {
        WriteTx::set_streak(self, guild, user, current, best, day).await
    }

    async fn add_to_totals(
        &mut self,
        guild: Snowflake,
        exam: &str,
        period_keys: &[String],
        user: Snowflake,
        points: u32,
        correct: bool,
    ) -> StoreResult<()> {
        WriteTx::add_to_totals(self, guild, exam, period_keys, user, points, correct).await
    }

    async fn review_card(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        question: &str,
    ) -> StoreResult<Option<ReviewCard>> {
        WriteTx::review_card(self, guild, user, question).await
    }

    async fn save_review_card(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        card: &ReviewCard,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        WriteTx::save_review_card(self, guild, user, card, now).await
    }
}

/// The answer statements on a SQLite transaction's own connection, through the C API. Every
/// method completes without suspending; drop it before committing the transaction.
pub(crate) struct DirectWrites<'c> {
    connection: DirectConnection<'c>,
}

impl WriteTx {
    /// Whether this transaction is SQLite's, so `direct_writes` can take its connection.
    pub(crate) fn is_sqlite(&self) -> bool {
        matches!(self.tx, Tx::Sqlite(_))
    }

    /// This SQLite transaction's connection for the answer statements, locked out of sqlx until
    /// the returned value is dropped. PostgreSQL's are written through sqlx.
    pub(crate) async fn direct_writes(&mut self) -> StoreResult<DirectWrites<'_>> {
        match &mut self.tx {
            Tx::Sqlite(tx) => Ok(DirectWrites {
                connection: DirectConnection::new(tx.lock_handle().await?),
            }),
            Tx::Postgres(_) => Err(StoreError::Unsupported(
                "direct writes are SQLite's; PostgreSQL writes through sqlx",
            )),
        }
    }
}

fn member_from(row: &Row) -> Member {
    Member {
        guild_id: id_from_sql(row.int(0)),
        user_id: id_from_sql(row.int(1)),
        display_name: row.text(2),
        current_streak: row.int(3) as u32,
        best_streak: row.int(4) as u32,
        streak_day: row.optional_int(5).map(|day| day as i32),
    }
}

fn card_from(row: &Row) -> ReviewCard {
    ReviewCard {
        question_id: row.text(0),
        exam: row.text(1),
        due_at: from_millis(row.int(2)),
        lapses: row.int(3) as u32,
        reps: row.int(4) as u32,
        state: CardState::parse(&row.text(5)),
        stability: row.real(6),
        difficulty: row.real(7),
        last_review_at: from_millis(row.int(8)),
    }
}

impl AnswerWrites for DirectWrites<'_> {
    async fn insert_answer(&mut self, answer: &NewAnswer<'_>) -> StoreResult<bool> {
        let (_, inserted) = self.connection.run(
            INSERT_ANSWER,
            &[
                Value::Int(answer.post_id),
                Value::Int(id_to_sql(answer.guild_id)),
                Value::Int(id_to_sql(answer.user_id)),
                Value::Text(answer.exam),
                Value::Text(answer.question_id),
                Value::Int(i64::from(answer.domain)),
                Value::Text(answer.task),
                Value::Text(answer.choice),
                Value::Int(i64::from(answer.correct)),
                Value::Int(i64::from(answer.points)),
                Value::Int(answer.latency_ms),
                Value::Int(i64::from(answer.on_board)),
                Value::Int(to_millis(answer.answered_at)),
            ],
            |_| (),
        )?;
        Ok(inserted == 1)
    }

    async fn answer_of(&mut self, post_id: i64, user: Snowflake) -> StoreResult<Option<AnswerRow>> {
        let (row, _) = self.connection.run(
            SELECT_ANSWER,
            &[Value::Int(post_id), Value::Int(id_to_sql(user))],
            |row| AnswerRow {
                user_id: id_from_sql(row.int(0)),
                choice: row.text(1),
                correct: row.int(2) != 0,
                points: row.int(3) as u32,
                latency_ms: row.int(4),
                answered_at: from_millis(row.int(5)),
            },
        )?;
        Ok(row)
    }

    async fn touch_member(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Member> {
        let (member, _) = self.connection.run(
            TOUCH_MEMBER,
            &[
                Value::Int(id_to_sql(guild)),
                Value::Int(id_to_sql(user)),
                Value::Text(display_name),
                Value::Int(to_millis(now)),
                Value::Int(to_millis(now)),
            ],
            member_from,
        )?;
        member.ok_or_else(|| StoreError::Aborted("the member upsert returned no row".into()))
    }

    async fn skipped_scheduled_post_between(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let (skipped, _) = self.connection.run(
            SKIPPED_SCHEDULED_POST,
            &[
                Value::Int(id_to_sql(guild)),
                Value::Int(to_millis(from)),
                Value::Int(to_millis(to)),
                Value::Int(to_millis(now)),
                Value::Int(id_to_sql(user)),
            ],
            |row| row.int(0) != 0,
        )?;
        Ok(skipped.unwrap_or(false))
    }

    async fn set_streak(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        current: u32,
        best: u32,
        day: i32,
    ) -> StoreResult<()> {
        self.connection.run(
            SET_STREAK,
            &[
                Value::Int(i64::from(current)),
                Value::Int(i64::from(best)),
                Value::Int(i64::from(day)),
                Value::Int(id_to_sql(guild)),
                Value::Int(id_to_sql(user)),
            ],
            |_| (),
        )?;
        Ok(())
    }

    async fn add_to_totals(
        &mut self,
        guild: Snowflake,
        exam: &str,
        period_keys: &[String],
        user: Snowflake,
        points: u32,
        correct: bool,
    ) -> StoreResult<()> {
        if period_keys.is_empty() {
            return Ok(());
        }
        let arguments: Vec<Value<'_>> = period_keys
            .iter()
            .flat_map(|key| {
                [
                    Value::Int(id_to_sql(guild)),
                    Value::Text(exam),
                    Value::Text(key),
                    Value::Int(id_to_sql(user)),
                    Value::Int(i64::from(points)),
                    Value::Int(i64::from(correct)),
                ]
            })
            .collect();
        self.connection
            .run(&add_to_totals_sql(period_keys.len()), &arguments, |_| ())?;
        Ok(())
    }

    async fn review_card(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        question: &str,
    ) -> StoreResult<Option<ReviewCard>> {
        let (card, _) = self.connection.run(
            SELECT_CARD,
            &[
                Value::Int(id_to_sql(guild)),
                Value::Int(id_to_sql(user)),
                Value::Text(question),
            ],
            card_from,
        )?;
        Ok(card)
    }

    async fn save_review_card(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        card: &ReviewCard,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.connection.run(
            SAVE_CARD,
            &[
                Value::Int(id_to_sql(guild)),
                Value::Int(id_to_sql(user)),
                Value::Text(&card.question_id),
                Value::Text(&card.exam),
                Value::Int(to_millis(card.due_at)),
                Value::Int(i64::from(card.lapses)),
                Value::Int(i64::from(card.reps)),
                Value::Text(card.state.as_str()),
                Value::Real(card.stability),
                Value::Real(card.difficulty),
                Value::Int(to_millis(card.last_review_at)),
                Value::Int(to_millis(now)),
            ],
            |_| (),
        )?;
        Ok(())
    }
}
