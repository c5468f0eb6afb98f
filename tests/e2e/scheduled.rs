//! Scheduled questions end to end: on a manual clock, a deleted channel, and on the real clock.

use chrono::{Duration, Timelike, Utc};
use serde_json::json;

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
    assert!(
        text(&second).contains("MLA-C02"),
        "the retiring MLA-C01 is left out of the rotation: {}",
        text(&second)
    );
    assert_eq!(bot.fake.channel_messages(STUDY).len(), 2);
    bot.stop().await;
}

#[tokio::test]
async fn a_deleted_channel_pauses_the_schedule_and_tells_the_admin_once() {
    let bot = TestBot::start().await;
    bot.slash(ADMIN, "daily setup", json!({"channel": OTHER_CHANNEL.to_string(), "exam": "aif-c01", "time": "09:00", "timezone": "UTC"})).await;
    bot.fake.delete_channel(OTHER_CHANNEL);
    bot.manual_clock().set(start_time() + Duration::hours(1));
    wait_for(|| !bot.fake.dm_messages(ADMIN).is_empty()).await;
    let dms = bot.fake.dm_messages(ADMIN);
    assert_eq!(dms.len(), 1, "{dms:?}");
    assert!(
        text(&dms[0]).contains("stopped") && text(&dms[0]).contains("/daily resume"),
        "{}",
        text(&dms[0])
    );
    let schedule = bot
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

/// The real clock: a schedule set up with /daily setup for the next minute but one posts on
/// time, although the scheduler had planned to sleep far longer (nothing was scheduled).
#[tokio::test]
async fn on_the_real_clock_a_schedule_set_up_two_minutes_ahead_posts_on_time() {
    let bot = TestBot::start_real_time().await;
    let at = (Utc::now() + Duration::minutes(2))
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    let reply = bot
        .slash(
            ADMIN,
            "daily setup",
            json!({"channel": STUDY.to_string(), "exam": "aif-c01", "time": at.format("%H:%M").to_string(), "timezone": "UTC", "window": 1}),
        )
        .await;
    assert!(text(&reply).contains("Scheduled"), "{reply}");
    let limit = std::time::Duration::from_secs(200);
    bot.fake
        .wait_for_message(STUDY, limit, |_| true)
        .await
        .expect("posted on time");
    let posted_at = Utc::now();
    assert!(posted_at >= at, "not before {at}: {posted_at}");
    // Generous for a busy machine; the bug this guards against posted up to ten minutes late.
    assert!(
        posted_at - at < Duration::seconds(60),
        "posted at {posted_at}, due {at}"
    );
    bot.stop().await;
}

/// Every command that changes what a background loop must do wakes that loop at once (the
/// loops otherwise sleep until their own next deadline).
#[tokio::test]
async fn commands_that_change_timed_work_wake_the_loop_they_concern() {
    let bot = TestBot::start().await;
    let signals = bot.engine.signals();

    let before = signals.scheduler.raised();
    bot.slash(ADMIN, "daily setup", json!({"channel": STUDY.to_string(), "exam": "aif-c01", "time": "09:00", "timezone": "UTC"})).await;
    assert!(
        signals.scheduler.raised() > before,
        "/daily setup wakes the scheduler"
    );

    let before = signals.closer.raised();
    bot.post_now().await;
    assert!(
        signals.closer.raised() > before,
        "/daily now wakes the closer"
    );

    let before = signals.scheduler.raised();
    let reply = bot.slash(ADMIN, "daily remove", json!({})).await;
    assert!(text(&reply).contains("Removed"), "{reply}");
    assert!(
        signals.scheduler.raised() > before,
        "/daily remove wakes the scheduler"
    );

    let before = signals.closer.raised();
    bot.slash(PLAYER, "quiz", json!({"exam": "aip-c01"})).await;
    assert!(signals.closer.raised() > before, "/quiz wakes the closer");

    let before = signals.timer.raised();
    let reply = bot
        .slash(PLAYER, "mock start", json!({"exam": "aif-c01"}))
        .await;
    assert!(text(&reply).contains("minutes"), "{reply}");
    assert!(
        signals.timer.raised() > before,
        "/mock start wakes the timer"
    );

    let before = signals.timer.raised();
    bot.slash(
        PLAYER + 1,
        "sprint open",
        json!({"exam": "aif-c01", "questions": 5}),
    )
    .await;
    assert!(
        signals.timer.raised() > before,
        "/sprint open wakes the timer"
    );
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
    wait_for(|| failed_edits() == 5).await;
    assert_eq!(failed_edits(), 5, "the first attempt used up its retries");
    let shown = bot.fake.message(message_id(&posted)).unwrap();
    assert!(!text(&shown).contains("Answer:"), "not revealed yet");
    // The closer records when it will try again (the reveal stays owed)...
    let closed_at = start_time() + Duration::hours(3);
    let retry_at = wait_for_value(
        || bot.store.next_reveal_at(),
        |at| {
            at.as_ref()
                .is_ok_and(|at| at.is_some_and(|at| at > closed_at))
        },
    )
    .await
    .unwrap()
    .expect("the reveal is still owed");
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
    let stored = wait_for_value(
        || bot.store.post(GUILD, post_id),
        |post| {
            post.as_ref()
                .is_ok_and(|p| p.as_ref().is_some_and(|p| p.message_id.is_some()))
        },
    )
    .await
    .unwrap();
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

#[tokio::test]
async fn an_admin_reveals_the_question_early_and_later_clicks_are_told_it_closed() {
    let bot = TestBot::start().await;
    let nothing = bot.slash(ADMIN, "daily reveal", json!({})).await;
    assert!(is_ephemeral(&nothing));
    assert!(text(&nothing).contains("no open question"), "{nothing}");

    let posted = bot.post_now().await;
    bot.answer(PLAYER, &posted, true).await;
    bot.answer(PLAYER + 1, &posted, false).await;
    let refused = bot.slash(PLAYER, "daily reveal", json!({})).await;
    assert_eq!(
        text(&refused),
        "You need the Manage Server permission for this."
    );

    let reply = bot.slash(ADMIN, "daily reveal", json!({})).await;
    assert!(is_ephemeral(&reply));
    assert!(text(&reply).contains("Closed its question"), "{reply}");
    let revealed = bot
        .fake
        .wait_for_message(STUDY, WAIT, |m| {
            m["id"] == posted["id"] && text(m).contains("Answer:")
        })
        .await
        .expect("revealed at once, on the manual clock that has not moved");
    assert!(text(&revealed).contains("1 of 2"), "{}", text(&revealed));

    let late = bot.answer(PLAYER + 2, &posted, true).await;
    let shown = text(&late["data"]);
    assert!(shown.contains("This question closed"), "{shown}");
    let again = bot.slash(ADMIN, "daily reveal", json!({})).await;
    assert!(text(&again).contains("no open question"), "{again}");
    assert_eq!(
        bot.fake.channel_messages(STUDY).len(),
        1,
        "nothing new posted"
    );
    bot.stop().await;
}

#[tokio::test]
async fn deleting_a_channel_removes_its_daily_question_and_leaves_the_others() {
    let bot = TestBot::start().await;
    for channel in [STUDY, OTHER_CHANNEL] {
        bot.slash(ADMIN, "daily setup", json!({"channel": channel.to_string(), "exam": "aif-c01", "time": "09:00", "timezone": "UTC"})).await;
    }
    bot.fake.delete_channel_live(GUILD, OTHER_CHANNEL);
    wait_for_value(
        || bot.store.schedule_for_channel(GUILD, OTHER_CHANNEL),
        |schedule| schedule.as_ref().is_ok_and(Option::is_none),
    )
    .await
    .unwrap();
    let list = bot.slash(ADMIN, "daily list", json!({})).await;
    assert!(text(&list).contains(&format!("<#{STUDY}>")), "{list}");
    assert!(
        !text(&list).contains(&format!("<#{OTHER_CHANNEL}>")),
        "{list}"
    );

    bot.manual_clock().set(start_time() + Duration::hours(1));
    bot.fake
        .wait_for_message(STUDY, WAIT, |_| true)
        .await
        .expect("the other channel still posts at 09:00");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        bot.fake.dm_messages(ADMIN).is_empty(),
        "no 'stopped' DM: nothing was tried in the deleted channel"
    );
    bot.stop().await;
}
