//! When a channel's daily question is due: a local time of day on chosen weekdays in an IANA
//! zone, so 09:00 stays 09:00 across daylight saving.
//!
//! Daylight-saving edges, by rule:
//! - a time that does not exist that day (02:30 on a spring-forward night) posts at the end of
//!   the gap, the first minute that exists (03:00 where clocks jump from 02:00 to 03:00);
//! - a time that happens twice (01:30 on a fall-back night) posts once, at the first occurrence.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days(u8);

impl Days {
    pub const DAILY: Days = Days(0b111_1111);
    pub const WEEKDAYS: Days = Days(0b001_1111);

    /// "daily", "weekdays", "weekends", or a list like "mon,wed,fri" (full names work too).
    pub fn parse(text: &str) -> Result<Days, String> {
        let text = text.trim().to_ascii_lowercase();
        match text.as_str() {
            "" | "daily" | "every day" | "everyday" => return Ok(Days::DAILY),
            "weekdays" => return Ok(Days::WEEKDAYS),
            "weekends" => return Ok(Days(0b110_0000)),
            _ => {}
        }
        let mut bits = 0u8;
        for part in text.split([',', ' ', '/']).filter(|p| !p.is_empty()) {
            let day: Weekday = part.parse().map_err(|_| {
                format!("{part:?} is not a day (use mon, tue, wed, thu, fri, sat, sun)")
            })?;
            bits |= 1 << day.num_days_from_monday();
        }
        if bits == 0 {
            return Err("choose at least one day".into());
        }
        Ok(Days(bits))
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// The canonical text stored and shown: daily, weekdays, or mon,wed,fri.
    pub fn describe(self) -> String {
        match self {
            Days::DAILY => "daily".into(),
            Days::WEEKDAYS => "weekdays".into(),
            Days(bits) => {
                const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                NAMES
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, n)| *n)
                    .collect::<Vec<_>>()
                    .join(",")
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub time: NaiveTime,
    pub zone: Tz,
    pub days: Days,
}

impl Rule {
    pub fn parse(time: &str, zone: &str, days: &str) -> Result<Rule, String> {
        let time = NaiveTime::parse_from_str(time.trim(), "%H:%M").map_err(|_| {
            format!(
                "{:?} is not a time of day; use HH:MM, e.g. 09:00",
                time.trim()
            )
        })?;
        let zone: Tz = zone.trim().parse().map_err(|_| {
            format!(
                "{:?} is not an IANA time zone, e.g. Europe/Berlin or America/New_York",
                zone.trim()
            )
        })?;
        Ok(Rule {
            time,
            zone,
            days: Days::parse(days)?,
        })
    }

    /// The first occurrence strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> DateTime<Utc> {
        let first_date = after.with_timezone(&self.zone).date_naive() - Duration::days(1);
        (0..=8)
            .map(|offset| first_date + Duration::days(offset))
            .filter(|date| self.days.contains(date.weekday()))
            .map(|date| self.on(date))
            .find(|&at| at > after)
            .expect("a week always holds a chosen day")
    }

    /// The instant this rule fires on a local date (see the module notes for DST edges).
    pub fn on(&self, date: NaiveDate) -> DateTime<Utc> {
        let mut local = date.and_time(self.time);
        // A gap is at most a few hours; step through it a minute at a time to its end.
        for _ in 0..=24 * 60 {
            if let Some(at) = self.zone.from_local_datetime(&local).earliest() {
                return at.with_timezone(&Utc);
            }
            local += Duration::minutes(1);
        }
        Utc.from_utc_datetime(&date.and_time(self.time))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn days_parse_lists_and_names() {
        assert_eq!(
            Days::parse("mon, wed,FRI").unwrap().describe(),
            "mon,wed,fri"
        );
        assert_eq!(Days::parse("Weekdays").unwrap(), Days::WEEKDAYS);
        assert_eq!(Days::parse("monday tuesday").unwrap().describe(), "mon,tue");
        assert!(Days::parse("funday")
            .unwrap_err()
            .contains("\"funday\" is not a day"));
    }

    #[test]
    fn next_is_strictly_after_and_skips_unchosen_days() {
        let rule = Rule::parse("09:00", "UTC", "weekdays").unwrap();
        // Friday 2026-11-06 09:00 exactly: the next is Monday.
        assert_eq!(
            rule.next_after(utc(2026, 11, 6, 9, 0)),
            utc(2026, 11, 9, 9, 0)
        );
        assert_eq!(
            rule.next_after(utc(2026, 11, 6, 8, 59)),
            utc(2026, 11, 6, 9, 0)
        );
    }

    #[test]
    fn spring_forward_gap_posts_at_the_end_of_the_gap() {
        // Europe/Berlin jumps 02:00 -> 03:00 on 2026-03-29.
        let rule = Rule::parse("02:30", "Europe/Berlin", "daily").unwrap();
        assert_eq!(
            rule.next_after(utc(2026, 3, 28, 12, 0)),
            utc(2026, 3, 29, 1, 0)
        ); // 03:00 CEST
        assert_eq!(
            rule.next_after(utc(2026, 3, 29, 1, 0)),
            utc(2026, 3, 30, 0, 30)
        ); // 02:30 CEST
    }

    #[test]
    fn fall_back_repeat_posts_once_at_the_first_occurrence() {
        // America/New_York repeats 01:00-02:00 on 2026-11-01.
        let rule = Rule::parse("01:30", "America/New_York", "daily").unwrap();
        let first = rule.next_after(utc(2026, 10, 31, 12, 0));
        assert_eq!(first, utc(2026, 11, 1, 5, 30)); // 01:30 EDT
        assert_eq!(rule.next_after(first), utc(2026, 11, 2, 6, 30)); // the next day, 01:30 EST
    }

    #[test]
    fn half_hour_zones_keep_their_offset() {
        let rule = Rule::parse("09:00", "Asia/Kolkata", "daily").unwrap();
        assert_eq!(
            rule.next_after(utc(2026, 6, 1, 0, 0)),
            utc(2026, 6, 1, 3, 30)
        );
        let adelaide = Rule::parse("09:00", "Australia/Adelaide", "daily").unwrap();
        assert_eq!(
            adelaide.next_after(utc(2026, 1, 10, 0, 0)),
            utc(2026, 1, 10, 22, 30)
        ); // UTC+10:30 in summer
    }

    #[test]
    fn a_year_of_occurrences_is_always_the_local_time_once_a_day() {
        for zone in [
            "Europe/London",
            "America/Los_Angeles",
            "Australia/Sydney",
            "Asia/Kolkata",
            "America/St_Johns",
        ] {
            let rule = Rule::parse("09:15", zone, "daily").unwrap();
            let tz: Tz = zone.parse().unwrap();
            let mut at = utc(2026, 1, 1, 0, 0);
            let mut last_date = None;
            for _ in 0..365 {
                at = rule.next_after(at);
                let local = at.with_timezone(&tz);
                assert_eq!(
                    local.time(),
                    NaiveTime::from_hms_opt(9, 15, 0).unwrap(),
                    "{zone} {at}"
                );
                if let Some(last) = last_date {
                    assert_eq!(
                        local.date_naive(),
                        last + Duration::days(1),
                        "{zone}: one a day"
                    );
                }
                last_date = Some(local.date_naive());
            }
        }
    }

    #[test]
    fn bad_input_is_explained() {
        assert!(Rule::parse("9am", "UTC", "daily")
            .unwrap_err()
            .contains("use HH:MM"));
        assert!(Rule::parse("09:00", "Mars/Olympus", "daily")
            .unwrap_err()
            .contains("IANA"));
    }
}
