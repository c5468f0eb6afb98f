//! /bank stats and /bank reports: admins see how questions perform and work through members'
//! reports; members are refused both, and a stale resolve button is told so privately.

use serde_json::{json, Value};

use certsprint::discord::ids::Action;

use crate::harness::*;
use crate::support::{GuildSpec, Interaction};

const SECOND_GUILD: u64 = 800_000_000_000_000_002;
const SECOND_STUDY: u64 = 800_000_000_000_000_103;
const SECOND_ADMINS: u64 = 800_000_000_000_000_202;
const REFUSED: &str = "You need the Manage Server permission for this.";

/// Runs a slash command and returns the interaction with its visible reply.
async fn command(bot: &TestBot, user: u64, name: &str, options: Value) -> (Interaction, Value) {
    let interaction = bot.fake.slash(GUILD, STUDY, user, name, options).await;
    let reply = bot.reply(&interaction).await;
    (interaction, reply)
}

#[tokio::test]
async fn an_admin_sees_each_items_figures_from_the_members_answers() {
    let bot = TestBot::start().await;
    // Two channel questions of one exam; player0 gets both, player1 the first, player2 neither.
    let (_, reply) = command(
        &bot,
        ADMIN,
        "daily setup",
        json!({"channel": STUDY.to_string(), "exam": "aif-c01", "time": "09:00", "timezone": "UTC"}),
    )
    .await;
    assert!(text(&reply).contains("aif-c01"), "{reply}");
    let first = bot.post_now().await;
    let second = bot.post_now().await;
    for (user, answers) in [
        (PLAYER, [true, true]),
        (PLAYER + 1, [true, false]),
        (PLAYER + 2, [false, false]),
    ] {
        bot.answer(user, &first, answers[0]).await;
        bot.answer(user, &second, answers[1]).await;
    }
    let (first_post, second_post) = (
        bot.store
            .post(GUILD, post_id_of(&first))
            .await
            .unwrap()
            .unwrap(),
        bot.store
            .post(GUILD, post_id_of(&second))
            .await
            .unwrap()
            .unwrap(),
    );
    let (first_id, second_id) = (&first_post.question_id, &second_post.question_id);

    let (_, reply) = command(&bot, PLAYER, "bank stats", json!({})).await;
    assert!(is_ephemeral(&reply));
    assert_eq!(text(&reply), REFUSED);

    let (_, reply) = command(&bot, ADMIN, "bank stats", json!({})).await;
    assert!(is_ephemeral(&reply), "{reply}");
    let shown = text(&reply);
    assert!(shown.contains("2 items answered, 6 answers"), "{shown}");
    assert!(
        shown.contains("Check the key (0)") && shown.contains("Nothing to check."),
        "{shown}"
    );
    // By hand: first item, right/rest-accuracy points (1, 1) (1, 0) (0, 0) -> M1 .5, M0 0,
    // population sd sqrt(2/9), p 2/3: r = .5 / .4714 * .4714 = +0.50; the second item,
    // (1, 1) (0, 1) (0, 0) -> M1 1, M0 .5, the same sd and sqrt(pq): +0.50.
    assert!(
        shown.contains(&format!(
            "`{first_id}` · 3 answers · 67% right · discrimination +0.50 · most picked wrong:"
        )),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "`{second_id}` · 3 answers · 33% right · discrimination +0.50 · most picked wrong:"
        )),
        "{shown}"
    );
    // One exam's view; an exam with no answers here says so.
    let (_, reply) = command(&bot, ADMIN, "bank stats", json!({"exam": first_post.exam})).await;
    assert!(
        text(&reply).contains(&format!("`{first_id}`")),
        "{}",
        text(&reply)
    );
    let unplayed = bot
        .engine
        .bank
        .playable_exams()
        .map(|exam| exam.id.clone())
        .find(|exam| *exam != first_post.exam && *exam != second_post.exam)
        .expect("an exam nobody answered");
    let (_, reply) = command(&bot, ADMIN, "bank stats", json!({"exam": unplayed})).await;
    assert!(text(&reply).contains("No answers yet"), "{}", text(&reply));
    bot.stop().await;
}

/// The resolve button of report `flag` on a /bank reports message.
fn resolve_id(flag: i64) -> String {
    Action::ResolveReport { flag }.encode()
}

