//! What the health check and the metrics listener ask the engine: a committed write, and how
//! many reveals are owed.

use certsprint::schedule::close_due;

use crate::helpers::*;
use crate::scheduler::Recorder;

#[tokio::test]
async fn the_write_probe_commits_on_a_writable_database_again_and_again() {
    let mut t = TestEngine::new().await;
    t.engine.probe_write().await.unwrap();
    t.engine.probe_write().await.unwrap();
    t.restart().await;
    t.engine.probe_write().await.unwrap();
}

#[tokio::test]
async fn the_write_probe_fails_once_the_database_is_closed() {
    let t = TestEngine::new().await;
    t.store().close().await;
    assert!(t.engine.probe_write().await.is_err());
}

#[tokio::test]
async fn reveals_owed_counts_closed_questions_until_their_reveal_lands() {
    let t = TestEngine::new().await;
    assert_eq!(t.engine.reveals_owed().await.unwrap(), 0);
    let first = t.post(GUILD, false).await;
    t.post(GUILD, false).await;
    let recorder = Recorder::default();
    *recorder.flaky_reveals.lock().unwrap() = 2;
    t.clock.set(first.closes_at);
    close_due(&t.engine, &recorder).await.unwrap();
    assert_eq!(
        t.engine.reveals_owed().await.unwrap(),
        2,
        "both reveals failed for now"
    );
    t.advance(chrono::Duration::hours(1));
    close_due(&t.engine, &recorder).await.unwrap();
    assert_eq!(t.engine.reveals_owed().await.unwrap(), 0);
}
