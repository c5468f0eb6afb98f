//! Answering a posted question: the first answer counts, late answers are refused, and an answer
//! is acknowledged only after everything it changes is committed in one transaction.

use std::sync::Arc;

use chrono::Duration;

use super::calendar::{day_start, local_day};
use super::grading::{check_shape, is_correct};
use super::review::{after_answer, CardChange};
use super::scoring::{points, Streak};
use super::{Engine, QuizResult, Rejection};
use crate::bank::{Key, Kind, Question, Response};
use crate::store::{NewAnswer, Period, PostMode, PostState, Snowflake, WriteTx};

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
}

impl Engine {
    pub async fn answer(&self, request: AnswerRequest<'_>) -> QuizResult<AnswerOutcome> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let post = tx
            .post(request.guild, request.post_id)
            .await?
            .ok_or(Rejection::UnknownPost)?;
        if post.mode == PostMode::Personal && post.owner_id != Some(request.user) {
            return Err(Rejection::NotYours.into());
        }
        if matches!(post.state, PostState::Closed | PostState::Missed) || now >= post.closes_at {
            return Err(Rejection::Closed {
                closed_at: post.closes_at,
            }
            .into());
        }
        if let Some(previous) = tx.answer_of(post.post_id, request.user).await? {
            return Err(Rejection::AlreadyAnswered {
                choice: previous.choice,
                correct: previous.correct,
            }
            .into());
        }
        let question = self
            .bank
            .question(&post.question_id)
            .cloned()
            .ok_or(Rejection::UnknownPost)?;
        check_shape(&question, &request.response).map_err(Rejection::InvalidResponse)?;
        let mut response = request.response;
        if question.kind == Kind::Multiple {
            response.0.sort_unstable(); // a set: store it in one spelling so tallies group
        }

        let correct = is_correct(&question, &response);
        let latency = (now - post.opens_at).max(Duration::zero());
        let points = points(correct, latency, post.closes_at - post.opens_at);
        let on_board = post.mode == PostMode::Channel;

        tx.ensure_guild(request.guild, now).await?;
        tx.touch_member(request.guild, request.user, request.display_name, now)
            .await?;
        let zone = tx.guild_timezone(request.guild).await?;
        let streak = if post.is_scheduled() {
            Some(
                self.advance_streak(
                    &mut tx,
                    request.guild,
                    request.user,
                    correct,
                    local_day(post.opens_at, zone),
                    zone,
                )
                .await?,
            )
        } else {
            None
        };
        let choice = response.letters();
        tx.insert_answer(&NewAnswer {
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
        let card = tx
            .review_card(request.guild, request.user, &question.id)
            .await?;
        match after_answer(card, &question.id, &question.exam, correct, now) {
            CardChange::Save(card) => {
                tx.save_review_card(request.guild, request.user, &card, now)
                    .await?
            }
            CardChange::Retire => {
                tx.retire_review_card(request.guild, request.user, &question.id)
                    .await?
            }
            CardChange::Keep => {}
        }
        tx.commit().await?;

        Ok(AnswerOutcome {
            key: question.key.clone(),
            question,
            correct,
            points,
            streak,
        })
    }

    async fn advance_streak(
        &self,
        tx: &mut WriteTx,
        guild: Snowflake,
        user: Snowflake,
        correct: bool,
        day: i32,
        zone: chrono_tz::Tz,
    ) -> QuizResult<Streak> {
        let member = tx.member(guild, user).await?;
        let previous = member.map_or_else(Streak::default, |m| Streak {
            current: m.current_streak,
            best: m.best_streak,
            day: m.streak_day,
        });
        let skipped_a_day = match previous.day {
            Some(last) if day > last + 1 => {
                tx.scheduled_post_between(guild, day_start(last + 1, zone), day_start(day, zone))
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
