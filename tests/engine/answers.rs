use chrono::Duration;

use certsprint::bank::{Kind, Response};
use certsprint::quiz::grading::{check_shape, is_correct};
use certsprint::quiz::{AnswerRequest, QuizError, Rejection};

use crate::common::rejection;
use crate::helpers::*;
use certsprint::bank::Scope;
use certsprint::store::Period;

#[tokio::test]
async fn the_first_answer_counts_and_cannot_be_changed() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    let first = t.answer(&post, 1, false).await.unwrap();
    assert!(!first.correct);
    assert_eq!(first.points, 0);

    let again = rejection(t.answer(&post, 1, true).await);
    assert_eq!(
        again,
        Rejection::AlreadyAnswered {
            choice: t.wrong_for(&post).letters(),
            correct: false
        }
    );
    let stats = t.engine.member_stats(GUILD, 1).await.unwrap();
    assert_eq!((stats.overall.answered, stats.overall.correct), (1, 0));
}

#[tokio::test]
async fn answers_after_the_window_are_refused_with_the_close_time() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    t.advance(Duration::hours(12));
    assert_eq!(
        rejection(t.answer(&post, 1, true).await),
        Rejection::Closed {
            closed_at: post.closes_at
        }
    );

    // Closed early by the closer: also refused, even inside the window.
    let early = t.post(GUILD, false).await;
    assert!(t.engine.close_post(GUILD, early.post_id).await.unwrap());
    assert!(
        !t.engine.close_post(GUILD, early.post_id).await.unwrap(),
        "second close does nothing"
    );
    assert!(matches!(
        rejection(t.answer(&early, 1, true).await),
        Rejection::Closed { .. }
    ));
}

#[tokio::test]
async fn a_correct_answer_scores_base_points_plus_a_speed_bonus() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    assert_eq!(t.answer(&post, 1, true).await.unwrap().points, 15);
    t.advance(Duration::hours(6));
    assert_eq!(t.answer(&post, 2, true).await.unwrap().points, 13);
    t.advance(Duration::minutes(359));
    assert_eq!(t.answer(&post, 3, true).await.unwrap().points, 11);
}

#[tokio::test]
async fn an_acknowledged_answer_survives_a_restart() {
    let mut t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    t.answer(&post, 1, true).await.unwrap();
    t.restart().await;
    let stored = t
        .store()
        .answer_of(post.post_id, 1)
        .await
        .unwrap()
        .expect("answer kept");
    assert!(stored.correct);
    assert_eq!(
        rejection(t.answer(&post, 1, false).await),
        Rejection::AlreadyAnswered {
            choice: t.key_of(&post).letters(),
            correct: true
        }
    );
}

#[tokio::test]
async fn concurrent_double_clicks_record_one_answer() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    let attempts = (0..20).map(|i| {
        let engine = t.engine.clone();
        let response = if i % 2 == 0 {
            t.key_of(&post)
        } else {
            t.wrong_for(&post)
        };
        let post_id = post.post_id;
        tokio::spawn(async move {
            engine
                .answer(AnswerRequest {
                    guild: GUILD,
                    post_id,
                    user: 42,
                    display_name: "clicker",
                    response,
                })
                .await
        })
    });
    let mut accepted = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(_) => accepted += 1,
            Err(QuizError::Rejected(Rejection::AlreadyAnswered { .. })) => {}
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(
        t.engine
            .member_stats(GUILD, 42)
            .await
            .unwrap()
            .overall
            .answered,
        1
    );
}

#[tokio::test]
async fn many_members_answering_are_all_scored() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    let tasks: Vec<_> = (1..=50u64)
        .map(|user| {
            let engine = t.engine.clone();
            let response = if user % 5 == 0 {
                t.wrong_for(&post)
            } else {
                t.key_of(&post)
            };
            let post_id = post.post_id;
            tokio::spawn(async move {
                engine
                    .answer(AnswerRequest {
                        guild: GUILD,
                        post_id,
                        user,
                        display_name: "m",
                        response,
                    })
                    .await
                    .unwrap()
                    .correct
            })
        })
        .collect();
    let mut correct = 0;
    for task in tasks {
        correct += u32::from(task.await.unwrap());
    }
    assert_eq!(correct, 40);
    assert!(t.engine.close_post(GUILD, post.post_id).await.unwrap());
    let closed = t.store().post(GUILD, post.post_id).await.unwrap().unwrap();
    let reveal = t.engine.reveal(closed).await.unwrap();
    assert_eq!((reveal.answered, reveal.correct), (50, 40));
    assert_eq!(reveal.fastest.len(), 3);
}

