//! The quiz engine: every rule a study group relies on, with no Discord types and no SQL.
//! It decides; `store` persists; the Discord adapter and the terminal practice mode call it.

mod answering;
pub mod calendar;
pub mod grading;
pub mod mock;
pub mod picking;
mod posting;
pub mod ratings;
pub mod readiness;
pub mod review;
pub mod scoring;
pub mod sprint;
mod standings;
mod stats;

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::bank::Bank;
use crate::clock::Clock;
use crate::random::RandomSource;
use crate::store::Store;

pub use answering::{AnswerOutcome, AnswerRequest};
pub use mock::{MockExam, MockLength, MockReport, Resumed};
pub use posting::{PersonalQuestion, Reveal, PERSONAL_WINDOW};
pub use readiness::Readiness;
pub use standings::PAGE_SIZE;
pub use stats::{DomainStats, ExamStats, MemberStats, TaskStats, Trend};

/// What a user did that the engine refuses, in words fit to show them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Rejection {
    #[error("That question is no longer available.")]
    UnknownPost,
    #[error("This question closed at {closed_at}; answers are no longer taken.")]
    Closed { closed_at: DateTime<Utc> },
    #[error("You already answered {choice}; the first answer counts.")]
    AlreadyAnswered { choice: String, correct: bool },
    #[error("That answer does not fit this question: {0}.")]
    InvalidResponse(String),
    #[error("This question was dealt to someone else.")]
    NotYours,
    #[error("There is no exam {0:?} (try aif-c01, mla-c01 or aip-c01).")]
    UnknownExam(String),
    #[error("{exam} has no domain {domain}.")]
    UnknownDomain { exam: String, domain: u8 },
    #[error("{0} has no questions to draw from.")]
    NoQuestions(String),
    #[error(
        "You already have a mock exam running (attempt {attempt_id}); finish or submit it first."
    )]
    MockInProgress { attempt_id: i64 },
    #[error("That mock exam is over; its report is ready.")]
    MockFinished { attempt_id: i64 },
    #[error("That mock exam is still running; its report and review open once it is submitted.")]
    MockNotOver,
    #[error("There is no such mock exam.")]
    NoSuchMock,
    #[error("You are already in a sprint; finish it first.")]
    AlreadyInSprint { sprint_id: i64 },
    #[error("There is no such sprint.")]
    NoSuchSprint,
    #[error("{0}")]
    SprintRule(String),
}

#[derive(Debug, thiserror::Error)]
pub enum QuizError {
    #[error(transparent)]
    Rejected(#[from] Rejection),
    #[error("storage failed: {0}")]
    Store(#[from] sqlx::Error),
}

pub type QuizResult<T> = Result<T, QuizError>;

#[derive(Clone)]
pub struct Engine {
    pub store: Store,
    pub bank: Arc<Bank>,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<RandomSource>,
    answers: Arc<answering::AnswerQueue>,
}

impl Engine {
    pub fn new(
        store: Store,
        bank: Arc<Bank>,
        clock: Arc<dyn Clock>,
        random: Arc<RandomSource>,
    ) -> Engine {
        Engine {
            store,
            bank,
            clock,
            random,
            answers: Arc::default(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn exam(&self, id: &str) -> Result<&crate::bank::Exam, Rejection> {
        self.bank
            .exam(id)
            .ok_or_else(|| Rejection::UnknownExam(id.to_string()))
    }
}
