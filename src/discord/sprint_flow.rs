//! Sprint presses: the duel's Accept/Decline, lobby Join/Leave/Start, Play, and the private
//! answers. Only the sprint's players can press its buttons (checked by the engine). Results go
//! to the channel; the channel message shows live standings, edited at most once per
//! `STANDINGS_EVERY` per sprint however fast players answer.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{
    ChannelId, ComponentInteraction, ComponentInteractionDataKind, CreateAllowedMentions,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, EditMessage, Http,
    MessageId, Nonce,
};

use super::commands::no_pings;
use super::context::{user_error, Data, Error};
use super::ids::{Action, LobbyStep};
use super::publish::classify;
use super::render::picker::positions;
use super::render::sprint::{private_question, result_embed, sprint_components, sprint_embed};
use crate::bank::Response;
use crate::quiz::sprint::{Settled, Sprint, SprintResult};
use crate::quiz::Engine;
use crate::schedule::PublishError;

/// Discord allows about five edits per channel every five seconds; one every two seconds per
/// sprint leaves room for everything else in the channel.
pub const STANDINGS_EVERY: Duration = Duration::from_secs(2);

/// Sprints with a standings edit already planned.
#[derive(Default)]
pub struct StandingsQueue(Mutex<HashSet<i64>>);

pub async fn press(
    ctx: &serenity::Context,
    data: &Data,
    press: &ComponentInteraction,
    guild: u64,
    user: u64,
    name: &str,
    action: Action,
) -> Result<(), Error> {
    let engine = &data.engine;
    match action {
        Action::DuelReply { sprint, accept } => {
            let updated = if accept {
                engine.accept_duel(guild, sprint, user, name).await?
            } else {
                engine.decline_duel(guild, sprint, user).await?
            };
            data.sprint_timer.notify_one();
            update_channel_message(ctx, press, &updated).await
        }
        Action::Lobby { sprint, step } => {
            let updated = match step {
                LobbyStep::Join => engine.join_group(guild, sprint, user, name).await?,
                LobbyStep::Leave => engine.leave_group(guild, sprint, user).await?,
                LobbyStep::Start => engine.start_group(guild, sprint, user).await?,
            };
            data.sprint_timer.notify_one();
            update_channel_message(ctx, press, &updated).await
        }
        Action::SprintPlay { sprint } => {
            let sprint = engine.load_sprint(guild, sprint).await?;
            if sprint.player(user).is_none() {
                return Err(user_error("Only this sprint's players can play it."));
            }
            let (content, embed, rows) = private_question(&sprint, user, &[], None);
            let mut message = CreateInteractionResponseMessage::new()
                .content(content)
                .components(rows)
                .ephemeral(true)
                .allowed_mentions(no_pings());
            if let Some(embed) = embed {
                message = message.embed(embed);
            }
            press
                .create_response(&ctx.http, CreateInteractionResponse::Message(message))
                .await?;
            Ok(())
        }
        Action::SprintAnswer {
            sprint,
            index,
            letters,
        } => answer(ctx, data, press, guild, user, sprint, index, &letters).await,
        Action::SprintSelect { sprint, index } => {
            let ComponentInteractionDataKind::StringSelect { values } = &press.data.kind else {
                return Err(user_error("This control is out of date."));
            };
            answer(
                ctx,
                data,
                press,
                guild,
                user,
                sprint,
                index,
                &values.concat(),
            )
            .await
        }
        Action::SprintPick {
            sprint,
            index,
            so_far,
        } => {
            let ComponentInteractionDataKind::StringSelect { values } = &press.data.kind else {
                return Err(user_error("This control is out of date."));
            };
            let chosen = format!("{so_far}{}", values.concat());
            let loaded = engine.load_sprint(guild, sprint).await?;
            let question = loaded
                .items
                .get(index)
                .ok_or_else(|| user_error("This control is out of date."))?;
            if chosen.len() >= positions(question) {
                return answer(ctx, data, press, guild, user, sprint, index, &chosen).await;
            }
            // Select values come from the client: keep only option letters.
            let picked: Vec<u8> = chosen
                .bytes()
                .filter(u8::is_ascii_uppercase)
                .map(|b| b - b'A')
                .collect();
            let (content, embed, rows) = private_question(&loaded, user, &picked, None);
            let mut message = CreateInteractionResponseMessage::new()
                .content(content)
                .components(rows)
                .allowed_mentions(no_pings());
            if let Some(embed) = embed {
                message = message.embed(embed);
            }
            press
                .create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(message))
                .await?;
            Ok(())
        }
        _ => Err(user_error("This control is out of date.")),
    }
}

#[allow(clippy::too_many_arguments)]
async fn answer(
    ctx: &serenity::Context,
    data: &Data,
    press: &ComponentInteraction,
    guild: u64,
    user: u64,
    sprint_id: i64,
    index: usize,
    letters: &str,
) -> Result<(), Error> {
    let response = Response(
        letters
            .bytes()
            .filter(u8::is_ascii_uppercase)
            .map(|b| b - b'A')
            .collect(),
    );
    let step = data
        .engine
        .sprint_answer(guild, sprint_id, user, index, response)
        .await?;
    let (content, embed, rows) = private_question(&step.sprint, user, &[], Some(step.correct));
    let mut message = CreateInteractionResponseMessage::new()
        .content(content)
        .components(rows)
        .allowed_mentions(no_pings());
    message = match embed {
        Some(embed) => message.embed(embed),
        None => message.embeds(vec![]),
    };
    // Each answer updates the private message in place: a fresh token every time, so a long
    // sprint never outlives its interaction token.
    press
        .create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(message))
        .await?;
    match step.result {
        Some(result) => announce(&ctx.http, &data.engine, &result).await,
        None => {
            schedule_standings(ctx.http.clone(), data, guild, sprint_id);
            Ok(())
        }
    }
}

