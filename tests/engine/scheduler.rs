//! The scheduler and the closer on a manual clock: exactly-once posting, restarts, missed
//! occurrences, refused channels, temporary failures, and windows that close on time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use tokio::sync::watch;

use certsprint::bank::Question;
use certsprint::quiz::sprint::{Sprint, SprintResult};
use certsprint::quiz::{Rejection, Reveal, ReviewReminder, ScheduleRequest};
use certsprint::schedule::closer::{reveal_pause, REVEAL_ATTEMPTS};
use certsprint::schedule::{close_due, run_closer, PublishError, Publisher, Rule, Scheduler};
use certsprint::store::{Post, PostState, Schedule, Snowflake};

use crate::common::rejection;
use crate::helpers::*;

#[derive(Default)]
pub struct Recorder {
    pub published: Mutex<Vec<Post>>,
    pub revealed: Mutex<Vec<Reveal>>,
    pub paused: Mutex<Vec<(i64, String)>>,
    /// Channels that refuse every post (deleted, or no permission).
    pub refusing: Mutex<Vec<Snowflake>>,
    /// Channels whose next N posts fail temporarily.
    pub flaky: Mutex<HashMap<Snowflake, u32>>,
    /// The next N reveals fail temporarily.
    pub flaky_reveals: Mutex<u32>,
    /// Reveals fail as if the message was deleted.
    pub refuse_reveals: Mutex<bool>,
    /// Every reveal attempt, failed or not (post ids).
    pub reveal_attempts: Mutex<Vec<i64>>,
    /// Messages that went out before the bot stopped, by post id (what find_sent finds).
    pub already_in_channel: Mutex<HashMap<i64, Snowflake>>,
    /// Reading channels for an earlier send fails temporarily.
    pub history_unavailable: Mutex<bool>,
    /// Sprint channel messages shown, by sprint id, in order.
    pub sprints_shown: Mutex<Vec<i64>>,
    /// Sprint results posted (sprint ids).
    pub results: Mutex<Vec<i64>>,
    /// The next N result posts fail temporarily.
    pub flaky_results: Mutex<u32>,
    /// Every result post attempt (sprint ids), failed or not.
    pub result_attempts: Mutex<Vec<i64>>,
    /// Each result post takes this long on this clock (a hanging Discord), then fails.
    pub hanging_results: Mutex<Option<(Arc<certsprint::clock::ManualClock>, Duration)>>,
    /// Review reminders sent by DM.
    pub reminders: Mutex<Vec<ReviewReminder>>,
    /// Members whose DMs are closed (every reminder refused), and every attempt at them.
    pub closed_dms: Mutex<Vec<Snowflake>>,
    pub refused_reminders: Mutex<Vec<ReviewReminder>>,
    /// The next N reminders fail temporarily.
    pub flaky_reminders: Mutex<u32>,
    /// Raised as each post send starts; a send then waits for `gate` (a test holding the gate
    /// keeps the send in flight, as a slow Discord would), then succeeds or fails as set.
    pub send_started: tokio::sync::Notify,
    pub gate: tokio::sync::Mutex<()>,
}

impl Publisher for Recorder {
    async fn publish(
        &self,
        post: &Post,
        _question: &Question,
        _mention_role: Option<Snowflake>,
    ) -> Result<Snowflake, PublishError> {
        // A held gate keeps the send in flight, whatever its outcome will be.
        self.send_started.notify_one();
        drop(self.gate.lock().await);
        let channel = post.channel_id.unwrap();
        if self.refusing.lock().unwrap().contains(&channel) {
            return Err(PublishError::Refused("Unknown Channel".into()));
        }
        if let Some(left) = self
            .flaky
            .lock()
            .unwrap()
            .get_mut(&channel)
            .filter(|left| **left > 0)
        {
            *left -= 1;
            return Err(PublishError::Unavailable("500".into()));
        }
        self.published.lock().unwrap().push(post.clone());
        Ok(5_000 + post.post_id as u64)
    }

