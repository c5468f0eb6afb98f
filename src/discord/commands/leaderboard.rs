//! /leaderboard: top 10 with points, accuracy and streak, plus the caller's own rank.

use super::{guild_of, no_pings, Context, Error, ExamChoice};
use crate::discord::render::board::{board_components, board_embed, BoardView};
use crate::store::Period;

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum PeriodChoice {
    #[name = "week"]
    Week,
    #[name = "month"]
    Month,
    #[name = "all"]
    All,
}

/// The server's leaderboard: this week, this month or all time.
#[poise::command(slash_command, guild_only)]
pub async fn leaderboard(
    ctx: Context<'_>,
    #[description = "One exam, or all"] exam: Option<ExamChoice>,
    #[description = "week, month or all (default: week)"] period: Option<PeriodChoice>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let period = match period.unwrap_or(PeriodChoice::Week) {
        PeriodChoice::Week => Period::Week,
        PeriodChoice::Month => Period::Month,
        PeriodChoice::All => Period::All,
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
        page: 0,
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
