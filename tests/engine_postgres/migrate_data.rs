//! `certsprint migrate-data`: a SQLite database the engine filled arrives whole in an empty
//! PostgreSQL one, with the same leaderboards, and new rows continue after the copied ids.

use std::process::Command;
use std::sync::Arc;

use chrono::Duration;

use certsprint::bank::Scope;
use certsprint::quiz::Engine;
use certsprint::random::RandomSource;
use certsprint::store::{Backend, Period, Store};

use crate::helpers::*;

fn migrate_data(from: &str, to: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_certsprint"))
        .args(["migrate-data", "--from", from, "--to", to])
        .output()
        .unwrap()
}

#[tokio::test]
async fn every_row_arrives_and_the_leaderboards_are_identical() {
    let mut sqlite = TestEngine::on_backend(Backend::Sqlite, fixture_bank()).await;
    ensure_schedule(&sqlite.engine, GUILD, CHANNEL).await;
    for day in 0..3 {
        for guild in [GUILD, OTHER_GUILD] {
            let post = sqlite.post(guild, true).await;
            for user in 1..=4u64 {
                let right = (user + day) % 3 != 0;
                sqlite.answer(&post, user, right).await.unwrap();
            }
        }
        sqlite.advance(Duration::days(1));
    }
    let duel = challenge(&sqlite.engine, 1, "one", 2, Some(EXAM), 5, None)
        .await
        .unwrap();
    sqlite
        .engine
        .accept_duel(GUILD, duel.row.sprint_id, 2, "two")
        .await
        .unwrap();
    sqlite.restart().await;

    let postgres = crate::common::postgres::database().await;
    let out = migrate_data(&sqlite.url, &postgres);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("copied every row"), "{printed}");

    let copy = Store::open(&postgres).await.unwrap();
    let source_counts = sqlite.store().table_counts().await.unwrap();
    assert_eq!(copy.table_counts().await.unwrap(), source_counts);
    let answers = source_counts
        .iter()
        .find(|(t, _)| t == "answers")
        .unwrap()
        .1;
    assert_eq!(answers, 24, "the fixture made the answers it should");

    let on_copy = Engine::new(
        copy,
        Arc::new(fixture_bank()),
        sqlite.clock.clone(),
        Arc::new(RandomSource::seeded(3)),
    );
    for guild in [GUILD, OTHER_GUILD] {
        for period in [Period::Week, Period::Month, Period::All] {
            let before = sqlite
                .engine
                .leaderboard(guild, &Scope::All, period, 1, 0)
                .await
                .unwrap();
            let after = on_copy
                .leaderboard(guild, &Scope::All, period, 1, 0)
                .await
                .unwrap();
            assert_eq!(format!("{after:?}"), format!("{before:?}"), "{period:?}");
        }
    }
    // New posts take ids after the copied ones.
    let copied_posts = source_counts.iter().find(|(t, _)| t == "posts").unwrap().1;
    let (next, _) = on_copy
        .claim_channel_post(GUILD, CHANNEL, &sqlite.exam(), None, Duration::hours(1))
        .await
        .unwrap();
    assert!(
        next.post_id > copied_posts as i64,
        "post id {} after {copied_posts} copied",
        next.post_id
    );

    // A second run refuses: the target is no longer empty.
    let again = migrate_data(&sqlite.url, &postgres);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("not empty"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}
