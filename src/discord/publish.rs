//! Posting channel questions and revealing them, safely under retries.
//!
//! With serenity's own rate limiter off (behind a proxy) nothing retries for us: a 429 or 5xx
//! comes back as an error. Posts are retried with backoff and made idempotent twice over: the
//! post is claimed in the database before the message is sent, and the message carries a nonce
//! with `enforce_nonce`, so Discord itself drops a duplicate of a send that succeeded but whose
//! response was lost.

use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Window;
use poise::serenity_prelude as serenity;
use serenity::{ChannelId, CreateMessage, EditMessage, Http, MessageId, Nonce, StatusCode};

use super::commands::no_pings;
use super::render::question::{answer_components, question_embed, reveal_embed};
use crate::bank::Bank;
use crate::quiz::{Engine, Reveal};
use crate::schedule::Publisher;
use crate::store::Post;

/// Attempts for one REST call before giving up (backoff 0.25 s, 0.5 s, 1 s, 2 s between them).
const ATTEMPTS: u32 = 5;

/// Why a post could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    /// The channel is gone or the bot may not post there: retrying will not help.
    #[error("cannot post in that channel ({0})")]
    Refused(String),
    #[error("Discord did not accept the post after {ATTEMPTS} attempts: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Quiz(#[from] crate::quiz::QuizError),
}

pub struct DiscordPublisher {
    http: Arc<Http>,
    bank: Arc<Bank>,
}

impl DiscordPublisher {
    pub fn new(http: Arc<Http>, bank: Arc<Bank>) -> DiscordPublisher {
        DiscordPublisher { http, bank }
    }

    /// Claims and posts the channel's next question; returns the post once its message is known.
    pub async fn post_question(
        &self,
        engine: &Engine,
        guild: u64,
        channel: u64,
        exam: &str,
        schedule: Option<(i64, chrono::DateTime<chrono::Utc>)>,
        window: Window,
    ) -> Result<Post, PostError> {
        let (mut post, question) = engine
            .claim_channel_post(guild, channel, exam, schedule, window)
            .await?;
        let exam = self
            .bank
            .exam(&question.exam)
            .ok_or_else(|| PostError::Refused("exam not loaded".into()))?;
        let message = CreateMessage::new()
            .embed(question_embed(exam, &question, &post))
            .components(answer_components(&question, post.post_id, false))
            .allowed_mentions(no_pings())
            .nonce(Nonce::String(format!("cs{}", post.post_id)))
            .enforce_nonce(true);
        let channel_id = ChannelId::new(channel);
        let sent = retrying(|| channel_id.send_message(&self.http, message.clone()))
            .await
            .map_err(classify)?;
        engine
            .mark_posted(guild, post.post_id, sent.id.get())
            .await?;
        post.message_id = Some(sent.id.get());
        Ok(post)
    }
}

impl Publisher for DiscordPublisher {
    async fn reveal(&self, reveal: Reveal) -> anyhow::Result<()> {
        let (Some(channel), Some(message)) = (reveal.post.channel_id, reveal.post.message_id)
        else {
            return Ok(());
        };
        let Some(exam) = self.bank.exam(&reveal.post.exam) else {
            return Ok(());
        };
        let mut edit = EditMessage::new()
            .embed(reveal_embed(exam, &reveal))
            .allowed_mentions(no_pings());
        edit = match &reveal.question {
            Some(question) => {
                edit.components(answer_components(question, reveal.post.post_id, true))
            }
            None => edit.components(vec![]),
        };
        let (channel, message) = (ChannelId::new(channel), MessageId::new(message));
        retrying(|| channel.edit_message(&self.http, message, edit.clone()))
            .await
            .map_err(|e| anyhow::anyhow!(classify(e)))?;
        Ok(())
    }
}

fn status_of(error: &serenity::Error) -> Option<StatusCode> {
    match error {
        serenity::Error::Http(http) => http.status_code(),
        _ => None,
    }
}

/// Whether a failed call may succeed if tried again.
fn is_transient(error: &serenity::Error) -> bool {
    match status_of(error) {
        Some(status) => status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error(),
        // No status: the connection failed; worth another try.
        None => matches!(error, serenity::Error::Http(_)),
    }
}

fn classify(error: serenity::Error) -> PostError {
    match status_of(&error) {
        Some(status) if status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN => {
            PostError::Refused(error.to_string())
        }
        _ => PostError::Unavailable(error.to_string()),
    }
}

async fn retrying<T, F, Fut>(mut call: F) -> Result<T, serenity::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, serenity::Error>>,
{
    let mut delay = Duration::from_millis(250);
    let mut attempt = 1;
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(error) if attempt < ATTEMPTS && is_transient(&error) => {
                tracing::debug!(attempt, %error, "Discord call failed; retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}
