//! The REST entry point: strips `/api/v10`, validates JSON bodies against Discord's OpenAPI
//! description, applies injected failures, routes, and records every request.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::state::RecordedRequest;
use super::{limits, routes, schema, FakeDiscord};

/// A REST answer: status, optional JSON body, extra headers.
pub(crate) struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn ok(body: Value) -> Reply {
        Reply {
            status: 200,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    pub fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }

    /// A Discord JSON error, e.g. `error(404, 10003, "Unknown Channel")`.
    pub fn error(status: u16, code: u64, message: &str) -> Reply {
        Reply {
            status,
            body: Some(json!({"code": code, "message": message})),
            headers: Vec::new(),
        }
    }

    pub fn not_found() -> Reply {
        Reply::error(404, 0, "404: Not Found")
    }

    /// What Discord sends on a 429 (a short retry_after so tests stay fast).
    pub fn rate_limited() -> Reply {
        let reset = chrono::Utc::now().timestamp_millis() as f64 / 1000.0 + 0.05;
        Reply {
            status: 429,
            body: Some(json!({
                "message": "You are being rate limited.",
                "retry_after": 0.05,
                "global": false,
                "code": 0,
            })),
            headers: vec![
                ("retry-after", "1".into()),
                ("x-ratelimit-limit", "5".into()),
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset", format!("{reset:.3}")),
                ("x-ratelimit-reset-after", "0.050".into()),
                ("x-ratelimit-bucket", "fake-discord-bucket".into()),
                ("x-ratelimit-scope", "user".into()),
            ],
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut headers = HeaderMap::new();
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
        match self.body {
            Some(body) => (status, headers, axum::Json(body)).into_response(),
            None => (status, headers).into_response(),
        }
    }
}

pub(crate) async fn handle(
    AxumState(fake): AxumState<Arc<FakeDiscord>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Reply {
    let method = method.as_str().to_string();
    let full_path = uri.path().to_string();
    let path = full_path.strip_prefix("/api/v10").unwrap_or(&full_path).to_string();
    let query = uri.query().map(str::to_string);
    let json_body: Option<Value> = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice(&body) {
            Ok(value) => Some(value),
            Err(_) => {
                let reply = Reply::error(400, 50109, "The request body contains invalid JSON.");
                fake.record(&method, &path, query, None, reply.status);
                return reply;
            }
        }
    };
    if let Some(body) = &json_body {
        let (m, p, b) = (method.clone(), path.clone(), body.clone());
        let mut violations = tokio::task::spawn_blocking(move || schema::check(&m, &p, &b))
            .await
            .unwrap_or_else(|e| vec![format!("{method} {path}: schema check panicked: {e}")]);
        violations.extend(limits::check(&method, &path, body));
        if !violations.is_empty() {
            fake.with_state(|s| s.violations.extend(violations));
        }
    }
    let reply = match fake.take_failure(&method, &path) {
        Some(reply) => reply,
        None if full_path.starts_with("/api/v10/") => {
            routes::route(&fake, &method, &path, query.as_deref(), json_body.as_ref())
        }
        None => Reply::not_found(),
    };
    if reply.status == 404 && reply.body.as_ref().is_some_and(|b| b["message"] == "404: Not Found") {
        fake.with_state(|s| s.unknown_routes.push(format!("{method} {full_path}")));
    }
    fake.record(&method, &path, query, json_body, reply.status);
    reply
}

impl FakeDiscord {
    fn record(&self, method: &str, path: &str, query: Option<String>, body: Option<Value>, status: u16) {
        self.with_state(|s| {
            s.requests.push(RecordedRequest {
                method: method.to_string(),
                path: path.to_string(),
                query,
                body,
                status,
            })
        });
    }

    /// The injected failure for this request, if one is pending.
    fn take_failure(&self, method: &str, path: &str) -> Option<Reply> {
        self.with_state(|s| {
            let rule = s.failures.iter_mut().find(|r| {
                r.remaining > 0 && r.method.eq_ignore_ascii_case(method) && path.starts_with(&r.prefix)
            })?;
            rule.remaining -= 1;
            Some(match rule.status {
                429 => Reply::rate_limited(),
                500 => Reply::error(500, 0, "500: Internal Server Error"),
                502 => Reply::error(502, 0, "502: Bad Gateway"),
                503 => Reply::error(503, 0, "503: Service Unavailable"),
                status => Reply::error(status, 0, "injected failure"),
            })
        })
    }
}