    async fn find_sent(&self, post: &Post) -> Result<Option<Snowflake>, PublishError> {
        if *self.history_unavailable.lock().unwrap() {
            return Err(PublishError::Unavailable("503".into()));
        }
        Ok(self
            .already_in_channel
            .lock()
            .unwrap()
            .get(&post.post_id)
            .copied())
    }

    async fn reveal(&self, reveal: Reveal) -> Result<(), PublishError> {
        self.reveal_attempts
            .lock()
            .unwrap()
            .push(reveal.post.post_id);
        if *self.refuse_reveals.lock().unwrap() {
            return Err(PublishError::Refused("Unknown Message".into()));
        }
        let mut flaky = self.flaky_reveals.lock().unwrap();
        if *flaky > 0 {
            *flaky -= 1;
            return Err(PublishError::Unavailable("503".into()));
        }
        drop(flaky);
        self.revealed.lock().unwrap().push(reveal);
        Ok(())
    }

    async fn show_sprint(&self, sprint: &Sprint) -> Result<(), PublishError> {
        self.sprints_shown
            .lock()
            .unwrap()
            .push(sprint.row.sprint_id);
        Ok(())
    }

    async fn announce_sprint(&self, result: &SprintResult) -> Result<(), PublishError> {
        self.result_attempts
            .lock()
            .unwrap()
            .push(result.sprint.row.sprint_id);
        if let Some((clock, took)) = self.hanging_results.lock().unwrap().as_ref() {
            clock.advance(*took);
            return Err(PublishError::Unavailable("timed out".into()));
        }
        let mut flaky = self.flaky_results.lock().unwrap();
        if *flaky > 0 {
            *flaky -= 1;
            return Err(PublishError::Unavailable("502".into()));
        }
        drop(flaky);
        self.results
            .lock()
            .unwrap()
            .push(result.sprint.row.sprint_id);
        Ok(())
    }

    async fn notify_paused(&self, schedule: &Schedule, reason: &str) -> anyhow::Result<()> {
        self.paused
            .lock()
            .unwrap()
            .push((schedule.schedule_id, reason.to_string()));
        Ok(())
    }

    async fn send_review_reminder(&self, reminder: &ReviewReminder) -> Result<(), PublishError> {
        if self.closed_dms.lock().unwrap().contains(&reminder.user) {
            self.refused_reminders
                .lock()
                .unwrap()
                .push(reminder.clone());
            return Err(PublishError::Refused(
                "Cannot send messages to this user (50007)".into(),
            ));
        }
        let mut flaky = self.flaky_reminders.lock().unwrap();
        if *flaky > 0 {
            *flaky -= 1;
            return Err(PublishError::Unavailable("502".into()));
        }
        drop(flaky);
        self.reminders.lock().unwrap().push(reminder.clone());
        Ok(())
    }
}

impl Recorder {
    fn published_count(&self) -> usize {
        self.published.lock().unwrap().len()
    }
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, h, m, 0).unwrap()
}

async fn schedule(
    t: &TestEngine,
    channel: Snowflake,
    time: &str,
    zone: &str,
    window_minutes: u32,
) -> i64 {
    t.engine
        .set_up_schedule(ScheduleRequest {
            guild: GUILD,
            channel,
            exam: EXAM.into(),
            rule: Rule::parse(time, zone, "daily").unwrap(),
            window_minutes,
            mention_role: None,
            created_by: 77,
        })
        .await
        .unwrap();
    t.engine
        .schedule_for_channel(GUILD, channel)
        .await
        .unwrap()
        .unwrap()
        .schedule_id
}

fn scheduler(t: &TestEngine, recorder: &Arc<Recorder>) -> Scheduler<Recorder> {
    Scheduler::new(t.engine.clone(), recorder.clone())
}

