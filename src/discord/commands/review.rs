//! /review: the member's due review cards, one after another, privately; and the opt-in daily
//! reminder (`remind:on [hour]`, `remind:off`).

use super::{Context, Error};
use crate::discord::context::user_error;
use crate::discord::exams::{autocomplete_exam, parse_exam};
use crate::discord::question_flow::review_view;
use crate::discord::render::review::reminder_setting;
use crate::discord::reply::{guild_of, private};
use crate::quiz::DEFAULT_REMINDER_HOUR;

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum RemindChoice {
    #[name = "on"]
    On,
    #[name = "off"]
    Off,
}

/// Your due review cards (questions you missed, scheduled by FSRS), privately.
#[poise::command(slash_command, guild_only)]
pub async fn review(
    ctx: Context<'_>,
    #[description = "Only this exam's cards"]
    #[autocomplete = "autocomplete_exam"]
    exam: Option<String>,
    #[description = "A daily DM when reviews are due: on or off (instead of reviewing now)"]
    remind: Option<RemindChoice>,
    #[description = "With remind:on, the hour of the DM in the server's time zone (0-23, default 18)"]
    #[min = 0]
    #[max = 23]
    hour: Option<u8>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let data = ctx.data();
    let user = ctx.author().id.get();
    if let Some(choice) = remind {
        let hour = match choice {
            RemindChoice::On => Some(hour.unwrap_or(DEFAULT_REMINDER_HOUR)),
            RemindChoice::Off => None,
        };
        let reminder = data.engine.set_review_reminder(guild, user, hour).await?;
        let zone = data.engine.guild_zone(guild).await?;
        ctx.send(private().content(reminder_setting(&reminder, zone.name())))
            .await?;
        return Ok(());
    }
    if hour.is_some() {
        return Err(user_error(
            "The hour sets the reminder: use `/review remind:on hour:...`.",
        ));
    }
    let exam = exam.map(|text| parse_exam(ctx, &text)).transpose()?;
    let (content, embed, components) = review_view(data, guild, user, exam.as_ref(), false).await?;
    let mut reply = private().content(content).components(components);
    if let Some(embed) = embed {
        reply = reply.embed(embed);
    }
    ctx.send(reply).await?;
    Ok(())
}
