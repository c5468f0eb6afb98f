//! Soak: the real binary (`certsprint run`, built by cargo bench into target/release) for
//! minutes against the local Discord-compatible server, under a steady mix of what a study
//! group does: members answering channel questions (buttons, selects, the step-by-step picker),
//! /quiz and its private questions, /stats show, /leaderboard, /daily now posts and scheduled
//! posts that reveal during the run, and a gateway reconnect every few minutes. Samples the
//! child's memory, file descriptors and database size after a warm-up and at the end, and checks
//! that every answer the bot acknowledged is in the database once it has stopped.
//!
//! `cargo bench --bench soak` runs 30 minutes; `-- --minutes N` (or `CERTSPRINT_SOAK_MINUTES=N`)
//! shortens it while iterating. Prints a table; fails nothing.
#![recursion_limit = "256"]

#[path = "../tests/fakecord/mod.rs"]
mod fakecord;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Timelike, Utc};
use rand::seq::{index, IndexedRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use tokio::sync::RwLock;

use certsprint::bank;
use certsprint::clock::SystemClock;
use certsprint::quiz::{Engine, ScheduleRequest};
use certsprint::random::RandomSource;
use certsprint::schedule::Rule;
use certsprint::store::Store;
use fakecord::{FakeDiscord, GuildSpec, Interaction};

const GUILD: u64 = 820_000_000_000_000_001;
const STUDY: u64 = 820_000_000_000_000_101;
const ADMIN_ROLE: u64 = 820_000_000_000_000_201;
const ADMIN: u64 = 720_000_000_000_000_001;
const MEMBER: u64 = 720_000_000_000_100_000;
const MEMBERS: u64 = 60;
const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAx.fake.soak-token-for-local-discord";

const DEFAULT_MINUTES: f64 = 30.0;
const WARM_UP: Duration = Duration::from_secs(60);
/// A channel question every two minutes, open for three: one or two are open at any time, and
/// each is revealed during the run.
const POST_EVERY: Duration = Duration::from_secs(120);
const WINDOW_MINUTES: u32 = 3;
/// Members answering each channel question, and how long after it appears they answer.
const ANSWERERS: std::ops::RangeInclusive<usize> = 20..=40;
const ANSWER_WITHIN_SECS: std::ops::Range<u64> = 3..150;
/// One slash command (/quiz, /stats show or /leaderboard, in turn) every five seconds.
const COMMAND_EVERY: Duration = Duration::from_secs(5);
const RECONNECT_EVERY: Duration = Duration::from_secs(240);
const RECONNECT_OFFSET: Duration = Duration::from_secs(90);
const SAMPLE_EVERY: Duration = Duration::from_secs(60);
/// How long to wait for any one response from the bot.
const WAIT: Duration = Duration::from_secs(30);
/// Discord's deadline for acknowledging an interaction.
const DISCORD_ACK_LIMIT: Duration = Duration::from_secs(3);
const RSS_GROWTH_TARGET_KB: i64 = 5 * 1024;

fn main() {
    let minutes = run_minutes();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(soak(Duration::from_secs_f64(minutes * 60.0)));
}

/// `--minutes N`, else `CERTSPRINT_SOAK_MINUTES`, else 30.
fn run_minutes() -> f64 {
    let args: Vec<String> = std::env::args().collect();
    let from_args = args
        .iter()
        .position(|a| a == "--minutes")
        .and_then(|i| args.get(i + 1).cloned());
    let text = from_args.or_else(|| std::env::var("CERTSPRINT_SOAK_MINUTES").ok());
    match text {
        Some(text) => match text.parse::<f64>() {
            Ok(minutes) if minutes >= 1.0 => minutes,
            _ => panic!("--minutes takes a number of minutes, at least 1: {text:?}"),
        },
        None => DEFAULT_MINUTES,
    }
}

/// One interaction the bench sent, and for an answer the post it answers.
struct Sent {
    kind: &'static str,
    interaction: Interaction,
    since_start: Duration,
    answers_post: Option<i64>,
}

/// What every driving task shares.
struct Shared {
    fake: Arc<FakeDiscord>,
    started: Instant,
    sent: Mutex<Vec<Sent>>,
    /// Held for reading while dispatching an interaction and for writing during a reconnect:
    /// the fake does not replay events a disconnected client missed, as Discord would on resume.
    gateway: RwLock<()>,
}

impl Shared {
    fn record(&self, kind: &'static str, interaction: &Interaction, answers_post: Option<i64>) {
        self.sent.lock().unwrap().push(Sent {
            kind,
            interaction: interaction.clone(),
            since_start: self.started.elapsed(),
            answers_post,
        });
    }

    async fn slash(
        &self,
        user: u64,
        kind: &'static str,
        command: &str,
        options: Value,
    ) -> Interaction {
        let _open = self.gateway.read().await;
        let interaction = self.fake.slash(GUILD, STUDY, user, command, options).await;
        self.record(kind, &interaction, None);
        interaction
    }

    async fn click(
        &self,
        user: u64,
        message: u64,
        custom_id: &str,
        kind: &'static str,
        post: Option<i64>,
    ) -> Interaction {
        let _open = self.gateway.read().await;
        let interaction = self
            .fake
            .click(GUILD, STUDY, user, message, custom_id)
            .await;
        self.record(kind, &interaction, post);
        interaction
    }

    async fn select(
        &self,
        user: u64,
        message: u64,
        custom_id: &str,
        values: &[&str],
        kind: &'static str,
        post: Option<i64>,
    ) -> Interaction {
        let _open = self.gateway.read().await;
        let interaction = self
            .fake
            .select(GUILD, STUDY, user, message, custom_id, values)
            .await;
        self.record(kind, &interaction, post);
        interaction
    }
}

/// The process figures sampled during the run.
#[derive(Debug, Clone, Copy)]
struct Sample {
    rss_kb: i64,
    fds: i64,
    db_bytes: i64,
}

fn sample(pid: u32, db: &Path) -> Sample {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss_kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(-1);
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(-1, |d| d.count() as i64);
    let size = |path: PathBuf| std::fs::metadata(path).map_or(0, |m| m.len() as i64);
    let db_bytes = size(db.to_path_buf()) + size(with_suffix(db, "-wal"));
    Sample {
        rss_kb,
        fds,
        db_bytes,
    }
}

/// The child's open descriptors by what they point at (socket, anon_inode:[eventpoll], a file...).
fn fd_kinds(pid: u32) -> String {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for entry in std::fs::read_dir(format!("/proc/{pid}/fd"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let target = std::fs::read_link(entry.path()).unwrap_or_default();
        let target = target.to_string_lossy();
        let kind = match target.split_once(':') {
            Some((kind, rest)) if kind == "anon_inode" => format!("{kind}:{rest}"),
            Some((kind, _)) => kind.to_string(),
            None if target.ends_with("-wal") => "database -wal".to_string(),
            None if target.ends_with("-shm") => "database -shm".to_string(),
            None if target.ends_with(".db") => "database".to_string(),
            None => "other file".to_string(),
        };
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    kinds.sort();
    let shown: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    shown.join(", ")
}

/// Waits until the bot has a gateway session again, rechecking every half second (a wake-up
/// that lands between a check and the wait is not missed for long).
async fn wait_for_session(fake: &FakeDiscord, limit: Duration) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if fake.wait_for_ready(Duration::from_millis(500)).await {
            return true;
        }
    }
    false
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn world() -> GuildSpec {
    let mut guild = GuildSpec::new(GUILD, "soak")
        .channel(STUDY, "daily")
        .role(ADMIN_ROLE, "mods", 1 << 5)
        .member(ADMIN, "mod", vec![ADMIN_ROLE]);
    for n in 0..MEMBERS {
        guild = guild.member(MEMBER + n, &format!("member{n}"), vec![]);
    }
    guild
}

/// The channel's schedule, saved through the engine before the bot starts: /daily setup offers
/// windows of an hour or more, and the run must see its posts revealed. Its daily occurrence
/// falls a few minutes into the run, so the scheduler posts once too; /daily now uses its window.
async fn seed_schedule(url: &str) {
    let store = Store::open(url).await.unwrap();
    let loaded = bank::load_layered(None).unwrap();
    let engine = Engine::new(
        store.clone(),
        Arc::new(loaded.bank),
        Arc::new(SystemClock),
        Arc::new(RandomSource::seeded(5)),
    );
    let at = Utc::now() + chrono::Duration::minutes(5);
    let at = at.with_second(0).unwrap();
    engine
        .set_up_schedule(ScheduleRequest {
            guild: GUILD,
            channel: STUDY,
            exam: "all".to_string(),
            rule: Rule::parse(&at.format("%H:%M").to_string(), "UTC", "daily").unwrap(),
            window_minutes: WINDOW_MINUTES,
            mention_role: None,
            created_by: ADMIN,
        })
        .await
        .unwrap();
    store.close().await;
}

fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The status line of GET /healthz.
async fn healthz(addr: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let ask = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut reply = String::new();
        stream.read_to_string(&mut reply).await.ok()?;
        let status = reply.lines().next()?.trim().to_string();
        let body = reply
            .split("\r\n\r\n")
            .nth(1)
            .unwrap_or("")
            .trim()
            .to_string();
        Some(format!("{status} {body}"))
    };
    tokio::time::timeout(Duration::from_secs(5), ask)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| "unreachable".to_string())
}

