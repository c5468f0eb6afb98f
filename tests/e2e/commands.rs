//! The registered command surface, permissions, and the informational commands.

use serde_json::json;
use std::time::Duration as StdDuration;

use crate::harness::*;

#[tokio::test]
async fn the_command_surface_is_registered_as_documented() {
    let bot = TestBot::start().await;
    let commands = bot.fake.wait_for_commands(WAIT).await;
    let mut names: Vec<&str> = commands
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "bank",
            "daily",
            "data",
            "forget-me",
            "help",
            "leaderboard",
            "mock",
            "quiz",
            "review",
            "sprint",
            "stats"
        ]
    );
    let daily = commands.iter().find(|c| c["name"] == "daily").unwrap();
    let mut subcommands: Vec<&str> = daily["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    subcommands.sort_unstable();
    assert_eq!(
        subcommands,
        ["list", "now", "pause", "remove", "resume", "reveal", "setup"]
    );
    assert_eq!(
        daily["default_member_permissions"],
        MANAGE_GUILD.to_string(),
        "Discord hides it from non-admins by default"
    );
    let data = commands.iter().find(|c| c["name"] == "data").unwrap();
    assert_eq!(data["default_member_permissions"], MANAGE_GUILD.to_string());
    let stats = commands.iter().find(|c| c["name"] == "stats").unwrap();
    let stats_subcommands: Vec<&str> = stats["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(stats_subcommands, ["show", "export", "server"]);
    for command in &commands {
        assert!(
            !command["description"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{} needs a description",
            command["name"]
        );
    }
    bot.stop().await;
}

#[tokio::test]
async fn admin_commands_are_refused_to_non_admins_on_the_server_side() {
    let bot = TestBot::start().await;
    for command in ["daily now", "daily reveal", "daily list", "daily pause"] {
        let reply = bot.slash(PLAYER, command, json!({})).await;
        assert!(is_ephemeral(&reply));
        assert_eq!(
            text(&reply),
            "You need the Manage Server permission for this.",
            "{command}"
        );
    }
    let reply = bot
        .slash(PLAYER, "daily setup", json!({"channel": STUDY.to_string(), "exam": "aif-c01", "time": "09:00", "timezone": "UTC"}))
        .await;
    assert_eq!(
        text(&reply),
        "You need the Manage Server permission for this."
    );
    assert!(bot.fake.channel_messages(STUDY).is_empty());
    assert!(bot.store.schedules_of(GUILD).await.unwrap().is_empty());
    bot.stop().await;
}

#[tokio::test]
async fn setup_replies_with_the_next_post_and_list_shows_it() {
    let bot = TestBot::start().await;
    let reply = bot
        .slash(ADMIN, "daily setup", json!({"channel": STUDY.to_string(), "exam": "mla-c01", "time": "09:30", "timezone": "Europe/Berlin", "days": "weekdays", "window": 6}))
        .await;
    let shown = text(&reply);
    // 2026-11-02 is a Monday; 09:30 in Berlin (CET, UTC+1) is 08:30 UTC, after the clock's 08:00.
    let next = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 2, 8, 30, 0)
        .unwrap()
        .timestamp();
    assert!(shown.contains(&format!("<t:{next}:F>")), "{shown}");
    assert!(
        shown.contains("mla-c01") && shown.contains("weekdays") && shown.contains("6 h"),
        "{shown}"
    );
    let list = text(&bot.slash(ADMIN, "daily list", json!({})).await);
    assert!(
        list.contains(&format!("<#{STUDY}>")) && list.contains(&format!("<t:{next}:F>")),
        "{list}"
    );

    let bad = text(
        &bot.slash(
            ADMIN,
            "daily setup",
            json!({"channel": STUDY.to_string(), "exam": "all", "time": "9am", "timezone": "UTC"}),
        )
        .await,
    );
    assert!(bad.contains("\"9am\" is not a time of day"), "{bad}");
    let bad_zone = text(&bot.slash(ADMIN, "daily setup", json!({"channel": STUDY.to_string(), "exam": "all", "time": "09:00", "timezone": "Mars/Base"})).await);
    assert!(bad_zone.contains("IANA"), "{bad_zone}");

    let paused = text(&bot.slash(ADMIN, "daily pause", json!({})).await);
    assert!(paused.contains("Paused"), "{paused}");
    assert!(text(&bot.slash(ADMIN, "daily list", json!({})).await).contains("paused by mod"));
    assert!(text(&bot.slash(ADMIN, "daily resume", json!({})).await).contains("Resumed"));
    assert!(text(&bot.slash(ADMIN, "daily remove", json!({})).await).contains("Removed"));
    assert!(
        text(&bot.slash(ADMIN, "daily list", json!({})).await).contains("No daily questions yet")
    );
    bot.stop().await;
}

#[tokio::test]
async fn timezone_autocomplete_suggests_iana_names() {
    let bot = TestBot::start().await;
    let interaction = bot
        .fake
        .autocomplete(GUILD, STUDY, ADMIN, "daily setup", json!({"channel": STUDY.to_string(), "exam": "all", "time": "09:00", "timezone": "new_y"}), "timezone")
        .await;
    let response = bot.fake.response(&interaction, WAIT).await.unwrap();
    assert_eq!(response["type"], 8);
    let choices: Vec<&str> = response["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert!(choices.contains(&"America/New_York"), "{choices:?}");
    bot.stop().await;
}

#[tokio::test]
async fn help_and_bank_info_and_reports() {
    let bot = TestBot::start().await;
    let help = text(&bot.slash(PLAYER, "help", json!({})).await);
    assert!(
        help.contains("**streak**") && help.contains("never breaks it"),
        "{help}"
    );

    let info = text(&bot.slash(PLAYER, "bank info", json!({})).await);
    for code in ["AIF-C01", "MLA-C01", "MLA-C02", "AIP-C01"] {
        assert!(info.contains(code), "{info}");
    }
    assert!(
        info.contains("MLA-C01 (retiring, use MLA-C02)") && info.contains("Retiring (last day"),
        "{info}"
    );

    let unknown = text(
        &bot.slash(
            PLAYER,
            "bank report",
            json!({"id": "zzz-9.9-999", "reason": "typo"}),
        )
        .await,
    );
    assert!(unknown.contains("There is no question zzz"), "{unknown}");
    let id = bot.engine.bank.exams[0].items[0].id.clone();
    let flagged = text(
        &bot.slash(
            PLAYER,
            "bank report",
            json!({"id": format!("#{id}"), "reason": "option C looks right too"}),
        )
        .await,
    );
    assert!(flagged.contains(&format!("#{id} is flagged")), "{flagged}");
    let flags = bot.store.open_flags(GUILD).await.unwrap();
    assert_eq!(
        (flags.len(), flags[0].user_id, flags[0].reason.as_str()),
        (1, PLAYER, "option C looks right too")
    );
    bot.stop().await;
}

#[test]
fn every_payload_the_fake_sends_reaches_serenity_typed() {
    use crate::support::payloads_for_tests as fixtures;
    for (name, payload) in fixtures() {
        let event = serde_json::json!({"op": 0, "s": 1, "t": name, "d": payload});
        let parsed: serenity::all::GatewayEvent =
            serde_json::from_value(event.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        match parsed {
            serenity::all::GatewayEvent::Dispatch(_, serenity::all::Event::Unknown(unknown)) => {
                panic!("{name} is dropped by serenity as Unknown: {unknown:?}")
            }
            serenity::all::GatewayEvent::Dispatch(..) => {}
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn the_fake_catches_bodies_that_discord_would_refuse() {
    use crate::support::body_violations;
    let ok = serde_json::json!({"content": "hello", "allowed_mentions": {"parse": []}});
    assert!(body_violations("POST", "/channels/1/messages", &ok).is_empty());
    let long = serde_json::json!({"content": "x".repeat(3000)});
    assert!(
        body_violations("POST", "/channels/1/messages", &long)
            .iter()
            .any(|v| v.contains("over 2000")),
        "{:?}",
        body_violations("POST", "/channels/1/messages", &long)
    );
    let not_a_list = serde_json::json!({"embeds": {"title": "t"}});
    assert!(!body_violations("POST", "/channels/1/messages", &not_a_list).is_empty());
}

#[tokio::test]
async fn shutdown_waits_for_a_command_that_is_still_being_answered() {
    let bot = TestBot::start().await;
    let fake = bot.fake.clone();
    // A slow Discord: the reply to the next interaction takes 1.5 s to go through.
    fake.delay_next("POST", "/interactions/", StdDuration::from_millis(1500), 1);
    let interaction = fake
        .slash(GUILD, STUDY, PLAYER, "quiz", json!({"exam": "aif-c01"}))
        .await;
    // Stop while the bot is still waiting on that reply.
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    bot.stop().await;
    let reply = fake.response(&interaction, StdDuration::ZERO).await;
    assert!(
        reply.is_some(),
        "the bot stopped before its reply to a running command went out"
    );
}

/// A pack a study group adds (its own exam) is offered and playable everywhere an exam is chosen.
#[tokio::test]
async fn a_custom_pack_is_offered_and_played_through_quiz_daily_and_mock() {
    let bot = TestBot::start_with_pack("custom-pack").await;

    // Autocomplete offers it (with the shipped exams) as the member types.
    let typed = bot
        .fake
        .autocomplete(GUILD, STUDY, PLAYER, "quiz", json!({"exam": "ops"}), "exam")
        .await;
    let choices = bot.fake.response(&typed, WAIT).await.expect("suggestions");
    let offered: Vec<&str> = choices["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(offered, ["ops-c01"], "{choices}");

    let practice = bot.slash(PLAYER, "quiz", json!({"exam": "ops-c01"})).await;
    assert!(text(&practice).contains("OPS-C01"), "{}", text(&practice));

    let reply = bot
        .slash(ADMIN, "daily setup", json!({"channel": STUDY.to_string(), "exam": "ops-c01", "time": "09:00", "timezone": "UTC"}))
        .await;
    assert!(text(&reply).contains("**ops-c01**"), "{}", text(&reply));
    let posted = bot.post_now().await;
    assert!(text(&posted).contains("OPS-C01"), "{}", text(&posted));
    let answered = bot.answer(PLAYER + 1, &posted, true).await;
    assert!(text(&answered["data"]).contains("Right!"), "{answered}");

    let mock = bot
        .slash(
            PLAYER + 2,
            "mock start",
            json!({"exam": "ops-c01", "length": "quick"}),
        )
        .await;
    assert!(text(&mock).contains("10 questions"), "{}", text(&mock));
    bot.stop().await;
}

/// An exam no pack provides is refused by name, privately, with the exams there are.
#[tokio::test]
async fn an_unknown_exam_gets_a_clear_private_answer() {
    let bot = TestBot::start().await;
    let reply = bot.slash(PLAYER, "quiz", json!({"exam": "xyz-c09"})).await;
    assert!(is_ephemeral(&reply), "{reply}");
    let shown = text(&reply);
    assert!(
        shown.contains("There is no exam \"xyz-c09\" here"),
        "{shown}"
    );
    assert!(shown.contains("`aif-c01`"), "{shown}");
    let reply = bot
        .slash(ADMIN, "daily setup", json!({"channel": STUDY.to_string(), "exam": "nope", "time": "09:00", "timezone": "UTC"}))
        .await;
    assert!(text(&reply).contains("`all` or one of"), "{}", text(&reply));
    assert!(bot.engine.schedules_of(GUILD).await.unwrap().is_empty());
    bot.stop().await;
}

/// Wherever a member picks an exam, a retiring exam says so and names its successor, and a mock
/// of an exam whose duration AWS does not publish says the time is assumed.
#[tokio::test]
async fn the_retiring_exam_is_labelled_where_members_pick_an_exam() {
    let bot = TestBot::start().await;
    let typed = bot
        .fake
        .autocomplete(
            GUILD,
            STUDY,
            PLAYER,
            "mock start",
            json!({"exam": "mla"}),
            "exam",
        )
        .await;
    let choices = bot.fake.response(&typed, WAIT).await.expect("suggestions");
    let labels: Vec<(&str, &str)> = choices["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["value"].as_str().unwrap(), c["name"].as_str().unwrap()))
        .collect();
    let old = labels
        .iter()
        .find(|(id, _)| *id == "mla-c01")
        .expect("listed");
    assert!(
        old.1.starts_with("MLA-C01 · retiring, use MLA-C02"),
        "{labels:?}"
    );
    let new = labels
        .iter()
        .find(|(id, _)| *id == "mla-c02")
        .expect("listed");
    assert!(!new.1.contains("retiring"), "{labels:?}");

    let mock = text(
        &bot.slash(PLAYER, "mock start", json!({"exam": "mla-c01"}))
            .await,
    );
    assert!(mock.contains("MLA-C01: retiring, use MLA-C02"), "{mock}");
    let other = PLAYER + 1;
    let mock = text(
        &bot.slash(other, "mock start", json!({"exam": "mla-c02"}))
            .await,
    );
    assert!(mock.contains("the time is an assumption"), "{mock}");
    assert!(!mock.contains("retiring"), "{mock}");
    bot.stop().await;
}
