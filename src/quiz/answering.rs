//! Answering a posted question: the first answer counts, late answers are refused, and an answer
//! is acknowledged only after everything it changes is committed.
//!
//! Answers go through one writer task that commits them in groups: it takes every answer that
//! is waiting (up to `MAX_BATCH`), records them in one transaction, commits, and only then
//! acknowledges each. An idle bot commits a lone answer at once; a burst of clicks shares its
//! commits, which is where SQLite spends its time. A batch whose transaction fails acknowledges
//! none of its answers.
//!
//! On SQLite the batch's writes run through SQLite's C API on the transaction's own connection
//! (`direct_writes`): the same statements, prepared once per batch, with no round trip to sqlx's
//! worker thread per statement, which is what bounded a batch before. PostgreSQL runs them
//! through sqlx, each a round trip to the server, so there the batch's review cards are read in
//! one query up front and its score totals and card changes written in one statement each at
//! the end (`BatchedWrites`). Either way the batch commits through sqlx before any answer is
//! acknowledged.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::Duration;
use chrono_tz::Tz;
use tokio::sync::{mpsc, oneshot};

use super::calendar::{day_start, local_day};
use super::grading::{check_shape, is_correct};
use super::review::CardStep;
use super::review_queue::record_card;
use super::scoring::{points, Streak};
use super::{Engine, QuizError, QuizResult, Rejection};
use crate::bank::{Bank, Key, Kind, Question, Response};
use crate::clock::Clock;
use crate::ops::metrics;
use crate::store::{
    AnswerWrites, BatchedWrites, CardKey, Member, NewAnswer, Period, Post, PostMode, PostState,
    Snowflake, Store, StoreError, StoreResult, WriteTx,
};

/// The most answers committed together.
pub const MAX_BATCH: usize = 256;

#[derive(Debug, Clone)]
pub struct AnswerRequest<'a> {
    pub guild: Snowflake,
    pub post_id: i64,
    pub user: Snowflake,
    pub display_name: &'a str,
    pub response: Response,
}

#[derive(Debug, Clone)]
pub struct AnswerOutcome {
    pub question: Arc<Question>,
    pub correct: bool,
    pub key: Key,
    pub points: u32,
    /// The member's streak after this answer (scheduled questions only).
    pub streak: Option<Streak>,
    /// What the answer did to the member's review card for this question.
    pub review: Option<CardStep>,
}

/// An answer waiting for the writer.
struct Pending {
    guild: Snowflake,
    post_id: i64,
    user: Snowflake,
    display_name: String,
    response: Response,
    reply: oneshot::Sender<QuizResult<AnswerOutcome>>,
}

/// The engine's handle on its answer writer, started on the first answer.
#[derive(Default)]
pub struct AnswerQueue(OnceLock<mpsc::UnboundedSender<Pending>>);

impl Engine {
    pub async fn answer(&self, request: AnswerRequest<'_>) -> QuizResult<AnswerOutcome> {
        let queue = self.answers.0.get_or_init(|| {
            let writer = Writer {
                store: self.store.clone(),
                bank: self.bank.clone(),
                clock: self.clock.clone(),
            };
            writer.spawn()
        });
        let (reply, outcome) = oneshot::channel();
        let pending = Pending {
            guild: request.guild,
            post_id: request.post_id,
            user: request.user,
            display_name: request.display_name.to_string(),
            response: request.response,
            reply,
        };
        queue.send(pending).map_err(|_| stopped())?;
        outcome.await.unwrap_or_else(|_| Err(stopped()))
    }
}

fn stopped() -> QuizError {
    QuizError::Store(StoreError::Closed)
}

