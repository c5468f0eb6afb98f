//! Slash commands, one file per group; `all()` is the registered surface.

mod bank;
mod daily;
mod data;
mod forget;
mod help;
mod leaderboard;
mod mock;
mod quiz;
mod review;
mod sprint;
mod stats;

use std::sync::Arc;

use super::context::{Context, Data, Error};
use super::reply::require_admin;

type Command = poise::Command<Arc<Data>, Error>;

pub fn all() -> Vec<Command> {
    let commands = vec![
        daily::daily(),
        quiz::quiz(),
        review::review(),
        mock::mock(),
        sprint::sprint(),
        leaderboard::leaderboard(),
        stats::stats(),
        data::data(),
        bank::bank(),
        forget::forget_me(),
        help::help(),
    ];
    commands.into_iter().map(inherit_checks).collect()
}

/// poise runs only the invoked subcommand's own checks; a check on a parent (such as the admin
/// check on /daily) is meant for all of its subcommands, so they get it too.
fn inherit_checks(mut command: Command) -> Command {
    let checks = command.checks.clone();
    command.subcommands = command
        .subcommands
        .into_iter()
        .map(|mut sub| {
            sub.checks.extend(checks.iter().copied());
            inherit_checks(sub)
        })
        .collect();
    command
}

/// The server-side admin check (see `reply::is_admin`), as a command check.
async fn admin_only(ctx: Context<'_>) -> Result<bool, Error> {
    require_admin(ctx).map(|()| true)
}
