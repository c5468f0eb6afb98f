//! The timer: settles sprints and mock exams as their deadlines pass (and, on start, whatever
//! expired while the bot was down), and makes sure every finished sprint's result reaches its
//! channel exactly once.

use std::sync::Arc;

use chrono::Duration;
use tokio::sync::watch;
use tracing::Instrument;

use super::{PublishError, Publisher};
use crate::quiz::sprint::{Settled, SprintResult, ANNOUNCE_TIMEOUT};
use crate::quiz::Engine;

/// Longest sleep when nothing is due sooner (mock deadlines are checked at least this often).
const MAX_SLEEP: Duration = Duration::seconds(30);

pub async fn run_timer<P: Publisher>(
    engine: Engine,
    publisher: Arc<P>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        // Register for wake-ups before reading the database, so none falls between the two.
        let woken = engine.signals().timer.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        settle_due(&engine, publisher.as_ref())
            .instrument(tracing::info_span!("job", kind = "timer"))
            .await;
        let now = engine.now();
        let next = match engine.next_timer_deadline().await {
            Ok(Some(at)) => at.min(now + MAX_SLEEP),
            _ => now + MAX_SLEEP,
        };
        tokio::select! {
            _ = engine.clock.sleep_until(next) => {}
            _ = &mut woken => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}

/// Settles sprints whose time ran out and submits expired mock exams, announcing results (and
/// any earlier result whose announcement was lost).
pub async fn settle_due<P: Publisher>(engine: &Engine, publisher: &P) {
    match engine.settle_due_sprints().await {
        Ok(settled) => {
            for outcome in settled {
                let done = match &outcome {
                    Settled::Finished(result) => announce(engine, publisher, result).await,
                    Settled::Started(sprint) | Settled::Expired(sprint) => {
                        publisher.show_sprint(sprint).await.map_err(Into::into)
                    }
                };
                if let Err(error) = done {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        "could not update a settled sprint"
                    );
                }
            }
        }
        Err(error) => tracing::warn!(%error, "settling sprints failed"),
    }
    // Results finished but never posted: the bot stopped, or Discord failed, in between. Each
    // is tried once a pass, so the pass ends even when Discord hangs on every post.
    let mut tried = Vec::new();
    loop {
        match engine.next_result_to_announce(&tried).await {
            Ok(Some(result)) => {
                tried.push(result.sprint.row.sprint_id);
                if let Err(error) = announce(engine, publisher, &result).await {
                    tracing::warn!(
                        sprint = result.sprint.row.sprint_id,
                        error = format!("{error:#}"),
                        "could not post a sprint result"
                    );
                }
            }
            Ok(None) => break,
            Err(error) => {
                tracing::warn!(%error, "finding unannounced sprint results failed");
                break;
            }
        }
    }
    if let Err(error) = engine.finish_expired_mocks().await {
        tracing::warn!(%error, "finishing expired mock exams failed");
    }
}

/// Closes a finished sprint's channel message and posts its result, then records that the
/// result is out so it is not posted again. A channel that refuses the result (gone, or closed
/// to the bot) is given up on; a temporary failure leaves the result owed for the next pass.
pub async fn announce<P: Publisher>(
    engine: &Engine,
    publisher: &P,
    result: &SprintResult,
) -> anyhow::Result<()> {
    let sprint_id = result.sprint.row.sprint_id;
    // Post only while this process's hold on the result outlasts the post: once the hold ends
    // (a slow pass, a backlog) another process may take the result over and post it.
    let held_for = result
        .sprint
        .row
        .announce_lease_until
        .map_or(Duration::zero(), |until| until - engine.now());
    if held_for.to_std().unwrap_or_default() <= ANNOUNCE_TIMEOUT {
        tracing::info!(
            sprint = sprint_id,
            "left the result to the next holder: too little of this hold is left"
        );
        return Ok(());
    }
    let posting = async {
        // The lobby message may be deleted or uneditable; the result matters more than its
        // buttons.
        if let Err(error) = publisher.show_sprint(&result.sprint).await {
            tracing::warn!(sprint = sprint_id, %error, "could not close the sprint message");
        }
        publisher.announce_sprint(result).await
    };
    // Past the timeout the result is left owed: whoever holds it next posts it.
    let posted = tokio::time::timeout(ANNOUNCE_TIMEOUT, posting)
        .await
        .map_err(|_| anyhow::anyhow!("posting the result took too long"))?;
    match posted {
        Ok(()) => {}
        Err(PublishError::Refused(reason)) => {
            tracing::warn!(sprint = sprint_id, %reason, "the sprint result cannot be posted; giving up");
        }
        Err(error) => return Err(error.into()),
    }
    engine.mark_announced(sprint_id).await?;
    Ok(())
}