/// Whether `user` may answer `post` at `now`, and its question: the rules that both the
/// answer itself and anything opened on the way to it (a picker) apply. Whether the member
/// already answered is the one rule checked only where the answer is written.
pub fn answerable(
    bank: &Bank,
    post: &Post,
    user: Snowflake,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Arc<Question>, Rejection> {
    if post.mode == PostMode::Personal && post.owner_id != Some(user) {
        return Err(Rejection::NotYours);
    }
    if matches!(post.state, PostState::Closed | PostState::Missed) || now >= post.closes_at {
        return Err(Rejection::Closed {
            closed_at: post.closes_at,
        });
    }
    bank.question(&post.question_id)
        .cloned()
        .ok_or(Rejection::UnknownPost)
}

impl Engine {
    /// A post `user` may still answer, with its question: for controls that lead to an answer
    /// (the step-by-step picker), so a stale one is refused before any step.
    pub async fn open_for_answer(
        &self,
        guild: Snowflake,
        post_id: i64,
        user: Snowflake,
    ) -> QuizResult<(Post, Arc<Question>)> {
        let post = self
            .store
            .post(guild, post_id)
            .await?
            .ok_or(Rejection::UnknownPost)?;
        let question = answerable(&self.bank, &post, user, self.now())?;
        if let Some(previous) = self.store.answer_of(post.post_id, user).await? {
            return Err(Rejection::AlreadyAnswered {
                choice: previous.choice,
                correct: previous.correct,
            }
            .into());
        }
        Ok((post, question))
    }

    /// A post of this guild, for showing it (a closed question's answer, a practice question's
    /// domain filter).
    pub async fn post(&self, guild: Snowflake, post_id: i64) -> QuizResult<Option<Post>> {
        Ok(self.store.post(guild, post_id).await?)
    }

    /// Deletes everything the member left in this guild; returns how many answers went.
    pub async fn forget_member(&self, guild: Snowflake, user: Snowflake) -> QuizResult<u64> {
        Ok(self.store.forget_member(guild, user).await?)
    }
}

/// Owns what recording needs (not the engine, so dropping every engine ends the writer).
struct Writer {
    store: Store,
    bank: Arc<Bank>,
    clock: Arc<dyn Clock>,
}

impl Writer {
    fn spawn(self) -> mpsc::UnboundedSender<Pending> {
        let (queue, mut waiting) = mpsc::unbounded_channel::<Pending>();
        tokio::spawn(async move {
            while let Some(first) = waiting.recv().await {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match waiting.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                self.commit_batch(batch).await;
            }
        });
        queue
    }

    async fn commit_batch(&self, batch: Vec<Pending>) {
        let started = std::time::Instant::now();
        let mut tx = match self.store.begin().await {
            Ok(tx) => tx,
            Err(error) => return fail_all(batch, &error),
        };
        let cache = match BatchCache::read(&mut tx, &batch).await {
            Ok(cache) => cache,
            Err(error) => return fail_all(batch, &error),
        };
        let recorded = if tx.is_sqlite() {
            match tx.direct_writes().await {
                // Dropped at the end of this arm, handing the connection back before the commit.
                Ok(mut direct) => self.record_all(&mut direct, &cache, &batch).await,
                Err(error) => Err(error),
            }
        } else {
            match BatchedWrites::begin(&mut tx, &cache.card_keys(&self.bank, &batch)).await {
                Ok(mut batched) => match self.record_all(&mut batched, &cache, &batch).await {
                    Ok(outcomes) => batched.finish().await.map(|()| outcomes),
                    Err(error) => Err(error),
                },
                Err(error) => Err(error),
            }
        };
        let outcomes = match recorded {
            Ok(outcomes) => outcomes,
            Err(error) => {
                drop(tx);
                return fail_all(batch, &error);
            }
        };
        if let Err(error) = tx.commit().await {
            return fail_all(batch, &error);
        }
        metrics::db_write(started.elapsed());
        metrics::answers_recorded(outcomes.iter().filter(|outcome| outcome.is_ok()).count());
        for (pending, outcome) in batch.into_iter().zip(outcomes) {
            let _ = pending.reply.send(outcome);
        }
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Every answer of the batch in turn; a store error stops the batch, since the transaction
    /// may then hold half an answer and none of it may be acknowledged.
    async fn record_all<W: AnswerWrites>(
        &self,
        writes: &mut W,
        cache: &BatchCache,
        batch: &[Pending],
    ) -> Result<Vec<QuizResult<AnswerOutcome>>, StoreError> {
        let mut outcomes = Vec::with_capacity(batch.len());
        for pending in batch {
            let outcome = self.record(writes, cache, pending).await;
            if let Err(QuizError::Store(error)) = &outcome {
                return Err(StoreError::Aborted(format!("batch rolled back: {error}")));
            }
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Decides and writes one answer inside the batch's transaction. Every check comes before
    /// the first write, so a refused answer leaves nothing behind.
    async fn record<W: AnswerWrites>(
        &self,
        tx: &mut W,
        cache: &BatchCache,
        request: &Pending,
    ) -> QuizResult<AnswerOutcome> {
        let now = self.now();
        let post = cache
            .post(request.guild, request.post_id)
            .ok_or(Rejection::UnknownPost)?;
        let question = answerable(&self.bank, &post, request.user, now)?;
        check_shape(&question, &request.response).map_err(Rejection::InvalidResponse)?;
        let mut response = request.response.clone();
        if question.kind == Kind::Multiple {
            response.0.sort_unstable(); // a set: store it in one spelling so tallies group
        }

        let correct = is_correct(&question, &response);
        let latency = (now - post.opens_at).max(Duration::zero());
        let points = points(correct, latency, post.closes_at - post.opens_at);
        let on_board = post.mode == PostMode::Channel;

        let choice = response.letters();
        // The first write, and the one that can refuse: only the first answer per member and post
        // is inserted, so a refused answer leaves nothing behind.
        let inserted = tx
            .insert_answer(&NewAnswer {
                post_id: post.post_id,
                guild_id: request.guild,
                user_id: request.user,
                exam: &question.exam,
                question_id: &question.id,
                domain: question.domain,
                task: &question.task,
                choice: &choice,
                correct,
                points,
                latency_ms: latency.num_milliseconds(),
                on_board,
                answered_at: now,
            })
            .await?;
        if !inserted {
            let previous = tx.answer_of(post.post_id, request.user).await?;
            return Err(previous
                .map_or(Rejection::UnknownPost, |previous| {
                    Rejection::AlreadyAnswered {
                        choice: previous.choice,
                        correct: previous.correct,
                    }
                })
                .into());
        }
        // The post's guild row exists (a foreign key), so no need to ensure it here.
        let member = tx
            .touch_member(request.guild, request.user, &request.display_name, now)
            .await?;
        let zone = cache.zone(request.guild);
        let streak = if post.is_scheduled() {
            Some(
                self.advance_streak(tx, &member, correct, local_day(post.opens_at, zone), zone)
                    .await?,
            )
        } else {
            None
        };
        if on_board {
            let keys: Vec<String> = Period::ALL
                .iter()
                .map(|period| period.key(now, zone))
                .collect();
            tx.add_to_totals(
                request.guild,
                &question.exam,
                &keys,
                request.user,
                points,
                correct,
            )
            .await?;
        }
        let review = record_card(tx, request.guild, request.user, &question, correct, now).await?;

        Ok(AnswerOutcome {
            key: question.key.clone(),
            question,
            correct,
            points,
            streak,
            review,
        })
    }

    async fn advance_streak<W: AnswerWrites>(
        &self,
        tx: &mut W,
        member: &Member,
        correct: bool,
        day: i32,
        zone: Tz,
    ) -> QuizResult<Streak> {
        let (guild, user) = (member.guild_id, member.user_id);
        let previous = Streak {
            current: member.current_streak,
            best: member.best_streak,
            day: member.streak_day,
        };
        let skipped_a_day = match previous.day {
            Some(last) if day > last + 1 => {
                let (from, to) = (day_start(last + 1, zone), day_start(day, zone));
                tx.skipped_scheduled_post_between(guild, user, from, to, self.now())
                    .await?
            }
            _ => false,
        };
        let next = previous.after(correct, day, skipped_a_day);
        tx.set_streak(
            guild,
            user,
            next.current,
            next.best,
            next.day.unwrap_or(day),
        )
        .await?;
        Ok(next)
    }
}

/// What a batch reads once, before its writes: a burst of answers mostly shares a post and a
/// guild. Nothing in a batch changes posts or guild settings, so the copies stay true until it
/// commits.
#[derive(Default)]
struct BatchCache {
    posts: HashMap<(Snowflake, i64), Option<Post>>,
    zones: HashMap<Snowflake, Tz>,
}

impl BatchCache {
    async fn read(tx: &mut WriteTx, batch: &[Pending]) -> StoreResult<BatchCache> {
        let mut cache = BatchCache::default();
        // In post order: on PostgreSQL each read share-locks its post, and one order keeps two
        // writers from each holding a post the other waits for.
        let mut batch: Vec<&Pending> = batch.iter().collect();
        batch.sort_by_key(|pending| pending.post_id);
        for pending in batch {
            let key = (pending.guild, pending.post_id);
            if let Entry::Vacant(entry) = cache.posts.entry(key) {
                entry.insert(tx.post_for_answers(pending.guild, pending.post_id).await?);
            }
            if let Entry::Vacant(entry) = cache.zones.entry(pending.guild) {
                entry.insert(tx.guild_timezone(pending.guild).await?);
            }
        }
        Ok(cache)
    }

    fn post(&self, guild: Snowflake, post_id: i64) -> Option<Post> {
        self.posts.get(&(guild, post_id)).cloned().flatten()
    }

    /// The review cards the batch's answers may touch: (guild, member, question).
    fn card_keys(&self, bank: &Bank, batch: &[Pending]) -> Vec<CardKey> {
        batch
            .iter()
            .filter_map(|pending| {
                let post = self.post(pending.guild, pending.post_id)?;
                let question = bank.question(&post.question_id)?;
                Some((pending.guild, pending.user, question.id.clone()))
            })
            .collect()
    }

    /// Read for every guild of the batch, so the fallback is never taken.
    fn zone(&self, guild: Snowflake) -> Tz {
        self.zones.get(&guild).copied().unwrap_or(Tz::UTC)
    }
}

fn fail_all(batch: Vec<Pending>, error: &StoreError) {
    tracing::warn!(%error, answers = batch.len(), "an answer batch failed; none of it was acknowledged");
    for pending in batch {
        let _ = pending
            .reply
            .send(Err(QuizError::Store(StoreError::Aborted(format!(
                "answer not recorded: {error}"
            )))));
    }
}
