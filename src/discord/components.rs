//! Button and select presses. poise routes slash commands only, so components arrive here from
//! the event handler; each press is decoded from its custom_id and checked on the server side.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, ComponentInteractionDataKind, CreateInteractionResponse,
    CreateInteractionResponseMessage, FullEvent, Interaction, MessageFlags,
};

use super::commands::no_pings;
use super::context::{is_user_error, user_error, user_message, Data, Error};
use super::ids::Action;
use super::render::answer::{next_question_row, result_content, result_embed};
use super::render::board::{board_components, board_embed, BoardView};
use super::render::picker::{picker_components, picker_content, positions};
use super::render::question::{answer_components, explanation_embed, question_embed};
use super::text::timestamp;
use crate::bank::Response;
use crate::quiz::{AnswerRequest, PersonalQuestion, QuizError, Rejection};
use crate::store::PostMode;

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
    let engine = &data.engine;
    let user = press.user.id.get();
    let name = press.member.as_ref().map_or_else(
        || press.user.display_name().to_string(),
        |m| m.display_name().to_string(),
    );
    let on_private_message = press
        .message
        .flags
        .is_some_and(|flags| flags.contains(MessageFlags::EPHEMERAL));

    match action {
        Action::Answer { post, letters } => {
            answer(
                ctx,
                data,
                press,
                guild,
                post,
                &letters,
                &name,
                on_private_message,
            )
            .await
        }
        Action::Select { post } => {
            let ComponentInteractionDataKind::StringSelect { values } = &press.data.kind else {
                return Err(user_error("This control is out of date."));
            };
            answer(
                ctx,
                data,
                press,
                guild,
                post,
                &values.concat(),
                &name,
                on_private_message,
            )
            .await
        }
        Action::OpenPicker { post } | Action::Restart { post } => {
            let (post, question) = answerable(data, guild, post, user).await?;
            let message = CreateInteractionResponseMessage::new()
                .content(picker_content(&question, &[]))
                .components(picker_components(&question, post.post_id, &[]))
                .ephemeral(true)
                .allowed_mentions(no_pings());
            let response = if matches!(action, Action::Restart { .. }) {
                CreateInteractionResponse::UpdateMessage(message)
            } else {
                CreateInteractionResponse::Message(message)
            };
            press.create_response(&ctx.http, response).await?;
            Ok(())
        }
        Action::Pick { post, so_far } => {
            let ComponentInteractionDataKind::StringSelect { values } = &press.data.kind else {
                return Err(user_error("This control is out of date."));
            };
            let (post, question) = answerable(data, guild, post, user).await?;
            let mut chosen: Vec<u8> = so_far.bytes().map(|b| b - b'A').collect();
            // Select values come from the client: only an option letter counts.
            let picked = values.first().and_then(|v| v.bytes().next()).filter(|b| {
                b.is_ascii_uppercase() && usize::from(b - b'A') < question.options.len()
            });
            if let Some(letter) = picked {
                if chosen.len() < positions(&question) {
                    chosen.push(letter - b'A');
                }
            }
            let message = CreateInteractionResponseMessage::new()
                .content(picker_content(&question, &chosen))
                .components(picker_components(&question, post.post_id, &chosen))
                .allowed_mentions(no_pings());
            press
                .create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(message))
                .await?;
            Ok(())
        }
        Action::NextQuiz { exam, domain } => {
            let dealt = engine
                .start_personal(guild, user, &exam, (domain > 0).then_some(domain))
                .await?;
            data.wake_closer.notify_one();
            let (content, embed, components) = personal_question_parts(data, &dealt)?;
            let message = CreateInteractionResponseMessage::new()
                .content(content)
                .embed(embed)
                .components(components)
                .allowed_mentions(no_pings());
            press
                .create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(message))
                .await?;
            Ok(())
        }
        Action::Board {
            exam,
            period,
            page,
            viewer,
        } => {
            let standing = engine
                .leaderboard(guild, exam.as_deref(), period, user, page)
                .await?;
            let code = exam
                .as_deref()
                .and_then(|id| engine.bank.exam(id))
                .map(|e| e.code.as_str());
            let view = BoardView {
                exam_code: code,
                exam_id: exam.as_deref(),
                period,
                viewer: user,
                standing: &standing,
            };
            let message = CreateInteractionResponseMessage::new()
                .embed(board_embed(&view))
                .components(board_components(&view))
                .allowed_mentions(no_pings());
            // The viewer pages their own board; anyone else gets a private copy with their own row.
            let response = if viewer == user {
                CreateInteractionResponse::UpdateMessage(message)
            } else {
                CreateInteractionResponse::Message(message.ephemeral(true))
            };
            press.create_response(&ctx.http, response).await?;
            Ok(())
        }
        Action::DuelReply { .. }
        | Action::Lobby { .. }
        | Action::SprintPlay { .. }
        | Action::SprintAnswer { .. }
        | Action::SprintSelect { .. }
        | Action::SprintPick { .. } => {
            super::sprint_flow::press(ctx, data, press, guild, user, &name, action).await
        }
        Action::MockAnswer { .. }
        | Action::MockSelect { .. }
        | Action::MockPick { .. }
        | Action::MockGo { .. }
        | Action::MockFlag { .. }
        | Action::MockSubmit { .. }
        | Action::MockReview { .. } => {
            let message = super::mock_flow::press(data, press, guild, user, action).await?;
            press
                .create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(message))
                .await?;
            Ok(())
        }
        Action::Forget {
            user: owner,
            confirm,
        } => {
            if owner != user {
                return Err(user_error("This button is not for you."));
            }
            let content = if confirm {
                let removed = engine.store.forget_member(guild, user).await?;
                format!("Done. Your data in this server is deleted ({removed} answers).")
            } else {
                "Cancelled. Nothing was deleted.".to_string()
            };
            let message = CreateInteractionResponseMessage::new()
                .content(content)
                .components(vec![])
                .allowed_mentions(no_pings());
            press
                .create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(message))
                .await?;
            Ok(())
        }
    }
}

