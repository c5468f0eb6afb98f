//! /forget-me: delete the member's data in this server, after a confirm button.

use poise::serenity_prelude as serenity;

use super::{Context, Error};
use crate::discord::ids::Action;
use crate::discord::reply::{guild_of, private};

/// Delete your answers, stats and streaks in this server.
#[poise::command(slash_command, guild_only, rename = "forget-me")]
pub async fn forget_me(ctx: Context<'_>) -> Result<(), Error> {
    guild_of(ctx)?;
    let user = ctx.author().id.get();
    let buttons = vec![
        serenity::CreateButton::new(
            Action::Forget {
                user,
                confirm: true,
            }
            .encode(),
        )
        .label("Delete my data")
        .style(serenity::ButtonStyle::Danger),
        serenity::CreateButton::new(
            Action::Forget {
                user,
                confirm: false,
            }
            .encode(),
        )
        .label("Cancel")
        .style(serenity::ButtonStyle::Secondary),
    ];
    ctx.send(
        private()
            .content("This deletes your answers, points, streaks, review queue and reports in this server. It cannot be undone.")
            .components(vec![serenity::CreateActionRow::Buttons(buttons)]),
    )
    .await?;
    Ok(())
}
