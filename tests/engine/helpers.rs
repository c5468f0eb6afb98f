//! Shared test helpers: a small fixture bank, and an engine on a real database (a SQLite file in a
//! temporary directory, or a PostgreSQL database of the test server) with a manual clock and a
//! seeded random source.
#![allow(dead_code)]

use std::sync::Arc;

use certsprint::bank::{Bank, Domain, Exam, ExamId, Key, Kind, Question, Response, Scope, Task};
use certsprint::clock::ManualClock;
use certsprint::quiz::sprint::{Sprint, SprintRequest};
use certsprint::quiz::{AnswerOutcome, AnswerRequest, Engine, QuizResult, ScheduleRequest};
use certsprint::random::RandomSource;
use certsprint::schedule::Rule;
use certsprint::shards::ShardRange;
use certsprint::store::{Backend, Post, Snowflake, Store};

use crate::common::wrong_answer;
use chrono::{DateTime, Duration, TimeZone, Utc};

pub const GUILD: Snowflake = 111_111_111_111_111_111;
pub const OTHER_GUILD: Snowflake = 222_222_222_222_222_222;
pub const CHANNEL: Snowflake = 333_333_333_333_333_333;
pub const EXAM: &str = "tst-c01";

/// A Monday, 09:00 UTC.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

/// Fixture exam: domains weighted 50/30/20 with 10/6/4 single-choice items; the key of item n
/// is letter n % 4. Plus one item of each other kind in domain 1.
pub fn fixture_bank() -> Bank {
    let domains = vec![domain(1, 50), domain(2, 30), domain(3, 20)];
    let mut items = Vec::new();
    for (number, count) in [(1u8, 10), (2, 6), (3, 4)] {
        for n in 0..count {
            items.push(single(
                &format!("tst-{number}.1-{n:03}"),
                number,
                (n % 4) as u8,
            ));
        }
    }
    items.push(other("tst-1.1-100", Kind::Multiple, vec![1, 3], 5, vec![]));
    items.push(other(
        "tst-1.1-101",
        Kind::Ordering,
        vec![2, 0, 1],
        3,
        vec![],
    ));
    items.push(other(
        "tst-1.1-102",
        Kind::Matching,
        vec![1, 2, 0],
        3,
        vec!["p1".into(), "p2".into(), "p3".into()],
    ));
    let exam = Exam {
        id: EXAM.into(),
        code: "TST-C01".into(),
        short: "tst".into(),
        name: "Test exam".into(),
        level: "associate".into(),
        questions: 20,
        scored: 16,
        minutes: 30,
        passing_score: 700,
        kinds: Kind::ALL.to_vec(),
        guide: None,
        domains,
        items: items.into_iter().map(Arc::new).collect(),
    };
    Bank::new(vec![exam])
}

/// An exam the size of a real bank: 200 single-choice items over five domains in proportion to
/// their weights (20/24/28/14/14), and a 65-question full mock.
pub fn full_size_bank() -> Bank {
    let weights = [(1u8, 20u32), (2, 24), (3, 28), (4, 14), (5, 14)];
    let mut items = Vec::new();
    for (number, weight) in weights {
        for n in 0..weight * 2 {
            items.push(Question {
                exam: "big-c01".into(),
                ..single(&format!("big-{number}.1-{n:03}"), number, (n % 4) as u8)
            });
        }
    }
    let exam = Exam {
        id: "big-c01".into(),
        code: "BIG-C01".into(),
        short: "big".into(),
        name: "Full-size exam".into(),
        level: "foundational".into(),
        questions: 65,
        scored: 50,
        minutes: 90,
        passing_score: 700,
        kinds: vec![Kind::Single],
        guide: None,
        domains: weights.iter().map(|&(n, w)| domain(n, w)).collect(),
        items: items.into_iter().map(Arc::new).collect(),
    };
    Bank::new(vec![exam])
}

fn domain(number: u8, weight: u32) -> Domain {
    Domain {
        number,
        name: format!("Domain {number}"),
        weight,
        tasks: vec![Task {
            id: format!("{number}.1"),
            name: format!("Task {number}.1"),
        }],
    }
}

fn single(id: &str, domain: u8, key: u8) -> Question {
    Question {
        id: id.into(),
        exam: EXAM.into(),
        domain,
        task: format!("{domain}.1"),
        kind: Kind::Single,
        difficulty: 2,
        case: None,
        stem: format!("Stem of {id}?"),
        options: vec!["w".into(), "x".into(), "y".into(), "z".into()],
        prompts: vec![],
        key: Key(vec![key]),
        explanation: "Because.".into(),
        references: vec!["https://docs.aws.amazon.com/".into()],
        services: vec![],
    }
}

fn other(id: &str, kind: Kind, key: Vec<u8>, options: usize, prompts: Vec<String>) -> Question {
    Question {
        kind,
        key: Key(key),
        options: (0..options).map(|i| format!("option {i}")).collect(),
        prompts,
        ..single(id, 1, 0)
    }
}

pub struct TestEngine {
    pub engine: Engine,
    /// The engine's database, opened by the test to inspect what was committed (never to write).
    store: Store,
    pub clock: Arc<ManualClock>,
    pub url: String,
    pub dir: tempfile::TempDir,
}

impl TestEngine {
    pub async fn new() -> TestEngine {
        TestEngine::with_bank(fixture_bank()).await
    }

    /// An engine on another bank (the restart keeps the fixture bank).
    pub async fn with_bank(bank: Bank) -> TestEngine {
        TestEngine::on_backend(crate::BACKEND, bank).await
    }

