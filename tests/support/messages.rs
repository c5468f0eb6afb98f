//! Message objects: creating them from a request body, applying edits the way Discord merges
//! them, and the mentions Discord would record under the body's `allowed_mentions`.

use serde_json::{json, Map, Value};

use super::objects;
use super::state::State;

pub const SUPPRESS_EMBEDS: u64 = 1 << 2;
pub const EPHEMERAL: u64 = 1 << 6;
pub const LOADING: u64 = 1 << 7;
pub const SUPPRESS_NOTIFICATIONS: u64 = 1 << 12;
pub const IS_COMPONENTS_V2: u64 = 1 << 15;
/// The flags a bot may set when it creates a message.
pub const SETTABLE_FLAGS: u64 = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2;

impl State {
    /// Creates and stores a message by the bot in `channel` from a create body. `flags` are
    /// the message flags; `extra` (an object) is merged over the result.
    pub fn create_message(&mut self, channel: u64, body: &Value, flags: u64, extra: Value) -> Value {
        let id = self.next_id();
        let guild = self.guild_of_channel(channel).map(|g| g.id);
        let mut message = json!({
            "id": id.to_string(),
            "channel_id": channel.to_string(),
            "author": objects::bot_user(),
            "content": "",
            "timestamp": objects::snowflake_time(id),
            "edited_timestamp": null,
            "tts": body["tts"].as_bool().unwrap_or(false),
            "mention_everyone": false,
            "mentions": [],
            "mention_roles": [],
            "mention_channels": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": false,
            "type": 0,
            "flags": flags,
        });
        if let Some(guild) = guild {
            message["guild_id"] = json!(guild.to_string());
        }
        if let Some(nonce) = body.get("nonce").filter(|n| !n.is_null()) {
            message["nonce"] = nonce.clone();
        }
        if let Some(reference) = body.get("message_reference").filter(|r| !r.is_null()) {
            let target = reference["message_id"].as_str().unwrap_or_default().to_string();
            message["type"] = json!(19);
            message["message_reference"] = json!({
                "type": 0,
                "message_id": target,
                "channel_id": channel.to_string(),
                "guild_id": guild.map(|g| g.to_string()),
            });
            if let Some(referenced) = target.parse().ok().and_then(|t: u64| self.messages.get(&t)) {
                message["referenced_message"] = referenced.clone();
            }
        }
        self.apply_edit(&mut message, body);
        if let (Value::Object(message), Value::Object(extra)) = (&mut message, extra) {
            message.extend(extra);
        }
        self.messages.insert(id, message.clone());
        message
    }

    /// Applies an edit body to a stored message (fields present replace) and returns it.
    pub fn edit_message(&mut self, id: u64, body: &Value) -> Option<Value> {
        let mut message = self.messages.get(&id)?.clone();
        let was_loading = message["flags"].as_u64().unwrap_or(0) & LOADING != 0;
        self.apply_edit(&mut message, body);
        let flags = message["flags"].as_u64().unwrap_or(0);
        message["flags"] = json!(flags & !LOADING);
        if !was_loading {
            message["edited_timestamp"] = json!(objects::now_iso());
        }
        self.messages.insert(id, message.clone());
        Some(message)
    }

    /// Copies the message fields of a create or edit body onto `message`.
    fn apply_edit(&self, message: &mut Value, body: &Value) {
        if let Some(content) = body.get("content") {
            let content = content.as_str().unwrap_or_default().to_string();
            self.set_mentions(message, &content, body);
            message["content"] = json!(content);
        }
        if let Some(embeds) = body.get("embeds") {
            message["embeds"] = json!(normalize_embeds(embeds));
        }
        for key in ["components", "attachments"] {
            if let Some(value) = body.get(key) {
                message[key] = if value.is_null() { json!([]) } else { value.clone() };
            }
        }
        if let Some(flags) = body.get("flags").and_then(Value::as_u64) {
            let old = message["flags"].as_u64().unwrap_or(0);
            message["flags"] = json!((old & !SETTABLE_FLAGS) | (flags & SETTABLE_FLAGS));
        }
        if let Some(poll) = body.get("poll").filter(|p| !p.is_null()) {
            message["poll"] = poll.clone();
        }
    }

    fn set_mentions(&self, message: &mut Value, content: &str, body: &Value) {
        let (users, roles) = mention_ids(content);
        let mentions: Vec<Value> = users
            .into_iter()
            .filter(|id| allowed(body, "users", Some(*id)))
            .filter_map(|id| self.user_object(id))
            .collect();
        let roles: Vec<String> = roles
            .into_iter()
            .filter(|id| allowed(body, "roles", Some(*id)))
            .map(|id| id.to_string())
            .collect();
        let everyone = (content.contains("@everyone") || content.contains("@here"))
            && allowed(body, "everyone", None);
        message["mentions"] = json!(mentions);
        message["mention_roles"] = json!(roles);
        message["mention_everyone"] = json!(everyone);
    }
}

/// Whether Discord would honour a mention under the body's `allowed_mentions` (absent: all).
fn allowed(body: &Value, kind: &str, id: Option<u64>) -> bool {
    let Some(rules) = body.get("allowed_mentions").filter(|a| !a.is_null()) else {
        return true;
    };
    let parsed = rules["parse"]
        .as_array()
        .is_some_and(|p| p.iter().any(|k| k == kind));
    let listed = id.is_some_and(|id| {
        rules[kind]
            .as_array()
            .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(&id.to_string())))
    });
    parsed || listed
}

/// User and role ids mentioned as `<@id>`, `<@!id>` and `<@&id>`.
fn mention_ids(content: &str) -> (Vec<u64>, Vec<u64>) {
    let (mut users, mut roles) = (Vec::new(), Vec::new());
    for piece in content.split("<@").skip(1) {
        let (is_role, rest) = match piece.as_bytes().first() {
            Some(b'&') => (true, &piece[1..]),
            Some(b'!') => (false, &piece[1..]),
            _ => (false, piece),
        };
        let Some((digits, _)) = rest.split_once('>') else { continue };
        let Ok(id) = digits.parse::<u64>() else { continue };
        let list = if is_role { &mut roles } else { &mut users };
        if !list.contains(&id) {
            list.push(id);
        }
    }
    (users, roles)
}

/// Embeds as Discord stores them: `type: rich`, no null fields.
fn normalize_embeds(embeds: &Value) -> Vec<Value> {
    let Some(embeds) = embeds.as_array() else { return Vec::new() };
    embeds
        .iter()
        .map(|embed| {
            let mut map: Map<String, Value> = embed
                .as_object()
                .map(|m| m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            map.entry("type").or_insert_with(|| json!("rich"));
            Value::Object(map)
        })
        .collect()
}
