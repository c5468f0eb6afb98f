//! What item statistics read: answers to posts grouped in SQL, and the recorded responses of
//! sprints and submitted mock exams (marked by the engine, which knows the keys). A guild of
//! `None` reads every guild (the operator's command line).

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::FromRow;

use super::{id_from_sql, id_to_sql, Backend, Pool, Snowflake, Store, StoreResult};

/// Answers to posts (channel and /quiz) with one response to one item, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostResponseCount {
    pub exam: String,
    pub question_id: String,
    pub choice: String,
    pub correct: bool,
    pub count: u32,
}

/// One member's answers to posts of one item with one response: how many, and when first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostMemberItem {
    pub guild_id: Snowflake,
    pub user_id: Snowflake,
    pub exam: String,
    pub question_id: String,
    pub choice: String,
    pub answered: u32,
    /// As marked when answered (the engine marks again against the current key).
    pub correct: bool,
    /// Unix milliseconds of the first answer with this response.
    pub first_at: i64,
}

/// A sprint player's or a submitted mock attempt's responses, in item order ("" for none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedResponses {
    pub guild_id: Snowflake,
    pub user_id: Snowflake,
    pub question_ids: Vec<String>,
    pub responses: Vec<String>,
    /// When the sprint or the attempt started (unix milliseconds).
    pub at: i64,
}

#[derive(FromRow)]
struct MemberItemSql {
    guild_id: i64,
    user_id: i64,
    exam: String,
    question_id: String,
    choice: String,
    answered: i64,
    first_at: i64,
    correct: i64,
}

impl Store {
    /// Opens an existing database for reading only: no migration, no journal change, and any
    /// write fails. Safe beside a running bot (WAL readers do not block its writer).
    pub async fn open_read_only(database_url: &str) -> StoreResult<Store> {
        if Backend::of(database_url) == Backend::Postgres {
            // The server keeps readers and writers apart; this process only reads.
            return Store::connect(database_url).await;
        }
        let options = SqliteConnectOptions::from_str(database_url)?
            .read_only(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Store {
            writer: Pool::Sqlite(pool.clone()),
            reader: Pool::Sqlite(pool),
            shards: None,
        })
    }

    pub async fn post_response_counts(
        &self,
        guild: Option<Snowflake>,
    ) -> StoreResult<Vec<PostResponseCount>> {
        let rows: Vec<(String, String, String, i64, i64)> =
            with_pool!(self.reader, |db| sqlx::query_as(
                "SELECT exam, question_id, choice, correct, COUNT(*) FROM answers
             WHERE $1 IS NULL OR guild_id = $1
             GROUP BY exam, question_id, choice, correct",
            )
            .bind(guild.map(id_to_sql))
            .fetch_all(db)
            .await)?;
        Ok(rows
            .into_iter()
            .map(
                |(exam, question_id, choice, correct, count)| PostResponseCount {
                    exam,
                    question_id,
                    choice,
                    correct: correct != 0,
                    count: count as u32,
                },
            )
            .collect())
    }

    pub async fn post_member_items(
        &self,
        guild: Option<Snowflake>,
    ) -> StoreResult<Vec<PostMemberItem>> {
        let rows: Vec<MemberItemSql> = with_pool!(self.reader, |db| sqlx::query_as(
            "SELECT guild_id, user_id, exam, question_id, choice, COUNT(*) AS answered,
                MIN(answered_at) AS first_at, CAST(MAX(correct) AS BIGINT) AS correct
             FROM answers WHERE $1 IS NULL OR guild_id = $1
             GROUP BY guild_id, user_id, exam, question_id, choice",
        )
        .bind(guild.map(id_to_sql))
        .fetch_all(db)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|row| PostMemberItem {
                guild_id: id_from_sql(row.guild_id),
                user_id: id_from_sql(row.user_id),
                exam: row.exam,
                question_id: row.question_id,
                choice: row.choice,
                answered: row.answered as u32,
                correct: row.correct != 0,
                first_at: row.first_at,
            })
            .collect())
    }

    /// Every sprint player's responses (they are final as soon as given).
    pub async fn sprint_responses(
        &self,
        guild: Option<Snowflake>,
    ) -> StoreResult<Vec<RecordedResponses>> {
        let rows: Vec<(i64, i64, String, String, i64)> = with_pool!(self.reader, |db| {
            sqlx::query_as(
            "SELECT p.guild_id, p.user_id, s.question_ids, p.responses, COALESCE(s.started_at, s.created_at)
             FROM sprint_players p JOIN sprints s ON s.sprint_id = p.sprint_id
             WHERE p.responses != '' AND ($1 IS NULL OR p.guild_id = $1)",
        )
        .bind(guild.map(id_to_sql))
        .fetch_all(db).await
        })?;
        Ok(rows.into_iter().map(recorded).collect())
    }

    /// Submitted mock attempts' responses (an attempt under way may still change its answers).
    pub async fn mock_responses(
        &self,
        guild: Option<Snowflake>,
    ) -> StoreResult<Vec<RecordedResponses>> {
        let rows: Vec<(i64, i64, String, String, i64)> =
            with_pool!(self.reader, |db| sqlx::query_as(
                "SELECT guild_id, user_id, question_ids, responses, started_at FROM mock_attempts
             WHERE submitted_at IS NOT NULL AND ($1 IS NULL OR guild_id = $1)",
            )
            .bind(guild.map(id_to_sql))
            .fetch_all(db)
            .await)?;
        Ok(rows.into_iter().map(recorded).collect())
    }
}

fn recorded(
    (guild, user, question_ids, responses, at): (i64, i64, String, String, i64),
) -> RecordedResponses {
    RecordedResponses {
        guild_id: id_from_sql(guild),
        user_id: id_from_sql(user),
        question_ids: question_ids
            .split(',')
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect(),
        responses: responses.split('|').map(str::to_string).collect(),
        at,
    }
}
