//! /leaderboard: top 10 with points, accuracy and streak, plus the caller's own rank.

use super::{Context, Error};
use crate::bank::Scope;
use crate::discord::exams::{autocomplete_scope, parse_scope};
use crate::discord::render::board::{board_components, board_embed, BoardView};
use crate::discord::reply::guild_of;
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
    #[description = "One exam, or all"]
    #[autocomplete = "autocomplete_scope"]
    exam: Option<String>,
    #[description = "week, month, all, or rating for sprint ratings (default: week)"]
    period: Option<PeriodChoice>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let scope = match exam {
        Some(text) => parse_scope(ctx, &text)?,
        None => Scope::All,
    };
    let period = match period.unwrap_or(PeriodChoice::Week) {
        PeriodChoice::Week => Period::Week,
        PeriodChoice::Month => Period::Month,
        PeriodChoice::All => Period::All,
        PeriodChoice::Rating => return rating_board(ctx, guild, &scope).await,
    };
    let user = ctx.author().id.get();
    let engine = &ctx.data().engine;
    let standing = engine.leaderboard(guild, &scope, period, user, 0).await?;
    let view = BoardView::new(&engine.bank, &scope, period, user, &standing);
    ctx.send(
        poise::CreateReply::default()
            .embed(board_embed(&view))
            .components(board_components(&view)),
    )
    .await?;
    Ok(())
}

/// The sprint rating board: best first by a conservative rating (rating minus twice its uncertainty).
async fn rating_board(ctx: Context<'_>, guild: u64, scope: &Scope) -> Result<(), Error> {
    let rows = ctx.data().engine.rating_board(guild, scope).await?;
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
            match scope {
                Scope::All => "all exams".to_string(),
                Scope::Exam(id) => id.as_str().to_uppercase(),
            }
        ))
        .description(description)
        .colour(poise::serenity_prelude::Colour(0xA855F7));
    ctx.send(poise::CreateReply::default().embed(embed)).await?;
    Ok(())
}
