//! Request bodies checked against Discord's OpenAPI description (tests/support/
//! discord-openapi.json, MIT): the operation is found by method and path template, its
//! application/json schema compiled once (lazily, shared by every fake in the process) with the
//! whole document registered as a resource so `$ref`s resolve.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Validator};
use serde_json::{json, Value};

const SPEC_URI: &str = "urn:discord-openapi";
const MAX_MESSAGE: usize = 300;

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(include_str!("discord-openapi.json")).expect("the OpenAPI description parses"))
}

type Cache = Mutex<HashMap<String, Option<Arc<Validator>>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The path template for a concrete path, preferring the one with most literal segments
/// (`/messages/@original` over `/messages/{message_id}`).
pub fn template(method: &str, path: &str) -> Option<&'static str> {
    let method = method.to_lowercase();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    spec()["paths"]
        .as_object()?
        .iter()
        .filter(|(_, operations)| operations.get(&method).is_some())
        .filter_map(|(template, _)| {
            let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (part, segment) in parts.iter().zip(&segments) {
                if part.starts_with('{') && part.ends_with('}') {
                    continue;
                }
                if part != segment {
                    return None;
                }
                literal += 1;
            }
            Some((literal, template.as_str()))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, template)| template)
}

/// Makes the document-relative `$ref`s of a schema taken out of the document absolute.
fn absolutize(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                match inner.as_str() {
                    Some(reference) if key == "$ref" && reference.starts_with('#') => {
                        *inner = json!(format!("{SPEC_URI}{reference}"));
                    }
                    _ => absolutize(inner),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(absolutize),
        _ => {}
    }
}

fn compiled(key: String, schema: impl FnOnce() -> Value) -> Option<Arc<Validator>> {
    if let Some(found) = cache().lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found.clone();
    }
    let mut schema = schema();
    let validator = (!schema.is_null()).then(|| {
        absolutize(&mut schema);
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_resource(SPEC_URI, Draft::Draft202012.create_resource(spec().clone()))
            .build(&schema)
            .unwrap_or_else(|e| panic!("compiling the OpenAPI schema {key}: {e}"));
        Arc::new(validator)
    });
    cache()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, validator.clone());
    validator
}

fn body_schema(method: &str, template: &str) -> Value {
    spec()["paths"][template][method.to_lowercase()]["requestBody"]["content"]["application/json"]["schema"].clone()
}

fn resolve(schema: &Value) -> &'static Value {
    let pointer = schema["$ref"].as_str().and_then(|r| r.strip_prefix('#')).unwrap_or("/nonexistent");
    spec().pointer(pointer).unwrap_or(&Value::Null)
}

fn errors(validator: &Validator, body: &Value) -> Vec<String> {
    validator
        .iter_errors(body)
        .map(|e| {
            let mut message = e.to_string();
            if message.len() > MAX_MESSAGE {
                let mut cut = MAX_MESSAGE;
                while !message.is_char_boundary(cut) {
                    cut -= 1;
                }
                message.truncate(cut);
                message.push_str("...");
            }
            format!("{message} (at {})", if e.instance_path.as_str().is_empty() { "/" } else { e.instance_path.as_str() })
        })
        .collect()
}

/// The violations of `body` for `method path`, as "METHOD /path: error (at /pointer)".
pub fn check(method: &str, path: &str, body: &Value) -> Vec<String> {
    let Some(template) = template(method, path) else { return Vec::new() };
    let key = format!("{method} {template}");
    let Some(validator) = compiled(key.clone(), || body_schema(method, template)) else {
        return Vec::new();
    };
    let mut found = errors(&validator, body);
    if !found.is_empty() {
        if let Some(detail) = best_alternative(method, template, &key, body) {
            found = detail;
        }
    }
    found.into_iter().map(|e| format!("{method} {path}: {e}")).collect()
}

/// For an anyOf/oneOf body (interaction callbacks, webhooks), the errors against the closest
/// alternative (same `type`, fewest errors): far more telling than "not valid under any".
fn best_alternative(method: &str, template: &str, key: &str, body: &Value) -> Option<Vec<String>> {
    let schema = body_schema(method, template);
    let alternatives = schema.get("anyOf").or_else(|| schema.get("oneOf"))?.as_array()?.clone();
    let same_type = |alternative: &Value| {
        let allowed = &resolve(alternative)["properties"]["type"]["enum"];
        allowed.as_array().is_none_or(|kinds| kinds.contains(&body["type"]))
    };
    alternatives
        .iter()
        .enumerate()
        .filter(|(_, alternative)| same_type(alternative))
        .filter_map(|(i, alternative)| {
            let validator = compiled(format!("{key} #{i}"), || alternative.clone())?;
            Some(errors(&validator, body))
        })
        .filter(|errors| !errors.is_empty())
        .min_by_key(Vec::len)
}
