//! Answers to interactions: `POST /interactions/{id}/{token}/callback` (accepted once) and the
//! interaction webhook (`/webhooks/{app}/{token}`: followups, `@original` and followup edits).

use std::time::Instant;

use serde_json::{json, Value};

use super::channels::is_empty_message;
use super::messages::{EPHEMERAL, LOADING};
use super::rest::Reply;
use super::state::State;
use super::APPLICATION_ID;

/// The parts of an interaction record the answers need (copied out of the map).
struct View {
    id: u64,
    user: u64,
    guild: Option<u64>,
    channel: u64,
    kind: u8,
    name: String,
    source: Option<u64>,
    original: Option<u64>,
    callback_type: Option<u64>,
    followups: usize,
}

impl State {
    fn view(&self, id: u64) -> Option<View> {
        let r = self.interactions.get(&id)?;
        Some(View {
            id: r.id,
            user: r.user,
            guild: r.guild,
            channel: r.channel,
            kind: r.kind,
            name: r.name.clone(),
            source: r.source_message,
            original: r.original,
            callback_type: r.callback.as_ref().and_then(|c| c["type"].as_u64()),
            followups: r.followup_ids.len(),
        })
    }

    /// The fields Discord adds to a message an interaction created.
    fn interaction_fields(&self, view: &View, original_response: Option<u64>) -> Value {
        let user = self.user_object(view.user).unwrap_or(Value::Null);
        let owners = json!({"0": view.guild.unwrap_or(0).to_string()});
        let mut metadata = json!({
            "id": view.id.to_string(),
            "type": view.kind,
            "user": user,
            "authorizing_integration_owners": owners,
        });
        if view.kind == 2 {
            metadata["name"] = json!(view.name);
            metadata["command_type"] = json!(1);
        }
        if let Some(source) = view.source {
            metadata["interacted_message_id"] = json!(source.to_string());
        }
        if let Some(original) = original_response {
            metadata["original_response_message_id"] = json!(original.to_string());
        }
        json!({
            "type": if view.kind == 2 { 20 } else { 0 },
            "webhook_id": APPLICATION_ID.to_string(),
            "application_id": APPLICATION_ID.to_string(),
            "interaction_metadata": metadata,
            "interaction": {"id": view.id.to_string(), "type": view.kind, "name": view.name, "user": user},
        })
    }

    pub(crate) fn interaction_callback(
        &mut self,
        method: &str,
        id: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Reply {
        let known = id
            .parse::<u64>()
            .ok()
            .filter(|id| self.interactions.get(id).is_some_and(|i| i.token == token));
        let (Some(id), "POST") = (known, method) else {
            return Reply::error(404, 10062, "Unknown interaction");
        };
        let view = self.view(id).expect("a known interaction");
        if view.callback_type.is_some() {
            return Reply::error(400, 40060, "Interaction has already been acknowledged.");
        }
        let body = body.cloned().unwrap_or(json!({}));
        let data = body.get("data").filter(|d| !d.is_null()).cloned().unwrap_or(json!({}));
        let ephemeral = data["flags"].as_u64().unwrap_or(0) & EPHEMERAL;
        let original = match (body["type"].as_u64(), view.kind) {
            (Some(4), 2 | 3) => {
                if is_empty_message(&data) {
                    return Reply::error(400, 50006, "Cannot send an empty message");
                }
                let extra = self.interaction_fields(&view, None);
                let message = self.create_message(view.channel, &data, ephemeral, extra);
                message["id"].as_str().and_then(|m| m.parse().ok())
            }
            (Some(5), 2 | 3) => {
                let extra = self.interaction_fields(&view, None);
                let message = self.create_message(view.channel, &json!({}), LOADING | ephemeral, extra);
                message["id"].as_str().and_then(|m| m.parse().ok())
            }
            (Some(6), 3) => view.source,
            (Some(7), 3) => {
                let source = view.source.expect("a component interaction has a message");
                self.edit_message(source, &data);
                Some(source)
            }
            (Some(8), 4) | (Some(9), 2 | 3) => None,
            _ => return Reply::error(400, 50035, "Invalid Form Body"),
        };
        let record = self.interactions.get_mut(&id).expect("a known interaction");
        record.callback = Some(body);
        record.callback_at = Some(Instant::now());
        record.original = original;
        Reply::no_content()
    }

    pub(crate) fn webhook_route(
        &mut self,
        method: &str,
        app: &str,
        token: &str,
        rest: &[&str],
        body: Option<&Value>,
    ) -> Reply {
        let id = self.interaction_by_token(token).map(|i| i.id);
        let view = id.and_then(|id| self.view(id));
        let Some(view) = view.filter(|v| app == APPLICATION_ID.to_string() && v.callback_type.is_some()) else {
            return Reply::error(404, 10015, "Unknown Webhook");
        };
        let empty = json!({});
        let body = body.unwrap_or(&empty);
        match (method, rest) {
            ("POST", []) => self.followup(view, body),
            (_, ["messages", which]) => {
                let record = &self.interactions[&view.id];
                let target = match *which {
                    "@original" => view.original,
                    other => other
                        .parse::<u64>()
                        .ok()
                        .filter(|m| view.original == Some(*m) || record.followup_ids.contains(m)),
                };
                let Some(target) = target.filter(|m| self.messages.contains_key(m)) else {
                    return Reply::error(404, 10008, "Unknown Message");
                };
                match method {
                    "GET" => Reply::ok(self.messages[&target].clone()),
                    "PATCH" => Reply::ok(self.edit_message(target, body).expect("a stored message")),
                    "DELETE" => {
                        self.messages.remove(&target);
                        Reply::no_content()
                    }
                    _ => Reply::not_found(),
                }
            }
            _ => Reply::not_found(),
        }
    }

    /// A followup. As on Discord, the first followup after a deferred response (type 5) takes
    /// over the "thinking" message, keeping the defer's ephemerality.
    fn followup(&mut self, view: View, body: &Value) -> Reply {
        if is_empty_message(body) {
            return Reply::error(400, 50006, "Cannot send an empty message");
        }
        let loading = view
            .original
            .filter(|m| self.messages.get(m).is_some_and(|m| m["flags"].as_u64().unwrap_or(0) & LOADING != 0));
        let message = match loading {
            Some(original) if view.callback_type == Some(5) && view.followups == 0 => {
                self.edit_message(original, body).expect("a stored message")
            }
            _ => {
                let flags = body["flags"].as_u64().unwrap_or(0) & EPHEMERAL;
                let extra = self.interaction_fields(&view, view.original);
                self.create_message(view.channel, body, flags, extra)
            }
        };
        let message_id = message["id"].as_str().and_then(|m| m.parse().ok()).expect("an id");
        let record = self.interactions.get_mut(&view.id).expect("a known interaction");
        record.followups.push(body.clone());
        record.followup_ids.push(message_id);
        Reply::ok(message)
    }
}
