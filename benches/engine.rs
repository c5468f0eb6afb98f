//! Engine benchmarks: prints a table of figures, each against a ceiling measured in the same run.
//! Not a test: nothing here fails on speed. Run with `cargo bench --bench engine`
//! (`-- --quick` for a smaller run).

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, TimeZone, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use certsprint::bank::{self, Response, Scope};
use certsprint::clock::SystemClock;
use certsprint::quiz::{AnswerRequest, Engine};
use certsprint::random::RandomSource;
use certsprint::store::{Period, Store};

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
    let quick = std::env::args().any(|a| a == "--quick");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(quick));
}

async fn run(quick: bool) {
    let dir = tempfile::tempdir().unwrap();
    let mut figures = Figures { rows: Vec::new() };
    println!(
        "certsprint engine benchmarks ({} run, {} cores)\n",
        if quick { "quick" } else { "full" },
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("{:<58} {:>18}  against", "measure", "figure");

    startup(&dir, &mut figures).await;
    answers(
        &dir,
        &mut figures,
        if quick { 200 } else { 1_000 },
        if quick { 5 } else { 10 },
    )
    .await;
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

/// Answers through the engine by `users` concurrent answerers on `posts` posts, against bare
/// single-row INSERT transactions of the same rows through the same one-writer setup.
async fn answers(dir: &tempfile::TempDir, figures: &mut Figures, users: u64, posts: usize) {
    let url = format!("sqlite:{}", dir.path().join("answers.db").display());
    let store = Store::open(&url).await.unwrap();
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
    let engine_elapsed = started.elapsed();
    let count = latencies.len();
    let engine_rate = count as f64 / engine_elapsed.as_secs_f64();
    let p99 = percentile(&mut latencies, 0.99);
    store.close().await;

    // The ceiling: the same answer rows, bare INSERTs, one transaction each, same pragmas.
    let pool = bare_pool(&url).await;
    sqlx::query("DELETE FROM answers")
        .execute(&pool)
        .await
        .unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..users)
        .map(|user| {
            let pool = pool.clone();
            let post_ids = post_ids.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(post_ids.len());
                for (post_id, key) in post_ids.iter() {
                    let begun = Instant::now();
                    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
                    sqlx::query(
                        "INSERT INTO answers (post_id, guild_id, user_id, exam, question_id, domain, task, choice, correct,
                            points, latency_ms, on_board, answered_at) VALUES (?, 1, ?, 'aif-c01', 'q', 1, '1.1', ?, 1, 15, 100, 1, ?)",
                    )
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
    let mut bare_latencies = Vec::new();
    for task in tasks {
        bare_latencies.extend(task.await.unwrap());
    }
    let bare_rate = count as f64 / started.elapsed().as_secs_f64();
    let bare_p99 = percentile(&mut bare_latencies, 0.99);
    pool.close().await;

    figures.add(
        format!("answers/s, engine, {users} concurrent answerers"),
        format!("{engine_rate:.0}/s"),
        "target 10,000/s",
    );
    figures.add(
        "answers/s, bare INSERT ceiling (same rows, same pragmas)",
        format!("{bare_rate:.0}/s"),
        "ceiling",
    );
    figures.add(
        "engine / ceiling",
        format!("{:.0}%", engine_rate / bare_rate * 100.0),
        "target 50%",
    );
    figures.add(
        "answer p99 latency, engine (queueing included)",
        ms(p99),
        format!("target 20 ms; bare p99 {}", ms(bare_p99)),
    );
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
