//! Exports: /data export for admins and /stats export for each member, as CSV files sent with
//! the private reply (multipart), each holding only its own guild's (and member's) rows.

use serde_json::{json, Value};

use certsprint::export::{HISTORY_COLUMNS, SERVER_COLUMNS};

use crate::harness::*;
use crate::support::{GuildSpec, Interaction, UploadedFile};

const SECOND_GUILD: u64 = 800_000_000_000_000_002;
const SECOND_STUDY: u64 = 800_000_000_000_000_103;
const SECOND_ADMINS: u64 = 800_000_000_000_000_202;

/// Header and rows of a CSV file.
fn read_csv(file: &UploadedFile) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(file.bytes.as_slice());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The one file sent with an interaction's reply.
fn only_file(bot: &TestBot, interaction: &Interaction) -> UploadedFile {
    let files = bot.fake.attachments(interaction);
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}

/// A second server where the same admin and two players also play.
async fn second_guild_with_an_answer(bot: &TestBot) {
    bot.fake.add_guild(
        GuildSpec::new(SECOND_GUILD, "Another study group")
            .channel(SECOND_STUDY, "study")
            .role(SECOND_ADMINS, "mods", MANAGE_GUILD)
            .member(ADMIN, "mod", vec![SECOND_ADMINS])
            .member(PLAYER, "player0", vec![])
            .member(PLAYER + 2, "player2", vec![]),
    );
    let posted = bot
        .fake
        .slash(SECOND_GUILD, SECOND_STUDY, ADMIN, "daily now", json!({}))
        .await;
    let reply = bot.reply(&posted).await;
    assert!(text(&reply).contains("Posted in"), "{reply}");
    let message = bot
        .fake
        .channel_messages(SECOND_STUDY)
        .last()
        .unwrap()
        .clone();
    for user in [PLAYER, PLAYER + 2] {
        let done = bot
            .answer_in(SECOND_GUILD, SECOND_STUDY, user, &message, true)
            .await;
        assert!(!done.is_null());
    }
}

/// PLAYER answers two questions right, PLAYER + 1 the first one wrong.
async fn answers_in_the_study_channel(bot: &TestBot) -> Vec<Value> {
    let first = bot.post_now().await;
    bot.answer(PLAYER, &first, true).await;
    bot.answer(PLAYER + 1, &first, false).await;
    let second = bot.post_now().await;
    bot.answer(PLAYER, &second, true).await;
    vec![first, second]
}

#[tokio::test]
async fn an_admin_exports_the_servers_scores_streaks_and_accuracy_as_csv() {
    let bot = TestBot::start().await;
    let posts = answers_in_the_study_channel(&bot).await;
    second_guild_with_an_answer(&bot).await;

    let asked = bot
        .fake
        .slash(GUILD, STUDY, ADMIN, "data export", json!({}))
        .await;
    let reply = bot.reply(&asked).await;
    assert!(is_ephemeral(&reply), "{reply}");
    assert!(text(&reply).contains("2 member(s)"), "{reply}");
    let file = only_file(&bot, &asked);
    assert!(
        file.filename.starts_with("certsprint-scores-2026"),
        "{}",
        file.filename
    );
    assert!(file.filename.ends_with(".csv"));
    let (header, rows) = read_csv(&file);
    assert_eq!(header, SERVER_COLUMNS);

    let mut points = 0;
    for post in &posts {
        let answer = bot
            .store
            .answer_of(post_id_of(post), PLAYER)
            .await
            .unwrap()
            .unwrap();
        points += answer.points;
    }
    assert!(points > 0);
    // Highest points first; the second server's player2 is not a row here.
    assert_eq!(rows.len(), 2, "{rows:?}");
    let row = |n: usize| rows[n].iter().map(String::as_str).collect::<Vec<_>>();
    assert_eq!(
        row(0)[..8],
        [
            PLAYER.to_string().as_str(),
            "player0",
            &points.to_string(),
            "2",
            "2",
            "100.0",
            "0",
            "0"
        ]
    );
    assert!(row(0)[8].starts_with("2026-11-02T"), "{:?}", row(0));
    assert_eq!(
        row(1)[..6],
        [
            (PLAYER + 1).to_string().as_str(),
            "player1",
            "0",
            "1",
            "0",
            "0.0"
        ]
    );
    assert!(rows.iter().all(|r| r[0] != (PLAYER + 2).to_string()));
    assert_eq!(bot.fake.schema_violations(), Vec::<String>::new());

    // The second server's export holds its own two players, each with one answer.
    let there = bot
        .fake
        .slash(SECOND_GUILD, SECOND_STUDY, ADMIN, "data export", json!({}))
        .await;
    bot.reply(&there).await;
    let (_, rows) = read_csv(&only_file(&bot, &there));
    let mut users: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    users.sort_unstable();
    let expected = [PLAYER.to_string(), (PLAYER + 2).to_string()];
    assert_eq!(users, [expected[0].as_str(), expected[1].as_str()]);
    assert!(rows.iter().all(|r| r[3] == "1"), "{rows:?}");
    bot.stop().await;
}

