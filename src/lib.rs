//! certsprint: a Discord study bot for the AWS AI certifications.
//!
//! Everything a study group cares about lives here in plain Rust (banks, scoring, streaks,
//! leaderboards, stats); Discord is an adapter in `discord/`.

pub mod bank;
pub mod clock;
pub mod config;
pub mod database_lock;
pub mod discord;
pub mod export;
pub mod insights;
pub mod item_report;
pub mod ops;
pub mod practice;
pub mod quiz;
pub mod random;
pub mod restore;
pub mod schedule;
pub mod shards;
pub mod store;
