//! /sprint duel and /sprint open: study groups race through the same questions.

use poise::serenity_prelude as serenity;

use super::{Context, Error};
use crate::bank::Scope;
use crate::discord::exams::{autocomplete_scope, parse_scope};
use crate::discord::render::sprint::{sprint_components, sprint_embed};
use crate::discord::reply::{display_name, guild_of};
use crate::quiz::sprint::Sprint;
use crate::quiz::sprint::SprintRequest;

/// Head-to-head duels and group sprints.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("duel", "open"),
    subcommand_required
)]
pub async fn sprint(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Challenge someone: the same questions, privately, and the channel sees who wins.
#[poise::command(slash_command, guild_only)]
pub async fn duel(
    ctx: Context<'_>,
    #[description = "Who to challenge"] opponent: serenity::User,
    #[description = "One exam (default: all)"]
    #[autocomplete = "autocomplete_scope"]
    exam: Option<String>,
    #[description = "5-20 questions (default 10)"]
    #[min = 5]
    #[max = 20]
    questions: Option<u32>,
    #[description = "Time limit in minutes (default: one a question)"]
    #[min = 1]
    #[max = 60]
    minutes: Option<u32>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    if opponent.bot {
        return Err(crate::discord::context::user_error("Bots do not duel."));
    }
    let scope = scope_of(ctx, exam)?;
    let name = display_name(ctx);
    let request = SprintRequest {
        guild,
        channel: ctx.channel_id().get(),
        host: ctx.author().id.get(),
        host_name: &name,
        exam: &scope,
        questions: questions.unwrap_or(DEFAULT_QUESTIONS),
        minutes,
    };
    let sprint = ctx
        .data()
        .engine
        .challenge(request, opponent.id.get())
        .await?;
    // The challenge is the one message allowed to ping: the challenged member, nobody else.
    let reply = poise::CreateReply::default()
        .content(format!(
            "<@{}>, you have been challenged to a duel!",
            opponent.id.get()
        ))
        .embed(sprint_embed(&sprint))
        .components(sprint_components(&sprint))
        .allowed_mentions(serenity::CreateAllowedMentions::new().users([opponent.id]));
    post_and_remember(ctx, &sprint, reply).await
}

/// Open a group sprint lobby (2-25 players).
#[poise::command(slash_command, guild_only)]
pub async fn open(
    ctx: Context<'_>,
    #[description = "One exam (default: all)"]
    #[autocomplete = "autocomplete_scope"]
    exam: Option<String>,
    #[description = "5-20 questions (default 10)"]
    #[min = 5]
    #[max = 20]
    questions: Option<u32>,
    #[description = "Time limit in minutes (default: one a question)"]
    #[min = 1]
    #[max = 60]
    minutes: Option<u32>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let scope = scope_of(ctx, exam)?;
    let name = display_name(ctx);
    let sprint = ctx
        .data()
        .engine
        .open_group(SprintRequest {
            guild,
            channel: ctx.channel_id().get(),
            host: ctx.author().id.get(),
            host_name: &name,
            exam: &scope,
            questions: questions.unwrap_or(DEFAULT_QUESTIONS),
            minutes,
        })
        .await?;
    let reply = poise::CreateReply::default()
        .embed(sprint_embed(&sprint))
        .components(sprint_components(&sprint));
    post_and_remember(ctx, &sprint, reply).await
}

async fn post_and_remember(
    ctx: Context<'_>,
    sprint: &Sprint,
    reply: poise::CreateReply,
) -> Result<(), Error> {
    let handle = ctx.send(reply).await?;
    let message = handle.message().await?;
    ctx.data()
        .engine
        .set_sprint_message(sprint.row.guild_id, sprint.row.sprint_id, message.id.get())
        .await?;
    Ok(())
}

const DEFAULT_QUESTIONS: u32 = 10;

fn scope_of(ctx: Context<'_>, exam: Option<String>) -> Result<Scope, Error> {
    match exam {
        Some(text) => parse_scope(ctx, &text),
        None => Ok(Scope::All),
    }
}
