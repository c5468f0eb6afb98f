//! Points and streaks: small pure rules, tested on their own.

use chrono::Duration;

/// Points for a correct answer.
pub const BASE_POINTS: u32 = 10;
/// The most a fast correct answer adds: the bonus falls linearly from this at the post's
/// opening to nothing at its close, so speed helps without outweighing being right.
pub const MAX_SPEED_BONUS: u32 = 5;

pub fn points(correct: bool, latency: Duration, window: Duration) -> u32 {
    if !correct {
        return 0;
    }
    let window_ms = window.num_milliseconds().max(1) as f64;
    let left = 1.0 - (latency.num_milliseconds().max(0) as f64 / window_ms);
    BASE_POINTS + (f64::from(MAX_SPEED_BONUS) * left.clamp(0.0, 1.0)).ceil() as u32
}

/// A member's streak of scheduled questions answered correctly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Streak {
    pub current: u32,
    pub best: u32,
    /// Guild-local day of the last scheduled question answered.
    pub day: Option<i32>,
}

impl Streak {
    /// The streak after answering the scheduled question of local `day`.
    /// `skipped_a_day`: a scheduled question opened on a day strictly between the last
    /// answered day and `day`, and the member answered none that day.
    pub fn after(self, correct: bool, day: i32, skipped_a_day: bool) -> Streak {
        let carried = if skipped_a_day { 0 } else { self.current };
        let current = if correct { carried + 1 } else { 0 };
        Streak {
            current,
            best: self.best.max(current),
            day: Some(self.day.map_or(day, |last| last.max(day))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_answer_scores_nothing() {
        assert_eq!(points(false, Duration::zero(), Duration::hours(12)), 0);
    }

    #[test]
    fn speed_bonus_falls_from_five_to_zero_across_the_window() {
        let window = Duration::hours(10);
        assert_eq!(points(true, Duration::zero(), window), 15);
        assert_eq!(points(true, Duration::hours(5), window), 13);
        assert_eq!(points(true, Duration::hours(9), window), 11);
        assert_eq!(points(true, Duration::hours(10), window), 10);
        assert_eq!(points(true, Duration::hours(11), window), 10);
    }

    #[test]
    fn streaks_grow_break_on_a_wrong_answer_and_on_a_skipped_day() {
        let start = Streak::default();
        let one = start.after(true, 100, false);
        assert_eq!((one.current, one.best, one.day), (1, 1, Some(100)));
        let two = one.after(true, 101, false);
        assert_eq!((two.current, two.best), (2, 2));
        let broken = two.after(false, 102, false);
        assert_eq!((broken.current, broken.best), (0, 2));
        let skipped = two.after(true, 105, true);
        assert_eq!((skipped.current, skipped.best), (1, 2));
    }
}
