use std::collections::HashMap;

use chrono::Duration;

use certsprint::bank::Response;
use certsprint::quiz::mock::{MockLength, Resumed};
use certsprint::quiz::Rejection;

use crate::common::rejection as rejected;
use crate::helpers::*;

#[tokio::test]
async fn lengths_scale_questions_and_time_together_and_follow_the_weights() {
    let t = TestEngine::new().await;
    let exam = t.engine.bank.exam(EXAM).unwrap();
    assert_eq!(MockLength::Full.size(exam), (20, 30));
    assert_eq!(MockLength::Half.size(exam), (10, 15));
    assert_eq!(MockLength::Quick.size(exam), (10, 15));

    let mock = t
        .engine
        .start_mock(GUILD, 1, &t.exam(), MockLength::Half)
        .await
        .unwrap();
    assert_eq!(mock.items.len(), 10);
    assert_eq!(
        mock.row.ends_at - mock.row.started_at,
        Duration::minutes(15)
    );
    let mut per_domain: HashMap<u8, usize> = HashMap::new();
    for item in &mock.items {
        *per_domain.entry(item.domain).or_default() += 1;
    }
    assert_eq!(
        (per_domain[&1], per_domain[&2], per_domain[&3]),
        (5, 3, 2),
        "50/30/20 of 10"
    );
    let mut ids: Vec<&str> = mock.items.iter().map(|q| q.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 10, "no item twice");
}

#[tokio::test]
async fn answers_flags_and_moves_are_kept_and_the_report_grades_all_or_nothing() {
    let t = TestEngine::new().await;
    let mock = t
        .engine
        .start_mock(GUILD, 1, &t.exam(), MockLength::Full)
        .await
        .unwrap();
    let attempt = mock.row.attempt_id;
    // Answer the first 15 right, leave the last 5 unanswered; flag item 3; go back to item 2.
    for (index, item) in mock.items.iter().enumerate().take(15) {
        let moved = t
            .engine
            .mock_answer(GUILD, 1, attempt, index, Response(item.key.0.clone()))
            .await
            .unwrap();
        assert_eq!(moved.row.position, index + 1, "answering moves on");
    }
    t.engine
        .mock_toggle_flag(GUILD, 1, attempt, 3)
        .await
        .unwrap();
    let back = t.engine.mock_move(GUILD, 1, attempt, 2).await.unwrap();
    assert_eq!(back.row.position, 2);
    assert!(back.row.flagged[3]);
    // Change an answer to a wrong one: allowed until submission.
    let (index, item) = mock
        .items
        .iter()
        .enumerate()
        .take(15)
        .find(|(_, q)| q.kind == certsprint::bank::Kind::Single)
        .unwrap();
    let wrong = Response(vec![(item.key.0[0] + 1) % 4]);
    t.engine
        .mock_answer(GUILD, 1, attempt, index, wrong)
        .await
        .unwrap();
    let report = t.engine.mock_submit(GUILD, 1, attempt).await.unwrap();
    assert_eq!(report.total, 20);
    assert_eq!(
        report.correct, 14,
        "15 right, one changed to wrong, 5 unanswered"
    );
    assert_eq!(
        report.items.iter().filter(|i| i.response.is_none()).count(),
        5
    );
    assert_eq!(
        report.scaled,
        certsprint::quiz::mock::scaled_score(14, 20, 700)
    );
    assert_eq!(report.passed, report.scaled >= 700);
    assert!(!report.timed_out);
    let domain_total: u32 = report.domains.iter().map(|d| d.total).sum();
    assert_eq!(domain_total, 20);
    assert!(report
        .domains
        .iter()
        .all(|d| d.meets == (d.correct as f64 >= 0.7 * d.total as f64)));

    assert!(matches!(
        rejected(t.engine.mock_submit(GUILD, 1, attempt).await),
        Rejection::MockFinished { .. }
    ));
    let stored = t.engine.mock_report(GUILD, 1, attempt).await.unwrap();
    assert_eq!(
        (stored.correct, stored.scaled),
        (report.correct, report.scaled)
    );
}

#[tokio::test]
async fn one_running_attempt_per_member_and_only_its_owner_may_touch_it() {
    let t = TestEngine::new().await;
    let mock = t
        .engine
        .start_mock(GUILD, 1, &t.exam(), MockLength::Quick)
        .await
        .unwrap();
    let attempt = mock.row.attempt_id;
    assert_eq!(
        rejected(
            t.engine
                .start_mock(GUILD, 1, &t.exam(), MockLength::Quick)
                .await
        ),
        Rejection::MockInProgress {
            attempt_id: attempt
        }
    );
    assert_eq!(
        rejected(t.engine.mock_move(GUILD, 2, attempt, 1).await),
        Rejection::NotYours
    );
    assert_eq!(
        rejected(t.engine.mock_move(OTHER_GUILD, 1, attempt, 1).await),
        Rejection::NoSuchMock
    );
    assert!(
        t.engine
            .start_mock(GUILD, 2, &t.exam(), MockLength::Quick)
            .await
            .is_ok(),
        "another member may start one"
    );
}

