//! /stats show with its chart, the study suggestion, and /stats server for admins, driven through
//! the commands members run.

use serde_json::{json, Value};

use crate::harness::*;
use crate::support::{Interaction, UploadedFile};

/// Answers `results.len()` private practice questions of `exam` (in `domain` when given) through
/// /quiz and its Next button, right or wrong as listed.
async fn practise(bot: &TestBot, user: u64, exam: &str, domain: Option<u8>, results: &[bool]) {
    let mut options = json!({ "exam": exam });
    if let Some(domain) = domain {
        options["domain"] = json!(domain);
    }
    let interaction = bot.fake.slash(GUILD, STUDY, user, "quiz", options).await;
    bot.reply(&interaction).await;
    for (round, &correct) in results.iter().enumerate() {
        let question = bot
            .fake
            .original(&interaction)
            .expect("the private question");
        let result = bot.answer(user, &question, correct).await;
        assert_eq!(result["type"], 7, "round {round}: {result}");
        if round + 1 == results.len() {
            break;
        }
        let next_id = custom_ids(&result["data"])
            .into_iter()
            .find(|id| id.starts_with("next:"))
            .expect("a Next question button");
        let next = bot.click(user, message_id(&question), &next_id).await;
        assert_eq!(next["type"], 7, "{next}");
    }
}

/// Width and height of a PNG, after checking the signature and decoding every pixel.
fn png_size(file: &UploadedFile) -> (u32, u32) {
    let bytes = &file.bytes;
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "the PNG signature");
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader
        .next_frame(&mut pixels)
        .expect("the whole image decodes");
    assert!(pixels.iter().any(|&p| p != pixels[0]), "not a blank image");
    (frame.width, frame.height)
}

async fn stats_show(bot: &TestBot, user: u64, options: Value) -> (Interaction, Value) {
    let interaction = bot
        .fake
        .slash(GUILD, STUDY, user, "stats show", options)
        .await;
    let reply = bot.reply(&interaction).await;
    (interaction, reply)
}

#[tokio::test]
async fn stats_show_sends_a_png_chart_and_names_the_weak_tasks_after_enough_answers() {
    let bot = TestBot::start().await;
    // Twelve domain-4 questions (two tasks, two items each), one in three right.
    let results: Vec<bool> = (0..12).map(|n| n % 3 == 0).collect();
    practise(&bot, PLAYER, "aif-c01", Some(4), &results).await;

    let (interaction, reply) = stats_show(&bot, PLAYER, json!({})).await;
    assert!(is_ephemeral(&reply), "{reply}");
    let shown = text(&reply);
    assert!(shown.contains("**12** answered"), "{shown}");
    let files = bot.fake.attachments(&interaction);
    assert_eq!(files.len(), 1, "{files:?}");
    let chart = &files[0];
    assert_eq!(chart.filename, "certsprint-stats-aif-c01.png");
    let (width, height) = png_size(chart);
    assert!((600..=2000).contains(&width), "width {width}");
    assert!((300..=2000).contains(&height), "height {height}");
    assert!(
        chart.bytes.len() < 200 * 1024,
        "{} bytes",
        chart.bytes.len()
    );
    assert!(!shown.contains("No chart yet"), "{shown}");

    // Both domain-4 tasks have at least five answers and misses: the suggestion names them and
    // the command that practises their domain.
    assert!(shown.contains("Weakest: task 4."), "{shown}");
    assert!(shown.contains("`/quiz exam:aif-c01 domain:4`"), "{shown}");
    assert_eq!(bot.fake.schema_violations(), Vec::<String>::new());
    bot.stop().await;
}

