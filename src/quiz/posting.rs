//! Putting questions in front of people: a channel post (claimed before it is sent, so a retry
//! or restart never posts twice), a personal practice question, and the reveal at close.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::background::SEND_LEASE;
use super::picking::{next_for_channel, next_for_member};
use super::{Engine, QuizResult, Rejection};
use crate::bank::{ExamId, Question, Scope};
use crate::store::{NewPost, OptionTally, Post, PostMode, PostState, Snowflake};

/// How long a personal practice question stays answerable.
pub const PERSONAL_WINDOW: Duration = Duration::minutes(30);
/// How far back a member's answers are avoided when dealing personal questions.
const RECENT_DAYS: i64 = 30;

#[derive(Debug, Clone)]
pub struct PersonalQuestion {
    pub post: Post,
    pub question: Arc<Question>,
    /// The member's review cards due now (for /quiz a hint to run /review; for /review the
    /// count including this card).
    pub reviews_due: u32,
}

/// Everything shown when a channel question closes.
#[derive(Debug, Clone)]
pub struct Reveal {
    pub post: Post,
    pub question: Option<Arc<Question>>,
    pub tally: Vec<OptionTally>,
    pub answered: u32,
    pub correct: u32,
    /// (user, display name, latency in ms), fastest first.
    pub fastest: Vec<(Snowflake, String, i64)>,
}

impl Engine {
    /// Picks the channel's next item and claims a post for it. The caller sends the Discord
    /// message and then records its id with `mark_posted`.
    pub async fn claim_channel_post(
        &self,
        guild: Snowflake,
        channel: Snowflake,
        exam_id: &ExamId,
        schedule: Option<(i64, DateTime<Utc>)>,
        window: Duration,
    ) -> QuizResult<(Post, Arc<Question>)> {
        let exam = self.exam(exam_id.as_str())?;
        let (cycle, used) = self.store.channel_cycle(guild, channel, &exam.id).await?;
        let (question, new_cycle) = self
            .random
            .with(|rng| next_for_channel(exam, &used, rng))
            .ok_or_else(|| Rejection::NoQuestions(exam.code.clone()))?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.ensure_guild(guild, now).await?;
        let post = tx
            .insert_post(
                &NewPost {
                    guild_id: guild,
                    channel_id: Some(channel),
                    mode: PostMode::Channel,
                    owner_id: None,
                    schedule_id: schedule.map(|(id, _)| id),
                    occurrence_at: schedule.map(|(_, at)| at),
                    exam: exam.id.clone(),
                    question_id: question.id.clone(),
                    domain: question.domain,
                    cycle: if new_cycle { cycle + 1 } else { cycle },
                    opens_at: now,
                    closes_at: now + window,
                    state: PostState::Claimed,
                    practice_domain: None,
                    send_lease_until: Some(now + SEND_LEASE),
                },
                now,
            )
            .await?;
        tx.commit().await?;
        self.signals.closer.raise();
        Ok((post, question))
    }

    pub async fn mark_posted(
        &self,
        guild: Snowflake,
        post_id: i64,
        message_id: Snowflake,
    ) -> QuizResult<()> {
        self.store
            .mark_posted(guild, post_id, message_id, self.now())
            .await?;
        self.signals.closer.raise();
        Ok(())
    }

    /// Ends the window of the channel's open question now, so it closes and its answer is
    /// revealed at once (an admin wrapping up a study session); how many questions it ended.
    pub async fn reveal_channel_now(
        &self,
        guild: Snowflake,
        channel: Snowflake,
    ) -> QuizResult<usize> {
        let ended = self
            .store
            .end_windows_now(guild, channel, self.now())
            .await?;
        if !ended.is_empty() {
            self.signals.closer.raise();
        }
        Ok(ended.len())
    }

    /// Deals a member a personal practice question: a fresh item weighted by the blueprint and
    /// unseen lately (due review cards are /review's; the count of them comes along as a hint).
    pub async fn start_personal(
        &self,
        guild: Snowflake,
        user: Snowflake,
        exam_id: &ExamId,
        domain: Option<u8>,
    ) -> QuizResult<PersonalQuestion> {
        let exam = self.exam(exam_id.as_str())?;
        if let Some(number) = domain {
            if exam.domain(number).is_none() {
                return Err(Rejection::UnknownDomain {
                    exam: exam.code.clone(),
                    domain: number,
                }
                .into());
            }
        }
        let now = self.now();
        let reviews_due = self.card_dues(guild, user, None).await?.due_by(now);
        let recent = self
            .store
            .recently_answered(guild, user, now - Duration::days(RECENT_DAYS))
            .await?;
        let question = self
            .random
            .with(|rng| next_for_member(exam, domain, &recent, rng))
            .ok_or_else(|| Rejection::NoQuestions(exam.code.clone()))?;
        let mut tx = self.store.begin().await?;
        tx.ensure_guild(guild, now).await?;
        let post = tx
            .insert_post(&personal_post(guild, user, &question, domain, now), now)
            .await?;
        tx.commit().await?;
        self.signals.closer.raise();
        Ok(PersonalQuestion {
            post,
            question,
            reviews_due,
        })
    }

