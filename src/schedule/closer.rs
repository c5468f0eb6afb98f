//! Closes answer windows on time: sleeps until the next post's close (no polling), wakes early
//! when a new post is made, closes everything due, and has the publisher reveal each closed
//! channel question. Windows that ended while the bot was down close on the first pass.

use std::sync::Arc;

use chrono::Duration;
use tokio::sync::{watch, Notify};

use super::Publisher;
use crate::quiz::Engine;
use crate::store::PostMode;

/// Longest sleep between checks even when nothing is due (guards against a missed wake-up).
const MAX_SLEEP: Duration = Duration::minutes(10);

pub async fn run_closer<P: Publisher>(
    engine: Engine,
    publisher: Arc<P>,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        // Register for wake-ups before reading the database, so none falls between the two.
        let woken = wake.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();

        if let Err(error) = close_due(&engine, publisher.as_ref()).await {
            tracing::warn!(%error, "closing due questions failed; will retry");
        }
        let now = engine.now();
        let next = match engine.store.next_close_at().await {
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

/// Closes every post whose window has ended; returns how many it closed.
pub async fn close_due<P: Publisher>(engine: &Engine, publisher: &P) -> anyhow::Result<usize> {
    let due = engine.store.posts_due_to_close(engine.now()).await?;
    let mut closed = 0;
    for post in due {
        let Some(reveal) = engine.close_post(post.guild_id, post.post_id).await? else {
            continue;
        };
        closed += 1;
        if post.mode == PostMode::Channel && post.message_id.is_some() {
            if let Err(error) = publisher.reveal(reveal).await {
                tracing::warn!(post = post.post_id, %error, "revealing a closed question failed");
            }
        }
    }
    Ok(closed)
}
