//! Export rows: a server's members and a member's answers, each scoped to its guild.

use crate::helpers::*;

#[tokio::test]
async fn export_rows_hold_one_guild_and_one_member() {
    let t = TestEngine::new().await;
    let first = t.post(GUILD, true).await;
    let second = t.post(GUILD, false).await;
    let elsewhere = t.post(OTHER_GUILD, false).await;
    t.answer(&first, 1, true).await.unwrap();
    t.answer(&second, 1, false).await.unwrap();
    t.answer(&first, 2, false).await.unwrap();
    t.answer(&elsewhere, 1, true).await.unwrap();
    t.answer(&elsewhere, 3, true).await.unwrap();

    let members = t.engine.server_export(GUILD).await.unwrap();
    let users: Vec<u64> = members.iter().map(|m| m.user_id).collect();
    assert_eq!(
        users,
        [1, 2],
        "highest points first; user 3 played elsewhere"
    );
    let one = &members[0];
    assert_eq!((one.answered, one.correct), (2, 1));
    assert_eq!(one.current_streak, 1, "the scheduled question was right");
    assert!(one.points > 0);
    assert_eq!(one.display_name, "user1");
    assert_eq!(
        (members[1].answered, members[1].correct, members[1].points),
        (1, 0, 0)
    );

    let history = t.engine.answer_history(GUILD, 1).await.unwrap();
    let ids: Vec<&str> = history.iter().map(|a| a.question_id.as_str()).collect();
    assert_eq!(
        ids,
        [first.question_id.as_str(), second.question_id.as_str()]
    );
    assert!(history[0].correct && !history[1].correct);
    assert_eq!(history[0].mode, "channel");
    assert_eq!(
        t.engine.answer_history(OTHER_GUILD, 1).await.unwrap().len(),
        1
    );
    assert!(t.engine.answer_history(GUILD, 3).await.unwrap().is_empty());
}
