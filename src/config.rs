//! Settings from the environment and flags, checked once at start with errors that say what to fix.

use std::fmt;
use std::path::PathBuf;

/// The database used when DATABASE_URL is not set: a file beside the working directory,
/// created on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:certsprint.db";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("DISCORD_TOKEN is not set: create a bot in the Discord developer portal and export its token (see README)")]
    MissingToken,
    #[error("DISCORD_TOKEN looks wrong: {0}")]
    BadToken(&'static str),
    #[error("DATABASE_URL must be a SQLite URL such as sqlite:certsprint.db or sqlite:///var/lib/certsprint/bot.db (got {0:?})")]
    BadDatabaseUrl(String),
    #[error("DISCORD_API_URL must be an http:// or https:// base URL such as http://127.0.0.1:8080 (got {0:?})")]
    BadApiUrl(String),
    #[error("CERTSPRINT_QUESTIONS points to {0:?}, which is not a directory")]
    BadQuestionsDir(PathBuf),
}

/// The bot token. Never printed: Debug and Display show a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn parse(raw: Option<&str>) -> Result<Token, ConfigError> {
        let raw = raw
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ConfigError::MissingToken)?;
        let raw = raw.strip_prefix("Bot ").unwrap_or(raw);
        if raw.chars().any(char::is_whitespace) {
            return Err(ConfigError::BadToken("it contains spaces"));
        }
        if raw.len() < 20 {
            return Err(ConfigError::BadToken("it is too short to be a bot token"));
        }
        Ok(Token(raw.to_string()))
    }

    /// The secret itself, for the one place that hands it to the Discord client.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

pub fn database_url(raw: &str) -> Result<String, ConfigError> {
    let url = raw.trim();
    if !url.starts_with("sqlite:") || url.contains(":memory:") {
        // An in-memory database would lose every answer on restart.
        return Err(ConfigError::BadDatabaseUrl(raw.to_string()));
    }
    Ok(url.to_string())
}

/// A base URL for Discord's REST API (a rate-limiting proxy, or a local Discord-compatible
/// server in tests); serenity appends /api/v10/... to it.
pub fn api_url(raw: Option<&str>) -> Result<Option<String>, ConfigError> {
    let Some(raw) = raw.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let rest = raw
        .strip_prefix("http://")
        .or_else(|| raw.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(Some(raw.trim_end_matches('/').to_string()))
        }
        _ => Err(ConfigError::BadApiUrl(raw.to_string())),
    }
}

pub fn questions_dir(raw: Option<PathBuf>) -> Result<Option<PathBuf>, ConfigError> {
    match raw {
        Some(dir) if dir.as_os_str().is_empty() => Ok(None),
        Some(dir) if !dir.is_dir() => Err(ConfigError::BadQuestionsDir(dir)),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_shows_in_debug_or_display() {
        let token = Token::parse(Some("MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.secretsecret")).unwrap();
        assert!(!format!("{token:?} {token}").contains("secret"));
    }

    #[test]
    fn bad_settings_are_named() {
        assert_eq!(Token::parse(None), Err(ConfigError::MissingToken));
        assert_eq!(Token::parse(Some("  ")), Err(ConfigError::MissingToken));
        assert!(matches!(
            Token::parse(Some("short")),
            Err(ConfigError::BadToken(_))
        ));
        assert!(database_url("postgres://x").is_err());
        assert!(database_url("sqlite::memory:").is_err());
        assert_eq!(database_url("sqlite:bot.db").unwrap(), "sqlite:bot.db");
        assert_eq!(
            api_url(Some("http://127.0.0.1:9/")).unwrap().as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert!(api_url(Some("ftp://x")).is_err());
        assert_eq!(api_url(None).unwrap(), None);
    }
}
