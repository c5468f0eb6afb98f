//! The Discord adapter (serenity + poise). The only module that knows Discord exists.

use crate::config::Token;
use crate::quiz::Engine;

pub struct Settings {
    pub token: Token,
    pub api_url: Option<String>,
    pub dev_guild: Option<u64>,
}

pub async fn run(_engine: Engine, _settings: Settings) -> anyhow::Result<()> {
    anyhow::bail!("the Discord adapter is not built yet")
}
