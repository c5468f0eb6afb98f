//! REST under /api/v10: records every request, validates its body, injects faults, routes.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::{
    limits, multipart, payloads, schema, FakeDiscord, RecordedRequest, APPLICATION_ID, BOT_USER_ID,
};

pub async fn handle(
    State(fake): State<Arc<FakeDiscord>>,
    method: Method,
    uri: Uri,
    request_headers: HeaderMap,
    body: Bytes,
) -> Response {
    // A killed bot's leftovers must not act: its token is revoked on restart (see revoke_token).
    let token = request_headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim_start_matches("Bot ")
        .to_string();
    if fake.state.lock().unwrap().revoked.contains(&token) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"code": 0, "message": "401: Unauthorized"})),
        )
            .into_response();
    }
    let path = uri
        .path()
        .strip_prefix("/api/v10")
        .unwrap_or(uri.path())
        .to_string();
    let query = uri.query().unwrap_or_default().to_string();
    if let Some(hold) = fake.take_delay(method.as_str(), &path) {
        tokio::time::sleep(hold).await;
    }
    let content_type = request_headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut files = Vec::new();
    let body: Option<Value> = if body.is_empty() {
        None
    } else if let Some(boundary) = multipart::boundary(content_type) {
        // Files: the JSON body is the payload_json part, validated like any JSON body.
        match multipart::parse(&body, &boundary) {
            Ok(form) => {
                files = form.files;
                let payload = form
                    .payload_json
                    .and_then(|json| serde_json::from_slice(&json).ok());
                let mut state = fake.state.lock().unwrap();
                match &payload {
                    Some(payload) => state
                        .violations
                        .extend(multipart::check_attachments(payload, &files)),
                    None => state.violations.push(format!(
                        "{method} {path}: multipart body without a JSON payload_json part"
                    )),
                }
                payload
            }
            Err(problem) => {
                fake.state.lock().unwrap().violations.push(format!(
                    "{method} {path}: malformed multipart body: {problem}"
                ));
                None
            }
        }
    } else {
        serde_json::from_slice(&body).ok()
    };
    if let Some(body) = &body {
        let mut found: Vec<String> = schema::check(method.as_str(), &path, body)
            .into_iter()
            .collect();
        // The description is a preview and lax in places: Discord's documented limits too.
        found.extend(limits::check(method.as_str(), &path, body));
        fake.state.lock().unwrap().violations.extend(found);
    }
    let (status, reply) = match injected_fault(&fake, method.as_str(), &path) {
        Some(fault) => fault,
        None => route(&fake, &method, &path, body.as_ref()),
    };
    fake.state.lock().unwrap().requests.push(RecordedRequest {
        method: method.to_string(),
        path,
        query,
        body,
        files,
        status,
    });
    fake.touch();
    let status = StatusCode::from_u16(status).unwrap();
    let mut headers = HeaderMap::new();
    if status == StatusCode::TOO_MANY_REQUESTS {
        headers.insert("retry-after", HeaderValue::from_static("0.05"));
        headers.insert("x-ratelimit-scope", HeaderValue::from_static("user"));
        headers.insert("x-ratelimit-global", HeaderValue::from_static("false"));
    }
    match reply {
        Some(json) => (status, headers, axum::Json(json)).into_response(),
        None => (status, headers).into_response(),
    }
}

fn injected_fault(fake: &FakeDiscord, method: &str, path: &str) -> Option<(u16, Option<Value>)> {
    let mut state = fake.state.lock().unwrap();
    let fault = state
        .faults
        .iter_mut()
        .find(|f| f.left > 0 && f.method == method && path.starts_with(&f.prefix))?;
    fault.left -= 1;
    let body = match fault.status {
        429 => {
            json!({"message": "You are being rate limited.", "retry_after": 0.05, "global": false})
        }
        status => json!({"message": format!("{status}: Internal Server Error"), "code": 0}),
    };
    Some((fault.status, Some(body)))
}

fn error(status: u16, code: u64, message: &str) -> (u16, Option<Value>) {
    (status, Some(json!({"code": code, "message": message})))
}

