//! A Discord-compatible server on 127.0.0.1 (REST under `/api/v10` and the gateway on one
//! port) for end-to-end tests: the real serenity/poise client runs against it unmodified, with
//! `HttpBuilder::new(token).proxy(fake.base_url()).ratelimiter_disabled(true)`.
//!
//! Tests act as members (`slash`, `click`, `select`, `autocomplete`) and read what Discord
//! would hold afterwards (messages with edits applied, interaction responses, followups), every
//! request made (`requests`) and every body that breaks Discord's OpenAPI description or
//! documented limits (`schema_violations`).
#![allow(dead_code)]

mod callbacks;
mod channels;
mod gateway;
mod interactions;
mod limits;
mod messages;
mod objects;
mod options;
mod rest;
mod routes;
mod schema;
mod spec;
mod state;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;
use tokio::time::Instant;

pub use spec::{
    ChannelSpec, GuildSpec, MemberSpec, RoleSpec, ADMINISTRATOR, ALL_PERMISSIONS, BOT_PERMISSIONS,
    DEFAULT_OWNER_ID, EVERYONE_PERMISSIONS, MANAGE_GUILD, SEND_MESSAGES, VIEW_CHANNEL,
};
pub use state::RecordedRequest;

use state::{Outgoing, State};

/// The bot's user id (what the test token's first part encodes).
pub const BOT_USER_ID: u64 = 100_000_000_000_000_001;
/// The application id (as for any modern bot, the same as its user id).
pub const APPLICATION_ID: u64 = BOT_USER_ID;

/// An interaction the fake sent to the bot.
#[derive(Clone, Debug)]
pub struct Interaction {
    pub id: u64,
    pub token: String,
    pub user: u64,
}

pub struct FakeDiscord {
    state: Mutex<State>,
    changed: watch::Sender<u64>,
    port: u16,
}

