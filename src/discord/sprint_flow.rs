//! Sprint presses: the duel's Accept/Decline, lobby Join/Leave/Start, Play, and the private
//! answers. Only the sprint's players can press its buttons (checked by the engine). Results go
//! to the channel; the channel message shows live standings, edited at most once per
//! `STANDINGS_EVERY` per sprint however fast players answer.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{CreateInteractionResponse, CreateInteractionResponseMessage};

use super::components::select_values;
use super::context::{user_error, Data, Error};
use super::ids::{Action, LobbyStep};
use super::question_flow::Press;
use super::render::picker::positions;
use super::render::sprint::{private_question, sprint_components, sprint_embed};
use super::reply::no_pings;
use crate::bank::Response;
use crate::quiz::sprint::Sprint;
use crate::quiz::{QuizError, Rejection};
use crate::schedule::{timer, Publisher};

/// Discord allows about five edits per channel every five seconds; one every two seconds per
/// sprint leaves room for everything else in the channel.
pub const STANDINGS_EVERY: Duration = Duration::from_secs(2);

/// Sprints with a standings edit already planned.
#[derive(Default)]
pub struct StandingsQueue(Mutex<HashSet<i64>>);

pub async fn press(who: &Press<'_>, action: Action) -> Result<(), Error> {
    let engine = &who.data.engine;
    let (guild, user, name) = (who.guild, who.user, who.name);
    match action {
        Action::DuelReply { sprint, accept } => {
            let updated = if accept {
                engine.accept_duel(guild, sprint, user, name).await?
            } else {
                engine.decline_duel(guild, sprint, user).await?
            };
            update_channel_message(who, &updated).await
        }
        Action::Lobby { sprint, step } => {
            let updated = match step {
                LobbyStep::Join => engine.join_group(guild, sprint, user, name).await?,
                LobbyStep::Leave => engine.leave_group(guild, sprint, user).await?,
                LobbyStep::Start => engine.start_group(guild, sprint, user).await?,
            };
            update_channel_message(who, &updated).await
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
            who.press
                .create_response(&who.ctx.http, CreateInteractionResponse::Message(message))
                .await?;
            Ok(())
        }
        Action::SprintAnswer {
            sprint,
            index,
            letters,
        } => answer(who, sprint, index, &letters).await,
        Action::SprintSelect { sprint, index } => {
            answer(who, sprint, index, &select_values(who.press)?).await
        }
        Action::SprintPick {
            sprint,
            index,
            so_far,
        } => {
            let loaded = engine.load_sprint(guild, sprint).await?;
            let question = loaded
                .items
                .get(index)
                .ok_or_else(|| user_error("This control is out of date."))?;
            // Both parts come from the client: only letters of this question's options count.
            let picked: Vec<u8> = format!("{so_far}{}", select_values(who.press)?)
                .parse::<Response>()
                .map(|response| response.0)
                .unwrap_or_default()
                .into_iter()
                .filter(|&i| usize::from(i) < question.options.len())
                .collect();
            if picked.len() >= positions(question) {
                let letters = crate::bank::letters(&picked[..positions(question)]);
                return answer(who, sprint, index, &letters).await;
            }
            let (content, embed, rows) = private_question(&loaded, user, &picked, None);
            let mut message = CreateInteractionResponseMessage::new()
                .content(content)
                .components(rows)
                .allowed_mentions(no_pings());
            if let Some(embed) = embed {
                message = message.embed(embed);
            }
            who.press
                .create_response(
                    &who.ctx.http,
                    CreateInteractionResponse::UpdateMessage(message),
                )
                .await?;
            Ok(())
        }
        _ => Err(user_error("This control is out of date.")),
    }
}

async fn answer(who: &Press<'_>, sprint_id: i64, index: usize, letters: &str) -> Result<(), Error> {
    let response: Response = letters
        .parse()
        .map_err(|how| QuizError::Rejected(Rejection::InvalidResponse(how)))?;
    let data = who.data;
    let step = data
        .engine
        .sprint_answer(who.guild, sprint_id, who.user, index, response)
        .await?;
    let (content, embed, rows) = private_question(&step.sprint, who.user, &[], Some(step.correct));
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
    who.press
        .create_response(
            &who.ctx.http,
            CreateInteractionResponse::UpdateMessage(message),
        )
        .await?;
    match step.result {
        // If Discord fails now, the timer posts the result on its next pass.
        Some(result) => timer::announce(&data.engine, data.publisher(), &result).await,
        None => {
            schedule_standings(data, who.guild, sprint_id);
            Ok(())
        }
    }
}

/// Edits the sprint's channel message in response to a press on it.
async fn update_channel_message(who: &Press<'_>, sprint: &Sprint) -> Result<(), Error> {
    let message = CreateInteractionResponseMessage::new()
        .embed(sprint_embed(sprint))
        .components(sprint_components(sprint))
        .allowed_mentions(no_pings());
    who.press
        .create_response(
            &who.ctx.http,
            CreateInteractionResponse::UpdateMessage(message),
        )
        .await?;
    Ok(())
}

/// Plans one standings edit for the sprint unless one is already planned.
fn schedule_standings(data: &Data, guild: u64, sprint_id: i64) {
    if !data.standings.0.lock().unwrap().insert(sprint_id) {
        return;
    }
    let engine = data.engine.clone();
    let queue = data.standings.clone();
    let publisher = data.publisher_handle();
    tokio::spawn(async move {
        tokio::time::sleep(STANDINGS_EVERY).await;
        queue.0.lock().unwrap().remove(&sprint_id);
        if let Ok(sprint) = engine.load_sprint(guild, sprint_id).await {
            if let Err(error) = publisher.show_sprint(&sprint).await {
                tracing::warn!(sprint = sprint_id, %error, "could not update sprint standings");
            }
        }
    });
}
