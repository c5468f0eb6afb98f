//! PostgreSQL's answer batches. Each statement through sqlx is a round trip to the server, so the
//! writes no later statement of the batch reads (score totals, review cards) are gathered and
//! written once, at the end of the batch, and the batch's review cards are read in one query up
//! front. The answer itself and the member row still go one at a time: what an answer decides
//! depends on them (a second answer is refused; a streak continues from the member row).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::answer_writes::AnswerWrites;
use super::reviews::CardRow;
use super::{
    id_to_sql, AnswerRow, Member, NewAnswer, ReviewCard, Snowflake, StoreError, StoreResult, Tx,
    WriteTx,
};
use crate::clock::to_millis;

/// (guild, user, question)
pub(crate) type CardKey = (Snowflake, Snowflake, String);

/// (guild, exam, period, user)
type TotalKey = (i64, String, String, i64);

#[derive(Default)]
struct Total {
    points: i64,
    answered: i64,
    correct: i64,
}

/// An answer batch's writes on a PostgreSQL transaction; `finish` writes what was gathered and
/// must run before the commit.
pub(crate) struct BatchedWrites<'t> {
    tx: &'t mut WriteTx,
    totals: BTreeMap<TotalKey, Total>,
    /// Every card read or written in this batch, as it stands now (None: the member has none).
    cards: HashMap<CardKey, Option<ReviewCard>>,
    /// Cards to write at the end, the latest version of each, with when it changed.
    changed_cards: BTreeMap<CardKey, (ReviewCard, DateTime<Utc>)>,
}

#[derive(FromRow)]
struct KeyedCardRow {
    guild_id: i64,
    user_id: i64,
    #[sqlx(flatten)]
    card: CardRow,
}

const READ_CARDS: &str = "SELECT c.guild_id, c.user_id, c.question_id, c.exam, c.due_at, c.lapses,
        c.reps, c.state, c.stability, c.difficulty, c.last_review_at
     FROM review_cards c
     JOIN UNNEST($1::BIGINT[], $2::BIGINT[], $3::TEXT[]) AS k(guild_id, user_id, question_id)
       ON c.guild_id = k.guild_id AND c.user_id = k.user_id AND c.question_id = k.question_id";

/// Rows are summed per key first: one statement may not update a row twice.
const ADD_TOTALS: &str =
    "INSERT INTO score_totals (guild_id, exam, period, user_id, points, answered, correct)
     SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::BIGINT[], $5::BIGINT[],
        $6::BIGINT[], $7::BIGINT[])
     ON CONFLICT (guild_id, period, exam, user_id) DO UPDATE SET
        points = score_totals.points + excluded.points,
        answered = score_totals.answered + excluded.answered,
        correct = score_totals.correct + excluded.correct";

const SAVE_CARDS: &str =
    "INSERT INTO review_cards (guild_id, user_id, question_id, exam, due_at, lapses, reps, state,
        stability, difficulty, last_review_at, updated_at)
     SELECT * FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::BIGINT[],
        $6::BIGINT[], $7::BIGINT[], $8::TEXT[], $9::DOUBLE PRECISION[], $10::DOUBLE PRECISION[],
        $11::BIGINT[], $12::BIGINT[])
     ON CONFLICT (guild_id, user_id, question_id) DO UPDATE SET
        due_at = excluded.due_at, lapses = excluded.lapses, reps = excluded.reps,
        state = excluded.state, stability = excluded.stability,
        difficulty = excluded.difficulty, last_review_at = excluded.last_review_at,
        updated_at = excluded.updated_at";

impl<'t> BatchedWrites<'t> {
    /// Reads the review cards the batch's answers may touch, in one query.
    pub(crate) async fn begin(tx: &'t mut WriteTx, card_keys: &[CardKey]) -> StoreResult<Self> {
        let mut cards: HashMap<CardKey, Option<ReviewCard>> =
            card_keys.iter().map(|key| (key.clone(), None)).collect();
        let (guilds, users, questions) = unzip_keys(cards.keys());
        let rows: Vec<KeyedCardRow> = sqlx::query_as(READ_CARDS)
            .bind(guilds)
            .bind(users)
            .bind(questions)
            .fetch_all(&mut **postgres(tx)?)
            .await?;
        for row in rows {
            let card = ReviewCard::from(row.card);
            let key = (
                super::id_from_sql(row.guild_id),
                super::id_from_sql(row.user_id),
                card.question_id.clone(),
            );
            cards.insert(key, Some(card));
        }
        Ok(BatchedWrites {
            tx,
            totals: BTreeMap::new(),
            cards,
            changed_cards: BTreeMap::new(),
        })
    }

