//! `data` of a command interaction, built from the REGISTERED command definition: subcommand
//! groups and subcommands nested, each option with its registered type, and `resolved` filled
//! for users, members, channels and roles.

use serde_json::{json, Map, Value};

use super::objects;
use super::state::State;

/// The command named by `path` ("daily setup") as registered for `guild` (guild commands
/// first, then global), with whether it is a guild command.
fn find_command<'a>(state: &'a State, guild: u64, name: &str) -> (&'a Value, bool) {
    let is_chat = |c: &&Value| c["name"] == name && c["type"].as_u64().unwrap_or(1) == 1;
    if let Some(command) = state.guild_commands.get(&guild).and_then(|list| list.iter().find(is_chat)) {
        return (command, true);
    }
    if let Some(command) = state.global_commands.iter().find(is_chat) {
        return (command, false);
    }
    let mut names: Vec<&str> = state
        .global_commands
        .iter()
        .chain(state.guild_commands.get(&guild).into_iter().flatten())
        .filter_map(|c| c["name"].as_str())
        .collect();
    names.sort_unstable();
    panic!("fake Discord: /{name} is not registered (registered: {names:?})");
}

fn options_of(node: &Value) -> &[Value] {
    node["options"].as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn is_subcommand(option: &Value) -> bool {
    matches!(option["type"].as_u64(), Some(1 | 2))
}

/// What an option's value is resolved against.
struct Ctx<'a> {
    state: &'a State,
    guild: u64,
    user: u64,
    path: &'a str,
}

pub(crate) fn command_data(
    state: &State,
    guild: u64,
    user: u64,
    path: &str,
    given: &Value,
    focused: Option<&str>,
) -> Value {
    let ctx = Ctx {
        state,
        guild,
        user,
        path,
    };
    let parts: Vec<&str> = path.split_whitespace().collect();
    let (command, is_guild) = find_command(state, guild, parts.first().copied().unwrap_or_default());
    let mut node = command;
    let mut chain = Vec::new();
    for part in &parts[1..] {
        node = options_of(node)
            .iter()
            .find(|o| is_subcommand(o) && o["name"] == *part)
            .unwrap_or_else(|| panic!("fake Discord: /{path}: no subcommand {part:?} is registered"));
        chain.push(node);
    }
    if options_of(node).iter().any(is_subcommand) {
        let subs: Vec<&str> = options_of(node).iter().filter_map(|o| o["name"].as_str()).collect();
        panic!("fake Discord: /{path} needs a subcommand, one of {subs:?}");
    }
    let empty = Map::new();
    let given = match given {
        Value::Null => &empty,
        Value::Object(map) => map,
        other => panic!("fake Discord: options for /{path} must be a JSON object, not {other}"),
    };
    let definitions = options_of(node);
    let mut resolved = Map::new();
    let mut values: Vec<(usize, Value)> = Vec::new();
    let mut names: Vec<&str> = given.keys().map(String::as_str).collect();
    if let Some(focused) = focused.filter(|f| !given.contains_key(*f)) {
        names.push(focused);
    }
    for name in names {
        let Some((index, definition)) = definitions.iter().enumerate().find(|(_, d)| d["name"] == name) else {
            let known: Vec<&str> = definitions.iter().filter_map(|d| d["name"].as_str()).collect();
            panic!("fake Discord: /{path} has no option {name:?} (registered: {known:?})");
        };
        let value = given.get(name).unwrap_or(&Value::Null);
        let option = option_value(&ctx, definition, value, focused == Some(name), &mut resolved);
        values.push((index, option));
    }
    values.sort_by_key(|(index, _)| *index);
    let mut options: Vec<Value> = values.into_iter().map(|(_, v)| v).collect();
    for sub in chain.iter().rev() {
        options = vec![json!({"name": sub["name"], "type": sub["type"], "options": options})];
    }
    let mut data = json!({
        "id": command["id"],
        "name": command["name"],
        "type": 1,
        "options": options,
    });
    if !resolved.is_empty() {
        data["resolved"] = Value::Object(resolved);
    }
    if is_guild {
        data["guild_id"] = json!(guild.to_string());
    }
    data
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn snowflake(path: &str, name: &str, value: &Value) -> u64 {
    text_of(value)
        .parse()
        .unwrap_or_else(|_| panic!("fake Discord: /{path} option {name:?} needs an id, got {value}"))
}

fn option_value(
    ctx: &Ctx,
    definition: &Value,
    value: &Value,
    focused: bool,
    resolved: &mut Map<String, Value>,
) -> Value {
    let (state, guild, path) = (ctx.state, ctx.guild, ctx.path);
    let name = definition["name"].as_str().unwrap_or_default();
    let kind = definition["type"].as_u64().unwrap_or(3);
    if focused {
        return json!({"name": name, "type": kind, "value": text_of(value), "focused": true});
    }
    let bad = |what: &str| -> ! { panic!("fake Discord: /{path} option {name:?} needs {what}, got {value}") };
    let typed = match kind {
        3 => json!(text_of(value)),
        4 => json!(value.as_i64().or_else(|| text_of(value).parse().ok()).unwrap_or_else(|| bad("an integer"))),
        5 => json!(value.as_bool().or_else(|| text_of(value).parse().ok()).unwrap_or_else(|| bad("a boolean"))),
        10 => json!(value.as_f64().or_else(|| text_of(value).parse().ok()).unwrap_or_else(|| bad("a number"))),
        6 => {
            let id = snowflake(path, name, value);
            resolve_user(state, guild, id, resolved).unwrap_or_else(|| bad("a user in the world"));
            json!(id.to_string())
        }
        7 => {
            let id = snowflake(path, name, value);
            resolve_channel(ctx, id, resolved).unwrap_or_else(|| bad("a channel in the world"));
            json!(id.to_string())
        }
        8 => {
            let id = snowflake(path, name, value);
            resolve_role(state, guild, id, resolved).unwrap_or_else(|| bad("a role of the guild"));
            json!(id.to_string())
        }
        9 => {
            let id = snowflake(path, name, value);
            resolve_user(state, guild, id, resolved)
                .or_else(|| resolve_role(state, guild, id, resolved))
                .unwrap_or_else(|| bad("a user or role in the world"));
            json!(id.to_string())
        }
        other => panic!("fake Discord: /{path} option {name:?} has type {other}, which the fake cannot send"),
    };
    json!({"name": name, "type": kind, "value": typed})
}

fn entry<'a>(resolved: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    resolved
        .entry(key)
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("an object")
}

