//! "A bot is running on this database": an exclusive lock on a file next to the database,
//! held by `run` for its whole life and taken by `restore` before it swaps files.
//!
//! Why a lock and not something else: SQLite's own locks cannot tell, since in WAL mode other
//! processes may read and write beside the bot; a PID file goes stale after a crash and PIDs
//! are reused; an operating-system lock (flock on Unix, LockFileEx on Windows) belongs to the
//! open file, so the kernel drops it the moment the process ends, however it ends. The lock
//! file itself stays behind, which is harmless: only the lock on it counts.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use fs4::FileExt;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another certsprint process is using {database} (it holds the lock on {lock})")]
    Held { database: PathBuf, lock: PathBuf },
    #[error("cannot lock {lock}: {source}")]
    Io {
        lock: PathBuf,
        source: std::io::Error,
    },
}

/// Held while it lives; dropping it (or the process ending) releases the lock.
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
    path: PathBuf,
}

impl DatabaseLock {
    /// `<database>.lock`, beside the database file.
    pub fn path_for(database: &Path) -> PathBuf {
        let mut name = database.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Takes the lock without waiting; `LockError::Held` when another process (or another
    /// handle in this one) has it.
    pub fn acquire(database: &Path) -> Result<DatabaseLock, LockError> {
        let path = DatabaseLock::path_for(database);
        let io = |source| LockError::Io {
            lock: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                return Err(LockError::Held {
                    database: database.to_path_buf(),
                    lock: path,
                })
            }
            Err(fs4::TryLockError::Error(error)) => return Err(io(error)),
        }
        // For a person looking at the file; the lock, not this text, is what counts.
        file.set_len(0).map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(DatabaseLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}
