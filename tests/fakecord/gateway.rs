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
}

pub async fn upgrade(State(fake): State<Arc<FakeDiscord>>, upgrade: WebSocketUpgrade) -> Response {
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
    let mut identified = false;
    if send(
        &mut socket,
        json!({"op": 10, "d": {"heartbeat_interval": 41250}}),
    )
    .await
    {
        loop {
            tokio::select! {
                incoming = socket.recv() => {
                    let Some(Ok(message)) = incoming else { break };
                    let text = match message {
                        Message::Text(text) => text.to_string(),
                        Message::Binary(bytes) => String::from_utf8_lossy(&bytes).to_string(),
                        Message::Close(_) => break,
                        _ => continue,
                    };
                    let Ok(payload) = serde_json::from_str::<Value>(&text) else { continue };
                    match payload["op"].as_u64() {
                        Some(1) => {
                            if !send(&mut socket, json!({"op": 11})).await { break }
                        }
                        Some(2) => {
                            identified = true;
                            if !send(&mut socket, dispatch(&fake, "READY", payloads::ready())).await { break }
                            let guilds = fake.state.lock().unwrap().guilds.clone();
                            for guild in &guilds {
                                if !send(&mut socket, dispatch(&fake, "GUILD_CREATE", payloads::guild_create(guild))).await { break }
                            }
                            fake.ready_count.fetch_add(1, Ordering::SeqCst);
                            fake.ready.notify_waiters();
                        }
                        Some(6) => {
                            identified = true;
                            if !send(&mut socket, dispatch(&fake, "RESUMED", json!({}))).await { break }
                            fake.ready_count.fetch_add(1, Ordering::SeqCst);
                            fake.ready.notify_waiters();
                        }
                        _ => {}
                    }
                }
                outbound = events.recv() => {
                    match outbound {
                        Ok(Outbound::Dispatch(event, data)) if identified => {
                            if !send(&mut socket, dispatch(&fake, &event, data)).await { break }
                        }
                        Ok(Outbound::Dispatch(..)) => {}
                        Ok(Outbound::Close) => {
                            let _ = socket.send(Message::Close(Some(CloseFrame { code: 4000, reason: "test reconnect".into() }))).await;
                            break;
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(_) => break,
                    }
                }
            }
        }
    }
    fake.connections.fetch_sub(1, Ordering::SeqCst);
}
