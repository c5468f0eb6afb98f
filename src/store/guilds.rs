//! Guilds and their settings.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{id_to_sql, Snowflake, Store, StoreResult, WriteTx};
use crate::clock::to_millis;

impl WriteTx {
    /// Makes sure the guild has a row (settings default until an admin changes them).
    pub async fn ensure_guild(&mut self, guild: Snowflake, now: DateTime<Utc>) -> StoreResult<()> {
        with_tx!(self.tx, |db| sqlx::query(
            "INSERT INTO guilds (guild_id, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id_to_sql(guild))
        .bind(to_millis(now))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    pub async fn guild_timezone(&mut self, guild: Snowflake) -> StoreResult<Tz> {
        let zone: Option<String> = with_tx!(self.tx, |db| sqlx::query_scalar(
            "SELECT timezone FROM guilds WHERE guild_id = $1"
        )
        .bind(id_to_sql(guild))
        .fetch_optional(db)
        .await)?;
        Ok(parse_zone(zone))
    }
}

impl Store {
    /// The zone in which the guild's weeks and months run (UTC until set).
    pub async fn guild_timezone(&self, guild: Snowflake) -> StoreResult<Tz> {
        let zone: Option<String> = with_pool!(self.reader, |db| sqlx::query_scalar(
            "SELECT timezone FROM guilds WHERE guild_id = $1"
        )
        .bind(id_to_sql(guild))
        .fetch_optional(db)
        .await)?;
        Ok(parse_zone(zone))
    }

    pub async fn set_guild_timezone(
        &self,
        guild: Snowflake,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        with_pool!(self.writer, |db| sqlx::query(
            "INSERT INTO guilds (guild_id, timezone, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone",
        )
        .bind(id_to_sql(guild))
        .bind(zone.name())
        .bind(to_millis(now))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }
}

fn parse_zone(zone: Option<String>) -> Tz {
    zone.and_then(|name| name.parse().ok()).unwrap_or(Tz::UTC)
}
