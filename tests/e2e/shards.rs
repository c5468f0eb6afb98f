//! Two real bot processes, one PostgreSQL: `certsprint run --shards 0-0/2` and `--shards 1-1/2`
//! against the local Discord, which routes each guild's events to the session of its shard as
//! Discord does. Members and admins act through the commands they run; each process posts the
//! schedules of its own guilds, exactly once, and one process dying (SIGKILL) takes only its own
//! shard offline: nothing it acknowledged is lost and nothing is posted or revealed twice when it
//! returns.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Timelike, Utc};
use serde_json::{json, Value};

use certsprint::bank::{self, Bank};
use certsprint::discord::ids::Action;
use certsprint::store::Store;

use crate::harness::*;
use crate::support::{FakeDiscord, GuildSpec, Interaction};

/// A guild on shard 0 of 2 and one on shard 1 of 2 (Discord's shard is `(id >> 22) % total`).
const GUILD_A: u64 = 200_000_000_000 << 22;
const GUILD_B: u64 = 200_000_000_001 << 22;
const CHANNEL_A: u64 = 830_000_000_000_000_101;
const CHANNEL_B: u64 = 830_000_000_000_000_201;
const ROLE_A: u64 = 830_000_000_000_000_102;
const ROLE_B: u64 = 830_000_000_000_000_202;
const ADMIN_A: u64 = 730_000_000_000_000_001;
const ADMIN_B: u64 = 730_000_000_000_000_002;
/// Members of A are MEMBER_A + n, of B MEMBER_B + n.
const MEMBER_A: u64 = 730_000_000_000_001_000;
const MEMBER_B: u64 = 730_000_000_000_002_000;
const MEMBERS: u64 = 10;
const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAx.fake.two-process-token";

fn guild(id: u64, channel: u64, role: u64, admin: u64, members: u64, prefix: &str) -> GuildSpec {
    let mut guild = GuildSpec::new(id, prefix)
        .channel(channel, "study")
        .role(role, "mods", MANAGE_GUILD)
        .member(admin, "mod", vec![role]);
    for n in 0..MEMBERS {
        guild = guild.member(members + n, &format!("{prefix}{n}"), vec![]);
    }
    guild
}

/// One `certsprint run` process; killed (SIGKILL) when dropped. Its log goes to a file, shown
/// when a test fails.
struct BotProcess {
    child: Child,
    log: PathBuf,
}

impl BotProcess {
    fn spawn(fake: &FakeDiscord, database: &str, shards: &str, log: PathBuf) -> BotProcess {
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_certsprint"))
            .args(["run", "--shards", shards])
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_API_URL", fake.base_url())
            .env("DATABASE_URL", database)
            .env("RUST_LOG", "warn")
            .env_remove("CERTSPRINT_SHARDS")
            .env_remove("CERTSPRINT_DEV_GUILD")
            .env_remove("CERTSPRINT_QUESTIONS")
            .env_remove("CERTSPRINT_METRICS_ADDR")
            .env_remove("CERTSPRINT_BACKUP_DIR")
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("start certsprint");
        BotProcess { child, log }
    }

    /// SIGKILL, as a crash or an OOM kill would end it.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!(
                "--- {} (last lines) ---\n{}",
                self.log.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
    }
}

/// Waits until a gateway session holds `shard` of 2.
async fn wait_for_shard(fake: &FakeDiscord, shard: u64) {
    wait_for(|| fake.live_shards().contains(&(shard, 2))).await;
}

/// Waits until the process holding the guild's shard handles commands: its session may be open
/// before the bot is set up to answer, so a harmless command is sent until one is answered.
async fn wait_until_served(fake: &FakeDiscord, guild: u64, channel: u64, user: u64) {
    let deadline = Instant::now() + WAIT;
    loop {
        let probe = fake.slash(guild, channel, user, "help", json!({})).await;
        if fake
            .response(&probe, StdDuration::from_secs(2))
            .await
            .is_some()
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "guild {guild} not served in {WAIT:?}"
        );
    }
}

/// The visible reply to an interaction: its response, or the first followup after a defer.
async fn reply(fake: &FakeDiscord, interaction: &Interaction) -> Value {
    let response = fake
        .response(interaction, WAIT)
        .await
        .expect("the bot answered the interaction");
    if response["type"] == 5 {
        wait_for(|| !fake.followups(interaction).is_empty()).await;
        return fake.followups(interaction).remove(0);
    }
    response["data"].clone()
}