#[tokio::test]
async fn responses_of_the_wrong_shape_are_refused_and_not_recorded() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    let request = |response| AnswerRequest {
        guild: GUILD,
        post_id: post.post_id,
        user: 1,
        display_name: "u",
        response,
    };
    let two_letters = rejection(t.engine.answer(request(Response(vec![0, 1]))).await);
    assert_eq!(
        two_letters,
        Rejection::InvalidResponse("choose exactly one letter".into())
    );
    let outside = rejection(t.engine.answer(request(Response(vec![7]))).await);
    assert_eq!(
        outside,
        Rejection::InvalidResponse("H is not an option here (A-D)".into())
    );
    assert!(t
        .store()
        .answer_of(post.post_id, 1)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_post_in_another_guild_is_unknown_here() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    let result = t
        .engine
        .answer(AnswerRequest {
            guild: OTHER_GUILD,
            post_id: post.post_id,
            user: 1,
            display_name: "u",
            response: t.key_of(&post),
        })
        .await;
    assert_eq!(rejection(result), Rejection::UnknownPost);
}

#[tokio::test]
async fn a_personal_question_only_takes_its_owners_answer_and_stays_off_the_board() {
    let t = TestEngine::new().await;
    let dealt = t
        .engine
        .start_personal(GUILD, 5, &t.exam(), None)
        .await
        .unwrap();
    let key = Response(dealt.question.key.0.clone());
    let foreign = t
        .engine
        .answer(AnswerRequest {
            guild: GUILD,
            post_id: dealt.post.post_id,
            user: 6,
            display_name: "x",
            response: key.clone(),
        })
        .await;
    assert_eq!(rejection(foreign), Rejection::NotYours);
    let outcome = t
        .engine
        .answer(AnswerRequest {
            guild: GUILD,
            post_id: dealt.post.post_id,
            user: 5,
            display_name: "me",
            response: key,
        })
        .await
        .unwrap();
    assert!(outcome.correct);
    assert!(
        outcome.streak.is_none(),
        "personal questions do not touch the streak"
    );
    let board = t
        .engine
        .leaderboard(GUILD, &Scope::All, certsprint::store::Period::All, 5, 0)
        .await
        .unwrap();
    assert_eq!(board.ranked, 0);
    assert_eq!(
        t.engine
            .member_stats(GUILD, 5)
            .await
            .unwrap()
            .overall
            .correct,
        1
    );
}

#[tokio::test]
async fn multiple_response_is_a_set_and_ordering_is_a_sequence() {
    let t = TestEngine::new().await;
    for (id, response, correct) in [
        ("tst-1.1-100", vec![3, 1], true),
        ("tst-1.1-100", vec![1, 2], false),
        ("tst-1.1-101", vec![2, 0, 1], true),
        ("tst-1.1-101", vec![0, 2, 1], false),
        ("tst-1.1-102", vec![1, 2, 0], true),
        ("tst-1.1-102", vec![1, 0, 2], false),
    ] {
        let question = t.engine.bank.question(id).unwrap();
        assert_eq!(
            certsprint::quiz::grading::is_correct(question, &Response(response.clone())),
            correct,
            "{id} {response:?}"
        );
    }
}

#[tokio::test]
async fn the_wrong_answer_helper_is_wrong_for_every_kind() {
    // Tests rely on it to score a miss; a "wrong" answer the engine grades right would hide bugs.
    let t = TestEngine::new().await;
    for kind in Kind::ALL {
        let question = t
            .engine
            .bank
            .exams
            .iter()
            .flat_map(|exam| &exam.items)
            .find(|item| item.kind == kind)
            .expect("the fixture has every kind");
        let wrong = crate::common::wrong_answer(question);
        assert_eq!(
            check_shape(question, &wrong),
            Ok(()),
            "{kind:?}: the right shape"
        );
        assert!(!is_correct(question, &wrong), "{kind:?}: graded wrong");
    }
}

