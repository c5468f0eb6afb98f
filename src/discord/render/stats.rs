//! The personal score lookup as an embed.

use chrono::{DateTime, Utc};
use serenity::all::{Colour, CreateEmbed, CreateEmbedFooter};

use crate::discord::text::{escape, percent, timestamp, truncate};
use crate::insights::ChartPlan;
use crate::quiz::{ExamStats, MemberStats, Readiness, ServerStats, StudySuggestion};
use crate::store::AnswerTally;

fn accuracy(tally: &AnswerTally) -> String {
    format!(
        "{} ({} of {})",
        percent(tally.correct, tally.answered),
        tally.correct,
        tally.answered
    )
}

fn readiness_text(readiness: &Readiness) -> String {
    match readiness {
        Readiness::NotEnough { answered, wanted } => {
            format!("not enough answers yet ({answered} of {wanted})")
        }
        Readiness::Estimate { score, low, high } => {
            format!(
                "**{:.0}%** (likely {:.0}–{:.0}%)",
                score * 100.0,
                low * 100.0,
                high * 100.0
            )
        }
    }
}

/// "Weakest: task 2.1 Name (20%, 2 of 10) · task 1.1 ...\nPractise: `/review`, then `/quiz ...`"
pub fn suggestion_text(suggestion: &StudySuggestion) -> String {
    let weakest: Vec<String> = suggestion
        .weakest
        .iter()
        .map(|task| {
            format!(
                "task {} {} ({}, {} of {})",
                task.id,
                truncate(&task.name, 48),
                percent(task.tally.correct, task.tally.answered),
                task.tally.correct,
                task.tally.answered
            )
        })
        .collect();
    let commands: Vec<String> = suggestion
        .commands
        .iter()
        .map(|command| format!("`{command}`"))
        .collect();
    format!(
        "Weakest: {}\nPractise: {}",
        weakest.join(" · "),
        commands.join(", then ")
    )
}

/// Why `/stats` sent no chart, in words.
pub fn no_chart_text(plan: Option<&ChartPlan>) -> String {
    match plan {
        Some(ChartPlan::TooFewAnswers {
            code,
            answered,
            wanted,
        }) => format!(
            "No chart yet: a chart needs at least {wanted} answers in {code} ({answered} so far)."
        ),
        _ => format!(
            "No chart yet: a chart needs at least {} answers in one exam.",
            crate::insights::MIN_CHART_ANSWERS
        ),
    }
}

/// The whole server's figures for its admins; `exam` when narrowed to one.
pub fn server_stats_embed(stats: &ServerStats, exam: Option<&str>) -> CreateEmbed {
    let title = match exam {
        Some(exam) => format!("Server stats · {}", exam.to_uppercase()),
        None => "Server stats".to_string(),
    };
    let mut embed = CreateEmbed::new().title(title).colour(Colour(0x8B5CF6));
    if stats.all_time.answered == 0 {
        return embed.description("No answers in this server yet.");
    }
    embed = embed.description(format!(
        "**{}** member(s) active this week\nAnswered this week: {}\nAnswered all time: {}",
        stats.active_this_week,
        if stats.this_week.answered == 0 {
            "0".into()
        } else {
            accuracy(&stats.this_week)
        },
        accuracy(&stats.all_time),
    ));
    for exam in stats.exams.iter().take(20) {
        let mut lines = vec![format!("All members: {}", accuracy(&exam.tally))];
        for domain in &exam.domains {
            let value = if domain.tally.answered == 0 {
                "–".to_string()
            } else {
                accuracy(&domain.tally)
            };
            lines.push(format!(
                "D{} {} ({}%): {value}",
                domain.number,
                truncate(&domain.name, 38),
                domain.weight
            ));
        }
        embed = embed.field(exam.code.clone(), truncate(&lines.join("\n"), 1024), false);
    }
    embed.footer(CreateEmbedFooter::new(
        "Weeks run Monday to Sunday in the server's time zone, as on the leaderboards.",
    ))
}

