//! What the scheduler and closer need from the chat platform (Discord in production, a recorder
//! in tests).

use std::future::Future;

use crate::bank::Question;
use crate::quiz::sprint::{Sprint, SprintResult};
use crate::quiz::{Reveal, ReviewReminder};
use crate::store::{Post, Schedule, Snowflake};

/// Why a message could not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    /// The channel is gone or the bot may not post there: retrying will not help.
    #[error("refused: {0}")]
    Refused(String),
    /// Discord failed or rate-limited us past our retries; a later attempt may work.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

pub trait Publisher: Send + Sync + 'static {
    /// Sends the message for a claimed channel post; returns the message id. Sending the same
    /// post twice must not make two messages (Discord: the post's nonce is enforced).
    /// `mention_role` is a schedule's opt-in role ping, the one ping a question may carry.
    fn publish(
        &self,
        post: &Post,
        question: &Question,
        mention_role: Option<Snowflake>,
    ) -> impl Future<Output = Result<Snowflake, PublishError>> + Send;

    /// The message already sent for a claimed channel post, if the channel's recent messages
    /// hold one (a send that went out just before the bot stopped). `Ok(None)` when none is
    /// found; an error when the channel could not be read.
    fn find_sent(
        &self,
        post: &Post,
    ) -> impl Future<Output = Result<Option<Snowflake>, PublishError>> + Send;

    /// Edits a closed channel question to show the key, explanation and results. `Refused`:
    /// the message or channel is gone, so trying again cannot help.
    fn reveal(&self, reveal: Reveal) -> impl Future<Output = Result<(), PublishError>> + Send;

    /// Shows a sprint's current state (lobby, live standings, final) on its channel message.
    fn show_sprint(&self, sprint: &Sprint)
        -> impl Future<Output = Result<(), PublishError>> + Send;

    /// Posts a finished sprint's result in its channel. Posting the same result twice must not
    /// make two messages (Discord: the result's nonce is enforced).
    fn announce_sprint(
        &self,
        result: &SprintResult,
    ) -> impl Future<Output = Result<(), PublishError>> + Send;

    /// Tells a schedule's admins, once, that it was paused because it could not post.
    fn notify_paused(
        &self,
        schedule: &Schedule,
        reason: &str,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// Sends a member their review reminder by DM. `Refused`: Discord will not deliver it
    /// (the member closed DMs, error 50007, or left), so trying again that day cannot help.
    fn send_review_reminder(
        &self,
        reminder: &ReviewReminder,
    ) -> impl Future<Output = Result<(), PublishError>> + Send;
}
