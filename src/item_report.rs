//! `certsprint bank stats`: item statistics as text or JSON for operators (pure formatting of
//! what the engine computed).

use serde::Serialize;

use crate::quiz::item_stats::{
    check_list_and_worst, ItemStats, LOW_SHARE_RIGHT, MIN_ANSWERS_FOR_KEY_CHECK,
    MIN_MEMBERS_FOR_DISCRIMINATION,
};

/// What to report on.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// One guild's answers (None: every guild's).
    pub guild: Option<u64>,
    pub exam: Option<String>,
    /// Items per list.
    pub limit: usize,
}

#[derive(Debug, Serialize)]
pub struct Thresholds {
    pub min_answers_for_share_right: u32,
    pub low_share_right: f64,
    pub min_members_for_discrimination: u32,
}

#[derive(Debug, Serialize)]
pub struct ItemReport<'a> {
    /// A string: guild ids do not fit a JSON number's safe range.
    pub guild: Option<String>,
    pub exam: Option<String>,
    pub items_answered: usize,
    pub answers: u32,
    pub thresholds: Thresholds,
    pub check_the_key: Vec<&'a ItemStats>,
    pub worst: Vec<&'a ItemStats>,
}

impl<'a> ItemReport<'a> {
    pub fn new(options: &Options, stats: &'a [ItemStats]) -> ItemReport<'a> {
        let (check_the_key, worst) = check_list_and_worst(stats, options.limit);
        ItemReport {
            guild: options.guild.map(|g| g.to_string()),
            exam: options.exam.clone(),
            items_answered: stats.len(),
            answers: stats.iter().map(|s| s.answered).sum(),
            thresholds: Thresholds {
                min_answers_for_share_right: MIN_ANSWERS_FOR_KEY_CHECK,
                low_share_right: LOW_SHARE_RIGHT,
                min_members_for_discrimination: MIN_MEMBERS_FOR_DISCRIMINATION,
            },
            check_the_key,
            worst,
        }
    }

    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Item statistics for {} · {}: {} items answered, {} answers\n",
            self.guild
                .as_ref()
                .map_or("every guild".to_string(), |g| format!("guild {g}")),
            self.exam.as_deref().unwrap_or("all exams"),
            self.items_answered,
            self.answers
        );
        out.push_str(&format!(
            "\nCheck the key (under {:.0}% right over {}+ answers, or negative discrimination over {}+ members): {}\n",
            LOW_SHARE_RIGHT * 100.0,
            MIN_ANSWERS_FOR_KEY_CHECK,
            MIN_MEMBERS_FOR_DISCRIMINATION,
            self.check_the_key.len()
        ));
        push_table(&mut out, &self.check_the_key);
        out.push_str(&format!("\nWorst of the rest: {}\n", self.worst.len()));
        push_table(&mut out, &self.worst);
        out
    }
}

fn push_table(out: &mut String, items: &[&ItemStats]) {
    if items.is_empty() {
        out.push_str("  none\n");
        return;
    }
    out.push_str(&format!(
        "  {:<16} {:>8} {:>7} {:>14}  {:<18} {}\n",
        "item", "answered", "right", "discrimination", "most picked wrong", "why"
    ));
    for item in items {
        let discrimination = item.discrimination.map_or("-".to_string(), |d| {
            format!("{d:+.2} ({})", item.discrimination_members)
        });
        let wrong = item
            .most_picked_wrong
            .as_ref()
            .map_or("-".to_string(), |p| {
                format!("{} ({:.0}%)", p.choice, p.share * 100.0)
            });
        let why: Vec<&str> = item.key_checks.iter().map(|c| c.describe()).collect();
        out.push_str(&format!(
            "  {:<16} {:>8} {:>6.0}% {:>14}  {:<18} {}\n",
            item.id,
            item.answered,
            item.share_right * 100.0,
            discrimination,
            wrong,
            why.join(", ")
        ));
        if let Some(picks) = item.picks() {
            out.push_str(&format!("  {:<16} picks: {picks}\n", ""));
        }
    }
}
