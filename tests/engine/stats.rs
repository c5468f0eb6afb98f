use chrono::{Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use certsprint::quiz::{Readiness, WEEKS_SHOWN};

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

/// (answered, correct) of each week shown for the fixture exam, oldest first.
async fn weekly(t: &TestEngine, user: u64) -> Vec<(u32, u32)> {
    let stats = t.engine.member_stats(GUILD, user).await.unwrap();
    let exam = stats.exams.iter().find(|e| e.exam == EXAM).unwrap();
    assert_eq!(exam.weeks.len(), WEEKS_SHOWN);
    exam.weeks
        .iter()
        .map(|w| (w.tally.answered, w.tally.correct))
        .collect()
}

async fn answer_in(t: &TestEngine, guild: u64, user: u64, results: &[bool]) {
    for &correct in results {
        let post = t.post(guild, false).await;
        t.answer(&post, user, correct).await.unwrap();
    }
}

#[tokio::test]
async fn weekly_accuracy_counts_the_guilds_local_weeks_and_keeps_the_last_twelve() {
    let t = TestEngine::new().await;
    let auckland: Tz = "Pacific/Auckland".parse().unwrap();
    t.store()
        .set_guild_timezone(GUILD, auckland, t.engine.now())
        .await
        .unwrap();
    // Monday 2 November, evening in Auckland.
    answer_in(&t, GUILD, 1, &[true, false]).await;
    // Sunday 8 November 10:30 UTC is 23:30 in Auckland: still the week of 2 November.
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 8, 10, 30, 0).unwrap());
    answer_in(&t, GUILD, 1, &[true]).await;
    // An hour later it is Monday 9 November there (in UTC it is still Sunday).
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 8, 11, 30, 0).unwrap());
    answer_in(&t, GUILD, 1, &[false, false]).await;
    // Another guild's answers and another member's are not this member's weeks.
    answer_in(&t, OTHER_GUILD, 1, &[true]).await;
    answer_in(&t, GUILD, 2, &[true]).await;

    let mut expected = vec![(0, 0); WEEKS_SHOWN];
    expected[WEEKS_SHOWN - 2] = (3, 2);
    expected[WEEKS_SHOWN - 1] = (2, 0);
    assert_eq!(weekly(&t, 1).await, expected);
    let stats = t.engine.member_stats(GUILD, 1).await.unwrap();
    assert_eq!(
        stats.exams[0].weeks[WEEKS_SHOWN - 1].monday,
        NaiveDate::from_ymd_opt(2026, 11, 9).unwrap()
    );

    // Eleven weeks on, the week of 9 November is the oldest shown and 2 November is gone.
    t.advance(Duration::weeks(11));
    let mut expected = vec![(0, 0); WEEKS_SHOWN];
    expected[0] = (2, 0);
    assert_eq!(weekly(&t, 1).await, expected);
}

#[tokio::test]
async fn server_stats_count_this_weeks_members_and_all_answers_in_the_guild_only() {
    let t = TestEngine::new().await;
    answer_in(&t, GUILD, 1, &[true, false]).await;
    answer_in(&t, GUILD, 2, &[true]).await;
    answer_in(&t, OTHER_GUILD, 1, &[true, true, true]).await;

    let stats = t.engine.server_stats(GUILD, None).await.unwrap();
    assert_eq!(stats.active_this_week, 2);
    assert_eq!((stats.this_week.answered, stats.this_week.correct), (3, 2));
    assert_eq!((stats.all_time.answered, stats.all_time.correct), (3, 2));

    // Next Monday: a new week with one member active; all time keeps everything.
    t.advance(Duration::days(7));
    answer_in(&t, GUILD, 3, &[false]).await;
    let stats = t.engine.server_stats(GUILD, Some(&t.exam())).await.unwrap();
    assert_eq!(stats.active_this_week, 1);
    assert_eq!((stats.this_week.answered, stats.this_week.correct), (1, 0));
    assert_eq!((stats.all_time.answered, stats.all_time.correct), (4, 2));
    assert_eq!(stats.exams.len(), 1);
    let exam = &stats.exams[0];
    assert_eq!((exam.tally.answered, exam.tally.correct), (4, 2));
    // Per domain, the same as the members' own stats added up.
    for domain in &exam.domains {
        let mut answered = 0;
        let mut correct = 0;
        for user in [1, 2, 3] {
            let own = t.engine.member_stats(GUILD, user).await.unwrap();
            if let Some(exam) = own.exams.first() {
                let mine = exam
                    .domains
                    .iter()
                    .find(|d| d.number == domain.number)
                    .unwrap();
                answered += mine.tally.answered;
                correct += mine.tally.correct;
            }
        }
        assert_eq!(
            (domain.tally.answered, domain.tally.correct),
            (answered, correct),
            "domain {}",
            domain.number
        );
    }

    let there = t.engine.server_stats(OTHER_GUILD, None).await.unwrap();
    assert_eq!(there.active_this_week, 0);
    assert_eq!((there.all_time.answered, there.all_time.correct), (3, 3));
}

#[tokio::test]
async fn the_study_suggestion_follows_the_members_answers() {
    let t = TestEngine::new().await;
    // Fixture tasks: one per domain. Enough misses everywhere to name two tasks.
    for n in 0..40 {
        let post = t.post(GUILD, false).await;
        t.answer(&post, 1, n % 3 == 0).await.unwrap();
    }
    let stats = t.engine.member_stats(GUILD, 1).await.unwrap();
    let exam = &stats.exams[0];
    let suggestion = exam.suggestion.as_ref().expect("a suggestion");
    assert_eq!(suggestion.weakest.len(), 2);
    for weak in &suggestion.weakest {
        let domain = exam
            .domains
            .iter()
            .find(|d| d.number == weak.domain)
            .unwrap();
        assert_eq!(weak.tally, domain.tasks[0].tally);
        assert!(weak.tally.answered >= 5);
    }
    // The misses become due review cards a minute later (FSRS); until then /quiz only, then /review first.
    assert!(suggestion
        .commands
        .iter()
        .all(|c| c.starts_with("/quiz exam:tst-c01 domain:")));
    t.advance(Duration::days(1));
    let stats = t.engine.member_stats(GUILD, 1).await.unwrap();
    let commands = &stats.exams[0].suggestion.as_ref().unwrap().commands;
    assert_eq!(commands[0], "/review exam:tst-c01", "{commands:?}");
}
