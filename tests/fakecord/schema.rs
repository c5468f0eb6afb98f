//! Validates request bodies against Discord's OpenAPI description (MIT, discord-openapi.json).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{json, Value};

static SPEC: OnceLock<Value> = OnceLock::new();
static VALIDATORS: OnceLock<Mutex<HashMap<String, Option<jsonschema::Validator>>>> =
    OnceLock::new();

fn spec() -> &'static Value {
    SPEC.get_or_init(|| {
        serde_json::from_str(include_str!("discord-openapi.json"))
            .expect("the OpenAPI description parses")
    })
}

/// The spec's path template matching a concrete path ("/channels/{channel_id}/messages").
fn template_for(path: &str) -> Option<&'static str> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    spec()["paths"]
        .as_object()?
        .keys()
        .find(|template| {
            let pattern: Vec<&str> = template.trim_matches('/').split('/').collect();
            pattern.len() == parts.len()
                && pattern
                    .iter()
                    .zip(&parts)
                    .all(|(p, a)| (p.starts_with('{') && p.ends_with('}')) || p == a)
        })
        .map(String::as_str)
}

/// A violation message, or None when the body fits (or the operation has no JSON schema).
pub fn check(method: &str, path: &str, body: &Value) -> Option<String> {
    let template = template_for(path)?;
    let key = format!("{method} {template}");
    let cache = VALIDATORS.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap();
    let validator = cache.entry(key.clone()).or_insert_with(|| {
        let schema = spec()["paths"][template][method.to_lowercase()]["requestBody"]["content"]["application/json"]["schema"].clone();
        if schema.is_null() {
            return None;
        }
        // Wrap the operation's schema so its "#/components/..." references resolve.
        let root = json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "allOf": [schema], "components": spec()["components"].clone()});
        Some(jsonschema::validator_for(&root).expect("the operation schema compiles"))
    });
    let validator = validator.as_ref()?;
    let body = &attachment_ids_as_strings(body);
    let errors: Vec<String> = validator
        .iter_errors(body)
        .filter(|e| !known_spec_gap(&e.instance_path.to_string()))
        .take(3)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    (!errors.is_empty()).then(|| format!("{method} {path}: {}", errors.join("; ")))
}

/// Where the preview description disagrees with Discord's documented API, which wins:
/// `default_member_permissions` is documented as a string of permission bits (and sent as one by
/// poise), while the description types it as an integer.
fn known_spec_gap(instance_path: &str) -> bool {
    instance_path.ends_with("/default_member_permissions")
}

/// Another gap: with files, Discord documents each `attachments[].id` as the index N of its
/// `files[N]` part, an integer (as serenity sends it), while the description types it as a
/// snowflake string. The integer is checked against the parts in `multipart::check_attachments`;
/// here it is read as the string the description expects.
fn attachment_ids_as_strings(body: &Value) -> Value {
    let mut body = body.clone();
    let as_strings = |attachments: Option<&mut Value>| {
        for attachment in attachments
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(id) = attachment.get("id").and_then(Value::as_u64) {
                attachment["id"] = Value::String(id.to_string());
            }
        }
    };
    as_strings(body.get_mut("attachments"));
    as_strings(body.get_mut("data").and_then(|d| d.get_mut("attachments")));
    body
}
