//! One span per interaction, so every log line a press or command causes can be traced back to
//! it: what it was (command name or custom_id), where and who (guild, user id), and at the end
//! how long it took and how it went. Secrets never enter a span: an interaction's token is not
//! recorded. The same kind, outcome and latency go to the metrics.

use std::cell::Cell;
use std::future::Future;
use std::time::Instant;

use poise::serenity_prelude as serenity;
use serenity::{FullEvent, Interaction};
use tracing::{field, Instrument, Span};

/// How a handled interaction ended, recorded on its span.
#[derive(Debug, Clone, Copy)]
pub enum Outcome {
    /// Refused with words for the member (a stale button, a rule).
    Refused,
    /// Failed on our side; answered with an apology.
    Failed,
}

tokio::task_local! {
    /// How the interaction handled by this task ended so far ("ok" until recorded otherwise).
    static OUTCOME: Cell<&'static str>;
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

/// Marks the current interaction's span with how it ended (the default is "ok").
pub fn record(outcome: Outcome) {
    Span::current().record("outcome", outcome.as_str());
    let _ = OUTCOME.try_with(|current| current.set(outcome.as_str()));
}

/// An interaction being handled: its span and what the metrics count it as.
pub struct Tracked {
    pub span: Span,
    kind: &'static str,
}

/// The span for an interaction event, or `None` for other gateway events.
pub fn span_for(event: &FullEvent) -> Option<Tracked> {
    let FullEvent::InteractionCreate { interaction } = event else {
        return None;
    };
    let (kind, what, guild, user) = match interaction {
        Interaction::Command(command) => (
            "command",
            command.data.name.clone(),
            command.guild_id,
            command.user.id,
        ),
        Interaction::Autocomplete(command) => (
            "autocomplete",
            command.data.name.clone(),
            command.guild_id,
            command.user.id,
        ),
        Interaction::Component(press) => (
            "component",
            press.data.custom_id.clone(),
            press.guild_id,
            press.user.id,
        ),
        Interaction::Modal(modal) => (
            "modal",
            modal.data.custom_id.clone(),
            modal.guild_id,
            modal.user.id,
        ),
        _ => return None,
    };
    let span = tracing::info_span!(
        "interaction",
        id = interaction.id().get(),
        kind,
        what = %what,
        guild = guild.map(|g| g.get()),
        user = user.get(),
        outcome = "ok",
        latency_ms = field::Empty,
    );
    Some(Tracked { span, kind })
}

/// Handles the interaction inside its span, then records its latency on the span, logs its
/// end and counts it in the metrics.
pub async fn handle(tracked: Tracked, handling: impl Future<Output = ()>) {
    let started = Instant::now();
    let outcome = OUTCOME
        .scope(Cell::new("ok"), async {
            handling.instrument(tracked.span.clone()).await;
            OUTCOME.with(Cell::get)
        })
        .await;
    let elapsed = started.elapsed();
    let latency = elapsed.as_millis() as u64;
    tracked.span.record("latency_ms", latency);
    tracked
        .span
        .in_scope(|| tracing::debug!(latency_ms = latency, "interaction handled"));
    crate::ops::metrics::interaction(tracked.kind, outcome, elapsed);
}