/// A post this member may still answer, with its question.
async fn answerable(
    data: &Data,
    guild: u64,
    post_id: i64,
    user: u64,
) -> Result<(crate::store::Post, Arc<crate::bank::Question>), Error> {
    let engine = &data.engine;
    let post = engine
        .store
        .post(guild, post_id)
        .await?
        .ok_or(QuizError::Rejected(Rejection::UnknownPost))?;
    if post.mode == PostMode::Personal && post.owner_id != Some(user) {
        return Err(QuizError::Rejected(Rejection::NotYours).into());
    }
    if engine.now() >= post.closes_at
        || matches!(
            post.state,
            crate::store::PostState::Closed | crate::store::PostState::Missed
        )
    {
        return Err(closed_error(&post));
    }
    if let Some(previous) = engine.store.answer_of(post.post_id, user).await? {
        return Err(QuizError::Rejected(Rejection::AlreadyAnswered {
            choice: previous.choice,
            correct: previous.correct,
        })
        .into());
    }
    let question = engine
        .bank
        .question(&post.question_id)
        .cloned()
        .ok_or(QuizError::Rejected(Rejection::UnknownPost))?;
    Ok((post, question))
}

fn closed_error(post: &crate::store::Post) -> Error {
    let closed = timestamp(post.closes_at, 'R');
    user_error(match post.mode {
        PostMode::Channel => format!(
            "This question closed {closed}. Answers are no longer taken; the reveal is on the message."
        ),
        PostMode::Personal => format!(
            "This practice question timed out {closed}. Use `/quiz` for a new one."
        ),
    })
}