#[tokio::test]
async fn an_admin_resolves_a_members_report_and_the_list_no_longer_shows_it() {
    let bot = TestBot::start().await;
    let items: Vec<String> = bot.engine.bank.exams[0].items[..2]
        .iter()
        .map(|q| q.id.clone())
        .collect();
    for (user, item, reason) in [
        (PLAYER, &items[0], "option C is right too"),
        (EVERYONE_NAMED, &items[1], "@everyone the key is B"),
    ] {
        let (_, reply) = command(
            &bot,
            user,
            "bank report",
            json!({"id": item, "reason": reason}),
        )
        .await;
        assert!(text(&reply).contains("is flagged"), "{reply}");
    }

    let (_, reply) = command(&bot, PLAYER, "bank reports", json!({})).await;
    assert_eq!(text(&reply), REFUSED);

    let (listed, reply) = command(&bot, ADMIN, "bank reports", json!({})).await;
    assert!(is_ephemeral(&reply), "{reply}");
    let shown = text(&reply);
    assert!(shown.contains("2 open"), "{shown}");
    assert!(
        shown.contains(&format!("`{}` · <@{PLAYER}>", items[0]))
            && shown.contains("option C is right too"),
        "{shown}"
    );
    assert!(
        !shown.contains("@everyone"),
        "a reason cannot ping: {shown}"
    );
    let flags = bot.engine.open_reports(GUILD).await.unwrap();
    let buttons = custom_ids(&reply);
    assert_eq!(
        buttons,
        [resolve_id(flags[0].flag_id), resolve_id(flags[1].flag_id)]
    );
    let message = bot.fake.original(&listed).expect("the list message");
    let list_id = message_id(&message);

    // A member pressing the button is refused privately, and nothing changes.
    let refused = bot.click(PLAYER, list_id, &buttons[0]).await;
    assert_eq!(refused["type"], 4, "{refused}");
    assert!(is_ephemeral(&refused["data"]));
    assert_eq!(text(&refused["data"]), REFUSED);
    assert_eq!(bot.engine.open_reports(GUILD).await.unwrap().len(), 2);

    // The admin resolves the first: the message is updated to the one left.
    let updated = bot.click(ADMIN, list_id, &buttons[0]).await;
    assert_eq!(
        updated["type"], 7,
        "the list is updated in place: {updated}"
    );
    let shown = text(&updated["data"]);
    assert!(shown.contains("1 open"), "{shown}");
    assert!(!shown.contains("option C is right too"), "{shown}");
    assert_eq!(custom_ids(&updated["data"]), [buttons[1].clone()]);
    let (_, reply) = command(&bot, ADMIN, "bank reports", json!({})).await;
    assert!(
        !text(&reply).contains("option C is right too"),
        "{}",
        text(&reply)
    );
    assert_eq!(custom_ids(&reply), [buttons[1].clone()]);

    // The stale button (already resolved) is told so privately, with who resolved it.
    let stale = bot.click(ADMIN, list_id, &buttons[0]).await;
    assert_eq!(stale["type"], 4, "{stale}");
    assert!(is_ephemeral(&stale["data"]));
    let said = text(&stale["data"]);
    assert!(
        said.contains(&format!("already resolved by <@{ADMIN}>")),
        "{said}"
    );

    // A button pressed in another server is not that server's report.
    bot.fake.add_guild(
        GuildSpec::new(SECOND_GUILD, "Another study group")
            .channel(SECOND_STUDY, "study")
            .role(SECOND_ADMINS, "mods", MANAGE_GUILD)
            .member(ADMIN, "mod", vec![SECOND_ADMINS]),
    );
    let foreign = bot
        .click_in(SECOND_GUILD, SECOND_STUDY, ADMIN, list_id, &buttons[1])
        .await;
    assert!(is_ephemeral(&foreign["data"]));
    assert!(
        text(&foreign["data"]).contains("not for a report of this server"),
        "{foreign}"
    );
    assert_eq!(bot.engine.open_reports(GUILD).await.unwrap().len(), 1);

    // The last one resolved: the list says so and has no buttons.
    let done = bot.click(ADMIN, list_id, &buttons[1]).await;
    assert!(text(&done["data"]).contains("No open reports"), "{done}");
    assert!(custom_ids(&done["data"]).is_empty());
    bot.stop().await;
}
