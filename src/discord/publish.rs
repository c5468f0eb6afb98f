//! Posting channel questions and revealing them, safely under retries.
//!
//! With serenity's own rate limiter off (behind a proxy) nothing retries for us: a 429 or 5xx
//! comes back as an error. Posts are retried with backoff and made idempotent twice over: the
//! post is claimed in the database before the message is sent, and the message carries a nonce
//! with `enforce_nonce`, so Discord itself drops a duplicate of a send that succeeded but whose
//! response was lost.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{
    Cache, ChannelId, CreateAllowedMentions, CreateMessage, EditMessage, GetMessages, Http,
    MessageId, Nonce, RoleId, StatusCode, UserId,
};

use super::ids::Action;
use super::render::question::{answer_components, question_embed, reveal_embed};
use super::render::review::reminder_message;
use super::render::sprint::{result_embed, sprint_components, sprint_embed};
use super::reply::no_pings;
use super::text::{escape, truncate};
use crate::bank::{Bank, Question};
use crate::ops::metrics::{self, RestStatus};
use crate::quiz::sprint::{Sprint, SprintResult};
use crate::quiz::{Reveal, ReviewReminder};
use crate::schedule::{PublishError, Publisher};
use crate::store::{Post, Schedule};

/// Attempts for one REST call before giving up (backoff 0.25 s, 0.5 s, 1 s, 2 s between them).
const ATTEMPTS: u32 = 5;

pub struct DiscordPublisher {
    http: Arc<Http>,
    /// The gateway's cache: server names for DMs (this process's shards' guilds are in it).
    cache: Arc<Cache>,
    bank: Arc<Bank>,
    /// The bot's own user id, asked once (to tell its messages from other bots').
    bot_user: tokio::sync::OnceCell<UserId>,
}

impl DiscordPublisher {
    pub fn new(http: Arc<Http>, cache: Arc<Cache>, bank: Arc<Bank>) -> DiscordPublisher {
        DiscordPublisher {
            http,
            cache,
            bank,
            bot_user: tokio::sync::OnceCell::new(),
        }
    }

    fn guild_name(&self, guild: u64) -> Option<String> {
        self.cache
            .guild(serenity::GuildId::new(guild))
            .map(|guild| guild.name.clone())
    }

    async fn bot_user(&self) -> Result<UserId, serenity::Error> {
        let id = self
            .bot_user
            .get_or_try_init(|| async {
                let me = self.http.get_current_user().await?;
                Ok::<_, serenity::Error>(me.id)
            })
            .await?;
        Ok(*id)
    }
}

impl Publisher for DiscordPublisher {
    async fn publish(
        &self,
        post: &Post,
        question: &Question,
        mention_role: Option<u64>,
    ) -> Result<u64, PublishError> {
        let channel = post
            .channel_id
            .ok_or_else(|| PublishError::Refused("a personal question has no channel".into()))?;
        let exam = self.bank.exam(&question.exam).ok_or_else(|| {
            PublishError::Refused(format!("exam {} is not loaded", question.exam))
        })?;
        let mut message = CreateMessage::new()
            .embed(question_embed(exam, question, post))
            .components(answer_components(question, post.post_id, false))
            .allowed_mentions(no_pings());
        if let Some(role) = mention_role {
            // The admins opted in to pinging this one role; nothing else may ping.
            message = message
                .content(format!("<@&{role}> today's question is up!"))
                .allowed_mentions(CreateAllowedMentions::new().roles([RoleId::new(role)]));
        }
        let message = message
            // Discord drops a second message with the same nonce: a retry after a lost response
            // (or a resend after a restart) cannot post twice.
            .nonce(Nonce::String(format!("cs{}", post.post_id)))
            .enforce_nonce(true);
        let channel = ChannelId::new(channel);
        let sent = retrying(|| channel.send_message(&self.http, message.clone()))
            .await
            .map_err(classify)?;
        Ok(sent.id.get())
    }

