//! Review cards on FSRS with the manual clock: misses in every mode make cards, /review deals
//! them when due and grades them, /quiz no longer serves them, the Leitner migration keeps due
//! dates, and the daily reminder goes out once at the member's hour.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

use certsprint::bank::Response;
use certsprint::clock::ManualClock;
use certsprint::quiz::review::{CardStep, Grade};
use certsprint::quiz::{
    AnswerOutcome, AnswerRequest, Engine, MockLength, PersonalQuestion, ReviewDeal, ScheduleRequest,
};
use certsprint::random::RandomSource;
use certsprint::schedule::{send_due_reminders, Rule};
use certsprint::store::{CardState, Snowflake, Store};

use crate::common::wrong_answer;
use crate::helpers::*;
use crate::scheduler::Recorder;

async fn answer_dealt(
    engine: &Engine,
    dealt: &PersonalQuestion,
    user: u64,
    correct: bool,
) -> AnswerOutcome {
    let response = if correct {
        Response(dealt.question.key.0.clone())
    } else {
        wrong_answer(&dealt.question)
    };
    engine
        .answer(AnswerRequest {
            guild: GUILD,
            post_id: dealt.post.post_id,
            user,
            display_name: "member",
            response,
        })
        .await
        .unwrap()
}

async fn review(engine: &Engine, user: u64) -> ReviewDeal {
    engine.start_review(GUILD, user, None).await.unwrap()
}

fn card_of(deal: ReviewDeal) -> PersonalQuestion {
    match deal {
        ReviewDeal::Card(dealt) => dealt,
        ReviewDeal::NothingDue(outlook) => panic!("nothing due: {outlook:?}"),
    }
}

#[tokio::test]
async fn a_card_missed_on_day_0_is_due_when_fsrs_says_then_graded_and_rescheduled() {
    let t = TestEngine::new().await;
    let missed_at = t.engine.now();
    let post = t.post(GUILD, true).await;
    let outcome = t.answer(&post, 1, false).await.unwrap();
    assert_eq!(
        outcome.review,
        Some(CardStep::Created {
            due_at: missed_at + Duration::minutes(1)
        }),
        "FSRS: Again on a new card brings it back in a minute"
    );

    // Not due yet: nothing to review, and the outlook names the card's time.
    let ReviewDeal::NothingDue(outlook) = review(&t.engine, 1).await else {
        panic!("the card is not due yet")
    };
    assert_eq!(outlook.due_now, 0);
    assert_eq!(outlook.next_due, Some(missed_at + Duration::minutes(1)));
    assert_eq!(outlook.due_this_week, 1);

    // The next day it is served, privately, as a review post.
    t.advance(Duration::days(1));
    let dealt = card_of(review(&t.engine, 1).await);
    assert_eq!(dealt.question.id, post.question_id);
    assert_eq!(dealt.reviews_due, 1);
    assert_eq!(
        t.engine.review_post(dealt.post.post_id).await.unwrap(),
        Some(None),
        "marked as dealt by /review, for every exam"
    );

    // A right answer grades it Good: learning -> review, one day (S = 0.57 rounds up to 1).
    let reviewed_at = t.engine.now();
    let outcome = answer_dealt(&t.engine, &dealt, 1, true).await;
    assert_eq!(
        outcome.review,
        Some(CardStep::Graded {
            grade: Grade::Good,
            due_at: reviewed_at + Duration::days(1)
        })
    );
    let card = &t.store().review_queue(GUILD, 1, None, 10).await.unwrap()[0];
    assert_eq!(card.state, CardState::Review);
    assert_eq!(card.reps, 2);
    assert_eq!(card.due_at, reviewed_at + Duration::days(1));

    // Nothing due now; the card is due tomorrow.
    let ReviewDeal::NothingDue(outlook) = review(&t.engine, 1).await else {
        panic!("graded cards are not due again today")
    };
    assert_eq!(outlook.due_tomorrow, 1);

    // Reviewed right again when due: review state, Good after a day gives a longer interval.
    t.advance(Duration::days(1));
    let dealt = card_of(review(&t.engine, 1).await);
    let second_at = t.engine.now();
    let outcome = answer_dealt(&t.engine, &dealt, 1, true).await;
    let due = outcome.review.unwrap().due_at();
    assert!(
        due - second_at >= Duration::days(2),
        "the interval grows: {}",
        due - second_at
    );

    // Missed at its next review: Again in review brings it back in five minutes (relearning).
    t.clock.set(due);
    let dealt = card_of(review(&t.engine, 1).await);
    let outcome = answer_dealt(&t.engine, &dealt, 1, false).await;
    assert_eq!(
        outcome.review,
        Some(CardStep::Graded {
            grade: Grade::Again,
            due_at: due + Duration::minutes(5)
        })
    );
    let card = &t.store().review_queue(GUILD, 1, None, 10).await.unwrap()[0];
    assert_eq!((card.state, card.lapses), (CardState::Relearning, 2));
}

