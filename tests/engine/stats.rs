use chrono::Duration;

use certsprint::quiz::Readiness;

use crate::helpers::*;

#[tokio::test]
async fn stats_break_accuracy_down_by_exam_domain_and_task() {
    let t = TestEngine::new().await;
    // Three posts: answer right, right, wrong.
    let mut posts = Vec::new();
    for correct in [true, true, false] {
        let post = t.post(GUILD, false).await;
        t.answer(&post, 1, correct).await.unwrap();
        posts.push((post, correct));
    }
    let stats = t.engine.member_stats(GUILD, 1).await.unwrap();
    assert_eq!(stats.display_name.as_deref(), Some("user1"));
    assert_eq!((stats.overall.answered, stats.overall.correct), (3, 2));
    let exam = &stats.exams[0];
    assert_eq!(exam.exam, EXAM);
    assert_eq!(exam.tally.answered, 3);
    let domain_total: u32 = exam.domains.iter().map(|d| d.tally.answered).sum();
    assert_eq!(domain_total, 3);
    for (post, correct) in &posts {
        let domain = exam
            .domains
            .iter()
            .find(|d| d.number == post.domain)
            .unwrap();
        assert!(domain.tally.answered >= 1);
        let task = &domain.tasks[0];
        assert_eq!(
            task.tally.answered, domain.tally.answered,
            "one task per fixture domain"
        );
        assert!(!correct || domain.tally.correct >= 1);
    }
    assert_eq!(stats.reviews_total, 1, "the miss went to the review queue");
}

#[tokio::test]
async fn readiness_says_not_enough_until_there_is_data_then_gives_a_band() {
    let t = TestEngine::new().await;
    for _ in 0..5 {
        let post = t.post(GUILD, false).await;
        t.answer(&post, 1, true).await.unwrap();
    }
    let stats = t.engine.member_stats(GUILD, 1).await.unwrap();
    assert_eq!(
        stats.exams[0].readiness,
        Readiness::NotEnough {
            answered: 5,
            wanted: 20
        }
    );

    // 60 more answers spread over the domains by the picker, 3 in 4 right.
    for n in 0..60 {
        let post = t.post(GUILD, false).await;
        t.answer(&post, 1, n % 4 != 0).await.unwrap();
    }
    let stats = t.engine.member_stats(GUILD, 1).await.unwrap();
    match stats.exams[0].readiness {
        Readiness::Estimate { score, low, high } => {
            assert!(low < score && score < high);
            assert!((0.65..0.85).contains(&score), "score {score}");
            assert!(high - low < 0.3);
        }
        ref other => panic!("expected an estimate, got {other:?}"),
    }
}

#[tokio::test]
async fn the_trend_compares_the_last_seven_days_with_the_seven_before() {
    let t = TestEngine::new().await;
    for correct in [false, false] {
        let post = t.post(GUILD, false).await;
        t.answer(&post, 1, correct).await.unwrap();
    }
    t.advance(Duration::days(8));
    for correct in [true, true, false] {
        let post = t.post(GUILD, false).await;
        t.answer(&post, 1, correct).await.unwrap();
    }
    let trend = t.engine.member_stats(GUILD, 1).await.unwrap().trend;
    assert_eq!((trend.last_week.answered, trend.last_week.correct), (3, 2));
    assert_eq!(
        (trend.week_before.answered, trend.week_before.correct),
        (2, 0)
    );
}