async fn slash(
    fake: &FakeDiscord,
    guild: u64,
    channel: u64,
    user: u64,
    command: &str,
    options: Value,
) -> String {
    let interaction = fake.slash(guild, channel, user, command, options).await;
    text(&reply(fake, &interaction).await)
}

/// A question message: one that carries a post id.
fn is_question(message: &Value) -> bool {
    custom_ids(message)
        .iter()
        .any(|id| Action::decode(id).is_some_and(|action| action.post().is_some()))
}

fn questions_in(fake: &FakeDiscord, channel: u64) -> Vec<Value> {
    fake.channel_messages(channel)
        .into_iter()
        .filter(is_question)
        .collect()
}

/// The posted question, looked up as the bot would (read only).
async fn question_of(store: &Store, bank: &Bank, guild: u64, message: &Value) -> bank::Question {
    let post = store
        .post(guild, post_id_of(message))
        .await
        .unwrap()
        .expect("the post is stored");
    bank.question(&post.question_id).unwrap().as_ref().clone()
}

/// Answers and checks the verdict that acknowledges it.
async fn answer_and_check(
    fake: &FakeDiscord,
    question: &bank::Question,
    (guild, channel): (u64, u64),
    user: u64,
    message: &Value,
    correct: bool,
) {
    let response = answer_question(fake, question, guild, channel, user, message, correct).await;
    let verdict = text(&response["data"]);
    let expected = if correct { "Right!" } else { "Not quite" };
    assert!(verdict.contains(expected), "{user}: {verdict}");
}

