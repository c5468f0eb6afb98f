//! The resolve button on /bank reports: checked on the server side for Manage Server, scoped to
//! the guild it is pressed in; the list is then shown again without the resolved report.

use poise::serenity_prelude::{CreateInteractionResponse, CreateInteractionResponseMessage};

use super::context::{user_error, Error};
use super::question_flow::Press;
use super::render::bank::reports_message;
use super::reply::{no_pings, press_is_admin};
use super::text::timestamp;
use crate::quiz::ReportResolution;

pub async fn resolve(who: &Press<'_>, flag: i64) -> Result<(), Error> {
    if !press_is_admin(who.press) {
        return Err(user_error(
            "You need the Manage Server permission for this.",
        ));
    }
    let engine = &who.data.engine;
    match engine.resolve_report(who.guild, flag, who.user).await? {
        ReportResolution::Resolved => {}
        ReportResolution::AlreadyResolved { by, at } => {
            return Err(user_error(format!(
                "This report was already resolved by <@{by}> {}. Run /bank reports for the current list.",
                timestamp(at, 'R')
            )))
        }
        ReportResolution::NotFound => {
            return Err(user_error(
                "This button is not for a report of this server. Run /bank reports again.",
            ))
        }
    }
    let (embed, rows) = reports_message(&engine.open_reports(who.guild).await?);
    let message = CreateInteractionResponseMessage::new()
        .embed(embed)
        .components(rows)
        .allowed_mentions(no_pings());
    who.press
        .create_response(
            &who.ctx.http,
            CreateInteractionResponse::UpdateMessage(message),
        )
        .await?;
    Ok(())
}
