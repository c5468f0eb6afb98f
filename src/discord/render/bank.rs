//! /bank stats (the items whose key needs checking, and the worst of the rest) and /bank reports
//! (members' open question reports, each with a resolve button), within Discord's limits.

use poise::serenity_prelude::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter,
};

use crate::discord::ids::Action;
use crate::discord::text::{escape, timestamp, truncate};
use crate::quiz::item_stats::{
    check_list_and_worst, ItemStats, MIN_ANSWERS_FOR_KEY_CHECK, MIN_MEMBERS_FOR_DISCRIMINATION,
};
use crate::store::Flag;

/// Items per list in /bank stats.
pub const ITEMS_PER_LIST: usize = 8;
/// Reports shown (and buttons: two rows of five) per /bank reports message.
pub const REPORTS_SHOWN: usize = 10;
const FIELD_LIMIT: usize = 1024;
const DESCRIPTION_LIMIT: usize = 4096;

/// As many whole lines as fit in `max` characters, with a note of how many were left out.
fn lines_within(lines: &[String], max: usize) -> String {
    // Room kept for the note while more lines follow.
    const NOTE_ROOM: usize = 24;
    let mut shown: Vec<&str> = Vec::new();
    let mut used = 0;
    for (index, line) in lines.iter().enumerate() {
        let length = line.chars().count() + 1;
        let room = if index + 1 == lines.len() {
            max
        } else {
            max.saturating_sub(NOTE_ROOM)
        };
        if used + length > room {
            let note = format!("… and {} more", lines.len() - index);
            return shown.join("\n") + if shown.is_empty() { "" } else { "\n" } + &note;
        }
        used += length;
        shown.push(line);
    }
    shown.join("\n")
}

/// One item as a line: id, times answered, share right, discrimination, most picked wrong choice.
pub fn item_line(item: &ItemStats) -> String {
    let discrimination = item
        .discrimination
        .map_or("–".to_string(), |d| format!("{d:+.2}"));
    let wrong = item
        .most_picked_wrong
        .as_ref()
        .map_or("none".to_string(), |pick| {
            format!(
                "{} ({:.0}%)",
                truncate(&pick.choice, 12),
                pick.share * 100.0
            )
        });
    let mut line = format!(
        "`{}` · {} answers · {:.0}% right · discrimination {discrimination} · most picked wrong: {wrong}",
        item.id,
        item.answered,
        item.share_right * 100.0
    );
    if !item.key_checks.is_empty() {
        let reasons: Vec<&str> = item.key_checks.iter().map(|c| c.describe()).collect();
        line.push_str(&format!(" · **{}**", reasons.join(", ")));
        // What a key check needs most: where the answers went.
        if let Some(picks) = item.picks() {
            line.push_str(&format!("\n  picks: {picks}"));
        }
    }
    line
}

pub fn stats_embed(exam: Option<&str>, stats: &[ItemStats]) -> CreateEmbed {
    let answers: u32 = stats.iter().map(|s| s.answered).sum();
    let (check, worst) = check_list_and_worst(stats, ITEMS_PER_LIST);
    let title = format!("Item statistics · {}", exam.unwrap_or("all exams"));
    let mut embed = CreateEmbed::new().title(title);
    if stats.is_empty() {
        return embed.description("No answers yet: statistics appear once members answer.");
    }
    embed = embed.description(format!(
        "{} items answered, {answers} answers in every mode (channel questions, /quiz, sprints, mock exams).",
        stats.len()
    ));
    let check_lines: Vec<String> = check.iter().map(|item| item_line(item)).collect();
    let check_text = if check_lines.is_empty() {
        "Nothing to check.".to_string()
    } else {
        lines_within(&check_lines, FIELD_LIMIT)
    };
    embed = embed.field(
        format!(
            "Check the key ({})",
            stats.iter().filter(|s| !s.key_checks.is_empty()).count()
        ),
        check_text,
        false,
    );
    let worst_lines: Vec<String> = worst.iter().map(|item| item_line(item)).collect();
    if !worst_lines.is_empty() {
        embed = embed.field(
            "Worst of the rest",
            lines_within(&worst_lines, FIELD_LIMIT),
            false,
        );
    }
    embed.footer(CreateEmbedFooter::new(format!(
        "Check the key: under 25% right over {MIN_ANSWERS_FOR_KEY_CHECK}+ answers, or a negative discrimination over {MIN_MEMBERS_FOR_DISCRIMINATION}+ members. Discrimination: each member's first answer against their accuracy on the rest of the exam (-1 to +1; higher is better)."
    )))
}

