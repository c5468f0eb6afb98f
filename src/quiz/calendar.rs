//! Guild-local days: streaks count days in the guild's time zone.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// Days since 0001-01-01 of the local date of `at` in `zone`.
pub fn local_day(at: DateTime<Utc>, zone: Tz) -> i32 {
    at.with_timezone(&zone).date_naive().num_days_from_ce()
}

/// The UTC instant at which local `day` begins in `zone` (a zone that skips midnight begins
/// the day at its first existing minute).
pub fn day_start(day: i32, zone: Tz) -> DateTime<Utc> {
    let date = NaiveDate::from_num_days_from_ce_opt(day).unwrap_or_default();
    let mut local = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..=24 * 4 {
        if let Some(at) = zone.from_local_datetime(&local).earliest() {
            return at.with_timezone(&Utc);
        }
        local += chrono::Duration::minutes(15);
    }
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_follow_the_zone_not_utc() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 3, 0, 0).unwrap();
        let new_york: Tz = "America/New_York".parse().unwrap();
        assert_eq!(local_day(at, new_york) + 1, local_day(at, Tz::UTC));
        let start = day_start(local_day(at, new_york), new_york);
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 2, 28, 5, 0, 0).unwrap());
    }
}
