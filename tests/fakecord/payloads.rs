//! Complete Discord payloads as serenity expects them (a missing required field makes serenity
//! drop an event silently, so these are checked by a deserialization test).

use serde_json::{json, Map, Value};

use super::world::GuildSpec;
use super::{Interaction, APPLICATION_ID, BOT_USER_ID};

pub const TIMESTAMP: &str = "2026-11-01T00:00:00.000000+00:00";

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({"id": id.to_string(), "username": name, "discriminator": "0", "global_name": name, "avatar": null, "bot": bot})
}

pub fn bot_user() -> Value {
    user(BOT_USER_ID, "certsprint", true)
}

pub fn member(guild: &GuildSpec, user_id: u64) -> Value {
    let spec = guild.member_spec(user_id);
    json!({
        "user": user(user_id, &spec.username, false),
        "nick": spec.display_name,
        "roles": spec.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
        "joined_at": TIMESTAMP,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "avatar": null,
        "permissions": guild.permissions_of(user_id).to_string(),
    })
}

pub fn channel(guild: u64, id: u64, name: &str) -> Value {
    json!({
        "id": id.to_string(), "type": 0, "guild_id": guild.to_string(), "name": name, "position": 0,
        "permission_overwrites": [], "nsfw": false, "topic": null, "last_message_id": null, "parent_id": null,
        "rate_limit_per_user": 0, "flags": 0,
    })
}

/// READY for a session on `shard` of `total`.
pub fn ready(session_id: &str, shard: u64, total: u64) -> Value {
    json!({
        "v": 10, "user": bot_user(), "guilds": [], "session_id": session_id,
        "resume_gateway_url": "ws://127.0.0.1:1", "application": {"id": APPLICATION_ID.to_string(), "flags": 0},
        "shard": [shard, total], "private_channels": [], "relationships": [],
    })
}

pub fn guild_create(guild: &GuildSpec) -> Value {
    let roles: Vec<Value> = guild
        .roles
        .iter()
        .enumerate()
        .map(|(position, role)| {
            json!({
                "id": role.id.to_string(), "name": role.name, "color": 0,
                "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
                "hoist": false, "icon": null, "unicode_emoji": null, "position": position, "permissions": role.permissions.to_string(),
                "managed": false, "mentionable": false, "flags": 0,
            })
        })
        .collect();
    let mut members: Vec<Value> = guild
        .members
        .iter()
        .map(|m| member(guild, m.user_id))
        .collect();
    members.push(json!({"user": bot_user(), "roles": [], "joined_at": TIMESTAMP, "deaf": false, "mute": false, "flags": 0}));
    json!({
        "id": guild.id.to_string(), "name": guild.name, "icon": null, "splash": null, "discovery_splash": null,
        "owner_id": guild.owner_id.to_string(), "afk_channel_id": null, "afk_timeout": 300, "verification_level": 0,
        "default_message_notifications": 0, "explicit_content_filter": 0, "roles": roles, "emojis": [], "features": [],
        "mfa_level": 0, "application_id": null, "system_channel_id": null, "system_channel_flags": 0, "rules_channel_id": null,
        "vanity_url_code": null, "description": null, "banner": null, "premium_tier": 0, "preferred_locale": "en-US",
        "public_updates_channel_id": null, "nsfw_level": 0, "stickers": [], "premium_progress_bar_enabled": false,
        "joined_at": TIMESTAMP, "large": false, "unavailable": false, "member_count": members.len(), "voice_states": [],
        "members": members, "channels": guild.channels.iter().map(|c| channel(guild.id, c.id, &c.name)).collect::<Vec<_>>(),
        "threads": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [], "max_members": 1000,
        "premium_subscription_count": 0, "safety_alerts_channel_id": null, "incidents_data": null,
    })
}

/// A message object as Discord returns it, from what the bot sent.
pub fn message(id: u64, channel: u64, guild: Option<u64>, sent: &Value, flags: u64) -> Value {
    let mut message = json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "author": bot_user(), "content": "",
        "timestamp": TIMESTAMP, "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [],
        "mention_roles": [], "attachments": [], "embeds": [], "components": [], "pinned": false, "type": 0, "flags": flags,
    });
    if let Some(guild) = guild {
        message["guild_id"] = json!(guild.to_string());
    }
    apply_edit(&mut message, sent);
    message
}

/// Applies an edit the way Discord does: fields present replace the old ones.
pub fn apply_edit(message: &mut Value, edit: &Value) {
    for key in [
        "content",
        "embeds",
        "components",
        "allowed_mentions",
        "nonce",
    ] {
        if let Some(value) = edit.get(key) {
            if !value.is_null() {
                message[key] = value.clone();
            }
        }
    }
    if let Some(flags) = edit.get("flags").and_then(Value::as_u64) {
        message["flags"] = json!(message["flags"].as_u64().unwrap_or(0) | flags);
    }
}

