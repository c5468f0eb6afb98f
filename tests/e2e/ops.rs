//! Health and metrics, as a container runtime and a Prometheus server see them: /healthz says
//! whether the bot can work (database writable, gateway connected) and /metrics counts what
//! members did.

use std::net::SocketAddr;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::*;
use certsprint::config::BackupSettings;
use certsprint::ops::get_health;
use certsprint::schedule::backups::backup_name;
use certsprint::schedule::Backups;

/// GETs a path from the bot's listener and returns (status, body).
async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

/// The value of one sample line (`name{labels} value`) in a Prometheus text page.
fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
}

async fn wait_healthy(bot: &TestBot) {
    let addr = bot.metrics_addr();
    let healthy = wait_for_value(|| get_health(addr), |health| health.is_ok()).await;
    assert_eq!(healthy.as_deref(), Ok("ok"));
}

#[tokio::test]
async fn healthz_is_ok_once_connected_and_metrics_count_commands_and_answers() {
    let bot = TestBot::start_with_metrics().await;
    wait_healthy(&bot).await;
    let (status, body) = get(bot.metrics_addr(), "/healthz").await;
    assert_eq!((status, body.trim()), (200, "ok"));

    let question = bot.post_now().await;
    bot.answer(PLAYER, &question, true).await;
    let refused = bot.slash(PLAYER, "daily now", json!({})).await;
    assert!(is_ephemeral(&refused), "{refused}");

    let (status, page) = get(bot.metrics_addr(), "/metrics").await;
    assert_eq!(status, 200);
    let counted = |series: &str| sample(&page, series).unwrap_or(0.0);
    assert!(
        counted(r#"certsprint_interactions_total{kind="command",outcome="ok"}"#) >= 1.0,
        "{page}"
    );
    assert!(
        counted(r#"certsprint_interactions_total{kind="component",outcome="ok"}"#) >= 1.0,
        "{page}"
    );
    assert!(
        counted(r#"certsprint_interactions_total{kind="command",outcome="refused"}"#) >= 1.0,
        "{page}"
    );
    assert!(
        counted("certsprint_answers_recorded_total") >= 1.0,
        "{page}"
    );
    assert!(
        counted(r#"certsprint_posts_total{source="now",outcome="posted"}"#) >= 1.0,
        "{page}"
    );
    assert!(
        counted(r#"certsprint_discord_rest_responses_total{status="2xx"}"#) >= 1.0,
        "{page}"
    );
    for series in [
        "# HELP certsprint_ack_latency_seconds",
        "certsprint_ack_latency_seconds_bucket{kind=\"command\"",
        "certsprint_db_write_seconds_count",
        "certsprint_reveals_owed",
        "certsprint_shards_connected",
    ] {
        assert!(page.contains(series), "{series} missing from\n{page}");
    }
    assert_eq!(get(bot.metrics_addr(), "/nothing").await.0, 404);
    bot.stop().await;
}

#[tokio::test]
async fn healthz_is_503_with_the_reason_while_the_gateway_is_down() {
    let bot = TestBot::start_with_metrics().await;
    wait_healthy(&bot).await;
    let addr = bot.metrics_addr();

    bot.fake.take_gateway_down().await;
    let down = wait_for_value(|| get_health(addr), |health| health.is_err()).await;
    let reason = down.unwrap_err();
    assert!(reason.contains("503"), "{reason}");
    assert!(reason.contains("no gateway shard is connected"), "{reason}");
    let (status, body) = get(addr, "/healthz").await;
    assert_eq!(status, 503);
    assert!(!body.contains("database"), "the database is fine: {body}");

    bot.fake.restore_gateway();
    wait_healthy(&bot).await;
    bot.stop().await;
}

/// The backup loop `run` starts with CERTSPRINT_BACKUP_DIR reports each backup, and when the
/// newest was written (from the start: a backup already on disk counts), so an operator can
/// alert on backups falling behind.
#[tokio::test]
async fn metrics_count_scheduled_backups_and_when_the_newest_was_written() {
    let bot = TestBot::start_with_metrics().await;
    let dir = tempfile::tempdir().unwrap();
    // A backup the previous run took three hours ago.
    let earlier = start_time() - chrono::Duration::hours(3);
    std::fs::write(dir.path().join(backup_name(earlier)), b"").unwrap();
    let backups = Backups::new(
        bot.engine.clone(),
        BackupSettings {
            dir: dir.path().to_path_buf(),
            every: chrono::Duration::hours(6),
            keep: 2,
        },
    );
    let mut progress = backups.progress();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(backups.run(stopped));
    let metrics = || async { get(bot.metrics_addr(), "/metrics").await.1 };
    let last_backup = |page: &str| sample(page, "certsprint_last_backup_timestamp_seconds");

    let page = wait_for_value(metrics, |page| last_backup(page).is_some()).await;
    assert_eq!(
        last_backup(&page),
        Some(earlier.timestamp() as f64),
        "the newest backup on disk, before this run takes one: {page}"
    );
    let written =
        |page: &str| sample(page, r#"certsprint_backups_total{outcome="written"}"#).unwrap_or(0.0);
    assert_eq!(written(&page), 0.0, "{page}");

    // Six hours after that one, the next is taken.
    bot.manual_clock().advance(chrono::Duration::hours(3));
    progress.wait_for(|p| p.attempts >= 1).await.unwrap();
    let page = metrics().await;
    assert_eq!(written(&page), 1.0, "{page}");
    assert_eq!(
        last_backup(&page),
        Some((start_time() + chrono::Duration::hours(3)).timestamp() as f64),
        "{page}"
    );
    assert!(page.contains("# HELP certsprint_last_backup_timestamp_seconds"));
    stop.send(true).unwrap();
    running.await.unwrap();
    bot.stop().await;
}
