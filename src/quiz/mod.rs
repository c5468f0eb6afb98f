//! The quiz engine: every rule a study group relies on, with no Discord types and no SQL.
//! It decides; `store` persists; the Discord adapter and the terminal practice mode call it.

mod answering;
mod background;
mod bank_stats;
pub mod calendar;
mod exports;
pub mod grading;
mod health;
pub mod item_stats;
pub mod mock;
pub mod picking;
mod posting;
pub mod ratings;
pub mod readiness;
mod reports;
pub mod review;
mod review_queue;
mod schedules;
pub mod scoring;
mod signals;
pub mod sprint;
mod standings;
mod stats;

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::bank::Bank;
use crate::clock::Clock;
use crate::random::RandomSource;
use crate::store::{Store, StoreError};

pub use answering::{answerable, AnswerOutcome, AnswerRequest};
pub use background::{FIND_TIMEOUT, SEND_LEASE, SEND_TIMEOUT};
pub use bank_stats::ReportResolution;
pub use mock::{MockExam, MockLength, MockReport, Resumed};
pub use posting::{PersonalQuestion, Reveal, PERSONAL_WINDOW};
pub use readiness::{Readiness, StudySuggestion, WeakTask};
pub use review_queue::{ReviewDeal, ReviewOutlook, ReviewReminder, DEFAULT_REMINDER_HOUR};
pub use schedules::{ScheduleRequest, ScheduleSaved};
pub use signals::{Signal, Signals};
pub use standings::PAGE_SIZE;
pub use stats::{
    DomainStats, ExamStats, MemberStats, ServerDomainStats, ServerExamStats, ServerStats,
    TaskStats, Trend, WeekTally, WEEKS_SHOWN,
};

/// What a user did that the engine refuses. The adapters (Discord, the terminal) turn each
/// into words; the engine only says which rule applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    UnknownPost,
    Closed {
        closed_at: DateTime<Utc>,
    },
    AlreadyAnswered {
        choice: String,
        correct: bool,
    },
    /// The response does not fit the item; the text says how (from `grading::check_shape`).
    InvalidResponse(String),
    NotYours,
    UnknownExam(String),
    UnknownDomain {
        exam: String,
        domain: u8,
    },
    /// The exam (its code) has nothing to draw from.
    NoQuestions(String),
    MockInProgress {
        attempt_id: i64,
    },
    MockFinished {
        attempt_id: i64,
    },
    MockNotOver,
    NoSuchMock,
    AlreadyInSprint {
        sprint_id: i64,
    },
    NoSuchSprint,
    Sprint(SprintRefusal),
}

/// Why a sprint action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SprintRefusal {
    DuelYourself,
    /// The challenged member is in a sprint already.
    OpponentBusy,
    QuestionCount {
        min: u32,
        max: u32,
    },
    NotOpen,
    Expired,
    AlreadyInLobby,
    LobbyFull {
        seats: usize,
    },
    NotInLobby,
    OnlyHostStarts,
    TooFewPlayers {
        min: usize,
    },
    NotRunning,
    /// A stale or repeated press on a question the player already answered.
    AlreadyAnswered,
    /// Time ran out; the result is in the channel.
    Finished,
}

impl std::fmt::Display for Rejection {
    /// For logs; people see the adapter's words.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refused: {self:?}")
    }
}

impl std::error::Error for Rejection {}

impl From<SprintRefusal> for Rejection {
    fn from(refusal: SprintRefusal) -> Rejection {
        Rejection::Sprint(refusal)
    }
}

impl From<SprintRefusal> for QuizError {
    fn from(refusal: SprintRefusal) -> QuizError {
        QuizError::Rejected(Rejection::Sprint(refusal))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QuizError {
    #[error(transparent)]
    Rejected(#[from] Rejection),
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

pub type QuizResult<T> = Result<T, QuizError>;

#[derive(Clone)]
pub struct Engine {
    store: Store,
    pub bank: Arc<Bank>,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<RandomSource>,
    answers: Arc<answering::AnswerQueue>,
    signals: Arc<Signals>,
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
            signals: Arc::default(),
        }
    }

    /// The wake-ups of the background loops (they wait on these; engine operations raise them).
    pub fn signals(&self) -> &Signals {
        &self.signals
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