/// The message as it travels inside a component interaction: components completed with the
/// fields Discord always fills in.
pub fn normalized_message(message: &Value) -> Value {
    let mut message = message.clone();
    if let Some(rows) = message["components"].as_array_mut() {
        for row in rows {
            if let Some(components) = row["components"].as_array_mut() {
                for component in components {
                    if component.get("disabled").is_none() {
                        component["disabled"] = json!(false);
                    }
                }
            }
        }
    }
    message
}

pub fn interaction(
    interaction: &Interaction,
    kind: u8,
    guild: &GuildSpec,
    channel: u64,
    data: Value,
    message: Option<Value>,
) -> Value {
    let mut payload = json!({
        "id": interaction.id.to_string(), "application_id": APPLICATION_ID.to_string(), "type": kind, "data": data,
        "guild_id": guild.id.to_string(), "channel_id": channel.to_string(),
        "channel": {"id": channel.to_string(), "type": 0, "name": "channel", "guild_id": guild.id.to_string(), "permissions": guild.permissions_of(interaction.user).to_string()},
        "member": member(guild, interaction.user), "token": interaction.token, "version": 1, "locale": "en-US",
        "guild_locale": "en-US", "app_permissions": "2251799813685247", "entitlements": [],
        "authorizing_integration_owners": {"0": guild.id.to_string()}, "context": 0, "attachment_size_limit": 10485760,
    });
    if let Some(message) = message {
        payload["message"] = message;
    }
    payload
}

/// Builds a command's `data` from the registered command tree: subcommand groups and
/// subcommands nested, each option given its registered type, and `resolved` filled in.
pub fn command_data(
    commands: &[Value],
    guild: &GuildSpec,
    path: &str,
    options: &Value,
    focused: Option<&str>,
) -> Value {
    let mut names = path.split_whitespace();
    let root_name = names.next().expect("a command name");
    let root = commands
        .iter()
        .find(|c| c["name"] == root_name)
        .unwrap_or_else(|| panic!("command {root_name} is not registered"));
    let mut resolved = Map::new();
    let mut level = root;
    let mut chain = Vec::new();
    for name in names {
        let sub = level["options"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["name"] == name))
            .unwrap_or_else(|| panic!("{path}: no subcommand {name}"));
        chain.push(sub);
        level = sub;
    }
    let given = options.as_object().cloned().unwrap_or_default();
    let mut leaf_options = Vec::new();
    for (name, value) in &given {
        let definition = level["options"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["name"] == name.as_str()))
            .unwrap_or_else(|| panic!("{path}: option {name} is not registered"));
        let kind = definition["type"].as_u64().unwrap();
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        // A choice option takes the registered value of the choice named (poise registers
        // enum choices as integers).
        let choice = definition["choices"].as_array().and_then(|choices| {
            choices.iter().find(|c| {
                c["name"] == text.as_str()
                    || c["value"].as_i64().map(|v| v.to_string()).as_deref() == Some(text.as_str())
            })
        });
        let typed = match kind {
            _ if choice.is_some() => choice.unwrap()["value"].clone(),
            4 => text.parse::<i64>().map(|n| json!(n)).unwrap_or(json!(text)),
            10 => text.parse::<f64>().map(|n| json!(n)).unwrap_or(json!(text)),
            5 => json!(text == "true"),
            _ => json!(text),
        };
        let id: u64 = text.parse().unwrap_or(0);
        match kind {
            6 => {
                let spec = guild.member_spec(id);
                resolved.entry("users").or_insert_with(|| json!({}))[text.as_str()] =
                    user(id, &spec.username, false);
                let mut partial = super::payloads::member(guild, id);
                partial.as_object_mut().unwrap().remove("user");
                resolved.entry("members").or_insert_with(|| json!({}))[text.as_str()] = partial;
            }
            7 => {
                let name = guild
                    .channels
                    .iter()
                    .find(|c| c.id == id)
                    .map_or("channel".to_string(), |c| c.name.clone());
                resolved.entry("channels").or_insert_with(|| json!({}))[text.as_str()] = json!({"id": text, "type": 0, "name": name, "permissions": "2251799813685247", "guild_id": guild.id.to_string()});
            }
            8 => {
                let role = guild
                    .roles
                    .iter()
                    .find(|r| r.id == id)
                    .expect("unknown role");
                resolved.entry("roles").or_insert_with(|| json!({}))[text.as_str()] = json!({
                    "id": text, "name": role.name, "color": 0, "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
                    "hoist": false, "icon": null, "unicode_emoji": null, "position": 1, "permissions": role.permissions.to_string(),
                    "managed": false, "mentionable": true, "flags": 0,
                });
            }
            _ => {}
        }
        let mut option = json!({"name": name, "type": kind, "value": typed});
        if focused == Some(name.as_str()) {
            option["focused"] = json!(true);
            option["value"] = json!(text);
        }
        leaf_options.push(option);
    }
    let mut nested = Value::Array(leaf_options);
    for sub in chain.iter().rev() {
        nested = json!([{"name": sub["name"], "type": sub["type"], "options": nested}]);
    }
    let mut data = json!({"id": root["id"], "name": root_name, "type": 1, "options": nested, "guild_id": guild.id.to_string()});
    if !resolved.is_empty() {
        data["resolved"] = Value::Object(resolved);
    }
    data
}
