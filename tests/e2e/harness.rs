//! Spawns the real bot against the fake Discord, with a manual clock for the engine.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use certsprint::bank::{self, BankFile, Kind, Question};
use certsprint::clock::{Clock, ManualClock, SystemClock};
use certsprint::config::Token;
use certsprint::discord::ids::{Action, LobbyStep};
use certsprint::discord::{run_until, Settings};
use certsprint::ops::{GatewayStatus, Health, OpsServer};
use certsprint::quiz::Engine;
use certsprint::random::RandomSource;
use certsprint::store::Store;

use crate::support::{FakeDiscord, GuildSpec, Interaction};

pub const GUILD: u64 = 800_000_000_000_000_001;
pub const STUDY: u64 = 800_000_000_000_000_101;
pub const OTHER_CHANNEL: u64 = 800_000_000_000_000_102;
pub const ADMIN_ROLE: u64 = 800_000_000_000_000_201;
pub const ADMIN: u64 = 700_000_000_000_000_001;
pub const EVERYONE_NAMED: u64 = 700_000_000_000_000_666;
/// Ordinary members: PLAYER + 0 .. PLAYER + 24.
pub const PLAYER: u64 = 700_000_000_000_001_000;
pub const PLAYERS: u64 = 25;
pub const MANAGE_GUILD: u64 = 1 << 5;
/// How long a test waits for something the bot should do: generous, for a busy CI machine;
/// every wait returns as soon as the thing happens.
pub const WAIT: StdDuration = StdDuration::from_secs(30);

