#![recursion_limit = "256"]
//! End to end: the real bot (serenity + poise, unmodified) against a local Discord-compatible
//! server, acting as server members and checking what Discord would have received.

#[path = "../fakecord/mod.rs"]
mod support;

#[path = "../common/mod.rs"]
mod common;
mod harness;

mod answering;
mod bank_admin;
mod commands;
mod competitions;
mod exports;
mod ops;
mod personal;
mod review;
mod scheduled;
#[cfg(postgres_server)]
mod shards;
mod stats;

/// The two-process tests (tests/e2e/shards.rs) run bot processes on a PostgreSQL this harness
/// starts; without PostgreSQL server binaries they are skipped, loudly, or fail in CI.
#[cfg(not(postgres_server))]
#[test]
fn two_process_tests_need_a_postgresql_server() {
    let message =
        "no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql: \
         the two-process end-to-end tests did NOT run";
    assert!(!common::postgres::required(), "{message}");
    eprintln!("\n*** SKIPPED: {message} ***\n");
}
