//! The gateway's state as the health check sees it: which shards are connected. The Discord
//! adapter keeps it up to date; `ops` reads it without knowing Discord's types.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// A shared handle on the connected shards (cheap to clone).
#[derive(Clone, Default)]
pub struct GatewayStatus(Arc<Mutex<BTreeSet<u32>>>);

impl GatewayStatus {
    /// Replaces the set of connected shards.
    pub fn set_connected(&self, shards: &[u32]) {
        let mut connected = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *connected = shards.iter().copied().collect();
        super::metrics::shards_connected(connected.len());
    }

    /// How many shards are connected now.
    pub fn connected(&self) -> usize {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_come_and_go() {
        let status = GatewayStatus::default();
        assert_eq!(status.connected(), 0);
        status.set_connected(&[0, 1, 0]);
        assert_eq!(status.connected(), 2);
        status.set_connected(&[1]);
        assert_eq!(status.connected(), 1);
        status.set_connected(&[]);
        assert_eq!(status.connected(), 0);
    }
}
