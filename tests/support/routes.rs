//! Route table for `/api/v10/...`, plus the small routes: gateway discovery, the application,
//! users and DMs, guilds and members, and command registration.

use serde_json::{json, Value};

use super::objects;
use super::rest::Reply;
use super::state::State;
use super::{FakeDiscord, APPLICATION_ID, BOT_USER_ID};

pub(crate) fn route(
    fake: &FakeDiscord,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: Option<&Value>,
) -> Reply {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    fake.with_state(|s| match (method, segments.as_slice()) {
        ("GET", ["gateway"]) => Reply::ok(json!({"url": s.gateway_url})),
        ("GET", ["gateway", "bot"]) => Reply::ok(json!({
            "url": s.gateway_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
        })),
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            Reply::ok(objects::application(s.guilds.len()))
        }
        ("GET", ["users", "@me"]) => Reply::ok(objects::current_user()),
        ("POST", ["users", "@me", "channels"]) => s.open_dm(body),
        ("GET", ["users", user]) => match user.parse().ok().and_then(|u| s.user_object(u)) {
            Some(user) => Reply::ok(user),
            None => Reply::error(404, 10013, "Unknown User"),
        },
        (_, ["applications", app, rest @ ..]) => {
            if *app != APPLICATION_ID.to_string() {
                return Reply::error(404, 10002, "Unknown Application");
            }
            s.commands_route(method, rest, body)
        }
        (_, ["interactions", id, token, "callback"]) => s.interaction_callback(method, id, token, body),
        (_, ["webhooks", app, token, rest @ ..]) => s.webhook_route(method, app, token, rest, body),
        (_, ["channels", channel, rest @ ..]) => s.channel_route(method, channel, rest, query, body),
        ("GET", ["guilds", guild, rest @ ..]) => s.guild_route(guild, rest),
        _ => Reply::not_found(),
    })
}

impl State {
    fn open_dm(&mut self, body: Option<&Value>) -> Reply {
        let recipient = body
            .and_then(|b| b["recipient_id"].as_str().map(str::to_string).or_else(|| b["recipient_id"].as_u64().map(|u| u.to_string())))
            .and_then(|r| r.parse::<u64>().ok());
        let Some(user) = recipient.and_then(|r| self.user_object(r).map(|u| (r, u))) else {
            return Reply::error(400, 50033, "Invalid Recipient(s)");
        };
        let channel = match self.dm_channels.get(&user.0) {
            Some(channel) => *channel,
            None => {
                let channel = self.next_id();
                self.dm_channels.insert(user.0, channel);
                channel
            }
        };
        Reply::ok(objects::dm_channel(channel, user.1, self.last_message_in(channel)))
    }

    fn guild_route(&self, guild: &str, rest: &[&str]) -> Reply {
        let Some(guild) = guild.parse::<u64>().ok().and_then(|g| self.guilds.get(&g)) else {
            return Reply::error(404, 10004, "Unknown Guild");
        };
        match rest {
            [] => {
                let mut map = objects::guild_base(guild);
                map.insert("approximate_member_count".into(), json!(guild.members.len() + 1));
                Reply::ok(Value::Object(map))
            }
            ["channels"] => Reply::ok(json!(self.guild_channels(guild))),
            ["roles"] => Reply::ok(json!(objects::roles(guild))),
            ["members", user] => {
                let user = user.parse::<u64>().unwrap_or(0);
                if user == BOT_USER_ID {
                    return Reply::ok(objects::bot_member());
                }
                match guild.find_member(user) {
                    Some(member) => Reply::ok(objects::member(member)),
                    None => Reply::error(404, 10007, "Unknown Member"),
                }
            }
            _ => Reply::not_found(),
        }
    }

    fn commands_route(&mut self, method: &str, rest: &[&str], body: Option<&Value>) -> Reply {
        match (method, rest) {
            ("PUT", ["commands"]) => self.put_commands(None, body),
            ("GET", ["commands"]) => Reply::ok(json!(self.global_commands)),
            (_, ["guilds", guild, "commands"]) => {
                let Some(guild) = guild.parse::<u64>().ok().filter(|g| self.guilds.contains_key(g)) else {
                    return Reply::error(403, 50001, "Missing Access");
                };
                match method {
                    "PUT" => self.put_commands(Some(guild), body),
                    "GET" => Reply::ok(json!(self.guild_commands.get(&guild).cloned().unwrap_or_default())),
                    _ => Reply::not_found(),
                }
            }
            _ => Reply::not_found(),
        }
    }

    /// Bulk overwrite: the list becomes the registered commands (ids stay stable per name).
    fn put_commands(&mut self, guild: Option<u64>, body: Option<&Value>) -> Reply {
        let Some(list) = body.and_then(Value::as_array) else {
            return Reply::error(400, 50035, "Invalid Form Body");
        };
        let mut registered = Vec::new();
        for command in list {
            let name = command["name"].as_str().unwrap_or_default().to_string();
            let key = (guild, name);
            let id = match self.command_ids.get(&key) {
                Some(id) => *id,
                None => {
                    let id = self.next_id();
                    self.command_ids.insert(key, id);
                    id
                }
            };
            let version = self.next_id();
            let mut object = command.clone();
            let Some(map) = object.as_object_mut() else {
                return Reply::error(400, 50035, "Invalid Form Body");
            };
            map.insert("id".into(), json!(id.to_string()));
            map.insert("application_id".into(), json!(APPLICATION_ID.to_string()));
            map.insert("version".into(), json!(version.to_string()));
            map.entry("type").or_insert(json!(1));
            map.entry("description").or_insert(json!(""));
            map.entry("default_member_permissions").or_insert(Value::Null);
            map.entry("nsfw").or_insert(json!(false));
            map.entry("integration_types").or_insert(json!([0]));
            if let Some(guild) = guild {
                map.insert("guild_id".into(), json!(guild.to_string()));
            }
            registered.push(object);
        }
        match guild {
            Some(guild) => {
                self.guild_commands.insert(guild, registered.clone());
            }
            None => self.global_commands = registered.clone(),
        }
        self.last_commands = Some(registered.clone());
        Reply::ok(json!(registered))
    }
}
