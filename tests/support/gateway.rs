//! The gateway: HELLO, IDENTIFY -> READY + GUILD_CREATEs, heartbeats, RESUME (replaying what a
//! session missed, then RESUMED), and dispatches with increasing sequence numbers.

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State as AxumState;
use axum::response::Response;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::objects;
use super::state::{Conn, Outgoing, Session, State, HISTORY_LIMIT};
use super::FakeDiscord;

pub const HEARTBEAT_INTERVAL_MS: u64 = 45_000;

pub(crate) async fn upgrade(
    ws: WebSocketUpgrade,
    AxumState(fake): AxumState<Arc<FakeDiscord>>,
) -> Response {
    ws.on_upgrade(move |socket| serve(fake, socket))
}

async fn serve(fake: Arc<FakeDiscord>, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let conn = fake.with_state(|s| {
        s.next_conn += 1;
        let conn = s.next_conn;
        s.conns.insert(
            conn,
            Conn {
                tx,
                session: None,
                ready: false,
            },
        );
        conn
    });
    let hello = json!({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": null, "t": null});
    if socket.send(Message::Text(hello.to_string().into())).await.is_ok() {
        loop {
            tokio::select! {
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Text(text))) => {
                        let Ok(payload) = serde_json::from_str::<Value>(&text) else { continue };
                        match payload["op"].as_u64() {
                            Some(1) => {
                                let ack = json!({"op": 11, "d": null, "s": null, "t": null});
                                if socket.send(Message::Text(ack.to_string().into())).await.is_err() {
                                    break;
                                }
                            }
                            Some(2) => fake.with_state(|s| s.identify(conn, &payload["d"])),
                            Some(6) => fake.with_state(|s| s.resume(conn, &payload["d"])),
                            _ => {}
                        }
                    }
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => {}
                },
                outgoing = rx.recv() => match outgoing {
                    Some(Outgoing::Frame(text)) => {
                        if socket.send(Message::Text(text.into())).await.is_err() {
                            break;
                        }
                    }
                    Some(Outgoing::Close(code)) => {
                        let frame = CloseFrame { code, reason: "closed by the fake Discord".into() };
                        let _ = socket.send(Message::Close(Some(frame))).await;
                        break;
                    }
                    Some(Outgoing::MarkReady) => fake.with_state(|s| {
                        if let Some(c) = s.conns.get_mut(&conn) {
                            c.ready = true;
                        }
                    }),
                    None => break,
                },
            }
        }
    }
    fake.with_state(|s| s.disconnect(conn));
}

impl State {
    fn identify(&mut self, conn: u64, d: &Value) {
        let session_id = format!("fake-session-{}", self.next_id());
        self.detach(conn);
        self.sessions.insert(
            session_id.clone(),
            Session {
                seq: 0,
                conn: Some(conn),
                history: Default::default(),
            },
        );
        if let Some(c) = self.conns.get_mut(&conn) {
            c.session = Some(session_id.clone());
        }
        let shard = d.get("shard").cloned().unwrap_or(json!([0, 1]));
        let guild_ids: Vec<u64> = self.guilds.keys().copied().collect();
        let ready = objects::ready(&session_id, &self.gateway_url, &guild_ids, shard);
        self.dispatched.push(json!({"t": "READY", "d": ready}));
        self.dispatch_to(&session_id, "READY", &ready);
        let creates: Vec<Value> = self.guilds.values().map(|g| self.guild_create(g)).collect();
        for create in creates {
            self.dispatched.push(json!({"t": "GUILD_CREATE", "d": create}));
            self.dispatch_to(&session_id, "GUILD_CREATE", &create);
        }
        self.send(conn, Outgoing::MarkReady);
    }

    fn resume(&mut self, conn: u64, d: &Value) {
        let session_id = d["session_id"].as_str().unwrap_or_default().to_string();
        let seq = d["seq"].as_u64().unwrap_or(0);
        let Some(session) = self.sessions.get(&session_id) else {
            self.send(conn, Outgoing::Frame(json!({"op": 9, "d": false, "s": null, "t": null}).to_string()));
            return;
        };
        let missed: Vec<String> = session
            .history
            .iter()
            .filter(|(s, _)| *s > seq)
            .map(|(_, frame)| frame.clone())
            .collect();
        if let Some(old) = session.conn.filter(|old| *old != conn) {
            self.send(old, Outgoing::Close(4000));
            if let Some(c) = self.conns.get_mut(&old) {
                c.session = None;
            }
        }
        self.detach(conn);
        if let Some(session) = self.sessions.get_mut(&session_id) {
            session.conn = Some(conn);
        }
        if let Some(c) = self.conns.get_mut(&conn) {
            c.session = Some(session_id.clone());
        }
        for frame in missed {
            self.send(conn, Outgoing::Frame(frame));
        }
        let resumed = json!({"_trace": ["fake-discord"]});
        self.dispatched.push(json!({"t": "RESUMED", "d": resumed}));
        self.dispatch_to(&session_id, "RESUMED", &resumed);
        self.send(conn, Outgoing::MarkReady);
    }

    /// Unbinds a connection from its session (the session stays resumable).
    fn detach(&mut self, conn: u64) {
        let session = self.conns.get_mut(&conn).and_then(|c| c.session.take());
        if let Some(session) = session.and_then(|id| self.sessions.get_mut(&id)) {
            if session.conn == Some(conn) {
                session.conn = None;
            }
        }
    }

    fn disconnect(&mut self, conn: u64) {
        self.detach(conn);
        self.conns.remove(&conn);
    }

    fn send(&self, conn: u64, outgoing: Outgoing) {
        if let Some(c) = self.conns.get(&conn) {
            let _ = c.tx.send(outgoing);
        }
    }

    /// Sends a dispatch to one session (or keeps it for a RESUME if it has no connection).
    pub fn dispatch_to(&mut self, session_id: &str, t: &str, d: &Value) {
        let Some(session) = self.sessions.get_mut(session_id) else { return };
        session.seq += 1;
        let frame = json!({"op": 0, "s": session.seq, "t": t, "d": d}).to_string();
        session.history.push_back((session.seq, frame.clone()));
        if session.history.len() > HISTORY_LIMIT {
            session.history.pop_front();
        }
        if let Some(conn) = session.conn {
            self.send(conn, Outgoing::Frame(frame));
        }
    }

    /// Sends a dispatch to every session and records it.
    pub fn dispatch(&mut self, t: &str, d: Value) {
        let sessions: Vec<String> = self.sessions.keys().cloned().collect();
        for session in sessions {
            self.dispatch_to(&session, t, &d);
        }
        self.dispatched.push(json!({"t": t, "d": d}));
    }

    /// Whether some live connection has an identified (or resumed) session.
    pub fn has_ready_connection(&self) -> bool {
        self.conns.values().any(|c| c.ready && c.session.is_some())
    }
}
