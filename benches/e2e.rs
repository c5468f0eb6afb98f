//! End-to-end benchmarks through the local Discord-compatible server with the real serenity
//! client: a burst of clicks on a channel question, the same burst against the real binary on
//! PostgreSQL (one process, and two processes holding one shard each), and the idle bot's memory.
//! Prints figures; fails nothing. Run with `cargo bench --bench e2e` (`-- --quick` for 200
//! members; `-- --members N` for N clicking members a guild; `-- --only burst|postgres|memory`
//! for one of the three). The PostgreSQL runs use a throwaway
//! server started from this machine's binaries, as the tests do, and are skipped (said so) where
//! there are none.
#![recursion_limit = "256"]

#[path = "../tests/fakecord/mod.rs"]
mod fakecord;
#[path = "../tests/common/postgres.rs"]
mod postgres;

use std::sync::Arc;
use std::time::{Duration, Instant};

use certsprint::bank;
use certsprint::clock::SystemClock;
use certsprint::config::Token;
use certsprint::discord::ids::Action;
use certsprint::discord::{run_until, Settings};
use certsprint::quiz::Engine;
use certsprint::random::RandomSource;
use certsprint::store::Store;
use fakecord::{FakeDiscord, GuildSpec, Interaction};
use serde_json::{json, Value};

const GUILD: u64 = 810_000_000_000_000_001;
const CHANNEL: u64 = 810_000_000_000_000_101;
const ADMIN_ROLE: u64 = 810_000_000_000_000_201;
const ADMIN: u64 = 710_000_000_000_000_001;
const MEMBER: u64 = 710_000_000_000_100_000;
const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAx.fake.bench-token-for-local-discord";

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let args: Vec<String> = std::env::args().collect();
    let members = args
        .iter()
        .position(|a| a == "--members")
        .and_then(|at| args.get(at + 1)?.parse().ok())
        .unwrap_or(if quick { 200 } else { 1_000 });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!(
            "certsprint end-to-end benchmarks ({} cores)\n",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        println!("{:<60} {:>14}  against", "measure", "figure");
        let only = args
            .iter()
            .position(|a| a == "--only")
            .and_then(|at| args.get(at + 1).cloned());
        let runs = |name: &str| only.as_deref().is_none_or(|only| only == name);
        if runs("burst") {
            burst(members).await;
        }
        if runs("postgres") {
            postgres_bursts(members).await;
        }
        if runs("memory") {
            idle_memory(if quick { 2_000 } else { 20_000 }).await;
        }
    });
}

fn world(members: u64) -> GuildSpec {
    world_of(GUILD, CHANNEL, members)
}

fn world_of(guild: u64, channel: u64, members: u64) -> GuildSpec {
    let mut guild = GuildSpec::new(guild, "bench")
        .channel(channel, "daily")
        .role(ADMIN_ROLE, "mods", 1 << 5)
        .member(ADMIN, "mod", vec![ADMIN_ROLE]);
    for n in 0..members {
        guild = guild.member(MEMBER + n, &format!("member{n}"), vec![]);
    }
    guild
}

