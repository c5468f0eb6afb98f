use chrono::{Duration, TimeZone, Utc};
use chrono_tz::Tz;

use certsprint::store::Period;

use crate::helpers::*;
use certsprint::bank::Scope;

#[tokio::test]
async fn weeks_follow_the_guilds_time_zone() {
    let t = TestEngine::new().await;
    let auckland: Tz = "Pacific/Auckland".parse().unwrap();
    t.store()
        .set_guild_timezone(OTHER_GUILD, auckland, t.engine.now())
        .await
        .unwrap();

    // Saturday 09:00 UTC: Saturday evening in Auckland. Sunday 12:00 UTC: Monday 01:00 in Auckland.
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 7, 9, 0, 0).unwrap());
    for guild in [GUILD, OTHER_GUILD] {
        let post = t.post(guild, false).await;
        t.answer(&post, 1, true).await.unwrap();
    }
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 8, 12, 0, 0).unwrap());
    for guild in [GUILD, OTHER_GUILD] {
        let post = t.post(guild, false).await;
        t.answer(&post, 1, true).await.unwrap();
    }

    let utc_week = t
        .engine
        .leaderboard(GUILD, &Scope::All, Period::Week, 1, 0)
        .await
        .unwrap();
    assert_eq!(
        utc_week.top[0].answered, 2,
        "one UTC week holds both answers"
    );
    let nz_week = t
        .engine
        .leaderboard(OTHER_GUILD, &Scope::All, Period::Week, 1, 0)
        .await
        .unwrap();
    assert_eq!(
        nz_week.top[0].answered, 1,
        "Auckland's new week started at its own midnight"
    );
    let nz_all = t
        .engine
        .leaderboard(OTHER_GUILD, &Scope::All, Period::All, 1, 0)
        .await
        .unwrap();
    assert_eq!(nz_all.top[0].answered, 2);
}

#[tokio::test]
async fn months_roll_over_and_all_time_keeps_everything() {
    let t = TestEngine::new().await;
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 10, 31, 10, 0, 0).unwrap());
    let october = t.post(GUILD, false).await;
    t.answer(&october, 1, true).await.unwrap();
    t.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap());
    let november = t.post(GUILD, false).await;
    t.answer(&november, 1, true).await.unwrap();
    let month = t
        .engine
        .leaderboard(GUILD, &Scope::All, Period::Month, 1, 0)
        .await
        .unwrap();
    assert_eq!(month.top[0].answered, 1);
    let all = t
        .engine
        .leaderboard(GUILD, &Scope::All, Period::All, 1, 0)
        .await
        .unwrap();
    assert_eq!((all.top[0].answered, all.top[0].points), (2, 30));
}

#[tokio::test]
async fn ties_are_broken_by_correct_answers_then_fewer_attempts_then_user_id() {
    let t = TestEngine::new().await;
    let first = t.post(GUILD, false).await;
    let second = t.post(GUILD, false).await;
    // Users 30 and 10: one correct each at the same moment (15 points), user 30 also one wrong.
    // User 20: same points, same correct, same attempts as user 10, higher id.
    t.answer(&first, 30, true).await.unwrap();
    t.answer(&second, 30, false).await.unwrap();
    t.answer(&first, 20, true).await.unwrap();
    t.answer(&first, 10, true).await.unwrap();
    let board = t
        .engine
        .leaderboard(GUILD, &Scope::All, Period::All, 10, 0)
        .await
        .unwrap();
    let order: Vec<u64> = board.top.iter().map(|row| row.user_id).collect();
    assert_eq!(order, [10, 20, 30]);
    assert_eq!(
        board.top.iter().map(|r| r.rank).collect::<Vec<_>>(),
        [1, 2, 3]
    );
}

