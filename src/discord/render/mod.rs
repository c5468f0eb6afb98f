//! Pure rendering: views in, serenity builders out, within Discord's limits.

pub mod answer;
pub mod bank;
pub mod board;
pub mod controls;
pub mod mock;
pub mod picker;
pub mod question;
pub mod review;
pub mod sprint;
pub mod stats;
