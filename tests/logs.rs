#![recursion_limit = "256"]
//! The bot token never shows: not in a log line (text or JSON, at the most verbose level), not
//! in an error a failed start prints, not in a reply Discord receives. The real binary runs
//! against the local Discord-compatible server, through a refused start and a normal run.

#[path = "fakecord/mod.rs"]
mod support;

use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use serde_json::json;
use support::{FakeDiscord, GuildSpec};

const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAx.fake.never-print-this-secret-7Q2x";
/// What identifies the token if it were cut or encoded: its secret part.
const SECRET_PART: &str = "never-print-this-secret";
const GUILD: u64 = 800_000_000_000_000_001;
const STUDY: u64 = 800_000_000_000_000_101;
const MEMBER: u64 = 700_000_000_000_001_000;
const WAIT: Duration = Duration::from_secs(30);

fn bot(dir: &tempfile::TempDir, fake: &FakeDiscord, format: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_certsprint"));
    command
        .current_dir(dir.path())
        .arg("run")
        .env_remove("CERTSPRINT_QUESTIONS")
        .env_remove("CERTSPRINT_DEV_GUILD")
        .env_remove("CERTSPRINT_METRICS_PUBLIC")
        .env("DISCORD_TOKEN", TOKEN)
        .env("DATABASE_URL", "sqlite:bot.db")
        .env("DISCORD_API_URL", fake.base_url())
        .env("CERTSPRINT_LOG_FORMAT", format)
        .env("CERTSPRINT_METRICS_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "1")
        .env("NO_COLOR", "1");
    // Into files, not pipes: a full pipe would stall a bot logging at trace level.
    let file = |name: &str| Stdio::from(std::fs::File::create(dir.path().join(name)).unwrap());
    command
        .stdout(file("stdout.log"))
        .stderr(file("stderr.log"));
    command
}

/// Everything the bot printed on stdout and stderr.
fn printed(dir: &tempfile::TempDir) -> String {
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    format!("{}{}", read("stdout.log"), read("stderr.log"))
}

fn assert_no_token(what: &str, text: &str) {
    assert!(
        !text.contains(TOKEN) && !text.contains(SECRET_PART),
        "the token shows in {what}"
    );
}

/// Stops the bot as a service manager would (SIGTERM) and collects what it printed.
fn stop(mut child: std::process::Child) -> ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().unwrap()
}

#[tokio::test]
async fn a_refused_start_prints_no_token() {
    let fake = FakeDiscord::start().await;
    // Discord refuses the token: REST answers 401 and the gateway closes with 4004.
    fake.revoke_token(TOKEN).await;
    for format in ["text", "json"] {
        let dir = tempfile::tempdir().unwrap();
        let status = tokio::task::spawn_blocking({
            let mut command = bot(&dir, &fake, format);
            move || command.status().unwrap()
        })
        .await
        .unwrap();
        assert!(!status.success(), "a refused token ends the start");
        let printed = printed(&dir);
        assert!(printed.contains("error"), "{printed}");
        assert_no_token(&format!("the {format} output of a refused start"), &printed);
    }
}

#[tokio::test]
async fn a_normal_run_logs_no_token_in_any_line_or_reply() {
    let fake = FakeDiscord::start().await;
    fake.add_guild(
        GuildSpec::new(GUILD, "study group")
            .channel(STUDY, "study")
            .member(MEMBER, "member", vec![]),
    );
    let dir = tempfile::tempdir().unwrap();
    let child = bot(&dir, &fake, "json").spawn().unwrap();
    assert!(fake.wait_for_ready(WAIT).await, "the bot did not connect");
    assert!(!fake.wait_for_commands(WAIT).await.is_empty());
    tokio::time::sleep(Duration::from_millis(300)).await;

    // A command that works, and one refused with an error reply (not an admin).
    let help = fake.slash(GUILD, STUDY, MEMBER, "help", json!({})).await;
    let refused = fake
        .slash(GUILD, STUDY, MEMBER, "daily now", json!({}))
        .await;
    for interaction in [&help, &refused] {
        let response = fake.response(interaction, WAIT).await.expect("a reply");
        assert_no_token("a reply", &response.to_string());
        for followup in fake.followups(interaction) {
            assert_no_token("a followup", &followup.to_string());
        }
    }
    for request in fake.requests() {
        assert_no_token("a request body", &format!("{request:?}"));
    }

    let status = tokio::task::spawn_blocking(move || stop(child))
        .await
        .unwrap();
    let printed = printed(&dir);
    assert!(status.success(), "{printed}");
    let lines: Vec<&str> = printed.lines().collect();
    assert!(lines.len() > 50, "trace level logs a lot: {printed}");
    for line in &lines {
        let parsed: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|error| panic!("not a JSON log line ({error}): {line}"));
        assert!(parsed["level"].is_string(), "{line}");
    }
    assert!(printed.contains("interaction"), "interactions are logged");
    assert_no_token("the JSON logs of a normal run", &printed);
}
