//! What "healthy" means: the database takes a write and at least one gateway shard is connected.

use std::time::Duration;

use super::gateway::GatewayStatus;
use crate::quiz::Engine;

/// Longer than the store's own busy timeout, so a slow write reports its own error first.
const PROBE_TIMEOUT: Duration = Duration::from_secs(8);

#[derive(Clone)]
pub struct Health {
    pub engine: Engine,
    pub gateway: GatewayStatus,
}

impl Health {
    /// `Ok` when healthy, otherwise every reason it is not, in words for the admin.
    pub async fn check(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        match tokio::time::timeout(PROBE_TIMEOUT, self.engine.probe_write()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => problems.push(format!("the database does not take writes: {error}")),
            Err(_) => problems.push(format!(
                "the database did not take a write within {} s",
                PROBE_TIMEOUT.as_secs()
            )),
        }
        if self.gateway.connected() == 0 {
            problems.push("no gateway shard is connected to Discord".to_string());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}
