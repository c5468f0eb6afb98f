//! /review: dealing a member's due cards one by one, what is due later, every mode's misses
//! turned into cards, and the opt-in daily reminder's bookkeeping.

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;

use super::calendar::{day_start, local_day};
use super::posting::personal_post;
use super::review::{after_answer, CardStep};
use super::{Engine, PersonalQuestion, QuizResult, Rejection};
use crate::bank::{ExamId, Question};
use crate::store::{AnswerWrites, Post, Reminder, ReminderOutcome, Snowflake, StoreResult};

/// The reminder hour when a member names none (in the guild's zone).
pub const DEFAULT_REMINDER_HOUR: u8 = 18;

/// What is due, as of now, and later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewOutlook {
    pub due_now: u32,
    /// Falling due during tomorrow (the guild's calendar day).
    pub due_tomorrow: u32,
    /// Falling due from now through the next seven days.
    pub due_this_week: u32,
    /// The soonest card not yet due.
    pub next_due: Option<DateTime<Utc>>,
}

/// What /review deals.
#[derive(Debug, Clone)]
pub enum ReviewDeal {
    /// The soonest due card as a private question; `reviews_due` counts it too.
    Card(PersonalQuestion),
    /// Nothing is due now.
    NothingDue(ReviewOutlook),
}

/// A member whose reminder is owed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewReminder {
    pub guild: Snowflake,
    pub user: Snowflake,
    pub due: u32,
    /// The guild-local day it is for.
    pub day: i32,
}

/// Writes what an answer (in any mode) does to the member's card for `question`, in the
/// answer's transaction.
pub(super) async fn record_card<W: AnswerWrites>(
    tx: &mut W,
    guild: Snowflake,
    user: Snowflake,
    question: &Question,
    correct: bool,
    now: DateTime<Utc>,
) -> StoreResult<Option<CardStep>> {
    let card = tx.review_card(guild, user, &question.id).await?;
    let after = after_answer(card, &question.id, &question.exam, correct, now);
    if let Some(card) = &after.save {
        tx.save_review_card(guild, user, card, now).await?;
    }
    Ok(after.step)
}

impl Engine {
    /// Deals the member's soonest due card (of `exam`, if given) as a private question.
    pub async fn start_review(
        &self,
        guild: Snowflake,
        user: Snowflake,
        exam: Option<&ExamId>,
    ) -> QuizResult<ReviewDeal> {
        let now = self.now();
        let exam = exam.map(|id| id.as_str());
        // The soonest due card whose item is in the bank (one whose item left waits, unseen, in
        // case it returns); ties in question order.
        let mut due: Vec<(DateTime<Utc>, String)> = self
            .store
            .review_card_dues(guild, user, exam)
            .await?
            .into_iter()
            .filter(|(question, due_at)| *due_at <= now && self.bank.question(question).is_some())
            .map(|(question, due_at)| (due_at, question))
            .collect();
        due.sort();
        let Some(question) = due
            .first()
            .and_then(|(_, question)| self.bank.question(question))
            .cloned()
        else {
            return Ok(ReviewDeal::NothingDue(
                self.review_outlook(guild, user, exam).await?,
            ));
        };
        let mut tx = self.store.begin().await?;
        tx.ensure_guild(guild, now).await?;
        let post = tx
            .insert_post(&personal_post(guild, user, &question, None, now), now)
            .await?;
        tx.mark_review_post(post.post_id, exam).await?;
        tx.commit().await?;
        self.signals.closer.raise();
        Ok(ReviewDeal::Card(PersonalQuestion {
            post,
            question,
            reviews_due: due.len() as u32,
        }))
    }

    /// What is due now, tomorrow and this week for the member (of `exam`, if given).
    pub async fn review_outlook(
        &self,
        guild: Snowflake,
        user: Snowflake,
        exam: Option<&str>,
    ) -> QuizResult<ReviewOutlook> {
        let now = self.now();
        let zone = self.store.guild_timezone(guild).await?;
        let today = local_day(now, zone);
        let (tomorrow, after) = (day_start(today + 1, zone), day_start(today + 2, zone));
        let dues = self.card_dues(guild, user, exam).await?;
        let due_now = dues.due_by(now);
        let due_tomorrow = dues.between(tomorrow, after);
        let due_this_week = dues.between(now + Duration::milliseconds(1), now + Duration::days(7));
        let next_due = dues.live.iter().copied().filter(|at| *at > now).min();
        Ok(ReviewOutlook {
            due_now,
            due_tomorrow,
            due_this_week,
            next_due,
        })
    }

    /// `Some` if /review dealt the post (its result offers the next due card), with the exam
    /// the member narrowed /review to.
    pub async fn review_post(&self, post_id: i64) -> QuizResult<Option<Option<String>>> {
        Ok(self.store.review_post(post_id).await?)
    }