#[tokio::test]
async fn time_runs_out_on_the_clock_and_a_restart_keeps_progress_and_the_deadline() {
    let mut t = TestEngine::new().await;
    let mock = t
        .engine
        .start_mock(GUILD, 1, &t.exam(), MockLength::Quick)
        .await
        .unwrap();
    let attempt = mock.row.attempt_id;
    let first = &mock.items[0];
    t.engine
        .mock_answer(GUILD, 1, attempt, 0, Response(first.key.0.clone()))
        .await
        .unwrap();
    t.advance(Duration::minutes(10));
    t.restart().await;
    let resumed = t.engine.running_mock(GUILD, 1, attempt).await.unwrap();
    assert_eq!(resumed.row.responses[0], first.key.letters());
    assert_eq!(resumed.row.position, 1);
    assert_eq!(
        resumed.row.ends_at, mock.row.ends_at,
        "remaining time honoured"
    );

    t.advance(Duration::minutes(5));
    assert!(matches!(
        rejected(t.engine.mock_move(GUILD, 1, attempt, 2).await),
        Rejection::MockFinished { .. }
    ));
    let report = t.engine.mock_report(GUILD, 1, attempt).await.unwrap();
    assert!(report.timed_out);
    assert_eq!(report.correct, 1);
    assert_eq!(report.submitted_at, mock.row.ends_at);
    // A new attempt may start now.
    assert!(t
        .engine
        .start_mock(GUILD, 1, &t.exam(), MockLength::Quick)
        .await
        .is_ok());
}

