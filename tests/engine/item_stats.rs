//! Item statistics from answers given through the engine in every mode (channel posts, /quiz,
//! sprints, mock exams), and the "check the key" list; the report queue's resolve.

use std::collections::HashMap;

use chrono::Duration;

use certsprint::bank::{Question, Response};
use certsprint::quiz::item_stats::{ItemStats, KeyCheck};
use certsprint::quiz::{AnswerRequest, MockLength, ReportResolution};
use certsprint::store::{Post, Snowflake};

use crate::common::wrong_answer;
use crate::helpers::*;

/// What the test answered, per item: (answers, right).
#[derive(Default)]
struct Ledger(HashMap<String, (u32, u32)>);

impl Ledger {
    fn note(&mut self, item: &str, correct: bool) {
        let entry = self.0.entry(item.to_string()).or_default();
        entry.0 += 1;
        entry.1 += u32::from(correct);
    }
}

fn response(question: &Question, correct: bool) -> Response {
    if correct {
        Response(question.key.0.clone())
    } else {
        wrong_answer(question)
    }
}

async fn answer_post(
    t: &TestEngine,
    post: &Post,
    user: Snowflake,
    correct: bool,
    ledger: &mut Ledger,
) {
    let outcome = t.answer(post, user, correct).await.unwrap();
    assert_eq!(outcome.correct, correct);
    ledger.note(&post.question_id, correct);
}

fn stats_of<'a>(stats: &'a [ItemStats], item: &str) -> &'a ItemStats {
    stats
        .iter()
        .find(|s| s.id == item)
        .unwrap_or_else(|| panic!("{item} has statistics"))
}

/// 34 members: 0..16 are strong (right on the ordinary items), 16..34 weak.
const MEMBERS: u64 = 34;
const STRONG: u64 = 16;

