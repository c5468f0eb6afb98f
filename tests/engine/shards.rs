//! Several processes on one database, each holding a range of gateway shards: each does the
//! timed work of its own guilds only, and two processes that overlap (a redeploy) still post,
//! close and reveal once.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};

use certsprint::quiz::SEND_LEASE;
use certsprint::schedule::{close_due, Scheduler};
use certsprint::shards::ShardRange;
use certsprint::store::Snowflake;

use crate::helpers::*;
use crate::scheduler::Recorder;

/// Guilds whose ids put them on shard 0 and shard 1 of two ((id >> 22) % 2).
const ON_SHARD_0: Snowflake = 1_000 << 22;
const ON_SHARD_1: Snowflake = (1_001 << 22) + 12_345;

fn range(text: &str) -> Option<ShardRange> {
    Some(text.parse().unwrap())
}

fn guilds_of(recorder: &Recorder) -> Vec<Snowflake> {
    let mut guilds: Vec<Snowflake> = recorder
        .published
        .lock()
        .unwrap()
        .iter()
        .map(|post| post.guild_id)
        .collect();
    guilds.sort();
    guilds
}

#[tokio::test]
async fn each_process_posts_and_closes_for_the_guilds_on_its_shards_only() {
    assert_eq!(ShardRange::shard_of(ON_SHARD_0, 2), 0);
    assert_eq!(ShardRange::shard_of(ON_SHARD_1, 2), 1);
    let t = TestEngine::new().await;
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap());
    let first = process_for_shards(&t, range("0-0/2"), 1).await;
    let second = process_for_shards(&t, range("1-1/2"), 2).await;
    // Admins set schedules up through whichever process their guild's shard is on.
    ensure_schedule(&first, ON_SHARD_0, 10).await;
    ensure_schedule(&second, ON_SHARD_1, 20).await;

    let (posts_a, posts_b) = (Arc::new(Recorder::default()), Arc::new(Recorder::default()));
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap());
    Scheduler::new(first.clone(), posts_a.clone())
        .pass()
        .await
        .unwrap();
    Scheduler::new(second.clone(), posts_b.clone())
        .pass()
        .await
        .unwrap();
    assert_eq!(guilds_of(&posts_a), [ON_SHARD_0]);
    assert_eq!(guilds_of(&posts_b), [ON_SHARD_1]);

    t.advance(Duration::hours(12) + Duration::minutes(1));
    assert_eq!(close_due(&first, posts_a.as_ref()).await.unwrap(), 1);
    assert_eq!(close_due(&second, posts_b.as_ref()).await.unwrap(), 1);
    let revealed = |recorder: &Recorder| -> Vec<Snowflake> {
        recorder
            .revealed
            .lock()
            .unwrap()
            .iter()
            .map(|reveal| reveal.post.guild_id)
            .collect()
    };
    assert_eq!(revealed(&posts_a), [ON_SHARD_0]);
    assert_eq!(revealed(&posts_b), [ON_SHARD_1]);
}

#[tokio::test]
async fn overlapping_processes_during_a_redeploy_post_and_reveal_once() {
    let t = TestEngine::new().await;
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap());
    let old = process_for_shards(&t, range("0-1/2"), 1).await;
    let new = process_for_shards(&t, range("0-1/2"), 2).await;
    ensure_schedule(&old, ON_SHARD_0, 10).await;
    ensure_schedule(&old, ON_SHARD_1, 20).await;

    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap());
    let (seen_old, seen_new) = (Arc::new(Recorder::default()), Arc::new(Recorder::default()));
    let (old_scheduler, new_scheduler) = (
        Scheduler::new(old.clone(), seen_old.clone()),
        Scheduler::new(new.clone(), seen_new.clone()),
    );
    let (a, b) = tokio::join!(old_scheduler.pass(), new_scheduler.pass());
    a.unwrap();
    b.unwrap();
    let mut posted = guilds_of(&seen_old);
    posted.extend(guilds_of(&seen_new));
    posted.sort();
    assert_eq!(
        posted,
        [ON_SHARD_0, ON_SHARD_1],
        "each occurrence posted once"
    );

    t.advance(Duration::hours(12) + Duration::minutes(1));
    let (a, b) = tokio::join!(
        close_due(&old, seen_old.as_ref()),
        close_due(&new, seen_new.as_ref())
    );
    assert_eq!(a.unwrap() + b.unwrap(), 2, "each post closed once");
    let reveals = seen_old.revealed.lock().unwrap().len() + seen_new.revealed.lock().unwrap().len();
    assert_eq!(reveals, 2, "each post revealed once");
}

#[tokio::test]
async fn a_process_without_a_range_serves_every_guild() {
    let t = TestEngine::new().await;
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap());
    let all = process_for_shards(&t, None, 1).await;
    ensure_schedule(&all, ON_SHARD_0, 10).await;
    ensure_schedule(&all, ON_SHARD_1, 20).await;
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap());
    let seen = Arc::new(Recorder::default());
    Scheduler::new(all, seen.clone()).pass().await.unwrap();
    assert_eq!(guilds_of(&seen), [ON_SHARD_0, ON_SHARD_1]);
}

