//! Engine benchmarks: prints a table of figures, each against a ceiling measured in the same run.
//! Not a test: nothing here fails on speed. Run with `cargo bench --bench engine`
//! (`-- --quick` for a smaller run). PostgreSQL figures: `-- --postgres URL` (an empty database the
//! bench may fill), else a throwaway server started like the tests start theirs, where the
//! PostgreSQL server binaries exist.

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, TimeZone, Utc};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use certsprint::bank::{self, Response, Scope};
use certsprint::clock::SystemClock;
use certsprint::quiz::{AnswerRequest, Engine};
use certsprint::random::RandomSource;
use certsprint::store::{Period, Store};

#[path = "../tests/common/postgres.rs"]
mod throwaway_postgres;

struct Figures {
    rows: Vec<(String, String, String)>,
}

impl Figures {
    fn add(
        &mut self,
        what: impl Into<String>,
        figure: impl Into<String>,
        against: impl Into<String>,
    ) {
        let row = (what.into(), figure.into(), against.into());
        println!("{:<58} {:>18}  {}", row.0, row.1, row.2);
        self.rows.push(row);
    }
}

fn percentile(samples: &mut [StdDuration], p: f64) -> StdDuration {
    samples.sort_unstable();
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[at]
}

fn ms(d: StdDuration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn bare_pool(url: &str) -> SqlitePool {
    let options: SqliteConnectOptions = url
        .parse::<SqliteConnectOptions>()
        .unwrap()
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(std::time::Duration::from_secs(5));
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let postgres = args
        .iter()
        .position(|a| a == "--postgres")
        .and_then(|at| args.get(at + 1).cloned());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(quick, postgres));
}

