//! The engine and store suites again, on PostgreSQL: a throwaway server the harness starts from
//! this machine's binaries (tests/common/postgres.rs). Where there are none, one test says loudly
//! that these were skipped, and fails instead when CERTSPRINT_REQUIRE_POSTGRES is set (CI).

#[path = "../common/mod.rs"]
mod common;

/// The database these suites run on.
#[allow(dead_code)]
pub const BACKEND: certsprint::store::Backend = certsprint::store::Backend::Postgres;

#[cfg(postgres_server)]
#[path = "../engine/helpers.rs"]
mod helpers;

// Every engine suite but backups (SQLite files; PostgreSQL is backed up by pg_dump).
#[cfg(postgres_server)]
#[path = "../engine/answers.rs"]
mod answers;
#[cfg(postgres_server)]
#[path = "../engine/exports.rs"]
mod exports;
#[cfg(postgres_server)]
#[path = "../engine/health.rs"]
mod health;
#[cfg(postgres_server)]
#[path = "../engine/item_stats.rs"]
mod item_stats;
#[cfg(postgres_server)]
#[path = "../engine/leaderboards.rs"]
mod leaderboards;
#[cfg(postgres_server)]
mod migrate_data;
#[cfg(postgres_server)]
#[path = "../engine/mocks.rs"]
mod mocks;
#[cfg(postgres_server)]
#[path = "../engine/picking.rs"]
mod picking;
#[cfg(postgres_server)]
#[path = "../engine/practice.rs"]
mod practice;
#[cfg(postgres_server)]
#[path = "../engine/reviews.rs"]
mod reviews;
#[cfg(postgres_server)]
#[path = "../engine/scheduler.rs"]
mod scheduler;
mod schema_parity;
#[cfg(postgres_server)]
#[path = "../engine/shards.rs"]
mod shards;
#[cfg(postgres_server)]
#[path = "../engine/sprints.rs"]
mod sprints;
#[cfg(postgres_server)]
#[path = "../engine/stats.rs"]
mod stats;
#[cfg(postgres_server)]
#[path = "../engine/store.rs"]
mod store;
#[cfg(postgres_server)]
#[path = "../engine/streaks.rs"]
mod streaks;
#[cfg(postgres_server)]
#[path = "../engine/timer.rs"]
mod timer;

#[cfg(not(postgres_server))]
#[test]
fn postgresql_suites_need_a_postgresql_server() {
    let message =
        "no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql: \
                   the engine and store suites did NOT run on PostgreSQL";
    assert!(!common::postgres::required(), "{message}");
    eprintln!("\n*** SKIPPED: {message} ***\n");
}