#[tokio::test]
async fn a_right_answer_before_the_card_is_due_changes_nothing() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    t.answer(&post, 1, false).await.unwrap();
    let before = t.store().review_queue(GUILD, 1, None, 10).await.unwrap();
    // The same question again on another post, answered right within the minute.
    let again = loop {
        let next = t.post(GUILD, false).await;
        if next.question_id == post.question_id {
            break next;
        }
    };
    let outcome = t.answer(&again, 1, true).await.unwrap();
    assert_eq!(
        outcome.review,
        Some(CardStep::NotDue {
            due_at: before[0].due_at
        })
    );
    assert_eq!(
        t.store().review_queue(GUILD, 1, None, 10).await.unwrap(),
        before
    );
}

#[tokio::test]
async fn quiz_no_longer_serves_due_reviews_but_counts_them() {
    let t = TestEngine::new().await;
    let mut missed = Vec::new();
    for _ in 0..3 {
        let post = t.post(GUILD, false).await;
        t.answer(&post, 1, false).await.unwrap();
        missed.push(post.question_id);
    }
    t.advance(Duration::days(1));
    for _ in 0..5 {
        let dealt = t
            .engine
            .start_personal(GUILD, 1, &t.exam(), None)
            .await
            .unwrap();
        assert_eq!(dealt.reviews_due, 3);
        assert!(
            t.engine
                .review_post(dealt.post.post_id)
                .await
                .unwrap()
                .is_none(),
            "a /quiz question is not a review"
        );
        answer_dealt(&t.engine, &dealt, 1, true).await;
        assert!(
            !missed.contains(&dealt.question.id),
            "/quiz deals fresh items (the missed ones were answered lately)"
        );
    }
    // /review deals exactly the three due cards, then reports the outlook.
    let mut served = Vec::new();
    for left in (1..=3).rev() {
        let dealt = card_of(review(&t.engine, 1).await);
        assert_eq!(dealt.reviews_due, left);
        served.push(dealt.question.id.clone());
        answer_dealt(&t.engine, &dealt, 1, true).await;
    }
    served.sort();
    missed.sort();
    assert_eq!(served, missed);
    let ReviewDeal::NothingDue(outlook) = review(&t.engine, 1).await else {
        panic!("all reviewed")
    };
    assert_eq!(
        (outlook.due_now, outlook.due_tomorrow, outlook.due_this_week),
        (0, 3, 3)
    );
}

