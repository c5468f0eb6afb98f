//! The command line as a user runs it: the binary, its exit codes and what it prints.

use std::io::Write;
use std::process::{Command, Stdio};

#[path = "common/mod.rs"]
mod common;

fn certsprint(dir: &tempfile::TempDir) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_certsprint"));
    command
        .current_dir(dir.path())
        .env_remove("DISCORD_TOKEN")
        .env_remove("DATABASE_URL")
        .env_remove("CERTSPRINT_QUESTIONS")
        .env_remove("DISCORD_API_URL")
        .env_remove("CERTSPRINT_BACKUP_DIR")
        .env_remove("CERTSPRINT_BACKUP_EVERY")
        .env_remove("CERTSPRINT_BACKUP_KEEP")
        .env_remove("CERTSPRINT_METRICS_ADDR")
        .env_remove("CERTSPRINT_METRICS_PUBLIC")
        .env_remove("CERTSPRINT_LOG_FORMAT")
        .env("NO_COLOR", "1");
    command
}

#[test]
fn run_without_a_token_says_what_to_do_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let output = certsprint(&dir).arg("run").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DISCORD_TOKEN is not set"), "{stderr}");
}

#[test]
fn a_bare_certsprint_runs_the_bot_with_the_environments_settings() {
    let dir = tempfile::tempdir().unwrap();
    let output = certsprint(&dir)
        .env("DISCORD_TOKEN", "x".repeat(40))
        .env("DISCORD_API_URL", "ftp://nope")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DISCORD_API_URL must be an http"),
        "the environment is read as `run` reads it: {stderr}"
    );
}

#[test]
fn a_bad_setting_is_named_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let output = certsprint(&dir)
        .args(["run"])
        .env("DISCORD_TOKEN", "x".repeat(40))
        .env("DISCORD_API_URL", "ftp://nope")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("DISCORD_API_URL must be an http"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = certsprint(&dir)
        .args([
            "run",
            "--backup-dir",
            "backups",
            "--backup-every",
            "24 hours",
        ])
        .env("DISCORD_TOKEN", "x".repeat(40))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(
            "CERTSPRINT_BACKUP_EVERY must be a duration such as 30m, 6h, 24h or 7d (got \"24 hours\")"
        ),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !dir.path().join("certsprint.db").exists(),
        "nothing starts on a bad setting"
    );
    let output = certsprint(&dir)
        .arg("migrate")
        .env("DATABASE_URL", "mysql://x")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains(
        "DATABASE_URL must be a SQLite URL such as sqlite:certsprint.db, or a PostgreSQL URL"
    ));
    // On PostgreSQL, backups belong to pg_dump and pg_restore: said before connecting anywhere.
    for command in [["backup", "copy.db"], ["restore", "copy.db"]] {
        let output = certsprint(&dir)
            .args(command)
            .env("DATABASE_URL", "postgres://certsprint@127.0.0.1:9/none")
            .output()
            .unwrap();
        assert!(!output.status.success());
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains("pg_dump and pg_restore"), "{said}");
    }
}

