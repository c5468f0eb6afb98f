//! The scheduler: posts each schedule's occurrences exactly once.
//!
//! An occurrence is claimed in the database (unique per schedule and occurrence time) before its
//! message is sent, and the message id is stored after. The claim carries a send lease: while it
//! runs nobody else touches the post, so two processes overlapping during a redeploy cannot both
//! send it. Once the lease has ended (its sender stopped), a claimed occurrence with no stored
//! message is taken over by compare-and-set and first looked for in the channel (the send may
//! have gone out just before the stop; Discord's nonce only guards a few minutes; when Discord
//! cannot say, it is looked for again at the next lease's end), then sent again if still inside
//! the grace period, or recorded as missed. Occurrences that fell while
//! the bot was down are posted late within the grace period, else recorded as missed; no more
//! than a day back is owed. A channel that is gone or forbidden pauses its schedule and the
//! admins are told once; a temporary failure is retried on the next pass.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;
use tracing::Instrument;

use super::{PublishError, Publisher, Rule};
use crate::ops::metrics::{self, PostOutcome, PostSource};
use crate::quiz::{Engine, QuizError, FIND_TIMEOUT, SEND_TIMEOUT};
use crate::store::{Post, Schedule, StoreError};

/// How late a missed occurrence may still be posted.
pub const DEFAULT_GRACE: Duration = Duration::minutes(30);
/// How far back occurrences are owed at all.
const OWED: Duration = Duration::days(1);
/// How soon to try again after a temporary failure.
const RETRY_AFTER: Duration = Duration::seconds(30);
/// Longest sleep even when nothing is due (guards against a missed wake-up).
const MAX_SLEEP: Duration = Duration::minutes(10);

/// What a look in the channel for a post's earlier send found.
enum EarlierSend {
    /// The message was there, and is now the post's.
    Found,
    /// No such message (or the channel cannot be read at all).
    NotThere,
    /// Discord did not answer in time, or failed.
    Unknown,
}

pub struct Scheduler<P> {
    pub engine: Engine,
    pub publisher: Arc<P>,
    pub grace: Duration,
}

/// What one pass did (for logs and tests).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pass {
    pub posted: Vec<Post>,
    pub missed: usize,
    pub paused: usize,
    /// When the next pass is due.
    pub next: Option<DateTime<Utc>>,
}

impl<P: Publisher> Scheduler<P> {
    pub fn new(engine: Engine, publisher: Arc<P>) -> Scheduler<P> {
        Scheduler {
            engine,
            publisher,
            grace: DEFAULT_GRACE,
        }
    }

    /// Runs passes until shutdown: sleeping until the next occurrence, waking early when a
    /// schedule changes (the engine raises the scheduler's signal).
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            let woken = self.engine.signals().scheduler.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let now = self.engine.now();
            let pass = self
                .pass()
                .instrument(tracing::info_span!("job", kind = "scheduler"));
            let next = match pass.await {
                Ok(pass) => pass.next.unwrap_or(now + MAX_SLEEP).min(now + MAX_SLEEP),
                Err(error) => {
                    tracing::warn!(
                        error = format!("{error:#}"),
                        "scheduler pass failed; retrying soon"
                    );
                    now + RETRY_AFTER
                }
            };
            tokio::select! {
                _ = self.engine.clock.sleep_until(next) => {}
                _ = &mut woken => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
    }

