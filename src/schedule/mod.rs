//! Daily schedules: the rules for when a channel's question is due.

pub mod rules;

pub use rules::{Days, Rule};