async fn run(quick: bool, postgres: Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut figures = Figures { rows: Vec::new() };
    println!(
        "certsprint engine benchmarks ({} run, {} cores)\n",
        if quick { "quick" } else { "full" },
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("{:<58} {:>18}  against", "measure", "figure");

    startup(&dir, &mut figures).await;
    let (users, posts) = if quick { (200, 5) } else { (1_000, 10) };
    answers(&dir, &mut figures, users, posts).await;
    let postgres = match postgres {
        Some(url) => Some(url),
        None if throwaway_postgres::postgres_binaries().is_some() => {
            Some(throwaway_postgres::database().await)
        }
        None => {
            println!(
                "(no PostgreSQL server binaries and no --postgres URL: PostgreSQL rows skipped)"
            );
            None
        }
    };
    if let Some(url) = postgres {
        answers_postgres(&url, &mut figures, users, posts).await;
    }
    for total in if quick {
        vec![10_000, 100_000]
    } else {
        vec![10_000, 100_000, 1_000_000]
    } {
        reads(&dir, &mut figures, total).await;
    }
}

/// Migrations on a fresh file plus loading and checking the full shipped banks.
async fn startup(dir: &tempfile::TempDir, figures: &mut Figures) {
    let mut samples = Vec::new();
    for run in 0..5 {
        let url = format!(
            "sqlite:{}",
            dir.path().join(format!("startup{run}.db")).display()
        );
        let started = Instant::now();
        let loaded = bank::load_layered(None).unwrap();
        assert!(loaded.problems.is_empty());
        let store = Store::open(&url).await.unwrap();
        samples.push(started.elapsed());
        store.close().await;
    }
    let items = bank::load_layered(None).unwrap().bank.item_count();
    let median = percentile(&mut samples, 0.5);
    figures.add(
        format!("start-up: migrate + load and check {items} items (median of 5)"),
        ms(median),
        "target 300 ms",
    );
}

/// A question posted `posts` times, answered by `users` concurrent answerers through the engine
/// (each answering every post in turn, correctly): answers/s, p99, and the posts answered.
struct EngineRun {
    rate: f64,
    p99: StdDuration,
    posts: Arc<Vec<(i64, Response)>>,
}

async fn engine_answers(url: &str, users: u64, posts: usize) -> EngineRun {
    let store = Store::open(url).await.unwrap();
    let bank = Arc::new(bank::load_layered(None).unwrap().bank);
    let exam = bank
        .playable_exams()
        .next()
        .and_then(|e| bank.exam_id(&e.id))
        .expect("a bank with items");
    let engine = Engine::new(
        store.clone(),
        bank,
        Arc::new(SystemClock),
        Arc::new(RandomSource::seeded(1)),
    );
    let guild = 1u64;
    let mut post_ids = Vec::new();
    for _ in 0..posts {
        let (post, question) = engine
            .claim_channel_post(guild, 10, &exam, None, Duration::hours(12))
            .await
            .unwrap();
        engine.mark_posted(guild, post.post_id, 1).await.unwrap();
        post_ids.push((post.post_id, Response(question.key.0.clone())));
    }
    let post_ids = Arc::new(post_ids);

    let started = Instant::now();
    let tasks: Vec<_> = (0..users)
        .map(|user| {
            let engine = engine.clone();
            let post_ids = post_ids.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(post_ids.len());
                for (post_id, key) in post_ids.iter() {
                    let begun = Instant::now();
                    let request = AnswerRequest {
                        guild,
                        post_id: *post_id,
                        user: 1000 + user,
                        display_name: "member",
                        response: key.clone(),
                    };
                    engine.answer(request).await.unwrap();
                    latencies.push(begun.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    store.close().await;
    EngineRun {
        rate: latencies.len() as f64 / elapsed.as_secs_f64(),
        p99: percentile(&mut latencies, 0.99),
        posts: post_ids,
    }
}

/// Rows per transaction in the batched C API ceiling: the most answers the engine commits together.
const BATCH: usize = 256;

/// The answer row the ceilings insert, in SQL both backends accept.
const BARE_INSERT: &str =
    "INSERT INTO answers (post_id, guild_id, user_id, exam, question_id, domain, task, choice,
    correct, points, latency_ms, on_board, answered_at)
    VALUES ($1, 1, $2, 'aif-c01', 'q', 1, '1.1', $3, 1, 15, 100, 1, $4)";

/// Bare single-row INSERT transactions of the engine run's rows, by `users` concurrent tasks on
/// a one-connection pool (the engine's one writer): rows/s and p99.
macro_rules! bare_inserts {
    ($pool:expr, |$p:ident| $begin:expr, $users:expr, $posts:expr) => {{
        let started = Instant::now();
        let tasks: Vec<_> = (0..$users)
            .map(|user: u64| {
                let pool = $pool.clone();
                let post_ids = $posts.clone();
                tokio::spawn(async move {
                    let mut latencies = Vec::with_capacity(post_ids.len());
                    for (post_id, key) in post_ids.iter() {
                        let begun = Instant::now();
                        let $p = &pool;
                        let mut tx = $begin.await.unwrap();
                        sqlx::query(BARE_INSERT)
                            .bind(post_id)
                            .bind((1000 + user) as i64)
                            .bind(key.letters())
                            .bind(Utc::now().timestamp_millis())
                            .execute(&mut *tx)
                            .await
                            .unwrap();
                        tx.commit().await.unwrap();
                        latencies.push(begun.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut latencies = Vec::new();
        for task in tasks {
            latencies.extend(task.await.unwrap());
        }
        let rate = latencies.len() as f64 / started.elapsed().as_secs_f64();
        (rate, percentile(&mut latencies, 0.99))
    }};
}

/// Answers through the engine by `users` concurrent answerers on `posts` posts, against the
/// same rows as bare single-row INSERT transactions through sqlx (the same one-writer setup),
/// and through SQLite's C API directly: the physical ceiling.
async fn answers(dir: &tempfile::TempDir, figures: &mut Figures, users: u64, posts: usize) {
    let path = dir.path().join("answers.db");
    let url = format!("sqlite:{}", path.display());
    let engine = engine_answers(&url, users, posts).await;

    let pool = bare_pool(&url).await;
    sqlx::query("DELETE FROM answers")
        .execute(&pool)
        .await
        .unwrap();
    let (bare_rate, bare_p99) = bare_inserts!(
        pool,
        |pool| pool.begin_with("BEGIN IMMEDIATE"),
        users,
        engine.posts
    );
    pool.close().await;

    let rows: Vec<(i64, i64, String)> = (0..users)
        .flat_map(|user| {
            engine
                .posts
                .iter()
                .map(move |(post_id, key)| (*post_id, (1000 + user) as i64, key.letters()))
        })
        .collect();
    let c_single = c_api::insert_rate(&path, &rows, 1);
    let c_batched = c_api::insert_rate(&path, &rows, BATCH);

    figures.add(
        format!("answers/s, engine, {users} concurrent answerers"),
        format!("{:.0}/s", engine.rate),
        "target 10,000/s",
    );
    figures.add(
        "answers/s, bare INSERT ceiling via sqlx (one tx per row)",
        format!("{bare_rate:.0}/s"),
        "ceiling",
    );
    figures.add(
        "engine / sqlx ceiling",
        format!("{:.0}%", engine.rate / bare_rate * 100.0),
        "target 50%",
    );
    figures.add(
        "rows/s, SQLite C API, one transaction per row",
        format!("{c_single:.0}/s"),
        "physical ceiling",
    );
    figures.add(
        format!("rows/s, SQLite C API, {} rows per transaction", BATCH),
        format!("{c_batched:.0}/s"),
        "physical ceiling",
    );
    figures.add(
        "engine / C API batched ceiling",
        format!("{:.0}%", engine.rate / c_batched * 100.0),
        "",
    );
    figures.add(
        "answer p99 latency, engine (queueing included)",
        ms(engine.p99),
        format!("target 20 ms; bare p99 {}", ms(bare_p99)),
    );
}

/// The same engine run on PostgreSQL, against single-row INSERT transactions of the same rows
/// through the same driver and the same one-writer setup.
async fn answers_postgres(url: &str, figures: &mut Figures, users: u64, posts: usize) {
    let engine = engine_answers(url, users, posts).await;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap();
    sqlx::query("DELETE FROM answers")
        .execute(&pool)
        .await
        .unwrap();
    let (bare_rate, bare_p99) = bare_inserts!(pool, |pool| pool.begin(), users, engine.posts);
    pool.close().await;
    figures.add(
        format!("PostgreSQL: answers/s, engine, {users} concurrent answerers"),
        format!("{:.0}/s", engine.rate),
        "target 10,000/s",
    );
    figures.add(
        "PostgreSQL: bare INSERT ceiling via sqlx (one tx per row)",
        format!("{bare_rate:.0}/s"),
        "ceiling",
    );
    figures.add(
        "PostgreSQL: engine / ceiling",
        format!("{:.0}%", engine.rate / bare_rate * 100.0),
        "",
    );
    figures.add(
        "PostgreSQL: answer p99 latency, engine (queueing included)",
        ms(engine.p99),
        format!("bare p99 {}", ms(bare_p99)),
    );
}

/// SQLite's C API with nothing in between: one prepared INSERT, the same pragmas as the store.
mod c_api {
    use std::ffi::{CStr, CString};
    use std::path::Path;
    use std::ptr;
    use std::time::Instant;

    use libsqlite3_sys as ffi;

    struct Db(*mut ffi::sqlite3);

    impl Db {
        fn open(path: &Path) -> Db {
            let name = CString::new(path.to_str().unwrap()).unwrap();
            let mut db = ptr::null_mut();
            let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE;
            // SAFETY: `name` is a NUL-terminated string; `db` receives the handle.
            let rc = unsafe { ffi::sqlite3_open_v2(name.as_ptr(), &mut db, flags, ptr::null()) };
            let db = Db(db);
            db.check(rc);
            db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
            db
        }

        fn check(&self, rc: i32) {
            if rc != ffi::SQLITE_OK && rc != ffi::SQLITE_DONE && rc != ffi::SQLITE_ROW {
                // SAFETY: the handle is open; the message is owned by SQLite.
                let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.0)) };
                panic!("sqlite error {rc}: {}", message.to_string_lossy());
            }
        }

        fn exec(&self, sql: &str) {
            let sql = CString::new(sql).unwrap();
            // SAFETY: an open handle and a NUL-terminated statement list.
            let rc = unsafe {
                ffi::sqlite3_exec(self.0, sql.as_ptr(), None, ptr::null_mut(), ptr::null_mut())
            };
            self.check(rc);
        }
    }

    impl Drop for Db {
        fn drop(&mut self) {
            // SAFETY: every statement was finalized before the handle is closed.
            unsafe { ffi::sqlite3_close(self.0) };
        }
    }

    /// Inserts `rows` (post, user, choice) into a cleared answers table, `per_transaction` rows
    /// to a transaction; rows/s.
    pub fn insert_rate(path: &Path, rows: &[(i64, i64, String)], per_transaction: usize) -> f64 {
        let db = Db::open(path);
        db.exec("DELETE FROM answers");
        let sql = CString::new(super::BARE_INSERT).unwrap();
        let mut statement = ptr::null_mut();
        // SAFETY: an open handle, a NUL-terminated statement; `statement` receives it.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(db.0, sql.as_ptr(), -1, &mut statement, ptr::null_mut())
        };
        db.check(rc);
        let started = Instant::now();
        for chunk in rows.chunks(per_transaction) {
            db.exec("BEGIN IMMEDIATE");
            for (post, user, choice) in chunk {
                let at = chrono::Utc::now().timestamp_millis();
                // SAFETY: `statement` is prepared on `db`; SQLITE_TRANSIENT makes SQLite copy
                // the text before `choice` can go.
                unsafe {
                    ffi::sqlite3_bind_int64(statement, 1, *post);
                    ffi::sqlite3_bind_int64(statement, 2, *user);
                    ffi::sqlite3_bind_text(
                        statement,
                        3,
                        choice.as_ptr().cast(),
                        choice.len() as i32,
                        ffi::SQLITE_TRANSIENT(),
                    );
                    ffi::sqlite3_bind_int64(statement, 4, at);
                    db.check(ffi::sqlite3_step(statement));
                    db.check(ffi::sqlite3_reset(statement));
                }
            }
            db.exec("COMMIT");
        }
        let rate = rows.len() as f64 / started.elapsed().as_secs_f64();
        // SAFETY: finalized once, before the handle closes.
        unsafe { ffi::sqlite3_finalize(statement) };
        rate
    }
}

/// Leaderboard and /stats latency over `total` answers from 20,000 members in 50 guilds.
async fn reads(dir: &tempfile::TempDir, figures: &mut Figures, total: u64) {
    const GUILDS: u64 = 50;
    const MEMBERS_PER_GUILD: u64 = 400;
    let url = format!(
        "sqlite:{}",
        dir.path().join(format!("reads{total}.db")).display()
    );
    let store = Store::open(&url).await.unwrap();
    let bank = Arc::new(bank::load_layered(None).unwrap().bank);
    let seeded = Instant::now();
    seed(&url, &bank, total, GUILDS, MEMBERS_PER_GUILD).await;
    let seed_time = seeded.elapsed();
    let engine = Engine::new(
        store.clone(),
        bank,
        Arc::new(SystemClock),
        Arc::new(RandomSource::seeded(2)),
    );

    let queries = 2_000u64;
    let mut board = Vec::new();
    let mut stats = Vec::new();
    for i in 0..queries {
        let guild = 1 + i % GUILDS;
        let member = 1 + (i * 7919) % MEMBERS_PER_GUILD;
        let began = Instant::now();
        let period = [Period::Week, Period::Month, Period::All][(i % 3) as usize];
        engine
            .leaderboard(guild, &Scope::All, period, member, 0)
            .await
            .unwrap();
        board.push(began.elapsed());
        let began = Instant::now();
        engine.member_stats(guild, member).await.unwrap();
        stats.push(began.elapsed());
    }
    figures.add(
        format!(
            "leaderboard p99, {total} answers (seeded in {:.1} s)",
            seed_time.as_secs_f64()
        ),
        ms(percentile(&mut board, 0.99)),
        "target 10 ms",
    );
    figures.add(
        format!("/stats p99, {total} answers"),
        ms(percentile(&mut stats, 0.99)),
        "target 10 ms",
    );
    store.close().await;
}

/// Writes answers, totals and members straight into the schema (seeding only; measured reads
/// then go through the engine).
async fn seed(url: &str, bank: &certsprint::bank::Bank, total: u64, guilds: u64, members: u64) {
    let pool = bare_pool(url).await;
    let now = Utc::now();
    let items: Vec<_> = bank.exams.iter().flat_map(|e| e.items.iter()).collect();
    let answers_per_guild = total / guilds;
    let posts_per_guild = (answers_per_guild / members).max(1) * 2;
    let mut tx = pool.begin().await.unwrap();
    for guild in 1..=guilds {
        sqlx::query("INSERT INTO guilds (guild_id, created_at) VALUES (?, 0)")
            .bind(guild as i64)
            .execute(&mut *tx)
            .await
            .unwrap();
        for member in 1..=members {
            sqlx::query("INSERT INTO members (guild_id, user_id, display_name, first_seen_at, last_seen_at) VALUES (?, ?, 'member', 0, 0)")
                .bind(guild as i64)
                .bind(member as i64)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        for post in 0..posts_per_guild {
            let item = items[(post as usize) % items.len()];
            sqlx::query("INSERT INTO posts (post_id, guild_id, channel_id, mode, exam, question_id, domain, opens_at, closes_at, state, created_at) VALUES (?, ?, 1, 'channel', ?, ?, ?, 0, 1, 'closed', 0)")
                .bind((guild * 1_000_000 + post) as i64)
                .bind(guild as i64)
                .bind(&item.exam)
                .bind(&item.id)
                .bind(i64::from(item.domain))
                .execute(&mut *tx)
                .await
                .unwrap();
        }
    }
    for n in 0..total {
        let guild = 1 + n % guilds;
        let member = 1 + (n / guilds) % members;
        let post = (n / guilds / members) % posts_per_guild;
        let item = items[(post as usize) % items.len()];
        // Spread answers over the last 60 days.
        let at = now - Duration::minutes(((n * 37) % (60 * 24 * 60)) as i64);
        sqlx::query("INSERT INTO answers (post_id, guild_id, user_id, exam, question_id, domain, task, choice, correct, points, latency_ms, on_board, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'A', ?, ?, 1000, 1, ?)")
            .bind((guild * 1_000_000 + post) as i64)
            .bind(guild as i64)
            .bind(member as i64)
            .bind(&item.exam)
            .bind(&item.id)
            .bind(i64::from(item.domain))
            .bind(&item.task)
            .bind(n % 3 != 0)
            .bind(if n % 3 != 0 { 12 } else { 0 })
            .bind(at.timestamp_millis())
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    // Running totals as the engine would have kept them (UTC guilds).
    for period in Period::ALL {
        let key = period.key(now, chrono_tz::Tz::UTC);
        let since = match period {
            Period::Week => now - Duration::days(7),
            Period::Month => now - Duration::days(30),
            Period::All => Utc.timestamp_opt(0, 0).unwrap(),
        };
        sqlx::query("INSERT INTO score_totals (guild_id, exam, period, user_id, points, answered, correct) SELECT guild_id, exam, ?, user_id, SUM(points), COUNT(*), SUM(correct) FROM answers WHERE answered_at >= ? GROUP BY guild_id, exam, user_id")
            .bind(key)
            .bind(since.timestamp_millis())
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    pool.close().await;
}
