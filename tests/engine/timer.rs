//! The timer on a manual clock with the Recorder publisher: sprints that time out are settled
//! and their results posted exactly once, a result Discord fails to take is posted on a later
//! pass, and a running timer wakes for a sprint that starts while it sleeps.

use std::sync::Arc;

use chrono::Duration;
use tokio::sync::watch;

use certsprint::schedule::timer::{run_timer, settle_due};
use certsprint::store::SprintState;

use crate::helpers::*;
use crate::scheduler::Recorder;

const ALICE: u64 = 1;
const BOB: u64 = 2;

async fn running_duel(t: &TestEngine) -> i64 {
    let duel = challenge(&t.engine, ALICE, "host", BOB, Some(EXAM), 5, Some(2))
        .await
        .unwrap();
    t.engine
        .accept_duel(GUILD, duel.row.sprint_id, BOB, "player")
        .await
        .unwrap();
    duel.row.sprint_id
}

#[tokio::test]
async fn a_timed_out_sprint_is_settled_and_its_result_posted_once() {
    let t = TestEngine::new().await;
    let id = running_duel(&t).await;
    let recorder = Recorder::default();
    settle_due(&t.engine, &recorder).await;
    assert!(recorder.results.lock().unwrap().is_empty(), "still running");

    t.advance(Duration::minutes(3));
    settle_due(&t.engine, &recorder).await;
    assert_eq!(*recorder.results.lock().unwrap(), [id]);
    assert!(
        recorder.sprints_shown.lock().unwrap().contains(&id),
        "the channel message shows the final standings"
    );
    let sprint = t.engine.load_sprint(GUILD, id).await.unwrap();
    assert_eq!(sprint.row.state, SprintState::Finished);
    assert!(sprint.row.announced_at.is_some());

    t.advance(Duration::minutes(5));
    settle_due(&t.engine, &recorder).await;
    assert_eq!(recorder.results.lock().unwrap().len(), 1, "posted once");
}

#[tokio::test]
async fn a_result_discord_fails_to_take_is_posted_on_a_later_pass() {
    let t = TestEngine::new().await;
    let id = running_duel(&t).await;
    let recorder = Recorder::default();
    *recorder.flaky_results.lock().unwrap() = 1;
    t.advance(Duration::minutes(3));
    settle_due(&t.engine, &recorder).await;
    assert!(
        recorder.results.lock().unwrap().is_empty(),
        "the post failed"
    );
    assert!(t
        .engine
        .load_sprint(GUILD, id)
        .await
        .unwrap()
        .row
        .announced_at
        .is_none());

    // The result stays owed and goes out once the retry pause has passed.
    t.advance(Duration::minutes(2));
    settle_due(&t.engine, &recorder).await;
    assert_eq!(*recorder.results.lock().unwrap(), [id]);
}

/// Discord hangs on every result post, each taking 45 s of the one-minute hold. A pass still
/// ends, tries each owed result once, and never starts a post its hold cannot cover (another
/// process could take the result over mid-post).
#[tokio::test]
async fn a_hanging_discord_neither_keeps_a_pass_going_nor_outlasts_a_hold() {
    let t = TestEngine::new().await;
    let first = running_duel(&t).await;
    let second = challenge(&t.engine, 3, "host", 4, Some(EXAM), 5, Some(2))
        .await
        .unwrap()
        .row
        .sprint_id;
    t.engine
        .accept_duel(GUILD, second, 4, "player")
        .await
        .unwrap();
    let recorder = Recorder::default();
    *recorder.hanging_results.lock().unwrap() = Some((t.clock.clone(), Duration::seconds(45)));
    let attempts = || recorder.result_attempts.lock().unwrap().clone();

    // Both time out in one pass: the first post eats 45 s of both holds, so the second is
    // left for whoever holds it next.
    t.advance(Duration::minutes(3));
    settle_due(&t.engine, &recorder).await;
    assert_eq!(attempts(), [first]);

    // Once the holds have ended, the next pass takes each over in turn; every post hangs past
    // the hold taken before it, yet each is tried once and the pass ends.
    t.advance(Duration::seconds(16));
    settle_due(&t.engine, &recorder).await;
    let mut tried = attempts()[1..].to_vec();
    tried.sort();
    assert_eq!(tried, [first, second]);
    assert!(recorder.results.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_running_timer_wakes_for_a_sprint_that_starts_while_it_sleeps() {
    let t = TestEngine::new().await;
    let recorder = Arc::new(Recorder::default());
    let (stop, stopped) = watch::channel(false);
    let timer = tokio::spawn(run_timer(t.engine.clone(), recorder.clone(), stopped));
    let wakes = t.engine.signals().timer.raised();
    let id = running_duel(&t).await;
    assert!(
        t.engine.signals().timer.raised() > wakes,
        "starting a sprint wakes the timer"
    );
    t.advance(Duration::minutes(3));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while recorder.results.lock().unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "no result in 30 s");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(*recorder.results.lock().unwrap(), [id]);
    stop.send(true).unwrap();
    timer.await.unwrap();
}
