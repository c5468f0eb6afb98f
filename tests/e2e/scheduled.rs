//! Scheduled questions end to end: on a manual clock, a deleted channel, and on the real clock.

use chrono::{Duration, Timelike, Utc};
use serde_json::json;

use certsprint::store::NewSchedule;

use crate::harness::*;

#[tokio::test]
async fn a_scheduled_question_posts_on_time_and_closes_with_the_reveal() {
    let bot = TestBot::start().await;
    bot.slash(ADMIN, "daily setup", json!({"channel": STUDY.to_string(), "exam": "all", "time": "09:00", "timezone": "UTC", "window": 2})).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        bot.fake.channel_messages(STUDY).is_empty(),
        "not before 09:00"
    );
    bot.manual_clock().set(start_time() + Duration::hours(1));
    let posted = bot
        .fake
        .wait_for_message(STUDY, WAIT, |_| true)
        .await
        .expect("posted at 09:00");
    assert!(
        text(&posted).contains("AIF-C01"),
        "the rotation starts with AIF-C01"
    );
    let response = bot.answer(PLAYER, &posted, true).await;
    assert!(
        text(&response["data"]).contains("Streak 🔥 **1**"),
        "{}",
        text(&response["data"])
    );
    bot.manual_clock().set(start_time() + Duration::hours(3));
    bot.fake
        .wait_for_message(STUDY, WAIT, |m| {
            m["id"] == posted["id"] && text(m).contains("Answer:")
        })
        .await
        .expect("closed at 11:00");
    // The next day rotates to the next exam.
    bot.manual_clock().set(start_time() + Duration::hours(25));
    let second = bot
        .fake
        .wait_for_message(STUDY, WAIT, |m| m["id"] != posted["id"])
        .await
        .expect("posted the next day");
    assert!(text(&second).contains("MLA-C01"), "{}", text(&second));
    assert_eq!(bot.fake.channel_messages(STUDY).len(), 2);
    bot.stop().await;
}