#[tokio::test]
async fn a_member_without_manage_server_cannot_export_the_server() {
    let bot = TestBot::start().await;
    answers_in_the_study_channel(&bot).await;
    let asked = bot
        .fake
        .slash(GUILD, STUDY, PLAYER, "data export", json!({}))
        .await;
    let reply = bot.reply(&asked).await;
    assert!(text(&reply).contains("Manage Server"), "{reply}");
    assert!(is_ephemeral(&reply));
    assert!(bot.fake.attachments(&asked).is_empty());
    bot.stop().await;
}

#[tokio::test]
async fn stats_export_gives_a_member_their_own_answers_in_this_server_only() {
    let bot = TestBot::start().await;
    let posts = answers_in_the_study_channel(&bot).await;
    second_guild_with_an_answer(&bot).await;

    let asked = bot
        .fake
        .slash(GUILD, STUDY, PLAYER, "stats export", json!({}))
        .await;
    let response = bot
        .fake
        .response(&asked, WAIT)
        .await
        .expect("the bot answered");
    assert_eq!(
        response["type"], 5,
        "deferred privately, then the file: {response}"
    );
    let reply = &bot.reply(&asked).await;
    assert!(is_ephemeral(reply), "{reply}");
    assert!(text(reply).contains("Your 2 answer(s)"), "{reply}");
    let file = only_file(&bot, &asked);
    assert!(
        file.filename.starts_with("certsprint-my-answers-"),
        "{}",
        file.filename
    );
    let (header, rows) = read_csv(&file);
    assert_eq!(header, HISTORY_COLUMNS);
    assert_eq!(
        rows.len(),
        2,
        "only PLAYER's answers in this guild: {rows:?}"
    );
    for (row, post) in rows.iter().zip(&posts) {
        let stored = bot
            .store
            .post(GUILD, post_id_of(post))
            .await
            .unwrap()
            .unwrap();
        let answer = bot
            .store
            .answer_of(stored.post_id, PLAYER)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row[1], stored.exam);
        assert_eq!(row[2], stored.question_id);
        assert_eq!(row[5], "channel");
        assert_eq!(row[6], answer.choice);
        assert_eq!(row[7], "true");
        assert_eq!(row[8], answer.points.to_string());
    }

    // Another member's export holds their own wrong answer and nothing of PLAYER's.
    let theirs = bot
        .fake
        .slash(GUILD, STUDY, PLAYER + 1, "stats export", json!({}))
        .await;
    bot.reply(&theirs).await;
    let (_, rows) = read_csv(&only_file(&bot, &theirs));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][7], "false");
    assert_eq!(bot.fake.schema_violations(), Vec::<String>::new());
    bot.stop().await;
}