    /// Closes a post to answers; false if it was already closed. A channel question's reveal is
    /// then owed, and the closer delivers it (again after a failure or a restart).
    pub async fn close_post(&self, guild: Snowflake, post_id: i64) -> QuizResult<bool> {
        Ok(self.store.close_post(guild, post_id, self.now()).await?)
    }

    /// What a closed question's reveal shows: the key, the tally, the fastest right answers.
    pub async fn reveal(&self, post: Post) -> QuizResult<Reveal> {
        let tally = self.store.choice_tally(post.guild_id, post.post_id).await?;
        let question = self.bank.question(&post.question_id).cloned();
        let key = question.as_ref().map(|q| q.key.letters());
        let answered = tally.iter().map(|t| t.count).sum();
        let correct = tally
            .iter()
            .filter(|t| Some(&t.choice) == key.as_ref())
            .map(|t| t.count)
            .sum();
        let fastest = self
            .store
            .fastest_correct(post.guild_id, post.post_id, 3)
            .await?;
        Ok(Reveal {
            post,
            question,
            tally,
            answered,
            correct,
            fastest,
        })
    }
}

impl Engine {
    /// The exam a channel's next question comes from: the schedule's exam, or for "all" the
    /// exam after the one the channel saw last, rotating through the exams members can study
    /// (retiring exams are left out of the rotation).
    pub async fn resolve_channel_exam(
        &self,
        guild: Snowflake,
        channel: Snowflake,
        scope: &str,
    ) -> QuizResult<ExamId> {
        match self.bank.scope(scope) {
            Some(Scope::Exam(id)) => return Ok(id),
            Some(Scope::All) => {}
            None => return Err(Rejection::UnknownExam(scope.to_string()).into()),
        }
        let rotation: Vec<&str> = self
            .bank
            .rotation()
            .into_iter()
            .map(|exam| exam.id.as_str())
            .collect();
        let last = self.store.last_channel_exam(guild, channel).await?;
        let next = match last.and_then(|last| rotation.iter().position(|id| *id == last)) {
            Some(at) => rotation[(at + 1) % rotation.len()],
            None => *rotation
                .first()
                .ok_or_else(|| Rejection::NoQuestions("any exam".into()))?,
        };
        self.bank
            .exam_id(next)
            .ok_or_else(|| Rejection::UnknownExam(next.to_string()).into())
    }

    /// The exam a member practises when they name none: the one they answered most, else the
    /// first exam members can study.
    pub async fn favourite_exam(&self, guild: Snowflake, user: Snowflake) -> QuizResult<ExamId> {
        let tallies = self.store.tally_by_exam(guild, user).await?;
        let mut loaded: Vec<_> = tallies
            .into_iter()
            .filter_map(|t| Some((self.bank.exam_id(&t.exam)?, t.tally.answered)))
            .collect();
        loaded.sort_by_key(|(_, answered)| std::cmp::Reverse(*answered));
        if let Some((id, _)) = loaded.into_iter().next() {
            return Ok(id);
        }
        self.bank
            .rotation()
            .first()
            .and_then(|exam| self.bank.exam_id(&exam.id))
            .ok_or_else(|| Rejection::NoQuestions("any exam".into()).into())
    }
}

/// A question dealt privately to one member (/quiz or /review): open for [`PERSONAL_WINDOW`];
/// `practice_domain` is the domain /quiz was narrowed to, for its "Next question".
pub(super) fn personal_post(
    guild: Snowflake,
    user: Snowflake,
    question: &Question,
    practice_domain: Option<u8>,
    now: DateTime<Utc>,
) -> NewPost {
    NewPost {
        guild_id: guild,
        channel_id: None,
        mode: PostMode::Personal,
        owner_id: Some(user),
        schedule_id: None,
        occurrence_at: None,
        exam: question.exam.clone(),
        question_id: question.id.clone(),
        domain: question.domain,
        cycle: 0,
        opens_at: now,
        closes_at: now + PERSONAL_WINDOW,
        state: PostState::Open,
        practice_domain,
        send_lease_until: None,
    }
}
