//! Closes answer windows on time: sleeps until the next post's close (no polling), wakes early
//! when a new post is made, closes everything due, and has the publisher reveal each closed
//! channel question. Windows that ended while the bot was down close on the first pass.
//!
//! A reveal is owed from the close (recorded with it) until its edit lands, so a reveal that
//! failed, or that a restart cut off, is tried again with growing pauses, and given up only
//! when the message is gone or after `REVEAL_ATTEMPTS` tries.

use std::sync::Arc;

use chrono::Duration;
use tokio::sync::watch;
use tracing::Instrument;

use super::{PublishError, Publisher};
use crate::ops::metrics;
use crate::quiz::Engine;
use crate::store::OwedReveal;

/// Longest sleep between checks even when nothing is due (guards against a missed wake-up).
const MAX_SLEEP: Duration = Duration::minutes(10);

/// Tries at a reveal before giving up (the pauses between them add up to about an hour).
pub const REVEAL_ATTEMPTS: u32 = 8;

/// Reveals handled per pass; more wait for the next pass, which follows at once.
const REVEALS_PER_PASS: u32 = 100;

pub async fn run_closer<P: Publisher>(
    engine: Engine,
    publisher: Arc<P>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        // Register for wake-ups before reading the database, so none falls between the two.
        let woken = engine.signals().closer.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();

        let pass = close_due(&engine, publisher.as_ref())
            .instrument(tracing::info_span!("job", kind = "closer"));
        if let Err(error) = pass.await {
            tracing::warn!(%error, "closing due questions failed; will retry");
        }
        let now = engine.now();
        let next = match engine.next_closer_work_at().await {
            Ok(Some(at)) => at.min(now + MAX_SLEEP),
            Ok(None) => now + MAX_SLEEP,
            Err(error) => {
                tracing::warn!(%error, "reading the next close time failed");
                now + Duration::seconds(5)
            }
        };
        tokio::select! {
            _ = engine.clock.sleep_until(next) => {}
            _ = &mut woken => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}

/// Closes every post whose window has ended, then delivers the reveals owed; returns how many
/// posts it closed.
pub async fn close_due<P: Publisher>(engine: &Engine, publisher: &P) -> anyhow::Result<usize> {
    let due = engine.posts_due_to_close().await?;
    let mut closed = 0;
    for post in due {
        if engine.close_post(post.guild_id, post.post_id).await? {
            closed += 1;
        }
    }
    deliver_reveals(engine, publisher).await?;
    Ok(closed)
}

/// Edits every closed channel question whose reveal is due.
async fn deliver_reveals<P: Publisher>(engine: &Engine, publisher: &P) -> anyhow::Result<()> {
    for owed in engine.reveals_due(REVEALS_PER_PASS).await? {
        if !engine.take_reveal(&owed).await? {
            continue;
        }
        let span = tracing::info_span!(
            "reveal",
            guild = owed.post.guild_id,
            post = owed.post.post_id,
            attempt = owed.attempts + 1
        );
        deliver_reveal(engine, publisher, owed)
            .instrument(span)
            .await?;
    }
    Ok(())
}

/// One reveal: settled when it lands or can never land, postponed when it may land later.
async fn deliver_reveal<P: Publisher>(
    engine: &Engine,
    publisher: &P,
    owed: OwedReveal,
) -> anyhow::Result<()> {
    let OwedReveal { post, attempts, .. } = owed;
    let (guild, post_id) = (post.guild_id, post.post_id);
    let reveal = engine.reveal(post).await?;
    let delivered = publisher.reveal(reveal).await;
    metrics::reveal(delivered.is_ok());
    match delivered {
        Ok(()) => engine.settle_reveal(guild, post_id).await?,
        Err(PublishError::Refused(reason)) => {
            tracing::warn!(%reason, "the question's message is gone; no reveal");
            engine.settle_reveal(guild, post_id).await?;
        }
        Err(PublishError::Unavailable(reason)) if attempts + 1 >= REVEAL_ATTEMPTS => {
            tracing::error!(%reason, "giving up revealing a question");
            engine.settle_reveal(guild, post_id).await?;
        }
        Err(PublishError::Unavailable(reason)) => {
            let retry_at = engine.now() + reveal_pause(attempts);
            tracing::warn!(%reason, %retry_at, "revealing a question failed; will retry");
            engine.postpone_reveal(guild, post_id, retry_at).await?;
        }
    }
    Ok(())
}

/// The pause after the `failed`-th failed reveal (counting from 0): 30 s, doubling, at most 30 min.
pub fn reveal_pause(failed: u32) -> Duration {
    let pause = Duration::seconds(30) * 2_i32.pow(failed.min(6));
    pause.min(Duration::minutes(30))
}