#[tokio::test]
async fn a_post_another_process_is_still_sending_is_left_to_it() {
    let t = TestEngine::new().await;
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap());
    let old = process_for_shards(&t, range("0-1/2"), 1).await;
    let new = process_for_shards(&t, range("0-1/2"), 2).await;
    ensure_schedule(&old, ON_SHARD_0, 10).await;
    let nine = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    t.clock.set(nine);

    // Discord is slow to answer the old process's send.
    let slow = Arc::new(Recorder::default());
    let held = slow.gate.lock().await;
    let sending = tokio::spawn({
        let (old, slow) = (old.clone(), slow.clone());
        async move { Scheduler::new(old, slow).pass().await.unwrap() }
    });
    slow.send_started.notified().await;

    // The new process starts meanwhile: the claimed, unsent post is not its to send yet.
    t.advance(Duration::seconds(30));
    let seen_new = Arc::new(Recorder::default());
    let pass = Scheduler::new(new.clone(), seen_new.clone())
        .pass()
        .await
        .unwrap();
    assert!(pass.posted.is_empty(), "not sent a second time");
    assert!(seen_new.published.lock().unwrap().is_empty());
    assert_eq!(
        pass.next,
        Some(nine + SEND_LEASE),
        "it looks again when the sender's lease ends"
    );

    drop(held);
    let pass = sending.await.unwrap();
    assert_eq!(pass.posted.len(), 1, "the old process's send landed");
    t.clock.set(nine + SEND_LEASE + Duration::seconds(1));
    let pass = Scheduler::new(new, seen_new.clone()).pass().await.unwrap();
    assert!(pass.posted.is_empty());
    assert!(seen_new.published.lock().unwrap().is_empty(), "posted once");
}

#[tokio::test]
async fn a_post_whose_sender_died_is_taken_over_by_one_process_when_its_lease_ends() {
    let t = TestEngine::new().await;
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap());
    let old = process_for_shards(&t, range("0-1/2"), 1).await;
    ensure_schedule(&old, ON_SHARD_1, 20).await;
    let nine = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    t.clock.set(nine);

    // The old process claims the occurrence and dies with the send in flight.
    let stuck = Arc::new(Recorder::default());
    let held = stuck.gate.lock().await;
    let sending = tokio::spawn({
        let (old, stuck) = (old.clone(), stuck.clone());
        async move { Scheduler::new(old, stuck).pass().await }
    });
    stuck.send_started.notified().await;
    sending.abort();
    assert!(sending.await.unwrap_err().is_cancelled());
    drop(held);

    // Two new processes come up; only after the lease, and only one of them, sends it.
    let (a, b) = (
        process_for_shards(&t, range("0-1/2"), 2).await,
        process_for_shards(&t, range("0-1/2"), 3).await,
    );
    let (seen_a, seen_b) = (Arc::new(Recorder::default()), Arc::new(Recorder::default()));
    t.clock.set(nine + SEND_LEASE - Duration::seconds(1));
    let early = Scheduler::new(a.clone(), seen_a.clone())
        .pass()
        .await
        .unwrap();
    assert!(early.posted.is_empty(), "the lease still runs");
    t.clock.set(nine + SEND_LEASE);
    let (scheduler_a, scheduler_b) = (
        Scheduler::new(a, seen_a.clone()),
        Scheduler::new(b, seen_b.clone()),
    );
    let (pass_a, pass_b) = tokio::join!(scheduler_a.pass(), scheduler_b.pass());
    let posted = pass_a.unwrap().posted.len() + pass_b.unwrap().posted.len();
    assert_eq!(posted, 1, "taken over once");
    let mut guilds = guilds_of(&seen_a);
    guilds.extend(guilds_of(&seen_b));
    assert_eq!(guilds, [ON_SHARD_1]);
}

#[tokio::test]
async fn a_sender_whose_lease_passed_on_cannot_release_the_new_holders_lease() {
    let t = TestEngine::new().await;
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap());
    let (old, new, third) = (
        process_for_shards(&t, range("0-1/2"), 1).await,
        process_for_shards(&t, range("0-1/2"), 2).await,
        process_for_shards(&t, range("0-1/2"), 3).await,
    );
    ensure_schedule(&old, ON_SHARD_0, 10).await;
    let nine = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    t.clock.set(nine);

    // The old process's send hangs past its lease, and will fail.
    let failing = Arc::new(Recorder::default());
    failing.flaky.lock().unwrap().insert(10, 1);
    let old_held = failing.gate.lock().await;
    let old_pass = tokio::spawn({
        let (old, failing) = (old.clone(), failing.clone());
        async move { Scheduler::new(old, failing).pass().await.unwrap() }
    });
    failing.send_started.notified().await;

    // Its lease ends; the new process takes the post over and is sending it.
    t.clock.set(nine + SEND_LEASE);
    let sending = Arc::new(Recorder::default());
    let new_held = sending.gate.lock().await;
    let new_pass = tokio::spawn({
        let (new, sending) = (new.clone(), sending.clone());
        async move { Scheduler::new(new, sending).pass().await.unwrap() }
    });
    sending.send_started.notified().await;

    // The old send fails now and the old process lets go of what it held: not the new lease.
    drop(old_held);
    assert!(old_pass.await.unwrap().posted.is_empty());
    t.advance(Duration::minutes(1));
    let bystander = Arc::new(Recorder::default());
    let pass = Scheduler::new(third, bystander.clone())
        .pass()
        .await
        .unwrap();
    assert!(pass.posted.is_empty(), "the new holder's lease still runs");
    assert!(bystander.published.lock().unwrap().is_empty());

    drop(new_held);
    assert_eq!(new_pass.await.unwrap().posted.len(), 1);
    assert_eq!(
        guilds_of(&sending),
        [ON_SHARD_0],
        "sent once, by the new holder"
    );
}