    async fn find_sent(&self, post: &Post) -> Result<Option<u64>, PublishError> {
        let Some(channel) = post.channel_id.map(ChannelId::new) else {
            return Ok(None);
        };
        let me = self.bot_user().await.map_err(classify)?;
        let recent = retrying(|| channel.messages(&self.http, GetMessages::new().limit(50)))
            .await
            .map_err(classify)?;
        // The bot's own message whose question controls name this post (other bots' messages
        // can carry components too, even in the same custom_id format).
        let sent = recent.iter().filter(|m| m.author.id == me).find(|message| {
            message.components.iter().any(|row| {
                row.components.iter().any(|component| {
                    custom_id_of(component)
                        .and_then(Action::decode)
                        .and_then(|action| action.post())
                        == Some(post.post_id)
                })
            })
        });
        Ok(sent.map(|message| message.id.get()))
    }

    async fn reveal(&self, reveal: Reveal) -> Result<(), PublishError> {
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
            .map_err(classify)?;
        Ok(())
    }

    async fn show_sprint(&self, sprint: &Sprint) -> Result<(), PublishError> {
        let Some(message) = sprint.row.message_id else {
            return Ok(());
        };
        let edit = EditMessage::new()
            .embed(sprint_embed(sprint))
            .components(sprint_components(sprint))
            .allowed_mentions(no_pings());
        let (channel, message) = (
            ChannelId::new(sprint.row.channel_id),
            MessageId::new(message),
        );
        retrying(|| channel.edit_message(&self.http, message, edit.clone()))
            .await
            .map_err(classify)?;
        Ok(())
    }

    async fn announce_sprint(&self, result: &SprintResult) -> Result<(), PublishError> {
        let sprint_id = result.sprint.row.sprint_id;
        // Mentions in the result name the players without pinging them. The nonce keeps a
        // retry after a lost response from posting the result twice.
        let message = CreateMessage::new()
            .embed(result_embed(result))
            .allowed_mentions(no_pings())
            .nonce(Nonce::String(format!("sr{sprint_id}")))
            .enforce_nonce(true);
        let channel = ChannelId::new(result.sprint.row.channel_id);
        retrying(|| channel.send_message(&self.http, message.clone()))
            .await
            .map_err(classify)?;
        Ok(())
    }

    async fn notify_paused(&self, schedule: &Schedule, reason: &str) -> anyhow::Result<()> {
        // The channel itself is the problem, so the admin who set the schedule up hears by DM.
        let admin = UserId::new(schedule.settings.created_by);
        let dm = retrying(|| admin.create_dm_channel(&self.http)).await?;
        let text = format!(
            "The daily question in <#{}> stopped: {}.\nFix the channel or the bot's permissions there, then `/daily resume` it.",
            schedule.settings.channel_id,
            escape(reason)
        );
        let message = CreateMessage::new()
            .content(truncate(&text, 2000))
            .allowed_mentions(no_pings());
        retrying(|| dm.id.send_message(&self.http, message.clone())).await?;
        Ok(())
    }

    async fn send_review_reminder(&self, reminder: &ReviewReminder) -> Result<(), PublishError> {
        let member = UserId::new(reminder.user);
        let dm = retrying(|| member.create_dm_channel(&self.http))
            .await
            .map_err(classify)?;
        let message = CreateMessage::new()
            .content(reminder_message(
                reminder,
                self.guild_name(reminder.guild).as_deref(),
            ))
            .allowed_mentions(no_pings());
        // Closed DMs answer 403 with code 50007 ("Cannot send messages to this user"), which
        // `classify` reports as refused: the reminder loop does not try again that day.
        retrying(|| dm.id.send_message(&self.http, message.clone()))
            .await
            .map_err(classify)?;
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

fn custom_id_of(component: &serenity::ActionRowComponent) -> Option<&str> {
    match component {
        serenity::ActionRowComponent::Button(button) => match &button.data {
            serenity::ButtonKind::NonLink { custom_id, .. } => Some(custom_id),
            _ => None,
        },
        serenity::ActionRowComponent::SelectMenu(menu) => menu.custom_id.as_deref(),
        _ => None,
    }
}

/// A refused call (404/403: the channel or message is gone, or the bot may not post there)
/// will not work on a retry; anything else may.
fn classify(error: serenity::Error) -> PublishError {
    match status_of(&error) {
        Some(status) if status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN => {
            PublishError::Refused(error.to_string())
        }
        _ => PublishError::Unavailable(error.to_string()),
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
        let result = call().await;
        metrics::rest_response(match &result {
            Ok(_) => RestStatus::Success,
            Err(error) => match status_of(error) {
                Some(status) => RestStatus::Failed(status.as_u16()),
                None => RestStatus::NoResponse,
            },
        });
        match result {
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
