//! Complete Discord JSON objects (users, members, roles, channels, guilds, READY, the
//! application) built from the world specs. Every field serenity requires is present.

use serde_json::{json, Value};

use super::spec::{ChannelSpec, GuildSpec, MemberSpec, RoleSpec, BOT_PERMISSIONS};
use super::{APPLICATION_ID, BOT_USER_ID};

pub const BOT_USERNAME: &str = "certsprint";
/// The bot's managed integration role in every guild.
pub const BOT_ROLE_ID: u64 = 100_000_000_000_000_003;
/// When every member (and the bot) joined.
pub const JOINED_AT: &str = "2024-01-01T00:00:00.000000+00:00";
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
pub const ATTACHMENT_SIZE_LIMIT: u64 = 10 * 1024 * 1024;

/// RFC 3339 with microseconds and +00:00, as Discord writes timestamps.
pub fn iso_from_unix_ms(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .expect("a valid time")
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

/// The creation time encoded in a snowflake.
pub fn snowflake_time(id: u64) -> String {
    iso_from_unix_ms((id >> 22) + DISCORD_EPOCH_MS)
}

pub fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

pub fn bot_user() -> Value {
    json!({
        "id": BOT_USER_ID.to_string(),
        "username": BOT_USERNAME,
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "bot": true,
        "system": false,
        "banner": null,
        "accent_color": null,
        "public_flags": 0,
        "flags": 0,
        "avatar_decoration_data": null,
    })
}

/// The bot as GET /users/@me returns it (private fields included).
pub fn current_user() -> Value {
    let mut user = bot_user();
    let map = user.as_object_mut().expect("an object");
    map.insert("mfa_enabled".into(), json!(true));
    map.insert("verified".into(), json!(true));
    map.insert("email".into(), Value::Null);
    map.insert("locale".into(), json!("en-US"));
    map.insert("premium_type".into(), json!(0));
    user
}

pub fn user(member: &MemberSpec) -> Value {
    json!({
        "id": member.user_id.to_string(),
        "username": member.username,
        "discriminator": "0",
        "global_name": member.display_name,
        "avatar": null,
        "bot": false,
        "system": false,
        "banner": null,
        "accent_color": null,
        "public_flags": 0,
        "flags": 0,
        "avatar_decoration_data": null,
    })
}

/// A guild member object without `user` (as in resolved data); callers add what they need.
pub fn member_fields(roles: &[u64]) -> serde_json::Map<String, Value> {
    let roles: Vec<String> = roles.iter().map(u64::to_string).collect();
    let value = json!({
        "roles": roles,
        "nick": null,
        "avatar": null,
        "banner": null,
        "joined_at": JOINED_AT,
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
        "unusual_dm_activity_until": null,
        "avatar_decoration_data": null,
    });
    match value {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

pub fn member(member: &MemberSpec) -> Value {
    let mut map = member_fields(&member.roles);
    map.insert("user".into(), user(member));
    Value::Object(map)
}

pub fn bot_member() -> Value {
    let mut map = member_fields(&[BOT_ROLE_ID]);
    map.insert("user".into(), bot_user());
    Value::Object(map)
}

pub fn role(role: &RoleSpec, position: usize, managed_by_bot: bool) -> Value {
    let mut value = json!({
        "id": role.id.to_string(),
        "name": role.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": role.permissions.to_string(),
        "managed": managed_by_bot,
        "mentionable": false,
        "flags": 0,
    });
    if managed_by_bot {
        value["tags"] = json!({"bot_id": BOT_USER_ID.to_string()});
    }
    value
}

pub fn bot_role(position: usize) -> Value {
    let spec = RoleSpec {
        id: BOT_ROLE_ID,
        name: BOT_USERNAME.into(),
        permissions: BOT_PERMISSIONS,
    };
    role(&spec, position, true)
}

/// A guild text channel.
pub fn guild_channel(
    guild: u64,
    channel: &ChannelSpec,
    position: usize,
    last_message_id: Option<u64>,
) -> Value {
    json!({
        "id": channel.id.to_string(),
        "type": 0,
        "guild_id": guild.to_string(),
        "name": channel.name,
        "position": position,
        "permission_overwrites": [],
        "parent_id": null,
        "topic": null,
        "nsfw": false,
        "last_message_id": last_message_id.map(|id| id.to_string()),
        "last_pin_timestamp": null,
        "rate_limit_per_user": 0,
        "flags": 0,
    })
}

pub fn dm_channel(channel: u64, recipient: Value, last_message_id: Option<u64>) -> Value {
    json!({
        "id": channel.to_string(),
        "type": 1,
        "last_message_id": last_message_id.map(|id| id.to_string()),
        "last_pin_timestamp": null,
        "recipients": [recipient],
        "flags": 0,
    })
}

/// The roles as Discord lists them: @everyone first, then the spec's roles, then the bot's.
pub fn roles(guild: &GuildSpec) -> Vec<Value> {
    let mut roles: Vec<Value> = Vec::new();
    let everyone = guild.roles.iter().filter(|r| r.id == guild.id);
    let others = guild.roles.iter().filter(|r| r.id != guild.id);
    for (position, spec) in everyone.chain(others).enumerate() {
        roles.push(role(spec, position, false));
    }
    roles.push(bot_role(roles.len()));
    roles
}

/// The guild fields shared by GUILD_CREATE and GET /guilds/{id}.
pub fn guild_base(guild: &GuildSpec) -> serde_json::Map<String, Value> {
    let value = json!({
        "id": guild.id.to_string(),
        "name": guild.name,
        "icon": null,
        "icon_hash": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": guild.owner_id.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": roles(guild),
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_presences": null,
        "max_members": 500000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "nsfw_level": 0,
        "nsfw": false,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "incidents_data": null,
    });
    match value {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// A complete GUILD_CREATE payload; `channels` are the guild's live channels as objects.
pub fn guild_create(guild: &GuildSpec, channels: Vec<Value>) -> Value {
    let mut map = guild_base(guild);
    let mut members: Vec<Value> = guild.members.iter().map(member).collect();
    members.push(bot_member());
    let extra = json!({
        "joined_at": JOINED_AT,
        "large": false,
        "unavailable": false,
        "member_count": members.len(),
        "voice_states": [],
        "members": members,
        "channels": channels,
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
    });
    if let Value::Object(extra) = extra {
        map.extend(extra);
    }
    Value::Object(map)
}

pub fn ready(session_id: &str, gateway_url: &str, guild_ids: &[u64], shard: Value) -> Value {
    let guilds: Vec<Value> = guild_ids
        .iter()
        .map(|id| json!({"id": id.to_string(), "unavailable": true}))
        .collect();
    json!({
        "v": 10,
        "user": current_user(),
        "guilds": guilds,
        "session_id": session_id,
        "resume_gateway_url": gateway_url,
        "shard": shard,
        "application": {"id": APPLICATION_ID.to_string(), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
        "_trace": ["fake-discord"],
    })
}

pub fn owner_user() -> Value {
    json!({
        "id": super::spec::DEFAULT_OWNER_ID.to_string(),
        "username": "owner",
        "discriminator": "0",
        "global_name": "Owner",
        "avatar": null,
        "public_flags": 0,
        "flags": 0,
    })
}

pub fn application(guild_count: usize) -> Value {
    json!({
        "id": APPLICATION_ID.to_string(),
        "name": BOT_USERNAME,
        "icon": null,
        "description": "",
        "summary": "",
        "type": null,
        "rpc_origins": [],
        "bot_public": true,
        "bot_require_code_grant": false,
        "terms_of_service_url": null,
        "privacy_policy_url": null,
        "owner": owner_user(),
        "verify_key": "0".repeat(64),
        "team": null,
        "flags": 0,
        "tags": [],
        "hook": true,
        "bot": bot_user(),
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "approximate_guild_count": guild_count,
        "approximate_user_install_count": 0,
    })
}
