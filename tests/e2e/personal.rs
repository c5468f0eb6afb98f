//! Personal flows: /quiz, /stats, /leaderboard paging, /forget-me.

use serde_json::json;

use certsprint::discord::ids::Action;

use crate::harness::*;

#[tokio::test]
async fn a_personal_quiz_is_private_answers_in_place_and_deals_the_next() {
    let bot = TestBot::start().await;
    let interaction = bot
        .fake
        .slash(GUILD, STUDY, PLAYER, "quiz", json!({"exam": "aip-c01"}))
        .await;
    let first = bot.reply(&interaction).await;
    assert!(is_ephemeral(&first), "{first}");
    assert!(text(&first).contains("AIP-C01"), "{}", text(&first));
    let question = bot
        .fake
        .original(&interaction)
        .expect("the private question message");
    let result = bot.answer(PLAYER, &question, true).await;
    assert_eq!(
        result["type"], 7,
        "the result replaces the private question: {result}"
    );
    let shown = text(&result["data"]);
    assert!(shown.contains("Right!") && shown.contains("Why"), "{shown}");
    let next_id = custom_ids(&result["data"])
        .into_iter()
        .find(|id| id.starts_with("next:"))
        .expect("a Next question button");
    let next = bot.click(PLAYER, message_id(&question), &next_id).await;
    assert_eq!(next["type"], 7);
    assert!(text(&next["data"]).contains("AIP-C01"));
    // Personal answers count in stats but never on the channel leaderboard.
    let board = text(
        &bot.slash(PLAYER, "leaderboard", json!({"period": "all"}))
            .await,
    );
    assert!(board.contains("No answers yet"), "{board}");
    let stats = bot.slash(PLAYER, "stats show", json!({})).await;
    assert!(is_ephemeral(&stats));
    assert!(text(&stats).contains("**1** answered"), "{}", text(&stats));
    bot.stop().await;
}

#[tokio::test]
async fn next_question_keeps_the_domain_the_member_asked_for() {
    let bot = TestBot::start().await;
    let interaction = bot
        .fake
        .slash(
            GUILD,
            STUDY,
            PLAYER,
            "quiz",
            json!({"exam": "aip-c01", "domain": 3}),
        )
        .await;
    bot.reply(&interaction).await;
    // Right and wrong answers alike: the filter survives every round.
    for round in 0..4 {
        let question = bot
            .fake
            .original(&interaction)
            .expect("the private question");
        assert!(
            text(&question).contains("· Domain 3:"),
            "round {round} left domain 3: {}",
            text(&question)
        );
        let result = bot.answer(PLAYER, &question, round % 2 == 0).await;
        let next_id = custom_ids(&result["data"])
            .into_iter()
            .find(|id| id.starts_with("next:"))
            .expect("a Next question button");
        let next = bot.click(PLAYER, message_id(&question), &next_id).await;
        assert_eq!(next["type"], 7, "{next}");
    }
    bot.stop().await;
}

#[tokio::test]
async fn a_practice_question_answered_too_late_shows_the_answer_unscored() {
    let bot = TestBot::start().await;
    let interaction = bot
        .fake
        .slash(GUILD, STUDY, PLAYER, "quiz", json!({"exam": "mla-c01"}))
        .await;
    bot.reply(&interaction).await;
    let question = bot.fake.original(&interaction).unwrap();
    bot.manual_clock()
        .set(start_time() + chrono::Duration::minutes(31));
    let late = bot.answer(PLAYER, &question, true).await;
    assert_eq!(late["type"], 7, "it replaces the private question: {late}");
    let shown = text(&late["data"]);
    assert!(
        shown.contains("timed out") && shown.contains("not scored"),
        "{shown}"
    );
    assert!(
        shown.contains("Answer:") && shown.contains("Why"),
        "{shown}"
    );
    assert!(custom_ids(&late["data"])
        .iter()
        .any(|id| id.starts_with("next:mla-c01")));
    let stats = bot.slash(PLAYER, "stats show", json!({})).await;
    assert!(!text(&stats).contains("**1** answered"), "{}", text(&stats));
    bot.stop().await;
}

