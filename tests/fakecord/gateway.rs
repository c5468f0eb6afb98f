//! The gateway: HELLO, IDENTIFY -> READY + GUILD_CREATEs, heartbeats, RESUME, and dispatches.
//! A session that identifies with `shard: [id, total]` gets the guilds and events of that shard
//! only (a guild is on shard `(guild_id >> 22) % total`), as Discord routes them; a session
//! without a shard gets everything.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};

use super::{payloads, FakeDiscord};

#[derive(Debug, Clone)]
pub enum Outbound {
    /// An event, and the guild it concerns (which decides the shard that receives it).
    Dispatch(String, Value, u64),
    /// Close every connection with 4000, so clients resume.
    Close,
    /// Close the sessions of this token with 4004 (authentication failed: not retried).
    Revoke(String),
}

pub async fn upgrade(State(fake): State<Arc<FakeDiscord>>, upgrade: WebSocketUpgrade) -> Response {
    if fake.gateway_down.load(Ordering::SeqCst) {
        return Response::builder()
            .status(503)
            .body("gateway unavailable".into())
            .unwrap();
    }
    upgrade.on_upgrade(move |socket| session(fake, socket))
}

async fn send(socket: &mut WebSocket, payload: Value) -> bool {
    socket
        .send(Message::Text(payload.to_string().into()))
        .await
        .is_ok()
}

/// One gateway connection: who identified on it, for which shard, and its sequence numbers.
#[derive(Default)]
struct Session {
    token: Option<String>,
    /// `(shard, total)` from IDENTIFY (or recovered from the session id on RESUME).
    shard: Option<(u64, u64)>,
    seq: u64,
}

impl Session {
    fn dispatch(&mut self, event: &str, data: Value) -> Value {
        self.seq += 1;
        json!({"op": 0, "s": self.seq, "t": event, "d": data})
    }

    fn went_live(&self, fake: &FakeDiscord) {
        if let Some(shard) = self.shard {
            fake.state.lock().unwrap().live_shards.push(shard);
        }
    }

    /// Whether this session receives the events of `guild`.
    fn serves(&self, guild: u64) -> bool {
        self.shard
            .is_none_or(|(shard, total)| shard_of(guild, total) == shard)
    }
}

/// The shard Discord routes a guild to.
pub fn shard_of(guild: u64, total: u64) -> u64 {
    (guild >> 22) % total.max(1)
}

/// The session id READY hands out; a sharded one names its shard, so a RESUME finds it again.
fn session_id(shard: Option<(u64, u64)>) -> String {
    match shard {
        Some((shard, total)) => format!("session-{shard}-{total}"),
        None => "session-1".to_string(),
    }
}

fn shard_of_session(session_id: &str) -> Option<(u64, u64)> {
    let (shard, total) = session_id.strip_prefix("session-")?.split_once('-')?;
    Some((shard.parse().ok()?, total.parse().ok()?))
}

async fn session(fake: Arc<FakeDiscord>, mut socket: WebSocket) {
    fake.connections.fetch_add(1, Ordering::SeqCst);
    let mut events = fake.events.subscribe();
    let mut session = Session::default();
    let mut open = send(
        &mut socket,
        json!({"op": 10, "d": {"heartbeat_interval": 41250}}),
    )
    .await;
    while open {
        let (replies, close) = tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => answer(&fake, &text, &mut session),
                Some(Ok(Message::Binary(bytes))) => answer(&fake, &String::from_utf8_lossy(&bytes), &mut session),
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => (Vec::new(), Some(None)),
                Some(Ok(_)) => (Vec::new(), None),
            },
            outbound = events.recv() => match outbound {
                Ok(Outbound::Dispatch(event, data, guild)) if session.token.is_some() && session.serves(guild) => (vec![session.dispatch(&event, data)], None),
                Ok(Outbound::Revoke(revoked)) if session.token.as_deref() == Some(revoked.as_str()) => (Vec::new(), Some(Some(4004))),
                Ok(Outbound::Close) => (Vec::new(), Some(Some(4000))),
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => (Vec::new(), None),
                Err(_) => (Vec::new(), Some(None)),
            },
        };
        for reply in replies {
            open &= send(&mut socket, reply).await;
        }
        if session.token.is_some() && fake.ready_count.load(Ordering::SeqCst) == 0 {
            fake.ready_count.fetch_add(1, Ordering::SeqCst);
            fake.ready.notify_waiters();
        }
        if let Some(code) = close {
            if let Some(code) = code {
                let reason = if code == 4004 {
                    "Authentication failed."
                } else {
                    "test reconnect"
                };
                let _ = socket
                    .send(Message::Close(Some(CloseFrame {
                        code,
                        reason: reason.into(),
                    })))
                    .await;
            }
            open = false;
        }
    }
    if let Some(shard) = session.shard {
        let live = &mut fake.state.lock().unwrap().live_shards;
        if let Some(at) = live.iter().position(|s| *s == shard) {
            live.remove(at);
        }
    }
    fake.connections.fetch_sub(1, Ordering::SeqCst);
}

/// Replies to one client payload, and whether to close (Some(code)) after them.
fn answer(
    fake: &FakeDiscord,
    text: &str,
    session: &mut Session,
) -> (Vec<Value>, Option<Option<u16>>) {
    let Ok(payload) = serde_json::from_str::<Value>(text) else {
        return (Vec::new(), None);
    };
    match payload["op"].as_u64() {
        Some(1) => (vec![json!({"op": 11})], None),
        Some(2) | Some(6) if revoked(fake, &payload) => (Vec::new(), Some(Some(4004))),
        Some(2) => {
            session.token = Some(token_of(&payload));
            session.shard = payload["d"]["shard"]
                .as_array()
                .and_then(|shard| Some((shard.first()?.as_u64()?, shard.get(1)?.as_u64()?)));
            session.went_live(fake);
            let (shard, total) = session.shard.unwrap_or((0, 1));
            let ready = payloads::ready(&session_id(session.shard), shard, total);
            let mut replies = vec![session.dispatch("READY", ready)];
            let guilds: Vec<Value> = (fake.state.lock().unwrap().guilds.iter())
                .filter(|guild| session.serves(guild.id))
                .map(payloads::guild_create)
                .collect();
            for created in guilds {
                replies.push(session.dispatch("GUILD_CREATE", created));
            }
            (replies, None)
        }
        Some(6) => {
            session.token = Some(token_of(&payload));
            session.shard = payload["d"]["session_id"]
                .as_str()
                .and_then(shard_of_session);
            session.went_live(fake);
            (vec![session.dispatch("RESUMED", json!({}))], None)
        }
        _ => (Vec::new(), None),
    }
}

fn token_of(payload: &Value) -> String {
    payload["d"]["token"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("Bot ")
        .to_string()
}

fn revoked(fake: &FakeDiscord, payload: &Value) -> bool {
    let token = payload["d"]["token"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("Bot ");
    fake.state
        .lock()
        .unwrap()
        .revoked
        .iter()
        .any(|t| t == token)
}
