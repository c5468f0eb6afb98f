//! A Discord-compatible server for end-to-end tests: REST under /api/v10 and a gateway on
//! ws://127.0.0.1, enough of both for the real serenity and poise to run unmodified. Tests build
//! a world (guilds, channels, roles, members), act as members (slash commands built from the
//! registered command tree, button clicks, selects) and read what the bot sent. Every JSON body
//! the bot sends is validated against Discord's OpenAPI description.
#![allow(dead_code)]

mod gateway;
mod limits;
mod multipart;
mod payloads;
mod rest;
mod schema;
mod world;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::{broadcast, Notify};

#[allow(unused_imports)]
pub use multipart::UploadedFile;
#[allow(unused_imports)]
pub use world::{ChannelSpec, GuildSpec, MemberSpec, RoleSpec};

pub const BOT_USER_ID: u64 = 900_000_000_000_000_001;
pub const APPLICATION_ID: u64 = 900_000_000_000_000_002;

#[derive(Debug, Clone)]
pub struct Interaction {
    pub id: u64,
    pub token: String,
    pub user: u64,
}

#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Without the /api/v10 prefix.
    pub path: String,
    pub query: String,
    pub body: Option<Value>,
    /// Files sent as multipart/form-data beside the JSON body.
    pub files: Vec<UploadedFile>,
    pub status: u16,
}

/// What the bot did with one interaction.
#[derive(Default)]
struct InteractionState {
    token: String,
    user: u64,
    guild: u64,
    channel: u64,
    /// The message a component interaction was on.
    source_message: Option<u64>,
    dispatched: Option<Instant>,
    responded: Option<Instant>,
    response: Option<Value>,
    original: Option<u64>,
    followups: Vec<Value>,
}

struct Fault {
    method: String,
    prefix: String,
    status: u16,
    left: usize,
}

/// Holds matching requests for a while before answering them (a slow Discord).
struct Delay {
    method: String,
    prefix: String,
    hold: Duration,
    left: usize,
}

#[derive(Default)]
struct State {
    guilds: Vec<GuildSpec>,
    deleted: Vec<u64>,
    denied: Vec<u64>,
    commands: Vec<Value>,
    /// Every message by id (channel, interaction response, followup, DM), edits applied.
    messages: Vec<(u64, Value)>,
    interactions: Vec<(u64, InteractionState)>,
    requests: Vec<RecordedRequest>,
    faults: Vec<Fault>,
    delays: Vec<Delay>,
    violations: Vec<String>,
    dm_channels: Vec<(u64, u64)>,
    /// Users who closed their DMs: messages to their DM channel get 403, code 50007.
    closed_dms: Vec<u64>,
    /// Tokens of killed bots: refused by REST and the gateway.
    revoked: Vec<String>,
    /// `(shard, total)` of every open gateway session that identified with a shard.
    live_shards: Vec<(u64, u64)>,
    /// Enforced nonces: (channel, nonce) -> message id.
    nonces: Vec<((u64, String), u64)>,
}

pub struct FakeDiscord {
    addr: std::net::SocketAddr,
    state: Mutex<State>,
    ids: AtomicU64,
    events: broadcast::Sender<gateway::Outbound>,
    ready: Notify,
    ready_count: AtomicU64,
    connections: AtomicU64,
    /// While set, gateway connections are refused (as during a Discord outage).
    gateway_down: std::sync::atomic::AtomicBool,
    changed: Notify,
}

impl FakeDiscord {
    pub async fn start() -> Arc<FakeDiscord> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (events, _) = broadcast::channel(1024);
        let fake = Arc::new(FakeDiscord {
            addr,
            state: Mutex::new(State::default()),
            ids: AtomicU64::new(950_000_000_000_000_000),
            events,
            ready: Notify::new(),
            ready_count: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            gateway_down: std::sync::atomic::AtomicBool::new(false),
            changed: Notify::new(),
        });
        let app = axum::Router::new()
            .route("/gateway", axum::routing::get(gateway::upgrade))
            .fallback(rest::handle)
            .with_state(fake.clone());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        fake
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn gateway_url(&self) -> String {
        format!("ws://{}/gateway", self.addr)
    }

    fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::SeqCst)
    }

    fn touch(&self) {
        self.changed.notify_waiters();
    }

    // --- the world ---

    pub fn add_guild(&self, guild: GuildSpec) {
        let payload = payloads::guild_create(&guild);
        let guild_id = guild.id;
        self.state.lock().unwrap().guilds.push(guild);
        if self.ready_count.load(Ordering::SeqCst) > 0 {
            self.dispatch("GUILD_CREATE", payload, guild_id);
        }
    }

    /// The channel is gone, as if deleted while the bot was not connected (no event).
    pub fn delete_channel(&self, channel: u64) {
        self.state.lock().unwrap().deleted.push(channel);
    }

    /// An admin deletes the channel: it is gone, and the guild's shard hears CHANNEL_DELETE.
    pub fn delete_channel_live(&self, guild: u64, channel: u64) {
        let name = {
            let mut state = self.state.lock().unwrap();
            state.deleted.push(channel);
            state
                .guilds
                .iter()
                .find(|g| g.id == guild)
                .and_then(|g| g.channels.iter().find(|c| c.id == channel))
                .map(|c| c.name.clone())
                .expect("a channel of a known guild")
        };
        self.dispatch(
            "CHANNEL_DELETE",
            payloads::channel(guild, channel, &name),
            guild,
        );
    }

    pub fn deny_channel(&self, channel: u64) {
        self.state.lock().unwrap().denied.push(channel);
    }

    /// The user closes their DMs to the bot (Discord then answers 50007 to every DM).
    pub fn close_dms(&self, user: u64) {
        self.state.lock().unwrap().closed_dms.push(user);
    }

    // --- the gateway ---

    pub async fn wait_for_ready(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.ready.notified();
            if self.ready_count.load(Ordering::SeqCst) > 0
                && self.connections.load(Ordering::SeqCst) > 0
            {
                return true;
            }
            if tokio::time::timeout_at(deadline.into(), notified)
                .await
                .is_err()
            {
                return false;
            }
        }
    }

    /// The shards with an open, identified gateway session: `(shard, total)`, once per session.
    pub fn live_shards(&self) -> Vec<(u64, u64)> {
        self.state.lock().unwrap().live_shards.clone()
    }

    pub fn gateway_connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst) as usize
    }

    /// Refuses a token from now on: its gateway sessions close with 4004 (which serenity does not
    /// retry) and its REST calls get 401. A test "kills" a bot this way, because a dropped
    /// client's shard tasks would otherwise live on inside the test process.
    pub async fn revoke_token(&self, token: &str) {
        self.state.lock().unwrap().revoked.push(token.to_string());
        let _ = self
            .events
            .send(gateway::Outbound::Revoke(token.to_string()));
        for _ in 0..100 {
            if self.connections.load(Ordering::SeqCst) == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.ready_count.store(0, Ordering::SeqCst);
    }

    pub async fn drop_gateway_connections(&self) {
        let _ = self.events.send(gateway::Outbound::Close);
        for _ in 0..100 {
            if self.connections.load(Ordering::SeqCst) == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.ready_count.store(0, Ordering::SeqCst);
    }

    /// A gateway outage: open sessions close and new connections are refused until
    /// `restore_gateway`.
    pub async fn take_gateway_down(&self) {
        self.gateway_down.store(true, Ordering::SeqCst);
        self.drop_gateway_connections().await;
    }

    pub fn restore_gateway(&self) {
        self.gateway_down.store(false, Ordering::SeqCst);
    }

    /// Sends an event about `guild` to the sessions whose shard holds it.
    fn dispatch(&self, event: &str, data: Value, guild: u64) {
        let _ = self
            .events
            .send(gateway::Outbound::Dispatch(event.to_string(), data, guild));
    }

    // --- commands and interactions ---

    pub async fn wait_for_commands(&self, timeout: Duration) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.changed.notified();
            let commands = self.state.lock().unwrap().commands.clone();
            if !commands.is_empty() {
                return commands;
            }
            if tokio::time::timeout_at(deadline.into(), notified)
                .await
                .is_err()
            {
                return Vec::new();
            }
        }
    }

    fn new_interaction(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        source_message: Option<u64>,
    ) -> Interaction {
        let id = self.next_id();
        let token = format!("token-{id}");
        let state = InteractionState {
            token: token.clone(),
            user,
            guild,
            channel,
            source_message,
            dispatched: Some(Instant::now()),
            ..Default::default()
        };
        self.state.lock().unwrap().interactions.push((id, state));
        Interaction { id, token, user }
    }

    pub async fn slash(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        command: &str,
        options: Value,
    ) -> Interaction {
        self.command_interaction(guild, channel, user, command, options, None)
    }

    pub async fn autocomplete(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        command: &str,
        options: Value,
        focused: &str,
    ) -> Interaction {
        self.command_interaction(guild, channel, user, command, options, Some(focused))
    }

    fn command_interaction(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        command: &str,
        options: Value,
        focused: Option<&str>,
    ) -> Interaction {
        let interaction = self.new_interaction(guild, channel, user, None);
        let state = self.state.lock().unwrap();
        let guild_spec = state
            .guilds
            .iter()
            .find(|g| g.id == guild)
            .expect("unknown guild")
            .clone();
        let data = payloads::command_data(&state.commands, &guild_spec, command, &options, focused);
        drop(state);
        let kind = if focused.is_some() { 4 } else { 2 };
        let payload = payloads::interaction(&interaction, kind, &guild_spec, channel, data, None);
        self.dispatch("INTERACTION_CREATE", payload, guild);
        interaction
    }

    pub async fn click(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        message_id: u64,
        custom_id: &str,
    ) -> Interaction {
        self.component(
            guild,
            channel,
            user,
            message_id,
            json!({"custom_id": custom_id, "component_type": 2}),
        )
    }

    pub async fn select(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        message_id: u64,
        custom_id: &str,
        values: &[&str],
    ) -> Interaction {
        self.component(
            guild,
            channel,
            user,
            message_id,
            json!({"custom_id": custom_id, "component_type": 3, "values": values}),
        )
    }

    fn component(
        &self,
        guild: u64,
        channel: u64,
        user: u64,
        message_id: u64,
        data: Value,
    ) -> Interaction {
        let message = self
            .message(message_id)
            .unwrap_or_else(|| panic!("no message {message_id}"));
        let channel = message["channel_id"]
            .as_str()
            .and_then(|c| c.parse().ok())
            .unwrap_or(channel);
        let interaction = self.new_interaction(guild, channel, user, Some(message_id));
        let guild_spec = self
            .state
            .lock()
            .unwrap()
            .guilds
            .iter()
            .find(|g| g.id == guild)
            .expect("unknown guild")
            .clone();
        let payload = payloads::interaction(
            &interaction,
            3,
            &guild_spec,
            channel,
            data,
            Some(payloads::normalized_message(&message)),
        );
        self.dispatch("INTERACTION_CREATE", payload, guild);
        interaction
    }

    pub async fn response(&self, interaction: &Interaction, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.changed.notified();
            if let Some(response) = self
                .with_interaction(interaction.id, |i| i.response.clone())
                .flatten()
            {
                return Some(response);
            }
            if tokio::time::timeout_at(deadline.into(), notified)
                .await
                .is_err()
            {
                return None;
            }
        }
    }

    pub fn response_latency(&self, interaction: &Interaction) -> Option<Duration> {
        self.with_interaction(interaction.id, |i| Some(i.responded? - i.dispatched?))
            .flatten()
    }

    pub fn followups(&self, interaction: &Interaction) -> Vec<Value> {
        self.with_interaction(interaction.id, |i| i.followups.clone())
            .unwrap_or_default()
    }

    pub fn original(&self, interaction: &Interaction) -> Option<Value> {
        let id = self
            .with_interaction(interaction.id, |i| i.original.or(i.source_message))
            .flatten()?;
        self.message(id)
    }

    fn with_interaction<T>(&self, id: u64, read: impl FnOnce(&InteractionState) -> T) -> Option<T> {
        let state = self.state.lock().unwrap();
        state
            .interactions
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, s)| read(s))
    }

    // --- messages ---

    pub fn channel_messages(&self, channel: u64) -> Vec<Value> {
        let key = channel.to_string();
        let state = self.state.lock().unwrap();
        state
            .messages
            .iter()
            .filter(|(_, m)| {
                m["channel_id"] == key.as_str()
                    && m["flags"].as_u64().unwrap_or(0) & 64 == 0
                    && m.get("interaction_response").is_none()
            })
            .map(|(_, m)| m.clone())
            .collect()
    }

    pub async fn wait_for_message(
        &self,
        channel: u64,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.changed.notified();
            if let Some(found) = self.channel_messages(channel).into_iter().find(|m| pred(m)) {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline.into(), notified)
                .await
                .is_err()
            {
                return None;
            }
        }
    }

    pub fn message(&self, id: u64) -> Option<Value> {
        let state = self.state.lock().unwrap();
        state
            .messages
            .iter()
            .find(|(m, _)| *m == id)
            .map(|(_, m)| m.clone())
    }

    pub fn dm_messages(&self, user: u64) -> Vec<Value> {
        let state = self.state.lock().unwrap();
        let Some(&(_, channel)) = state.dm_channels.iter().find(|(u, _)| *u == user) else {
            return Vec::new();
        };
        let key = channel.to_string();
        state
            .messages
            .iter()
            .filter(|(_, m)| m["channel_id"] == key.as_str())
            .map(|(_, m)| m.clone())
            .collect()
    }

    // --- requests and faults ---

    /// The files the bot sent with its response to an interaction and with its followups.
    pub fn attachments(&self, interaction: &Interaction) -> Vec<UploadedFile> {
        self.requests()
            .into_iter()
            .filter(|r| {
                r.method == "POST" && r.path.split('/').any(|part| part == interaction.token)
            })
            .flat_map(|r| r.files)
            .collect()
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn schema_violations(&self) -> Vec<String> {
        self.state.lock().unwrap().violations.clone()
    }

    /// The next `times` requests matching method and path prefix wait `hold` before they are
    /// handled (and recorded).
    pub fn delay_next(&self, method: &str, path_prefix: &str, hold: Duration, times: usize) {
        self.state.lock().unwrap().delays.push(Delay {
            method: method.to_string(),
            prefix: path_prefix.to_string(),
            hold,
            left: times,
        });
    }

    /// The hold for this request, if a delay matches it (and is used up by it).
    pub(crate) fn take_delay(&self, method: &str, path: &str) -> Option<Duration> {
        let mut state = self.state.lock().unwrap();
        let delay = state
            .delays
            .iter_mut()
            .find(|d| d.left > 0 && d.method == method && path.starts_with(&d.prefix))?;
        delay.left -= 1;
        Some(delay.hold)
    }

    /// Discord checks an enforced nonce only against "the past few minutes": this forgets
    /// every nonce seen so far, as the passing of those minutes would.
    pub fn forget_nonces(&self) {
        self.state.lock().unwrap().nonces.clear();
    }

    pub fn fail_next(&self, method: &str, path_prefix: &str, status: u16, times: usize) {
        self.state.lock().unwrap().faults.push(Fault {
            method: method.to_string(),
            prefix: path_prefix.to_string(),
            status,
            left: times,
        });
    }
}