/// A card whose item left the bank waits unseen (in case the item returns), and is counted
/// nowhere: not in /review's count, the /quiz hint, /stats, the outlook or the reminder.
#[tokio::test]
async fn cards_whose_item_left_the_bank_are_not_counted_anywhere() {
    let mut t = TestEngine::new().await;
    let (kept, dropped) = (t.post(GUILD, false).await, t.post(GUILD, false).await);
    t.answer(&kept, 1, false).await.unwrap();
    t.answer(&dropped, 1, false).await.unwrap();
    t.advance(Duration::days(2));
    assert_eq!(t.engine.reviews_due(GUILD, 1).await.unwrap(), 2);

    let mut bank = fixture_bank();
    bank.exams[0]
        .items
        .retain(|item| item.id != dropped.question_id);
    t.restart_with_bank(certsprint::bank::Bank::new(bank.exams))
        .await;
    assert_eq!(t.engine.reviews_due(GUILD, 1).await.unwrap(), 1);
    let stats = t.engine.member_stats(GUILD, 1).await.unwrap();
    assert_eq!((stats.reviews_due, stats.reviews_total), (1, 1));
    let queue: Vec<&str> = stats
        .review_queue
        .iter()
        .map(|card| card.question_id.as_str())
        .collect();
    assert_eq!(queue, [kept.question_id.as_str()]);
    let quiz = t
        .engine
        .start_personal(GUILD, 1, &t.exam(), None)
        .await
        .unwrap();
    assert_eq!(quiz.reviews_due, 1, "the /quiz hint");
    t.engine
        .set_review_reminder(GUILD, 1, Some(0))
        .await
        .unwrap();
    let (owed, _) = t.engine.reminders_owed().await.unwrap();
    assert_eq!(owed.iter().map(|r| r.due).collect::<Vec<_>>(), [1]);

    let dealt = card_of(review(&t.engine, 1).await);
    assert_eq!(dealt.question.id, kept.question_id);
    assert_eq!(dealt.reviews_due, 1);
    answer_dealt(&t.engine, &dealt, 1, true).await;
    let ReviewDeal::NothingDue(outlook) = review(&t.engine, 1).await else {
        panic!("the dropped item's card is not dealt")
    };
    assert_eq!(outlook.due_now, 0);
    assert!(outlook.next_due.is_some_and(|at| at > t.engine.now()));
}

#[tokio::test]
async fn review_narrowed_to_an_exam_deals_only_its_cards() {
    let t = TestEngine::with_bank(two_exam_bank()).await;
    let post = t.post(GUILD, false).await;
    t.answer(&post, 1, false).await.unwrap();
    t.advance(Duration::hours(1));
    let other = t.engine.bank.exam_id("big-c01").unwrap();
    let ReviewDeal::NothingDue(outlook) =
        t.engine.start_review(GUILD, 1, Some(&other)).await.unwrap()
    else {
        panic!("no card of the other exam")
    };
    assert_eq!(outlook.next_due, None);
    let dealt = card_of(
        t.engine
            .start_review(GUILD, 1, Some(&t.exam()))
            .await
            .unwrap(),
    );
    assert_eq!(dealt.question.id, post.question_id);
    assert_eq!(
        t.engine.review_post(dealt.post.post_id).await.unwrap(),
        Some(Some(EXAM.to_string()))
    );
}

fn two_exam_bank() -> certsprint::bank::Bank {
    let mut exams = fixture_bank().exams;
    exams.extend(full_size_bank().exams);
    certsprint::bank::Bank::new(exams)
}

