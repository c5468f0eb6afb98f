//! Wake-ups for the background loops. The scheduler, the closer and the sprint timer each sleep
//! until their next known deadline; an engine operation that changes what one of them must do
//! raises its signal, so no caller can forget to (a schedule set up for two minutes from now
//! posts in two minutes, not when the scheduler next happens to look).

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::futures::Notified;
use tokio::sync::Notify;

/// One loop's wake-up.
#[derive(Debug, Default)]
pub struct Signal {
    notify: Notify,
    raised: AtomicU64,
}

impl Signal {
    /// Wakes the loop (now if it sleeps, or right after its current pass).
    pub fn raise(&self) {
        self.raised.fetch_add(1, Ordering::Relaxed);
        self.notify.notify_one();
    }

    /// A future the loop awaits; enable it before reading the database so no raise falls in
    /// between.
    pub fn notified(&self) -> Notified<'_> {
        self.notify.notified()
    }

    /// How often the signal was raised (for logs and tests).
    pub fn raised(&self) -> u64 {
        self.raised.load(Ordering::Relaxed)
    }
}

/// The signals of the three loops.
#[derive(Debug, Default)]
pub struct Signals {
    /// Schedules were added, changed, paused, resumed or removed.
    pub scheduler: Signal,
    /// A post was made that may close sooner than the closer planned to wake.
    pub closer: Signal,
    /// A sprint or mock exam started or changed its deadline.
    pub timer: Signal,
    /// A member turned a review reminder on or off, or changed its hour.
    pub reminders: Signal,
}