/// Every kind of dispatch the fake sends, for the test that serenity parses them all.
pub fn payloads_for_tests() -> Vec<(&'static str, Value)> {
    let guild = GuildSpec::new(1, "g")
        .channel(2, "c")
        .role(3, "r", 32)
        .member(4, "m", vec![3]);
    let commands = vec![
        json!({"id": "9", "name": "daily", "type": 1, "options": [{"name": "setup", "type": 1, "options": [
        {"name": "channel", "type": 7}, {"name": "time", "type": 3}, {"name": "window", "type": 4}, {"name": "role", "type": 8}]}]}),
        json!({"id": "10", "name": "stats", "type": 1, "options": [{"name": "user", "type": 6}]}),
    ];
    let interaction = Interaction {
        id: 5,
        token: "t".into(),
        user: 4,
    };
    let slash = payloads::command_data(
        &commands,
        &guild,
        "daily setup",
        &json!({"channel": "2", "time": "09:00", "window": 3, "role": "3"}),
        None,
    );
    let user_option =
        payloads::command_data(&commands, &guild, "stats", &json!({"user": "4"}), None);
    let autocomplete = payloads::command_data(
        &commands,
        &guild,
        "daily setup",
        &json!({"time": "09"}),
        Some("time"),
    );
    let message = payloads::normalized_message(&payloads::message(
        7,
        2,
        Some(1),
        &json!({"content": "q", "components": [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "A", "custom_id": "ans:1:A"}]},
        {"type": 1, "components": [{"type": 3, "custom_id": "sel:1", "options": [{"label": "A", "value": "A"}], "min_values": 2, "max_values": 2}]}]}),
        0,
    ));
    vec![
        ("READY", payloads::ready("session-1", 0, 1)),
        ("GUILD_CREATE", payloads::guild_create(&guild)),
        (
            "INTERACTION_CREATE",
            payloads::interaction(&interaction, 2, &guild, 2, slash, None),
        ),
        (
            "INTERACTION_CREATE",
            payloads::interaction(&interaction, 2, &guild, 2, user_option, None),
        ),
        (
            "INTERACTION_CREATE",
            payloads::interaction(&interaction, 4, &guild, 2, autocomplete, None),
        ),
        (
            "INTERACTION_CREATE",
            payloads::interaction(
                &interaction,
                3,
                &guild,
                2,
                json!({"custom_id": "ans:1:A", "component_type": 2}),
                Some(message.clone()),
            ),
        ),
        (
            "INTERACTION_CREATE",
            payloads::interaction(
                &interaction,
                3,
                &guild,
                2,
                json!({"custom_id": "sel:1", "component_type": 3, "values": ["A", "B"]}),
                Some(message),
            ),
        ),
    ]
}

/// What the server would record as violations for one request body (schema and Discord limits).
pub fn body_violations(method: &str, path: &str, body: &Value) -> Vec<String> {
    let mut found: Vec<String> = schema::check(method, path, body).into_iter().collect();
    found.extend(limits::check(method, path, body));
    found
}