    /// Does everything due at the clock's now.
    pub async fn pass(&self) -> anyhow::Result<Pass> {
        let now = self.engine.now();
        let mut pass = Pass::default();
        let schedules = self.engine.all_schedules().await?;

        for post in self.engine.unsent_scheduled_posts().await? {
            // Another process (or this one, earlier) may have picked it up since the read.
            let Some(post) = self.engine.take_send(&post).await? else {
                continue;
            };
            let schedule = schedules
                .iter()
                .find(|s| Some(s.schedule_id) == post.schedule_id);
            let occurrence = post.occurrence_at.unwrap_or(post.opens_at);
            let in_grace = now - occurrence <= self.grace;
            match self.adopt_sent(&post, &mut pass).await? {
                EarlierSend::Found => continue,
                // Discord is slow or failing: an earlier send may have landed, so sending now
                // could post twice. The lease runs out and the next holder looks again.
                EarlierSend::Unknown if in_grace => continue,
                EarlierSend::Unknown | EarlierSend::NotThere => {}
            }
            match schedule {
                Some(schedule) if !schedule.paused && in_grace => {
                    self.send(schedule, post, &mut pass).await?;
                }
                _ => {
                    self.engine.mark_missed(post.guild_id, post.post_id).await?;
                    pass.missed += 1;
                    metrics::post(PostSource::Schedule, PostOutcome::Missed);
                }
            }
        }

        for schedule in schedules.iter().filter(|s| !s.paused) {
            let span = tracing::info_span!(
                "schedule",
                id = schedule.schedule_id,
                guild = schedule.settings.guild_id,
                channel = schedule.settings.channel_id
            );
            self.serve(schedule, now, &mut pass)
                .instrument(span)
                .await?;
        }
        // A post someone else is sending: wake when their lease ends, in case they stopped.
        if let Some(lease_end) = self.engine.next_send_lease_end().await? {
            if lease_end > now {
                pass.next = Some(pass.next.map_or(lease_end, |next| next.min(lease_end)));
            }
        }
        Ok(pass)
    }

    /// Posts a schedule's due occurrences (or records them missed) and notes its next one.
    async fn serve(
        &self,
        schedule: &Schedule,
        now: DateTime<Utc>,
        pass: &mut Pass,
    ) -> anyhow::Result<()> {
        let settings = &schedule.settings;
        let rule = match Rule::parse(&settings.time_of_day, &settings.timezone, &settings.days) {
            Ok(rule) => rule,
            Err(reason) => return self.pause(schedule, &reason, pass).await,
        };
        let last = self.engine.last_occurrence(schedule.schedule_id).await?;
        let mut since = [last, Some(schedule.updated_at), Some(now - OWED)]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(now);
        loop {
            let occurrence = rule.next_after(since);
            if occurrence > now {
                pass.next = Some(pass.next.map_or(occurrence, |next| next.min(occurrence)));
                return Ok(());
            }
            since = occurrence;
            if now - occurrence > self.grace {
                if self
                    .engine
                    .record_missed_occurrence(schedule, occurrence)
                    .await?
                {
                    tracing::info!(%occurrence, "occurrence missed (the bot was not running)");
                    pass.missed += 1;
                    metrics::post(PostSource::Schedule, PostOutcome::Missed);
                }
                continue;
            }
            if !self.post_occurrence(schedule, occurrence, pass).await? {
                return Ok(());
            }
        }
    }

    /// Records the message of a claimed post that did go out before a stop. A channel the bot
    /// may not read counts as holding none (the post is then sent or missed); a slow or failing
    /// Discord leaves it unknown.
    async fn adopt_sent(&self, post: &Post, pass: &mut Pass) -> anyhow::Result<EarlierSend> {
        let looked = tokio::time::timeout(FIND_TIMEOUT, self.publisher.find_sent(post)).await;
        let message = match looked {
            Ok(Ok(Some(message))) => message,
            Ok(Ok(None)) => return Ok(EarlierSend::NotThere),
            Ok(Err(PublishError::Refused(reason))) => {
                tracing::debug!(post = post.post_id, %reason, "cannot read the channel for an earlier send");
                return Ok(EarlierSend::NotThere);
            }
            Ok(Err(PublishError::Unavailable(reason))) => {
                tracing::warn!(post = post.post_id, %reason, "could not look for an earlier send; will look again");
                return Ok(EarlierSend::Unknown);
            }
            Err(_) => {
                tracing::warn!(
                    post = post.post_id,
                    "looking for an earlier send took too long; will look again"
                );
                return Ok(EarlierSend::Unknown);
            }
        };
        tracing::info!(
            post = post.post_id,
            message,
            "found the message sent before the stop"
        );
        self.engine
            .mark_posted(post.guild_id, post.post_id, message)
            .await?;
        pass.posted.push(Post {
            message_id: Some(message),
            state: crate::store::PostState::Open,
            ..post.clone()
        });
        Ok(EarlierSend::Found)
    }

