//! The Discord adapter (serenity + poise): the only module that knows Discord exists. It parses
//! interactions, checks permissions, calls the quiz engine, and renders what it returns.

mod channel_events;
mod commands;
mod components;
mod context;
mod drain;
mod exams;
mod gateway_watch;
pub mod ids;
mod mock_flow;
mod publish;
mod question_flow;
mod refusal;
pub mod render;
mod reply;
mod reports_flow;
mod sprint_flow;
mod telemetry;
pub mod text;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use serenity::{ClientBuilder, GatewayIntents, HttpBuilder};
use tokio::sync::{mpsc, watch};

use crate::config::Token;
use crate::ops::GatewayStatus;
use crate::quiz::Engine;
use crate::schedule::Scheduler;
use crate::shards::ShardRange;
pub use context::{Data, Error};
pub use publish::DiscordPublisher;

pub struct Settings {
    pub token: Token,
    /// Base URL for REST (a rate-limiting proxy or a local Discord-compatible server).
    pub api_url: Option<String>,
    /// Register commands in this guild only (instant updates while developing).
    pub dev_guild: Option<u64>,
    /// Run these gateway shards only (several processes share the bot); `None`: autosharding.
    pub shards: Option<ShardRange>,
    /// Kept up to date with the shards' connections, for the health check.
    pub gateway: GatewayStatus,
}

/// How long in-flight interactions get to finish on shutdown.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts this process's shards: a range of them, or as many as Discord recommends.
async fn start_shards(
    client: &mut serenity::Client,
    shards: Option<ShardRange>,
) -> serenity::Result<()> {
    match shards {
        // serenity starts the range's end too: `first..last` runs shards first to last.
        Some(range) => {
            client
                .start_shard_range(range.first..range.last, range.total)
                .await
        }
        None => client.start_autosharded().await,
    }
}

/// Runs the bot until SIGINT or SIGTERM.
pub async fn run(engine: Engine, settings: Settings) -> anyhow::Result<()> {
    run_until(engine, settings, shutdown_signal()).await
}

/// Runs the bot until `shutdown` resolves, then stops the shards, lets in-flight interactions
/// finish, and returns. A failure to start (registration refused, gateway unreachable) returns
/// an error instead of leaving a bot that is online but deaf.
pub async fn run_until(
    engine: Engine,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let mut http = HttpBuilder::new(settings.token.expose());
    if let Some(url) = &settings.api_url {
        // serenity only honours the proxy with its own rate limiter off; a shared proxy (or the
        // test server) does the limiting, and publish.rs retries 429s and 5xx itself.
        http = http.proxy(url.clone()).ratelimiter_disabled(true);
    }
    let http = http.build();
    let shards = settings.shards;

    let (setup_failed_tx, mut setup_failed) = mpsc::channel::<String>(1);
    let data = Arc::new(Data::new(engine.clone()));
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            on_error: |error| Box::pin(context::on_error(error)),
            event_handler: |framework, event| {
                Box::pin(async move {
                    if let serenity::FullEvent::ChannelDelete { channel, .. } = event {
                        channel_events::on_channel_delete(framework.user_data, channel).await;
                    }
                    components::on_event(framework, event).await
                })
            },
            allowed_mentions: Some(serenity::CreateAllowedMentions::new()),
            ..Default::default()
        })
        .setup({
            let data = data.clone();
            move |ctx, ready, framework| {
                Box::pin(async move {
                    // With shard ranges, one process (the holder of shard 0) registers for all.
                    let registers = settings.shards.is_none_or(|range| range.holds_shard_zero());
                    let result = match settings.dev_guild {
                        _ if !registers => Ok(()),
                        Some(guild) => poise::builtins::register_in_guild(ctx, &framework.options().commands, serenity::GuildId::new(guild)).await,
                        None => poise::builtins::register_globally(ctx, &framework.options().commands).await,
                    };
                    if let Err(error) = result {
                        let _ = setup_failed_tx.send(format!("registering slash commands failed: {error}")).await;
                        return Err(error.into());
                    }
                    tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected and commands registered");
                    Ok(data)
                })
            }
        })
        .build();

    let framework = drain::Counted {
        framework,
        in_flight: data.in_flight.clone(),
    };
    let mut client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .framework(framework)
        .await
        .context("building the Discord client")?;

    let publisher = Arc::new(DiscordPublisher::new(
        client.http.clone(),
        client.cache.clone(),
        engine.bank.clone(),
    ));
    data.set_publisher(publisher.clone());
    let (stop_timers, timers_stop) = watch::channel(false);
    let scheduler = Scheduler::new(engine.clone(), publisher.clone());
    let scheduler = tokio::spawn(scheduler.run(timers_stop.clone()));
    let sprint_timer = tokio::spawn(crate::schedule::run_timer(
        engine.clone(),
        publisher.clone(),
        timers_stop.clone(),
    ));
    let reminders = tokio::spawn(crate::schedule::run_reminders(
        engine.clone(),
        publisher.clone(),
        timers_stop.clone(),
    ));
    let closer = tokio::spawn(crate::schedule::run_closer(
        engine.clone(),
        publisher,
        timers_stop.clone(),
    ));
    let gateway_watch = tokio::spawn(gateway_watch::run(
        client.shard_manager.clone(),
        settings.gateway.clone(),
        timers_stop,
    ));

    // If this future is dropped (a caller aborts the bot), the timers must not live on.
    let _timers = AbortOnDrop(vec![
        scheduler.abort_handle(),
        sprint_timer.abort_handle(),
        closer.abort_handle(),
        reminders.abort_handle(),
        gateway_watch.abort_handle(),
    ]);
    let shard_manager = client.shard_manager.clone();
    let outcome = tokio::select! {
        result = start_shards(&mut client, shards) => result.context("the Discord connection failed"),
        Some(reason) = setup_failed.recv() => Err(anyhow::anyhow!(reason)),
        _ = shutdown => {
            tracing::info!("shutting down");
            Ok(())
        }
    };
    shard_manager.shutdown_all().await;
    let _ = stop_timers.send(true);
    let _ = scheduler.await;
    let _ = sprint_timer.await;
    let _ = closer.await;
    let _ = reminders.await;
    let _ = gateway_watch.await;
    if tokio::time::timeout(DRAIN_TIMEOUT, data.in_flight.drained())
        .await
        .is_err()
    {
        tracing::warn!("some interactions were still running at shutdown");
    }
    outcome
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}

/// Aborts background tasks when dropped.
struct AbortOnDrop(Vec<tokio::task::AbortHandle>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}
