//! Backups on a timer: every period a consistent copy of the database goes into the backup
//! directory as `certsprint-YYYYMMDD-HHMMSS.db` (UTC), written under a temporary name and
//! renamed when complete, so a file with the final name is always a whole backup. Only the
//! newest N are kept. A failed backup is logged and tried again the next period.
//!
//! The period counts from the newest backup in the directory, so a bot restarted more often
//! than the period still backs up on time.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use tokio::sync::watch;
use tracing::Instrument;

use crate::config::BackupSettings;
use crate::quiz::Engine;

const PREFIX: &str = "certsprint-";
const SUFFIX: &str = ".db";
/// Added to a backup's name while it is being written.
const PARTIAL: &str = ".partial";
const STAMP: &str = "%Y%m%d-%H%M%S";

/// The file name of a backup taken at `at`.
pub fn backup_name(at: DateTime<Utc>) -> String {
    format!("{PREFIX}{}{SUFFIX}", at.format(STAMP))
}

/// When the backup named `name` was taken, if `name` is a backup's name.
pub fn backup_time(name: &str) -> Option<DateTime<Utc>> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    NaiveDateTime::parse_from_str(stamp, STAMP)
        .ok()
        .map(|naive| naive.and_utc())
}

/// The backups in `dir`, oldest first.
pub fn list_backups(dir: &Path) -> std::io::Result<Vec<(DateTime<Utc>, PathBuf)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(taken) = name.to_str().and_then(backup_time) else {
            continue;
        };
        if entry.file_type()?.is_file() {
            found.push((taken, entry.path()));
        }
    }
    found.sort();
    Ok(found)
}

/// Takes one backup into `dir`; returns its path.
pub async fn take_backup(engine: &Engine, dir: &Path) -> anyhow::Result<PathBuf> {
    let name = backup_name(engine.now());
    let done = dir.join(&name);
    anyhow::ensure!(!done.exists(), "{} already exists", done.display());
    let partial = dir.join(format!("{name}{PARTIAL}"));
    if partial.exists() {
        // Left by a bot that stopped mid-backup.
        std::fs::remove_file(&partial)?;
    }
    if let Err(error) = engine.backup_to(&partial).await {
        let _ = std::fs::remove_file(&partial);
        return Err(error.into());
    }
    std::fs::rename(&partial, &done)?;
    Ok(done)
}

/// Deletes all but the newest `keep` backups (and partial files that a stopped bot left);
/// returns what it deleted.
pub fn prune(dir: &Path, keep: usize) -> std::io::Result<Vec<PathBuf>> {
    let backups = list_backups(dir)?;
    let mut removed = Vec::new();
    for (_, path) in backups.iter().take(backups.len().saturating_sub(keep)) {
        std::fs::remove_file(path)?;
        removed.push(path.clone());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let stale = name
            .to_str()
            .and_then(|n| n.strip_suffix(PARTIAL))
            .is_some_and(|n| backup_time(n).is_some());
        if stale && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
            removed.push(entry.path());
        }
    }
    Ok(removed)
}

/// What the loop has done so far (for logs and tests).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BackupProgress {
    pub attempts: u64,
    pub failures: u64,
    /// The latest backup written.
    pub last: Option<PathBuf>,
    /// Why the latest attempt failed, when it did.
    pub last_error: Option<String>,
}

pub struct Backups {
    engine: Engine,
    settings: BackupSettings,
    progress: watch::Sender<BackupProgress>,
}

impl Backups {
    pub fn new(engine: Engine, settings: BackupSettings) -> Backups {
        Backups {
            engine,
            settings,
            progress: watch::Sender::new(BackupProgress::default()),
        }
    }

    pub fn progress(&self) -> watch::Receiver<BackupProgress> {
        self.progress.subscribe()
    }

    /// One backup, then pruning. A backup that was written counts as written even if pruning
    /// the old ones then fails (that is logged: the disk fills, but the data is safe).
    pub async fn pass(&self) -> anyhow::Result<PathBuf> {
        let file = take_backup(&self.engine, &self.settings.dir).await?;
        match prune(&self.settings.dir, self.settings.keep) {
            Ok(removed) => {
                for removed in removed {
                    tracing::info!(file = %removed.display(), "old backup removed");
                }
            }
            Err(error) => {
                crate::ops::metrics::backup_prune_failed();
                tracing::error!(%error, dir = %self.settings.dir.display(), "could not remove old backups");
            }
        }
        Ok(file)
    }

    /// When the first backup is due: a period after the newest one, and now if none is there.
    /// The newest one found is reported as the last backup, so an alert on backups falling
    /// behind works from the start, not only after this process's first backup.
    fn first_due(&self) -> DateTime<Utc> {
        let now = self.engine.now();
        let newest = list_backups(&self.settings.dir)
            .ok()
            .and_then(|found| found.last().map(|(taken, _)| *taken));
        if let Some(taken) = newest {
            crate::ops::metrics::last_backup(taken);
        }
        match newest {
            // A backup stamped in the future (the clock was moved back) waits at most a period.
            Some(taken) => (taken + self.settings.every).clamp(now, now + self.settings.every),
            None => now,
        }
    }

    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let every = self.settings.every;
        let mut due = self.first_due();
        tracing::info!(dir = %self.settings.dir.display(), %due, "backups on");
        loop {
            tokio::select! {
                _ = self.engine.clock.sleep_until(due) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
            let outcome = self
                .pass()
                .instrument(tracing::info_span!("job", kind = "backup"))
                .await;
            crate::ops::metrics::backup(outcome.is_ok());
            if outcome.is_ok() {
                crate::ops::metrics::last_backup(self.engine.now());
            }
            self.progress.send_modify(|progress| {
                progress.attempts += 1;
                match &outcome {
                    Ok(file) => {
                        tracing::info!(file = %file.display(), "backup written");
                        progress.last = Some(file.clone());
                        progress.last_error = None;
                    }
                    Err(error) => {
                        tracing::error!(
                            error = format!("{error:#}"),
                            "backup failed; will try again next period"
                        );
                        progress.failures += 1;
                        progress.last_error = Some(format!("{error:#}"));
                    }
                }
            });
            // After a long stall (a suspended machine), one backup catches up, not one per
            // missed period.
            due = (due + every).max(self.engine.now());
        }
    }
}