#[tokio::test]
async fn someone_elses_personal_question_cannot_be_answered() {
    let bot = TestBot::start().await;
    let interaction = bot
        .fake
        .slash(GUILD, STUDY, PLAYER, "quiz", json!({"exam": "aif-c01"}))
        .await;
    bot.reply(&interaction).await;
    let question = bot.fake.original(&interaction).unwrap();
    let foreign = bot.answer(PLAYER + 1, &question, true).await;
    assert!(
        text(&foreign["data"]).contains("dealt to someone else"),
        "{foreign}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn stats_break_down_by_exam_and_show_other_members_publicly_without_their_queue() {
    let bot = TestBot::start().await;
    let message = bot.post_now().await;
    bot.answer(PLAYER, &message, false).await;
    let own = bot.slash(PLAYER, "stats show", json!({})).await;
    let shown = text(&own);
    assert!(
        shown.contains("Review queue") && shown.contains("0 due of 1"),
        "the miss is due tomorrow: {shown}"
    );
    assert!(
        shown.contains("Readiness not enough answers yet (1 of 20)"),
        "{shown}"
    );
    let other = bot
        .slash(
            PLAYER + 1,
            "stats show",
            json!({"user": PLAYER.to_string()}),
        )
        .await;
    assert!(!is_ephemeral(&other));
    assert!(
        text(&other).contains("private to each member"),
        "{}",
        text(&other)
    );
    bot.stop().await;
}

#[tokio::test]
async fn leaderboard_pages_and_shows_the_callers_rank() {
    let bot = TestBot::start().await;
    for _ in 0..2 {
        let message = bot.post_now().await;
        for n in 0..PLAYERS {
            bot.answer(PLAYER + n, &message, n % 2 == 0).await;
        }
    }
    let interaction = bot
        .fake
        .slash(
            GUILD,
            STUDY,
            PLAYER + 1,
            "leaderboard",
            json!({"period": "week"}),
        )
        .await;
    let board = bot.reply(&interaction).await;
    let shown = text(&board);
    assert!(
        shown.contains("Page 1 of 3") && shown.contains("25 ranked"),
        "{shown}"
    );
    assert!(
        shown.contains("You:") && shown.contains("player1"),
        "{shown}"
    );
    let message = bot.fake.original(&interaction).unwrap();
    let next = custom_ids(&message)
        .into_iter()
        .find(|id| {
            matches!(
                Action::decode(id),
                Some(Action::Board { page: 1, viewer, .. }) if viewer == PLAYER + 1
            )
        })
        .expect("a next-page button");
    let page_two = bot.click(PLAYER + 1, message_id(&message), &next).await;
    assert_eq!(page_two["type"], 7, "the viewer pages in place");
    assert!(text(&page_two["data"]).contains("Page 2 of 3"));
    let someone_else = bot.click(PLAYER + 3, message_id(&message), &next).await;
    assert_eq!(someone_else["type"], 4, "others get their own copy");
    assert!(is_ephemeral(&someone_else["data"]));
    bot.stop().await;
}

#[tokio::test]
async fn forget_me_asks_first_and_only_the_member_can_confirm() {
    let bot = TestBot::start().await;
    let message = bot.post_now().await;
    bot.answer(PLAYER, &message, true).await;
    let interaction = bot
        .fake
        .slash(GUILD, STUDY, PLAYER, "forget-me", json!({}))
        .await;
    let ask = bot.reply(&interaction).await;
    assert!(text(&ask).contains("cannot be undone"));
    let prompt = bot.fake.original(&interaction).unwrap();
    let confirm = custom_ids(&prompt)
        .into_iter()
        .find(|id| {
            matches!(
                Action::decode(id),
                Some(Action::Forget { confirm: true, .. })
            )
        })
        .unwrap();
    let intruder = bot.click(PLAYER + 1, message_id(&prompt), &confirm).await;
    assert!(text(&intruder["data"]).contains("not for you"));
    assert_eq!(
        bot.engine
            .member_stats(GUILD, PLAYER)
            .await
            .unwrap()
            .overall
            .answered,
        1
    );
    let done = bot.click(PLAYER, message_id(&prompt), &confirm).await;
    assert!(
        text(&done["data"]).contains("deleted (1 answers)"),
        "{done}"
    );
    assert_eq!(
        bot.engine
            .member_stats(GUILD, PLAYER)
            .await
            .unwrap()
            .overall
            .answered,
        0
    );
    bot.stop().await;
}
