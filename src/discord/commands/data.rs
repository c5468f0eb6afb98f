//! /data: the server's data for its admins (checked on the server side by the parent command's
//! check, which every subcommand inherits).

use poise::serenity_prelude as serenity;

use super::{admin_only, Context, Error};
use crate::discord::reply::{guild_of, private};
use crate::export::server_csv;

/// The server's data.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "admin_only",
    subcommands("export"),
    subcommand_required
)]
pub async fn data(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Scores, streaks and accuracy of every member, as a CSV file (only you see it).
#[poise::command(slash_command, guild_only)]
pub async fn export(ctx: Context<'_>) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    // A large server's rows may take longer than Discord waits for a first answer.
    ctx.defer_ephemeral().await?;
    let engine = &ctx.data().engine;
    let rows = engine.server_export(guild).await?;
    let file = format!("certsprint-scores-{}.csv", engine.now().format("%Y%m%d"));
    let note = format!(
        "{} member(s): points, answers, accuracy and streaks (columns in the README).",
        rows.len()
    );
    ctx.send(
        private()
            .content(note)
            .attachment(serenity::CreateAttachment::bytes(server_csv(&rows), file)),
    )
    .await?;
    Ok(())
}
