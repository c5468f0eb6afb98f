//! The store: the only place that speaks SQL, and the only place that knows which database it
//! speaks to. SQLite (the default, a file) or PostgreSQL (`postgres://`, for several processes
//! sharing one database). Every query is written once, in SQL both accept (`$1` placeholders,
//! integers for flags and times), and runs on whichever backend the store opened.
//!
//! SQLite: one writer connection (SQLite takes one writer at a time; queueing in the pool is
//! fairer and faster than spinning on the file lock) and a few readers (WAL lets them read while
//! the writer writes). PostgreSQL: one writer connection too, so a process's writes keep the order
//! and isolation they have on SQLite, and a pool of readers.
//!
//! `impl Store` is split across files by area; writes that must happen together go through a
//! `WriteTx`, whose methods are likewise split by area.

/// Runs `$body` with `$db` bound to the pool behind `$pool`, whichever backend it is.
macro_rules! with_pool {
    ($pool:expr, |$db:ident| $body:expr) => {
        match &$pool {
            $crate::store::Pool::Sqlite($db) => $body,
            $crate::store::Pool::Postgres($db) => $body,
        }
    };
}

/// Runs `$body` with `$db` bound to the connection of the transaction `$tx`.
macro_rules! with_tx {
    ($tx:expr, |$db:ident| $body:expr) => {
        match &mut $tx {
            $crate::store::Tx::Sqlite(tx) => {
                let $db = &mut **tx;
                $body
            }
            $crate::store::Tx::Postgres(tx) => {
                let $db = &mut **tx;
                $body
            }
        }
    };
}

/// Runs `$body` with `$db` bound to where an `On` (a `&mut On`) points: a pool or a transaction.
macro_rules! with_on {
    ($on:expr, |$db:ident| $body:expr) => {
        match $on {
            $crate::store::On::Pool(pool) => with_pool!(**pool, |$db| $body),
            $crate::store::On::Tx(tx) => with_tx!(**tx, |$db| $body),
        }
    };
}

