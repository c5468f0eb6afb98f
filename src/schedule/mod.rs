//! Daily schedules and the timed work around them: when a channel's question is due, and the
//! closer that ends answer windows on time.

pub mod closer;
pub mod rules;

pub use closer::{close_due, run_closer, Publisher};
pub use rules::{Days, Rule};