/// Waits until `condition` holds, checking often, failing the test after `WAIT`.
pub async fn wait_for(condition: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + WAIT;
    while !condition() {
        assert!(
            std::time::Instant::now() < deadline,
            "not reached in {WAIT:?}"
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
}

/// `wait_for` with a condition that reads the database; returns the value that satisfied it.
pub async fn wait_for_value<T, F, Fut>(read: F, done: impl Fn(&T) -> bool) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let value = read().await;
        if done(&value) {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not reached in {WAIT:?}"
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
}

pub fn world() -> GuildSpec {
    let mut guild = GuildSpec::new(GUILD, "AWS study group")
        .channel(STUDY, "study")
        .channel(OTHER_CHANNEL, "random")
        .role(ADMIN_ROLE, "mods", MANAGE_GUILD)
        .member(ADMIN, "mod", vec![ADMIN_ROLE])
        .member(EVERYONE_NAMED, "@everyone", vec![]);
    for n in 0..PLAYERS {
        guild = guild.member(PLAYER + n, &format!("player{n}"), vec![]);
    }
    guild
}

pub struct TestBot {
    pub fake: Arc<FakeDiscord>,
    pub engine: Engine,
    /// The bot's database, opened by the test to inspect what was committed (never to write).
    pub store: Store,
    pub clock: Option<Arc<ManualClock>>,
    pub url: String,
    /// A pack laid over the banks, kept for restarts.
    pack: Option<std::path::PathBuf>,
    _dir: Arc<tempfile::TempDir>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    stop: Option<oneshot::Sender<()>>,
    launches: u32,
    /// The health and metrics listener, when the test asked for one (a free loopback port).
    ops: Option<OpsServer>,
    with_ops: bool,
}

/// 2026-11-02 08:00 UTC, a Monday.
pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap()
}

impl TestBot {
    /// A bot on a manual clock (the Discord connection itself runs on real time).
    pub async fn start() -> TestBot {
        let clock = Arc::new(ManualClock::new(start_time()));
        TestBot::start_with(Some(clock), None).await
    }

    /// A bot on a manual clock with a study group's own pack laid over the banks (as
    /// `CERTSPRINT_QUESTIONS` does).
    pub async fn start_with_pack(pack: &str) -> TestBot {
        let clock = Arc::new(ManualClock::new(start_time()));
        TestBot::start_with(Some(clock), Some(pack)).await
    }

    /// A bot on the real clock.
    pub async fn start_real_time() -> TestBot {
        TestBot::start_with(None, None).await
    }

    /// A bot on a manual clock that serves /healthz and /metrics on a free loopback port, as
    /// `CERTSPRINT_METRICS_ADDR=127.0.0.1:0` would.
    pub async fn start_with_metrics() -> TestBot {
        let clock = Arc::new(ManualClock::new(start_time()));
        TestBot::start_opts(Some(clock), None, true).await
    }

    async fn start_with(clock: Option<Arc<ManualClock>>, pack: Option<&str>) -> TestBot {
        TestBot::start_opts(clock, pack, false).await
    }

    async fn start_opts(
        clock: Option<Arc<ManualClock>>,
        pack: Option<&str>,
        with_ops: bool,
    ) -> TestBot {
        // RUST_LOG=certsprint=debug,serenity=info shows the bot's logs for a failing test.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let fake = FakeDiscord::start().await;
        fake.add_guild(world());
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let url = format!("sqlite:{}", dir.path().join("bot.db").display());
        let pack = pack.map(fixture_dir);
        let (engine, store) = engine(&url, clock.clone(), pack.as_deref()).await;
        let mut bot = TestBot {
            pack,
            fake,
            engine,
            store,
            clock,
            url,
            _dir: dir,
            task: None,
            stop: None,
            launches: 0,
            ops: None,
            with_ops,
        };
        bot.launch().await;
        bot
    }

    async fn launch(&mut self) {
        let (stop, stopped) = oneshot::channel::<()>();
        self.launches += 1;
        let gateway = GatewayStatus::default();
        if self.with_ops {
            let health = Health {
                engine: self.engine.clone(),
                gateway: gateway.clone(),
            };
            let addr = "127.0.0.1:0".parse().unwrap();
            self.ops = Some(OpsServer::start(addr, health).await.unwrap());
        }
        let settings = Settings {
            token: Token::parse(Some(&self.token())).unwrap(),
            api_url: Some(self.fake.base_url()),
            dev_guild: None,
            shards: None,
            gateway,
        };
        let engine = self.engine.clone();
        self.task = Some(tokio::spawn(run_until(engine, settings, async {
            let _ = stopped.await;
        })));
        self.stop = Some(stop);
        assert!(
            self.fake.wait_for_ready(WAIT).await,
            "the bot did not connect"
        );
        assert!(
            !self.fake.wait_for_commands(WAIT).await.is_empty(),
            "the bot did not register commands"
        );
        // poise answers only after its setup finished; give it a moment past registration.
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }

    /// Kills the bot without a graceful shutdown (as a crash would), then starts a new one on
    /// the same database.
    pub async fn kill_and_restart(&mut self) {
        self.kill_and_restart_with(|_| async {}).await;
    }

    /// Kills the bot, lets `tamper` change the database as a crash at a chosen moment would
    /// have left it, then starts a new bot on it.
    pub async fn kill_and_restart_with<F, Fut>(&mut self, tamper: F)
    where
        F: FnOnce(sqlx::SqlitePool) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
        self.fake.revoke_token(&self.token()).await;
        self.store.close().await;
        let pool = sqlx::SqlitePool::connect(&self.url).await.unwrap();
        tamper(pool.clone()).await;
        pool.close().await;
        (self.engine, self.store) =
            engine(&self.url, self.clock.clone(), self.pack.as_deref()).await;
        self.launch().await;
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let result = tokio::time::timeout(StdDuration::from_secs(20), task)
                .await
                .expect("graceful shutdown in time")
                .unwrap();
            result.expect("the bot ran without error");
        }
        let violations = self.fake.schema_violations();
        assert!(
            violations.is_empty(),
            "requests that break Discord's OpenAPI description:\n{}",
            violations.join("\n")
        );
    }

    /// A distinct token per launch, so a killed instance can be locked out.
    fn token(&self) -> String {
        format!(
            "MTAwMDAwMDAwMDAwMDAwMDAx.fake.test-token-launch-{}",
            self.launches
        )
    }

    /// Where the bot serves /healthz and /metrics (`start_with_metrics` only).
    pub fn metrics_addr(&self) -> std::net::SocketAddr {
        self.ops
            .as_ref()
            .expect("a bot started with metrics")
            .local_addr()
    }

    pub fn manual_clock(&self) -> &ManualClock {
        self.clock.as_deref().expect("a manual clock")
    }

    pub async fn slash(&self, user: u64, command: &str, options: Value) -> Value {
        self.slash_in(STUDY, user, command, options).await
    }

    pub async fn slash_in(&self, channel: u64, user: u64, command: &str, options: Value) -> Value {
        let interaction = self
            .fake
            .slash(GUILD, channel, user, command, options)
            .await;
        self.reply(&interaction).await
    }

    /// The interaction's visible reply: its response message, or the first followup after a defer.
    pub async fn reply(&self, interaction: &Interaction) -> Value {
        let response = self
            .fake
            .response(interaction, WAIT)
            .await
            .expect("the bot answered the interaction");
        let kind = response["type"].as_u64().unwrap();
        if kind == 5 {
            wait_for(|| !self.fake.followups(interaction).is_empty()).await;
            return self.fake.followups(interaction).remove(0);
        }
        response["data"].clone()
    }

    pub async fn click(&self, user: u64, message_id: u64, custom_id: &str) -> Value {
        self.click_in(GUILD, STUDY, user, message_id, custom_id)
            .await
    }

    /// A click in another guild or channel.
    pub async fn click_in(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        message_id: u64,
        custom_id: &str,
    ) -> Value {
        let interaction = self
            .fake
            .click(guild, channel, user, message_id, custom_id)
            .await;
        self.fake
            .response(&interaction, WAIT)
            .await
            .expect("the bot answered the click")
    }

    pub async fn select(
        &self,
        user: u64,
        message_id: u64,
        custom_id: &str,
        values: &[&str],
    ) -> Value {
        self.select_in(GUILD, STUDY, user, message_id, custom_id, values)
            .await
    }

    /// A select in another guild or channel.
    pub async fn select_in(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        message_id: u64,
        custom_id: &str,
        values: &[&str],
    ) -> Value {
        let interaction = self
            .fake
            .select(guild, channel, user, message_id, custom_id, values)
            .await;
        self.fake
            .response(&interaction, WAIT)
            .await
            .expect("the bot answered the select")
    }

    /// Posts a question in STUDY with /daily now and returns the channel message.
    pub async fn post_now(&self) -> Value {
        let before = self.fake.channel_messages(STUDY).len();
        let reply = self.slash(ADMIN, "daily now", json!({})).await;
        assert!(text(&reply).contains("Posted in"), "{reply}");
        let messages = self.fake.channel_messages(STUDY);
        assert_eq!(messages.len(), before + 1);
        messages.last().unwrap().clone()
    }

    /// Answers a posted question as `user`, right or wrong, through whatever components its kind
    /// uses (buttons, a select, or the step-by-step picker). Returns the final response.
    pub async fn answer(&self, user: u64, message: &Value, correct: bool) -> Value {
        self.answer_in(GUILD, STUDY, user, message, correct).await
    }

    /// `answer` for a question posted in another guild or channel.
    pub async fn answer_in(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        message: &Value,
        correct: bool,
    ) -> Value {
        let post_id = post_id_of(message);
        let post = self.store.post(guild, post_id).await.unwrap().unwrap();
        let question = self
            .engine
            .bank
            .question(&post.question_id)
            .unwrap()
            .clone();
        answer_question(
            &self.fake, &question, guild, channel, user, message, correct,
        )
        .await
    }

    /// The post id and correct letters of a posted question, read from the database.
    pub async fn key_of(&self, message: &Value) -> (i64, String) {
        let post_id = post_id_of(message);
        let post = self.store.post(GUILD, post_id).await.unwrap().unwrap();
        let question = self.engine.bank.question(&post.question_id).unwrap();
        (post_id, question.key.letters())
    }
}