fn resolve_user(state: &State, guild: u64, id: u64, resolved: &mut Map<String, Value>) -> Option<()> {
    let user = state.user_object(id)?;
    entry(resolved, "users").insert(id.to_string(), user);
    if let Some(guild) = state.guilds.get(&guild) {
        if let Some(member) = guild.find_member(id) {
            let mut fields = objects::member_fields(&member.roles);
            fields.insert("permissions".into(), json!(guild.permissions_of(id).to_string()));
            entry(resolved, "members").insert(id.to_string(), Value::Object(fields));
        }
    }
    Some(())
}

/// A partial channel with the invoking user's permissions, as Discord resolves it.
fn resolve_channel(ctx: &Ctx, id: u64, resolved: &mut Map<String, Value>) -> Option<()> {
    let channel = ctx.state.channel_json(id)?;
    let permissions = ctx
        .state
        .guilds
        .get(&ctx.guild)
        .map(|g| g.permissions_of(ctx.user))
        .unwrap_or(super::spec::ALL_PERMISSIONS);
    let mut partial = json!({
        "id": channel["id"],
        "name": channel["name"],
        "type": channel["type"],
        "permissions": permissions.to_string(),
        "parent_id": null,
        "flags": 0,
    });
    if let Some(guild) = channel.get("guild_id") {
        partial["guild_id"] = guild.clone();
    }
    entry(resolved, "channels").insert(id.to_string(), partial);
    Some(())
}

fn resolve_role(state: &State, guild: u64, id: u64, resolved: &mut Map<String, Value>) -> Option<()> {
    let guild = state.guilds.get(&guild)?;
    let role = objects::roles(guild).into_iter().find(|r| r["id"] == id.to_string())?;
    entry(resolved, "roles").insert(id.to_string(), role);
    Some(())
}