/// A practice question answered after its window: not scored, but the member still learns
/// the answer (a personal question has no public reveal).
async fn timed_out_practice(
    ctx: &serenity::Context,
    press: &ComponentInteraction,
    post: &crate::store::Post,
    question: &crate::bank::Question,
    on_private_message: bool,
) -> Result<(), Error> {
    let content = format!(
        "⌛ This practice question timed out {} (answers count within {} minutes of dealing it), so this one is not scored. The answer:",
        timestamp(post.closes_at, 'R'),
        crate::quiz::PERSONAL_WINDOW.num_minutes()
    );
    let message = CreateInteractionResponseMessage::new()
        .content(content)
        .embed(explanation_embed(question, false))
        .components(vec![next_question_row(&post.exam, post.practice_domain)])
        .allowed_mentions(no_pings());
    let response = if on_private_message {
        CreateInteractionResponse::UpdateMessage(message)
    } else {
        CreateInteractionResponse::Message(message.ephemeral(true))
    };
    press.create_response(&ctx.http, response).await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn answer(
    ctx: &serenity::Context,
    data: &Data,
    press: &ComponentInteraction,
    guild: u64,
    post_id: i64,
    letters: &str,
    name: &str,
    on_private_message: bool,
) -> Result<(), Error> {
    let response = Response(
        letters
            .bytes()
            .filter(u8::is_ascii_uppercase)
            .map(|b| b - b'A')
            .collect(),
    );
    let request = AnswerRequest {
        guild,
        post_id,
        user: press.user.id.get(),
        display_name: name,
        response,
    };
    let outcome = match data.engine.answer(request).await {
        Ok(outcome) => outcome,
        Err(QuizError::Rejected(Rejection::Closed { .. })) => {
            let post = data
                .engine
                .store
                .post(guild, post_id)
                .await?
                .ok_or(QuizError::Rejected(Rejection::UnknownPost))?;
            let question = data.engine.bank.question(&post.question_id).cloned();
            return match (post.mode, question) {
                (PostMode::Personal, Some(question)) => {
                    timed_out_practice(ctx, press, &post, &question, on_private_message).await
                }
                _ => Err(closed_error(&post)),
            };
        }
        Err(error) => return Err(error.into()),
    };
    let post = data.engine.store.post(guild, post_id).await?;
    let personal = post.as_ref().filter(|p| p.mode == PostMode::Personal);
    let mut message = CreateInteractionResponseMessage::new()
        .content(result_content(&outcome))
        .embed(result_embed(&outcome))
        .allowed_mentions(no_pings());
    if let Some(post) = personal {
        // "Next question" keeps the exam and the domain the member asked /quiz for.
        let row = next_question_row(&outcome.question.exam, post.practice_domain);
        message = message.components(vec![row]);
    }
    // On a private message (a personal question or a picker) the result replaces it; on a
    // channel question the result is a private reply, and the question stays for the others.
    let response = if on_private_message {
        if personal.is_none() {
            message = message.components(vec![]);
        }
        CreateInteractionResponse::UpdateMessage(message)
    } else {
        CreateInteractionResponse::Message(message.ephemeral(true))
    };
    press.create_response(&ctx.http, response).await?;
    Ok(())
}

/// The private message that deals a personal question: (content, embed, components).
pub fn personal_question_parts(
    data: &Data,
    dealt: &PersonalQuestion,
) -> Result<
    (
        String,
        serenity::CreateEmbed,
        Vec<serenity::CreateActionRow>,
    ),
    Error,
> {
    let exam = data
        .engine
        .bank
        .exam(&dealt.question.exam)
        .ok_or_else(|| user_error("That exam is no longer loaded."))?;
    let content = if dealt.from_review {
        "🔁 A question you missed before, due for review."
    } else {
        "Your practice question (only you see it)."
    };
    // Ordering and matching show an Answer button that opens the picker as its own message,
    // keeping the question in view.
    let components = answer_components(&dealt.question, dealt.post.post_id, false);
    Ok((
        content.to_string(),
        question_embed(exam, &dealt.question, &dealt.post),
        components,
    ))
}
