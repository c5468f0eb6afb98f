//! Members: per-guild membership, display name snapshot and streaks.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{id_from_sql, id_to_sql, Snowflake, Store, StoreResult, WriteTx};
use crate::clock::to_millis;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub guild_id: Snowflake,
    pub user_id: Snowflake,
    pub display_name: String,
    pub current_streak: u32,
    pub best_streak: u32,
    /// Guild-local day number of the member's last answer to a scheduled question.
    pub streak_day: Option<i32>,
}

#[derive(FromRow)]
struct MemberRow {
    guild_id: i64,
    user_id: i64,
    display_name: String,
    current_streak: i64,
    best_streak: i64,
    streak_day: Option<i64>,
}

impl From<MemberRow> for Member {
    fn from(row: MemberRow) -> Member {
        Member {
            guild_id: id_from_sql(row.guild_id),
            user_id: id_from_sql(row.user_id),
            display_name: row.display_name,
            current_streak: row.current_streak as u32,
            best_streak: row.best_streak as u32,
            streak_day: row.streak_day.map(|day| day as i32),
        }
    }
}

const SELECT_MEMBER: &str =
    "SELECT guild_id, user_id, display_name, current_streak, best_streak, streak_day
     FROM members WHERE guild_id = $1 AND user_id = $2";

/// Records that the member was seen, and returns them with their streak.
pub(super) const TOUCH_MEMBER: &str =
    "INSERT INTO members (guild_id, user_id, display_name, first_seen_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (guild_id, user_id)
     DO UPDATE SET display_name = excluded.display_name, last_seen_at = excluded.last_seen_at
     RETURNING guild_id, user_id, display_name, current_streak, best_streak, streak_day";

pub(super) const SET_STREAK: &str =
    "UPDATE members SET current_streak = $1, best_streak = $2, streak_day = $3 WHERE guild_id = $4 AND user_id = $5";

impl WriteTx {
    pub async fn member(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
    ) -> StoreResult<Option<Member>> {
        let row: Option<MemberRow> = with_tx!(self.tx, |db| sqlx::query_as(SELECT_MEMBER)
            .bind(id_to_sql(guild))
            .bind(id_to_sql(user))
            .fetch_optional(db)
            .await)?;
        Ok(row.map(Member::from))
    }

    /// Records that the member was seen now under this display name, and returns the member
    /// (streak included) in the same statement.
    pub async fn touch_member(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Member> {
        let row: MemberRow = with_tx!(self.tx, |db| {
            sqlx::query_as(TOUCH_MEMBER)
                .bind(id_to_sql(guild))
                .bind(id_to_sql(user))
                .bind(display_name)
                .bind(to_millis(now))
                .bind(to_millis(now))
                .fetch_one(db)
                .await
        })?;
        Ok(row.into())
    }

    pub async fn set_streak(
        &mut self,
        guild: Snowflake,
        user: Snowflake,
        current: u32,
        best: u32,
        day: i32,
    ) -> StoreResult<()> {
        with_tx!(self.tx, |db| {
            sqlx::query(SET_STREAK)
                .bind(i64::from(current))
                .bind(i64::from(best))
                .bind(i64::from(day))
                .bind(id_to_sql(guild))
                .bind(id_to_sql(user))
                .execute(db)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(())
    }
}

impl Store {
    pub async fn member(&self, guild: Snowflake, user: Snowflake) -> StoreResult<Option<Member>> {
        let row: Option<MemberRow> = with_pool!(self.reader, |db| sqlx::query_as(SELECT_MEMBER)
            .bind(id_to_sql(guild))
            .bind(id_to_sql(user))
            .fetch_optional(db)
            .await)?;
        Ok(row.map(Member::from))
    }

    /// Deletes everything the bot holds about a member in one guild. Returns the answers removed.
    pub async fn forget_member(&self, guild: Snowflake, user: Snowflake) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        let (g, u) = (id_to_sql(guild), id_to_sql(user));
        let answers = with_tx!(tx.tx, |db| sqlx::query(
            "DELETE FROM answers WHERE guild_id = $1 AND user_id = $2"
        )
        .bind(g)
        .bind(u)
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        for table in [
            "score_totals",
            "review_cards",
            "review_reminders",
            "question_flags",
            "ratings",
            "mock_attempts",
            "sprint_players",
            "members",
        ] {
            with_tx!(tx.tx, |db| sqlx::query(&format!(
                "DELETE FROM {table} WHERE guild_id = $1 AND user_id = $2"
            ))
            .bind(g)
            .bind(u)
            .execute(db)
            .await
            .map(|done| done.rows_affected()))?;
        }
        with_tx!(tx.tx, |db| sqlx::query(
            "DELETE FROM posts WHERE guild_id = $1 AND mode = 'personal' AND owner_id = $2"
        )
        .bind(g)
        .bind(u)
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(answers)
    }
}