#[tokio::test]
async fn a_due_occurrence_posts_exactly_once() {
    let t = TestEngine::new().await;
    t.clock.set(at(8, 0));
    schedule(&t, CHANNEL, "09:00", "UTC", 720).await;
    let recorder = Arc::new(Recorder::default());
    let scheduler = scheduler(&t, &recorder);

    let early = scheduler.pass().await.unwrap();
    assert!(early.posted.is_empty());
    assert_eq!(early.next, Some(at(9, 0)), "sleeps until the occurrence");

    t.clock.set(at(9, 0));
    let due = scheduler.pass().await.unwrap();
    assert_eq!(due.posted.len(), 1);
    let post = &due.posted[0];
    assert_eq!(post.occurrence_at, Some(at(9, 0)));
    assert_eq!(
        t.store()
            .post(GUILD, post.post_id)
            .await
            .unwrap()
            .unwrap()
            .state,
        PostState::Open
    );
    assert_eq!(due.next, Some(at(9, 0) + Duration::days(1)));

    t.advance(Duration::minutes(1));
    assert!(
        scheduler.pass().await.unwrap().posted.is_empty(),
        "never twice"
    );
    assert_eq!(recorder.published_count(), 1);
}

#[tokio::test]
async fn several_channels_due_in_the_same_minute_are_all_served() {
    let t = TestEngine::new().await;
    t.clock.set(at(8, 0));
    for channel in [CHANNEL, CHANNEL + 1, CHANNEL + 2] {
        schedule(&t, channel, "09:00", "UTC", 60).await;
    }
    let recorder = Arc::new(Recorder::default());
    t.clock.set(at(9, 0));
    assert_eq!(
        scheduler(&t, &recorder).pass().await.unwrap().posted.len(),
        3
    );
}

#[tokio::test]
async fn a_restart_inside_the_grace_period_posts_late_and_after_it_records_a_miss() {
    let t = TestEngine::new().await;
    t.clock.set(at(8, 0));
    schedule(&t, CHANNEL, "09:00", "UTC", 720).await;
    schedule(&t, CHANNEL + 1, "07:00", "UTC", 720).await;
    let recorder = Arc::new(Recorder::default());
    // The bot was down from 08:00 to 09:20 (grace is 30 minutes): 09:00 is still owed.
    t.clock.set(at(9, 20));
    let pass = scheduler(&t, &recorder).pass().await.unwrap();
    assert_eq!(pass.posted.len(), 1);
    assert_eq!(pass.missed, 0);

    // Down again until the next day 10:00: that 09:00 is an hour late, past grace.
    t.clock.set(at(10, 0) + Duration::days(1));
    let pass = scheduler(&t, &recorder).pass().await.unwrap();
    assert!(pass.posted.is_empty());
    assert_eq!(pass.missed, 2, "the 09:00 and the 07:00 occurrences");
    assert_eq!(
        scheduler(&t, &recorder).pass().await.unwrap().missed,
        0,
        "a miss is recorded once"
    );
    assert_eq!(recorder.published_count(), 1);
}

/// A daily 09:00 schedule whose 09:00 occurrence was claimed (at 09:00) and never sent.
async fn claimed_at_nine(t: &TestEngine) -> Post {
    t.clock.set(at(8, 0));
    let schedule_id = schedule(t, CHANNEL, "09:00", "UTC", 720).await;
    t.clock.set(at(9, 0));
    let (claimed, _) = t
        .engine
        .claim_channel_post(
            GUILD,
            CHANNEL,
            &t.exam(),
            Some((schedule_id, at(9, 0))),
            Duration::hours(12),
        )
        .await
        .unwrap();
    claimed
}

#[tokio::test]
async fn a_claimed_but_unsent_occurrence_is_sent_after_a_restart_not_claimed_again() {
    let mut t = TestEngine::new().await;
    // The bot claimed the occurrence and died before sending.
    let claimed = claimed_at_nine(&t).await;
    t.restart().await;
    t.clock.set(at(9, 5));
    let recorder = Arc::new(Recorder::default());
    let pass = scheduler(&t, &recorder).pass().await.unwrap();
    assert_eq!(
        pass.posted.iter().map(|p| p.post_id).collect::<Vec<_>>(),
        [claimed.post_id]
    );
    assert_eq!(
        t.store()
            .post(GUILD, claimed.post_id)
            .await
            .unwrap()
            .unwrap()
            .message_id,
        Some(5_000 + claimed.post_id as u64)
    );
    assert!(scheduler(&t, &recorder)
        .pass()
        .await
        .unwrap()
        .posted
        .is_empty());
}