/// Answers that share a batch are decided one by one: refused ones (a second click, a closed
/// post, a response of the wrong shape, an unknown post) leave the others recorded, and
/// everything an acknowledged answer wrote (the answer, totals, streak, review card) is still
/// there after a restart.
#[tokio::test]
async fn answers_sharing_a_batch_stand_alone_and_survive_a_restart() {
    let mut t = TestEngine::new().await;
    let scheduled = t.post(GUILD, true).await;
    let closed = t.post(GUILD, false).await;
    assert!(t.engine.close_post(GUILD, closed.post_id).await.unwrap());
    let members = 1..=40u64;
    let mut clicks = Vec::new();
    for user in members.clone() {
        let right = user % 4 != 0;
        let response = if right {
            t.key_of(&scheduled)
        } else {
            t.wrong_for(&scheduled)
        };
        // Each member's first click, a second click, an answer to a closed post, a response of
        // the wrong shape and an answer to a post that does not exist, all at once.
        let attempts = [
            (scheduled.post_id, response.clone(), "first"),
            (scheduled.post_id, response, "again"),
            (closed.post_id, t.key_of(&closed), "closed"),
            (scheduled.post_id, Response(vec![7]), "shape"),
            (i64::MAX, t.key_of(&scheduled), "unknown"),
        ];
        for (post_id, response, what) in attempts {
            let engine = t.engine.clone();
            clicks.push(tokio::spawn(async move {
                let outcome = engine
                    .answer(AnswerRequest {
                        guild: GUILD,
                        post_id,
                        user,
                        display_name: "member",
                        response,
                    })
                    .await;
                (user, what, outcome)
            }));
        }
    }
    let mut accepted = std::collections::HashMap::new();
    for click in clicks {
        let (user, what, outcome) = click.await.unwrap();
        match (what, outcome) {
            ("first" | "again", Ok(outcome)) => {
                assert!(accepted.insert(user, outcome.correct).is_none(), "{user}");
            }
            ("first" | "again", Err(QuizError::Rejected(Rejection::AlreadyAnswered { .. }))) => {}
            ("closed", Err(QuizError::Rejected(Rejection::Closed { .. }))) => {}
            ("shape", Err(QuizError::Rejected(Rejection::InvalidResponse(_)))) => {}
            ("unknown", Err(QuizError::Rejected(Rejection::UnknownPost))) => {}
            (what, outcome) => panic!("member {user}, {what}: {outcome:?}"),
        }
    }
    assert_eq!(accepted.len(), 40, "one answer per member");

    t.restart().await;
    let board = t
        .engine
        .leaderboard(GUILD, &Scope::All, Period::All, 1, 0)
        .await
        .unwrap();
    assert_eq!(board.ranked, 40);
    for user in members {
        let right = accepted[&user];
        assert_eq!(right, user % 4 != 0);
        let stored = t
            .store()
            .answer_of(scheduled.post_id, user)
            .await
            .unwrap()
            .expect("an acknowledged answer is kept");
        assert_eq!(stored.correct, right);
        assert!(t
            .store()
            .answer_of(closed.post_id, user)
            .await
            .unwrap()
            .is_none());
        let stats = t.engine.member_stats(GUILD, user).await.unwrap();
        assert_eq!(
            (stats.overall.answered, stats.overall.correct),
            (1, u32::from(right))
        );
        assert_eq!(stats.current_streak, u32::from(right), "member {user}");
        assert_eq!(
            stats.reviews_total,
            u32::from(!right),
            "a miss makes a card"
        );
    }
}

/// Several answers of one member in one batch (three posts answered at once, by many members)
/// each count: the totals they add to the same rows sum up, in every period, and each miss
/// makes its review card.
#[tokio::test]
async fn a_members_answers_sharing_a_batch_all_count_on_the_board() {
    let t = TestEngine::new().await;
    let window = Duration::hours(12);
    let posts = [
        t.post_in(GUILD, CHANNEL, false, window).await,
        t.post_in(GUILD, CHANNEL + 1, false, window).await,
        t.post_in(GUILD, CHANNEL + 2, false, window).await,
    ];
    let members = 1..=30u64;
    let mut clicks = Vec::new();
    for user in members.clone() {
        for (index, post) in posts.iter().enumerate() {
            let right = index != 1;
            let response = if right {
                t.key_of(post)
            } else {
                t.wrong_for(post)
            };
            let (engine, post_id) = (t.engine.clone(), post.post_id);
            clicks.push(tokio::spawn(async move {
                let outcome = engine
                    .answer(AnswerRequest {
                        guild: GUILD,
                        post_id,
                        user,
                        display_name: "member",
                        response,
                    })
                    .await
                    .unwrap();
                (user, outcome.points)
            }));
        }
    }
    let mut points = std::collections::HashMap::<u64, u32>::new();
    for click in clicks {
        let (user, earned) = click.await.unwrap();
        *points.entry(user).or_default() += earned;
    }
    for period in [Period::Week, Period::Month, Period::All] {
        for user in members.clone() {
            let standing = t
                .engine
                .leaderboard(GUILD, &Scope::All, period, user, 0)
                .await
                .unwrap();
            let row = standing.caller.expect("on the board");
            assert_eq!(
                (row.answered, row.correct, row.points),
                (3, 2, points[&user]),
                "member {user}, {period:?}"
            );
        }
    }
    for user in members {
        let stats = t.engine.member_stats(GUILD, user).await.unwrap();
        assert_eq!(stats.reviews_total, 1, "member {user}: the one miss");
    }
}
