//! The quiz engine and the store, on real SQLite files with a manual clock.

#[path = "../common/mod.rs"]
mod common;
mod helpers;

/// The database these suites run on (tests/engine_postgres runs them again on PostgreSQL).
pub const BACKEND: certsprint::store::Backend = certsprint::store::Backend::Sqlite;

mod answers;
mod backups;
mod exports;
mod health;
mod item_stats;
mod leaderboards;
mod mocks;
mod picking;
mod practice;
mod reviews;
mod scheduler;
mod shards;
mod sprints;
mod stats;
mod store;
mod streaks;
mod timer;
