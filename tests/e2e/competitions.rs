//! Duels, group sprints and mock exams end to end.

use std::time::Duration as StdDuration;

use chrono::Duration;
use serde_json::{json, Value};

use certsprint::bank::{Kind, Question};
use certsprint::discord::ids::{Action, LobbyStep};

use crate::harness::*;

/// The custom_id letters a member would press for a question, right or wrong.
fn letters_for(question: &Question, correct: bool) -> String {
    if correct {
        question.key.letters()
    } else {
        wrong_answer(question)
    }
}

impl TestBot {
    /// Answers one sprint or mock item on a private message through its kind's controls, using
    /// the given custom_id prefixes ("sa"/"ss"/"sk" for sprints, "ma"/"ms"/"mp" for mocks).
    #[allow(clippy::too_many_arguments)]
    async fn answer_private(
        &self,
        user: u64,
        message: u64,
        prefixes: (&str, &str, &str),
        owner: i64,
        index: usize,
        question: &Question,
        correct: bool,
    ) -> Value {
        let letters = letters_for(question, correct);
        let (button, select, pick) = prefixes;
        match question.kind {
            Kind::Single => {
                self.click(
                    user,
                    message,
                    &format!("{button}:{owner}:{index}:{letters}"),
                )
                .await
            }
            Kind::Multiple => {
                let values: Vec<String> = letters.chars().map(String::from).collect();
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                self.select(user, message, &format!("{select}:{owner}:{index}"), &values)
                    .await
            }
            Kind::Ordering | Kind::Matching => {
                let mut so_far = String::new();
                let mut last = Value::Null;
                for letter in letters.chars() {
                    last = self
                        .select(
                            user,
                            message,
                            &format!("{pick}:{owner}:{index}:{so_far}"),
                            &[&letter.to_string()],
                        )
                        .await;
                    so_far.push(letter);
                }
                last
            }
        }
    }

    /// Plays a whole sprint as `user`, answering the first `right` items correctly.
    async fn play_sprint(&self, user: u64, channel_message: u64, sprint: i64, right: usize) {
        let play = self
            .fake
            .click(
                GUILD,
                STUDY,
                user,
                channel_message,
                &Action::SprintPlay { sprint }.encode(),
            )
            .await;
        let opened = self
            .fake
            .response(&play, WAIT)
            .await
            .expect("Play answered");
        assert!(is_ephemeral(&opened["data"]), "{opened}");
        let private = message_id(
            &self
                .fake
                .original(&play)
                .expect("the private sprint message"),
        );
        let loaded = self.engine.load_sprint(GUILD, sprint).await.unwrap();
        for (index, question) in loaded.items.iter().enumerate() {
            let response = self
                .answer_private(
                    user,
                    private,
                    ("sa", "ss", "sk"),
                    sprint,
                    index,
                    question,
                    index < right,
                )
                .await;
            assert_eq!(
                response["type"], 7,
                "each answer updates the private message: {response}"
            );
        }
    }
}

fn sprint_id_of(message: &Value) -> i64 {
    custom_ids(message)
        .iter()
        .find_map(|id| match Action::decode(id)? {
            Action::DuelReply { sprint, .. }
            | Action::Lobby { sprint, .. }
            | Action::SprintPlay { sprint } => Some(sprint),
            _ => None,
        })
        .expect("a sprint id")
}