    /// An engine on a fresh database of either backend, whatever the suite's own.
    pub async fn on_backend(backend: Backend, bank: Bank) -> TestEngine {
        let dir = tempfile::tempdir().unwrap();
        let url = match backend {
            Backend::Sqlite => format!("sqlite:{}", dir.path().join("test.db").display()),
            Backend::Postgres => crate::common::postgres::database().await,
        };
        let clock = Arc::new(ManualClock::new(start_time()));
        let (engine, store) = engine_on(&url, clock.clone(), 7, bank).await;
        TestEngine {
            engine,
            store,
            clock,
            url,
            dir,
        }
    }

    /// Closes the database and opens it again, as a restarted bot would.
    pub async fn restart(&mut self) {
        self.restart_with_bank(fixture_bank()).await;
    }

    /// Restarts on another bank (items added or removed in between).
    pub async fn restart_with_bank(&mut self, bank: Bank) {
        self.store.close().await;
        (self.engine, self.store) = engine_on(&self.url, self.clock.clone(), 8, bank).await;
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The fixture exam's id.
    pub fn exam(&self) -> ExamId {
        self.engine.bank.exam_id(EXAM).unwrap()
    }

    /// The fixture exam (`Some`) or all exams (`None`).
    pub fn scope(&self, exam: Option<&str>) -> Scope {
        exam.map_or(Scope::All, |id| self.engine.bank.scope(id).unwrap())
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Posts a channel question (claimed and marked posted) with a 12-hour window.
    pub async fn post(&self, guild: Snowflake, scheduled: bool) -> Post {
        self.post_in(guild, CHANNEL, scheduled, Duration::hours(12))
            .await
    }

    pub async fn post_in(
        &self,
        guild: Snowflake,
        channel: Snowflake,
        scheduled: bool,
        window: Duration,
    ) -> Post {
        let schedule = match scheduled {
            true => Some((
                ensure_schedule(&self.engine, guild, channel).await,
                self.engine.now(),
            )),
            false => None,
        };
        let (post, _) = self
            .engine
            .claim_channel_post(guild, channel, &self.exam(), schedule, window)
            .await
            .unwrap();
        self.engine
            .mark_posted(guild, post.post_id, post.post_id as u64 + 9000)
            .await
            .unwrap();
        post
    }

    pub fn key_of(&self, post: &Post) -> Response {
        Response(
            self.engine
                .bank
                .question(&post.question_id)
                .unwrap()
                .key
                .0
                .clone(),
        )
    }

    pub fn wrong_for(&self, post: &Post) -> Response {
        wrong_answer(self.engine.bank.question(&post.question_id).unwrap())
    }

    pub async fn answer(
        &self,
        post: &Post,
        user: Snowflake,
        correct: bool,
    ) -> QuizResult<AnswerOutcome> {
        let response = if correct {
            self.key_of(post)
        } else {
            self.wrong_for(post)
        };
        self.engine
            .answer(AnswerRequest {
                guild: post.guild_id,
                post_id: post.post_id,
                user,
                display_name: &format!("user{user}"),
                response,
            })
            .await
    }
}

/// Another bot process on the same database and clock, doing the timed work of `shards` only.
pub async fn process_for_shards(t: &TestEngine, shards: Option<ShardRange>, seed: u64) -> Engine {
    let store = Store::open(&t.url).await.unwrap().for_shards(shards);
    Engine::new(
        store,
        Arc::new(fixture_bank()),
        t.clock.clone(),
        Arc::new(RandomSource::seeded(seed)),
    )
}

async fn engine_on(url: &str, clock: Arc<ManualClock>, seed: u64, bank: Bank) -> (Engine, Store) {
    let store = Store::open(url).await.unwrap();
    let engine = Engine::new(
        store.clone(),
        Arc::new(bank),
        clock,
        Arc::new(RandomSource::seeded(seed)),
    );
    (engine, store)
}

/// Scheduled posts belong to a schedule; tests that are not about schedules set up a plain one
/// (daily at 09:00 UTC, a 12-hour window), as /daily setup does.
pub async fn ensure_schedule(engine: &Engine, guild: Snowflake, channel: Snowflake) -> i64 {
    engine
        .set_up_schedule(ScheduleRequest {
            guild,
            channel,
            exam: EXAM.into(),
            rule: Rule::parse("09:00", "UTC", "daily").unwrap(),
            window_minutes: 720,
            mention_role: None,
            created_by: 1,
        })
        .await
        .unwrap();
    engine
        .schedule_for_channel(guild, channel)
        .await
        .unwrap()
        .unwrap()
        .schedule_id
}

/// A duel challenge from `host` to `opponent` in the test channel.
pub async fn challenge(
    engine: &Engine,
    host: Snowflake,
    host_name: &str,
    opponent: Snowflake,
    exam: Option<&str>,
    questions: u32,
    minutes: Option<u32>,
) -> QuizResult<Sprint> {
    let scope = exam.map_or(Scope::All, |id| engine.bank.scope(id).unwrap());
    engine
        .challenge(
            SprintRequest {
                guild: GUILD,
                channel: CHANNEL,
                host,
                host_name,
                exam: &scope,
                questions,
                minutes,
            },
            opponent,
        )
        .await
}

/// A group lobby hosted by `host` in the test channel.
pub async fn open_group(
    engine: &Engine,
    host: Snowflake,
    host_name: &str,
    exam: Option<&str>,
    questions: u32,
    minutes: Option<u32>,
) -> QuizResult<Sprint> {
    let scope = exam.map_or(Scope::All, |id| engine.bank.scope(id).unwrap());
    engine
        .open_group(SprintRequest {
            guild: GUILD,
            channel: CHANNEL,
            host,
            host_name,
            exam: &scope,
            questions,
            minutes,
        })
        .await
}
