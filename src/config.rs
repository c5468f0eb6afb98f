//! Settings from the environment and flags, checked once at start with errors that say what to fix.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
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
    #[error("DATABASE_URL must be a SQLite URL such as sqlite:certsprint.db, or a PostgreSQL URL such as postgres://certsprint@db.example/certsprint (got {0:?})")]
    BadDatabaseUrl(String),
    #[error("DISCORD_API_URL must be an http:// or https:// base URL such as http://127.0.0.1:8080 (got {0:?})")]
    BadApiUrl(String),
    #[error("CERTSPRINT_QUESTIONS points to {0:?}, which is not a directory")]
    BadQuestionsDir(PathBuf),
    #[error("{variable} must be a duration such as 30m, 6h, 24h or 7d (got {value:?})")]
    BadDuration {
        variable: &'static str,
        value: String,
    },
    #[error("CERTSPRINT_BACKUP_EVERY must be at least {minimum} (got {value:?})")]
    BackupTooOften {
        minimum: &'static str,
        value: String,
    },
    #[error("CERTSPRINT_BACKUP_KEEP must be at least 1 (got 0)")]
    BadBackupKeep,
    #[error("{0} is set but CERTSPRINT_BACKUP_DIR is not: set the directory to turn backups on")]
    BackupWithoutDir(&'static str),
    #[error("CERTSPRINT_BACKUP_DIR points to {0:?}, which is not a directory")]
    BadBackupDir(PathBuf),
    #[error("CERTSPRINT_METRICS_ADDR must be an address and port such as 127.0.0.1:9184 or [::1]:9184 (got {0:?})")]
    BadMetricsAddr(String),
    #[error("CERTSPRINT_METRICS_ADDR {0} is reachable from other machines; use a loopback address such as 127.0.0.1:9184, or set CERTSPRINT_METRICS_PUBLIC=true (--metrics-public) to expose health and metrics on purpose")]
    PublicMetricsAddr(SocketAddr),
    #[error("CERTSPRINT_LOG_FORMAT must be text or json (got {0:?})")]
    BadLogFormat(String),
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
    let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if !(postgres || url.starts_with("sqlite:")) || url.contains(":memory:") {
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

/// A length of time as an admin writes it: a whole number and a unit, `s`, `m`, `h` or `d`
/// (`30m`, `6h`, `24h`, `7d`). `variable` names the setting in the error.
pub fn parse_duration(variable: &'static str, raw: &str) -> Result<chrono::Duration, ConfigError> {
    let bad = || ConfigError::BadDuration {
        variable,
        value: raw.to_string(),
    };
    let text = raw.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().map_err(|_| bad())?;
    let seconds_per_unit = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    number
        .checked_mul(seconds_per_unit)
        .filter(|&seconds| seconds > 0 && seconds <= 366 * 86_400)
        .map(chrono::Duration::seconds)
        .ok_or_else(bad)
}

/// Backups on a timer: off unless a directory is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSettings {
    pub dir: PathBuf,
    pub every: chrono::Duration,
    pub keep: usize,
}

pub const DEFAULT_BACKUP_EVERY: chrono::Duration = chrono::Duration::hours(24);
pub const DEFAULT_BACKUP_KEEP: usize = 7;

/// Backups taken more often than this would spend the bot's time copying.
const MIN_BACKUP_EVERY: chrono::Duration = chrono::Duration::minutes(5);

/// The backup settings, or `None` when no directory is set. The directory is created if
/// missing, so a typo shows at start rather than at the first backup a day later.
pub fn backup_settings(
    dir: Option<PathBuf>,
    every: Option<&str>,
    keep: Option<usize>,
) -> Result<Option<BackupSettings>, ConfigError> {
    let every = every.map(str::trim).filter(|e| !e.is_empty());
    let Some(dir) = dir.filter(|d| !d.as_os_str().is_empty()) else {
        if every.is_some() {
            return Err(ConfigError::BackupWithoutDir("CERTSPRINT_BACKUP_EVERY"));
        }
        if keep.is_some() {
            return Err(ConfigError::BackupWithoutDir("CERTSPRINT_BACKUP_KEEP"));
        }
        return Ok(None);
    };
    let every = match every {
        Some(raw) => parse_duration("CERTSPRINT_BACKUP_EVERY", raw)?,
        None => DEFAULT_BACKUP_EVERY,
    };
    if every < MIN_BACKUP_EVERY {
        return Err(ConfigError::BackupTooOften {
            minimum: "5m",
            value: format!("{}s", every.num_seconds()),
        });
    }
    let keep = keep.unwrap_or(DEFAULT_BACKUP_KEEP);
    if keep == 0 {
        return Err(ConfigError::BadBackupKeep);
    }
    if std::fs::create_dir_all(&dir).is_err() || !dir.is_dir() {
        return Err(ConfigError::BadBackupDir(dir));
    }
    Ok(Some(BackupSettings { dir, every, keep }))
}

/// Where the health and metrics listener binds: `None` (off) unless an address is given. A
/// listener other machines can reach is refused unless the admin opts in with `public`.
/// `localhost:PORT` means 127.0.0.1.
pub fn metrics_addr(raw: Option<&str>, public: bool) -> Result<Option<SocketAddr>, ConfigError> {
    let Some(raw) = raw.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let bad = || ConfigError::BadMetricsAddr(raw.to_string());
    let addr = if let Some(port) = raw.strip_prefix("localhost:") {
        let port = port.parse::<u16>().map_err(|_| bad())?;
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)
    } else if let Ok(addr) = raw.parse::<SocketAddr>() {
        addr
    } else {
        // A bare port (or ":9184") listens on every interface, as other servers read it.
        let port = raw
            .trim_start_matches(':')
            .parse::<u16>()
            .map_err(|_| bad())?;
        SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port)
    };
    if !addr.ip().is_loopback() && !public {
        return Err(ConfigError::PublicMetricsAddr(addr));
    }
    Ok(Some(addr))
}

