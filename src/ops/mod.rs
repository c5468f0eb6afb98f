//! Running the bot for months: the optional health and metrics listener (off unless an address
//! is configured), the gateway state it reports, and the metrics every module records. Nothing
//! here knows Discord's types: the adapter feeds `GatewayStatus`.

pub mod gateway;
pub mod health;
pub mod http;
pub mod metrics;

pub use gateway::GatewayStatus;
pub use health::Health;
pub use http::{get_health, OpsServer};
