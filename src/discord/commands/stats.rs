//! /stats: the personal score lookup, and a member's own answers as a file.

use poise::serenity_prelude as serenity;

use super::{Context, Error};
use crate::discord::exams::{autocomplete_exam, parse_exam};
use crate::discord::render::stats::stats_embed;
use crate::discord::reply::{display_name, guild_of, send_csv};
use crate::export::history_csv;

/// Your stats, or another member's; your answer history as a file.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("show", "export"),
    subcommand_required
)]
pub async fn stats(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Accuracy by exam, domain and task; streaks; readiness; review queue.
#[poise::command(slash_command, guild_only)]
pub async fn show(
    ctx: Context<'_>,
    #[description = "Whose stats (default: yours)"] user: Option<serenity::User>,
    #[description = "Only this exam"]
    #[autocomplete = "autocomplete_exam"]
    exam: Option<String>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let exam = exam.map(|text| parse_exam(ctx, &text)).transpose()?;
    let own = user.as_ref().is_none_or(|u| u.id == ctx.author().id);
    let (target, fallback) = match &user {
        Some(u) => (u.id.get(), u.display_name().to_string()),
        None => (ctx.author().id.get(), display_name(ctx)),
    };
    let engine = &ctx.data().engine;
    let mut stats = engine.member_stats(guild, target).await?;
    if let Some(exam) = exam {
        stats.exams.retain(|e| e.exam == exam.as_str());
    }
    if !own {
        // Another member's review queue is theirs alone.
        stats.review_queue.clear();
    }
    let mut embed = stats_embed(&stats, &fallback, engine.now());
    if !own {
        embed = embed.field(
            "\u{200B}",
            "Review details are private to each member.",
            false,
        );
    }
    ctx.send(poise::CreateReply::default().embed(embed).ephemeral(own))
        .await?;
    Ok(())
}

/// Your own answers in this server, as a CSV file (only you see it).
#[poise::command(slash_command, guild_only)]
pub async fn export(ctx: Context<'_>) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    // A long history can take a while to read and write out; Discord wants an answer in 3 s.
    ctx.defer_ephemeral().await?;
    let engine = &ctx.data().engine;
    let rows = engine.answer_history(guild, ctx.author().id.get()).await?;
    let note = format!(
        "Your {} answer(s) in this server (columns in the README).",
        rows.len()
    );
    send_csv(ctx, note, "certsprint-my-answers", history_csv(&rows)).await
}