/// Shard 0's guild A and shard 1's guild B each get a schedule for the next minute but one;
/// each posts once, members answer in both, the shard-1 process is killed mid-window while A's
/// members go on being answered, and on its return B's acknowledged answers are all there; the
/// admins' early reveals edit each question once.
#[tokio::test]
async fn two_processes_on_one_postgresql_each_serve_their_shard_and_survive_a_kill() {
    assert_eq!(GUILD_A >> 22 & 1, 0);
    assert_eq!(GUILD_B >> 22 & 1, 1);
    let database = crate::common::postgres::database().await;
    let fake = FakeDiscord::start().await;
    fake.add_guild(guild(
        GUILD_A, CHANNEL_A, ROLE_A, ADMIN_A, MEMBER_A, "alpha",
    ));
    fake.add_guild(guild(GUILD_B, CHANNEL_B, ROLE_B, ADMIN_B, MEMBER_B, "beta"));
    let logs = tempfile::tempdir().unwrap();
    let log = |name: &str| logs.path().join(name);

    let _first = BotProcess::spawn(&fake, &database, "0-0/2", log("shard0.log"));
    let mut second = BotProcess::spawn(&fake, &database, "1-1/2", log("shard1.log"));
    wait_for_shard(&fake, 0).await;
    wait_for_shard(&fake, 1).await;
    assert!(
        !fake.wait_for_commands(WAIT).await.is_empty(),
        "commands registered"
    );
    wait_until_served(&fake, GUILD_A, CHANNEL_A, ADMIN_A).await;
    wait_until_served(&fake, GUILD_B, CHANNEL_B, ADMIN_B).await;

    // Both admins schedule a question for the next minute but one, on the real clock.
    let at = (Utc::now() + Duration::minutes(2))
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    for (guild, channel, admin) in [(GUILD_A, CHANNEL_A, ADMIN_A), (GUILD_B, CHANNEL_B, ADMIN_B)] {
        let setup = json!({"channel": channel.to_string(), "exam": "aif-c01", "time": at.format("%H:%M").to_string(), "timezone": "UTC", "window": 1});
        let shown = slash(&fake, guild, channel, admin, "daily setup", setup).await;
        assert!(shown.contains("Scheduled"), "{shown}");
    }
    let on_time = StdDuration::from_secs(200);
    let post_a = fake
        .wait_for_message(CHANNEL_A, on_time, is_question)
        .await
        .expect("A's schedule posted");
    let post_b = fake
        .wait_for_message(CHANNEL_B, on_time, is_question)
        .await
        .expect("B's schedule posted");

    let store = Store::open(&database).await.unwrap();
    let bank = bank::load_layered(None).unwrap().bank;
    let question_a = question_of(&store, &bank, GUILD_A, &post_a).await;
    let question_b = question_of(&store, &bank, GUILD_B, &post_b).await;
    let right = |n: u64| n % 2 == 0;

    // Members answer in both guilds, each served by the process of its shard.
    for n in 0..4 {
        let a = (GUILD_A, CHANNEL_A);
        answer_and_check(&fake, &question_a, a, MEMBER_A + n, &post_a, right(n)).await;
        let b = (GUILD_B, CHANNEL_B);
        answer_and_check(&fake, &question_b, b, MEMBER_B + n, &post_b, right(n)).await;
    }

    // The shard-1 process dies mid-window; shard 0 goes on serving guild A meanwhile.
    second.kill();
    wait_for(|| !fake.live_shards().contains(&(1, 2))).await;
    for n in 4..6 {
        let a = (GUILD_A, CHANNEL_A);
        answer_and_check(&fake, &question_a, a, MEMBER_A + n, &post_a, right(n)).await;
    }
    assert!(
        fake.live_shards().contains(&(0, 2)),
        "shard 0 stayed connected"
    );

    // It comes back: B's acknowledged answers are all there, and B's members go on answering.
    let _second = BotProcess::spawn(&fake, &database, "1-1/2", log("shard1-again.log"));
    wait_for_shard(&fake, 1).await;
    wait_until_served(&fake, GUILD_B, CHANNEL_B, ADMIN_B).await;
    // A second answer, of any kind of question, is told which answer counts.
    let key_b = answer_id(post_id_of(&post_b), &question_b.key.letters());
    for n in 0..4 {
        let again = click_on(
            &fake,
            GUILD_B,
            CHANNEL_B,
            MEMBER_B + n,
            message_id(&post_b),
            &key_b,
        )
        .await;
        let shown = text(&again["data"]);
        assert!(
            shown.contains("You already answered"),
            "the answer acknowledged before the kill is kept: {shown}"
        );
    }
    for n in 4..8 {
        let b = (GUILD_B, CHANNEL_B);
        answer_and_check(&fake, &question_b, b, MEMBER_B + n, &post_b, right(n)).await;
    }

    // Leaderboards: every answer in each guild, the right ones scored, no guild's in the other.
    for (guild, channel, user, ranked, prefix, other) in [
        (GUILD_A, CHANNEL_A, MEMBER_A, 6, "alpha", "beta"),
        (GUILD_B, CHANNEL_B, MEMBER_B, 8, "beta", "alpha"),
    ] {
        let board = slash(
            &fake,
            guild,
            channel,
            user + 9,
            "leaderboard",
            json!({"period": "all"}),
        )
        .await;
        assert!(board.contains(&format!("{ranked} ranked")), "{board}");
        assert!(board.contains(&format!("{prefix}0")), "{board}");
        assert!(!board.contains(other), "{board}");
    }

    // Both admins wrap up: each question closes and is revealed once, by its shard's process,
    // with every acknowledged answer in its tally.
    for (guild, channel, admin, post, tally) in [
        (GUILD_A, CHANNEL_A, ADMIN_A, &post_a, "3 of 6"),
        (GUILD_B, CHANNEL_B, ADMIN_B, &post_b, "4 of 8"),
    ] {
        let shown = slash(&fake, guild, channel, admin, "daily reveal", json!({})).await;
        assert!(shown.contains("Closed its question"), "{shown}");
        let revealed = fake
            .wait_for_message(channel, WAIT, |m| {
                m["id"] == post["id"] && text(m).contains("Answer:")
            })
            .await
            .expect("revealed");
        assert!(text(&revealed).contains(tally), "{}", text(&revealed));
    }
    wait_until_served(&fake, GUILD_A, CHANNEL_A, ADMIN_A).await;
    for (channel, post) in [(CHANNEL_A, &post_a), (CHANNEL_B, &post_b)] {
        let path = format!("/channels/{channel}/messages/{}", message_id(post));
        let edits = fake
            .requests()
            .iter()
            .filter(|r| r.method == "PATCH" && r.path == path)
            .count();
        assert_eq!(edits, 1, "revealed once in {channel}");
    }

    // Each schedule posted exactly once, also after the restart; commands registered once,
    // by the process holding shard 0.
    wait_until_served(&fake, GUILD_B, CHANNEL_B, ADMIN_B).await;
    assert_eq!(questions_in(&fake, CHANNEL_A).len(), 1, "A posted once");
    assert_eq!(questions_in(&fake, CHANNEL_B).len(), 1, "B posted once");
    let registrations = fake
        .requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.path.ends_with("/commands"))
        .count();
    assert_eq!(registrations, 1, "commands registered once");
    let violations = fake.schema_violations();
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}