#[tokio::test]
async fn a_full_duel_posts_its_result_with_rating_changes() {
    let bot = TestBot::start().await;
    let challenge_interaction = bot
        .fake
        .slash(
            GUILD,
            STUDY,
            PLAYER,
            "sprint duel",
            json!({"opponent": (PLAYER + 1).to_string(), "exam": "aif-c01", "questions": 5}),
        )
        .await;
    let challenge = bot.reply(&challenge_interaction).await;
    assert!(!is_ephemeral(&challenge));
    assert_eq!(
        challenge["allowed_mentions"]["users"],
        json!([(PLAYER + 1).to_string()]),
        "the one intended ping: {challenge}"
    );
    let message = bot
        .fake
        .original(&challenge_interaction)
        .expect("the challenge message");
    let sprint = sprint_id_of(&message);
    let id = message_id(&message);

    let intruder = bot
        .click(
            PLAYER + 2,
            id,
            &Action::DuelReply {
                sprint,
                accept: true,
            }
            .encode(),
        )
        .await;
    assert!(
        text(&intruder["data"]).contains("dealt to someone else"),
        "{intruder}"
    );
    let accepted = bot
        .click(
            PLAYER + 1,
            id,
            &Action::DuelReply {
                sprint,
                accept: true,
            }
            .encode(),
        )
        .await;
    assert_eq!(accepted["type"], 7);
    assert!(
        text(&accepted["data"]).contains("Sprint running"),
        "{}",
        text(&accepted["data"])
    );
    let outsider = bot
        .fake
        .click(
            GUILD,
            STUDY,
            PLAYER + 2,
            id,
            &Action::SprintPlay { sprint }.encode(),
        )
        .await;
    assert!(
        text(&bot.fake.response(&outsider, WAIT).await.unwrap()["data"])
            .contains("Only this sprint's players")
    );

    bot.play_sprint(PLAYER, id, sprint, 5).await;
    bot.play_sprint(PLAYER + 1, id, sprint, 2).await;
    let result = bot
        .fake
        .wait_for_message(STUDY, WAIT, |m| text(m).contains("Sprint result"))
        .await
        .expect("the result in the channel");
    let shown = text(&result);
    assert!(shown.contains(&format!("<@{PLAYER}> wins!")), "{shown}");
    assert!(shown.contains("rating 1000 →"), "{shown}");
    assert!(
        result["mentions"].as_array().is_none_or(|m| m.is_empty())
            || result["allowed_mentions"].is_null()
    );
    let stats = text(&bot.slash(PLAYER, "stats show", json!({})).await);
    assert!(
        stats.contains("Sprint rating") && stats.contains("(1 sprints)"),
        "{stats}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_four_player_group_sprint_ranks_everyone() {
    let bot = TestBot::start().await;
    let open = bot
        .fake
        .slash(
            GUILD,
            STUDY,
            PLAYER,
            "sprint open",
            json!({"exam": "mla-c01", "questions": 5}),
        )
        .await;
    bot.reply(&open).await;
    let lobby = bot.fake.original(&open).unwrap();
    let sprint = sprint_id_of(&lobby);
    let id = message_id(&lobby);
    for n in 1..4 {
        let joined = bot
            .click(PLAYER + n, id, &lobby_id(sprint, LobbyStep::Join))
            .await;
        assert_eq!(joined["type"], 7);
    }
    let not_host = bot
        .click(PLAYER + 1, id, &lobby_id(sprint, LobbyStep::Start))
        .await;
    assert!(text(&not_host["data"]).contains("Only the host"));
    let started = bot
        .click(PLAYER, id, &lobby_id(sprint, LobbyStep::Start))
        .await;
    assert!(
        text(&started["data"]).contains("Players (4)"),
        "{}",
        text(&started["data"])
    );
    for (n, right) in [(0u64, 5usize), (1, 3), (2, 4), (3, 1)] {
        bot.play_sprint(PLAYER + n, id, sprint, right).await;
    }
    let result = bot
        .fake
        .wait_for_message(STUDY, WAIT, |m| text(m).contains("Sprint result"))
        .await
        .expect("the result");
    let shown = text(&result);
    let order: Vec<usize> = [PLAYER, PLAYER + 2, PLAYER + 1, PLAYER + 3]
        .iter()
        .map(|u| shown.find(&format!("<@{u}>")).unwrap())
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "ranked by score: {shown}"
    );
    bot.stop().await;
}

/// Starts a five-question duel between PLAYER and PLAYER + 1; (sprint id, channel message id).
async fn running_duel(bot: &TestBot) -> (i64, u64) {
    let challenge = bot
        .fake
        .slash(
            GUILD,
            STUDY,
            PLAYER,
            "sprint duel",
            json!({"opponent": (PLAYER + 1).to_string(), "exam": "aif-c01", "questions": 5}),
        )
        .await;
    bot.reply(&challenge).await;
    let message = bot
        .fake
        .original(&challenge)
        .expect("the challenge message");
    let (sprint, id) = (sprint_id_of(&message), message_id(&message));
    let accepted = bot
        .click(
            PLAYER + 1,
            id,
            &Action::DuelReply {
                sprint,
                accept: true,
            }
            .encode(),
        )
        .await;
    assert_eq!(accepted["type"], 7, "{accepted}");
    (sprint, id)
}

fn results_in(bot: &TestBot) -> usize {
    bot.fake
        .channel_messages(STUDY)
        .iter()
        .filter(|m| text(m).contains("Sprint result"))
        .count()
}

