//! Slash commands, one file per group; `all()` is the registered surface.

mod bank;
mod daily;
mod forget;
mod help;
mod leaderboard;
mod mock;
mod quiz;
mod sprint;
mod stats;

use std::sync::Arc;

use poise::serenity_prelude as serenity;

use super::context::{user_error, Context, Data, Error};

pub fn all() -> Vec<poise::Command<Arc<Data>, Error>> {
    vec![
        daily::daily(),
        quiz::quiz(),
        mock::mock(),
        sprint::sprint(),
        leaderboard::leaderboard(),
        stats::stats(),
        bank::bank(),
        forget::forget_me(),
        help::help(),
    ]
}

/// The guild a command runs in (every command is guild-only; this turns the impossible into an error).
pub fn guild_of(ctx: Context<'_>) -> Result<u64, Error> {
    ctx.guild_id()
        .map(|id| id.get())
        .ok_or_else(|| user_error("This command works in a server, not in DMs."))
}

/// Admin commands check the member's permissions on the server side, from what Discord computed
/// for this interaction, not only Discord's default command permissions (which admins can change).
pub fn require_admin(ctx: Context<'_>) -> Result<(), Error> {
    let permissions = match ctx {
        poise::Context::Application(app) => {
            app.interaction.member.as_ref().and_then(|m| m.permissions)
        }
        poise::Context::Prefix(_) => None,
    };
    match permissions {
        Some(p) if p.administrator() || p.manage_guild() => Ok(()),
        _ => Err(user_error(
            "You need the Manage Server permission for this.",
        )),
    }
}

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

pub fn no_pings() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
}

/// Exam choices shared by the commands' option lists.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ExamChoice {
    #[name = "aif-c01"]
    Aif,
    #[name = "mla-c01"]
    Mla,
    #[name = "aip-c01"]
    Aip,
}

impl ExamChoice {
    pub fn id(self) -> &'static str {
        match self {
            ExamChoice::Aif => "aif-c01",
            ExamChoice::Mla => "mla-c01",
            ExamChoice::Aip => "aip-c01",
        }
    }
}
