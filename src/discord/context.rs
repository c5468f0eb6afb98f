//! The state every handler shares, the error type, and the one place errors become replies.

use std::sync::{Arc, OnceLock};

use super::drain::InFlight;
use super::publish::DiscordPublisher;
use super::reply::{no_pings, private};
use crate::quiz::{Engine, QuizError};

pub type Error = anyhow::Error;
pub type Context<'a> = poise::Context<'a, Arc<Data>, Error>;

pub struct Data {
    pub engine: Engine,
    /// Posts and edits channel messages (shared with the background loops); set once the
    /// client and its HTTP handle exist, before any event is handled.
    publisher: OnceLock<Arc<DiscordPublisher>>,
    /// Interactions being handled (see drain).
    pub in_flight: Arc<InFlight>,
    /// Sprints with a live-standings edit already planned (see sprint_flow).
    pub standings: Arc<super::sprint_flow::StandingsQueue>,
}

impl Data {
    pub fn new(engine: Engine) -> Data {
        Data {
            engine,
            publisher: OnceLock::new(),
            in_flight: Arc::default(),
            standings: Arc::default(),
        }
    }

    pub fn set_publisher(&self, publisher: Arc<DiscordPublisher>) {
        let _ = self.publisher.set(publisher);
    }

    /// A handle for work that outlives the interaction.
    pub fn publisher_handle(&self) -> Arc<DiscordPublisher> {
        self.publisher
            .get()
            .expect("the publisher is set before the client starts")
            .clone()
    }

    pub fn publisher(&self) -> &DiscordPublisher {
        self.publisher
            .get()
            .expect("the publisher is set before the client starts")
    }
}

/// A mistake of the user's, shown to them as is.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UserError(pub String);

pub fn user_error(message: impl Into<String>) -> Error {
    UserError(message.into()).into()
}

/// The words a user sees for an error: their own mistake in plain words, or a short apology.
pub fn user_message(error: &Error, reference: u64) -> String {
    if let Some(user) = error.downcast_ref::<UserError>() {
        return user.0.clone();
    }
    if let Some(QuizError::Rejected(rejection)) = error.downcast_ref::<QuizError>() {
        return super::refusal::words(rejection);
    }
    format!("Sorry, something went wrong on our side. It has been logged (ref {reference}).")
}

/// A member's mistake is a refusal; anything else failed on our side.
pub fn outcome_of(error: &Error) -> super::telemetry::Outcome {
    if is_user_error(error) {
        super::telemetry::Outcome::Refused
    } else {
        super::telemetry::Outcome::Failed
    }
}

pub fn is_user_error(error: &Error) -> bool {
    error.downcast_ref::<UserError>().is_some()
        || matches!(
            error.downcast_ref::<QuizError>(),
            Some(QuizError::Rejected(_))
        )
}

pub async fn on_error(error: poise::FrameworkError<'_, Arc<Data>, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            let reference = ctx.id();
            super::telemetry::record(outcome_of(&error));
            if !is_user_error(&error) {
                tracing::error!(interaction = reference, command = %ctx.command().qualified_name, error = format!("{error:#}"), "command failed");
            }
            // Set here too: an error reply may echo what the member typed.
            let reply = private()
                .content(user_message(&error, reference))
                .allowed_mentions(no_pings());
            if let Err(send_error) = ctx.send(reply).await {
                tracing::warn!(interaction = reference, %send_error, "could not send the error reply");
            }
        }
        poise::FrameworkError::CommandCheckFailed {
            error: Some(error),
            ctx,
            ..
        } => {
            super::telemetry::record(outcome_of(&error));
            let reply = private()
                .content(user_message(&error, ctx.id()))
                .allowed_mentions(no_pings());
            if let Err(send_error) = ctx.send(reply).await {
                tracing::warn!(%send_error, "could not send the refusal");
            }
        }
        poise::FrameworkError::Setup { error, .. } => {
            tracing::error!(error = format!("{error:#}"), "setup failed")
        }
        other => {
            if let Err(error) = poise::builtins::on_error(other).await {
                tracing::warn!(%error, "error while handling an error");
            }
        }
    }
}