#[tokio::test]
async fn an_unsent_post_whose_channel_cannot_be_checked_waits_instead_of_risking_a_second_send() {
    let mut t = TestEngine::new().await;
    let claimed = claimed_at_nine(&t).await;
    t.restart().await;
    // Past the dead sender's lease, but Discord fails to list the channel's messages: the
    // send may have landed, so it is not sent again yet.
    t.clock.set(at(9, 2));
    let recorder = Arc::new(Recorder::default());
    *recorder.history_unavailable.lock().unwrap() = true;
    let pass = scheduler(&t, &recorder).pass().await.unwrap();
    assert!(pass.posted.is_empty());
    assert_eq!(recorder.published_count(), 0);
    assert_eq!(
        pass.next,
        Some(at(9, 4)),
        "it looks again when its own lease ends"
    );

    *recorder.history_unavailable.lock().unwrap() = false;
    t.clock.set(at(9, 4));
    let pass = scheduler(&t, &recorder).pass().await.unwrap();
    assert_eq!(
        pass.posted.iter().map(|p| p.post_id).collect::<Vec<_>>(),
        [claimed.post_id]
    );
    assert_eq!(recorder.published_count(), 1);
}

#[tokio::test]
async fn a_claimed_occurrence_found_too_late_is_recorded_missed() {
    let t = TestEngine::new().await;
    let claimed = claimed_at_nine(&t).await;
    t.clock.set(at(11, 0));
    let recorder = Arc::new(Recorder::default());
    let pass = scheduler(&t, &recorder).pass().await.unwrap();
    assert_eq!((pass.posted.len(), pass.missed), (0, 1));
    assert_eq!(
        t.store()
            .post(GUILD, claimed.post_id)
            .await
            .unwrap()
            .unwrap()
            .state,
        PostState::Missed
    );
}

#[tokio::test]
async fn a_deleted_channel_pauses_its_schedule_and_tells_the_admin_once() {
    let t = TestEngine::new().await;
    t.clock.set(at(8, 0));
    let schedule_id = schedule(&t, CHANNEL, "09:00", "UTC", 60).await;
    let recorder = Arc::new(Recorder::default());
    recorder.refusing.lock().unwrap().push(CHANNEL);
    t.clock.set(at(9, 0));
    let pass = scheduler(&t, &recorder).pass().await.unwrap();
    assert_eq!((pass.posted.len(), pass.paused), (0, 1));
    let stored = t
        .store()
        .schedule_for_channel(GUILD, CHANNEL)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.paused);
    assert!(stored.paused_reason.unwrap().contains("Unknown Channel"));
    t.clock.set(at(9, 0) + Duration::days(1));
    assert_eq!(scheduler(&t, &recorder).pass().await.unwrap().paused, 0);
    assert_eq!(recorder.paused.lock().unwrap().len(), 1, "told once");
    assert_eq!(recorder.paused.lock().unwrap()[0].0, schedule_id);
}

#[tokio::test]
async fn a_temporary_failure_is_retried_without_a_second_claim() {
    let t = TestEngine::new().await;
    t.clock.set(at(8, 0));
    schedule(&t, CHANNEL, "09:00", "UTC", 60).await;
    let recorder = Arc::new(Recorder::default());
    recorder.flaky.lock().unwrap().insert(CHANNEL, 1);
    t.clock.set(at(9, 0));
    let scheduler = scheduler(&t, &recorder);
    let failed = scheduler.pass().await.unwrap();
    assert!(failed.posted.is_empty());
    assert_eq!(
        failed.next,
        Some(at(9, 0) + Duration::seconds(30)),
        "retries soon"
    );
    t.clock.set(at(9, 1));
    let retried = scheduler.pass().await.unwrap();
    assert_eq!(retried.posted.len(), 1);
    assert_eq!(
        t.store()
            .last_occurrence(retried.posted[0].schedule_id.unwrap())
            .await
            .unwrap(),
        Some(at(9, 0))
    );
}

