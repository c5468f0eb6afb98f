//! Solo timed mock exams with an AWS-style score report.
//!
//! Items are drawn to the blueprint weights, every kind the exam has included. The member moves
//! back and forth, flags items, and submits (or time runs out). Credit is all-or-nothing per
//! item and unanswered items are wrong, as on the real exam. The scaled score is an
//! approximation: AWS does not publish its raw-to-scaled mapping, so the report says so.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rand::seq::SliceRandom;
use rand::Rng;

use super::grading::{check_shape, is_correct};
use super::review_queue::record_card;
use super::{Engine, QuizResult, Rejection};
use crate::bank::{Exam, ExamId, Kind, Question, Response};
use crate::store::{MockRow, NewMock, Snowflake, WriteTx};

/// The raw share of the items assumed to sit at the passing scaled score. AWS does not publish
/// its mapping (it varies by exam form); 70% is a common rule of thumb, stated in every report.
pub const ASSUMED_CUT: f64 = 0.70;
/// A quick mock's length.
pub const QUICK_QUESTIONS: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MockLength {
    Full,
    Half,
    Quick,
}

impl MockLength {
    pub fn as_str(self) -> &'static str {
        match self {
            MockLength::Full => "full",
            MockLength::Half => "half",
            MockLength::Quick => "quick",
        }
    }

    pub fn parse(text: &str) -> Option<MockLength> {
        [MockLength::Full, MockLength::Half, MockLength::Quick]
            .into_iter()
            .find(|l| l.as_str() == text)
    }

    /// Questions and minutes: the exam's own for full, scaled down together for half and quick.
    pub fn size(self, exam: &Exam) -> (u32, u32) {
        let questions = match self {
            MockLength::Full => exam.questions,
            MockLength::Half => exam.questions.div_ceil(2),
            MockLength::Quick => QUICK_QUESTIONS.min(exam.questions),
        };
        let minutes = (u64::from(exam.minutes) * u64::from(questions))
            .div_ceil(u64::from(exam.questions.max(1))) as u32;
        (questions, minutes.max(1))
    }
}

/// An attempt with its items.
#[derive(Debug, Clone)]
pub struct MockExam {
    pub row: MockRow,
    pub items: Vec<Arc<Question>>,
}

impl MockExam {
    pub fn answered(&self) -> usize {
        self.row.responses.iter().filter(|r| !r.is_empty()).count()
    }
}

