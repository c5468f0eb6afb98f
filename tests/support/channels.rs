//! `/channels/{id}` and its messages: create, read, list, edit, delete; deleted channels answer
//! 404 Unknown Channel and denied ones 403 Missing Permissions.

use serde_json::{json, Value};

use super::messages::EPHEMERAL;
use super::rest::Reply;
use super::state::State;

/// Whether a create body would make a message with nothing in it.
pub fn is_empty_message(body: &Value) -> bool {
    let text = body["content"].as_str().is_some_and(|c| !c.is_empty());
    let listed = |key: &str| body[key].as_array().is_some_and(|a| !a.is_empty());
    let poll = body.get("poll").is_some_and(|p| !p.is_null());
    !(text || listed("embeds") || listed("components") || listed("attachments") || listed("sticker_ids") || poll)
}

impl State {
    pub(crate) fn channel_route(
        &mut self,
        method: &str,
        channel: &str,
        rest: &[&str],
        query: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let Ok(channel) = channel.parse::<u64>() else {
            return Reply::error(404, 10003, "Unknown Channel");
        };
        if self.denied.contains(&channel) {
            return Reply::error(403, 50013, "Missing Permissions");
        }
        if !self.channel_known(channel) {
            return Reply::error(404, 10003, "Unknown Channel");
        }
        let empty = json!({});
        let body = body.unwrap_or(&empty);
        match (method, rest) {
            ("GET", []) => Reply::ok(self.channel_json(channel).expect("a known channel")),
            ("POST", ["typing"]) => Reply::no_content(),
            ("POST", ["messages"]) => {
                if is_empty_message(body) {
                    return Reply::error(400, 50006, "Cannot send an empty message");
                }
                Reply::ok(self.create_message(channel, body, 0, json!({})))
            }
            ("GET", ["messages"]) => {
                let limit = query
                    .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("limit=")))
                    .and_then(|l| l.parse::<usize>().ok())
                    .unwrap_or(50);
                let mut messages = self.channel_messages(channel);
                messages.reverse();
                messages.truncate(limit);
                Reply::ok(json!(messages))
            }
            (_, ["messages", message]) => {
                let Some(id) = message
                    .parse::<u64>()
                    .ok()
                    .filter(|id| self.visible_in(channel, *id))
                else {
                    return Reply::error(404, 10008, "Unknown Message");
                };
                match method {
                    "GET" => Reply::ok(self.messages[&id].clone()),
                    "PATCH" => Reply::ok(self.edit_message(id, body).expect("a stored message")),
                    "DELETE" => {
                        self.messages.remove(&id);
                        Reply::no_content()
                    }
                    _ => Reply::not_found(),
                }
            }
            _ => Reply::not_found(),
        }
    }

    /// A stored, non-ephemeral message of this channel.
    fn visible_in(&self, channel: u64, id: u64) -> bool {
        self.messages.get(&id).is_some_and(|m| {
            m["channel_id"] == channel.to_string() && m["flags"].as_u64().unwrap_or(0) & EPHEMERAL == 0
        })
    }
}
