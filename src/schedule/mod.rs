//! Daily schedules and the timed work around them: when a channel's question is due, the
//! scheduler that posts it exactly once, and the closer that ends answer windows on time.

pub mod closer;
pub mod publisher;
pub mod rules;
pub mod runner;

pub use closer::{close_due, run_closer};
pub use publisher::{PublishError, Publisher};
pub use rules::{Days, Rule};
pub use runner::{Pass, Scheduler, DEFAULT_GRACE};