    /// Claims and sends one occurrence; false when the schedule stopped (paused).
    async fn post_occurrence(
        &self,
        schedule: &Schedule,
        occurrence: DateTime<Utc>,
        pass: &mut Pass,
    ) -> anyhow::Result<bool> {
        let settings = &schedule.settings;
        let exam = self
            .engine
            .resolve_channel_exam(settings.guild_id, settings.channel_id, &settings.exam)
            .await?;
        let window = Duration::minutes(i64::from(settings.window_minutes));
        let claimed = self
            .engine
            .claim_channel_post(
                settings.guild_id,
                settings.channel_id,
                &exam,
                Some((schedule.schedule_id, occurrence)),
                window,
            )
            .await;
        let post = match claimed {
            Ok((post, _)) => post,
            // Another pass (or process) claimed this occurrence first.
            Err(QuizError::Store(StoreError::Conflict)) => return Ok(true),
            Err(error) => return Err(error.into()),
        };
        self.send(schedule, post, pass).await
    }

    /// Sends a claimed post; false when the channel refused and the schedule was paused.
    async fn send(&self, schedule: &Schedule, post: Post, pass: &mut Pass) -> anyhow::Result<bool> {
        let Some(question) = self.engine.bank.question(&post.question_id).cloned() else {
            self.engine.mark_missed(post.guild_id, post.post_id).await?;
            pass.missed += 1;
            metrics::post(PostSource::Schedule, PostOutcome::Missed);
            return Ok(true);
        };
        let sending = self
            .publisher
            .publish(&post, &question, schedule.settings.mention_role_id);
        let Ok(sent) = tokio::time::timeout(SEND_TIMEOUT, sending).await else {
            // It may still land: the post stays ours until the lease ends, then whoever takes
            // it looks in the channel before sending.
            tracing::warn!(
                post = post.post_id,
                "posting took too long; left to the next holder"
            );
            metrics::post(PostSource::Schedule, PostOutcome::Retried);
            return Ok(false);
        };
        match sent {
            Ok(message) => {
                self.engine
                    .mark_posted(post.guild_id, post.post_id, message)
                    .await?;
                metrics::post(PostSource::Schedule, PostOutcome::Posted);
                pass.posted.push(Post {
                    message_id: Some(message),
                    ..post
                });
                Ok(true)
            }
            Err(PublishError::Refused(reason)) => {
                self.engine.mark_missed(post.guild_id, post.post_id).await?;
                pass.missed += 1;
                metrics::post(PostSource::Schedule, PostOutcome::Missed);
                self.pause(schedule, &reason, pass).await?;
                Ok(false)
            }
            Err(PublishError::Unavailable(reason)) => {
                // Left claimed and let go: the next pass sends it again while inside the grace
                // period (here or in another process).
                self.engine.release_send(&post).await?;
                tracing::warn!(schedule = schedule.schedule_id, %reason, "posting failed for now; will retry");
                metrics::post(PostSource::Schedule, PostOutcome::Retried);
                let retry = self.engine.now() + RETRY_AFTER;
                pass.next = Some(pass.next.map_or(retry, |next| next.min(retry)));
                Ok(false)
            }
        }
    }

    async fn pause(
        &self,
        schedule: &Schedule,
        reason: &str,
        pass: &mut Pass,
    ) -> anyhow::Result<()> {
        let reason = format!("paused automatically: {reason}");
        if self
            .engine
            .pause_schedule_for_failure(schedule.schedule_id, &reason)
            .await?
        {
            pass.paused += 1;
            if let Err(error) = self.publisher.notify_paused(schedule, &reason).await {
                tracing::warn!(schedule = schedule.schedule_id, %error, "could not tell the admins about a paused schedule");
            }
        }
        Ok(())
    }
}
