//! /daily: a channel's question on a schedule (admins only, checked on the server side by the
//! parent command's check, which every subcommand inherits).

use poise::serenity_prelude as serenity;

use super::{admin_only, Context, Error};
use crate::discord::context::user_error;
use crate::discord::exams::{autocomplete_scope, parse_scope};
use crate::discord::reply::{display_name, guild_of, private};
use crate::discord::text::{escape, timestamp};
use crate::quiz::ScheduleRequest;
use crate::schedule::{post_now, PostNowError, Rule};
use crate::store::Schedule;

/// Window lengths an admin may choose, in hours.
const WINDOW_HOURS: std::ops::RangeInclusive<u32> = 1..=72;
const DEFAULT_WINDOW_HOURS: u32 = 12;

/// Daily questions in a channel.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "admin_only",
    subcommands("setup", "now", "reveal", "list", "pause", "resume", "remove"),
    subcommand_required
)]
pub async fn daily(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

async fn autocomplete_timezone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    zone_suggestions(partial).into_iter().fold(
        serenity::CreateAutocompleteResponse::new(),
        |response, name| response.add_string_choice(name, name),
    )
}

/// Up to 25 IANA zone names containing what was typed ("new york" finds America/New_York).
fn zone_suggestions(partial: &str) -> Vec<&'static str> {
    let partial = partial.trim().to_ascii_lowercase().replace(' ', "_");
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|zone| zone.name())
        .filter(|name| name.to_ascii_lowercase().contains(&partial))
        .take(25)
        .collect()
}

/// Post a question in a channel on a schedule.
#[poise::command(slash_command, guild_only)]
#[allow(clippy::too_many_arguments)] // a slash command's parameters are its options
pub async fn setup(
    ctx: Context<'_>,
    #[description = "Where to post"]
    #[channel_types("Text")]
    channel: serenity::ChannelId,
    #[description = "Which exam, or all to rotate"]
    #[autocomplete = "autocomplete_scope"]
    exam: String,
    #[description = "Time of day, HH:MM (24-hour)"] time: String,
    #[description = "Time zone, e.g. Europe/Berlin"]
    #[autocomplete = "autocomplete_timezone"]
    timezone: String,
    #[description = "daily, weekdays, or days like mon,wed,fri (default: daily)"] days: Option<
        String,
    >,
    #[description = "Hours to answer (default 12)"]
    #[min = 1]
    #[max = 72]
    window: Option<u32>,
    #[description = "A role to ping when each question posts (opt-in; nothing else is pinged)"]
    role: Option<serenity::RoleId>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let scope = parse_scope(ctx, &exam)?;
    let rule =
        Rule::parse(&time, &timezone, days.as_deref().unwrap_or("daily")).map_err(user_error)?;
    let window_hours = window.unwrap_or(DEFAULT_WINDOW_HOURS);
    if !WINDOW_HOURS.contains(&window_hours) {
        return Err(user_error("The window is 1 to 72 hours."));
    }
    let saved = ctx
        .data()
        .engine
        .set_up_schedule(ScheduleRequest {
            guild,
            channel: channel.get(),
            exam: scope.as_str().to_string(),
            rule,
            window_minutes: window_hours * 60,
            mention_role: role.map(|r| r.get()),
            created_by: ctx.author().id.get(),
        })
        .await?;
    let settings = &saved.settings;
    ctx.send(private().content(format!(
        "Scheduled: a **{}** question in <#{}> at **{}** {} ({}), open for {window_hours} h.\nNext post: {} ({}).",
        scope,
        channel.get(),
        settings.time_of_day,
        escape(&settings.timezone),
        settings.days,
        timestamp(saved.next, 'F'),
        timestamp(saved.next, 'R'),
    )))
    .await?;
    Ok(())
}

fn channel_or_here(ctx: Context<'_>, channel: Option<serenity::ChannelId>) -> u64 {
    channel.unwrap_or_else(|| ctx.channel_id()).get()
}

/// Post the channel's next question now.
#[poise::command(slash_command, guild_only)]
pub async fn now(
    ctx: Context<'_>,
    #[description = "Where to post (default: here)"]
    #[channel_types("Text")]
    channel: Option<serenity::ChannelId>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let channel = channel_or_here(ctx, channel);
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let post = match post_now(&data.engine, data.publisher(), guild, channel).await {
        Ok(post) => post,
        Err(PostNowError::NotSent(error)) => {
            return Err(user_error(format!(
                "I could not post in <#{channel}>: {error}. Check that I can view the channel, send messages and embed links there."
            )))
        }
        Err(PostNowError::Quiz(error)) => return Err(error.into()),
    };
    ctx.send(private().content(format!(
        "Posted in <#{channel}>; it closes {}.",
        timestamp(post.closes_at, 'R')
    )))
    .await?;
    Ok(())
}

