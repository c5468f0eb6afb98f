//! End-to-end benchmarks through the local Discord-compatible server with the real serenity
//! client: a burst of clicks on a channel question, and the idle bot's memory. Prints figures;
//! fails nothing. Run with `cargo bench --bench e2e` (`-- --quick` for 200 members).
#![recursion_limit = "256"]

#[path = "../tests/fakecord/mod.rs"]
mod fakecord;

use std::sync::Arc;
use std::time::{Duration, Instant};

use certsprint::bank;
use certsprint::clock::SystemClock;
use certsprint::config::Token;
use certsprint::discord::{run_until, Settings};
use certsprint::quiz::Engine;
use certsprint::random::RandomSource;
use certsprint::store::Store;
use fakecord::{FakeDiscord, GuildSpec};

const GUILD: u64 = 810_000_000_000_000_001;
const CHANNEL: u64 = 810_000_000_000_000_101;
const ADMIN_ROLE: u64 = 810_000_000_000_000_201;
const ADMIN: u64 = 710_000_000_000_000_001;
const MEMBER: u64 = 710_000_000_000_100_000;
const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAx.fake.bench-token-for-local-discord";

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
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
        burst(if quick { 200 } else { 1_000 }).await;
        idle_memory(if quick { 2_000 } else { 20_000 }).await;
    });
}

fn world(members: u64) -> GuildSpec {
    let mut guild = GuildSpec::new(GUILD, "bench")
        .channel(CHANNEL, "daily")
        .role(ADMIN_ROLE, "mods", 1 << 5)
        .member(ADMIN, "mod", vec![ADMIN_ROLE]);
    for n in 0..members {
        guild = guild.member(MEMBER + n, &format!("member{n}"), vec![]);
    }
    guild
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