/// The open reports, oldest first, and a resolve button for each one shown.
pub fn reports_message(flags: &[Flag]) -> (CreateEmbed, Vec<CreateActionRow>) {
    let mut shown = &flags[..flags.len().min(REPORTS_SHOWN)];
    let mut embed = CreateEmbed::new().title(format!("Question reports · {} open", flags.len()));
    if flags.is_empty() {
        return (embed.description("No open reports."), Vec::new());
    }
    let lines: Vec<String> = shown
        .iter()
        .enumerate()
        .map(|(n, flag)| {
            format!(
                "**{}.** `{}` · <@{}> · {}\n> {}",
                n + 1,
                flag.question_id,
                flag.user_id,
                timestamp(flag.created_at, 'R'),
                escape(&truncate(&flag.reason, 300))
            )
        })
        .collect();
    // Only whole reports that fit are shown, so every button names a report on screen.
    let mut used = 0;
    let fitting = lines
        .iter()
        .take_while(|line| {
            used += line.chars().count() + 1;
            used <= DESCRIPTION_LIMIT - 100
        })
        .count();
    shown = &shown[..fitting];
    let mut description = lines[..fitting].join("\n");
    if flags.len() > shown.len() {
        description.push_str(&format!(
            "\n… and {} more (resolve these to see them).",
            flags.len() - shown.len()
        ));
    }
    embed = embed.description(description);
    let buttons: Vec<CreateButton> = shown
        .iter()
        .enumerate()
        .map(|(n, flag)| {
            CreateButton::new(Action::ResolveReport { flag: flag.flag_id }.encode())
                .label(format!("Resolve {}", n + 1))
                .style(ButtonStyle::Secondary)
        })
        .collect();
    let rows = buttons
        .chunks(5)
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect();
    (embed, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_keep_whole_lines_and_say_how_many_are_left() {
        let lines: Vec<String> = (0..50)
            .map(|n| format!("line {n} {}", "x".repeat(90)))
            .collect();
        let text = lines_within(&lines, 1024);
        assert!(text.chars().count() <= 1024, "{}", text.len());
        assert!(text.ends_with("more"), "{text}");
        assert!(text
            .lines()
            .all(|l| l.starts_with("line") || l.starts_with('…')));
        let few = lines_within(&lines[..2], 1024);
        assert_eq!(few.lines().count(), 2);
    }

    #[test]
    fn every_resolve_button_names_a_report_on_screen() {
        // Ten long reasons full of characters that escaping doubles do not all fit.
        let flags: Vec<Flag> = (0..12)
            .map(|n| Flag {
                flag_id: 100 + n,
                user_id: 7,
                question_id: format!("aif-1.1-{n:03}"),
                reason: "*_".repeat(200),
                created_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
            })
            .collect();
        let (embed, rows) = reports_message(&flags);
        let json = serde_json::to_value(&embed).unwrap();
        let description = json["description"].as_str().unwrap();
        assert!(description.chars().count() <= DESCRIPTION_LIMIT);
        let listed = (1..=REPORTS_SHOWN)
            .filter(|n| description.contains(&format!("**{n}.**")))
            .count();
        let buttons: usize = rows
            .iter()
            .map(
                |row| match serde_json::to_value(row).unwrap()["components"].as_array() {
                    Some(components) => components.len(),
                    None => 0,
                },
            )
            .sum();
        assert!(
            listed < REPORTS_SHOWN,
            "the test needs reports that do not all fit"
        );
        assert_eq!(buttons, listed);
        assert!(description.contains(&format!("and {} more", flags.len() - listed)));
    }
}
