//! The review reminder: members who opted in get at most one DM a day, at their hour in the
//! guild's zone, when review cards are due. Each day is claimed in the database before its DM
//! goes out, so a restart never sends twice; a member whose DMs are closed is not tried again
//! that day; a temporary failure gives the day back for a later pass.

use std::sync::Arc;

use chrono::Duration;
use tokio::sync::watch;
use tracing::Instrument;

use super::{PublishError, Publisher};
use crate::quiz::{Engine, QuizResult};
use crate::store::ReminderOutcome;

/// Longest sleep when no reminder hour is nearer (guards against a missed wake-up or a zone
/// change).
const MAX_SLEEP: Duration = Duration::hours(1);
/// Pause before trying again after a temporary failure.
const RETRY: Duration = Duration::minutes(5);

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RemindersPass {
    pub sent: usize,
    pub refused: usize,
    pub failed: usize,
}

pub async fn run_reminders<P: Publisher>(
    engine: Engine,
    publisher: Arc<P>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        // Register for wake-ups before reading the database, so none falls between the two.
        let woken = engine.signals().reminders.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let now = engine.now();
        let next = match send_due_reminders(&engine, publisher.as_ref())
            .instrument(tracing::info_span!("job", kind = "reminders"))
            .await
        {
            Ok((pass, next)) => {
                let retry = (pass.failed > 0).then_some(now + RETRY);
                [next, retry, Some(now + MAX_SLEEP)]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap_or(now + MAX_SLEEP)
            }
            Err(error) => {
                tracing::warn!(%error, "sending review reminders failed; will retry");
                now + RETRY
            }
        };
        tokio::select! {
            _ = engine.clock.sleep_until(next) => {}
            _ = &mut woken => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}

/// Sends every reminder owed now; returns what it did and when the next reminder hour comes.
pub async fn send_due_reminders<P: Publisher>(
    engine: &Engine,
    publisher: &P,
) -> QuizResult<(RemindersPass, Option<chrono::DateTime<chrono::Utc>>)> {
    let (owed, next) = engine.reminders_owed().await?;
    let mut pass = RemindersPass::default();
    for reminder in owed {
        if !engine.claim_reminder(&reminder).await? {
            continue;
        }
        let outcome = match publisher.send_review_reminder(&reminder).await {
            Ok(()) => {
                pass.sent += 1;
                Some(ReminderOutcome::Sent)
            }
            Err(PublishError::Refused(reason)) => {
                tracing::info!(user = reminder.user, %reason, "review reminder refused (DMs closed?); not retried today");
                pass.refused += 1;
                Some(ReminderOutcome::Refused)
            }
            Err(PublishError::Unavailable(reason)) => {
                tracing::warn!(user = reminder.user, %reason, "review reminder failed; will retry");
                pass.failed += 1;
                None
            }
        };
        engine.finish_reminder(&reminder, outcome).await?;
    }
    Ok((pass, next))
}