mod answer_writes;
mod answers;
mod exports;
mod flags;
mod guilds;
mod item_stats;
mod leaderboard;
mod maintenance;
mod members;
mod mocks;
mod postgres_batch;
mod posts;
mod ratings;
mod reveals;
mod reviews;
mod schedules;
mod sprints;
mod sqlite_direct;
mod stats;
mod transfer;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use crate::clock::to_millis;
use crate::shards::ShardRange;
pub(crate) use answer_writes::AnswerWrites;
pub use answers::{AnswerRow, NewAnswer, OptionTally};
pub use exports::{AnswerRecord, MemberSummary};
pub use flags::Flag;
pub use item_stats::{PostMemberItem, PostResponseCount, RecordedResponses};
pub use leaderboard::{BoardRow, Period, Standing};
pub use maintenance::{check_copy, database_file, CopyCheck};
pub use members::Member;
pub use mocks::{MockRow, NewMock};
pub(crate) use postgres_batch::{BatchedWrites, CardKey};
pub use posts::{NewPost, Post, PostMode, PostState};
pub use ratings::Rating;
pub use reveals::OwedReveal;
pub use reviews::{CardState, Reminder, ReminderOutcome, ReviewCard};
pub use schedules::{NewSchedule, Schedule};
pub use sprints::{
    JoinRefusal, LobbyEnd, NewSprint, PlayerOutcome, PlayerRow, SprintAnswer, SprintRow,
    SprintState,
};
pub use stats::{AnswerTally, GroupTally, GuildActivity, TimedAnswer};
pub use transfer::TransferReport;

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
    /// The operation exists only for the other backend (file backups are SQLite's).
    #[error("{0}")]
    Unsupported(&'static str),
    #[error(transparent)]
    Database(sqlx::Error),
    /// An error from SQLite's C API, where the answer writer calls it directly.
    #[error("SQLite error {code}: {message}")]
    Sqlite { code: i32, message: String },
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

/// A Discord snowflake (guild, channel, user, message), stored as a signed 64-bit integer.
pub type Snowflake = u64;

pub(crate) fn id_to_sql(id: Snowflake) -> i64 {
    id as i64
}

pub(crate) fn id_from_sql(id: i64) -> Snowflake {
    id as u64
}

const READERS: u32 = 4;

/// The guilds on this process's shards, for queries that gather timed work across guilds: a
/// format string taking the number of the first of three placeholders, bound to
/// `Store::shard_filter` in order (total, first, last).
fn on_my_shards(table: &str, first_placeholder: usize) -> String {
    let n = first_placeholder;
    format!(
        "(({table}.guild_id >> 22) % ${n}) BETWEEN ${} AND ${}",
        n + 1,
        n + 2
    )
}

/// Which database a store speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names: `postgres://` or `postgresql://`, else SQLite.
    pub fn of(database_url: &str) -> Backend {
        if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    async fn close(&self) {
        match self {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// Where a read that serves both transactions and plain reads runs.
enum On<'a> {
    Pool(&'a Pool),
    Tx(&'a mut Tx),
}

enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

#[derive(Clone)]
pub struct Store {
    writer: Pool,
    reader: Pool,
    /// The guilds whose timed work (posting, closing, reveals, sprints, mock deadlines) this
    /// process does; `None`: every guild.
    shards: Option<ShardRange>,
}

impl Store {
    /// Opens (creating the SQLite file on first run) and brings the schema up to date.
    pub async fn open(database_url: &str) -> StoreResult<Store> {
        let store = Store::connect(database_url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens without migrating (the `migrate` command migrates explicitly).
    pub async fn connect(database_url: &str) -> StoreResult<Store> {
        match Backend::of(database_url) {
            Backend::Sqlite => Store::connect_sqlite(database_url).await,
            Backend::Postgres => Store::connect_postgres(database_url).await,
        }
    }

    async fn connect_sqlite(database_url: &str) -> StoreResult<Store> {
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
        Ok(Store {
            writer: Pool::Sqlite(writer),
            reader: Pool::Sqlite(reader),
            shards: None,
        })
    }

    async fn connect_postgres(database_url: &str) -> StoreResult<Store> {
        let options = PgConnectOptions::from_str(database_url)?.application_name("certsprint");
        let writer = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        let reader = PgPoolOptions::new()
            .max_connections(READERS)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Store {
            writer: Pool::Postgres(writer),
            reader: Pool::Postgres(reader),
            shards: None,
        })
    }

    /// The same store, doing timed work for the guilds of these shards only.
    pub fn for_shards(mut self, shards: Option<ShardRange>) -> Store {
        self.shards = shards;
        self
    }

    /// `(total, first, last)` for the shard filter of timed-work queries, `ON_MY_SHARDS`; one
    /// shard of one holds every guild.
    fn shard_filter(&self) -> (i64, i64, i64) {
        self.shards.map_or((1, 0, 0), |range| {
            (
                i64::from(range.total),
                i64::from(range.first),
                i64::from(range.last),
            )
        })
    }

    pub fn backend(&self) -> Backend {
        match self.writer {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        let migrated = match &self.writer {
            Pool::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
            Pool::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await,
        };
        migrated.map_err(|error| match error {
            sqlx::migrate::MigrateError::Execute(inner) => inner.into(),
            other => sqlx::Error::Migrate(Box::new(other)).into(),
        })
    }

    /// A consistent copy of the live database, taken without stopping the bot. It runs on a
    /// reader: the copy is one read transaction (everything committed before it began), and in
    /// WAL mode answers keep committing meanwhile instead of waiting for a large copy.
    /// On PostgreSQL, backups are the server's business (pg_dump).
    pub async fn backup(&self, to: &Path) -> StoreResult<()> {
        let Pool::Sqlite(reader) = &self.reader else {
            return Err(StoreError::Unsupported(POSTGRES_BACKUPS));
        };
        sqlx::query("VACUUM INTO $1")
            .bind(to.to_string_lossy().as_ref())
            .execute(reader)
            .await?;
        Ok(())
    }

    /// Proves the database takes a committed write: one row rewritten in its own transaction.
    pub async fn probe_write(&self, now: DateTime<Utc>) -> StoreResult<()> {
        with_pool!(self.writer, |db| sqlx::query(
            "INSERT INTO health_probe (id, checked_at) VALUES (1, $1)
             ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
        )
        .bind(to_millis(now))
        .execute(db)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    pub async fn begin(&self) -> StoreResult<WriteTx> {
        let tx = match &self.writer {
            // IMMEDIATE takes the write lock at BEGIN, so a transaction that reads before it
            // writes never fails to upgrade its lock halfway through.
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        };
        Ok(WriteTx { tx })
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// What `certsprint backup` and `restore` say on PostgreSQL.
pub const POSTGRES_BACKUPS: &str = "backups of a PostgreSQL database are taken and restored with pg_dump and pg_restore (see docs/SCALING.md); certsprint backs up SQLite files only";

/// A write transaction. Dropping it without `commit` rolls everything back.
pub struct WriteTx {
    tx: Tx,
}

impl WriteTx {
    pub async fn commit(self) -> StoreResult<()> {
        match self.tx {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