#[tokio::test]
async fn a_deleted_channel_pauses_the_schedule_and_tells_the_admin_once() {
    let bot = TestBot::start().await;
    bot.slash(ADMIN, "daily setup", json!({"channel": OTHER_CHANNEL.to_string(), "exam": "aif-c01", "time": "09:00", "timezone": "UTC"})).await;
    bot.fake.delete_channel(OTHER_CHANNEL);
    bot.manual_clock().set(start_time() + Duration::hours(1));
    for _ in 0..100 {
        if !bot.fake.dm_messages(ADMIN).is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let dms = bot.fake.dm_messages(ADMIN);
    assert_eq!(dms.len(), 1, "{dms:?}");
    assert!(
        text(&dms[0]).contains("stopped") && text(&dms[0]).contains("/daily resume"),
        "{}",
        text(&dms[0])
    );
    let schedule = bot
        .engine
        .store
        .schedule_for_channel(GUILD, OTHER_CHANNEL)
        .await
        .unwrap()
        .unwrap();
    assert!(schedule.paused);
    bot.manual_clock().set(start_time() + Duration::hours(25));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(bot.fake.dm_messages(ADMIN).len(), 1, "told once");
    bot.stop().await;
}

/// The real clock: a schedule two minutes ahead (one-minute window) posts and then closes.
#[tokio::test]
async fn on_the_real_clock_a_schedule_two_minutes_ahead_posts_and_closes() {
    let bot = TestBot::start_real_time().await;
    let now = Utc::now();
    let at = (now + Duration::minutes(2))
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    let schedule = NewSchedule {
        guild_id: GUILD,
        channel_id: STUDY,
        exam: "aif-c01".into(),
        time_of_day: at.format("%H:%M").to_string(),
        timezone: "UTC".into(),
        days: "daily".into(),
        window_minutes: 1,
        mention_role_id: None,
        created_by: ADMIN,
    };
    bot.engine
        .store
        .save_schedule(&schedule, now)
        .await
        .unwrap();
    // /daily resume wakes the scheduler, as /daily setup would.
    bot.slash(ADMIN, "daily resume", json!({})).await;
    let limit = std::time::Duration::from_secs(200);
    let posted = bot
        .fake
        .wait_for_message(STUDY, limit, |_| true)
        .await
        .expect("posted on time");
    let posted_at = Utc::now();
    assert!(
        posted_at >= at && posted_at - at < Duration::seconds(5),
        "posted at {posted_at}, due {at}"
    );
    bot.fake
        .wait_for_message(STUDY, limit, |m| {
            m["id"] == posted["id"] && text(m).contains("Answer:")
        })
        .await
        .expect("closed a minute later");
    assert!(Utc::now() - at >= Duration::minutes(1));
    bot.stop().await;
}

#[tokio::test]
async fn a_reveal_that_discord_refuses_for_now_is_made_on_a_later_try() {
    let bot = TestBot::start().await;
    bot.slash(ADMIN, "daily setup", json!({"channel": STUDY.to_string(), "exam": "aif-c01", "time": "09:00", "timezone": "UTC", "window": 2})).await;
    bot.manual_clock().set(start_time() + Duration::hours(1));
    let posted = bot
        .fake
        .wait_for_message(STUDY, WAIT, |_| true)
        .await
        .expect("posted at 09:00");
    // Discord fails every edit of the first reveal attempt (the publisher's own retries too).
    let edit_path = format!("/channels/{STUDY}/messages/{}", message_id(&posted));
    bot.fake.fail_next("PATCH", &edit_path, 500, 5);
    bot.manual_clock().set(start_time() + Duration::hours(3));
    let failed_edits = || {
        bot.fake
            .requests()
            .iter()
            .filter(|r| r.method == "PATCH" && r.path == edit_path && r.status == 500)
            .count()
    };
    for _ in 0..200 {
        if failed_edits() == 5 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(failed_edits(), 5, "the first attempt used up its retries");
    let shown = bot.fake.message(message_id(&posted)).unwrap();
    assert!(!text(&shown).contains("Answer:"), "not revealed yet");
    // The closer records when it will try again (the reveal stays owed)...
    let closed_at = start_time() + Duration::hours(3);
    let mut retry_at = None;
    for _ in 0..200 {
        retry_at = bot.engine.store.next_reveal_at().await.unwrap();
        if retry_at.is_some_and(|at| at > closed_at) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let retry_at = retry_at.expect("the reveal is still owed");
    assert!(retry_at > closed_at, "a pause before the next try");
    // ...and tries again when that time comes.
    bot.manual_clock().set(retry_at);
    bot.fake
        .wait_for_message(STUDY, WAIT, |m| {
            m["id"] == posted["id"] && text(m).contains("Answer:")
        })
        .await
        .expect("revealed on the second try");
    bot.stop().await;
}

#[tokio::test]
async fn a_post_sent_just_before_a_crash_is_found_in_the_channel_not_sent_again() {
    let mut bot = TestBot::start().await;
    bot.slash(ADMIN, "daily setup", json!({"channel": STUDY.to_string(), "exam": "aip-c01", "time": "09:00", "timezone": "UTC"})).await;
    bot.manual_clock().set(start_time() + Duration::hours(1));
    let posted = bot
        .fake
        .wait_for_message(STUDY, WAIT, |_| true)
        .await
        .expect("posted at 09:00");
    let (post_id, _) = bot.key_of(&posted).await;
    // The crash came between Discord's reply and storing the message id, and the restart
    // twenty minutes later: Discord no longer remembers the nonce.
    bot.manual_clock()
        .set(start_time() + Duration::hours(1) + Duration::minutes(20));
    bot.fake.forget_nonces();
    bot.kill_and_restart_with(|pool| async move {
        let changed =
            sqlx::query("UPDATE posts SET state = 'claimed', message_id = NULL WHERE post_id = ?")
                .bind(post_id)
                .execute(&pool)
                .await
                .unwrap()
                .rows_affected();
        assert_eq!(changed, 1);
    })
    .await;
    let mut stored = None;
    for _ in 0..200 {
        stored = bot.engine.store.post(GUILD, post_id).await.unwrap();
        if stored.as_ref().is_some_and(|p| p.message_id.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        stored.unwrap().message_id,
        Some(message_id(&posted)),
        "the message already in the channel is adopted"
    );
    assert_eq!(
        bot.fake.channel_messages(STUDY).len(),
        1,
        "nothing sent twice"
    );
    bot.stop().await;
}
