//! /sprint duel and /sprint open: study groups race through the same questions.

use poise::serenity_prelude as serenity;

use super::{display_name, guild_of, Context, Error, ExamChoice};
use crate::discord::render::sprint::{sprint_components, sprint_embed};
use crate::quiz::sprint::Sprint;

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
    #[description = "One exam (default: all)"] exam: Option<ExamChoice>,
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
    let data = ctx.data();
    let sprint = data
        .engine
        .challenge(
            guild,
            ctx.channel_id().get(),
            ctx.author().id.get(),
            &display_name(ctx),
            opponent.id.get(),
            exam.map(ExamChoice::id),
            questions.unwrap_or(10),
            minutes,
        )
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
    #[description = "One exam (default: all)"] exam: Option<ExamChoice>,
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
    let sprint = ctx
        .data()
        .engine
        .open_group(
            guild,
            ctx.channel_id().get(),
            ctx.author().id.get(),
            &display_name(ctx),
            exam.map(ExamChoice::id),
            questions.unwrap_or(10),
            minutes,
        )
        .await?;
    let reply = poise::CreateReply::default()
        .embed(sprint_embed(&sprint))
        .components(sprint_components(&sprint))
        .allowed_mentions(serenity::CreateAllowedMentions::new());
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
        .store
        .set_sprint_message(sprint.row.sprint_id, message.id.get())
        .await?;
    ctx.data().sprint_timer.notify_one();
    Ok(())
}