    /// Writes the gathered totals and cards (two statements at most).
    pub(crate) async fn finish(self) -> StoreResult<()> {
        let tx = postgres(self.tx)?;
        if !self.totals.is_empty() {
            let mut columns = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
            for ((guild, exam, period, user), total) in self.totals {
                columns.0.push(guild);
                columns.1.push(exam);
                columns.2.push(period);
                columns.3.push(user);
                columns.4.push(total.points);
                columns.5.push(total.answered);
                columns.6.push(total.correct);
            }
            sqlx::query(ADD_TOTALS)
                .bind(columns.0)
                .bind(columns.1)
                .bind(columns.2)
                .bind(columns.3)
                .bind(columns.4)
                .bind(columns.5)
                .bind(columns.6)
                .execute(&mut **tx)
                .await?;
        }
        if !self.changed_cards.is_empty() {
            let mut keys = (vec![], vec![], vec![]);
            let mut cards = CardColumns::default();
            for ((guild, user, question), (card, changed_at)) in self.changed_cards {
                keys.0.push(id_to_sql(guild));
                keys.1.push(id_to_sql(user));
                keys.2.push(question);
                cards.push(&card, changed_at);
            }
            sqlx::query(SAVE_CARDS)
                .bind(keys.0)
                .bind(keys.1)
                .bind(keys.2)
                .bind(cards.exam)
                .bind(cards.due_at)
                .bind(cards.lapses)
                .bind(cards.reps)
                .bind(cards.state)
                .bind(cards.stability)
                .bind(cards.difficulty)
                .bind(cards.last_review_at)
                .bind(cards.updated_at)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct CardColumns {
    exam: Vec<String>,
    due_at: Vec<i64>,
    lapses: Vec<i64>,
    reps: Vec<i64>,
    state: Vec<&'static str>,
    stability: Vec<f64>,
    difficulty: Vec<f64>,
    last_review_at: Vec<i64>,
    updated_at: Vec<i64>,
}

impl CardColumns {
    fn push(&mut self, card: &ReviewCard, changed_at: DateTime<Utc>) {
        self.exam.push(card.exam.clone());
        self.due_at.push(to_millis(card.due_at));
        self.lapses.push(i64::from(card.lapses));
        self.reps.push(i64::from(card.reps));
        self.state.push(card.state.as_str());
        self.stability.push(card.stability);
        self.difficulty.push(card.difficulty);
        self.last_review_at.push(to_millis(card.last_review_at));
        self.updated_at.push(to_millis(changed_at));
    }
}

fn unzip_keys<'k>(keys: impl Iterator<Item = &'k CardKey>) -> (Vec<i64>, Vec<i64>, Vec<String>) {
    let mut columns = (vec![], vec![], vec![]);
    for (guild, user, question) in keys {
        columns.0.push(id_to_sql(*guild));
        columns.1.push(id_to_sql(*user));
        columns.2.push(question.clone());
    }
    columns
}

fn postgres(tx: &mut WriteTx) -> StoreResult<&mut sqlx::Transaction<'static, sqlx::Postgres>> {
    match &mut tx.tx {
        Tx::Postgres(tx) => Ok(tx),
        Tx::Sqlite(_) => Err(StoreError::Aborted(
            "batched writes are PostgreSQL's; SQLite writes through its C API".into(),
        )),
    }
}

impl AnswerWrites for BatchedWrites<'_> {
    async fn insert_answer(&mut self, answer: &NewAnswer<'_>) -> StoreResult<bool> {
        self.tx.insert_answer(answer).await
    }

    async fn answer_of(&mut self, post_id: i64, user: Snowflake) -> StoreResult<Option<AnswerRow>> {
        self.tx.answer_of(post_id, user).await
    }

    async fn touch_member(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Member> {
        self.tx.touch_member(guild, user, display_name, now).await
    }

    async fn skipped_scheduled_post_between(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.tx
            .skipped_scheduled_post_between(guild, user, from, to, now)
            .await
    }

    async fn set_streak(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        current: u32,
        best: u32,
        day: i32,
    ) -> StoreResult<()> {
        self.tx.set_streak(guild, user, current, best, day).await
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
        for period in period_keys {
            let total = self
                .totals
                .entry((
                    id_to_sql(guild),
                    exam.to_string(),
                    period.clone(),
                    id_to_sql(user),
                ))
                .or_default();
            total.points += i64::from(points);
            total.answered += 1;
            total.correct += i64::from(correct);
        }
        Ok(())
    }

    async fn review_card(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        question: &str,
    ) -> StoreResult<Option<ReviewCard>> {
        let key = (guild, user, question.to_string());
        if let Some(card) = self.cards.get(&key) {
            return Ok(card.clone());
        }
        // Not among the keys read up front: read it now, and keep it for the rest of the batch.
        let card = self.tx.review_card(guild, user, question).await?;
        self.cards.insert(key, card.clone());
        Ok(card)
    }

    async fn save_review_card(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        card: &ReviewCard,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let key = (guild, user, card.question_id.clone());
        self.cards.insert(key.clone(), Some(card.clone()));
        self.changed_cards.insert(key, (card.clone(), now));
        Ok(())
    }
}