#[test]
fn migrate_creates_the_default_database_and_backup_copies_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = certsprint(&dir).arg("migrate").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        dir.path().join("certsprint.db").exists(),
        "the default database is created on first run"
    );
    let output = certsprint(&dir)
        .args(["backup", "copy.db"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("copy.db").exists());
    let again = certsprint(&dir)
        .args(["backup", "copy.db"])
        .output()
        .unwrap();
    assert!(!again.status.success(), "a backup never overwrites");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn bank_check_passes_on_the_shipped_banks_and_fails_with_file_and_line_on_a_bad_pack() {
    let dir = tempfile::tempdir().unwrap();
    let output = certsprint(&dir).args(["bank", "check"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("clean: 0 problem(s)"), "{stdout}");
    for code in [
        "AIF-C01 (aif-c01)",
        "MLA-C01 (mla-c01)",
        "AIP-C01 (aip-c01)",
    ] {
        assert!(stdout.contains(code), "{stdout}");
    }

    let pack = dir.path().join("packs/aif-c01");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::write(pack.join("extra.toml"), "[[question]]\nid = \"aif-1.1-900\"\ndomain = 1\ntask = \"1.1\"\nkind = \"single\"\ndifficulty = 1\nstem = \"What is it?\"\noptions = [\"a\", \"b\", \"c\", \"d\"]\nanswer = [\"E\"]\nexplanation = \"Because.\"\nreferences = [\"https://docs.aws.amazon.com/\"]\n").unwrap();
    let output = certsprint(&dir)
        .args(["bank", "check", "packs"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(
        stdout.contains(
            "extra.toml:9: aif-1.1-900: field `answer`: letter E is outside the options A-D"
        ),
        "{stdout}"
    );

    let json = certsprint(&dir)
        .args(["bank", "check", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["exams"].as_array().unwrap().len(), 4);
}

#[test]
fn practice_runs_in_the_terminal_and_keeps_answers_on_quit() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = certsprint(&dir)
        .args(["practice", "--exam", "aif-c01", "-n", "3"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"zzz\nq\n").unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("AIF-C01 practice: 3 questions."),
        "{stdout}"
    );
    assert!(stdout.contains("Question 1 of 3"), "{stdout}");
    assert!(
        stdout.contains("No questions answered this time."),
        "{stdout}"
    );
    assert!(dir.path().join("certsprint.db").exists());
}

/// Runs the binary in `dir`; asserts its exit and returns what it printed (stdout, stderr).
fn run_ok(dir: &tempfile::TempDir, args: &[&str], succeed: bool) -> (String, String) {
    let output = certsprint(dir).args(args).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    assert_eq!(
        output.status.success(),
        succeed,
        "{args:?}: {stdout}\n{stderr}"
    );
    (stdout, stderr)
}

/// A database with one migration this build does not have, as a newer certsprint would leave.
async fn add_unknown_migration(file: &std::path::Path) {
    use sqlx::Connection;
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite:{}", file.display()))
        .await
        .unwrap();
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) VALUES (9999, 'from the future', CURRENT_TIMESTAMP, 1, x'00', 1)")
        .execute(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();
}

#[tokio::test]
async fn restore_refuses_a_running_bot_a_damaged_copy_and_unknown_migrations() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(&dir, &["migrate"], true);
    run_ok(&dir, &["backup", "good.db"], true);

    // The bot is running: it holds the lock beside the database, and a second bot refuses too.
    let running =
        certsprint::database_lock::DatabaseLock::acquire(&dir.path().join("certsprint.db"))
            .unwrap();
    let (_, stderr) = run_ok(&dir, &["restore", "good.db"], false);
    assert!(
        stderr.contains("the bot is running on certsprint.db"),
        "{stderr}"
    );
    assert!(stderr.contains("stop it, then restore"), "{stderr}");
    let second = certsprint(&dir)
        .arg("run")
        .env("DISCORD_TOKEN", "x".repeat(40))
        .env("DISCORD_API_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert!(!second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stderr)
            .contains("another certsprint process is using certsprint.db"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    drop(running);

    // A damaged copy: the second page overwritten.
    let mut damaged = std::fs::read(dir.path().join("good.db")).unwrap();
    damaged[4096..8192].fill(0xA5);
    std::fs::write(dir.path().join("damaged.db"), damaged).unwrap();
    let (_, stderr) = run_ok(&dir, &["restore", "damaged.db"], false);
    assert!(
        stderr.contains("damaged.db is damaged and was not restored"),
        "{stderr}"
    );
    std::fs::write(
        dir.path().join("garbage.db"),
        "not a database at all".repeat(300),
    )
    .unwrap();
    let (_, stderr) = run_ok(&dir, &["restore", "garbage.db"], false);
    assert!(stderr.contains("garbage.db is damaged"), "{stderr}");

    // A copy from a newer build.
    std::fs::copy(dir.path().join("good.db"), dir.path().join("newer.db")).unwrap();
    add_unknown_migration(&dir.path().join("newer.db")).await;
    let (_, stderr) = run_ok(&dir, &["restore", "newer.db"], false);
    assert!(
        stderr.contains("migrations this build does not know (9999)"),
        "{stderr}"
    );

    // Nothing was touched by the refusals; a good copy goes in, the old database kept aside.
    assert!(!dir.path().join("certsprint.db.before-restore").exists());
    let (stdout, _) = run_ok(&dir, &["restore", "good.db"], true);
    assert!(
        stdout.contains("restored good.db to certsprint.db"),
        "{stdout}"
    );
    assert!(
        stdout.contains("kept as certsprint.db.before-restore"),
        "{stdout}"
    );
    assert!(dir.path().join("certsprint.db.before-restore").exists());
    assert!(!dir.path().join("certsprint.db.restoring").exists());
    run_ok(&dir, &["migrate"], true);
    // A second restore would overwrite the kept database: refused until it is moved away.
    let (_, stderr) = run_ok(&dir, &["restore", "good.db"], false);
    assert!(
        stderr.contains("certsprint.db.before-restore exists from an earlier restore"),
        "{stderr}"
    );
}

/// Serves one canned HTTP response to every connection (a stand-in for the bot's listener).
fn canned_listener(response: &'static str) -> std::net::SocketAddr {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    addr
}

#[test]
fn health_exits_0_when_healthy_and_1_with_the_reason_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let healthy =
        canned_listener("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
    let output = certsprint(&dir)
        .args(["health", "--metrics-addr", &healthy.to_string()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let unhealthy = canned_listener(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 41\r\nConnection: close\r\n\r\nno gateway shard is connected to Discord\n",
    );
    let output = certsprint(&dir)
        .arg("health")
        .env("CERTSPRINT_METRICS_ADDR", unhealthy.to_string())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("503") && stderr.contains("no gateway shard is connected"),
        "{stderr}"
    );

    // Nothing listening: the port of a listener that was closed again.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let output = certsprint(&dir)
        .args(["health", "--metrics-addr", &closed.to_string()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot connect"));

    let output = certsprint(&dir).arg("health").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("CERTSPRINT_METRICS_ADDR is not set"));
}

#[test]
fn run_refuses_a_metrics_address_other_machines_can_reach_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let output = certsprint(&dir)
        .arg("run")
        .env("DISCORD_TOKEN", "x".repeat(40))
        .env("CERTSPRINT_METRICS_ADDR", "0.0.0.0:9184")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("reachable from other machines")
            && stderr.contains("CERTSPRINT_METRICS_PUBLIC=true"),
        "{stderr}"
    );
    let output = certsprint(&dir)
        .arg("migrate")
        .env("CERTSPRINT_LOG_FORMAT", "yaml")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("CERTSPRINT_LOG_FORMAT must be text or json"));
}

/// `bank stats` on a database the engine filled: 30 members answer one channel question and
/// only 4 get it (a key to check); another guild answers too. It reads while a bot holds the
/// database, and never writes to it.
#[tokio::test]
async fn bank_stats_reads_the_answers_and_lists_the_key_to_check() {
    use std::sync::Arc;

    use certsprint::clock::ManualClock;
    use certsprint::quiz::{AnswerRequest, Engine};
    use certsprint::random::RandomSource;
    use certsprint::store::Store;

    const GUILD: u64 = 900_000_000_000_000_001;
    const OTHER_GUILD: u64 = 900_000_000_000_000_002;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bot.db");
    let store = Store::open(&format!("sqlite:{}", file.display()))
        .await
        .unwrap();
    let loaded = certsprint::bank::load_layered(None).unwrap();
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let engine = Engine::new(
        store.clone(),
        Arc::new(loaded.bank),
        clock.clone(),
        Arc::new(RandomSource::seeded(3)),
    );
    let exam = engine.bank.exam_id("aif-c01").unwrap();
    let mut asked = Vec::new();
    for (guild, members, right) in [(GUILD, 30u64, 4u64), (OTHER_GUILD, 3, 3)] {
        let (post, question) = engine
            .claim_channel_post(guild, 1, &exam, None, chrono::Duration::hours(1))
            .await
            .unwrap();
        engine.mark_posted(guild, post.post_id, 77).await.unwrap();
        for user in 0..members {
            let response = if user < right {
                certsprint::bank::Response(question.key.0.clone())
            } else {
                common::wrong_answer(&question)
            };
            let outcome = engine
                .answer(AnswerRequest {
                    guild,
                    post_id: post.post_id,
                    user: 10 + user,
                    display_name: "member",
                    response,
                })
                .await
                .unwrap();
            assert_eq!(outcome.correct, user < right);
            clock.advance(chrono::Duration::seconds(5));
        }
        asked.push(question.id.clone());
    }

    // The bot still runs: it holds the lock and its connections are open.
    let running = certsprint::database_lock::DatabaseLock::acquire(&file).unwrap();
    let (stdout, _) = run_ok(&dir, &["bank", "stats", "--db", "bot.db"], true);
    assert!(stdout.contains("Check the key"), "{stdout}");
    let flagged_line = stdout
        .lines()
        .find(|line| line.contains(&asked[0]))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        flagged_line.contains(" 30 ") && flagged_line.contains("13%"),
        "{flagged_line}"
    );
    assert!(flagged_line.contains("under 25% right"), "{flagged_line}");
    // Under it, where the answers went: every option's share, 100% in all.
    let picks = stdout
        .lines()
        .skip_while(|line| !line.contains(&asked[0]))
        .nth(1)
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(picks.trim_start().starts_with("picks: A "), "{picks}");
    let total: u32 = picks
        .split(['·', ' '])
        .filter_map(|part| part.strip_suffix('%')?.parse::<u32>().ok())
        .sum();
    assert!((99..=101).contains(&total), "{picks}");
    drop(running);
    store.close().await;

    let before = std::fs::read(&file).unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["bank", "stats", "--db", "bot.db", "--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&run_ok(&dir, &all, true).0).unwrap()
    };
    let guild = GUILD.to_string();
    let report = json(&["--guild", &guild]);
    assert_eq!(report["guild"], guild.as_str());
    let check = report["check_the_key"].as_array().unwrap();
    assert_eq!(check.len(), 1, "{report}");
    assert_eq!(check[0]["id"], asked[0].as_str());
    assert_eq!(
        (check[0]["answered"].as_u64(), check[0]["correct"].as_u64()),
        (Some(30), Some(4))
    );
    assert_eq!(check[0]["key_checks"][0], "low_share_right");
    assert!(
        (check[0]["share_right"].as_f64().unwrap() - 4.0 / 30.0).abs() < 1e-9,
        "{report}"
    );
    assert_eq!(check[0]["most_picked_wrong"]["count"], 26);
    // The other guild's members are its own, and every guild together holds both.
    let other = json(&["--guild", &OTHER_GUILD.to_string()]);
    assert_eq!(other["answers"], 3, "{other}");
    let everywhere = json(&[]);
    assert_eq!(everywhere["answers"], 33, "{everywhere}");
    let elsewhere = json(&["--exam", "aip-c01"]);
    assert_eq!(elsewhere["answers"], 0, "{elsewhere}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "read-only: the file is unchanged"
    );

    let (_, stderr) = run_ok(&dir, &["bank", "stats", "--db", "missing.db"], false);
    assert!(stderr.contains("missing.db does not exist"), "{stderr}");
}
