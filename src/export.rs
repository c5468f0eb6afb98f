//! CSV files for exports, from the engine's plain rows. Pure: no Discord, no database.
//! The column headers are documented in the README.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::store::{AnswerRecord, MemberSummary};

pub const SERVER_COLUMNS: [&str; 9] = [
    "user_id",
    "display_name",
    "points",
    "answered",
    "correct",
    "accuracy_percent",
    "current_streak",
    "best_streak",
    "last_answer_utc",
];

pub const HISTORY_COLUMNS: [&str; 10] = [
    "answered_at_utc",
    "exam",
    "question_id",
    "domain",
    "task",
    "mode",
    "choice",
    "correct",
    "points",
    "latency_ms",
];

/// The server's scores, streaks and accuracy, one member a row.
pub fn server_csv(rows: &[MemberSummary]) -> Vec<u8> {
    write(
        &SERVER_COLUMNS,
        rows.iter().map(|row| {
            vec![
                row.user_id.to_string(),
                spreadsheet_safe(&row.display_name),
                row.points.to_string(),
                row.answered.to_string(),
                row.correct.to_string(),
                accuracy(row.correct, row.answered),
                row.current_streak.to_string(),
                row.best_streak.to_string(),
                row.last_answer_at.map(utc).unwrap_or_default(),
            ]
        }),
    )
}

/// A member's answers, one a row.
pub fn history_csv(rows: &[AnswerRecord]) -> Vec<u8> {
    write(
        &HISTORY_COLUMNS,
        rows.iter().map(|row| {
            vec![
                utc(row.answered_at),
                row.exam.clone(),
                row.question_id.clone(),
                row.domain.to_string(),
                row.task.clone(),
                row.mode.clone(),
                row.choice.clone(),
                row.correct.to_string(),
                row.points.to_string(),
                row.latency_ms.to_string(),
            ]
        }),
    )
}

fn write(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    out.write_record(header).expect("writing to memory");
    for row in rows {
        out.write_record(&row).expect("writing to memory");
    }
    out.into_inner().expect("writing to memory")
}

fn utc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Percent right with one decimal; empty when nothing was answered.
fn accuracy(correct: u64, answered: u64) -> String {
    if answered == 0 {
        return String::new();
    }
    format!("{:.1}", correct as f64 * 100.0 / answered as f64)
}

/// A member's name is their own text: one that starts like a formula would run as one when the
/// file is opened in a spreadsheet, so it gets a leading apostrophe.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_rows_are_quoted_and_names_cannot_run_as_formulas() {
        let rows = [MemberSummary {
            user_id: 42,
            display_name: "=HYPERLINK(\"x\"), \"Ann\"".into(),
            points: 25,
            answered: 3,
            correct: 2,
            current_streak: 1,
            best_streak: 4,
            last_answer_at: DateTime::from_timestamp(1_700_000_000, 0),
        }];
        let text = String::from_utf8(server_csv(&rows)).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), SERVER_COLUMNS.join(","));
        assert_eq!(
            lines.next().unwrap(),
            "42,\"'=HYPERLINK(\"\"x\"\"), \"\"Ann\"\"\",25,3,2,66.7,1,4,2023-11-14T22:13:20Z"
        );
    }

    #[test]
    fn a_member_without_answers_has_no_accuracy() {
        assert_eq!(accuracy(0, 0), "");
        assert_eq!(accuracy(1, 1), "100.0");
    }
}
