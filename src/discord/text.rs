//! Text that is safe and fits: markdown escaping for user-provided text, truncation to Discord's
//! limits, and Discord timestamps.

use chrono::{DateTime, Utc};

/// Escapes Discord markdown and neutralises mentions in user-provided text (names, reasons), so
/// `@everyone` in a display name is shown, never parsed. (allowed_mentions is empty on every
/// message too; this keeps the text itself honest in embeds and logs.)
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '(' | ')' | '-' | ':' => {
                out.push('\\');
                out.push(c);
            }
            // A zero-width space after @ stops @everyone, @here and <@id> from forming a mention.
            '@' => out.push_str("@\u{200B}"),
            '<' => out.push_str("<\u{200B}"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Cuts text to at most `max` characters, ending with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `<t:unix:style>`: each reader sees it in their own zone. Style F = full date, R = relative.
pub fn timestamp(at: DateTime<Utc>, style: char) -> String {
    format!("<t:{}:{style}>", at.timestamp())
}

pub fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.0}%", f64::from(part) * 100.0 / f64::from(whole))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyone_in_a_name_cannot_ping_or_format() {
        let escaped = escape("@everyone **boss** <@&123>");
        assert!(!escaped.contains("@everyone"));
        assert!(!escaped.contains("<@"));
        assert!(escaped.contains("\\*\\*boss\\*\\*"));
    }

    #[test]
    fn truncation_respects_characters_not_bytes() {
        assert_eq!(truncate("héllo wörld", 6), "héllo…");
        assert_eq!(truncate("short", 10), "short");
    }
}
