//! /leaderboard: top 10 with points, accuracy and streak, plus the caller's own rank.

use super::{guild_of, no_pings, Context, Error, ExamChoice};
use crate::discord::render::board::{board_components, board_embed, BoardView};
use crate::discord::text::{escape, truncate};
use crate::store::Period;

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum PeriodChoice {
    #[name = "week"]
    Week,
    #[name = "month"]
    Month,
    #[name = "all"]
    All,
    /// Sprint ratings (all time).
    #[name = "rating"]
    Rating,
}

/// The server's leaderboard: this week, this month or all time.
#[poise::command(slash_command, guild_only)]
pub async fn leaderboard(
    ctx: Context<'_>,
    #[description = "One exam, or all"] exam: Option<ExamChoice>,
    #[description = "week, month, all, or rating for sprint ratings (default: week)"]
    period: Option<PeriodChoice>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let period = match period.unwrap_or(PeriodChoice::Week) {
        PeriodChoice::Week => Period::Week,
        PeriodChoice::Month => Period::Month,
        PeriodChoice::All => Period::All,
        PeriodChoice::Rating => return rating_board(ctx, guild, exam).await,
    };
    let exam_id = exam.map(ExamChoice::id);
    let user = ctx.author().id.get();
    let engine = &ctx.data().engine;
    let standing = engine.leaderboard(guild, exam_id, period, user, 0).await?;
    let code = exam_id
        .and_then(|id| engine.bank.exam(id))
        .map(|e| e.code.as_str());
    let view = BoardView {
        exam_code: code,
        exam_id,
        period,
        viewer: user,
        standing: &standing,
    };
    ctx.send(
        poise::CreateReply::default()
            .embed(board_embed(&view))
            .components(board_components(&view))
            .allowed_mentions(no_pings()),
    )
    .await?;
    Ok(())
}

/// The sprint rating board: best first by a conservative rating (rating minus twice its uncertainty).
async fn rating_board(ctx: Context<'_>, guild: u64, exam: Option<ExamChoice>) -> Result<(), Error> {
    let key = exam.map_or("all", ExamChoice::id);
    let rows = ctx.data().engine.store.rating_board(guild, key, 10).await?;
    let lines: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, (_, name, rating))| {
            let (shown, spread) = crate::quiz::ratings::display(rating);
            format!(
                "`{:>2}` **{}** · {shown} ± {spread} · {} sprints",
                i + 1,
                escape(&truncate(
                    if name.is_empty() { "someone" } else { name },
                    32
                )),
                rating.games
            )
        })
        .collect();
    let description = if lines.is_empty() {
        "No sprints played yet. Start one with `/sprint duel` or `/sprint open`.".to_string()
    } else {
        lines.join("\n")
    };
    let embed = poise::serenity_prelude::CreateEmbed::new()
        .title(format!(
            "Sprint ratings · {}",
            if key == "all" {
                "all exams".to_string()
            } else {
                key.to_uppercase()
            }
        ))
        .description(description)
        .colour(poise::serenity_prelude::Colour(0xA855F7));
    ctx.send(
        poise::CreateReply::default()
            .embed(embed)
            .allowed_mentions(no_pings()),
    )
    .await?;
    Ok(())
}