fn milliseconds(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

/// `members` members click an answer within one second of each other.
async fn burst(members: u64) {
    let fake = FakeDiscord::start().await;
    fake.add_guild(world(members));
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let store = Store::open(&url).await.unwrap();
    let loaded = bank::load_layered(None).unwrap();
    let exam = loaded
        .bank
        .playable_exams()
        .next()
        .and_then(|e| loaded.bank.exam_id(&e.id))
        .expect("a bank with items");
    let engine = Engine::new(
        store.clone(),
        Arc::new(loaded.bank),
        Arc::new(SystemClock),
        Arc::new(RandomSource::seeded(3)),
    );
    let settings = Settings {
        token: Token::parse(Some(TOKEN)).unwrap(),
        api_url: Some(fake.base_url()),
        dev_guild: None,
        shards: None,
        gateway: Default::default(),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let bot = tokio::spawn(run_until(engine.clone(), settings, async {
        let _ = stopped.await;
    }));
    assert!(fake.wait_for_ready(Duration::from_secs(20)).await);
    fake.wait_for_commands(Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // A channel question, posted by the engine and Discord-side as /daily now would.
    let (post, question) = engine
        .claim_channel_post(GUILD, CHANNEL, &exam, None, chrono::Duration::hours(12))
        .await
        .unwrap();
    let publisher = certsprint::discord::DiscordPublisher::new(
        Arc::new(
            serenity::all::HttpBuilder::new(TOKEN)
                .proxy(fake.base_url())
                .ratelimiter_disabled(true)
                .build(),
        ),
        Arc::new(serenity::all::Cache::new()),
        engine.bank.clone(),
    );
    let message = certsprint::schedule::Publisher::publish(&publisher, &post, &question, None)
        .await
        .unwrap();
    engine
        .mark_posted(GUILD, post.post_id, message)
        .await
        .unwrap();
    let custom_id = match question.kind {
        certsprint::bank::Kind::Single => {
            format!("ans:{}:{}", post.post_id, question.key.letters())
        }
        _ => format!("sel:{}", post.post_id),
    };
    let values: Vec<String> = question.key.letters().chars().map(String::from).collect();

    let spacing = Duration::from_secs(1) / members as u32;
    let started = Instant::now();
    let mut interactions = Vec::new();
    for n in 0..members {
        let due = started + spacing * n as u32;
        tokio::time::sleep_until(due.into()).await;
        let interaction = if custom_id.starts_with("ans:") {
            fake.click(GUILD, CHANNEL, MEMBER + n, message, &custom_id)
                .await
        } else {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            fake.select(GUILD, CHANNEL, MEMBER + n, message, &custom_id, &values)
                .await
        };
        interactions.push(interaction);
    }
    let mut latencies = Vec::new();
    let mut unanswered = 0;
    for interaction in &interactions {
        if fake
            .response(interaction, Duration::from_secs(10))
            .await
            .is_none()
        {
            unanswered += 1;
            continue;
        }
        latencies.push(fake.response_latency(interaction).unwrap());
    }
    let over_3s = latencies
        .iter()
        .filter(|l| **l > Duration::from_secs(3))
        .count();
    let recorded = engine
        .reveal(store.post(GUILD, post.post_id).await.unwrap().unwrap())
        .await
        .unwrap()
        .answered;
    println!(
        "{:<60} {:>14}  every click",
        format!("clicks acknowledged ({members} members within 1 s)"),
        format!("{}/{members}", latencies.len())
    );
    println!("{:<60} {:>14}  ", "answers recorded", recorded);
    println!(
        "{:<60} {:>14}  target 300 ms",
        "click -> acknowledgement p50",
        format!(
            "{:.1} ms",
            percentile(&mut latencies, 0.50).as_secs_f64() * 1000.0
        )
    );
    println!(
        "{:<60} {:>14}  target 300 ms",
        "click -> acknowledgement p99",
        format!(
            "{:.1} ms",
            percentile(&mut latencies, 0.99).as_secs_f64() * 1000.0
        )
    );
    println!(
        "{:<60} {:>14}  target 0",
        "acknowledgements over 3 s (or never)",
        over_3s + unanswered
    );
    let _ = stop.send(());
    let _ = bot.await;
}

/// Resident memory of the real binary, idle, with the banks loaded and `members` members stored.
async fn idle_memory(members: u64) {
    let fake = FakeDiscord::start().await;
    fake.add_guild(world(10));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("idle.db");
    let url = format!("sqlite:{}", db.display());
    let store = Store::open(&url).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.ensure_guild(GUILD, chrono::Utc::now()).await.unwrap();
    for n in 0..members {
        tx.touch_member(GUILD, MEMBER + n, &format!("member{n}"), chrono::Utc::now())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    store.close().await;

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_certsprint"))
        .arg("run")
        .env("DISCORD_TOKEN", TOKEN)
        .env("DISCORD_API_URL", fake.base_url())
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let ready = fake.wait_for_ready(Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let rss_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    println!(
        "{:<60} {:>14}  target 50 MB",
        format!("idle RSS, banks loaded, {members} members stored (connected: {ready})"),
        format!("{:.1} MB", rss_kb as f64 / 1024.0)
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// Guilds on shard 0 and shard 1 of 2 (Discord's shard is `(guild_id >> 22) % total`).
const PG_GUILDS: [(u64, u64); 2] = [
    (200_000_000_000 << 22, 820_000_000_000_000_101),
    (200_000_000_001 << 22, 820_000_000_000_000_201),
];

/// The click burst against the real binary on PostgreSQL: one process, then two processes
/// (`--shards 0-0/2` and `1-1/2`) with the clicks split across their guilds.
async fn postgres_bursts(members: u64) {
    if postgres::postgres_binaries().is_none() {
        println!("PostgreSQL bursts: skipped, no PostgreSQL server binaries (initdb, pg_ctl)");
        return;
    }
    process_burst(&[None], &PG_GUILDS[..1], members).await;
    process_burst(&[Some("0-0/2"), Some("1-1/2")], &PG_GUILDS, members).await;
}

/// A `certsprint run` process, killed when dropped.
struct BotProcess(std::process::Child);

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until the guild's process answers commands (a harmless one, sent until answered).
async fn wait_until_served(fake: &FakeDiscord, guild: u64, channel: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let probe = fake.slash(guild, channel, ADMIN, "help", json!({})).await;
        if fake
            .response(&probe, Duration::from_secs(2))
            .await
            .is_some()
        {
            return;
        }
    }
    panic!("guild {guild} not served");
}

/// The reply to a command: its response, or the first followup after a defer.
async fn reply(fake: &FakeDiscord, interaction: &Interaction) -> Value {
    let response = fake
        .response(interaction, Duration::from_secs(30))
        .await
        .expect("the bot answered");
    if response["type"] != 5 {
        return response["data"].clone();
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while fake.followups(interaction).is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    fake.followups(interaction).remove(0)
}

/// `members` members of each guild click the right answer on its question, all within one
/// second, each guild served by the process holding its shard.
async fn process_burst(shards: &[Option<&str>], guilds: &[(u64, u64)], members: u64) {
    let database = postgres::database().await;
    let fake = FakeDiscord::start().await;
    for &(guild, channel) in guilds {
        fake.add_guild(world_of(guild, channel, members));
    }
    let processes: Vec<BotProcess> = shards
        .iter()
        .map(|range| {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_certsprint"));
            command.arg("run");
            if let Some(range) = range {
                command.args(["--shards", range]);
            }
            let child = command
                .env("DISCORD_TOKEN", TOKEN)
                .env("DISCORD_API_URL", fake.base_url())
                .env("DATABASE_URL", &database)
                .env("RUST_LOG", "error")
                .env_remove("CERTSPRINT_SHARDS")
                .env_remove("CERTSPRINT_QUESTIONS")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            BotProcess(child)
        })
        .collect();
    fake.wait_for_commands(Duration::from_secs(60)).await;
    let store = Store::open(&database).await.unwrap();
    let bank = bank::load_layered(None).unwrap().bank;
    // Each guild's admin posts a question with /daily now; the burst clicks its right answer.
    let mut targets = Vec::new();
    for &(guild, channel) in guilds {
        wait_until_served(&fake, guild, channel).await;
        let now = fake
            .slash(
                guild,
                channel,
                ADMIN,
                "daily now",
                json!({"channel": channel.to_string()}),
            )
            .await;
        reply(&fake, &now).await;
        let message = fake
            .wait_for_message(channel, Duration::from_secs(30), |_| true)
            .await
            .expect("the question was posted");
        let message_id: u64 = message["id"].as_str().unwrap().parse().unwrap();
        let post_id = message["components"][0]["components"][0]["custom_id"]
            .as_str()
            .and_then(Action::decode)
            .and_then(|action| action.post())
            .expect("a question message");
        let post = store.post(guild, post_id).await.unwrap().unwrap();
        let letters = bank.question(&post.question_id).unwrap().key.letters();
        let custom_id = Action::Answer {
            post: post_id,
            letters,
        }
        .encode();
        targets.push((guild, channel, message_id, custom_id));
    }

    let clicks = members * guilds.len() as u64;
    let spacing = Duration::from_secs(1) / clicks as u32;
    let pids: Vec<u32> = processes.iter().map(|p| p.0.id()).collect();
    let cpu_before = CpuUse::now(&pids);
    let started = Instant::now();
    let mut interactions = Vec::new();
    for n in 0..clicks {
        tokio::time::sleep_until((started + spacing * n as u32).into()).await;
        let (guild, channel, message, custom_id) = &targets[n as usize % targets.len()];
        let member = MEMBER + n / targets.len() as u64;
        interactions.push(
            fake.click(*guild, *channel, member, *message, custom_id)
                .await,
        );
    }
    let mut latencies = Vec::new();
    let mut right = 0;
    for interaction in &interactions {
        let Some(response) = fake.response(interaction, Duration::from_secs(10)).await else {
            continue;
        };
        right += usize::from(response.to_string().contains("Right!"));
        latencies.push(fake.response_latency(interaction).unwrap());
    }
    let cpu = CpuUse::now(&pids).since(&cpu_before);
    let wall = started.elapsed().as_secs_f64();
    let over_3s = latencies
        .iter()
        .filter(|l| **l > Duration::from_secs(3))
        .count();
    let unanswered = interactions.len() - latencies.len();
    if latencies.is_empty() {
        println!("PostgreSQL burst: no click was acknowledged");
        return;
    }
    let setup = match shards {
        [_] => "PostgreSQL, 1 process".to_string(),
        _ => format!("PostgreSQL, {} processes", shards.len()),
    };
    println!(
        "{:<60} {:>14}  every click",
        format!("{setup}: acknowledged ({clicks} clicks in 1 s)"),
        format!("{}/{clicks}", latencies.len())
    );
    println!(
        "{:<60} {:>14}  every click",
        format!("{setup}: acknowledged as right"),
        right
    );
    for (name, p) in [("p50", 0.50), ("p99", 0.99)] {
        println!(
            "{:<60} {:>14}  target 300 ms",
            format!("{setup}: click -> ack {name}"),
            milliseconds(percentile(&mut latencies, p))
        );
    }
    println!(
        "{:<60} {:>14}  target 0",
        format!("{setup}: acks over 3 s (or never)"),
        over_3s + unanswered
    );
    // Where the machine's time went from the first click to the last reply.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    for (name, seconds) in [
        ("bot process(es)", cpu.bots),
        ("local Discord + clicker", cpu.bench),
        ("PostgreSQL + rest of machine", cpu.rest()),
    ] {
        println!(
            "{:<60} {:>14}  of {:.2} s",
            format!("{setup}: CPU s, {name}"),
            format!("{seconds:.2}"),
            wall * cores
        );
    }
    store.close().await;
}

/// CPU seconds so far (Linux /proc, in USER_HZ ticks of 1/100 s): the bot processes', this
/// process's (the local Discord server and the clicker), and the whole machine's busy time.
struct CpuUse {
    bots: f64,
    bench: f64,
    machine: f64,
}

impl CpuUse {
    fn now(bots: &[u32]) -> CpuUse {
        CpuUse {
            bots: bots
                .iter()
                .map(|pid| process_seconds(&pid.to_string()))
                .sum(),
            bench: process_seconds("self"),
            machine: machine_busy_seconds(),
        }
    }

    fn since(&self, before: &CpuUse) -> CpuUse {
        CpuUse {
            bots: self.bots - before.bots,
            bench: self.bench - before.bench,
            machine: self.machine - before.machine,
        }
    }

    fn rest(&self) -> f64 {
        (self.machine - self.bots - self.bench).max(0.0)
    }
}

const TICKS_PER_SECOND: f64 = 100.0;

/// utime + stime of a process (fields 14 and 15 of /proc/PID/stat); 0 where unreadable.
fn process_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .map_or(vec![], |(_, rest)| rest.split(' ').collect());
    let tick = |index: usize| fields.get(index).and_then(|f| f.parse::<f64>().ok());
    match (tick(11), tick(12)) {
        (Some(user), Some(system)) => (user + system) / TICKS_PER_SECOND,
        _ => 0.0,
    }
}

/// Busy time of all cores (the first line of /proc/stat, less idle and iowait).
fn machine_busy_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|f| f.parse().ok())
        .collect();
    if ticks.len() < 8 {
        return 0.0;
    }
    // user nice system idle iowait irq softirq steal
    (ticks.iter().sum::<f64>() - ticks[3] - ticks[4]) / TICKS_PER_SECOND
}