/// A button or select on a message.
struct Part {
    custom_id: String,
    disabled: bool,
    values: Vec<String>,
    min_values: usize,
    max_values: usize,
}

fn parts(components: &Value) -> Vec<Part> {
    let rows = components.as_array().cloned().unwrap_or_default();
    rows.iter()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| {
            let values: Vec<String> = c["options"]
                .as_array()
                .map(|o| {
                    o.iter()
                        .filter_map(|o| o["value"].as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            Some(Part {
                custom_id: c["custom_id"].as_str()?.to_string(),
                disabled: c["disabled"].as_bool().unwrap_or(false),
                min_values: c["min_values"].as_u64().unwrap_or(1) as usize,
                max_values: c["max_values"].as_u64().unwrap_or(1) as usize,
                values,
            })
        })
        .collect()
}

/// The post a custom_id names: `ans:P:..`, `sel:P`, `open:P`, `pick:P:..`.
fn post_of(custom_id: &str) -> Option<i64> {
    custom_id.split(':').nth(1)?.parse().ok()
}

fn id_of(message: &Value) -> Option<u64> {
    message["id"].as_str()?.parse().ok()
}

/// An open question: answer components that are not disabled (a reveal disables them).
fn is_open_question(message: &Value) -> bool {
    parts(&message["components"]).iter().any(|p| {
        !p.disabled
            && ["ans:", "sel:", "open:"]
                .iter()
                .any(|prefix| p.custom_id.starts_with(prefix))
    })
}

fn is_revealed_question(message: &Value) -> bool {
    let parts = parts(&message["components"]);
    parts.iter().any(|p| {
        p.custom_id.starts_with("ans:")
            || p.custom_id.starts_with("sel:")
            || p.custom_id.starts_with("open:")
    }) && parts.iter().all(|p| p.disabled)
}

/// Answers the question on `message` as `user` through whatever it offers: a button, a select,
/// or the step-by-step picker (ordering and matching).
async fn answer(shared: &Shared, user: u64, message: u64, rng: &mut ChaCha8Rng) {
    let Some(question) = shared.fake.message(message) else {
        return;
    };
    let offered = parts(&question["components"]);
    if let Some(open) = offered.iter().find(|p| p.custom_id.starts_with("open:")) {
        return pick(shared, user, message, &open.custom_id, rng).await;
    }
    if let Some(select) = offered.iter().find(|p| p.custom_id.starts_with("sel:")) {
        let count = rng.random_range(select.min_values..=select.max_values.max(select.min_values));
        let chosen: Vec<&str> =
            index::sample(rng, select.values.len(), count.min(select.values.len()))
                .into_iter()
                .map(|i| select.values[i].as_str())
                .collect();
        shared
            .select(
                user,
                message,
                &select.custom_id,
                &chosen,
                "answer",
                post_of(&select.custom_id),
            )
            .await;
        return;
    }
    let buttons: Vec<&Part> = offered
        .iter()
        .filter(|p| p.custom_id.starts_with("ans:"))
        .collect();
    if let Some(button) = buttons.choose(rng) {
        shared
            .click(
                user,
                message,
                &button.custom_id,
                "answer",
                post_of(&button.custom_id),
            )
            .await;
    }
}

/// The step-by-step picker: open it, pick until the answer button appears, press it.
async fn pick(shared: &Shared, user: u64, message: u64, open: &str, rng: &mut ChaCha8Rng) {
    let opened = shared.click(user, message, open, "picker", None).await;
    let Some(response) = shared.fake.response(&opened, WAIT).await else {
        return;
    };
    let Some(picker) = shared.fake.original(&opened).as_ref().and_then(id_of) else {
        return;
    };
    let mut components = response["data"]["components"].clone();
    for _ in 0..12 {
        let offered = parts(&components);
        if let Some(select) = offered
            .iter()
            .find(|p| p.custom_id.starts_with("pick:") && !p.disabled)
        {
            let Some(value) = select.values.choose(rng) else {
                return;
            };
            let step = shared
                .select(user, picker, &select.custom_id, &[value], "picker", None)
                .await;
            let Some(response) = shared.fake.response(&step, WAIT).await else {
                return;
            };
            components = response["data"]["components"].clone();
        } else if let Some(done) = offered
            .iter()
            .find(|p| p.custom_id.starts_with("ans:") && !p.disabled)
        {
            shared
                .click(
                    user,
                    picker,
                    &done.custom_id,
                    "answer",
                    post_of(&done.custom_id),
                )
                .await;
            return;
        } else {
            return;
        }
    }
}

/// A member's private /quiz: ask, read the question a little later, answer it.
async fn quiz(shared: Arc<Shared>, user: u64, seed: u64, deadline: Instant) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let exam = ["aif-c01", "mla-c02", "aip-c01"].choose(&mut rng).unwrap();
    let asked = shared
        .slash(user, "/quiz", "quiz", json!({"exam": exam}))
        .await;
    let think = Duration::from_secs(rng.random_range(5..40));
    if Instant::now() + think > deadline {
        return;
    }
    tokio::time::sleep(think).await;
    if shared.fake.response(&asked, WAIT).await.is_none() {
        return;
    }
    if let Some(question) = shared.fake.original(&asked).as_ref().and_then(id_of) {
        answer(&shared, user, question, &mut rng).await;
    }
}

fn percentile(samples: &mut [Duration], p: f64) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_unstable();
    Some(samples[((samples.len() as f64 - 1.0) * p).round() as usize])
}