fn fixture_dir(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

async fn engine(
    url: &str,
    clock: Option<Arc<ManualClock>>,
    pack: Option<&std::path::Path>,
) -> (Engine, Store) {
    let store = Store::open(url).await.unwrap();
    // The shipped blueprints with synthetic fixture items: end-to-end tests exercise every item
    // kind without depending on the study content.
    let blueprints: Vec<BankFile> = bank::source::embedded_files()
        .into_iter()
        .filter(BankFile::is_blueprint)
        .collect();
    let fixtures = bank::source::read_dir(&fixture_dir("e2e-bank")).unwrap();
    let mut files = bank::source::layer(blueprints, fixtures);
    if let Some(pack) = pack {
        files = bank::source::layer(files, bank::source::read_dir(pack).unwrap());
    }
    let loaded = bank::load(&files);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let clock: Arc<dyn Clock> = match clock {
        Some(clock) => clock,
        None => Arc::new(SystemClock),
    };
    let engine = Engine::new(
        store.clone(),
        Arc::new(loaded.bank),
        clock,
        Arc::new(RandomSource::seeded(11)),
    );
    (engine, store)
}

/// The custom_id of an answer button, as the bot encodes it.
pub fn answer_id(post: i64, letters: &str) -> String {
    Action::Answer {
        post,
        letters: letters.to_string(),
    }
    .encode()
}

/// Answers a posted question as `user`, right or wrong, through whatever components its kind
/// uses (buttons, a select, or the step-by-step picker); for any bot, in any process, that
/// serves the guild. Returns the final response.
pub async fn answer_question(
    fake: &FakeDiscord,
    question: &Question,
    guild: u64,
    channel: u64,
    user: u64,
    message: &Value,
    correct: bool,
) -> Value {
    let post_id = post_id_of(message);
    let key = question.key.letters();
    let letters = if correct {
        key.clone()
    } else {
        wrong_answer(question)
    };
    let id = message_id(message);
    match question.kind {
        Kind::Single => {
            click_on(
                fake,
                guild,
                channel,
                user,
                id,
                &answer_id(post_id, &letters),
            )
            .await
        }
        Kind::Multiple => {
            let values: Vec<String> = letters.chars().map(String::from).collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            select_on(
                fake,
                guild,
                channel,
                user,
                id,
                &Action::Select { post: post_id }.encode(),
                &values,
            )
            .await
        }
        Kind::Ordering | Kind::Matching => {
            let opened = fake
                .click(
                    guild,
                    channel,
                    user,
                    id,
                    &Action::OpenPicker { post: post_id }.encode(),
                )
                .await;
            let response = fake
                .response(&opened, WAIT)
                .await
                .expect("the picker opened");
            assert_eq!(
                response["type"], 4,
                "the picker is a new private message: {response}"
            );
            let picker = fake.original(&opened).expect("the picker message");
            let picker_id = message_id(&picker);
            let mut so_far = String::new();
            for letter in letters.chars() {
                let step = select_on(
                    fake,
                    guild,
                    channel,
                    user,
                    picker_id,
                    &Action::Pick {
                        post: post_id,
                        so_far: so_far.clone(),
                    }
                    .encode(),
                    &[&letter.to_string()],
                )
                .await;
                assert_eq!(step["type"], 7, "each pick updates the picker: {step}");
                so_far.push(letter);
            }
            click_on(
                fake,
                guild,
                channel,
                user,
                picker_id,
                &answer_id(post_id, &so_far),
            )
            .await
        }
    }
}

/// A click, and the bot's response to it.
pub async fn click_on(
    fake: &FakeDiscord,
    guild: u64,
    channel: u64,
    user: u64,
    message_id: u64,
    custom_id: &str,
) -> Value {
    let interaction = fake
        .click(guild, channel, user, message_id, custom_id)
        .await;
    fake.response(&interaction, WAIT)
        .await
        .expect("the bot answered the click")
}

/// A select, and the bot's response to it.
pub async fn select_on(
    fake: &FakeDiscord,
    guild: u64,
    channel: u64,
    user: u64,
    message_id: u64,
    custom_id: &str,
    values: &[&str],
) -> Value {
    let interaction = fake
        .select(guild, channel, user, message_id, custom_id, values)
        .await;
    fake.response(&interaction, WAIT)
        .await
        .expect("the bot answered the select")
}

/// The custom_id of a lobby button.
pub fn lobby_id(sprint: i64, step: LobbyStep) -> String {
    Action::Lobby { sprint, step }.encode()
}

/// Every custom_id on a message.
pub fn custom_ids(message: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    for row in message["components"].as_array().into_iter().flatten() {
        for component in row["components"].as_array().into_iter().flatten() {
            if let Some(id) = component["custom_id"].as_str() {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

pub fn post_id_of(message: &Value) -> i64 {
    custom_ids(message)
        .iter()
        .find_map(|id| Action::decode(id)?.post())
        .expect("a question message carries its post id")
}

pub fn message_id(message: &Value) -> u64 {
    message["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("message id")
}

/// Content plus every embed's title, description and field text, for assertions.
pub fn text(message: &Value) -> String {
    let mut text = message["content"].as_str().unwrap_or_default().to_string();
    for embed in message["embeds"].as_array().into_iter().flatten() {
        for key in ["title", "description"] {
            text.push('\n');
            text.push_str(embed[key].as_str().unwrap_or_default());
        }
        for field in embed["fields"].as_array().into_iter().flatten() {
            text.push('\n');
            text.push_str(field["name"].as_str().unwrap_or_default());
            text.push_str(": ");
            text.push_str(field["value"].as_str().unwrap_or_default());
        }
        text.push('\n');
        text.push_str(embed["footer"]["text"].as_str().unwrap_or_default());
    }
    text
}

pub fn is_ephemeral(data: &Value) -> bool {
    data["flags"].as_u64().unwrap_or(0) & 64 != 0
}

/// A wrong answer of the right shape.
pub fn wrong_answer(question: &Question) -> String {
    let key = &question.key.0;
    let wrong: Vec<u8> = match question.kind {
        Kind::Single => vec![(key[0] + 1) % question.options.len() as u8],
        Kind::Multiple => (0..question.options.len() as u8)
            .filter(|i| !key.contains(i))
            .take(key.len())
            .collect(),
        Kind::Ordering => key.iter().rev().copied().collect(),
        Kind::Matching => key
            .iter()
            .map(|&k| (k + 1) % question.options.len() as u8)
            .collect(),
    };
    certsprint::bank::letters(&wrong)
}

pub fn member_name(user: u64) -> String {
    if user == EVERYONE_NAMED {
        "@everyone".into()
    } else if user == ADMIN {
        "mod".into()
    } else {
        format!("player{}", user - PLAYER)
    }
}