fn route(
    fake: &FakeDiscord,
    method: &Method,
    path: &str,
    body: Option<&Value>,
) -> (u16, Option<Value>) {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let empty = json!({});
    let body = body.unwrap_or(&empty);
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["gateway"]) => (200, Some(json!({"url": fake.gateway_url()}))),
        ("GET", ["gateway", "bot"]) => (
            200,
            Some(
                json!({"url": fake.gateway_url(), "shards": 1, "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}),
            ),
        ),
        ("GET", ["oauth2", "applications", "@me"]) => (
            200,
            Some(json!({
                "id": APPLICATION_ID.to_string(), "name": "certsprint", "icon": null, "description": "", "bot_public": true,
                "bot_require_code_grant": false, "verify_key": "00", "owner": payloads::user(1, "owner", false), "team": null, "flags": 0,
            })),
        ),
        ("GET", ["users", "@me"]) => (200, Some(payloads::bot_user())),
        ("PUT", ["applications", _, "commands"])
        | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            let guild = if parts.len() == 5 {
                Some(parts[3].to_string())
            } else {
                None
            };
            let commands: Vec<Value> = body
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|mut command| {
                    command["id"] = json!(fake.next_id().to_string());
                    command["application_id"] = json!(APPLICATION_ID.to_string());
                    command["version"] = json!("1");
                    command["type"] = command.get("type").cloned().unwrap_or(json!(1));
                    if let Some(guild) = &guild {
                        command["guild_id"] = json!(guild);
                    }
                    command
                })
                .collect();
            fake.state.lock().unwrap().commands = commands.clone();
            (200, Some(Value::Array(commands)))
        }
        ("POST", ["interactions", id, token, "callback"]) => {
            callback(fake, id.parse().unwrap_or(0), token, body)
        }
        ("POST", ["webhooks", _, token]) => followup(fake, token, body),
        ("GET", ["webhooks", _, token, "messages", "@original"]) => {
            match original_id(fake, token) {
                Some(id) => (200, fake.message(id)),
                None => error(404, 10008, "Unknown Message"),
            }
        }
        ("PATCH", ["webhooks", _, token, "messages", which]) => {
            let id = if *which == "@original" {
                original_id(fake, token)
            } else {
                which.parse().ok()
            };
            match id {
                Some(id) => edit_message(fake, id, body),
                None => error(404, 10008, "Unknown Message"),
            }
        }
        ("DELETE", ["webhooks", _, _, "messages", _]) => (204, None),
        ("POST", ["channels", channel, "messages"]) => {
            create_message(fake, channel.parse().unwrap_or(0), body)
        }
        ("PATCH", ["channels", channel, "messages", id]) => {
            if let Some(refused) = channel_refusal(fake, channel.parse().unwrap_or(0)) {
                return refused;
            }
            edit_message(fake, id.parse().unwrap_or(0), body)
        }
        ("GET", ["channels", _, "messages", id]) => match fake.message(id.parse().unwrap_or(0)) {
            Some(message) => (200, Some(message)),
            None => error(404, 10008, "Unknown Message"),
        },
        ("GET", ["channels", channel, "messages"]) => {
            // Newest first, as Discord lists them (the default limit of 50).
            let channel: u64 = channel.parse().unwrap_or(0);
            if fake.state.lock().unwrap().deleted.contains(&channel) {
                return error(404, 10003, "Unknown Channel");
            }
            let mut messages = fake.channel_messages(channel);
            messages.reverse();
            messages.truncate(50);
            (200, Some(Value::Array(messages)))
        }
        ("GET", ["channels", channel]) => {
            let channel: u64 = channel.parse().unwrap_or(0);
            let state = fake.state.lock().unwrap();
            let found = state.guilds.iter().find_map(|g| {
                g.channels
                    .iter()
                    .find(|c| c.id == channel)
                    .map(|c| payloads::channel(g.id, c.id, &c.name))
            });
            match found {
                Some(channel) => (200, Some(channel)),
                None => error(404, 10003, "Unknown Channel"),
            }
        }
        ("POST", ["users", "@me", "channels"]) => {
            let user: u64 = body["recipient_id"]
                .as_str()
                .and_then(|u| u.parse().ok())
                .or_else(|| body["recipient_id"].as_u64())
                .unwrap_or(0);
            let mut state = fake.state.lock().unwrap();
            let channel = match state.dm_channels.iter().find(|(u, _)| *u == user) {
                Some(&(_, channel)) => channel,
                None => {
                    let channel = fake.next_id();
                    state.dm_channels.push((user, channel));
                    channel
                }
            };
            (
                200,
                Some(
                    json!({"id": channel.to_string(), "type": 1, "recipients": [payloads::user(user, "member", false)], "last_message_id": null}),
                ),
            )
        }
        ("GET", ["guilds", guild, "members", user]) => {
            let state = fake.state.lock().unwrap();
            match state.guilds.iter().find(|g| g.id.to_string() == *guild) {
                Some(spec) => (200, Some(payloads::member(spec, user.parse().unwrap_or(0)))),
                None => error(404, 10004, "Unknown Guild"),
            }
        }
        _ => error(404, 0, "404: Not Found"),
    }
}

fn channel_refusal(fake: &FakeDiscord, channel: u64) -> Option<(u16, Option<Value>)> {
    let state = fake.state.lock().unwrap();
    if state.deleted.contains(&channel) {
        return Some(error(404, 10003, "Unknown Channel"));
    }
    if state.denied.contains(&channel) {
        return Some(error(403, 50013, "Missing Permissions"));
    }
    let closed_dm = state
        .dm_channels
        .iter()
        .any(|(user, dm)| *dm == channel && state.closed_dms.contains(user));
    if closed_dm {
        return Some(error(403, 50007, "Cannot send messages to this user"));
    }
    None
}