#[tokio::test]
async fn the_result_is_posted_even_when_the_sprint_message_cannot_be_edited() {
    let bot = TestBot::start().await;
    let (sprint, id) = running_duel(&bot).await;
    // Someone deleted the duel message: every edit of it fails.
    let edits = format!("/channels/{STUDY}/messages/{id}");
    bot.fake.fail_next("PATCH", &edits, 404, 100);
    bot.play_sprint(PLAYER, id, sprint, 4).await;
    bot.play_sprint(PLAYER + 1, id, sprint, 1).await;
    let result = bot
        .fake
        .wait_for_message(STUDY, WAIT, |m| text(m).contains("Sprint result"))
        .await
        .expect("the result, despite the failed edit");
    assert!(text(&result).contains(&format!("<@{PLAYER}> wins!")));
    assert!(
        bot.fake
            .requests()
            .iter()
            .any(|r| r.method == "PATCH" && r.path == edits && r.status == 404),
        "the edit was tried"
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_result_whose_post_failed_is_posted_after_a_restart_once() {
    let mut bot = TestBot::start().await;
    let (sprint, id) = running_duel(&bot).await;
    // Discord has an outage just as the result goes out: every try of the publisher fails.
    let post = format!("/channels/{STUDY}/messages");
    bot.fake.fail_next("POST", &post, 500, 5);
    bot.play_sprint(PLAYER, id, sprint, 2).await;
    bot.play_sprint(PLAYER + 1, id, sprint, 3).await;
    let failed = || {
        bot.fake
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path == post && r.status == 500)
            .count()
    };
    wait_for(|| failed() == 5).await;
    assert_eq!(results_in(&bot), 0, "the post failed");

    bot.kill_and_restart().await;
    bot.manual_clock().advance(Duration::minutes(1));
    let result = bot
        .fake
        .wait_for_message(STUDY, WAIT, |m| text(m).contains("Sprint result"))
        .await
        .expect("the timer posts the lost result");
    assert!(text(&result).contains(&format!("<@{}> wins!", PLAYER + 1)));
    bot.manual_clock().advance(Duration::minutes(2));
    tokio::time::sleep(StdDuration::from_millis(500)).await;
    assert_eq!(results_in(&bot), 1, "posted once");
    bot.stop().await;
}

#[tokio::test]
async fn a_result_the_channel_refuses_is_given_up_not_retried_all_day() {
    let bot = TestBot::start().await;
    let (sprint, id) = running_duel(&bot).await;
    // The bot lost its permission to post in the channel.
    bot.fake
        .fail_next("POST", &format!("/channels/{STUDY}/messages"), 403, 1);
    bot.play_sprint(PLAYER, id, sprint, 2).await;
    bot.play_sprint(PLAYER + 1, id, sprint, 3).await;
    let announced = || async {
        bot.engine
            .load_sprint(GUILD, sprint)
            .await
            .unwrap()
            .row
            .announced_at
    };
    wait_for_value(announced, Option::is_some).await;
    let posts_before = bot.fake.requests().len();
    bot.manual_clock().advance(Duration::minutes(5));
    tokio::time::sleep(StdDuration::from_millis(500)).await;
    let retried = bot.fake.requests()[posts_before..]
        .iter()
        .filter(|r| r.method == "POST" && r.path == format!("/channels/{STUDY}/messages"))
        .count();
    assert_eq!(retried, 0, "no retry of a refused result");
    assert_eq!(results_in(&bot), 0);
    bot.stop().await;
}

#[tokio::test]
async fn a_quick_mock_exam_ends_with_an_aws_style_report_and_a_review() {
    let bot = TestBot::start().await;
    let start = bot
        .fake
        .slash(
            GUILD,
            STUDY,
            PLAYER,
            "mock start",
            json!({"exam": "aif-c01", "length": "quick"}),
        )
        .await;
    let first = bot.reply(&start).await;
    assert!(is_ephemeral(&first));
    assert!(
        text(&first).contains("question 1 of 10"),
        "{}",
        text(&first)
    );
    let message = bot.fake.original(&start).unwrap();
    let id = message_id(&message);
    let attempt: i64 = custom_ids(&message)
        .iter()
        .find_map(|id| match Action::decode(id)? {
            Action::MockSubmit { attempt, .. } => Some(attempt),
            _ => None,
        })
        .unwrap();
    let mock = bot
        .engine
        .running_mock(GUILD, PLAYER, attempt)
        .await
        .unwrap();
    // Answer eight (seven right), skip two, flag one, then submit.
    for (index, question) in mock.items.iter().enumerate().take(8) {
        let go = bot
            .click(PLAYER, id, &Action::MockGo { attempt, index }.encode())
            .await;
        assert_eq!(go["type"], 7);
        bot.answer_private(
            PLAYER,
            id,
            ("ma", "ms", "mp"),
            attempt,
            index,
            question,
            index != 0,
        )
        .await;
    }
    let flagged = bot
        .click(PLAYER, id, &Action::MockFlag { attempt, index: 3 }.encode())
        .await;
    assert!(
        text(&flagged["data"]).contains("1 flagged"),
        "{}",
        text(&flagged["data"])
    );
    let check = bot
        .click(
            PLAYER,
            id,
            &Action::MockSubmit {
                attempt,
                confirm: false,
            }
            .encode(),
        )
        .await;
    assert!(
        text(&check["data"]).contains("2 unanswered"),
        "{}",
        text(&check["data"])
    );
    let report = bot
        .click(
            PLAYER,
            id,
            &Action::MockSubmit {
                attempt,
                confirm: true,
            }
            .encode(),
        )
        .await;
    let shown = text(&report["data"]);
    assert!(shown.contains("Approximate scaled score"), "{shown}");
    assert!(shown.contains("7 of 10 right"), "{shown}");
    assert!(shown.contains("AWS does not publish"), "{shown}");
    assert!(
        shown.contains("Meets competencies") || shown.contains("Needs improvement"),
        "{shown}"
    );
    let review = bot
        .click(
            PLAYER,
            id,
            &Action::MockReview {
                attempt,
                index: Some(0),
            }
            .encode(),
        )
        .await;
    assert!(
        text(&review["data"]).contains("Review · question 1 of 10"),
        "{}",
        text(&review["data"])
    );
    let stats = text(&bot.slash(PLAYER, "stats show", json!({})).await);
    assert!(
        stats.contains("Mock exams") && stats.contains("AIF-C01 quick"),
        "{stats}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn resuming_a_mock_exam_whose_time_ran_out_shows_its_report() {
    let bot = TestBot::start().await;
    let start = bot
        .slash(
            PLAYER,
            "mock start",
            json!({"exam": "aif-c01", "length": "quick"}),
        )
        .await;
    assert!(
        text(&start).contains("question 1 of 10"),
        "{}",
        text(&start)
    );
    // Past the 15 minutes; the timer may or may not have submitted it before /mock resume.
    bot.manual_clock().advance(chrono::Duration::minutes(16));
    let resume = bot
        .fake
        .slash(GUILD, STUDY, PLAYER, "mock resume", json!({}))
        .await;
    let shown = bot.reply(&resume).await;
    assert!(is_ephemeral(&shown));
    let words = text(&shown);
    assert!(words.contains("Approximate scaled score"), "{words}");
    assert!(words.contains("time ran out"), "{words}");
    let message = bot.fake.original(&resume).unwrap();
    let attempt: i64 = custom_ids(&message)
        .iter()
        .find_map(|id| match Action::decode(id)? {
            Action::MockReview { attempt, .. } => Some(attempt),
            _ => None,
        })
        .expect("a review button");
    let review = bot
        .click(
            PLAYER,
            message_id(&message),
            &Action::MockReview {
                attempt,
                index: Some(0),
            }
            .encode(),
        )
        .await;
    assert!(
        text(&review["data"]).contains("Review · question 1 of 10"),
        "{}",
        text(&review["data"])
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_second_mock_start_brings_back_the_running_attempt() {
    let bot = TestBot::start().await;
    let first = bot
        .slash(
            PLAYER,
            "mock start",
            json!({"exam": "aif-c01", "length": "quick"}),
        )
        .await;
    let attempt_of = |reply: &serde_json::Value| -> Vec<String> {
        custom_ids(reply)
            .into_iter()
            .filter(|c| c.starts_with("mx:"))
            .collect()
    };
    let again = bot
        .slash(
            PLAYER,
            "mock start",
            json!({"exam": "aif-c01", "length": "half"}),
        )
        .await;
    let shown = text(&again);
    assert!(is_ephemeral(&again));
    assert!(
        shown.contains("already have a mock exam running") && shown.contains("question 1 of 10"),
        "{shown}"
    );
    assert!(!attempt_of(&first).is_empty());
    assert_eq!(attempt_of(&again), attempt_of(&first), "the same attempt");
    bot.stop().await;
}
