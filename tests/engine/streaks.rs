use chrono::Duration;

use crate::helpers::*;

async fn scheduled_day(
    t: &TestEngine,
    answers: &[(u64, bool)],
) -> Vec<certsprint::quiz::AnswerOutcome> {
    let post = t.post(GUILD, true).await;
    let mut outcomes = Vec::new();
    for &(user, correct) in answers {
        outcomes.push(t.answer(&post, user, correct).await.unwrap());
    }
    t.advance(Duration::hours(12));
    t.engine.close_post(GUILD, post.post_id).await.unwrap();
    t.advance(Duration::hours(12));
    outcomes
}

fn streak(outcome: &certsprint::quiz::AnswerOutcome) -> (u32, u32) {
    let streak = outcome.streak.expect("scheduled answers carry the streak");
    (streak.current, streak.best)
}

#[tokio::test]
async fn consecutive_correct_scheduled_answers_build_a_streak_and_a_wrong_one_breaks_it() {
    let t = TestEngine::new().await;
    assert_eq!(streak(&scheduled_day(&t, &[(1, true)]).await[0]), (1, 1));
    assert_eq!(streak(&scheduled_day(&t, &[(1, true)]).await[0]), (2, 2));
    assert_eq!(streak(&scheduled_day(&t, &[(1, true)]).await[0]), (3, 3));
    assert_eq!(streak(&scheduled_day(&t, &[(1, false)]).await[0]), (0, 3));
    assert_eq!(streak(&scheduled_day(&t, &[(1, true)]).await[0]), (1, 3));
}

#[tokio::test]
async fn a_skipped_day_with_a_question_breaks_the_streak_but_a_day_without_one_does_not() {
    let t = TestEngine::new().await;
    scheduled_day(&t, &[(1, true)]).await;
    scheduled_day(&t, &[(1, true)]).await;
    // A day with no scheduled question (a weekend on a weekdays schedule): nothing to miss.
    t.advance(Duration::days(1));
    assert_eq!(streak(&scheduled_day(&t, &[(1, true)]).await[0]), (3, 3));
    // A day with a question member 1 did not answer (member 2 did).
    scheduled_day(&t, &[(2, true)]).await;
    assert_eq!(streak(&scheduled_day(&t, &[(1, true)]).await[0]), (1, 3));
}

#[tokio::test]
async fn stats_show_a_broken_streak_as_zero_once_a_later_question_closed_unanswered() {
    let t = TestEngine::new().await;
    scheduled_day(&t, &[(1, true)]).await;
    scheduled_day(&t, &[(1, true)]).await;
    assert_eq!(
        t.engine
            .member_stats(GUILD, 1)
            .await
            .unwrap()
            .current_streak,
        2
    );
    // The next question is open but unanswered: the streak still stands.
    let open = t.post(GUILD, true).await;
    assert_eq!(
        t.engine
            .member_stats(GUILD, 1)
            .await
            .unwrap()
            .current_streak,
        2
    );
    t.advance(Duration::hours(12));
    t.engine.close_post(GUILD, open.post_id).await.unwrap();
    let stats = t.engine.member_stats(GUILD, 1).await.unwrap();
    assert_eq!((stats.current_streak, stats.best_streak), (0, 2));
}

#[tokio::test]
async fn on_demand_channel_questions_do_not_touch_streaks() {
    let t = TestEngine::new().await;
    let post = t.post(GUILD, false).await;
    assert!(t.answer(&post, 1, true).await.unwrap().streak.is_none());
}

#[tokio::test]
async fn a_long_window_question_still_open_does_not_break_the_streak() {
    let t = TestEngine::new().await;
    // Day 1, answered.
    let monday = t.post_in(GUILD, CHANNEL, true, Duration::hours(48)).await;
    assert_eq!(streak(&t.answer(&monday, 1, true).await.unwrap()), (1, 1));
    // Day 2's question stays open for 48 hours; the member answers day 3's first.
    t.advance(Duration::days(1));
    let tuesday = t.post_in(GUILD, CHANNEL, true, Duration::hours(48)).await;
    t.advance(Duration::days(1));
    let wednesday = t.post_in(GUILD, CHANNEL, true, Duration::hours(48)).await;
    assert_eq!(
        streak(&t.answer(&wednesday, 1, true).await.unwrap()),
        (2, 2),
        "day 2's question is still open: not skipped yet"
    );
    assert_eq!(streak(&t.answer(&tuesday, 1, true).await.unwrap()), (3, 3));
}