fn guild_of_channel(fake: &FakeDiscord, channel: u64) -> Option<u64> {
    let state = fake.state.lock().unwrap();
    state
        .guilds
        .iter()
        .find(|g| g.channels.iter().any(|c| c.id == channel))
        .map(|g| g.id)
}

fn create_message(fake: &FakeDiscord, channel: u64, body: &Value) -> (u16, Option<Value>) {
    if let Some(refused) = channel_refusal(fake, channel) {
        return refused;
    }
    let nonce = body["nonce"]
        .as_str()
        .map(str::to_string)
        .filter(|_| body["enforce_nonce"] == true);
    if let Some(nonce) = &nonce {
        let state = fake.state.lock().unwrap();
        if let Some(&(_, existing)) = state
            .nonces
            .iter()
            .find(|((c, n), _)| *c == channel && n == nonce)
        {
            drop(state);
            return (200, fake.message(existing));
        }
    }
    let id = fake.next_id();
    let message = payloads::message(id, channel, guild_of_channel(fake, channel), body, 0);
    let mut state = fake.state.lock().unwrap();
    if let Some(nonce) = nonce {
        state.nonces.push(((channel, nonce), id));
    }
    state.messages.push((id, message.clone()));
    (200, Some(message))
}

fn edit_message(fake: &FakeDiscord, id: u64, body: &Value) -> (u16, Option<Value>) {
    let mut state = fake.state.lock().unwrap();
    match state.messages.iter_mut().find(|(m, _)| *m == id) {
        Some((_, message)) => {
            payloads::apply_edit(message, body);
            message["edited_timestamp"] = json!(payloads::TIMESTAMP);
            (200, Some(message.clone()))
        }
        None => error(404, 10008, "Unknown Message"),
    }
}

fn original_id(fake: &FakeDiscord, token: &str) -> Option<u64> {
    let state = fake.state.lock().unwrap();
    state
        .interactions
        .iter()
        .find(|(_, i)| i.token == token)
        .and_then(|(_, i)| i.original.or(i.source_message))
}

fn callback(fake: &FakeDiscord, id: u64, token: &str, body: &Value) -> (u16, Option<Value>) {
    let kind = body["type"].as_u64().unwrap_or(0);
    let data = body.get("data").cloned().unwrap_or(json!({}));
    let (channel, guild, source, already) = {
        let state = fake.state.lock().unwrap();
        let Some((_, interaction)) = state
            .interactions
            .iter()
            .find(|(i, s)| *i == id && s.token == token)
        else {
            return error(404, 10062, "Unknown interaction");
        };
        (
            interaction.channel,
            interaction.guild,
            interaction.source_message,
            interaction.response.is_some(),
        )
    };
    if already {
        return error(400, 40060, "Interaction has already been acknowledged.");
    }
    let mut original = None;
    match kind {
        4 | 5 => {
            let message_id = fake.next_id();
            let flags = data["flags"].as_u64().unwrap_or(0);
            let mut message = payloads::message(message_id, channel, Some(guild), &data, flags);
            message["interaction_response"] = json!(true);
            fake.state
                .lock()
                .unwrap()
                .messages
                .push((message_id, message));
            original = Some(message_id);
        }
        7 => {
            if let Some(source) = source {
                let mut state = fake.state.lock().unwrap();
                if let Some((_, message)) = state.messages.iter_mut().find(|(m, _)| *m == source) {
                    payloads::apply_edit(message, &data);
                }
            }
        }
        _ => {}
    }
    let mut state = fake.state.lock().unwrap();
    if let Some((_, interaction)) = state.interactions.iter_mut().find(|(i, _)| *i == id) {
        interaction.response = Some(body.clone());
        interaction.responded = Some(Instant::now());
        if original.is_some() {
            interaction.original = original;
        }
    }
    (204, None)
}

fn followup(fake: &FakeDiscord, token: &str, body: &Value) -> (u16, Option<Value>) {
    let (channel, guild) = {
        let state = fake.state.lock().unwrap();
        match state.interactions.iter().find(|(_, i)| i.token == token) {
            Some((_, i)) => (i.channel, i.guild),
            None => return error(404, 10015, "Unknown Webhook"),
        }
    };
    let id = fake.next_id();
    let flags = body["flags"].as_u64().unwrap_or(0);
    let mut message = payloads::message(id, channel, Some(guild), body, flags);
    message["interaction_response"] = json!(true);
    let mut state = fake.state.lock().unwrap();
    state.messages.push((id, message.clone()));
    if let Some((_, interaction)) = state
        .interactions
        .iter_mut()
        .find(|(_, i)| i.token == token)
    {
        interaction.followups.push(message.clone());
    }
    let _ = BOT_USER_ID;
    (200, Some(message))
}
