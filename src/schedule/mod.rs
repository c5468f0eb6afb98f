//! Daily schedules and the timed work around them: when a channel's question is due, the
//! scheduler that posts it exactly once, the closer that ends answer windows on time, the
//! timer that settles sprints and mock exams, and backups on a timer.

pub mod backups;
pub mod closer;
pub mod on_demand;
pub mod publisher;
pub mod reminders;
pub mod rules;
pub mod runner;
pub mod timer;

pub use backups::{BackupProgress, Backups};
pub use closer::{close_due, run_closer};
pub use on_demand::{post_now, PostNowError};
pub use publisher::{PublishError, Publisher};
pub use reminders::{run_reminders, send_due_reminders};
pub use rules::{Days, Rule};
pub use runner::{Pass, Scheduler, DEFAULT_GRACE};
pub use timer::run_timer;