#[tokio::test]
async fn the_caller_sees_their_rank_outside_the_top_ten_and_pages_work() {
    let t = TestEngine::new().await;
    for user in 1..=15u64 {
        // User n answers user-n questions correctly: more points for higher ids.
        for _ in 0..user {
            let post = t.post(GUILD, false).await;
            t.answer(&post, user, true).await.unwrap();
        }
    }
    let board = t
        .engine
        .leaderboard(GUILD, &t.scope(Some(EXAM)), Period::All, 1, 0)
        .await
        .unwrap();
    assert_eq!(board.top.len(), 10);
    assert_eq!(board.top[0].user_id, 15);
    assert_eq!(board.ranked, 15);
    let me = board.caller.expect("caller row");
    assert_eq!((me.user_id, me.rank), (1, 15));
    let page_two = t
        .engine
        .leaderboard(GUILD, &t.scope(Some(EXAM)), Period::All, 1, 1)
        .await
        .unwrap();
    assert_eq!(
        page_two.top.iter().map(|r| r.rank).collect::<Vec<_>>(),
        [11, 12, 13, 14, 15]
    );
    assert_eq!(page_two.page, 1);
    // A page past the end (an old button after the board shrank) shows the last page.
    let past_the_end = t
        .engine
        .leaderboard(GUILD, &t.scope(Some(EXAM)), Period::All, 99, 4)
        .await
        .unwrap();
    assert_eq!(past_the_end.page, 1);
    assert_eq!(past_the_end.top.len(), 5);
    assert_eq!(past_the_end.ranked, 15);
}

#[tokio::test]
async fn the_board_shows_a_streak_broken_since_the_members_last_answer_as_zero() {
    let t = TestEngine::new().await;
    let streak_of = |board: &certsprint::store::Standing, user: u64| {
        board
            .top
            .iter()
            .find(|row| row.user_id == user)
            .map(|row| row.current_streak)
    };
    for _ in 0..2 {
        let post = t.post(GUILD, true).await;
        t.answer(&post, 1, true).await.unwrap();
        t.answer(&post, 2, true).await.unwrap();
        t.advance(Duration::days(1));
    }
    let board = t
        .engine
        .leaderboard(GUILD, &Scope::All, Period::All, 1, 0)
        .await
        .unwrap();
    assert_eq!(
        (streak_of(&board, 1), streak_of(&board, 2)),
        (Some(2), Some(2))
    );
    // Member 2 answers the next one; member 1 lets it close.
    let post = t.post(GUILD, true).await;
    t.answer(&post, 2, true).await.unwrap();
    t.advance(Duration::hours(12));
    t.engine.close_post(GUILD, post.post_id).await.unwrap();
    let board = t
        .engine
        .leaderboard(GUILD, &Scope::All, Period::All, 1, 0)
        .await
        .unwrap();
    assert_eq!(
        (streak_of(&board, 1), streak_of(&board, 2)),
        (Some(0), Some(3))
    );
}

#[tokio::test]
async fn guilds_never_see_each_others_answers() {
    let t = TestEngine::new().await;
    let here = t.post(GUILD, false).await;
    t.answer(&here, 1, true).await.unwrap();
    let there = t.post(OTHER_GUILD, false).await;
    t.answer(&there, 2, true).await.unwrap();
    t.answer(&there, 1, false).await.unwrap();

    let board = t
        .engine
        .leaderboard(GUILD, &Scope::All, Period::All, 1, 0)
        .await
        .unwrap();
    assert_eq!(board.top.iter().map(|r| r.user_id).collect::<Vec<_>>(), [1]);
    let stats_here = t.engine.member_stats(GUILD, 1).await.unwrap();
    assert_eq!(
        (stats_here.overall.answered, stats_here.overall.correct),
        (1, 1)
    );
    let stats_there = t.engine.member_stats(OTHER_GUILD, 1).await.unwrap();
    assert_eq!(
        (stats_there.overall.answered, stats_there.overall.correct),
        (1, 0)
    );
    assert_eq!(
        t.engine
            .member_stats(OTHER_GUILD, 1)
            .await
            .unwrap()
            .reviews_total,
        1
    );
    assert_eq!(stats_here.reviews_total, 0);
}

#[tokio::test]
async fn an_unknown_exam_cannot_be_named() {
    // Exams are parsed at the edge against the loaded banks: a name that is not loaded never
    // becomes an exam id or scope, so no engine call can be made with it.
    let t = TestEngine::new().await;
    assert_eq!(t.engine.bank.scope("xyz-c09"), None);
    assert_eq!(t.engine.bank.exam_id("xyz-c09"), None);
    assert_eq!(
        t.scope(Some("TST-C01")),
        t.scope(Some(EXAM)),
        "the code names it too"
    );
}