fn ms(d: Option<Duration>) -> String {
    d.map_or("-".to_string(), |d| {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    })
}

fn mb(bytes: i64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

fn signed_mb(bytes: i64) -> String {
    format!("{:+.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

async fn soak(length: Duration) {
    let warm_up = WARM_UP.min(length / 3);
    println!(
        "certsprint soak: {:.1} minutes ({} s warm-up), {} cores, started {}\n",
        length.as_secs_f64() / 60.0,
        warm_up.as_secs(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    let fake = FakeDiscord::start().await;
    fake.add_guild(world());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("soak.db");
    let url = format!("sqlite:{}", db.display());
    seed_schedule(&url).await;
    let metrics_addr = format!("127.0.0.1:{}", free_loopback_port());
    let log_path = dir.path().join("bot.log");
    let log = std::fs::File::create(&log_path).unwrap();

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_certsprint"))
        .arg("run")
        .env("DISCORD_TOKEN", TOKEN)
        .env("DISCORD_API_URL", fake.base_url())
        .env("DATABASE_URL", &url)
        .env("CERTSPRINT_METRICS_ADDR", &metrics_addr)
        .env("RUST_LOG", "warn")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let pid = child.id();
    let connected = fake.wait_for_ready(Duration::from_secs(60)).await;
    let commands = fake.wait_for_commands(Duration::from_secs(60)).await;
    assert!(
        connected && !commands.is_empty(),
        "the bot connected ({connected}) and registered its commands ({})",
        commands.len()
    );

    let shared = Arc::new(Shared {
        fake: fake.clone(),
        started: Instant::now(),
        sent: Mutex::new(Vec::new()),
        gateway: RwLock::new(()),
    });
    let started = shared.started;
    let deadline = started + length;
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    let mut tasks = tokio::task::JoinSet::new();
    let mut seen_posts: HashSet<u64> = HashSet::new();
    let mut next_post = started + Duration::from_secs(10);
    let mut next_command = started + Duration::from_secs(3);
    let mut next_reconnect = started + RECONNECT_OFFSET;
    let mut next_sample = started;
    let mut command_turn = 0usize;
    let mut reconnect_times: Vec<Duration> = Vec::new();
    let mut failed_reconnects = 0usize;
    let mut trend: Vec<Sample> = Vec::new();
    let mut start_sample = None;
    let mut health_start = String::new();

    // One tick a second until the deadline: every loop below is bounded by it.
    while Instant::now() < deadline {
        let now = Instant::now();
        if start_sample.is_none() && now >= started + warm_up {
            start_sample = Some(sample(pid, &db));
            health_start = healthz(&metrics_addr).await;
        }
        if now >= next_sample {
            trend.push(sample(pid, &db));
            next_sample += SAMPLE_EVERY;
        }
        if now >= next_post {
            let shared = shared.clone();
            tasks.spawn(async move {
                let asked = shared
                    .slash(ADMIN, "/daily now", "daily now", json!({}))
                    .await;
                let _ = shared.fake.response(&asked, WAIT).await;
            });
            next_post += POST_EVERY;
        }
        if now >= next_command {
            let user = MEMBER + rng.random_range(0..MEMBERS);
            let shared = shared.clone();
            match command_turn % 3 {
                0 => {
                    tasks.spawn(quiz(shared, user, rng.random(), deadline));
                }
                1 => {
                    tasks.spawn(async move {
                        shared
                            .slash(user, "/stats show", "stats show", json!({}))
                            .await;
                    });
                }
                _ => {
                    let period = *["week", "month", "all"].choose(&mut rng).unwrap();
                    tasks.spawn(async move {
                        shared
                            .slash(
                                user,
                                "/leaderboard",
                                "leaderboard",
                                json!({"period": period}),
                            )
                            .await;
                    });
                }
            }
            command_turn += 1;
            next_command += COMMAND_EVERY;
        }
        // New channel questions (from /daily now or the schedule): a share of the members
        // answers each, spread over the next minutes.
        for question in fake.channel_messages(STUDY) {
            let Some(id) = id_of(&question) else { continue };
            if !is_open_question(&question) || !seen_posts.insert(id) {
                continue;
            }
            let answerers = rng.random_range(ANSWERERS);
            for n in index::sample(&mut rng, MEMBERS as usize, answerers) {
                let due =
                    Instant::now() + Duration::from_secs(rng.random_range(ANSWER_WITHIN_SECS));
                if due + Duration::from_secs(5) > deadline {
                    continue;
                }
                let seed: u64 = rng.random();
                let shared = shared.clone();
                tasks.spawn(async move {
                    tokio::time::sleep_until(due.into()).await;
                    let mut rng = ChaCha8Rng::seed_from_u64(seed);
                    answer(&shared, MEMBER + n as u64, id, &mut rng).await;
                });
            }
        }
        if now >= next_reconnect {
            let _closed = shared.gateway.write().await;
            let dropped = Instant::now();
            fake.drop_gateway_connections().await;
            if !wait_for_session(&fake, Duration::from_secs(120)).await {
                failed_reconnects += 1;
            }
            reconnect_times.push(dropped.elapsed());
            next_reconnect += RECONNECT_EVERY;
        }
        while tasks.try_join_next().is_some() {}
        tokio::time::sleep(Duration::from_secs(1)).await;
    }

    let end_sample = sample(pid, &db);
    let end_fd_kinds = fd_kinds(pid);
    trend.push(end_sample);
    let health_end = healthz(&metrics_addr).await;
    let start_sample = start_sample.unwrap_or(trend[0]);
    // Let the last answers and commands finish (each waits at most WAIT per response).
    let drained = tokio::time::timeout(Duration::from_secs(180), async {
        while tasks.join_next().await.is_some() {}
    })
    .await
    .is_ok();
    tasks.abort_all();

    // Which answers the bot acknowledged as recorded, and how fast each interaction was acknowledged.
    let sent = std::mem::take(&mut *shared.sent.lock().unwrap());
    let mut acknowledged: HashSet<(i64, u64)> = HashSet::new();
    let mut refused_answers = 0usize;
    let mut unanswered = 0usize;
    let mut over_limit = 0usize;
    let mut start_latencies = Vec::new();
    let mut end_latencies = Vec::new();
    let window = Duration::from_secs(300).min((length - warm_up) / 4);
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for s in &sent {
        match kinds.iter_mut().find(|(k, _)| *k == s.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((s.kind, 1)),
        }
        let Some(response) = fake.response(&s.interaction, Duration::from_secs(5)).await else {
            unanswered += 1;
            continue;
        };
        let latency = fake
            .response_latency(&s.interaction)
            .unwrap_or(Duration::MAX);
        if latency > DISCORD_ACK_LIMIT {
            over_limit += 1;
        }
        if s.since_start >= warm_up && s.since_start < warm_up + window {
            start_latencies.push(latency);
        }
        if s.since_start + window >= length && s.since_start < length {
            end_latencies.push(latency);
        }
        if let Some(post) = s.answers_post {
            let shown = response["data"].to_string();
            if shown.contains("Right!") || shown.contains("Not quite.") {
                acknowledged.insert((post, s.interaction.user));
            } else {
                refused_answers += 1;
            }
        }
    }
    let messages = fake.channel_messages(STUDY);
    let revealed = messages.iter().filter(|m| is_revealed_question(m)).count();

    // Stop the bot as an admin's service manager would, then read what it kept.
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let stop_by = Instant::now() + Duration::from_secs(30);
    let mut stopped_cleanly = false;
    while Instant::now() < stop_by {
        if let Ok(Some(status)) = child.try_wait() {
            stopped_cleanly = status.success();
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let stored = stored_answers(&db).await;
    let missing = acknowledged.iter().filter(|a| !stored.contains(a)).count();
    let log_text = std::fs::read_to_string(&log_path).unwrap_or_default();
    let warnings = log_text.lines().filter(|l| l.contains("WARN")).count();
    let errors: Vec<&str> = log_text.lines().filter(|l| l.contains("ERROR")).collect();
    let warning_lines: Vec<&str> = log_text.lines().filter(|l| l.contains("WARN")).collect();

    let mut start_p99 = start_latencies.clone();
    let mut end_p99 = end_latencies.clone();
    let start_p99 = percentile(&mut start_p99, 0.99);
    let end_p99 = percentile(&mut end_p99, 0.99);
    let rss_growth = end_sample.rss_kb - start_sample.rss_kb;
    let fd_growth = end_sample.fds - start_sample.fds;
    let yes_no = |met: bool| if met { "yes" } else { "NO" };

    row("measure", "start", "end", "growth", "target", "met");
    row(
        "resident memory (VmRSS)",
        &mb(start_sample.rss_kb * 1024),
        &mb(end_sample.rss_kb * 1024),
        &signed_mb(rss_growth * 1024),
        "growth < 5 MB",
        yes_no(rss_growth < RSS_GROWTH_TARGET_KB),
    );
    row(
        "open file descriptors",
        &start_sample.fds.to_string(),
        &end_sample.fds.to_string(),
        &format!("{fd_growth:+}"),
        "no growth",
        yes_no(fd_growth <= 0),
    );
    row(
        "database size (file + -wal)",
        &mb(start_sample.db_bytes),
        &mb(end_sample.db_bytes),
        &signed_mb(end_sample.db_bytes - start_sample.db_bytes),
        "(reported)",
        "",
    );
    let p99_growth = match (start_p99, end_p99) {
        (Some(a), Some(b)) => format!("{:+.1} ms", (b.as_secs_f64() - a.as_secs_f64()) * 1000.0),
        _ => "-".to_string(),
    };
    row(
        &format!("acknowledgement p99 ({} s windows)", window.as_secs()),
        &ms(start_p99),
        &ms(end_p99),
        &p99_growth,
        "(reported)",
        "",
    );
    row(
        "acknowledged answers present in the database",
        "",
        &format!("{}/{}", acknowledged.len() - missing, acknowledged.len()),
        "",
        "all",
        yes_no(missing == 0 && !acknowledged.is_empty()),
    );

    println!("\nwhat was driven:");
    let mix: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("  interactions sent: {} ({})", sent.len(), mix.join(", "));
    println!(
        "  answers acknowledged as recorded: {}; refused (closed or already answered): {refused_answers}",
        acknowledged.len()
    );
    println!(
        "  answers in the database: {}; interactions never acknowledged: {unanswered}; acknowledged after 3 s: {over_limit}",
        stored.len()
    );
    println!(
        "  channel questions posted: {}; revealed during the run: {revealed}",
        seen_posts.len()
    );
    let reconnects = reconnect_times.len();
    println!(
        "  gateway reconnects: {reconnects} (back within 120 s: {}; slowest {:.1} s)",
        reconnects - failed_reconnects,
        percentile(&mut reconnect_times, 1.0).map_or(0.0, |d| d.as_secs_f64())
    );
    println!("  /healthz after the warm-up: {health_start}; at the end: {health_end}");
    println!(
        "  stopped on SIGTERM within 30 s: {stopped_cleanly}; tasks drained: {drained}; log lines: {warnings} WARN, {} ERROR",
        errors.len()
    );
    for line in errors.iter().chain(&warning_lines).take(5) {
        println!("    {}", line.chars().take(200).collect::<String>());
    }
    let rss: Vec<String> = trend
        .iter()
        .map(|s| format!("{:.1}", s.rss_kb as f64 / 1024.0))
        .collect();
    let fds: Vec<String> = trend.iter().map(|s| s.fds.to_string()).collect();
    println!("  RSS by minute (MB): {}", rss.join(" "));
    println!("  open fds by minute: {}", fds.join(" "));
    println!("  open fds at the end by kind: {end_fd_kinds}");
}

fn row(measure: &str, start: &str, end: &str, growth: &str, target: &str, met: &str) {
    println!("{measure:<44} {start:>12} {end:>12} {growth:>12}  {target:<22} {met}");
}

/// Every (post, member) answer in the database, read through a read-only connection.
async fn stored_answers(db: &Path) -> HashSet<(i64, u64)> {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .read_only(true);
    let mut connection = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("open the database read-only");
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT post_id, user_id FROM answers WHERE guild_id = ?")
            .bind(GUILD as i64)
            .fetch_all(&mut connection)
            .await
            .unwrap();
    let _ = connection.close().await;
    rows.into_iter().map(|(p, u)| (p, u as u64)).collect()
}
