//! Work on the database files themselves: where the file is, folding the WAL into it, and
//! checking a copy before it is restored.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};

use super::{Backend, Pool, Store, StoreError, StoreResult, POSTGRES_BACKUPS};

/// The file a `sqlite:` URL names.
pub fn database_file(database_url: &str) -> StoreResult<PathBuf> {
    if Backend::of(database_url) == Backend::Postgres {
        return Err(StoreError::Unsupported(POSTGRES_BACKUPS));
    }
    Ok(SqliteConnectOptions::from_str(database_url)?
        .get_filename()
        .to_path_buf())
}

/// What a copy of the database holds, as far as restoring it is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyCheck {
    /// `PRAGMA integrity_check`'s findings; empty when the file is sound.
    pub problems: Vec<String>,
    /// Whether the copy has certsprint's migration history at all.
    pub has_history: bool,
    /// Applied migrations this build does not know (or knows with other contents).
    pub unknown_migrations: Vec<i64>,
    /// Migrations that started but never finished.
    pub unfinished_migrations: Vec<i64>,
}

impl CopyCheck {
    pub fn is_restorable(&self) -> bool {
        self.problems.is_empty()
            && self.has_history
            && self.unknown_migrations.is_empty()
            && self.unfinished_migrations.is_empty()
    }
}

/// Checks a copy of the database (never a live one) and leaves it as a single file in rollback
/// mode: a WAL beside it is folded in first, so the file can be moved on its own.
pub async fn check_copy(path: &Path) -> StoreResult<CopyCheck> {
    let mut connection = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .connect()
        .await?;
    let problems: Vec<String> = sqlx::query("PRAGMA integrity_check")
        .fetch_all(&mut connection)
        .await?
        .iter()
        .map(|row| row.get::<String, _>(0))
        .filter(|finding| finding != "ok")
        .collect();
    let has_history: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(&mut connection)
    .await?;
    let mut check = CopyCheck {
        problems,
        has_history,
        unknown_migrations: Vec::new(),
        unfinished_migrations: Vec::new(),
    };
    if has_history {
        let known = sqlx::migrate!("./migrations/sqlite");
        let applied = sqlx::query("SELECT version, checksum, success FROM _sqlx_migrations")
            .fetch_all(&mut connection)
            .await?;
        for row in applied {
            let version: i64 = row.get("version");
            let checksum: Vec<u8> = row.get("checksum");
            let success: bool = row.get("success");
            let matches = known
                .iter()
                .any(|m| m.version == version && m.checksum.as_ref() == checksum.as_slice());
            if !matches {
                check.unknown_migrations.push(version);
            } else if !success {
                check.unfinished_migrations.push(version);
            }
        }
    }
    if check.problems.is_empty() {
        sqlx::query("PRAGMA journal_mode = DELETE")
            .execute(&mut connection)
            .await?;
    }
    connection.close().await?;
    Ok(check)
}

impl Store {
    /// Copies everything in the WAL into the main file and empties the WAL, so the file alone
    /// holds every committed transaction. PostgreSQL keeps its own files: nothing to do there.
    pub async fn checkpoint(&self) -> StoreResult<()> {
        if let Pool::Sqlite(writer) = &self.writer {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(writer)
                .await?;
        }
        Ok(())
    }
}