/// How log lines are written: readable text (the default) or one JSON object per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl LogFormat {
    pub fn parse(raw: Option<&str>) -> Result<LogFormat, ConfigError> {
        match raw.map(|f| f.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") | Some("text") => Ok(LogFormat::Text),
            Some("json") => Ok(LogFormat::Json),
            Some(_) => Err(ConfigError::BadLogFormat(
                raw.unwrap_or_default().to_string(),
            )),
        }
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
        assert!(database_url("mysql://x").is_err());
        assert_eq!(
            database_url("postgres://bot@db/certsprint").unwrap(),
            "postgres://bot@db/certsprint"
        );
        assert!(database_url("sqlite::memory:").is_err());
        assert_eq!(database_url("sqlite:bot.db").unwrap(), "sqlite:bot.db");
        assert_eq!(
            api_url(Some("http://127.0.0.1:9/")).unwrap().as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert!(api_url(Some("ftp://x")).is_err());
        assert_eq!(api_url(None).unwrap(), None);
    }

    #[test]
    fn durations_read_as_admins_write_them() {
        let parse = |raw| parse_duration("X", raw);
        assert_eq!(parse("30m").unwrap(), chrono::Duration::minutes(30));
        assert_eq!(parse("6h").unwrap(), chrono::Duration::hours(6));
        assert_eq!(parse(" 24h ").unwrap(), chrono::Duration::hours(24));
        assert_eq!(parse("7d").unwrap(), chrono::Duration::days(7));
        assert_eq!(parse("90s").unwrap(), chrono::Duration::seconds(90));
        for bad in [
            "",
            "h",
            "24",
            "24x",
            "-1h",
            "0h",
            "1.5h",
            "1h30m",
            "99999999999d",
        ] {
            let error = parse(bad).unwrap_err();
            assert!(
                error.to_string().contains("30m, 6h, 24h or 7d"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn the_metrics_listener_is_off_unless_an_address_is_given() {
        assert_eq!(metrics_addr(None, false), Ok(None));
        assert_eq!(metrics_addr(Some(" "), false), Ok(None));
    }

    #[test]
    fn loopback_metrics_addresses_are_accepted() {
        let v4: SocketAddr = "127.0.0.1:9184".parse().unwrap();
        assert_eq!(metrics_addr(Some("127.0.0.1:9184"), false), Ok(Some(v4)));
        assert_eq!(metrics_addr(Some("localhost:9184"), false), Ok(Some(v4)));
        let v6: SocketAddr = "[::1]:9184".parse().unwrap();
        assert_eq!(metrics_addr(Some("[::1]:9184"), false), Ok(Some(v6)));
        let any_port: SocketAddr = "127.0.0.1:0".parse().unwrap();
        assert_eq!(metrics_addr(Some("127.0.0.1:0"), false), Ok(Some(any_port)));
    }

    #[test]
    fn reachable_metrics_addresses_need_the_public_opt_in() {
        for raw in [
            "0.0.0.0:9184",
            "[::]:9184",
            "192.168.1.20:9184",
            ":9184",
            "9184",
        ] {
            assert!(
                matches!(
                    metrics_addr(Some(raw), false),
                    Err(ConfigError::PublicMetricsAddr(_))
                ),
                "{raw} is refused without the opt-in"
            );
            assert!(metrics_addr(Some(raw), true).unwrap().is_some(), "{raw}");
        }
        let message = metrics_addr(Some("0.0.0.0:9184"), false)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("CERTSPRINT_METRICS_PUBLIC=true"),
            "{message}"
        );
    }

    #[test]
    fn malformed_metrics_addresses_are_named() {
        for raw in [
            "localhost",
            "127.0.0.1",
            "http://127.0.0.1:9184",
            "127.0.0.1:99999",
            "example.com:9184",
        ] {
            assert_eq!(
                metrics_addr(Some(raw), false),
                Err(ConfigError::BadMetricsAddr(raw.to_string())),
                "{raw}"
            );
        }
    }

    #[test]
    fn backups_are_off_unless_a_directory_is_set() {
        assert_eq!(backup_settings(None, None, None).unwrap(), None);
        assert_eq!(
            backup_settings(None, Some("6h"), None),
            Err(ConfigError::BackupWithoutDir("CERTSPRINT_BACKUP_EVERY"))
        );
        let dir = std::env::temp_dir().join(format!("certsprint-config-{}", std::process::id()));
        let settings = backup_settings(Some(dir.join("nested")), None, None)
            .unwrap()
            .unwrap();
        assert_eq!(settings.every, chrono::Duration::hours(24));
        assert_eq!(settings.keep, 7);
        assert!(settings.dir.is_dir());
        assert_eq!(
            backup_settings(Some(dir.clone()), Some("1m"), None),
            Err(ConfigError::BackupTooOften {
                minimum: "5m",
                value: "60s".into()
            })
        );
        assert_eq!(
            backup_settings(Some(dir.clone()), None, Some(0)),
            Err(ConfigError::BadBackupKeep)
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn log_formats() {
        assert_eq!(LogFormat::parse(None), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(Some("text")), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(Some("JSON")), Ok(LogFormat::Json));
        assert!(LogFormat::parse(Some("yaml")).is_err());
    }
}