/// Close the channel's open question now and reveal its answer.
#[poise::command(slash_command, guild_only)]
pub async fn reveal(
    ctx: Context<'_>,
    #[description = "Which channel (default: here)"]
    #[channel_types("Text")]
    channel: Option<serenity::ChannelId>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let channel = channel_or_here(ctx, channel);
    let ended = ctx.data().engine.reveal_channel_now(guild, channel).await?;
    if ended == 0 {
        return Err(user_error(format!(
            "<#{channel}> has no open question to reveal."
        )));
    }
    let what = if ended == 1 {
        "its question".to_string()
    } else {
        format!("its {ended} open questions")
    };
    ctx.send(private().content(format!(
        "Closed {what} in <#{channel}>; the answer is being revealed there."
    )))
    .await?;
    Ok(())
}

fn describe(schedule: &Schedule, now: chrono::DateTime<chrono::Utc>) -> String {
    let s = &schedule.settings;
    let next = Rule::parse(&s.time_of_day, &s.timezone, &s.days).map(|rule| rule.next_after(now));
    let state = match (&schedule.paused, &schedule.paused_reason, next) {
        (true, Some(reason), _) => format!("⏸ paused: {}", escape(reason)),
        (true, None, _) => "⏸ paused".to_string(),
        (false, _, Ok(next)) => format!("next {} ({})", timestamp(next, 'F'), timestamp(next, 'R')),
        (false, _, Err(error)) => format!("⚠ {}", escape(&error)),
    };
    format!(
        "<#{}> · **{}** · {} {} ({}) · {} h window · {state}",
        s.channel_id,
        s.exam,
        s.time_of_day,
        escape(&s.timezone),
        s.days,
        s.window_minutes / 60
    )
}

/// Show this server's schedules.
#[poise::command(slash_command, guild_only)]
pub async fn list(ctx: Context<'_>) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let engine = &ctx.data().engine;
    let schedules = engine.schedules_of(guild).await?;
    let content = if schedules.is_empty() {
        "No daily questions yet. Set one up with `/daily setup`.".to_string()
    } else {
        let now = engine.now();
        schedules
            .iter()
            .map(|s| describe(s, now))
            .collect::<Vec<_>>()
            .join("\n")
    };
    ctx.send(private().content(crate::discord::text::truncate(&content, 2000)))
        .await?;
    Ok(())
}

async fn set_paused(
    ctx: Context<'_>,
    channel: Option<serenity::ChannelId>,
    paused: bool,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let channel = channel_or_here(ctx, channel);
    let reason = paused.then(|| format!("paused by {}", display_name(ctx)));
    if !ctx
        .data()
        .engine
        .set_schedule_paused(guild, channel, paused, reason.as_deref())
        .await?
    {
        return Err(user_error(format!("<#{channel}> has no daily question.")));
    }
    let word = if paused { "Paused" } else { "Resumed" };
    ctx.send(private().content(format!("{word} the daily question in <#{channel}>.")))
        .await?;
    Ok(())
}

/// Pause a channel's daily question.
#[poise::command(slash_command, guild_only)]
pub async fn pause(
    ctx: Context<'_>,
    #[description = "Which channel (default: here)"]
    #[channel_types("Text")]
    channel: Option<serenity::ChannelId>,
) -> Result<(), Error> {
    set_paused(ctx, channel, true).await
}

/// Resume a paused daily question.
#[poise::command(slash_command, guild_only)]
pub async fn resume(
    ctx: Context<'_>,
    #[description = "Which channel (default: here)"]
    #[channel_types("Text")]
    channel: Option<serenity::ChannelId>,
) -> Result<(), Error> {
    set_paused(ctx, channel, false).await
}

/// Stop a channel's daily question.
#[poise::command(slash_command, guild_only)]
pub async fn remove(
    ctx: Context<'_>,
    #[description = "Which channel (default: here)"]
    #[channel_types("Text")]
    channel: Option<serenity::ChannelId>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let channel = channel_or_here(ctx, channel);
    if !ctx.data().engine.remove_schedule(guild, channel).await? {
        return Err(user_error(format!("<#{channel}> has no daily question.")));
    }
    ctx.send(private().content(format!(
        "Removed the daily question in <#{channel}>. Past answers and scores stay."
    )))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_suggestions_match_loosely_and_stay_within_discords_limit() {
        assert!(zone_suggestions("new york").contains(&"America/New_York"));
        assert!(zone_suggestions("").len() <= 25);
        assert!(zone_suggestions("kolk").contains(&"Asia/Kolkata"));
    }
}
