//! /bank info and /bank report for members; /bank stats and /bank reports for admins (each
//! with the server-side admin check on the subcommand itself, since the others are for everyone).

use super::{admin_only, Context, Error};
use crate::discord::context::user_error;
use crate::discord::exams::{autocomplete_exam, parse_exam};
use crate::discord::render::bank::{reports_message, stats_embed};
use crate::discord::reply::{guild_of, private};
use crate::discord::text::{escape, truncate};

/// The question banks.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("info", "report", "stats", "reports"),
    subcommand_required
)]
pub async fn bank(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Items per exam and domain.
#[poise::command(slash_command, guild_only)]
pub async fn info(ctx: Context<'_>) -> Result<(), Error> {
    let bank = &ctx.data().engine.bank;
    let mut embed = poise::serenity_prelude::CreateEmbed::new()
        .title("Question banks")
        .description(format!(
            "{} original questions, checked against AWS documentation.",
            bank.item_count()
        ));
    for exam in bank.playable_exams() {
        let mut lines: Vec<String> = exam
            .domains
            .iter()
            .map(|d| {
                format!(
                    "D{} {} · {} items (weight {}%)",
                    d.number,
                    truncate(&d.name, 48),
                    exam.items_in_domain(d.number).count(),
                    d.weight
                )
            })
            .collect();
        if let Some(retirement) = bank.retirement(&exam.id) {
            // Said before the domains: nobody should study for it by mistake.
            lines.insert(
                0,
                format!(
                    "⚠ Retiring (last day {}): {}",
                    retirement.until,
                    truncate(&retirement.note, 400)
                ),
            );
        }
        embed = embed.field(
            format!(
                "{}{} · {} · {} items",
                exam.code,
                crate::discord::exams::retiring_note(bank, exam)
                    .map(|note| format!(" ({note})"))
                    .unwrap_or_default(),
                truncate(&exam.name, 60),
                exam.items.len()
            ),
            truncate(&lines.join("\n"), 1024),
            false,
        );
    }
    ctx.send(private().embed(embed)).await?;
    Ok(())
}

/// Flag a question that looks wrong, for the admins.
#[poise::command(slash_command, guild_only)]
pub async fn report(
    ctx: Context<'_>,
    #[description = "The question id, e.g. aif-3.2-004 (shown as #id under each question)"]
    id: String,
    #[description = "What looks wrong"]
    #[max_length = 500]
    reason: String,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let id = id.trim().trim_start_matches('#').to_ascii_lowercase();
    let engine = &ctx.data().engine;
    if engine.bank.question(&id).is_none() {
        return Err(user_error(format!(
            "There is no question {}. The id is under each question, like #aif-3.2-004.",
            escape(&truncate(&id, 40))
        )));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(user_error(
            "Say what looks wrong, so the admins can check it.",
        ));
    }
    engine
        .report_question(guild, ctx.author().id.get(), &id, reason)
        .await?;
    ctx.send(private().content(format!("Thanks: #{id} is flagged for the admins to check.")))
        .await?;
    Ok(())
}

/// Item statistics: the questions whose key needs checking, and the worst of the rest (admins).
#[poise::command(slash_command, guild_only, check = "admin_only")]
pub async fn stats(
    ctx: Context<'_>,
    #[description = "Only this exam"]
    #[autocomplete = "autocomplete_exam"]
    exam: Option<String>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let exam = exam.map(|text| parse_exam(ctx, &text)).transpose()?;
    let exam = exam.as_ref().map(|id| id.as_str());
    // Every answer of the server is read: a large server can take longer than Discord's 3 s.
    ctx.defer_ephemeral().await?;
    let stats = ctx.data().engine.item_stats(Some(guild), exam).await?;
    ctx.send(private().embed(stats_embed(exam, &stats))).await?;
    Ok(())
}

/// Members' open question reports, each with a button to mark it resolved (admins).
#[poise::command(slash_command, guild_only, check = "admin_only")]
pub async fn reports(ctx: Context<'_>) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let flags = ctx.data().engine.open_reports(guild).await?;
    let (embed, rows) = reports_message(&flags);
    ctx.send(private().embed(embed).components(rows)).await?;
    Ok(())
}
