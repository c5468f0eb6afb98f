//! `certsprint restore FILE`: checks a copy of the database and puts it in place of the live
//! one, only while no bot runs on it. The database it replaces is kept beside it as
//! `<database>.before-restore`.

use std::path::{Path, PathBuf};

use crate::database_lock::{DatabaseLock, LockError};
use crate::store::{self, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("{0} does not exist or is not a file")]
    NoCopy(PathBuf),
    #[error("{0} is the database itself; give a backup file")]
    SameFile(PathBuf),
    #[error("the bot is running on {database} (it holds {lock}); stop it, then restore")]
    BotRunning { database: PathBuf, lock: PathBuf },
    #[error("{copy} is damaged and was not restored: {findings}")]
    Corrupt { copy: PathBuf, findings: String },
    #[error("{0} is not a certsprint database (it has no migration history)")]
    NotCertsprint(PathBuf),
    #[error("{copy} has migrations this build does not know ({versions}): it comes from a newer or different certsprint; restore it with that version")]
    UnknownMigrations { copy: PathBuf, versions: String },
    #[error("{copy} has unfinished migrations ({versions}); it was taken during a failed upgrade")]
    UnfinishedMigrations { copy: PathBuf, versions: String },
    #[error("{0} exists from an earlier restore; move it away first so it is not overwritten")]
    PreviousKept(PathBuf),
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Lock(LockError),
    #[error("reading the database failed: {0}")]
    Store(#[from] StoreError),
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub database: PathBuf,
    /// Where the replaced database went (none when there was no database yet).
    pub previous: Option<PathBuf>,
}

/// `<path><suffix>`, as SQLite names its `-wal` and `-shm` files.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> RestoreError {
    let path = path.to_path_buf();
    move |source| RestoreError::Io {
        action,
        path,
        source,
    }
}

/// Removes a file if it is there.
fn remove(path: &Path) -> Result<(), RestoreError> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(io("removing", path)(error))
        }
        _ => Ok(()),
    }
}

fn remove_with_sidecars(path: &Path) -> Result<(), RestoreError> {
    remove(path)?;
    remove(&with_suffix(path, "-wal"))?;
    remove(&with_suffix(path, "-shm"))
}

/// Checks `copy` and puts it in place of the database at `database_url`.
pub async fn restore(copy: &Path, database_url: &str) -> Result<Restored, RestoreError> {
    if !copy.is_file() {
        return Err(RestoreError::NoCopy(copy.to_path_buf()));
    }
    let database = store::database_file(database_url)?;
    if database.exists()
        && std::fs::canonicalize(&database).ok() == std::fs::canonicalize(copy).ok()
    {
        return Err(RestoreError::SameFile(copy.to_path_buf()));
    }
    // Held until the new file is in place, so a bot starting meanwhile refuses to run.
    let _lock = DatabaseLock::acquire(&database).map_err(|error| match error {
        LockError::Held { database, lock } => RestoreError::BotRunning { database, lock },
        other => RestoreError::Lock(other),
    })?;
    let previous = with_suffix(&database, ".before-restore");
    if database.exists() && previous.exists() {
        return Err(RestoreError::PreviousKept(previous));
    }

    // Check a private copy, so that what is checked is exactly what goes in place and the
    // backup itself is never touched. A WAL beside the copy holds committed work: it comes too.
    let staging = with_suffix(&database, ".restoring");
    remove_with_sidecars(&staging)?;
    std::fs::copy(copy, &staging).map_err(io("copying to", &staging))?;
    let copy_wal = with_suffix(copy, "-wal");
    if copy_wal.is_file() {
        let staging_wal = with_suffix(&staging, "-wal");
        std::fs::copy(&copy_wal, &staging_wal).map_err(io("copying to", &staging_wal))?;
    }
    let checked = match store::check_copy(&staging).await {
        Ok(check) => check_verdict(copy, check),
        Err(StoreError::Database(error)) => Err(RestoreError::Corrupt {
            copy: copy.to_path_buf(),
            findings: error.to_string(),
        }),
        Err(other) => Err(other.into()),
    };
    if let Err(refusal) = checked {
        remove_with_sidecars(&staging)?;
        return Err(refusal);
    }

    let kept = if database.exists() {
        // Fold the live WAL into the file, so the kept file alone holds every transaction.
        // A database too damaged to open still moves aside whole, with its WAL.
        match Store::connect(database_url).await {
            Ok(live) => {
                let folded = live.checkpoint().await;
                live.close().await;
                if let Err(error) = folded {
                    tracing::warn!(%error, "could not fold the WAL into the old database; keeping both files");
                }
            }
            Err(error) => {
                tracing::warn!(%error, "could not open the old database; keeping its files as they are")
            }
        }
        std::fs::rename(&database, &previous).map_err(io("moving aside", &database))?;
        let wal = with_suffix(&database, "-wal");
        if wal.is_file() {
            let kept_wal = with_suffix(&previous, "-wal");
            std::fs::rename(&wal, &kept_wal).map_err(io("moving aside", &wal))?;
        }
        remove(&with_suffix(&database, "-shm"))?;
        Some(previous)
    } else {
        None
    };
    std::fs::rename(&staging, &database).map_err(io("moving into place", &staging))?;
    remove(&with_suffix(&staging, "-shm"))?;
    Ok(Restored {
        database,
        previous: kept,
    })
}

fn check_verdict(copy: &Path, check: store::CopyCheck) -> Result<(), RestoreError> {
    let list = |versions: &[i64]| {
        versions
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let copy = copy.to_path_buf();
    if !check.problems.is_empty() {
        let mut findings = check.problems;
        findings.truncate(5);
        return Err(RestoreError::Corrupt {
            copy,
            findings: findings.join("; "),
        });
    }
    if !check.has_history {
        return Err(RestoreError::NotCertsprint(copy));
    }
    if !check.unknown_migrations.is_empty() {
        return Err(RestoreError::UnknownMigrations {
            copy,
            versions: list(&check.unknown_migrations),
        });
    }
    if !check.unfinished_migrations.is_empty() {
        return Err(RestoreError::UnfinishedMigrations {
            copy,
            versions: list(&check.unfinished_migrations),
        });
    }
    debug_assert!(check.is_restorable());
    Ok(())
}
