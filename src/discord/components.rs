//! Button and select presses. poise routes slash commands only, so components arrive here from
//! the event handler; each press is decoded from its custom_id, checked on the server side, and
//! handed to its flow (questions, sprints, mock exams) or answered here (board pages, forget).

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, ComponentInteractionDataKind, CreateInteractionResponse,
    CreateInteractionResponseMessage, FullEvent, Interaction,
};

use super::context::{is_user_error, outcome_of, user_error, user_message, Data, Error};
use super::ids::Action;
use super::question_flow::{self, Press};
use super::render::board::{board_components, board_embed, BoardView};
use super::reply::{no_pings, presser_name};
use super::{mock_flow, reports_flow, sprint_flow};
use crate::bank::Scope;
use crate::quiz::{QuizError, Rejection};
use crate::store::Period;

pub async fn on_event(
    framework: poise::FrameworkContext<'_, Arc<Data>, Error>,
    event: &FullEvent,
) -> Result<(), Error> {
    let FullEvent::InteractionCreate {
        interaction: Interaction::Component(press),
    } = event
    else {
        return Ok(());
    };
    let data = framework.user_data;
    let ctx = framework.serenity_context;
    if let Err(error) = handle(ctx, data, press).await {
        let reference = press.id.get();
        super::telemetry::record(outcome_of(&error));
        if !is_user_error(&error) {
            tracing::error!(interaction = reference, custom_id = %press.data.custom_id, error = format!("{error:#}"), "component press failed");
        }
        let reply = CreateInteractionResponseMessage::new()
            .content(user_message(&error, reference))
            .ephemeral(true)
            .allowed_mentions(no_pings());
        if let Err(send_error) = press
            .create_response(&ctx.http, CreateInteractionResponse::Message(reply))
            .await
        {
            tracing::warn!(interaction = reference, %send_error, "could not send the error reply");
        }
    }
    Ok(())
}

async fn handle(
    ctx: &serenity::Context,
    data: &Data,
    press: &ComponentInteraction,
) -> Result<(), Error> {
    let action = Action::decode(&press.data.custom_id)
        .ok_or_else(|| user_error("This button is out of date. Run the command again."))?;
    let guild = press
        .guild_id
        .map(|g| g.get())
        .ok_or_else(|| user_error("This works in a server, not in DMs."))?;
    let name = presser_name(press);
    let user = press.user.id.get();
    let who = Press {
        ctx,
        data,
        press,
        guild,
        user,
        name: &name,
    };
    match action {
        Action::Answer { post, letters } => question_flow::answer(&who, post, &letters).await,
        Action::Select { post } => question_flow::answer(&who, post, &select_values(press)?).await,
        Action::OpenPicker { post } => question_flow::open_picker(&who, post, false).await,
        Action::Restart { post } => question_flow::open_picker(&who, post, true).await,
        Action::Pick { post, so_far } => {
            question_flow::pick(&who, post, &so_far, &select_values(press)?).await
        }
        Action::NextQuiz { exam, domain } => {
            question_flow::next_practice(&who, &exam, domain).await
        }
        Action::Board {
            exam,
            period,
            page,
            viewer,
        } => board_page(&who, exam.as_deref(), period, page, viewer).await,
        Action::DuelReply { .. }
        | Action::Lobby { .. }
        | Action::SprintPlay { .. }
        | Action::SprintAnswer { .. }
        | Action::SprintSelect { .. }
        | Action::SprintPick { .. } => sprint_flow::press(&who, action).await,
        Action::MockAnswer { .. }
        | Action::MockSelect { .. }
        | Action::MockPick { .. }
        | Action::MockGo { .. }
        | Action::MockFlag { .. }
        | Action::MockSubmit { .. }
        | Action::MockReview { .. } => {
            let message = mock_flow::press(data, press, guild, user, action).await?;
            press
                .create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(message))
                .await?;
            Ok(())
        }
        Action::Forget {
            user: owner,
            confirm,
        } => forget(&who, owner, confirm).await,
        Action::NextReview { exam } => question_flow::next_review(&who, exam.as_deref()).await,
        Action::ResolveReport { flag } => reports_flow::resolve(&who, flag).await,
    }
}

/// The values a select sent, joined ("A", or "AC" for a multiple-response select).
pub fn select_values(press: &ComponentInteraction) -> Result<String, Error> {
    match &press.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => Ok(values.concat()),
        _ => Err(user_error("This control is out of date.")),
    }
}

/// A leaderboard page. The viewer pages their own board; anyone else gets a private copy with
/// their own row.
async fn board_page(
    who: &Press<'_>,
    exam: Option<&str>,
    period: Period,
    page: u32,
    viewer: u64,
) -> Result<(), Error> {
    let engine = &who.data.engine;
    let scope = match exam {
        None => Scope::All,
        Some(id) => engine
            .bank
            .scope(id)
            .ok_or_else(|| QuizError::Rejected(Rejection::UnknownExam(id.to_string())))?,
    };
    let standing = engine
        .leaderboard(who.guild, &scope, period, who.user, page)
        .await?;
    let view = BoardView::new(&engine.bank, &scope, period, who.user, &standing);
    let message = CreateInteractionResponseMessage::new()
        .embed(board_embed(&view))
        .components(board_components(&view))
        .allowed_mentions(no_pings());
    let response = if viewer == who.user {
        CreateInteractionResponse::UpdateMessage(message)
    } else {
        CreateInteractionResponse::Message(message.ephemeral(true))
    };
    who.press.create_response(&who.ctx.http, response).await?;
    Ok(())
}

/// /forget-me's confirm or cancel; only the member who asked may press.
async fn forget(who: &Press<'_>, owner: u64, confirm: bool) -> Result<(), Error> {
    if owner != who.user {
        return Err(user_error("This button is not for you."));
    }
    let content = if confirm {
        let removed = who.data.engine.forget_member(who.guild, who.user).await?;
        format!("Done. Your data in this server is deleted ({removed} answers).")
    } else {
        "Cancelled. Nothing was deleted.".to_string()
    };
    let message = CreateInteractionResponseMessage::new()
        .content(content)
        .components(vec![])
        .allowed_mentions(no_pings());
    who.press
        .create_response(
            &who.ctx.http,
            CreateInteractionResponse::UpdateMessage(message),
        )
        .await?;
    Ok(())
}
