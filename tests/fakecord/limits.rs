//! Discord's documented limits that its OpenAPI description does not enforce (it allows 4,000
//! characters of content, 40 top-level components, and any command name and empty
//! descriptions). Reported with the schema violations.

use std::collections::HashSet;

use serde_json::Value;

/// The message flag for the newer component system, which has its own limits.
const IS_COMPONENTS_V2: u64 = 1 << 15;

pub fn check(method: &str, path: &str, body: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("PUT", ["applications", _, "commands"])
        | ("PUT", ["applications", _, "guilds", _, "commands"]) => commands(body, &mut found),
        ("POST", ["interactions", _, _, "callback"]) => {
            if matches!(body["type"].as_u64(), Some(4 | 7)) {
                message(&body["data"], "/data", &mut found);
            }
        }
        ("POST" | "PATCH", ["channels", _, "messages", ..])
        | ("POST" | "PATCH", ["webhooks", _, _, ..]) => message(body, "", &mut found),
        _ => {}
    }
    found
        .into_iter()
        .map(|e| format!("{method} {path}: Discord limit: {e}"))
        .collect()
}

fn chars(value: &Value) -> usize {
    value.as_str().map_or(0, |s| s.chars().count())
}

fn message(body: &Value, at: &str, found: &mut Vec<String>) {
    let content = chars(&body["content"]);
    if content > 2000 {
        found.push(format!(
            "content has {content} characters, over 2000 (at {at}/content)"
        ));
    }
    for (i, embed) in body["embeds"].as_array().into_iter().flatten().enumerate() {
        let fields = embed["fields"].as_array().map_or(&[][..], Vec::as_slice);
        if fields.len() > 25 {
            found.push(format!(
                "{} embed fields, over 25 (at {at}/embeds/{i})",
                fields.len()
            ));
        }
        let total = chars(&embed["title"])
            + chars(&embed["description"])
            + chars(&embed["footer"]["text"])
            + chars(&embed["author"]["name"])
            + fields
                .iter()
                .map(|f| chars(&f["name"]) + chars(&f["value"]))
                .sum::<usize>();
        if total > 6000 {
            found.push(format!(
                "embed text totals {total} characters, over 6000 (at {at}/embeds/{i})"
            ));
        }
    }
    let flags = body["flags"].as_u64().unwrap_or(0);
    let rows = body["components"].as_array().map_or(&[][..], Vec::as_slice);
    if flags & IS_COMPONENTS_V2 != 0 {
        return;
    }
    if rows.len() > 5 {
        found.push(format!(
            "{} action rows, over 5 (at {at}/components)",
            rows.len()
        ));
    }
    let mut custom_ids = HashSet::new();
    for (r, row) in rows.iter().enumerate() {
        let items = row["components"].as_array().map_or(&[][..], Vec::as_slice);
        let selects = items
            .iter()
            .filter(|c| c["type"].as_u64() != Some(2))
            .count();
        if selects > 0 && items.len() > 1 {
            found.push(format!(
                "a select menu must be alone in its row (at {at}/components/{r})"
            ));
        }
        for (c, item) in items.iter().enumerate() {
            if let Some(id) = item["custom_id"].as_str() {
                if !custom_ids.insert(id) {
                    found.push(format!(
                        "duplicate custom_id {id:?} (at {at}/components/{r}/components/{c})"
                    ));
                }
            }
        }
    }
}

fn valid_name(name: &str) -> bool {
    let length = name.chars().count();
    (1..=32).contains(&length)
        && name
            .chars()
            .all(|c| (c.is_alphanumeric() && !c.is_uppercase()) || matches!(c, '-' | '_' | '\''))
}

fn description(value: &Value, at: &str, found: &mut Vec<String>) {
    let length = chars(value);
    if !(1..=100).contains(&length) {
        found.push(format!(
            "description must have 1 to 100 characters, has {length} (at {at}/description)"
        ));
    }
}

fn commands(body: &Value, found: &mut Vec<String>) {
    let mut names = HashSet::new();
    for (i, command) in body.as_array().into_iter().flatten().enumerate() {
        let at = format!("/{i}");
        let kind = command["type"].as_u64().unwrap_or(1);
        let name = command["name"].as_str().unwrap_or_default();
        if !names.insert((kind, name)) {
            found.push(format!("two commands named {name:?} (at {at}/name)"));
        }
        if kind == 1 {
            if !valid_name(name) {
                found.push(format!(
                    "command name {name:?} is not a lowercase 1-32 character name (at {at}/name)"
                ));
            }
            description(&command["description"], &at, found);
            options(&command["options"], &at, found);
        }
    }
}

fn options(list: &Value, at: &str, found: &mut Vec<String>) {
    let list = list.as_array().map_or(&[][..], Vec::as_slice);
    if list.len() > 25 {
        found.push(format!("{} options, over 25 (at {at}/options)", list.len()));
    }
    let mut names = HashSet::new();
    let mut optional_seen = false;
    for (i, option) in list.iter().enumerate() {
        let at = format!("{at}/options/{i}");
        let name = option["name"].as_str().unwrap_or_default();
        if !valid_name(name) {
            found.push(format!(
                "option name {name:?} is not a lowercase 1-32 character name (at {at}/name)"
            ));
        }
        if !names.insert(name) {
            found.push(format!("two options named {name:?} (at {at}/name)"));
        }
        description(&option["description"], &at, found);
        let choices = option["choices"].as_array().map_or(0, Vec::len);
        if choices > 25 {
            found.push(format!("{choices} choices, over 25 (at {at}/choices)"));
        }
        match option["type"].as_u64() {
            Some(1 | 2) => options(&option["options"], &at, found),
            _ => {
                let required = option["required"].as_bool().unwrap_or(false);
                if required && optional_seen {
                    found.push(format!(
                        "required option {name:?} after an optional one (at {at})"
                    ));
                }
                optional_seen |= !required;
            }
        }
    }
}
