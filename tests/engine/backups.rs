//! Backups on a timer (manual clock) and restoring one taken under load (real SQLite).

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use certsprint::config::BackupSettings;
use certsprint::restore::restore;
use certsprint::schedule::backups::{backup_name, list_backups};
use certsprint::schedule::{BackupProgress, Backups};
use certsprint::store::Store;
use chrono::Duration;
use tokio::sync::watch;

use crate::helpers::*;

const WAIT: StdDuration = StdDuration::from_secs(30);

async fn wait_for_attempt(
    progress: &mut watch::Receiver<BackupProgress>,
    attempts: u64,
) -> BackupProgress {
    tokio::time::timeout(WAIT, progress.wait_for(|p| p.attempts >= attempts))
        .await
        .expect("the backup loop made its attempt")
        .unwrap()
        .clone()
}

fn names(dir: &Path) -> Vec<String> {
    list_backups(dir)
        .unwrap()
        .into_iter()
        .map(|(_, path)| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn backups_follow_the_period_keep_the_newest_and_retry_after_a_failure() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    t.answer(&post, 1, true).await.unwrap();
    let dir = t.dir.path().join("backups");
    std::fs::create_dir(&dir).unwrap();
    let every = Duration::hours(6);
    let backups = Backups::new(
        t.engine.clone(),
        BackupSettings {
            dir: dir.clone(),
            every,
            keep: 2,
        },
    );
    let mut progress = backups.progress();
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(backups.run(stopped));
    let start = start_time();

    // None yet: the first is taken at once, and it is a readable copy with the answer in it.
    let first = wait_for_attempt(&mut progress, 1).await;
    assert_eq!(first.failures, 0);
    assert_eq!(names(&dir), vec![backup_name(start)]);
    assert_eq!(backup_name(start), "certsprint-20261102-090000.db");
    let copy = Store::open(&format!("sqlite:{}", first.last.unwrap().display()))
        .await
        .unwrap();
    assert!(copy.answer_of(post.post_id, 1).await.unwrap().is_some());
    copy.close().await;

    // Nothing before the period is up; then one each period, the oldest pruned past two.
    t.advance(every - Duration::minutes(1));
    tokio::time::sleep(StdDuration::from_millis(50)).await;
    assert_eq!(progress.borrow().attempts, 1);
    t.advance(Duration::minutes(1));
    wait_for_attempt(&mut progress, 2).await;
    t.advance(every);
    wait_for_attempt(&mut progress, 3).await;
    assert_eq!(
        names(&dir),
        vec![backup_name(start + every), backup_name(start + every * 2)]
    );

    // A backup that cannot be written is logged, nothing is pruned, and the next period tries again.
    let blocker = dir.join(format!("{}.partial", backup_name(start + every * 3)));
    std::fs::create_dir(&blocker).unwrap();
    t.advance(every);
    let failed = wait_for_attempt(&mut progress, 4).await;
    assert_eq!(failed.failures, 1);
    assert!(failed.last_error.is_some());
    assert_eq!(
        names(&dir),
        vec![backup_name(start + every), backup_name(start + every * 2)]
    );
    std::fs::remove_dir(&blocker).unwrap();
    t.advance(every);
    let retried = wait_for_attempt(&mut progress, 5).await;
    assert_eq!(retried.failures, 1);
    assert_eq!(retried.last_error, None);
    assert_eq!(
        names(&dir),
        vec![
            backup_name(start + every * 2),
            backup_name(start + every * 4)
        ]
    );

    stop.send(true).unwrap();
    tokio::time::timeout(WAIT, running).await.unwrap().unwrap();
}

#[tokio::test]
async fn a_restarted_bot_counts_the_period_from_the_newest_backup() {
    let t = TestEngine::new().await;
    let dir = t.dir.path().join("backups");
    std::fs::create_dir(&dir).unwrap();
    let earlier = start_time() - Duration::hours(20);
    std::fs::write(dir.join(backup_name(earlier)), b"an earlier backup").unwrap();
    let backups = Backups::new(
        t.engine.clone(),
        BackupSettings {
            dir: dir.clone(),
            every: Duration::hours(24),
            keep: 7,
        },
    );
    let mut progress = backups.progress();
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(backups.run(stopped));
    tokio::time::sleep(StdDuration::from_millis(50)).await;
    assert_eq!(
        progress.borrow().attempts,
        0,
        "the last backup is only 20 h old"
    );
    t.advance(Duration::hours(4));
    wait_for_attempt(&mut progress, 1).await;
    assert_eq!(
        names(&dir),
        vec![
            backup_name(earlier),
            backup_name(start_time() + Duration::hours(4))
        ]
    );
    stop.send(true).unwrap();
    tokio::time::timeout(WAIT, running).await.unwrap().unwrap();
}

#[tokio::test]
async fn a_backup_taken_under_a_burst_of_answers_restores_every_answer_acknowledged_before_it() {
    const POSTS: usize = 4;
    const USERS: u64 = 60;
    const WORKERS: u64 = 6;
    let t = Arc::new(TestEngine::new().await);
    let mut posts = Vec::new();
    for _ in 0..POSTS {
        posts.push(t.post(GUILD, false).await);
    }
    let posts = Arc::new(posts);
    let backup_started = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let before_backup = Arc::new(Mutex::new(HashSet::new()));
    let mut workers = Vec::new();
    for worker in 0..WORKERS {
        let (t, posts, started, acked, before) = (
            t.clone(),
            posts.clone(),
            backup_started.clone(),
            acknowledged.clone(),
            before_backup.clone(),
        );
        workers.push(tokio::spawn(async move {
            for user in (1..=USERS).filter(|u| u % WORKERS == worker) {
                for (n, post) in posts.iter().enumerate() {
                    t.answer(post, user, (user + n as u64) % 3 != 0)
                        .await
                        .expect("the answer is recorded");
                    // Acknowledged, and the backup had not started when we looked: it must hold it.
                    if !started.load(Ordering::SeqCst) {
                        before.lock().unwrap().insert((post.post_id, user));
                    }
                    acked.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
    }
    let total = POSTS * USERS as usize;
    tokio::time::timeout(WAIT, async {
        while acknowledged.load(Ordering::SeqCst) < total / 3 {
            tokio::time::sleep(StdDuration::from_millis(1)).await;
        }
    })
    .await
    .expect("answers are being recorded");
    let backup = t.dir.path().join("under-load.db");
    backup_started.store(true, Ordering::SeqCst);
    t.engine.backup_to(&backup).await.unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    let before_backup = before_backup.lock().unwrap().clone();
    assert!(before_backup.len() >= total / 3);
    assert!(
        before_backup.len() < total,
        "some answers came after the backup began"
    );

    // The bot is stopped; the backup goes in place of the live database.
    t.store().close().await;
    let restored = restore(&backup, &t.url).await.unwrap();
    let previous = restored.previous.expect("the old database is kept");
    assert!(previous
        .to_string_lossy()
        .ends_with("test.db.before-restore"));
    let store = Store::open(&t.url).await.unwrap();
    for &(post_id, user) in &before_backup {
        assert!(
            store.answer_of(post_id, user).await.unwrap().is_some(),
            "answer of user {user} on post {post_id} acknowledged before the backup"
        );
    }
    store.close().await;

    // The database it replaced holds everything, the answers after the backup too.
    let kept = Store::open(&format!("sqlite:{}", previous.display()))
        .await
        .unwrap();
    for post in posts.iter() {
        for user in 1..=USERS {
            assert!(kept.answer_of(post.post_id, user).await.unwrap().is_some());
        }
    }
    kept.close().await;
}
