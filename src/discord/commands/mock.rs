//! /mock: a solo timed mock exam with an AWS-style score report.

use super::{guild_of, no_pings, Context, Error, ExamChoice};
use crate::discord::render::mock::{item_components, item_embed, report_components, report_embed};
use crate::quiz::{MockLength, Resumed};

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum LengthChoice {
    #[name = "full"]
    Full,
    #[name = "half"]
    Half,
    #[name = "quick"]
    Quick,
}

/// Timed mock exams.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("start", "resume"),
    subcommand_required
)]
pub async fn mock(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start a private, timed mock exam (full = the real length and time).
#[poise::command(slash_command, guild_only)]
pub async fn start(
    ctx: Context<'_>,
    #[description = "Which exam"] exam: ExamChoice,
    #[description = "full, half or quick (10 questions); default quick"] length: Option<
        LengthChoice,
    >,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let length = match length.unwrap_or(LengthChoice::Quick) {
        LengthChoice::Full => MockLength::Full,
        LengthChoice::Half => MockLength::Half,
        LengthChoice::Quick => MockLength::Quick,
    };
    let engine = &ctx.data().engine;
    let mock = engine
        .start_mock(guild, ctx.author().id.get(), exam.id(), length)
        .await?;
    let code = engine
        .bank
        .exam(&mock.row.exam)
        .map_or(mock.row.exam.clone(), |e| e.code.clone());
    let content = format!(
        "{} questions, {} minutes. Answer in any order, flag items to come back to, and submit when ready.",
        mock.items.len(),
        (mock.row.ends_at - mock.row.started_at).num_minutes()
    );
    ctx.send(
        poise::CreateReply::default()
            .content(content)
            .embed(item_embed(&mock, &code))
            .components(item_components(&mock, &[]))
            .ephemeral(true)
            .allowed_mentions(no_pings()),
    )
    .await?;
    Ok(())
}

/// Bring back your running mock exam (if you lost the message).
#[poise::command(slash_command, guild_only)]
pub async fn resume(ctx: Context<'_>) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let engine = &ctx.data().engine;
    let reply = match engine.resume_mock(guild, ctx.author().id.get()).await? {
        Resumed::Running(mock) => {
            let code = engine
                .bank
                .exam(&mock.row.exam)
                .map_or(mock.row.exam.clone(), |e| e.code.clone());
            poise::CreateReply::default()
                .embed(item_embed(&mock, &code))
                .components(item_components(&mock, &[]))
        }
        Resumed::TimedOut(report) => poise::CreateReply::default()
            .content("Time ran out on your mock exam; here is its report.")
            .embed(report_embed(&report))
            .components(report_components(&report)),
    };
    ctx.send(reply.ephemeral(true).allowed_mentions(no_pings()))
        .await?;
    Ok(())
}
