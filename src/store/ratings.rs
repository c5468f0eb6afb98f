//! Skill ratings per member per guild, per exam and over all exams ("all").

use chrono::{DateTime, Utc};

use super::{id_to_sql, On, Snowflake, Store, StoreResult, WriteTx};
use crate::clock::to_millis;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rating {
    pub rating: f64,
    pub uncertainty: f64,
    pub games: u32,
}

/// One member's rating for one exam key; read in and out of transactions alike.
async fn select_rating(
    mut on: On<'_>,
    guild: Snowflake,
    user: Snowflake,
    exam: &str,
) -> StoreResult<Option<Rating>> {
    let row: Option<(f64, f64, i64)> = with_on!(&mut on, |db| {
        sqlx::query_as(
        "SELECT rating, deviation, games FROM ratings WHERE guild_id = $1 AND user_id = $2 AND exam = $3",
    )
    .bind(id_to_sql(guild))
    .bind(id_to_sql(user))
    .bind(exam)
    .fetch_optional(db).await
    })?;
    Ok(row.map(|(rating, uncertainty, games)| Rating {
        rating,
        uncertainty,
        games: games as u32,
    }))
}

/// Ratings move inside the transaction that finishes a sprint.
impl WriteTx {
    pub async fn rating(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        exam: &str,
    ) -> StoreResult<Option<Rating>> {
        select_rating(On::Tx(&mut self.tx), guild, user, exam).await
    }

    pub async fn save_rating(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        exam: &str,
        rating: Rating,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_tx!(self.tx, |db| {
            sqlx::query(
            "INSERT INTO ratings (guild_id, user_id, exam, rating, deviation, volatility, games, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7)
             ON CONFLICT (guild_id, user_id, exam) DO UPDATE SET rating = excluded.rating, deviation = excluded.deviation,
                games = excluded.games, updated_at = excluded.updated_at",
        )
        .bind(id_to_sql(guild))
        .bind(id_to_sql(user))
        .bind(exam)
        .bind(rating.rating)
        .bind(rating.uncertainty)
        .bind(i64::from(rating.games))
        .bind(to_millis(now))
        .execute(db).await.map(|done| done.rows_affected())
        })?;
        Ok(())
    }
}

impl Store {
    pub async fn rating(
        &self,
        guild: Snowflake,
        user: Snowflake,
        exam: &str,
    ) -> StoreResult<Option<Rating>> {
        select_rating(On::Pool(&self.writer), guild, user, exam).await
    }

    /// The guild's ratings for one exam key, best first (conservative: rating minus uncertainty).
    pub async fn rating_board(
        &self,
        guild: Snowflake,
        exam: &str,
        limit: u32,
    ) -> StoreResult<Vec<(Snowflake, String, Rating)>> {
        let rows: Vec<(i64, String, f64, f64, i64)> = with_pool!(self.reader, |db| {
            sqlx::query_as(
            "SELECT r.user_id, COALESCE(m.display_name, ''), r.rating, r.deviation, r.games FROM ratings r
             LEFT JOIN members m ON m.guild_id = r.guild_id AND m.user_id = r.user_id
             WHERE r.guild_id = $1 AND r.exam = $2 ORDER BY r.rating - 2 * r.deviation DESC, r.user_id LIMIT $3",
        )
        .bind(id_to_sql(guild))
        .bind(exam)
        .bind(i64::from(limit))
        .fetch_all(db).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(user, name, rating, uncertainty, games)| {
                (
                    super::id_from_sql(user),
                    name,
                    Rating {
                        rating,
                        uncertainty,
                        games: games as u32,
                    },
                )
            })
            .collect())
    }
}
