//! Small helpers every flow shares: who and where an interaction comes from, the server-side
//! admin check, and the allowed-mentions setting that pings nobody. A leaf: it imports no flow.

use poise::serenity_prelude as serenity;

use super::context::{user_error, Context, Error};

/// Allowed mentions that ping nobody: every message, edit and interaction response the bot
/// sends through raw serenity builders carries it (poise replies get the framework default,
/// which is the same).
pub fn no_pings() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
}

/// The guild a command runs in (every command is guild-only; this turns the impossible into an error).
pub fn guild_of(ctx: Context<'_>) -> Result<u64, Error> {
    ctx.guild_id()
        .map(|id| id.get())
        .ok_or_else(|| user_error("This command works in a server, not in DMs."))
}

/// Admin commands check the member's permissions on the server side, from what Discord computed
/// for this interaction, not only Discord's default command permissions (which admins can change).
pub fn is_admin(ctx: Context<'_>) -> bool {
    let permissions = match ctx {
        poise::Context::Application(app) => {
            app.interaction.member.as_ref().and_then(|m| m.permissions)
        }
        poise::Context::Prefix(_) => None,
    };
    permissions.is_some_and(|p| p.administrator() || p.manage_guild())
}

/// `is_admin` for a button or select press: the pressing member's permissions as Discord
/// computed them for this interaction.
pub fn press_is_admin(press: &serenity::ComponentInteraction) -> bool {
    press
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.administrator() || p.manage_guild())
}

/// `is_admin` as a refusal with words the member can act on.
pub fn require_admin(ctx: Context<'_>) -> Result<(), Error> {
    if is_admin(ctx) {
        Ok(())
    } else {
        Err(user_error(
            "You need the Manage Server permission for this.",
        ))
    }
}

/// The name the member shows in this server.
pub fn display_name(ctx: Context<'_>) -> String {
    match ctx {
        poise::Context::Application(app) => app
            .interaction
            .member
            .as_ref()
            .map(|m| m.display_name().to_string())
            .unwrap_or_else(|| ctx.author().display_name().to_string()),
        poise::Context::Prefix(_) => ctx.author().display_name().to_string(),
    }
}

/// The name of the member who pressed a button or select.
pub fn presser_name(press: &serenity::ComponentInteraction) -> String {
    press.member.as_ref().map_or_else(
        || press.user.display_name().to_string(),
        |m| m.display_name().to_string(),
    )
}

/// A private reply (poise applies the framework's no-ping allowed mentions).
pub fn private() -> poise::CreateReply {
    poise::CreateReply::default().ephemeral(true)
}

/// Sends a CSV file privately, named `<name>-YYYYMMDD.csv` for the engine's today.
pub async fn send_csv(
    ctx: Context<'_>,
    note: String,
    name: &str,
    csv: Vec<u8>,
) -> Result<(), Error> {
    let file = format!("{name}-{}.csv", ctx.data().engine.now().format("%Y%m%d"));
    ctx.send(
        private()
            .content(note)
            .attachment(serenity::CreateAttachment::bytes(csv, file)),
    )
    .await?;
    Ok(())
}
