//! /stats: the personal score lookup with its chart, a member's own answers as a file, and the
//! whole server's figures for its admins.

use poise::serenity_prelude as serenity;

use super::{admin_only, Context, Error};
use crate::discord::exams::{autocomplete_exam, parse_exam};
use crate::discord::render::stats::{no_chart_text, server_stats_embed, stats_embed};
use crate::discord::reply::{display_name, guild_of, private, send_csv};
use crate::export::history_csv;
use crate::insights::{chart_exam, chart_plan, render_png, ChartPlan};
use crate::quiz::MemberStats;

/// Your stats, or another member's; your answer history as a file; the server's for admins.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("show", "export", "server"),
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
    let mut reply = poise::CreateReply::default().embed(embed).ephemeral(own);
    match chart(&stats, &fallback).await {
        Chart::Png { exam, bytes } => {
            let file = format!("certsprint-stats-{exam}.png");
            reply = reply.attachment(serenity::CreateAttachment::bytes(bytes, file));
        }
        Chart::Words(words) => reply = reply.content(words),
    }
    ctx.send(reply).await?;
    Ok(())
}

enum Chart {
    Png { exam: String, bytes: Vec<u8> },
    Words(String),
}

/// The chart of the exam with the most answers (the only one when the member named one), or
/// words saying why there is none. Drawing is CPU work, so it runs on a blocking thread.
async fn chart(stats: &MemberStats, fallback_name: &str) -> Chart {
    let Some(exam) = chart_exam(&stats.exams) else {
        return Chart::Words(no_chart_text(None));
    };
    let name = stats.display_name.as_deref().unwrap_or(fallback_name);
    let input = match chart_plan(exam, name) {
        ChartPlan::Draw(input) => input,
        plan @ ChartPlan::TooFewAnswers { .. } => return Chart::Words(no_chart_text(Some(&plan))),
    };
    match tokio::task::spawn_blocking(move || render_png(&input)).await {
        Ok(Ok(bytes)) => Chart::Png {
            exam: exam.exam.clone(),
            bytes,
        },
        Ok(Err(error)) => {
            tracing::warn!(%error, "the stats chart was not drawn");
            Chart::Words("The chart could not be drawn this time.".into())
        }
        Err(error) => {
            tracing::warn!(%error, "the stats chart task failed");
            Chart::Words("The chart could not be drawn this time.".into())
        }
    }
}

/// The server's activity and accuracy per domain (Manage Server; only you see it).
#[poise::command(slash_command, guild_only, check = "admin_only")]
pub async fn server(
    ctx: Context<'_>,
    #[description = "Only this exam"]
    #[autocomplete = "autocomplete_exam"]
    exam: Option<String>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let exam = exam.map(|text| parse_exam(ctx, &text)).transpose()?;
    // It reads every answer of the server; Discord wants an answer within 3 s.
    ctx.defer_ephemeral().await?;
    let stats = ctx.data().engine.server_stats(guild, exam.as_ref()).await?;
    ctx.send(private().embed(server_stats_embed(
        &stats,
        exam.as_ref().map(|e| e.as_str()),
    )))
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
