//! Every metric the bot exports, named and described in one place. The rest of the code calls
//! the functions here; without an installed recorder (no metrics address) they do nothing.
//!
//! | name | type | labels | meaning |
//! |---|---|---|---|
//! | `certsprint_interactions_total` | counter | kind, outcome | interactions handled: kind `command`, `autocomplete`, `component`, `modal`; outcome `ok`, `refused`, `failed` |
//! | `certsprint_ack_latency_seconds` | histogram | kind | from an interaction's arrival to its handler finishing (the reply that acknowledges it is sent by then) |
//! | `certsprint_answers_recorded_total` | counter | | answers committed to the database (each then acknowledged) |
//! | `certsprint_db_write_seconds` | histogram | | how long one answer batch takes to write and commit |
//! | `certsprint_posts_total` | counter | source, outcome | channel questions: source `schedule` or `now`; outcome `posted`, `missed` (recorded as not posted), `retried` (Discord unavailable, tried again later) |
//! | `certsprint_reveals_owed` | gauge | | closed questions whose reveal edit has not landed yet |
//! | `certsprint_reveals_total` | counter | outcome | reveal attempts: `delivered` or `failed` |
//! | `certsprint_discord_rest_responses_total` | counter | status | Discord REST calls made for posts, reveals and sprint messages, by HTTP status: `2xx` for a success, the code of a failure (`429`, `503`, ...), `error` when no response came |
//! | `certsprint_shards_connected` | gauge | | gateway shards connected to Discord |

use std::sync::Mutex;
use std::time::Duration;

use metrics::{
    counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Unit,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

pub const INTERACTIONS: &str = "certsprint_interactions_total";
pub const ACK_LATENCY: &str = "certsprint_ack_latency_seconds";
pub const ANSWERS_RECORDED: &str = "certsprint_answers_recorded_total";
pub const DB_WRITE: &str = "certsprint_db_write_seconds";
pub const POSTS: &str = "certsprint_posts_total";
pub const REVEALS_OWED: &str = "certsprint_reveals_owed";
pub const REVEALS: &str = "certsprint_reveals_total";
pub const REST_RESPONSES: &str = "certsprint_discord_rest_responses_total";
pub const SHARDS_CONNECTED: &str = "certsprint_shards_connected";
pub const BACKUPS: &str = "certsprint_backups_total";
pub const LAST_BACKUP: &str = "certsprint_last_backup_timestamp_seconds";
pub const BACKUP_PRUNE_FAILURES: &str = "certsprint_backup_prune_failures_total";

/// Histogram buckets in seconds: from a fast commit to a slow Discord round trip.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Installs the Prometheus recorder once per process and returns its handle (later calls get
/// the same handle: a process has one global recorder).
pub fn install() -> anyhow::Result<PrometheusHandle> {
    // A lock, not a bare OnceLock check: two callers at once must not both try to install.
    static HANDLE: Mutex<Option<PrometheusHandle>> = Mutex::new(None);
    let mut installed = HANDLE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(handle) = installed.as_ref() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets(BUCKETS)?
        .install_recorder()?;
    describe();
    Ok(installed.insert(handle).clone())
}

fn describe() {
    describe_counter!(INTERACTIONS, "Interactions handled, by kind and outcome.");
    describe_histogram!(
        ACK_LATENCY,
        Unit::Seconds,
        "From an interaction's arrival to its handler finishing, by kind."
    );
    describe_counter!(ANSWERS_RECORDED, "Answers committed to the database.");
    describe_histogram!(
        DB_WRITE,
        Unit::Seconds,
        "Time to write and commit one batch of answers."
    );
    describe_counter!(
        POSTS,
        "Channel questions posted, missed or retried, by source."
    );
    describe_gauge!(
        REVEALS_OWED,
        "Closed questions whose reveal has not landed yet."
    );
    describe_counter!(REVEALS, "Reveal attempts, by outcome.");
    describe_counter!(REST_RESPONSES, "Discord REST responses, by HTTP status.");
    describe_gauge!(SHARDS_CONNECTED, "Gateway shards connected to Discord.");
    describe_counter!(BACKUPS, "Scheduled SQLite backups, written or failed.");
    describe_counter!(
        BACKUP_PRUNE_FAILURES,
        "Times old backups could not be removed after a backup (the disk may fill)."
    );
    describe_gauge!(
        LAST_BACKUP,
        Unit::Seconds,
        "When the newest scheduled backup was written (Unix time): alert when it falls behind."
    );
    // Present from the first scrape, before anything connects or happens.
    gauge!(SHARDS_CONNECTED).set(0.0);
    counter!(ANSWERS_RECORDED).absolute(0);
}

pub fn interaction(kind: &'static str, outcome: &'static str, latency: Duration) {
    counter!(INTERACTIONS, "kind" => kind, "outcome" => outcome).increment(1);
    histogram!(ACK_LATENCY, "kind" => kind).record(latency.as_secs_f64());
}

pub fn answers_recorded(count: usize) {
    counter!(ANSWERS_RECORDED).increment(count as u64);
}

pub fn db_write(took: Duration) {
    histogram!(DB_WRITE).record(took.as_secs_f64());
}

/// Where a channel question came from.
#[derive(Debug, Clone, Copy)]
pub enum PostSource {
    Schedule,
    Now,
}

/// What became of an attempt to post a channel question.
#[derive(Debug, Clone, Copy)]
pub enum PostOutcome {
    Posted,
    Missed,
    Retried,
}

pub fn post(source: PostSource, outcome: PostOutcome) {
    let source = match source {
        PostSource::Schedule => "schedule",
        PostSource::Now => "now",
    };
    let outcome = match outcome {
        PostOutcome::Posted => "posted",
        PostOutcome::Missed => "missed",
        PostOutcome::Retried => "retried",
    };
    counter!(POSTS, "source" => source, "outcome" => outcome).increment(1);
}

pub fn reveals_owed(count: u64) {
    gauge!(REVEALS_OWED).set(count as f64);
}

pub fn reveal(delivered: bool) {
    let outcome = if delivered { "delivered" } else { "failed" };
    counter!(REVEALS, "outcome" => outcome).increment(1);
}

/// How one Discord REST call ended. serenity hands back the status code of a failure only, so
/// every success counts as `2xx`.
#[derive(Debug, Clone, Copy)]
pub enum RestStatus {
    Success,
    Failed(u16),
    NoResponse,
}

pub fn rest_response(status: RestStatus) {
    let status = match status {
        RestStatus::Success => "2xx".to_string(),
        RestStatus::Failed(code) => code.to_string(),
        RestStatus::NoResponse => "error".to_string(),
    };
    counter!(REST_RESPONSES, "status" => status).increment(1);
}

/// One scheduled backup attempt.
pub fn backup(written: bool) {
    let outcome = if written { "written" } else { "failed" };
    counter!(BACKUPS, "outcome" => outcome).increment(1);
}

pub fn backup_prune_failed() {
    counter!(BACKUP_PRUNE_FAILURES).increment(1);
}

/// When the newest backup was written.
pub fn last_backup(at: chrono::DateTime<chrono::Utc>) {
    gauge!(LAST_BACKUP).set(at.timestamp() as f64);
}

pub fn shards_connected(count: usize) {
    gauge!(SHARDS_CONNECTED).set(count as f64);
}
