//! Everything the fake Discord knows, behind one mutex: the world, messages, interactions,
//! registered commands, recorded requests and the gateway's connections and sessions.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::Instant;

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use super::objects::{self, DISCORD_EPOCH_MS};
use super::spec::{GuildSpec, MemberSpec};
use super::BOT_USER_ID;

/// One REST request as the fake received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Without the `/api/v10` prefix, e.g. `/channels/123/messages`.
    pub path: String,
    pub query: Option<String>,
    /// The JSON body, if the request had one.
    pub body: Option<Value>,
    /// The status the fake answered with.
    pub status: u16,
}

pub(crate) struct FailRule {
    pub method: String,
    pub prefix: String,
    pub status: u16,
    pub remaining: usize,
}

pub(crate) struct InteractionRecord {
    pub id: u64,
    pub token: String,
    pub user: u64,
    pub guild: Option<u64>,
    pub channel: u64,
    /// 2 command, 3 component, 4 autocomplete.
    pub kind: u8,
    /// The command path ("daily setup") or the custom_id.
    pub name: String,
    /// The message a component was on.
    pub source_message: Option<u64>,
    pub dispatched_at: Option<Instant>,
    pub callback: Option<Value>,
    pub callback_at: Option<Instant>,
    /// The message `@original` refers to.
    pub original: Option<u64>,
    pub followups: Vec<Value>,
    pub followup_ids: Vec<u64>,
}

pub(crate) enum Outgoing {
    Frame(String),
    Close(u16),
    /// Everything queued before it has been written: the connection is ready.
    MarkReady,
}

pub(crate) struct Conn {
    pub tx: UnboundedSender<Outgoing>,
    pub session: Option<String>,
    pub ready: bool,
}

pub(crate) struct Session {
    pub seq: u64,
    pub conn: Option<u64>,
    /// Recent dispatch frames by sequence number, replayed on RESUME.
    pub history: VecDeque<(u64, String)>,
}

pub(crate) const HISTORY_LIMIT: usize = 1000;

#[derive(Default)]
pub(crate) struct State {
    pub guilds: BTreeMap<u64, GuildSpec>,
    pub deleted: HashSet<u64>,
    pub denied: HashSet<u64>,
    /// user -> DM channel
    pub dm_channels: BTreeMap<u64, u64>,
    pub messages: BTreeMap<u64, Value>,
    pub interactions: HashMap<u64, InteractionRecord>,
    pub tokens: HashMap<String, u64>,
    pub global_commands: Vec<Value>,
    pub guild_commands: HashMap<u64, Vec<Value>>,
    pub command_ids: HashMap<(Option<u64>, String), u64>,
    pub last_commands: Option<Vec<Value>>,
    pub requests: Vec<RecordedRequest>,
    pub failures: Vec<FailRule>,
    pub violations: Vec<String>,
    pub unknown_routes: Vec<String>,
    pub conns: HashMap<u64, Conn>,
    pub sessions: HashMap<String, Session>,
    pub dispatched: Vec<Value>,
    pub gateway_url: String,
    last_id: u64,
    pub next_conn: u64,
}

impl State {
    /// A new snowflake, strictly above every earlier one and dated now.
    pub fn next_id(&mut self) -> u64 {
        let now = chrono::Utc::now().timestamp_millis() as u64;
        let id = ((now - DISCORD_EPOCH_MS) << 22).max(self.last_id + 1);
        self.last_id = id;
        id
    }

    pub fn guild_of_channel(&self, channel: u64) -> Option<&GuildSpec> {
        self.guilds
            .values()
            .find(|g| g.find_channel(channel).is_some())
    }

    pub fn dm_recipient(&self, channel: u64) -> Option<u64> {
        self.dm_channels
            .iter()
            .find(|(_, c)| **c == channel)
            .map(|(user, _)| *user)
    }

    pub fn channel_known(&self, channel: u64) -> bool {
        !self.deleted.contains(&channel)
            && (self.guild_of_channel(channel).is_some() || self.dm_recipient(channel).is_some())
    }

    pub fn member_spec(&self, user: u64) -> Option<&MemberSpec> {
        self.guilds.values().find_map(|g| g.find_member(user))
    }

    pub fn user_object(&self, user: u64) -> Option<Value> {
        if user == BOT_USER_ID {
            return Some(objects::bot_user());
        }
        self.member_spec(user).map(objects::user)
    }

    pub fn last_message_in(&self, channel: u64) -> Option<u64> {
        self.messages
            .values()
            .rev()
            .find(|m| m["channel_id"] == channel.to_string())
            .and_then(|m| m["id"].as_str()?.parse().ok())
    }

    /// The channel object GET /channels/{id} returns.
    pub fn channel_json(&self, channel: u64) -> Option<Value> {
        if self.deleted.contains(&channel) {
            return None;
        }
        if let Some(guild) = self.guild_of_channel(channel) {
            let (position, spec) = guild.find_channel(channel)?;
            let last = self.last_message_in(channel);
            return Some(objects::guild_channel(guild.id, spec, position, last));
        }
        let user = self.dm_recipient(channel)?;
        Some(objects::dm_channel(
            channel,
            self.user_object(user)?,
            self.last_message_in(channel),
        ))
    }

    /// The live channels of a guild, as objects.
    pub fn guild_channels(&self, guild: &GuildSpec) -> Vec<Value> {
        guild
            .channels
            .iter()
            .enumerate()
            .filter(|(_, c)| !self.deleted.contains(&c.id))
            .map(|(position, c)| {
                objects::guild_channel(guild.id, c, position, self.last_message_in(c.id))
            })
            .collect()
    }

    pub fn guild_create(&self, guild: &GuildSpec) -> Value {
        objects::guild_create(guild, self.guild_channels(guild))
    }

    /// The messages of a channel as its members see them (no ephemeral ones), oldest first.
    pub fn channel_messages(&self, channel: u64) -> Vec<Value> {
        let channel = channel.to_string();
        self.messages
            .values()
            .filter(|m| m["channel_id"] == channel)
            .filter(|m| m["flags"].as_u64().unwrap_or(0) & 64 == 0)
            .cloned()
            .collect()
    }

    pub fn interaction_by_token(&self, token: &str) -> Option<&InteractionRecord> {
        self.tokens.get(token).and_then(|id| self.interactions.get(id))
    }
}