fn exam_field(exam: &ExamStats) -> String {
    let mut lines = vec![
        format!(
            "Accuracy {} · {} pts",
            accuracy(&exam.tally),
            exam.tally.points
        ),
        format!("Readiness {}", readiness_text(&exam.readiness)),
    ];
    for domain in &exam.domains {
        let tally = &domain.tally;
        let value = if tally.answered == 0 {
            "–".to_string()
        } else {
            accuracy(tally)
        };
        lines.push(format!(
            "D{} {} ({}%): {value}",
            domain.number,
            truncate(&domain.name, 38),
            domain.weight
        ));
    }
    // The weakest tasks with enough answers are the most useful pointer for what to study next.
    if let Some(suggestion) = &exam.suggestion {
        lines.push(suggestion_text(suggestion));
    }
    truncate(&lines.join("\n"), 1024)
}

pub fn stats_embed(stats: &MemberStats, fallback_name: &str, now: DateTime<Utc>) -> CreateEmbed {
    let name = stats.display_name.as_deref().unwrap_or(fallback_name);
    let mut embed = CreateEmbed::new()
        .title(format!("Study stats · {}", escape(&truncate(name, 64))))
        .colour(Colour(0x8B5CF6));
    if stats.overall.answered == 0 && stats.mocks.is_empty() && stats.ratings.is_empty() {
        return embed
            .description("No answers yet. Try `/quiz`, or answer the next daily question.");
    }
    let trend = &stats.trend;
    embed = embed.description(format!(
        "**{}** answered · accuracy {} · **{}** points\nStreak 🔥 **{}** (best {})\nLast 7 days: {} · the 7 before: {}",
        stats.overall.answered,
        percent(stats.overall.correct, stats.overall.answered),
        stats.overall.points,
        stats.current_streak,
        stats.best_streak,
        if trend.last_week.answered == 0 { "–".into() } else { accuracy(&trend.last_week) },
        if trend.week_before.answered == 0 { "–".into() } else { accuracy(&trend.week_before) },
    ));
    for exam in stats.exams.iter().take(20) {
        embed = embed.field(exam.code.clone(), exam_field(exam), false);
    }
    let queue = if stats.reviews_total == 0 {
        "Empty: nothing missed lately.".to_string()
    } else {
        let next: Vec<String> = stats
            .review_queue
            .iter()
            .take(5)
            .map(|card| {
                format!(
                    "`#{}` {}",
                    card.question_id,
                    if card.due_at <= now {
                        "due now".to_string()
                    } else {
                        timestamp(card.due_at, 'R')
                    }
                )
            })
            .collect();
        format!(
            "{} due of {} · `/review` serves them\n{}",
            stats.reviews_due,
            stats.reviews_total,
            next.join("\n")
        )
    };
    if !stats.mocks.is_empty() {
        let lines: Vec<String> = stats
            .mocks
            .iter()
            .map(|m| {
                let verdict = if m.passed == Some(true) {
                    "pass"
                } else {
                    "fail"
                };
                let when = m
                    .submitted_at
                    .map(|at| timestamp(at, 'R'))
                    .unwrap_or_default();
                format!(
                    "{} {}: ≈{} ({verdict}) {when}",
                    m.exam.to_uppercase(),
                    m.length,
                    m.scaled_score.unwrap_or(0)
                )
            })
            .collect();
        embed = embed.field("Mock exams", truncate(&lines.join("\n"), 1024), false);
    }
    if !stats.ratings.is_empty() {
        let lines: Vec<String> = stats
            .ratings
            .iter()
            .map(|(key, rating)| {
                let (shown, spread) = crate::quiz::ratings::display(rating);
                let scope = if key == "all" {
                    "overall".to_string()
                } else {
                    key.to_uppercase()
                };
                format!("{scope}: **{shown}** ± {spread} ({} sprints)", rating.games)
            })
            .collect();
        embed = embed.field("Sprint rating", truncate(&lines.join("\n"), 1024), false);
    }
    embed.field("Review queue", truncate(&queue, 1024), false).footer(CreateEmbedFooter::new(
        "Readiness is your blueprint-weighted accuracy with a 90% band; AWS's scaled scoring is not public.",
    ))
}