/// The answer to /mock resume.
#[derive(Debug)]
pub enum Resumed {
    Running(Box<MockExam>),
    TimedOut(Box<MockReport>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DomainResult {
    pub number: u8,
    pub name: String,
    pub correct: u32,
    pub total: u32,
    /// "Meets competencies" when the domain's share right reaches the assumed cut.
    pub meets: bool,
}

#[derive(Debug, Clone)]
pub struct ItemReview {
    pub question: Arc<Question>,
    pub response: Option<String>,
    pub correct: bool,
}

#[derive(Debug, Clone)]
pub struct MockReport {
    pub attempt_id: i64,
    pub exam_code: String,
    pub length: String,
    pub correct: u32,
    pub total: u32,
    pub scaled: u32,
    pub passing_score: u32,
    pub passed: bool,
    pub domains: Vec<DomainResult>,
    pub items: Vec<ItemReview>,
    pub started_at: DateTime<Utc>,
    pub submitted_at: DateTime<Utc>,
    pub timed_out: bool,
}

/// Draws `count` items to the blueprint weights (largest remainder), fills any domain shortage
/// from the others, and shuffles the order as the real exam mixes domains.
pub fn draw(exam: &Exam, count: usize, rng: &mut impl Rng) -> Vec<Arc<Question>> {
    draw_fresh(exam, count, &HashMap::new(), rng)
}

/// `draw`, preferring what the member has not met: within each domain, items never seen come
/// first, then the least recently seen (`seen` maps an item id to when it was last drawn).
pub fn draw_fresh(
    exam: &Exam,
    count: usize,
    seen: &HashMap<String, DateTime<Utc>>,
    rng: &mut impl Rng,
) -> Vec<Arc<Question>> {
    let total_weight: u32 = exam.domains.iter().map(|d| d.weight).sum::<u32>().max(1);
    let mut quotas: Vec<(u8, usize, f64)> = exam
        .domains
        .iter()
        .map(|d| {
            let exact = count as f64 * f64::from(d.weight) / f64::from(total_weight);
            (d.number, exact.floor() as usize, exact.fract())
        })
        .collect();
    let mut left = count - quotas.iter().map(|q| q.1).sum::<usize>();
    let mut by_remainder: Vec<usize> = (0..quotas.len()).collect();
    by_remainder.sort_by(|&a, &b| {
        quotas[b]
            .2
            .partial_cmp(&quotas[a].2)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    for index in by_remainder {
        if left == 0 {
            break;
        }
        quotas[index].1 += 1;
        left -= 1;
    }

    let mut pools: HashMap<u8, Vec<Arc<Question>>> = HashMap::new();
    for item in &exam.items {
        pools.entry(item.domain).or_default().push(Arc::clone(item));
    }
    for pool in pools.values_mut() {
        pool.shuffle(rng);
        // Stable: items seen at the same time (or never) keep their shuffled order.
        pool.sort_by_key(|item| seen.get(&item.id).copied());
    }
    let mut drawn = Vec::with_capacity(count);
    for (number, quota, _) in &quotas {
        let pool = pools.entry(*number).or_default();
        let take = (*quota).min(pool.len());
        drawn.extend(pool.drain(..take));
    }
    let mut leftovers: Vec<Arc<Question>> = pools.into_values().flatten().collect();
    leftovers.shuffle(rng);
    leftovers.sort_by_key(|item| seen.get(&item.id).copied());
    drawn.extend(
        leftovers
            .into_iter()
            .take(count.saturating_sub(drawn.len())),
    );
    drawn.shuffle(rng);
    drawn
}

/// An approximate scaled score (100-1000): linear from 100 at nothing right to the passing
/// score at the assumed cut, then linear to 1000 at everything right.
pub fn scaled_score(correct: u32, total: u32, passing_score: u32) -> u32 {
    let share = if total == 0 {
        0.0
    } else {
        f64::from(correct) / f64::from(total)
    };
    let pass = f64::from(passing_score);
    let scaled = if share <= ASSUMED_CUT {
        100.0 + (pass - 100.0) * share / ASSUMED_CUT
    } else {
        pass + (1000.0 - pass) * (share - ASSUMED_CUT) / (1.0 - ASSUMED_CUT)
    };
    scaled.round().clamp(100.0, 1000.0) as u32
}

/// The attempt, if it is `user`'s and not yet submitted.
fn owned_unfinished(row: Option<MockRow>, user: Snowflake) -> QuizResult<MockRow> {
    let row = row.ok_or(Rejection::NoSuchMock)?;
    if row.user_id != user {
        return Err(Rejection::NotYours.into());
    }
    if row.submitted_at.is_some() {
        return Err(Rejection::MockFinished {
            attempt_id: row.attempt_id,
        }
        .into());
    }
    Ok(row)
}

/// A stored response ("" when the item is unanswered).
fn response_of(text: &str) -> Option<Response> {
    text.parse().ok()
}

/// How long after a mock exam timed out `/mock resume` still brings up its report.
const RESUMABLE_REPORT: chrono::Duration = chrono::Duration::hours(1);

impl Engine {
    /// Starts a mock exam; a member has one unfinished attempt at a time.
    pub async fn start_mock(
        &self,
        guild: Snowflake,
        user: Snowflake,
        exam_id: &ExamId,
        length: MockLength,
    ) -> QuizResult<MockExam> {
        let exam = self.exam(exam_id.as_str())?;
        // Check and insert in one writer transaction, so two quick starts cannot both find
        // nothing running.
        let mut tx = self.store.begin().await?;
        if let Some(open) = tx.open_mock(guild, user).await? {
            if self.now() < open.ends_at {
                return Err(Rejection::MockInProgress {
                    attempt_id: open.attempt_id,
                }
                .into());
            }
            self.finish_in(&mut tx, open, true).await?;
        }
        let (questions, minutes) = length.size(exam);
        let seen = self.store.mock_items_seen(guild, user, &exam.id).await?;
        let items = self
            .random
            .with(|rng| draw_fresh(exam, questions as usize, &seen, rng));
        if items.is_empty() {
            return Err(Rejection::NoQuestions(exam.code.clone()).into());
        }
        let ids: Vec<String> = items.iter().map(|q| q.id.clone()).collect();
        let now = self.now();
        let row = tx
            .insert_mock(&NewMock {
                guild,
                user,
                exam: &exam.id,
                length: length.as_str(),
                items: &ids,
                started_at: now,
                ends_at: now + Duration::minutes(i64::from(minutes)),
            })
            .await?;
        tx.commit().await?;
        self.signals.timer.raise();
        Ok(MockExam { row, items })
    }

    /// The member's attempt, checked to be theirs and still running (an expired one is submitted).
    pub async fn running_mock(
        &self,
        guild: Snowflake,
        user: Snowflake,
        attempt_id: i64,
    ) -> QuizResult<MockExam> {
        let row = owned_unfinished(self.store.mock(guild, attempt_id).await?, user)?;
        if self.now() >= row.ends_at {
            self.finish(row, true).await?;
            return Err(Rejection::MockFinished { attempt_id }.into());
        }
        self.with_items(row)
    }

    /// As `running_mock`, but read in a writer transaction that the caller writes and commits,
    /// so a change made from this read cannot undo a press that landed in between.
    async fn running_mock_tx(
        &self,
        guild: Snowflake,
        user: Snowflake,
        attempt_id: i64,
    ) -> QuizResult<(WriteTx, MockExam)> {
        let mut tx = self.store.begin().await?;
        let row = owned_unfinished(tx.mock(guild, attempt_id).await?, user)?;
        if self.now() >= row.ends_at {
            self.finish_in(&mut tx, row, true).await?;
            tx.commit().await?;
            return Err(Rejection::MockFinished { attempt_id }.into());
        }
        Ok((tx, self.with_items(row)?))
    }

    fn with_items(&self, row: MockRow) -> QuizResult<MockExam> {
        let items = row
            .question_ids
            .iter()
            .filter_map(|id| self.bank.question(id).cloned())
            .collect::<Vec<_>>();
        if items.len() != row.question_ids.len() {
            return Err(Rejection::UnknownPost.into());
        }
        Ok(MockExam { row, items })
    }

    /// Applies `change` to the running attempt and saves it, all in one writer transaction.
    async fn change_mock(
        &self,
        guild: Snowflake,
        user: Snowflake,
        attempt_id: i64,
        change: impl FnOnce(&mut MockExam) -> QuizResult<()>,
    ) -> QuizResult<MockExam> {
        let (mut tx, mut mock) = self.running_mock_tx(guild, user, attempt_id).await?;
        change(&mut mock)?;
        tx.save_mock_progress(&mock.row).await?;
        tx.commit().await?;
        Ok(mock)
    }

    /// Records an answer for item `index` (changing it is allowed until submission) and moves on.
    pub async fn mock_answer(
        &self,
        guild: Snowflake,
        user: Snowflake,
        attempt_id: i64,
        index: usize,
        response: Response,
    ) -> QuizResult<MockExam> {
        self.change_mock(guild, user, attempt_id, |mock| {
            let question = mock.items.get(index).ok_or(Rejection::NoSuchMock)?;
            check_shape(question, &response).map_err(Rejection::InvalidResponse)?;
            let mut response = response;
            if question.kind == Kind::Multiple {
                response.0.sort_unstable();
            }
            mock.row.responses[index] = response.letters();
            mock.row.position = (index + 1).min(mock.items.len() - 1);
            Ok(())
        })
        .await
    }

    pub async fn mock_move(
        &self,
        guild: Snowflake,
        user: Snowflake,
        attempt_id: i64,
        position: usize,
    ) -> QuizResult<MockExam> {
        self.change_mock(guild, user, attempt_id, |mock| {
            mock.row.position = position.min(mock.items.len() - 1);
            Ok(())
        })
        .await
    }

    pub async fn mock_toggle_flag(
        &self,
        guild: Snowflake,
        user: Snowflake,
        attempt_id: i64,
        index: usize,
    ) -> QuizResult<MockExam> {
        self.change_mock(guild, user, attempt_id, |mock| {
            if let Some(flag) = mock.row.flagged.get_mut(index) {
                *flag = !*flag;
            }
            Ok(())
        })
        .await
    }

    pub async fn mock_submit(
        &self,
        guild: Snowflake,
        user: Snowflake,
        attempt_id: i64,
    ) -> QuizResult<MockReport> {
        // Graded in the same transaction as the read, so an answer pressed just before counts.
        let (mut tx, mock) = self.running_mock_tx(guild, user, attempt_id).await?;
        let report = self.finish_in(&mut tx, mock.row, false).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The report of the member's attempt once it is over. It shows every key and explanation,
    /// so never to another member and never while the attempt runs.
    pub async fn mock_report(
        &self,
        guild: Snowflake,
        user: Snowflake,
        attempt_id: i64,
    ) -> QuizResult<MockReport> {
        let row = self
            .store
            .mock(guild, attempt_id)
            .await?
            .ok_or(Rejection::NoSuchMock)?;
        if row.user_id != user {
            return Err(Rejection::NotYours.into());
        }
        match row.submitted_at {
            Some(at) => self.report(&row, at, at >= row.ends_at),
            // Time ran out before the sweeper got to it: it is over, so submit it now.
            None if self.now() >= row.ends_at => self.finish(row, true).await,
            None => Err(Rejection::MockNotOver.into()),
        }
    }

    /// What /mock resume shows: the running attempt, or else the report of the member's latest
    /// attempt if the clock ended it (nothing showed that report when time ran out).
    pub async fn resume_mock(&self, guild: Snowflake, user: Snowflake) -> QuizResult<Resumed> {
        self.finish_if_expired(guild, user).await?;
        if let Some(open) = self.store.open_mock(guild, user).await? {
            let mock = self.running_mock(guild, user, open.attempt_id).await?;
            return Ok(Resumed::Running(Box::new(mock)));
        }
        let latest = self.store.finished_mocks(guild, user, 1).await?;
        // A timed-out attempt's report is what "resume" means only while it is fresh.
        let recent = self.now() - RESUMABLE_REPORT;
        match latest.first() {
            Some(row)
                if row.submitted_at.is_some_and(|at| at >= row.ends_at)
                    && row.ends_at >= recent =>
            {
                let report = self.mock_report(guild, user, row.attempt_id).await?;
                Ok(Resumed::TimedOut(Box::new(report)))
            }
            _ => Err(Rejection::NoSuchMock.into()),
        }
    }

    /// Submits every attempt whose time ran out (on start and periodically).
    pub async fn finish_expired_mocks(&self) -> QuizResult<usize> {
        let expired = self.store.expired_mocks(self.now()).await?;
        let count = expired.len();
        for row in expired {
            self.finish(row, true).await?;
        }
        Ok(count)
    }

    async fn finish_if_expired(&self, guild: Snowflake, user: Snowflake) -> QuizResult<()> {
        if let Some(open) = self.store.open_mock(guild, user).await? {
            if self.now() >= open.ends_at {
                self.finish(open, true).await?;
            }
        }
        Ok(())
    }

    async fn finish(&self, row: MockRow, timed_out: bool) -> QuizResult<MockReport> {
        let mut tx = self.store.begin().await?;
        // Grade what is stored now: a press may have landed since `row` was read.
        let row = tx.mock(row.guild_id, row.attempt_id).await?.unwrap_or(row);
        let report = self.finish_in(&mut tx, row, timed_out).await?;
        tx.commit().await?;
        Ok(report)
    }

    async fn finish_in(
        &self,
        tx: &mut WriteTx,
        row: MockRow,
        timed_out: bool,
    ) -> QuizResult<MockReport> {
        let submitted_at = if timed_out { row.ends_at } else { self.now() };
        let report = self.report(&row, submitted_at, timed_out)?;
        // Items answered wrong become review cards (an unanswered item tells nothing).
        for item in report.items.iter().filter(|item| item.response.is_some()) {
            record_card(
                tx,
                row.guild_id,
                row.user_id,
                &item.question,
                item.correct,
                submitted_at,
            )
            .await?;
        }
        tx.finish_mock(
            row.guild_id,
            row.attempt_id,
            submitted_at,
            report.correct,
            report.scaled,
            report.passed,
        )
        .await?;
        Ok(report)
    }

    fn report(
        &self,
        row: &MockRow,
        submitted_at: DateTime<Utc>,
        timed_out: bool,
    ) -> QuizResult<MockReport> {
        let exam = self.exam(&row.exam)?;
        let mut items = Vec::new();
        let mut per_domain: HashMap<u8, (u32, u32)> = HashMap::new();
        for (id, response) in row.question_ids.iter().zip(&row.responses) {
            let Some(question) = self.bank.question(id).cloned() else {
                continue;
            };
            let correct = response_of(response).is_some_and(|r| is_correct(&question, &r));
            let entry = per_domain.entry(question.domain).or_default();
            entry.0 += u32::from(correct);
            entry.1 += 1;
            items.push(ItemReview {
                question,
                response: (!response.is_empty()).then(|| response.clone()),
                correct,
            });
        }
        let correct = items.iter().filter(|i| i.correct).count() as u32;
        let total = items.len() as u32;
        let scaled = scaled_score(correct, total, exam.passing_score);
        let domains = exam
            .domains
            .iter()
            .filter_map(|d| {
                let (right, asked) = per_domain.get(&d.number).copied()?;
                Some(DomainResult {
                    number: d.number,
                    name: d.name.clone(),
                    correct: right,
                    total: asked,
                    meets: f64::from(right) >= ASSUMED_CUT * f64::from(asked),
                })
            })
            .collect();
        Ok(MockReport {
            attempt_id: row.attempt_id,
            exam_code: exam.code.clone(),
            length: row.length.clone(),
            correct,
            total,
            scaled,
            passing_score: exam.passing_score,
            passed: scaled >= exam.passing_score,
            domains,
            items,
            started_at: row.started_at,
            submitted_at,
            timed_out,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scaled_score_is_continuous_and_pinned_at_its_ends_and_the_cut() {
        assert_eq!(scaled_score(0, 50, 700), 100);
        assert_eq!(scaled_score(35, 50, 700), 700);
        assert_eq!(scaled_score(50, 50, 700), 1000);
        assert_eq!(scaled_score(34, 50, 700), 683);
        assert!(scaled_score(36, 50, 720) > 720);
        assert_eq!(scaled_score(0, 0, 750), 100);
    }
}
