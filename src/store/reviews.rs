//! The personal review queue: missed questions come back on a growing interval (Leitner boxes).

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{id_to_sql, Snowflake, Store, StoreResult, WriteTx};
use crate::clock::{from_millis, to_millis};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewCard {
    pub question_id: String,
    pub exam: String,
    pub box_number: u8,
    pub due_at: DateTime<Utc>,
    pub lapses: u32,
}

#[derive(FromRow)]
struct CardRow {
    question_id: String,
    exam: String,
    r#box: i64,
    due_at: i64,
    lapses: i64,
}

impl From<CardRow> for ReviewCard {
    fn from(row: CardRow) -> ReviewCard {
        ReviewCard {
            question_id: row.question_id,
            exam: row.exam,
            box_number: row.r#box as u8,
            due_at: from_millis(row.due_at),
            lapses: row.lapses as u32,
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
            sqlx::query_as(
            "SELECT question_id, exam, box, due_at, lapses FROM review_cards WHERE guild_id = $1 AND user_id = $2 AND question_id = $3",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(question)
        .fetch_optional(db).await
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
            sqlx::query(
            "INSERT INTO review_cards (guild_id, user_id, question_id, exam, box, due_at, lapses, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (guild_id, user_id, question_id) DO UPDATE SET
                box = excluded.box, due_at = excluded.due_at, lapses = excluded.lapses, updated_at = excluded.updated_at",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(&card.question_id)
        .bind(&card.exam)
        .bind(i64::from(card.box_number))
        .bind(to_millis(card.due_at))
        .bind(i64::from(card.lapses))
        .bind(to_millis(now))
        .execute(db).await.map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    pub async fn retire_review_card(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        question: &str,
    ) -> StoreResult<()> {
        with_tx!(self.tx, |db| sqlx::query(
            "DELETE FROM review_cards WHERE guild_id = $1 AND user_id = $2 AND question_id = $3",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(question)
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
        let rows: Vec<CardRow> = with_pool!(self.reader, |db| sqlx::query_as(
            "SELECT question_id, exam, box, due_at, lapses FROM review_cards
             WHERE guild_id = $1 AND user_id = $2 AND ($3 IS NULL OR exam = $3)
             ORDER BY due_at, question_id LIMIT $4",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(exam)
        .bind(i64::from(limit))
        .fetch_all(db)
        .await)?;
        Ok(rows.into_iter().map(ReviewCard::from).collect())
    }

    pub async fn review_due_count(
        &self,
        guild: Snowflake,
        user: Snowflake,
        now: DateTime<Utc>,
    ) -> StoreResult<(u32, u32)> {
        let (due, total): (i64, i64) = with_pool!(self.reader, |db| {
            sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN due_at <= $1 THEN 1 ELSE 0 END), 0) AS BIGINT), COUNT(*) FROM review_cards WHERE guild_id = $2 AND user_id = $3",
        )
        .bind(to_millis(now))
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .fetch_one(db).await
        })?;
        Ok((due as u32, total as u32))
    }
}
