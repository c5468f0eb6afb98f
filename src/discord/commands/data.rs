//! /data: the server's data for its admins (checked on the server side by the parent command's
//! check, which every subcommand inherits).

use super::{admin_only, Context, Error};
use crate::discord::reply::{guild_of, send_csv};
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
    let note = format!(
        "{} member(s): points, answers, accuracy and streaks (columns in the README).",
        rows.len()
    );
    send_csv(ctx, note, "certsprint-scores", server_csv(&rows)).await
}
