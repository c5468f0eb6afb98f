//! The gateway: HELLO, IDENTIFY -> READY + GUILD_CREATEs, heartbeats, RESUME, and dispatches.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};

use super::{payloads, FakeDiscord};

#[derive(Debug, Clone)]
pub enum Outbound {
    Dispatch(String, Value),
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

fn dispatch(fake: &FakeDiscord, event: &str, data: Value) -> Value {
    let seq = fake.seq.fetch_add(1, Ordering::SeqCst) + 1;
    json!({"op": 0, "s": seq, "t": event, "d": data})
}

async fn session(fake: Arc<FakeDiscord>, mut socket: WebSocket) {
    fake.connections.fetch_add(1, Ordering::SeqCst);
    let mut events = fake.events.subscribe();
    let mut token: Option<String> = None;
    let mut open = send(
        &mut socket,
        json!({"op": 10, "d": {"heartbeat_interval": 41250}}),
    )
    .await;
    while open {
        let (replies, close) = tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => answer(&fake, &text, &mut token),
                Some(Ok(Message::Binary(bytes))) => answer(&fake, &String::from_utf8_lossy(&bytes), &mut token),
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => (Vec::new(), Some(None)),
                Some(Ok(_)) => (Vec::new(), None),
            },
            outbound = events.recv() => match outbound {
                Ok(Outbound::Dispatch(event, data)) if token.is_some() => (vec![dispatch(&fake, &event, data)], None),
                Ok(Outbound::Revoke(revoked)) if token.as_deref() == Some(revoked.as_str()) => (Vec::new(), Some(Some(4004))),
                Ok(Outbound::Close) => (Vec::new(), Some(Some(4000))),
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => (Vec::new(), None),
                Err(_) => (Vec::new(), Some(None)),
            },
        };
        for reply in replies {
            open &= send(&mut socket, reply).await;
        }
        if token.is_some() && fake.ready_count.load(Ordering::SeqCst) == 0 {
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
    fake.connections.fetch_sub(1, Ordering::SeqCst);
}

/// Replies to one client payload, and whether to close (Some(code)) after them.
fn answer(
    fake: &FakeDiscord,
    text: &str,
    token: &mut Option<String>,
) -> (Vec<Value>, Option<Option<u16>>) {
    let Ok(payload) = serde_json::from_str::<Value>(text) else {
        return (Vec::new(), None);
    };
    match payload["op"].as_u64() {
        Some(1) => (vec![json!({"op": 11})], None),
        Some(2) | Some(6) if revoked(fake, &payload) => (Vec::new(), Some(Some(4004))),
        Some(2) => {
            *token = Some(token_of(&payload));
            let mut replies = vec![dispatch(fake, "READY", payloads::ready())];
            let guilds = fake.state.lock().unwrap().guilds.clone();
            replies.extend(
                guilds
                    .iter()
                    .map(|guild| dispatch(fake, "GUILD_CREATE", payloads::guild_create(guild))),
            );
            (replies, None)
        }
        Some(6) => {
            *token = Some(token_of(&payload));
            (vec![dispatch(fake, "RESUMED", json!({}))], None)
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
