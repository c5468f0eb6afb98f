//! A channel question: posting, answering, double clicks, stale buttons, the reveal, retries
//! after 429/500, and a crash mid-window.

use chrono::Duration;
use serde_json::{json, Value};

use certsprint::discord::ids::Action;

use crate::harness::*;

fn no_pings_anywhere(bot: &TestBot) {
    for request in bot.fake.requests() {
        let Some(body) = &request.body else { continue };
        let carries_text = body.get("content").is_some()
            || body.get("embeds").is_some()
            || body
                .get("data")
                .is_some_and(|d| d.get("content").is_some() || d.get("embeds").is_some());
        if !carries_text || request.path.contains("/commands") {
            continue;
        }
        let mentions = body
            .get("allowed_mentions")
            .or_else(|| body.get("data").and_then(|d| d.get("allowed_mentions")));
        let mentions = mentions.unwrap_or_else(|| {
            panic!(
                "{} {} sends no allowed_mentions: {body}",
                request.method, request.path
            )
        });
        assert_eq!(
            mentions["parse"],
            json!([]),
            "{} {}: {body}",
            request.method,
            request.path
        );
        assert!(mentions["roles"].as_array().is_none_or(|r| r.is_empty()));
    }
}

#[tokio::test]
async fn a_posted_question_shows_everything_but_the_key() {
    let bot = TestBot::start().await;
    let message = bot.post_now().await;
    let (post_id, key) = bot.key_of(&message).await;
    let shown = text(&message);
    let post = bot.store.post(GUILD, post_id).await.unwrap().unwrap();
    assert!(shown.contains(&format!("#{}", post.question_id)), "{shown}");
    assert!(
        shown.contains(&format!("<t:{}:R>", post.closes_at.timestamp())),
        "{shown}"
    );
    assert!(shown.contains("Domain"), "{shown}");
    // The ids name the post and, for buttons, every letter alike: nothing singles out the key.
    let ids = custom_ids(&message);
    let allowed = [
        vec![
            answer_id(post_id, "A"),
            answer_id(post_id, "B"),
            answer_id(post_id, "C"),
            answer_id(post_id, "D"),
        ],
        vec![Action::Select { post: post_id }.encode()],
        vec![Action::OpenPicker { post: post_id }.encode()],
    ];
    assert!(allowed.contains(&ids), "{ids:?} (key {key})");
    no_pings_anywhere(&bot);
    bot.stop().await;
}

#[tokio::test]
async fn twenty_members_answer_and_the_right_ones_are_scored() {
    let bot = TestBot::start().await;
    let message = bot.post_now().await;
    let mut expected_right = 0;
    for n in 0..20 {
        let correct = n % 4 != 0;
        expected_right += u32::from(correct);
        let response = bot.answer(PLAYER + n, &message, correct).await;
        let data = &response["data"];
        assert!(
            is_ephemeral(data) || response["type"] == 7,
            "private reply: {response}"
        );
        let verdict = text(data);
        assert!(
            if correct {
                verdict.contains("Right!")
            } else {
                verdict.contains("Not quite")
            },
            "{verdict}"
        );
        assert!(
            verdict.contains("Why"),
            "the explanation comes with the verdict: {verdict}"
        );
    }
    let board = bot
        .slash(PLAYER + 1, "leaderboard", json!({"period": "all"}))
        .await;
    let shown = text(&board);
    assert!(
        shown.contains("player1") && shown.contains("15 pts"),
        "{shown}"
    );
    assert!(
        shown.contains("20 ranked"),
        "wrong answers rank too, with 0 points: {shown}"
    );
    let (post_id, _) = bot.key_of(&message).await;
    let reveal = bot
        .engine
        .reveal(bot.store.post(GUILD, post_id).await.unwrap().unwrap())
        .await
        .unwrap();
    assert_eq!((reveal.answered, reveal.correct), (20, expected_right));
    bot.stop().await;
}

#[tokio::test]
async fn a_double_click_is_told_the_first_answer_counts() {
    let bot = TestBot::start().await;
    let message = bot.post_now().await;
    bot.answer(PLAYER, &message, true).await;
    let again = bot.answer(PLAYER, &message, false).await;
    let shown = text(&again["data"]);
    assert!(
        shown.contains("You already answered") && shown.contains("the first answer counts"),
        "{shown}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn the_window_closes_with_a_reveal_and_stale_buttons_are_told_so() {
    let bot = TestBot::start().await;
    let message = bot.post_now().await;
    bot.answer(PLAYER, &message, true).await;
    bot.answer(EVERYONE_NAMED, &message, true).await;
    bot.answer(PLAYER + 1, &message, false).await;
    bot.manual_clock().advance(Duration::hours(12));
    let id = message_id(&message);
    let revealed = bot
        .fake
        .wait_for_message(STUDY, WAIT, |m| {
            m["id"] == message["id"] && text(m).contains("Fastest right")
        })
        .await
        .expect("the question message was edited with the reveal");
    let shown = text(&revealed);
    let (_, key) = bot.key_of(&message).await;
    assert!(shown.contains("Answer:"), "{shown}");
    assert!(shown.contains("2 of 3"), "{shown}");
    assert!(shown.contains("Why"), "{shown}");
    assert!(shown.contains("player0"), "{shown}");
    assert!(
        !shown.contains("@everyone"),
        "a name cannot form a ping: {shown}"
    );
    let buttons_disabled = revealed["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap())
        .all(|c| c["disabled"] == true);
    assert!(buttons_disabled, "{revealed}");
    assert!(!key.is_empty());

    let late = bot.answer(PLAYER + 2, &message, true).await;
    let shown = text(&late["data"]);
    assert!(
        shown.contains("This question closed") && shown.contains("no longer taken"),
        "{shown}"
    );
    assert_eq!(bot.fake.message(id).unwrap()["id"], message["id"]);
    no_pings_anywhere(&bot);
    bot.stop().await;
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried_without_a_duplicate_post() {
    let bot = TestBot::start().await;
    bot.fake
        .fail_next("POST", &format!("/channels/{STUDY}/messages"), 429, 1);
    bot.fake
        .fail_next("POST", &format!("/channels/{STUDY}/messages"), 500, 1);
    let message = bot.post_now().await;
    assert_eq!(bot.fake.channel_messages(STUDY).len(), 1);
    let attempts = bot
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == format!("/channels/{STUDY}/messages"))
        .count();
    assert_eq!(attempts, 3, "a 429, a 500, then the post");
    let (post_id, _) = bot.key_of(&message).await;
    assert_eq!(
        bot.store
            .post(GUILD, post_id)
            .await
            .unwrap()
            .unwrap()
            .message_id,
        Some(message_id(&message))
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_crash_mid_window_loses_no_acknowledged_answer() {
    let mut bot = TestBot::start().await;
    let message = bot.post_now().await;
    for n in 0..5 {
        let response = bot.answer(PLAYER + n, &message, true).await;
        assert!(text(&response["data"]).contains("Right!"));
    }
    bot.kill_and_restart().await;
    let again = bot.answer(PLAYER, &message, false).await;
    assert!(
        text(&again["data"]).contains("You already answered"),
        "{again}"
    );
    bot.answer(PLAYER + 5, &message, false).await;
    bot.manual_clock().advance(Duration::hours(12));
    let revealed: Value = bot
        .fake
        .wait_for_message(STUDY, WAIT, |m| {
            m["id"] == message["id"] && text(m).contains("Fastest right")
        })
        .await
        .unwrap();
    assert!(text(&revealed).contains("5 of 6"), "{}", text(&revealed));
    bot.stop().await;
}