    /// A card dealt by /review whose window ran out before the member answered: pressing an
    /// answer now shows the key, so the card counts as forgotten (Again), once. True if graded.
    pub async fn review_timed_out(&self, post: &Post, user: Snowflake) -> QuizResult<bool> {
        if post.owner_id != Some(user) || self.store.review_post(post.post_id).await?.is_none() {
            return Ok(false);
        }
        let Some(question) = self.bank.question(&post.question_id) else {
            return Ok(false);
        };
        let mut tx = self.store.begin().await?;
        let card = tx.review_card(post.guild_id, user, &question.id).await?;
        // Graded since it was dealt (an earlier press of the same message): leave it.
        if card.is_some_and(|card| card.last_review_at >= post.opens_at) {
            return Ok(false);
        }
        record_card(&mut tx, post.guild_id, user, question, false, self.now()).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The due times of the member's cards (of `exam`, if given) that /review can deal: a card
    /// whose item left the bank waits unseen, so it is not counted either.
    pub(super) async fn card_dues(
        &self,
        guild: Snowflake,
        user: Snowflake,
        exam: Option<&str>,
    ) -> QuizResult<CardDues> {
        let dues = self.store.review_card_dues(guild, user, exam).await?;
        let stored = dues.len() as u32;
        let live = dues
            .into_iter()
            .filter(|(question, _)| self.bank.question(question).is_some())
            .map(|(_, due_at)| due_at)
            .collect();
        Ok(CardDues { live, stored })
    }

    /// How many of the member's cards are due now.
    pub async fn reviews_due(&self, guild: Snowflake, user: Snowflake) -> QuizResult<u32> {
        Ok(self.card_dues(guild, user, None).await?.due_by(self.now()))
    }

    /// Turns the member's daily reminder on at `hour` (0-23, the guild's zone) or off (`None`).
    pub async fn set_review_reminder(
        &self,
        guild: Snowflake,
        user: Snowflake,
        hour: Option<u8>,
    ) -> QuizResult<Reminder> {
        if hour.is_some_and(|h| h > 23) {
            return Err(Rejection::InvalidResponse("the hour is 0 to 23".into()).into());
        }
        let now = self.now();
        self.store.set_reminder(guild, user, hour, now).await?;
        self.signals.reminders.raise();
        Ok(self
            .store
            .reminder(guild, user)
            .await?
            .expect("the reminder was just saved"))
    }

    /// The guild's time zone (reminders run at local hours).
    pub async fn guild_zone(&self, guild: Snowflake) -> QuizResult<Tz> {
        Ok(self.store.guild_timezone(guild).await?)
    }

    /// Reminders whose hour has come today and whose day is undecided, each with its due count;
    /// a member with nothing due is decided for the day here ("nothing due", no DM). Also
    /// returns when the next reminder hour comes.
    pub async fn reminders_owed(&self) -> QuizResult<(Vec<ReviewReminder>, Option<DateTime<Utc>>)> {
        let now = self.now();
        let mut owed = Vec::new();
        let mut next: Option<DateTime<Utc>> = None;
        for reminder in self.store.enabled_reminders().await? {
            let zone = self.guild_zone(reminder.guild_id).await?;
            let today = local_day(now, zone);
            let decided = reminder.last_day.is_some_and(|day| day >= today);
            let local_hour = now.with_timezone(&zone).hour();
            if decided || local_hour < u32::from(reminder.hour) {
                let day = if decided { today + 1 } else { today };
                let at = local_hour_start(day, reminder.hour, zone);
                next = Some(next.map_or(at, |n| n.min(at)));
                continue;
            }
            let (guild, user) = (reminder.guild_id, reminder.user_id);
            let due = self.card_dues(guild, user, None).await?.due_by(now);
            if due == 0 {
                self.store
                    .decide_reminder(guild, user, today, ReminderOutcome::NothingDue, true, now)
                    .await?;
                let at = local_hour_start(today + 1, reminder.hour, zone);
                next = Some(next.map_or(at, |n| n.min(at)));
                continue;
            }
            owed.push(ReviewReminder {
                guild,
                user,
                due,
                day: today,
            });
        }
        Ok((owed, next))
    }

    /// Claims a reminder's day before its DM is sent; false if it was decided meanwhile.
    pub async fn claim_reminder(&self, reminder: &ReviewReminder) -> QuizResult<bool> {
        Ok(self
            .store
            .decide_reminder(
                reminder.guild,
                reminder.user,
                reminder.day,
                ReminderOutcome::Sending,
                true,
                self.now(),
            )
            .await?)
    }

    /// Records how a claimed reminder went: sent, refused (not tried again that day), or
    /// failed for a reason that may pass (`None`: the day is given back for a later try).
    pub async fn finish_reminder(
        &self,
        reminder: &ReviewReminder,
        outcome: Option<ReminderOutcome>,
    ) -> QuizResult<()> {
        let (guild, user, day) = (reminder.guild, reminder.user, reminder.day);
        match outcome {
            Some(outcome) => {
                self.store
                    .decide_reminder(guild, user, day, outcome, false, self.now())
                    .await?;
            }
            None => self.store.release_reminder(guild, user, day).await?,
        }
        Ok(())
    }
}

/// The instant local `day` reaches `hour` in `zone` (a skipped hour starts at its first
/// existing minute).
fn local_hour_start(day: i32, hour: u8, zone: Tz) -> DateTime<Utc> {
    let start = day_start(day, zone);
    let local = start.with_timezone(&zone).date_naive();
    let wanted = local.and_hms_opt(u32::from(hour), 0, 0).unwrap_or_default();
    use chrono::TimeZone;
    zone.from_local_datetime(&wanted)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or(start + Duration::hours(i64::from(hour)))
}

/// Due times of a member's dealable review cards.
pub(super) struct CardDues {
    live: Vec<DateTime<Utc>>,
    /// Every stored card, dealable or not.
    pub(super) stored: u32,
}

impl CardDues {
    /// Cards due at `now` or earlier.
    pub(super) fn due_by(&self, now: DateTime<Utc>) -> u32 {
        self.live.iter().filter(|at| **at <= now).count() as u32
    }

    /// Cards falling due in `[from, to)`.
    pub(super) fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        self.live
            .iter()
            .filter(|at| **at >= from && **at < to)
            .count() as u32
    }

    pub(super) fn total(&self) -> u32 {
        self.live.len() as u32
    }
}
