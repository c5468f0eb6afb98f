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
mod stats;
