//! Graceful shutdown: every interaction being handled is counted, so stopping waits for the
//! replies (and the answers they acknowledge) to go out.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{FullEvent, Interaction};
use tokio::sync::Notify;

/// Counts interactions being handled.
#[derive(Default)]
pub struct InFlight {
    count: AtomicUsize,
    idle: Notify,
}

pub struct InFlightGuard<'a>(&'a InFlight);

impl InFlight {
    pub fn enter(&self) -> InFlightGuard<'_> {
        self.count.fetch_add(1, Ordering::SeqCst);
        InFlightGuard(self)
    }

    /// Resolves once nothing is in flight.
    pub async fn drained(&self) {
        loop {
            let idle = self.idle.notified();
            if self.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            idle.await;
        }
    }
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// Wraps the poise framework so that every interaction (slash command, autocomplete, button,
/// select) counts as in flight for as long as it is dispatched, inside its own span (see
/// telemetry). poise's own hooks cannot do
/// this: `post_command` does not run when a command fails.
pub struct Counted<F> {
    pub framework: F,
    pub in_flight: Arc<InFlight>,
}

#[serenity::async_trait]
impl<F: serenity::Framework> serenity::Framework for Counted<F> {
    async fn init(&mut self, client: &serenity::Client) {
        self.framework.init(client).await;
    }

    async fn dispatch(&self, ctx: serenity::Context, event: FullEvent) {
        let Some(tracked) = super::telemetry::span_for(&event) else {
            return self.framework.dispatch(ctx, event).await;
        };
        let _in_flight = matches!(
            event,
            FullEvent::InteractionCreate {
                interaction: Interaction::Command(_)
                    | Interaction::Autocomplete(_)
                    | Interaction::Component(_)
                    | Interaction::Modal(_)
            }
        )
        .then(|| self.in_flight.enter());
        super::telemetry::handle(tracked, self.framework.dispatch(ctx, event)).await;
    }
}