#[tokio::test]
async fn expired_attempts_are_submitted_by_the_sweeper() {
    let t = TestEngine::new().await;
    t.engine
        .start_mock(GUILD, 1, &t.exam(), MockLength::Quick)
        .await
        .unwrap();
    t.engine
        .start_mock(GUILD, 2, &t.exam(), MockLength::Half)
        .await
        .unwrap();
    t.advance(Duration::minutes(16));
    assert_eq!(t.engine.finish_expired_mocks().await.unwrap(), 2);
    assert_eq!(t.engine.finish_expired_mocks().await.unwrap(), 0);
    assert_eq!(
        t.store().finished_mocks(GUILD, 1, 5).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn an_answer_pressed_together_with_a_flag_or_a_move_keeps_both() {
    let t = TestEngine::new().await;
    let mock = t
        .engine
        .start_mock(GUILD, 1, &t.exam(), MockLength::Full)
        .await
        .unwrap();
    let attempt = mock.row.attempt_id;
    // Each pair of presses reads and writes the same row; neither may overwrite the other.
    for (index, item) in mock.items.iter().enumerate() {
        let key = Response(item.key.0.clone());
        let answer = t.engine.mock_answer(GUILD, 1, attempt, index, key);
        if index % 2 == 0 {
            let flag = t.engine.mock_toggle_flag(GUILD, 1, attempt, index);
            let (answered, flagged) = tokio::join!(answer, flag);
            answered.unwrap();
            flagged.unwrap();
        } else {
            let back = t.engine.mock_move(GUILD, 1, attempt, 0);
            let (answered, moved) = tokio::join!(answer, back);
            answered.unwrap();
            moved.unwrap();
        }
    }
    let stored = t.engine.running_mock(GUILD, 1, attempt).await.unwrap();
    for (index, item) in mock.items.iter().enumerate() {
        assert_eq!(
            stored.row.responses[index],
            item.key.letters(),
            "answer {index} kept"
        );
        assert_eq!(
            stored.row.flagged[index],
            index % 2 == 0,
            "flag {index} kept"
        );
    }
}

#[tokio::test]
async fn a_report_with_the_keys_is_only_for_its_owner_once_the_attempt_is_over() {
    let t = TestEngine::new().await;
    let attempt = t
        .engine
        .start_mock(GUILD, 1, &t.exam(), MockLength::Quick)
        .await
        .unwrap()
        .row
        .attempt_id;
    assert_eq!(
        rejected(t.engine.mock_report(GUILD, 1, attempt).await),
        Rejection::MockNotOver,
        "no keys while it runs, not even for its owner"
    );
    t.engine.mock_submit(GUILD, 1, attempt).await.unwrap();
    assert_eq!(
        rejected(t.engine.mock_report(GUILD, 2, attempt).await),
        Rejection::NotYours,
        "another member may not read it"
    );
    assert_eq!(
        rejected(t.engine.mock_report(OTHER_GUILD, 1, attempt).await),
        Rejection::NoSuchMock
    );
    assert_eq!(
        t.engine
            .mock_report(GUILD, 1, attempt)
            .await
            .unwrap()
            .attempt_id,
        attempt
    );

    // One whose time ran out is over even before the sweeper submits it.
    let late = t
        .engine
        .start_mock(GUILD, 2, &t.exam(), MockLength::Quick)
        .await
        .unwrap()
        .row
        .attempt_id;
    t.advance(Duration::minutes(16));
    assert!(
        t.engine
            .mock_report(GUILD, 2, late)
            .await
            .unwrap()
            .timed_out
    );
}

#[tokio::test]
async fn resume_brings_back_the_running_attempt_or_the_report_the_clock_ended() {
    let t = TestEngine::new().await;
    let attempt = t
        .engine
        .start_mock(GUILD, 1, &t.exam(), MockLength::Quick)
        .await
        .unwrap()
        .row
        .attempt_id;
    let running = |resumed| match resumed {
        Ok(Resumed::Running(mock)) => mock.row.attempt_id,
        other => panic!("expected the running attempt, got {other:?}"),
    };
    let timed_out = |resumed| match resumed {
        Ok(Resumed::TimedOut(report)) => {
            assert!(report.timed_out);
            report.attempt_id
        }
        other => panic!("expected a timed-out report, got {other:?}"),
    };
    assert_eq!(running(t.engine.resume_mock(GUILD, 1).await), attempt);
    t.advance(Duration::minutes(16));
    // Before the sweeper submits it, and after.
    assert_eq!(timed_out(t.engine.resume_mock(GUILD, 1).await), attempt);
    t.engine.finish_expired_mocks().await.unwrap();
    assert_eq!(timed_out(t.engine.resume_mock(GUILD, 1).await), attempt);
    // Hours later the old report is no longer what "resume" means.
    t.advance(Duration::hours(2));
    assert_eq!(
        rejected(t.engine.resume_mock(GUILD, 1).await),
        Rejection::NoSuchMock
    );

    // A member who submitted has seen the report: nothing to resume.
    let next = t
        .engine
        .start_mock(GUILD, 1, &t.exam(), MockLength::Quick)
        .await
        .unwrap()
        .row
        .attempt_id;
    t.engine.mock_submit(GUILD, 1, next).await.unwrap();
    assert_eq!(
        rejected(t.engine.resume_mock(GUILD, 1).await),
        Rejection::NoSuchMock
    );
}

#[tokio::test]
async fn two_starts_at_once_open_one_attempt_and_name_it_to_the_other() {
    let t = TestEngine::new().await;
    let exam = t.exam();
    for user in 1..=20 {
        let (first, second) = tokio::join!(
            t.engine.start_mock(GUILD, user, &exam, MockLength::Quick),
            t.engine.start_mock(GUILD, user, &exam, MockLength::Half),
        );
        let (started, refused) = match (first, second) {
            (Ok(mock), refused) | (refused, Ok(mock)) => (mock, refused),
            (Err(a), Err(b)) => panic!("neither start worked: {a:?}, {b:?}"),
        };
        assert_eq!(
            rejected(refused),
            Rejection::MockInProgress {
                attempt_id: started.row.attempt_id
            },
            "member {user}"
        );
    }
}

#[tokio::test]
async fn consecutive_full_mocks_draw_items_the_member_has_not_met_first() {
    let t = TestEngine::with_bank(full_size_bank()).await;
    let exam = t.engine.bank.exam_id("big-c01").unwrap();
    let mut mocks: Vec<Vec<String>> = Vec::new();
    for _ in 0..3 {
        let mock = t
            .engine
            .start_mock(GUILD, 1, &exam, MockLength::Full)
            .await
            .unwrap();
        assert_eq!(mock.items.len(), 65);
        let per_domain = |d: u8| mock.items.iter().filter(|q| q.domain == d).count();
        assert_eq!(
            (1..=5).map(per_domain).collect::<Vec<_>>(),
            [13, 16, 18, 9, 9],
            "still drawn to the blueprint weights"
        );
        t.engine
            .mock_submit(GUILD, 1, mock.row.attempt_id)
            .await
            .unwrap();
        mocks.push(mock.items.iter().map(|q| q.id.clone()).collect());
        t.advance(Duration::hours(1));
    }
    let mut seen = std::collections::HashSet::new();
    let repeated = mocks
        .iter()
        .flatten()
        .filter(|id| !seen.insert(id.as_str()))
        .count();
    // The target is at most 10% shared; with 200 items three mocks need not share any.
    assert!(
        repeated * 10 <= 65,
        "{repeated} of 65 items came back within three mocks"
    );
    assert_eq!(repeated, 0);

    // A fourth mock has to repeat: it takes the least recently seen first, the first mock's.
    let fourth = t
        .engine
        .start_mock(GUILD, 1, &exam, MockLength::Full)
        .await
        .unwrap();
    let from_first = fourth
        .items
        .iter()
        .filter(|q| mocks[0].contains(&q.id))
        .count();
    let from_third = fourth
        .items
        .iter()
        .filter(|q| mocks[2].contains(&q.id))
        .count();
    assert!(from_first > from_third, "{from_first} vs {from_third}");

    // Another member starts fresh.
    let other = t
        .engine
        .start_mock(GUILD, 2, &exam, MockLength::Full)
        .await
        .unwrap();
    assert_eq!(other.items.len(), 65);
}
