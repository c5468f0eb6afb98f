//! /review's words: the card being reviewed, when it comes back, the outlook when nothing is
//! due, the reminder setting and the reminder DM.

use chrono::{DateTime, Duration, Utc};
use serenity::all::{ButtonStyle, CreateActionRow, CreateButton};

use crate::discord::ids::Action;
use crate::discord::text::{escape, timestamp};
use crate::quiz::review::{CardStep, Grade};
use crate::quiz::{ReviewOutlook, ReviewReminder};
use crate::store::Reminder;

/// "10 minutes", "1 hour", "4 days": how long until `at`, rounded to the unit that reads best.
pub fn how_long(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let until = (at - now).max(Duration::zero());
    let minutes = (until.num_seconds() + 59) / 60;
    let (count, unit) = if minutes < 60 {
        (minutes.max(1), "minute")
    } else if minutes < 24 * 60 {
        ((minutes + 30) / 60, "hour")
    } else {
        ((minutes + 12 * 60) / (24 * 60), "day")
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural}")
}

fn reviews(count: u32) -> String {
    match count {
        1 => "1 review".into(),
        n => format!("{n} reviews"),
    }
}

/// The line above a review card.
pub fn card_content(due: u32) -> String {
    format!(
        "🔁 A question you missed before ({} due, only you see this).",
        reviews(due)
    )
}

/// What the answer did to the card, under the verdict.
pub fn next_due_line(step: Option<CardStep>, now: DateTime<Utc>) -> String {
    match step {
        Some(CardStep::Graded {
            grade: Grade::Good,
            due_at,
        }) => format!(
            "Remembered: this card comes back in {} ({}).",
            how_long(now, due_at),
            timestamp(due_at, 'f')
        ),
        Some(CardStep::Graded {
            grade: Grade::Again,
            due_at,
        })
        | Some(CardStep::Created { due_at }) => format!(
            "Missed: this card comes back again in {} ({}).",
            how_long(now, due_at),
            timestamp(due_at, 'f')
        ),
        Some(CardStep::NotDue { due_at }) => format!(
            "Not due yet, so unchanged: next review in {}.",
            how_long(now, due_at)
        ),
        None => "This card is no longer in your queue.".into(),
    }
}

/// Under a first miss anywhere else: the question now has a card.
pub fn new_card_line() -> &'static str {
    "🔁 Added to your review cards: `/review` brings it back when it is due."
}

/// /quiz's hint that reviews wait elsewhere.
pub fn due_hint(due: u32) -> Option<String> {
    (due > 0).then(|| format!("🔁 {} due: `/review`", reviews(due)))
}

/// When nothing (more) is due: what comes tomorrow and this week, and the next one.
pub fn outlook_content(outlook: &ReviewOutlook, now: DateTime<Utc>, finished: bool) -> String {
    let head = if finished {
        "✅ That's every review due for now."
    } else {
        "Nothing to review right now."
    };
    let next = match outlook.next_due {
        Some(at) => format!(
            "Next review in {} ({}).",
            how_long(now, at),
            timestamp(at, 'f')
        ),
        None => "Your queue is empty: questions you miss in any mode come back here.".into(),
    };
    format!(
        "{head} {next}\nDue tomorrow: **{}** · this week: **{}**.",
        outlook.due_tomorrow, outlook.due_this_week
    )
}

/// "Next review" under a review result (keeps the exam /review was narrowed to).
pub fn next_review_row(exam: Option<&str>) -> CreateActionRow {
    CreateActionRow::Buttons(vec![CreateButton::new(
        Action::NextReview {
            exam: exam.map(str::to_string),
        }
        .encode(),
    )
    .label("Next review")
    .style(ButtonStyle::Primary)])
}

/// The reply to `/review remind:...`.
pub fn reminder_setting(reminder: &Reminder, zone: &str) -> String {
    if reminder.enabled {
        format!(
            "⏰ Review reminder on: a DM at {:02}:00 ({zone}) on days when reviews are due, at most once a day. `/review remind:off` stops it.",
            reminder.hour
        )
    } else {
        "Review reminder off.".into()
    }
}

/// The reminder DM.
/// The reminder DM. A member may study in several servers, so it names the one whose cards are
/// due (`server`: its name, when the bot knows it).
pub fn reminder_message(reminder: &ReviewReminder, server: Option<&str>) -> String {
    let server = server.map_or_else(
        || "your study server".to_string(),
        |name| format!("**{}**", escape(name)),
    );
    format!(
        "📚 {} due today in {server}. Run `/review` there to go through them (`/review remind:off` there stops these reminders).",
        reviews(reminder.due)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reminder_names_its_server_without_letting_the_name_ping_or_format() {
        let reminder = ReviewReminder {
            guild: 1,
            user: 2,
            due: 3,
            day: 0,
        };
        let named = reminder_message(&reminder, Some("AWS *study* @everyone"));
        assert!(
            named.contains("3 reviews due today in **AWS \\*study\\* @\u{200B}everyone**"),
            "{named}"
        );
        let unnamed = reminder_message(&reminder, None);
        assert!(unnamed.contains("in your study server"), "{unnamed}");
    }

    #[test]
    fn durations_read_in_the_unit_that_fits() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(how_long(now, now + Duration::minutes(10)), "10 minutes");
        assert_eq!(how_long(now, now + Duration::seconds(30)), "1 minute");
        assert_eq!(how_long(now, now + Duration::minutes(90)), "2 hours");
        assert_eq!(how_long(now, now + Duration::days(1)), "1 day");
        assert_eq!(how_long(now, now + Duration::days(4)), "4 days");
    }
}
