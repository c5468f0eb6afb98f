//! Keeps `ops::GatewayStatus` in step with the shards. serenity's shard manager knows each
//! runner's connection stage (updated on every stage change and heartbeat, and the runner is
//! dropped while a shard restarts); a stage-change event alone is not enough, since a shard
//! whose resume fails is restarted without one.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{ConnectionStage, ShardManager};
use tokio::sync::watch;

use crate::ops::GatewayStatus;

/// How often the shards' stages are read: well under any health check's interval.
const EVERY: Duration = Duration::from_millis(500);

/// Mirrors which shards are connected until `stop`, then reports none.
pub async fn run(
    manager: Arc<ShardManager>,
    status: GatewayStatus,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|stop| *stop) => break,
        }
        let connected: Vec<u32> = manager
            .runners
            .lock()
            .await
            .iter()
            .filter(|(_, runner)| runner.stage == ConnectionStage::Connected)
            .map(|(shard, _)| shard.0)
            .collect();
        let before = status.connected();
        status.set_connected(&connected);
        if before != connected.len() {
            tracing::info!(shards = connected.len(), "gateway shards connected");
        }
    }
    status.set_connected(&[]);
}
