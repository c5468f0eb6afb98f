//! /review end to end: a missed daily question comes back the next day in /review (not in
//! /quiz), answering grades it and says when it is due next, and the opt-in reminder DM arrives
//! at the member's hour (and is not retried for a member whose DMs are closed).

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;

use crate::harness::*;

/// A schedule in Berlin (UTC+1 in November) sets the server's time zone.
async fn berlin_schedule(bot: &TestBot) {
    bot.slash(
        ADMIN,
        "daily setup",
        json!({"channel": STUDY.to_string(), "exam": "aif-c01", "time": "12:00", "timezone": "Europe/Berlin"}),
    )
    .await;
}

/// Posts a daily question and has `user` answer it wrong; returns the missed question's id.
async fn miss_daily(bot: &TestBot, user: u64) -> String {
    let message = bot.post_now().await;
    let result = bot.answer(user, &message, false).await;
    let shown = text(&result["data"]);
    assert!(
        shown.contains("Not quite") && shown.contains("Added to your review cards"),
        "{shown}"
    );
    let post = bot
        .store
        .post(GUILD, post_id_of(&message))
        .await
        .unwrap()
        .unwrap();
    post.question_id
}

#[tokio::test]
async fn a_missed_daily_question_is_served_by_review_the_next_day_and_graded() {
    let bot = TestBot::start().await;
    berlin_schedule(&bot).await;
    let missed = miss_daily(&bot, PLAYER).await;

    // Straight away nothing is due; /review says when the card comes back.
    let now = bot.slash(PLAYER, "review", json!({})).await;
    assert!(is_ephemeral(&now));
    assert!(
        text(&now).contains("Nothing to review right now") && text(&now).contains("1 minute"),
        "{}",
        text(&now)
    );

    // The next day /quiz deals a fresh question and points to /review instead.
    bot.manual_clock().set(start_time() + Duration::days(1));
    let quiz = bot.slash(PLAYER, "quiz", json!({"exam": "aif-c01"})).await;
    assert!(
        text(&quiz).contains("1 review due: `/review`"),
        "{}",
        text(&quiz)
    );
    assert!(!text(&quiz).contains("missed before"), "{}", text(&quiz));

    // /review serves the missed question privately, with the usual answer controls.
    let interaction = bot
        .fake
        .slash(GUILD, STUDY, PLAYER, "review", json!({}))
        .await;
    let dealt = bot.reply(&interaction).await;
    assert!(is_ephemeral(&dealt), "{dealt}");
    assert!(text(&dealt).contains("missed before"), "{}", text(&dealt));
    let question = bot.fake.original(&interaction).expect("the review card");
    let post = bot
        .store
        .post(GUILD, post_id_of(&question))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(post.question_id, missed);

    // Answering grades it: Good moves it to review with a one-day interval.
    let result = bot.answer(PLAYER, &question, true).await;
    assert_eq!(result["type"], 7, "the result replaces the card: {result}");
    let shown = text(&result["data"]);
    assert!(shown.contains("Right!") && shown.contains("Why"), "{shown}");
    assert!(
        shown.contains("Remembered: this card comes back in 1 day"),
        "{shown}"
    );
    let cards = bot
        .store
        .review_queue(GUILD, PLAYER, None, 10)
        .await
        .unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(
        cards[0].due_at,
        start_time() + Duration::days(2),
        "stored as shown"
    );

    // "Next review": nothing more is due; the summary names tomorrow and this week.
    let next = custom_ids(&result["data"])
        .into_iter()
        .find(|id| id.starts_with("rvn:"))
        .expect("a Next review button");
    let done = bot.click(PLAYER, message_id(&question), &next).await;
    assert_eq!(done["type"], 7, "{done}");
    let summary = text(&done["data"]);
    assert!(
        summary.contains("every review due for now")
            && summary.contains("Due tomorrow: **1**")
            && summary.contains("this week: **1**"),
        "{summary}"
    );
    assert!(custom_ids(&done["data"]).is_empty());
    bot.stop().await;
}

#[tokio::test]
async fn the_review_reminder_dm_arrives_at_the_hour_once_and_closed_dms_are_not_retried() {
    let bot = TestBot::start().await;
    berlin_schedule(&bot).await;
    let closed = PLAYER + 1;
    // Members reminded at 17:00 and 21:00 Berlin: their DMs show the loop has run at those
    // times, so the checks that nothing else arrived cannot pass just by looking too early.
    let (early, late) = (PLAYER + 2, PLAYER + 3);
    for member in [PLAYER, closed, early, late] {
        miss_daily(&bot, member).await;
    }
    bot.fake.close_dms(closed);
    for (member, hour) in [(early, 17), (late, 21)] {
        bot.slash(member, "review", json!({"remind": "on", "hour": hour}))
            .await;
    }

    let on = bot
        .slash(PLAYER, "review", json!({"remind": "on", "hour": 18}))
        .await;
    assert!(is_ephemeral(&on));
    assert!(text(&on).contains("18:00 (Europe/Berlin)"), "{}", text(&on));
    bot.slash(closed, "review", json!({"remind": "on", "hour": 18}))
        .await;

    // 17:59 Berlin: the 17:00 member's DM, and nothing yet for the 18:00 ones.
    bot.manual_clock()
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 16, 59, 0).unwrap());
    wait_for(|| !bot.fake.dm_messages(early).is_empty()).await;
    assert!(bot.fake.dm_messages(PLAYER).is_empty());

    // 18:00 Berlin (17:00 UTC): the DM arrives.
    bot.manual_clock()
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 17, 0, 0).unwrap());
    wait_for(|| !bot.fake.dm_messages(PLAYER).is_empty()).await;
    let dm = &bot.fake.dm_messages(PLAYER)[0];
    assert!(
        text(dm).contains("1 review due today in **AWS study group**")
            && text(dm).contains("/review"),
        "the DM names the server whose cards are due: {dm}"
    );
    let dm_attempts = |user: u64| {
        let refused = bot
            .fake
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.status == 403 && r.path.ends_with("/messages"))
            .count();
        (bot.fake.dm_messages(user).len(), refused)
    };
    wait_for(|| dm_attempts(closed).1 == 1).await;

    // Later the same day (21:00 Berlin, once the 21:00 member's DM shows the loop ran): no
    // second DM, and the closed DMs are not tried again.
    bot.manual_clock()
        .set(Utc.with_ymd_and_hms(2026, 11, 2, 20, 0, 0).unwrap());
    wait_for(|| !bot.fake.dm_messages(late).is_empty()).await;
    assert_eq!(bot.fake.dm_messages(PLAYER).len(), 1);
    assert_eq!(dm_attempts(closed), (0, 1));

    // The next day at the hour: one more each.
    bot.manual_clock()
        .set(Utc.with_ymd_and_hms(2026, 11, 3, 17, 0, 0).unwrap());
    wait_for(|| bot.fake.dm_messages(PLAYER).len() == 2).await;
    wait_for(|| dm_attempts(closed).1 == 2).await;

    let stray = bot.slash(PLAYER, "review", json!({"hour": 7})).await;
    assert!(text(&stray).contains("remind:on"), "{}", text(&stray));
    let off = bot.slash(PLAYER, "review", json!({"remind": "off"})).await;
    assert!(text(&off).contains("Review reminder off"), "{}", text(&off));
    bot.manual_clock()
        .set(Utc.with_ymd_and_hms(2026, 11, 4, 17, 0, 0).unwrap());
    wait_for(|| dm_attempts(closed).1 == 3).await;
    assert_eq!(bot.fake.dm_messages(PLAYER).len(), 2, "switched off");
    bot.stop().await;
}