#[tokio::test]
async fn misses_in_a_sprint_make_cards_and_right_answers_do_not() {
    let t = TestEngine::new().await;
    let duel = challenge(&t.engine, 1, "alice", 2, Some(EXAM), 5, None)
        .await
        .unwrap();
    let sprint = t
        .engine
        .accept_duel(GUILD, duel.row.sprint_id, 2, "bob")
        .await
        .unwrap();
    for (index, item) in sprint.items.iter().enumerate() {
        t.advance(Duration::seconds(5));
        // Alice misses the first two; Bob gets everything right.
        let alice = if index < 2 {
            wrong_answer(item)
        } else {
            Response(item.key.0.clone())
        };
        t.engine
            .sprint_answer(GUILD, sprint.row.sprint_id, 1, index, alice)
            .await
            .unwrap();
        t.engine
            .sprint_answer(
                GUILD,
                sprint.row.sprint_id,
                2,
                index,
                Response(item.key.0.clone()),
            )
            .await
            .unwrap();
    }
    let mut cards: Vec<String> = t
        .store()
        .review_queue(GUILD, 1, None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|card| card.question_id)
        .collect();
    cards.sort();
    let mut missed: Vec<String> = sprint.items[..2].iter().map(|q| q.id.clone()).collect();
    missed.sort();
    assert_eq!(cards, missed);
    assert!(t
        .store()
        .review_queue(GUILD, 2, None, 10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn misses_in_a_mock_exam_make_cards_when_it_is_submitted() {
    let t = TestEngine::new().await;
    let mock = t
        .engine
        .start_mock(GUILD, 1, &t.exam(), MockLength::Quick)
        .await
        .unwrap();
    let attempt = mock.row.attempt_id;
    // Item 0 wrong, item 1 right, the rest unanswered (an unanswered item tells nothing).
    t.engine
        .mock_answer(GUILD, 1, attempt, 0, wrong_answer(&mock.items[0]))
        .await
        .unwrap();
    t.engine
        .mock_answer(GUILD, 1, attempt, 1, Response(mock.items[1].key.0.clone()))
        .await
        .unwrap();
    assert!(
        t.store()
            .review_queue(GUILD, 1, None, 10)
            .await
            .unwrap()
            .is_empty(),
        "answers count when the mock is submitted"
    );
    t.advance(Duration::minutes(3));
    t.engine.mock_submit(GUILD, 1, attempt).await.unwrap();
    let cards = t.store().review_queue(GUILD, 1, None, 10).await.unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].question_id, mock.items[0].id);
    assert_eq!(cards[0].due_at, t.engine.now() + Duration::minutes(1));
}

/// A database as the Leitner release left it (migrations 0001-0005, copied to a folder so
/// sqlx's migrator applies just those), holding cards in boxes 0-4; opening it applies 0006.
#[tokio::test]
async fn the_migration_keeps_leitner_cards_due_dates_and_maps_them_to_fsrs_states() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("migrations-0005");
    std::fs::create_dir(&old).unwrap();
    for entry in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite")).unwrap()
    {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.as_str() < "0006" {
            std::fs::copy(&path, old.join(&name)).unwrap();
        }
    }
    let url = format!("sqlite:{}", dir.path().join("old.db").display());
    let store = Store::connect(&url).await.unwrap();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::migrate::Migrator::new(old.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    store.close().await;

    let due = |days: i64| start_time() + Duration::days(days);
    // (question, box, lapses, due)
    let old_cards = [
        ("tst-1.1-000", 0, 1, due(1)),
        ("tst-1.1-001", 0, 3, due(1)),
        ("tst-1.1-002", 1, 1, due(2)),
        ("tst-1.1-003", 2, 2, due(5)),
        ("tst-1.1-004", 4, 1, due(20)),
    ];
    for (question, r#box, lapses, due_at) in old_cards {
        sqlx::query(
            "INSERT INTO review_cards (guild_id, user_id, question_id, exam, box, due_at, lapses, updated_at)
             VALUES (?, 1, ?, ?, ?, ?, ?, 0)",
        )
        .bind(GUILD as i64)
        .bind(question)
        .bind(EXAM)
        .bind(r#box)
        .bind(due_at.timestamp_millis())
        .bind(lapses)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let store = Store::open(&url).await.unwrap();
    let cards = store.review_queue(GUILD, 1, None, 10).await.unwrap();
    assert_eq!(cards.len(), 5);
    let by_id = |id: &str| cards.iter().find(|c| c.question_id == id).unwrap().clone();
    for (question, r#box, lapses, due_at) in old_cards {
        let card = by_id(question);
        assert_eq!(card.due_at, due_at, "{question} keeps its due date");
        assert_eq!(card.lapses, lapses as u32);
        assert_eq!(card.reps, (lapses + r#box) as u32);
        assert!((card.difficulty - 7.2102).abs() < 1e-9);
        let interval = [1, 3, 7, 14, 30][r#box as usize];
        assert_eq!(card.last_review_at, due_at - Duration::days(interval));
        match r#box {
            0 => assert!((card.stability - 0.4072).abs() < 1e-9),
            _ => assert!((card.stability - interval as f64).abs() < 1e-9),
        }
    }
    assert_eq!(by_id("tst-1.1-000").state, CardState::Learning);
    assert_eq!(by_id("tst-1.1-001").state, CardState::Relearning);
    assert_eq!(by_id("tst-1.1-003").state, CardState::Review);
    assert_eq!(by_id("tst-1.1-004").state, CardState::Review);
    store.close().await;

    // FSRS picks up from the mapped state: the box-2 card (a 7-day interval) reviewed right
    // on its due date gets a longer interval than Leitner's 7 days.
    let clock = Arc::new(ManualClock::new(due(5)));
    let engine = Engine::new(
        Store::open(&url).await.unwrap(),
        Arc::new(fixture_bank()),
        clock,
        Arc::new(RandomSource::seeded(5)),
    );
    let mut graded = None;
    while let ReviewDeal::Card(dealt) = review(&engine, 1).await {
        let outcome = answer_dealt(&engine, &dealt, 1, true).await;
        if dealt.question.id == "tst-1.1-003" {
            graded = outcome.review;
        }
    }
    let Some(CardStep::Graded {
        grade: Grade::Good,
        due_at,
    }) = graded
    else {
        panic!("the box-2 card was due and graded: {graded:?}")
    };
    assert!(due_at - due(5) > Duration::days(7), "{}", due_at - due(5));
}

// --- reminders ---

/// The guild's zone is Berlin (UTC+1 in November); reminders at 18:00 local are at 17:00 UTC.
async fn berlin_guild(t: &TestEngine) {
    t.engine
        .set_up_schedule(ScheduleRequest {
            guild: GUILD,
            channel: CHANNEL,
            exam: EXAM.into(),
            rule: Rule::parse("09:00", "Europe/Berlin", "daily").unwrap(),
            window_minutes: 720,
            mention_role: None,
            created_by: 1,
        })
        .await
        .unwrap();
}

fn utc(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .unwrap()
}

async fn miss_one(t: &TestEngine, user: Snowflake) {
    let post = t.post(GUILD, false).await;
    t.answer(&post, user, false).await.unwrap();
}

fn users(reminders: &std::sync::Mutex<Vec<certsprint::quiz::ReviewReminder>>) -> Vec<Snowflake> {
    reminders.lock().unwrap().iter().map(|r| r.user).collect()
}

#[tokio::test]
async fn a_reminder_goes_out_once_at_the_members_hour_and_only_when_cards_are_due() {
    let mut t = TestEngine::new().await;
    berlin_guild(&t).await;
    let recorder = Recorder::default();
    // Member 1 has a card due; member 2 has none; member 3 turns reminders on and then off.
    miss_one(&t, 1).await;
    for user in [1, 2, 3] {
        t.engine
            .set_review_reminder(GUILD, user, Some(18))
            .await
            .unwrap();
    }
    t.engine.set_review_reminder(GUILD, 3, None).await.unwrap();
    miss_one(&t, 3).await;

    // 09:00 UTC is 10:00 in Berlin: too early. The loop is told to wake at 17:00 UTC.
    let (pass, next) = send_due_reminders(&t.engine, &recorder).await.unwrap();
    assert_eq!(pass.sent, 0);
    assert_eq!(next, Some(utc(2, 17, 0)));
    t.clock.set(utc(2, 16, 59));
    send_due_reminders(&t.engine, &recorder).await.unwrap();
    assert!(users(&recorder.reminders).is_empty());

    t.clock.set(utc(2, 17, 0));
    let (pass, next) = send_due_reminders(&t.engine, &recorder).await.unwrap();
    assert_eq!(pass.sent, 1);
    assert_eq!(
        users(&recorder.reminders),
        [1],
        "member 2 has nothing due, member 3 is off"
    );
    assert_eq!(recorder.reminders.lock().unwrap()[0].due, 1);
    assert_eq!(next, Some(utc(3, 17, 0)), "everyone is decided for today");

    // Later passes and a restart the same day send nothing more; member 2's new card waits
    // for tomorrow (today's decision was "nothing due").
    miss_one(&t, 2).await;
    t.clock.set(utc(2, 19, 30));
    send_due_reminders(&t.engine, &recorder).await.unwrap();
    t.restart().await;
    send_due_reminders(&t.engine, &recorder).await.unwrap();
    assert_eq!(users(&recorder.reminders), [1]);

    // The next day at the hour: both members with due cards, once each.
    t.clock.set(utc(3, 17, 5));
    send_due_reminders(&t.engine, &recorder).await.unwrap();
    send_due_reminders(&t.engine, &recorder).await.unwrap();
    assert_eq!(users(&recorder.reminders), [1, 1, 2]);
}

#[tokio::test]
async fn closed_dms_are_not_retried_that_day_but_a_temporary_failure_is() {
    let t = TestEngine::new().await;
    berlin_guild(&t).await;
    let recorder = Recorder::default();
    recorder.closed_dms.lock().unwrap().push(1);
    *recorder.flaky_reminders.lock().unwrap() = 1;
    for user in [1, 2] {
        miss_one(&t, user).await;
        t.engine
            .set_review_reminder(GUILD, user, Some(7))
            .await
            .unwrap();
    }
    // 07:00 Berlin is 06:00 UTC the next day.
    t.clock.set(utc(3, 6, 0));
    let (pass, _) = send_due_reminders(&t.engine, &recorder).await.unwrap();
    assert_eq!((pass.sent, pass.refused, pass.failed), (0, 1, 1));
    t.clock.set(utc(3, 6, 10));
    let (pass, _) = send_due_reminders(&t.engine, &recorder).await.unwrap();
    assert_eq!(
        (pass.sent, pass.refused, pass.failed),
        (1, 0, 0),
        "member 2 is retried"
    );
    t.clock.set(utc(3, 22, 0));
    send_due_reminders(&t.engine, &recorder).await.unwrap();
    assert_eq!(
        users(&recorder.refused_reminders),
        [1],
        "closed DMs: not again today"
    );
    assert_eq!(users(&recorder.reminders), [2]);
    // A new day is a new try.
    t.clock.set(utc(4, 6, 0));
    send_due_reminders(&t.engine, &recorder).await.unwrap();
    assert_eq!(users(&recorder.refused_reminders), [1, 1]);
}

#[tokio::test]
async fn a_review_card_answered_after_its_window_counts_as_forgotten_once() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, true).await;
    t.answer(&post, 1, false).await.unwrap();
    t.advance(Duration::days(1));
    let dealt = card_of(review(&t.engine, 1).await);
    let before = t.store().review_queue(GUILD, 1, None, 10).await.unwrap()[0].clone();

    // The window ends; the member presses an answer, which is refused and shows the key.
    t.advance(certsprint::quiz::PERSONAL_WINDOW + Duration::minutes(1));
    let late = t
        .engine
        .answer(AnswerRequest {
            guild: GUILD,
            post_id: dealt.post.post_id,
            user: 1,
            display_name: "member",
            response: Response(dealt.question.key.0.clone()),
        })
        .await;
    assert!(late.is_err(), "answers after the window are refused");
    let post = t
        .engine
        .post(GUILD, dealt.post.post_id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !t.engine.review_timed_out(&post, 2).await.unwrap(),
        "not the owner's card"
    );
    assert!(t.engine.review_timed_out(&post, 1).await.unwrap());
    let after = t.store().review_queue(GUILD, 1, None, 10).await.unwrap()[0].clone();
    assert_eq!(after.lapses, before.lapses + 1, "graded Again");
    assert!(
        after.due_at > t.engine.now(),
        "rescheduled, not due at once"
    );
    assert_eq!(after.last_review_at, t.engine.now());

    // A second press of the same message does not grade it again.
    assert!(!t.engine.review_timed_out(&post, 1).await.unwrap());
    let again = t.store().review_queue(GUILD, 1, None, 10).await.unwrap()[0].clone();
    assert_eq!(again, after);
}
