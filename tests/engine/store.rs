use certsprint::store::{Backend, Store};

use crate::helpers::*;

#[tokio::test]
async fn the_database_file_is_created_on_first_run_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    let store = Store::open(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    assert!(path.exists());
    store.migrate().await.expect("migrating twice is harmless");
    store.close().await;
    let header = std::fs::read(&path).unwrap();
    assert_eq!(header[18], 2, "WAL mode is recorded in the file header");
}

#[tokio::test]
async fn a_backup_is_a_consistent_readable_copy() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    t.answer(&post, 1, true).await.unwrap();
    let copy = t.dir.path().join("backup.db");
    if crate::BACKEND == Backend::Postgres {
        let refused = t.store().backup(&copy).await.unwrap_err().to_string();
        assert!(refused.contains("pg_dump"), "{refused}");
        return;
    }
    t.store().backup(&copy).await.unwrap();
    let restored = Store::open(&format!("sqlite:{}", copy.display()))
        .await
        .unwrap();
    assert!(
        restored
            .answer_of(post.post_id, 1)
            .await
            .unwrap()
            .unwrap()
            .correct
    );
}

#[tokio::test]
async fn forgetting_a_member_removes_their_data_in_that_guild_only() {
    let t = TestEngine::new().await;
    let here = t.post(GUILD, false).await;
    let there = t.post(OTHER_GUILD, false).await;
    t.answer(&here, 1, false).await.unwrap();
    t.answer(&here, 2, true).await.unwrap();
    t.answer(&there, 1, true).await.unwrap();
    t.store()
        .flag_question(GUILD, 1, &here.question_id, "typo", t.engine.now())
        .await
        .unwrap();

    assert_eq!(t.store().forget_member(GUILD, 1).await.unwrap(), 1);
    assert!(t.store().member(GUILD, 1).await.unwrap().is_none());
    assert_eq!(
        t.engine
            .member_stats(GUILD, 1)
            .await
            .unwrap()
            .overall
            .answered,
        0
    );
    assert!(t.store().open_flags(GUILD).await.unwrap().is_empty());
    assert_eq!(
        t.engine
            .member_stats(GUILD, 2)
            .await
            .unwrap()
            .overall
            .answered,
        1
    );
    assert_eq!(
        t.engine
            .member_stats(OTHER_GUILD, 1)
            .await
            .unwrap()
            .overall
            .answered,
        1
    );
}

#[tokio::test]
async fn schedules_are_one_per_channel_and_can_be_paused() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, true).await;
    assert!(post.is_scheduled());
    let schedules = t.store().schedules_of(GUILD).await.unwrap();
    assert_eq!(schedules.len(), 1);
    assert!(t
        .store()
        .set_schedule_paused(
            GUILD,
            CHANNEL,
            true,
            Some("missing permission"),
            t.engine.now()
        )
        .await
        .unwrap());
    let paused = t
        .store()
        .schedule_for_channel(GUILD, CHANNEL)
        .await
        .unwrap()
        .unwrap();
    assert!(paused.paused);
    assert_eq!(paused.paused_reason.as_deref(), Some("missing permission"));
    assert!(t
        .store()
        .schedules_of(OTHER_GUILD)
        .await
        .unwrap()
        .is_empty());
    assert!(!t
        .store()
        .set_schedule_paused(OTHER_GUILD, CHANNEL, true, None, t.engine.now())
        .await
        .unwrap());
}