#[tokio::test]
async fn with_too_few_answers_stats_show_says_so_and_sends_no_chart() {
    let bot = TestBot::start().await;
    practise(&bot, PLAYER, "aip-c01", None, &[true, false, true]).await;
    let (interaction, reply) = stats_show(&bot, PLAYER, json!({})).await;
    let shown = text(&reply);
    assert!(
        shown.contains("No chart yet") && shown.contains("AIP-C01 (3 so far)"),
        "{shown}"
    );
    assert!(
        shown.contains("**3** answered"),
        "the embed is there: {shown}"
    );
    assert!(bot.fake.attachments(&interaction).is_empty());

    // A member with no answers at all gets words too, and no empty chart.
    let (interaction, reply) = stats_show(&bot, PLAYER + 1, json!({})).await;
    assert!(text(&reply).contains("No chart yet"), "{reply}");
    assert!(bot.fake.attachments(&interaction).is_empty());
    bot.stop().await;
}

#[tokio::test]
async fn stats_show_charts_the_exam_asked_for() {
    let bot = TestBot::start().await;
    practise(&bot, PLAYER, "aif-c01", None, &[true; 10]).await;
    practise(&bot, PLAYER, "mla-c02", None, &[false; 4]).await;

    // Most answers are in AIF-C01, so that is the chart by default.
    let (interaction, _) = stats_show(&bot, PLAYER, json!({})).await;
    let files = bot.fake.attachments(&interaction);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].filename, "certsprint-stats-aif-c01.png");

    // Asked about MLA-C02, which has too few answers for a chart.
    let (interaction, reply) = stats_show(&bot, PLAYER, json!({"exam": "mla-c02"})).await;
    assert!(
        text(&reply).contains("MLA-C02 (4 so far)"),
        "{}",
        text(&reply)
    );
    assert!(bot.fake.attachments(&interaction).is_empty());
    bot.stop().await;
}

#[tokio::test]
async fn stats_server_is_refused_to_members_without_manage_server() {
    let bot = TestBot::start().await;
    practise(&bot, PLAYER, "aif-c01", None, &[true]).await;
    let refused = bot.slash(PLAYER, "stats server", json!({})).await;
    assert!(text(&refused).contains("Manage Server"), "{refused}");
    assert!(!text(&refused).contains("member(s) active"), "{refused}");
    bot.stop().await;
}

#[tokio::test]
async fn stats_server_shows_an_admin_this_weeks_activity_and_accuracy_per_domain() {
    let bot = TestBot::start().await;
    // Last week: one member answers two AIF-C01 domain-2 questions, both wrong.
    practise(&bot, PLAYER + 2, "aif-c01", Some(2), &[false, false]).await;
    bot.manual_clock()
        .set(start_time() + chrono::Duration::days(7));
    // This week (Monday 9 November): two members, five answers, three right.
    practise(&bot, PLAYER, "aif-c01", Some(2), &[true, true, false]).await;
    practise(&bot, PLAYER + 1, "mla-c02", Some(1), &[true, false]).await;

    let reply = bot.slash(ADMIN, "stats server", json!({})).await;
    assert!(is_ephemeral(&reply), "{reply}");
    let shown = text(&reply);
    assert!(
        shown.contains("**2** member(s) active this week"),
        "{shown}"
    );
    assert!(
        shown.contains("Answered this week: 60% (3 of 5)"),
        "{shown}"
    );
    assert!(shown.contains("Answered all time: 43% (3 of 7)"), "{shown}");
    // Domain 2 of AIF-C01 across the server: 2 of 5; MLA-C02 domain 1: 1 of 2.
    assert!(shown.contains("AIF-C01"), "{shown}");
    assert!(shown.contains("(2 of 5)"), "{shown}");
    assert!(shown.contains("MLA-C02"), "{shown}");

    // Narrowed to one exam.
    let reply = bot
        .slash(ADMIN, "stats server", json!({"exam": "mla-c02"}))
        .await;
    let shown = text(&reply);
    assert!(
        shown.contains("**1** member(s) active this week"),
        "{shown}"
    );
    assert!(shown.contains("Answered all time: 50% (1 of 2)"), "{shown}");
    assert!(!shown.contains("AIF-C01"), "{shown}");
    assert_eq!(bot.fake.schema_violations(), Vec::<String>::new());
    bot.stop().await;
}
