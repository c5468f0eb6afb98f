//! The SQLite store: the only place that speaks SQL. One writer connection (SQLite takes one
//! writer at a time; queueing in the pool is fairer and faster than spinning on the file lock)
//! and a few reader connections (WAL lets them read while the writer writes).
//!
//! `impl Store` is split across files by area; writes that must happen together go through a
//! `WriteTx`, whose methods are likewise split by area.

mod answers;
mod exports;
mod flags;
mod guilds;
mod leaderboard;
mod maintenance;
mod members;
mod mocks;
mod posts;
mod ratings;
mod reveals;
mod reviews;
mod schedules;
mod sprints;
mod stats;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::clock::to_millis;
pub use answers::{AnswerRow, NewAnswer, OptionTally};
pub use exports::{AnswerRecord, MemberSummary};
pub use flags::Flag;
pub use leaderboard::{BoardRow, Period, Standing};
pub use maintenance::{check_copy, database_file, CopyCheck};
pub use members::Member;
pub use mocks::{MockRow, NewMock};
pub use posts::{NewPost, Post, PostMode, PostState};
pub use ratings::Rating;
pub use reveals::OwedReveal;
pub use reviews::ReviewCard;
pub use schedules::{NewSchedule, Schedule};
pub use sprints::{
    JoinRefusal, LobbyEnd, NewSprint, PlayerOutcome, PlayerRow, SprintAnswer, SprintRow,
    SprintState,
};
pub use stats::{AnswerTally, GroupTally, GuildActivity, TimedAnswer};

/// What can go wrong in the store, in terms its callers act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A row with the same unique key exists (a claim someone else made first).
    #[error("a row with the same key already exists")]
    Conflict,
    /// The store was closed (shutting down).
    #[error("the database is closed")]
    Closed,
    /// Work abandoned because something before it in the same transaction failed.
    #[error("{0}")]
    Aborted(String),
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        match &error {
            sqlx::Error::Database(inner) if inner.is_unique_violation() => StoreError::Conflict,
            sqlx::Error::PoolClosed => StoreError::Closed,
            _ => StoreError::Database(error),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A Discord snowflake (guild, channel, user, message), stored as SQLite's signed INTEGER.
pub type Snowflake = u64;

pub(crate) fn id_to_sql(id: Snowflake) -> i64 {
    id as i64
}

pub(crate) fn id_from_sql(id: i64) -> Snowflake {
    id as u64
}

const READERS: u32 = 4;

#[derive(Clone)]
pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl Store {
    /// Opens (creating the file on first run) and brings the schema up to date.
    pub async fn open(database_url: &str) -> StoreResult<Store> {
        let store = Store::connect(database_url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens without migrating (the `migrate` command migrates explicitly).
    pub async fn connect(database_url: &str) -> StoreResult<Store> {
        let options = SqliteConnectOptions::from_str(database_url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable in WAL mode against a process crash: a commit is in the WAL
            // before COMMIT returns; only a power cut can lose the last transactions.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Store { writer, reader })
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations")
            .run(&self.writer)
            .await
            .map_err(|error| match error {
                sqlx::migrate::MigrateError::Execute(inner) => inner.into(),
                other => sqlx::Error::Migrate(Box::new(other)).into(),
            })
    }

    /// A consistent copy of the live database, taken without stopping the bot. It runs on a
    /// reader: the copy is one read transaction (everything committed before it began), and in
    /// WAL mode answers keep committing meanwhile instead of waiting for a large copy.
    pub async fn backup(&self, to: &Path) -> StoreResult<()> {
        sqlx::query("VACUUM INTO ?")
            .bind(to.to_string_lossy().as_ref())
            .execute(&self.reader)
            .await?;
        Ok(())
    }

    /// Proves the database takes a committed write: one row rewritten in its own transaction.
    pub async fn probe_write(&self, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO health_probe (id, checked_at) VALUES (1, ?)
             ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
        )
        .bind(to_millis(now))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn begin(&self) -> StoreResult<WriteTx> {
        Ok(WriteTx {
            tx: self.writer.begin_with("BEGIN IMMEDIATE").await?,
        })
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// A write transaction. Dropping it without `commit` rolls everything back.
pub struct WriteTx {
    tx: Transaction<'static, Sqlite>,
}

impl WriteTx {
    pub async fn commit(self) -> StoreResult<()> {
        Ok(self.tx.commit().await?)
    }
}
