//! The personal score lookup as an embed.

use chrono::{DateTime, Utc};
use serenity::all::{Colour, CreateEmbed, CreateEmbedFooter};

use crate::discord::text::{escape, percent, timestamp, truncate};
use crate::quiz::{ExamStats, MemberStats, Readiness};
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
    // The weakest tasks with some data are the most useful pointer for what to study next.
    let mut tasks: Vec<_> = exam
        .domains
        .iter()
        .flat_map(|d| &d.tasks)
        .filter(|t| t.tally.answered >= 2)
        .collect();
    tasks.sort_by(|a, b| {
        a.tally
            .accuracy()
            .partial_cmp(&b.tally.accuracy())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.id.cmp(&b.id))
    });
    if let Some(weakest) = tasks.first().filter(|t| t.tally.correct < t.tally.answered) {
        lines.push(format!(
            "Study next: task {} {} ({})",
            weakest.id,
            truncate(&weakest.name, 60),
            percent(weakest.tally.correct, weakest.tally.answered)
        ));
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