/// Edits the sprint's channel message in response to a press on it.
async fn update_channel_message(
    ctx: &serenity::Context,
    press: &ComponentInteraction,
    sprint: &Sprint,
) -> Result<(), Error> {
    let message = CreateInteractionResponseMessage::new()
        .embed(sprint_embed(sprint))
        .components(sprint_components(sprint))
        .allowed_mentions(no_pings());
    press
        .create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(message))
        .await?;
    Ok(())
}

/// Plans one standings edit for the sprint unless one is already planned.
fn schedule_standings(http: Arc<Http>, data: &Data, guild: u64, sprint_id: i64) {
    if !data.standings.0.lock().unwrap().insert(sprint_id) {
        return;
    }
    let engine = data.engine.clone();
    let queue = data.standings.clone();
    tokio::spawn(async move {
        tokio::time::sleep(STANDINGS_EVERY).await;
        queue.0.lock().unwrap().remove(&sprint_id);
        if let Ok(sprint) = engine.load_sprint(guild, sprint_id).await {
            if let Err(error) = refresh_channel_message(&http, &sprint).await {
                tracing::warn!(sprint = sprint_id, %error, "could not update sprint standings");
            }
        }
    });
}

pub async fn refresh_channel_message(http: &Http, sprint: &Sprint) -> Result<(), Error> {
    let Some(message) = sprint.row.message_id else {
        return Ok(());
    };
    let edit = EditMessage::new()
        .embed(sprint_embed(sprint))
        .components(sprint_components(sprint))
        .allowed_mentions(no_pings());
    ChannelId::new(sprint.row.channel_id)
        .edit_message(http, MessageId::new(message), edit)
        .await?;
    Ok(())
}

/// Posts a finished sprint's result in its channel and closes its message; records the post so
/// the timer does not post it again.
pub async fn announce(http: &Http, engine: &Engine, result: &SprintResult) -> Result<(), Error> {
    let sprint_id = result.sprint.row.sprint_id;
    // The lobby message may be deleted or uneditable; the result matters more than its buttons.
    if let Err(error) = refresh_channel_message(http, &result.sprint).await {
        tracing::warn!(
            sprint = sprint_id,
            error = format!("{error:#}"),
            "could not close the sprint message"
        );
    }
    // Mentions in the result name the players without pinging them. The nonce keeps a retry
    // after a lost response from posting the result twice.
    let message = CreateMessage::new()
        .embed(result_embed(result))
        .allowed_mentions(CreateAllowedMentions::new())
        .nonce(Nonce::String(format!("sr{sprint_id}")))
        .enforce_nonce(true);
    let sent = ChannelId::new(result.sprint.row.channel_id)
        .send_message(http, message)
        .await;
    match sent.map_err(classify) {
        Ok(_) => {}
        Err(PublishError::Refused(reason)) => {
            // The channel is gone or closed to the bot: retrying cannot help.
            tracing::warn!(sprint = sprint_id, %reason, "the sprint result cannot be posted; giving up");
        }
        Err(error) => return Err(error.into()),
    }
    engine.mark_announced(sprint_id).await?;
    Ok(())
}

/// Longest sleep of the sprint timer when nothing is due sooner.
const TIMER_MAX_SLEEP: chrono::Duration = chrono::Duration::seconds(30);

/// Settles sprints and mock exams as their deadlines pass (and, on start, whatever expired
/// while the bot was down).
pub async fn run_timer(
    engine: Engine,
    http: Arc<Http>,
    wake: Arc<tokio::sync::Notify>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let woken = wake.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        settle_due(&engine, &http).await;
        let now = engine.now();
        let next = match engine.store.next_sprint_deadline().await {
            Ok(Some(at)) => at.min(now + TIMER_MAX_SLEEP),
            _ => now + TIMER_MAX_SLEEP,
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
pub async fn settle_due(engine: &Engine, http: &Http) {
    match engine.settle_due_sprints().await {
        Ok(settled) => {
            for outcome in settled {
                let done = match &outcome {
                    Settled::Finished(result) => announce(http, engine, result).await,
                    Settled::Started(sprint) | Settled::Expired(sprint) => {
                        refresh_channel_message(http, sprint).await
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
    // Results finished but never posted: the bot stopped, or Discord failed, in between.
    match engine.results_to_announce().await {
        Ok(results) => {
            for result in results {
                if let Err(error) = announce(http, engine, &result).await {
                    tracing::warn!(
                        sprint = result.sprint.row.sprint_id,
                        error = format!("{error:#}"),
                        "could not post a sprint result"
                    );
                }
            }
        }
        Err(error) => tracing::warn!(%error, "listing unannounced sprint results failed"),
    }
    if let Err(error) = engine.finish_expired_mocks().await {
        tracing::warn!(%error, "finishing expired mock exams failed");
    }
}
