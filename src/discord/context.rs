//! The state every handler shares, the error type, and the one place errors become replies.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use tokio::sync::Notify;

use super::drain::InFlight;
use crate::quiz::{Engine, QuizError};

pub type Error = anyhow::Error;
pub type Context<'a> = poise::Context<'a, Arc<Data>, Error>;

pub struct Data {
    pub engine: Engine,
    /// Nudges the closer when a new post may close sooner than it planned to wake.
    pub wake_closer: Arc<Notify>,
    /// Nudges the scheduler when a schedule was added, changed or resumed.
    pub schedule_changed: Arc<Notify>,
    /// Interactions being handled (see drain).
    pub in_flight: Arc<InFlight>,
    /// Nudges the sprint timer when a sprint's deadline may have moved earlier.
    pub sprint_timer: Arc<Notify>,
    /// Sprints with a live-standings edit already planned (see sprint_flow).
    pub standings: Arc<super::sprint_flow::StandingsQueue>,
}

impl Data {
    pub fn new(engine: Engine, wake_closer: Arc<Notify>, schedule_changed: Arc<Notify>) -> Data {
        Data {
            engine,
            wake_closer,
            schedule_changed,
            in_flight: Arc::default(),
            sprint_timer: Arc::default(),
            standings: Arc::default(),
        }
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
        return rejection.to_string();
    }
    format!("Sorry, something went wrong on our side. It has been logged (ref {reference}).")
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
            if !is_user_error(&error) {
                tracing::error!(interaction = reference, command = %ctx.command().qualified_name, error = format!("{error:#}"), "command failed");
            }
            let reply = poise::CreateReply::default()
                .content(user_message(&error, reference))
                .ephemeral(true)
                .allowed_mentions(serenity::CreateAllowedMentions::new());
            if let Err(send_error) = ctx.send(reply).await {
                tracing::warn!(interaction = reference, %send_error, "could not send the error reply");
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