#[tokio::test]
async fn every_mode_counts_and_broken_items_are_listed_to_check() {
    let t = TestEngine::new().await;
    let mut ledger = Ledger::default();

    // Six channel questions; the posts deal distinct items.
    let mut posts = Vec::new();
    for _ in 0..6 {
        posts.push(t.post(GUILD, false).await);
        t.advance(Duration::minutes(1));
    }
    let mut items: Vec<&str> = posts.iter().map(|p| p.question_id.as_str()).collect();
    items.sort_unstable();
    items.dedup();
    assert_eq!(items.len(), 6, "distinct items");
    let (ordinary, reversed, too_hard) = (&posts[..4], &posts[4], &posts[5]);
    for user in 0..MEMBERS {
        let strong = user < STRONG;
        for post in ordinary {
            answer_post(&t, post, user, strong, &mut ledger).await;
        }
        // The strong members miss it and the weak ones get it: as if the key were wrong.
        answer_post(&t, reversed, user, !strong, &mut ledger).await;
        // Four members of 34 get it (12%).
        answer_post(&t, too_hard, user, user < 4, &mut ledger).await;
        t.advance(Duration::seconds(10));
    }

    // /quiz: a member's personal questions.
    let quizzer = 500;
    for n in 0..4 {
        let dealt = t
            .engine
            .start_personal(GUILD, quizzer, &t.exam(), None)
            .await
            .unwrap();
        let correct = n % 2 == 0;
        let outcome = t
            .engine
            .answer(AnswerRequest {
                guild: GUILD,
                post_id: dealt.post.post_id,
                user: quizzer,
                display_name: "quizzer",
                response: response(&dealt.question, correct),
            })
            .await
            .unwrap();
        assert_eq!(outcome.correct, correct);
        ledger.note(&dealt.question.id, correct);
        t.advance(Duration::minutes(1));
    }

    // A duel: the host gets every item right, the opponent every item wrong.
    let (host, opponent) = (600, 601);
    let duel = challenge(&t.engine, host, "host", opponent, Some(EXAM), 5, None)
        .await
        .unwrap();
    let running = t
        .engine
        .accept_duel(GUILD, duel.row.sprint_id, opponent, "opponent")
        .await
        .unwrap();
    for (user, correct) in [(host, true), (opponent, false)] {
        for (index, item) in running.items.iter().enumerate() {
            t.advance(Duration::seconds(5));
            t.engine
                .sprint_answer(
                    GUILD,
                    running.row.sprint_id,
                    user,
                    index,
                    response(item, correct),
                )
                .await
                .unwrap();
            ledger.note(&item.id, correct);
        }
    }

    // A submitted mock exam counts its answered items (a blank one is no answer) ...
    let mocker = 700;
    let mock = t
        .engine
        .start_mock(GUILD, mocker, &t.exam(), MockLength::Quick)
        .await
        .unwrap();
    let attempt = mock.row.attempt_id;
    for (index, item) in mock.items.iter().enumerate().skip(1) {
        let correct = index % 3 != 0;
        t.engine
            .mock_answer(GUILD, mocker, attempt, index, response(item, correct))
            .await
            .unwrap();
        ledger.note(&item.id, correct);
    }
    t.engine.mock_submit(GUILD, mocker, attempt).await.unwrap();
    // ... and one still under way does not (its answers may change).
    let unfinished = t
        .engine
        .start_mock(GUILD, 701, &t.exam(), MockLength::Quick)
        .await
        .unwrap();
    let first = &unfinished.items[0];
    t.engine
        .mock_answer(
            GUILD,
            701,
            unfinished.row.attempt_id,
            0,
            response(first, true),
        )
        .await
        .unwrap();

    // Another guild's answers are its own.
    let elsewhere = t.post(OTHER_GUILD, false).await;
    for user in 0..3 {
        t.answer(&elsewhere, user, true).await.unwrap();
    }

    let stats = t.engine.item_stats(Some(GUILD), None).await.unwrap();
    assert_eq!(
        stats.len(),
        ledger.0.len(),
        "every answered item, and only those"
    );
    for (item, &(answered, correct)) in &ledger.0 {
        let s = stats_of(&stats, item);
        assert_eq!((s.answered, s.correct), (answered, correct), "{item}");
    }

    let reversed = stats_of(&stats, &reversed.question_id);
    assert!(reversed.discrimination_members >= 30, "{reversed:?}");
    assert!(reversed.discrimination.unwrap() < -0.5, "{reversed:?}");
    assert!(reversed
        .key_checks
        .contains(&KeyCheck::NegativeDiscrimination));
    assert!(!reversed.key_checks.contains(&KeyCheck::LowShareRight));

    let too_hard = stats_of(&stats, &too_hard.question_id);
    assert!(too_hard.share_right < 0.25, "{too_hard:?}");
    assert!(too_hard.key_checks.contains(&KeyCheck::LowShareRight));
    assert!(
        too_hard.discrimination.unwrap() > 0.0,
        "the strong ones got it"
    );

    for post in ordinary {
        let good = stats_of(&stats, &post.question_id);
        assert!(good.key_checks.is_empty(), "{good:?}");
        assert!(good.discrimination.unwrap() > 0.5, "{good:?}");
        // Single-choice: each letter's share, and the wrong letter the weak members chose.
        let question = t.engine.bank.question(&post.question_id).unwrap();
        let wrong = certsprint::bank::letters(&wrong_answer(question).0);
        assert_eq!(good.most_picked_wrong.as_ref().unwrap().choice, wrong);
        let picked: u32 = good.letters.iter().map(|p| p.count).sum();
        assert_eq!(picked, good.answered, "one letter per single-choice answer");
    }
    let flagged: Vec<&str> = stats
        .iter()
        .filter(|s| !s.key_checks.is_empty())
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(flagged.len(), 2, "{flagged:?}");

    // Every guild together: the other guild's three answers join.
    let everywhere = t.engine.item_stats(None, None).await.unwrap();
    let here = stats
        .iter()
        .find(|s| s.id == elsewhere.question_id)
        .map_or(0, |s| s.answered);
    assert_eq!(
        stats_of(&everywhere, &elsewhere.question_id).answered,
        here + 3
    );
    // An exam filter that matches nothing answered.
    assert!(t
        .engine
        .item_stats(Some(GUILD), Some("zzz-c01"))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_report_is_resolved_once_and_only_in_its_guild() {
    let t = TestEngine::new().await;
    let item = t.engine.bank.exams[0].items[0].id.clone();
    t.engine
        .report_question(GUILD, 5, &item, "C is right too")
        .await
        .unwrap();
    let open = t.engine.open_reports(GUILD).await.unwrap();
    let flag = open[0].flag_id;
    assert_eq!(
        t.engine.resolve_report(OTHER_GUILD, flag, 9).await.unwrap(),
        ReportResolution::NotFound
    );
    assert_eq!(t.engine.open_reports(GUILD).await.unwrap().len(), 1);
    t.advance(Duration::minutes(3));
    assert_eq!(
        t.engine.resolve_report(GUILD, flag, 9).await.unwrap(),
        ReportResolution::Resolved
    );
    assert!(t.engine.open_reports(GUILD).await.unwrap().is_empty());
    assert_eq!(
        t.engine.resolve_report(GUILD, flag, 10).await.unwrap(),
        ReportResolution::AlreadyResolved {
            by: 9,
            at: t.engine.now()
        }
    );
}

#[tokio::test]
async fn after_a_key_fix_post_answers_count_by_the_fixed_key() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    let wrong = t.wrong_for(&post);
    t.answer(&post, 1, true).await.unwrap();
    for user in [2, 3] {
        t.engine
            .answer(AnswerRequest {
                guild: GUILD,
                post_id: post.post_id,
                user,
                display_name: "member",
                response: wrong.clone(),
            })
            .await
            .unwrap();
    }
    let share = |stats: Vec<ItemStats>| {
        stats
            .into_iter()
            .find(|item| item.id == post.question_id)
            .map(|item| (item.correct, item.answered))
            .unwrap()
    };
    assert_eq!(
        share(t.engine.item_stats(Some(GUILD), None).await.unwrap()),
        (1, 3)
    );

    // The admin fixes the key to what members 2 and 3 chose; the bot restarts with it.
    let mut exams = fixture_bank().exams;
    for item in exams.iter_mut().flat_map(|exam| exam.items.iter_mut()) {
        if item.id == post.question_id {
            *item = std::sync::Arc::new(Question {
                key: certsprint::bank::Key(wrong.0.clone()),
                ..(**item).clone()
            });
        }
    }
    let fixed = certsprint::quiz::Engine::new(
        certsprint::store::Store::open(&t.url).await.unwrap(),
        std::sync::Arc::new(certsprint::bank::Bank::new(exams)),
        t.clock.clone(),
        std::sync::Arc::new(certsprint::random::RandomSource::seeded(9)),
    );
    assert_eq!(
        share(fixed.item_stats(Some(GUILD), None).await.unwrap()),
        (2, 3)
    );
}