impl FakeDiscord {
    /// Starts the server on 127.0.0.1 (a free port) in the current tokio runtime.
    pub async fn start() -> Arc<FakeDiscord> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("a local address").port();
        let state = State {
            gateway_url: format!("ws://127.0.0.1:{port}/gateway"),
            ..State::default()
        };
        let fake = Arc::new(FakeDiscord {
            state: Mutex::new(state),
            changed: watch::channel(0).0,
            port,
        });
        let app = axum::Router::new()
            .route("/gateway", axum::routing::get(gateway::upgrade))
            .fallback(rest::handle)
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        fake
    }

    /// `http://127.0.0.1:PORT`, what the bot gets as its API base URL.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the state and wakes everything waiting for a change.
    pub(crate) fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let result = f(&mut self.lock());
        self.changed.send_modify(|n| *n += 1);
        result
    }

    fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.lock())
    }

    /// Waits until `f` returns something, or `timeout` passes.
    async fn wait_until<R>(&self, timeout: Duration, mut f: impl FnMut(&State) -> Option<R>) -> Option<R> {
        let deadline = Instant::now() + timeout;
        let mut changes = self.changed.subscribe();
        loop {
            changes.borrow_and_update();
            if let Some(found) = self.read(&mut f) {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, changes.changed()).await.is_err() {
                return None;
            }
        }
    }

    /// Adds a guild; if the bot is connected it gets a GUILD_CREATE (as when it joins one).
    pub fn add_guild(&self, guild: GuildSpec) {
        self.with_state(|s| {
            let create = s.guild_create(&guild);
            s.guilds.insert(guild.id, guild);
            if !s.sessions.is_empty() {
                s.dispatch("GUILD_CREATE", create);
            }
        });
    }

    /// Deletes a channel: the bot gets CHANNEL_DELETE and later REST on it answers 404
    /// `{"code":10003,"message":"Unknown Channel"}`.
    pub fn delete_channel(&self, channel: u64) {
        self.with_state(|s| {
            let object = s.channel_json(channel);
            s.deleted.insert(channel);
            if let Some(object) = object.filter(|o| o["type"] == 0) {
                s.dispatch("CHANNEL_DELETE", object);
            }
        });
    }

    /// Takes the bot's access to a channel: later REST on it answers 403
    /// `{"code":50013,"message":"Missing Permissions"}`. No gateway event is sent, so the
    /// bot's cache still thinks it may post there (as with a permission change it missed).
    pub fn deny_channel(&self, channel: u64) {
        self.with_state(|s| {
            s.denied.insert(channel);
        });
    }

    /// Waits until a live gateway connection identified (or resumed) and got READY and its
    /// GUILD_CREATEs.
    pub async fn wait_for_ready(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, |s| s.has_ready_connection().then_some(()))
            .await
            .is_some()
    }

    /// Live gateway sockets.
    pub fn gateway_connections(&self) -> usize {
        self.read(|s| s.conns.len())
    }

    /// Closes every gateway socket with 4000 (the client resumes) and waits until they are gone.
    pub async fn drop_gateway_connections(&self) {
        let closing: Vec<u64> = self.with_state(|s| {
            for conn in s.conns.values() {
                let _ = conn.tx.send(Outgoing::Close(4000));
            }
            s.conns.keys().copied().collect()
        });
        self.wait_until(Duration::from_secs(5), |s| {
            closing.iter().all(|c| !s.conns.contains_key(c)).then_some(())
        })
        .await;
    }

    /// The last command list the bot PUT (global or guild), waiting for one.
    pub async fn wait_for_commands(&self, timeout: Duration) -> Vec<Value> {
        self.wait_until(timeout, |s| s.last_commands.clone())
            .await
            .unwrap_or_default()
    }

    /// The bot's callback body (`{type, data}`) for an interaction, waiting for it.
    pub async fn response(&self, interaction: &Interaction, timeout: Duration) -> Option<Value> {
        self.wait_until(timeout, |s| s.interactions.get(&interaction.id)?.callback.clone())
            .await
    }

    /// From dispatching the interaction to receiving its callback.
    pub fn response_latency(&self, interaction: &Interaction) -> Option<Duration> {
        self.read(|s| {
            let record = s.interactions.get(&interaction.id)?;
            Some(record.callback_at?.duration_since(record.dispatched_at?))
        })
    }

    /// The bodies the bot POSTed as followups, in order.
    pub fn followups(&self, interaction: &Interaction) -> Vec<Value> {
        self.read(|s| {
            s.interactions
                .get(&interaction.id)
                .map(|r| r.followups.clone())
                .unwrap_or_default()
        })
    }

    /// The message `@original` refers to, as currently edited: the response message (type 4
    /// or 5), or for a component answered with 6/7 the message the component was on.
    pub fn original(&self, interaction: &Interaction) -> Option<Value> {
        self.read(|s| {
            let id = s.interactions.get(&interaction.id)?.original?;
            s.messages.get(&id).cloned()
        })
    }

    /// A channel's messages as its members see them (edits applied, no ephemeral ones),
    /// oldest first.
    pub fn channel_messages(&self, channel: u64) -> Vec<Value> {
        self.read(|s| s.channel_messages(channel))
    }

    /// Waits for a message in `channel` matching `pred` (the oldest such).
    pub async fn wait_for_message(
        &self,
        channel: u64,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        self.wait_until(timeout, |s| s.channel_messages(channel).into_iter().find(|m| pred(m)))
            .await
    }

    /// Any message by id: channel message, interaction response, followup or DM.
    pub fn message(&self, message_id: u64) -> Option<Value> {
        self.read(|s| s.messages.get(&message_id).cloned())
    }

    /// The messages the bot sent to a user's DM channel, oldest first.
    pub fn dm_messages(&self, user: u64) -> Vec<Value> {
        self.read(|s| {
            s.dm_channels
                .get(&user)
                .map(|c| s.channel_messages(*c))
                .unwrap_or_default()
        })
    }

    /// The id of a user's DM channel, once the bot opened it.
    pub fn dm_channel(&self, user: u64) -> Option<u64> {
        self.read(|s| s.dm_channels.get(&user).copied())
    }

    /// Every REST request so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.read(|s| s.requests.clone())
    }

    /// "METHOD /path: error" for each body that breaks Discord's OpenAPI description or a
    /// documented limit it does not encode.
    pub fn schema_violations(&self) -> Vec<String> {
        self.read(|s| s.violations.clone())
    }

    /// "METHOD /full/path" of requests to routes the fake does not know (answered 404).
    pub fn unknown_routes(&self) -> Vec<String> {
        self.read(|s| s.unknown_routes.clone())
    }

    /// Every dispatch sent over the gateway, as `{"t": name, "d": payload}`.
    pub fn dispatched_events(&self) -> Vec<Value> {
        self.read(|s| s.dispatched.clone())
    }

    /// The next `times` requests with this method whose path starts with `path_prefix`
    /// (without /api/v10) fail with `status` (429 as Discord sends it, with retry_after 0.05).
    pub fn fail_next(&self, method: &str, path_prefix: &str, status: u16, times: usize) {
        self.with_state(|s| {
            s.failures.push(state::FailRule {
                method: method.to_string(),
                prefix: path_prefix.to_string(),
                status,
                remaining: times,
            })
        });
    }
}