#[tokio::test]
async fn spring_forward_posts_at_the_end_of_the_gap_through_the_scheduler() {
    let t = TestEngine::new().await;
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 28, 12, 0, 0).unwrap());
    schedule(&t, CHANNEL, "02:30", "Europe/Berlin", 60).await;
    let recorder = Arc::new(Recorder::default());
    let pass = scheduler(&t, &recorder).pass().await.unwrap();
    assert_eq!(
        pass.next,
        Some(Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap()),
        "03:00 CEST"
    );
}

#[tokio::test]
async fn overlapping_windows_each_close_on_time_and_reveal() {
    let t = TestEngine::new().await;
    t.clock.set(at(8, 0));
    schedule(&t, CHANNEL, "09:00", "UTC", 36 * 60).await;
    let recorder = Arc::new(Recorder::default());
    let scheduler = scheduler(&t, &recorder);
    t.clock.set(at(9, 0));
    let first = scheduler.pass().await.unwrap().posted[0].clone();
    t.clock.set(at(9, 0) + Duration::days(1));
    let second = scheduler.pass().await.unwrap().posted[0].clone();
    assert_eq!(
        close_due(&t.engine, recorder.as_ref()).await.unwrap(),
        0,
        "both still open"
    );

    t.clock.set(first.closes_at);
    assert_eq!(close_due(&t.engine, recorder.as_ref()).await.unwrap(), 1);
    assert_eq!(
        recorder.revealed.lock().unwrap()[0].post.post_id,
        first.post_id
    );
    t.clock.set(second.closes_at);
    assert_eq!(close_due(&t.engine, recorder.as_ref()).await.unwrap(), 1);
    assert_eq!(recorder.revealed.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn windows_that_ended_while_the_bot_was_down_close_on_start() {
    let mut t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    t.answer(&post, 1, true).await.unwrap();
    t.restart().await;
    t.advance(Duration::days(2));
    let recorder = Recorder::default();
    assert_eq!(close_due(&t.engine, &recorder).await.unwrap(), 1);
    let reveal = &recorder.revealed.lock().unwrap()[0];
    assert_eq!((reveal.answered, reveal.correct), (1, 1));
}

#[tokio::test]
async fn the_loops_sleep_on_the_clock_and_wake_for_due_work() {
    let t = TestEngine::new().await;
    t.clock.set(at(8, 0));
    schedule(&t, CHANNEL, "09:00", "UTC", 60).await;
    let recorder = Arc::new(Recorder::default());
    let (stop, stopped) = watch::channel(false);
    let scheduler = Scheduler::new(t.engine.clone(), recorder.clone());
    let scheduler = tokio::spawn(scheduler.run(stopped.clone()));
    let closer = tokio::spawn(run_closer(t.engine.clone(), recorder.clone(), stopped));

    settle().await;
    assert_eq!(recorder.published_count(), 0);
    t.clock.set(at(9, 0));
    wait_until(|| recorder.published_count() == 1).await;
    t.clock.set(at(10, 0));
    wait_until(|| recorder.revealed.lock().unwrap().len() == 1).await;

    // The scheduler now sleeps until its longest pause (10:10: the next occurrence is
    // tomorrow). A schedule set up for 10:05 wakes it, so it posts at 10:05, not at 10:10.
    let wakes = t.engine.signals().scheduler.raised();
    schedule(&t, CHANNEL + 1, "10:05", "UTC", 60).await;
    assert!(t.engine.signals().scheduler.raised() > wakes);
    t.clock.set(at(10, 5));
    wait_until(|| recorder.published_count() == 2).await;
    // Its one-hour window closes at 11:05.
    t.clock.set(at(11, 5));
    wait_until(|| recorder.revealed.lock().unwrap().len() == 2).await;

    stop.send(true).unwrap();
    scheduler.await.unwrap();
    closer.await.unwrap();
}

async fn settle() {
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
}

/// Waits for the background loops to get there: checked often, with a deadline generous
/// enough for a busy machine.
async fn wait_until(condition: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !condition() {
        assert!(
            std::time::Instant::now() < deadline,
            "condition not met in 30 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn attempts(recorder: &Recorder) -> usize {
    recorder.reveal_attempts.lock().unwrap().len()
}

#[tokio::test]
async fn a_failed_reveal_is_retried_after_a_pause_until_it_lands() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    t.answer(&post, 1, true).await.unwrap();
    let recorder = Recorder::default();
    *recorder.flaky_reveals.lock().unwrap() = 3;
    t.clock.set(post.closes_at);
    assert_eq!(close_due(&t.engine, &recorder).await.unwrap(), 1);
    assert_eq!(
        (attempts(&recorder), recorder.revealed.lock().unwrap().len()),
        (1, 0)
    );
    for failed in 0..3 {
        // Not before the pause is over...
        close_due(&t.engine, &recorder).await.unwrap();
        assert_eq!(attempts(&recorder), failed as usize + 1);
        // ...then again.
        t.advance(reveal_pause(failed));
        close_due(&t.engine, &recorder).await.unwrap();
    }
    {
        let revealed = recorder.revealed.lock().unwrap();
        assert_eq!(revealed.len(), 1);
        assert_eq!((revealed[0].answered, revealed[0].correct), (1, 1));
    }
    t.advance(Duration::days(1));
    close_due(&t.engine, &recorder).await.unwrap();
    assert_eq!(attempts(&recorder), 4, "a landed reveal is not made again");
}

#[tokio::test]
async fn a_reveal_cut_off_by_a_restart_is_made_on_the_next_start() {
    let mut t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    t.clock.set(post.closes_at);
    // Closed, then the bot stopped before the reveal went out.
    assert!(t.engine.close_post(GUILD, post.post_id).await.unwrap());
    t.restart().await;
    let recorder = Recorder::default();
    assert_eq!(close_due(&t.engine, &recorder).await.unwrap(), 0);
    let revealed = recorder.revealed.lock().unwrap();
    assert_eq!(revealed.len(), 1);
    assert_eq!(revealed[0].post.post_id, post.post_id);
}

#[tokio::test]
async fn an_early_reveal_closes_the_channel_question_now_and_later_answers_are_refused() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, true).await;
    let elsewhere = t
        .post_in(GUILD, CHANNEL + 1, false, Duration::hours(12))
        .await;
    t.advance(Duration::minutes(20));
    t.answer(&post, 1, true).await.unwrap();
    t.answer(&post, 2, false).await.unwrap();

    assert_eq!(
        t.engine.reveal_channel_now(GUILD, CHANNEL).await.unwrap(),
        1
    );
    assert_eq!(
        t.engine
            .reveal_channel_now(OTHER_GUILD, CHANNEL)
            .await
            .unwrap(),
        0,
        "another server's admin cannot end it"
    );
    let recorder = Recorder::default();
    assert_eq!(close_due(&t.engine, &recorder).await.unwrap(), 1);
    let revealed = recorder.revealed.lock().unwrap().clone();
    assert_eq!(revealed.len(), 1);
    assert_eq!(revealed[0].post.post_id, post.post_id);
    assert_eq!((revealed[0].answered, revealed[0].correct), (2, 1));
    assert_eq!(
        revealed[0].post.closes_at,
        t.engine.now(),
        "closed now, not at 12 h"
    );

    let late = t.answer(&post, 3, true).await;
    assert!(
        matches!(rejection(late), Rejection::Closed { .. }),
        "the window has ended"
    );
    assert_eq!(
        t.engine.reveal_channel_now(GUILD, CHANNEL).await.unwrap(),
        0,
        "nothing left open"
    );
    let other = t
        .store()
        .post(GUILD, elsewhere.post_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        other.state,
        PostState::Open,
        "other channels keep their windows"
    );
}

#[tokio::test]
async fn a_deleted_message_is_not_revealed_again_and_flaky_ones_are_given_up_in_the_end() {
    let t = TestEngine::new().await;
    let deleted = t.post(GUILD, false).await;
    let recorder = Recorder::default();
    *recorder.refuse_reveals.lock().unwrap() = true;
    t.clock.set(deleted.closes_at);
    close_due(&t.engine, &recorder).await.unwrap();
    t.advance(Duration::days(1));
    close_due(&t.engine, &recorder).await.unwrap();
    assert_eq!(attempts(&recorder), 1, "a refused reveal is not retried");

    let flaky = t.post(GUILD, false).await;
    *recorder.refuse_reveals.lock().unwrap() = false;
    *recorder.flaky_reveals.lock().unwrap() = u32::MAX;
    t.clock.set(flaky.closes_at);
    for _ in 0..20 {
        close_due(&t.engine, &recorder).await.unwrap();
        t.advance(Duration::hours(1));
    }
    assert_eq!(attempts(&recorder), 1 + REVEAL_ATTEMPTS as usize);
    assert_eq!(t.store().next_reveal_at().await.unwrap(), None);
}

#[test]
fn reveal_pauses_grow_and_stop_growing() {
    let pauses: Vec<i64> = (0..9).map(|n| reveal_pause(n).num_seconds()).collect();
    assert_eq!(pauses, [30, 60, 120, 240, 480, 960, 1800, 1800, 1800]);
}

#[tokio::test]
async fn a_claimed_occurrence_that_did_go_out_is_adopted_not_sent_twice() {
    let mut t = TestEngine::new().await;
    let exam = t.exam();
    t.clock.set(at(8, 0));
    let schedule_id = schedule(&t, CHANNEL, "09:00", "UTC", 720).await;
    t.clock.set(at(9, 0));
    let claim = |engine: &certsprint::quiz::Engine, at: DateTime<Utc>| {
        let engine = engine.clone();
        let exam = exam.clone();
        async move {
            engine
                .claim_channel_post(
                    GUILD,
                    CHANNEL,
                    &exam,
                    Some((schedule_id, at)),
                    Duration::hours(12),
                )
                .await
        }
    };
    // Sent, then the bot died before storing the message id.
    let (claimed, _) = claim(&t.engine, at(9, 0)).await.unwrap();
    t.restart().await;
    // Twenty minutes on: past Discord's nonce memory, inside the grace period.
    t.clock.set(at(9, 20));
    let recorder = Arc::new(Recorder::default());
    recorder
        .already_in_channel
        .lock()
        .unwrap()
        .insert(claimed.post_id, 777);
    let pass = scheduler(&t, &recorder).pass().await.unwrap();
    assert_eq!(recorder.published_count(), 0, "not sent a second time");
    assert_eq!(pass.posted.len(), 1);
    let stored = t
        .store()
        .post(GUILD, claimed.post_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.message_id, stored.state),
        (Some(777), PostState::Open)
    );
    // Found only after the grace period: adopted too (so it closes and reveals), not missed.
    t.clock.set(at(9, 0) + Duration::days(1));
    let (late, _) = claim(&t.engine, at(9, 0) + Duration::days(1))
        .await
        .unwrap();
    t.clock.set(at(11, 0) + Duration::days(1));
    recorder
        .already_in_channel
        .lock()
        .unwrap()
        .insert(late.post_id, 778);
    let pass = scheduler(&t, &recorder).pass().await.unwrap();
    assert_eq!((pass.posted.len(), pass.missed), (1, 0));
    assert_eq!(recorder.published_count(), 0);
}

#[tokio::test]
async fn a_question_whose_message_lands_after_its_close_is_still_revealed() {
    // The closer closes claimed posts too; a send that returns after the window closed must
    // still get its reveal rather than leave live buttons on an unrevealed question.
    let t = TestEngine::new().await;
    let recorder = Recorder::default();
    let (claimed, _) = t
        .engine
        .claim_channel_post(GUILD, CHANNEL, &t.exam(), None, Duration::hours(1))
        .await
        .unwrap();
    t.advance(Duration::hours(2));
    assert_eq!(close_due(&t.engine, &recorder).await.unwrap(), 1);
    assert!(
        recorder.reveal_attempts.lock().unwrap().is_empty(),
        "no message to edit yet"
    );

    t.engine
        .mark_posted(GUILD, claimed.post_id, 4242)
        .await
        .unwrap();
    close_due(&t.engine, &recorder).await.unwrap();
    let revealed = recorder.revealed.lock().unwrap();
    assert_eq!(revealed.len(), 1);
    assert_eq!(revealed[0].post.message_id, Some(4242));
    assert_eq!(revealed[0].post.state, PostState::Closed);
}
