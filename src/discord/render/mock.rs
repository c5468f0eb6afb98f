//! Mock exam views: the item being answered, the submit check, the report, and the review.

use serenity::all::{
    ButtonStyle, Colour, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter,
};

use super::controls::{answer_row, Control};
use super::question::{explanation_chunks, question_text};
use crate::bank::letter;
use crate::discord::ids::Action;
use crate::discord::text::{timestamp, truncate};
use crate::quiz::mock::ASSUMED_CUT;
use crate::quiz::{MockExam, MockReport};

pub fn item_embed(mock: &MockExam, exam_code: &str) -> CreateEmbed {
    let index = mock.row.position;
    let question = &mock.items[index];
    let answer = &mock.row.responses[index];
    let flagged = mock.row.flagged.iter().filter(|f| **f).count();
    let your_answer = if answer.is_empty() {
        "–".to_string()
    } else {
        answer
            .chars()
            .map(String::from)
            .collect::<Vec<_>>()
            .join(", ")
    };
    CreateEmbed::new()
        .title(format!(
            "{exam_code} mock exam · question {} of {}",
            index + 1,
            mock.items.len()
        ))
        .description(question_text(question))
        .colour(Colour(0x0EA5E9))
        .field(
            "Your answer",
            format!(
                "{your_answer}{}",
                if mock.row.flagged[index] {
                    " · ⚑ flagged"
                } else {
                    ""
                }
            ),
            true,
        )
        .field(
            "Time left",
            format!("ends {}", timestamp(mock.row.ends_at, 'R')),
            true,
        )
        .field(
            "Progress",
            format!(
                "{} answered of {} · {flagged} flagged",
                mock.answered(),
                mock.items.len()
            ),
            true,
        )
        .footer(CreateEmbedFooter::new(format!(
            "#{} · you can change answers until you submit",
            question.id
        )))
}

/// The answer controls for the current item, then the navigation row.
pub fn item_components(mock: &MockExam, so_far: &[u8]) -> Vec<CreateActionRow> {
    let attempt = mock.row.attempt_id;
    let index = mock.row.position;
    let question = &mock.items[index];
    let answered = &mock.row.responses[index];
    let mut rows = vec![answer_row(
        question,
        so_far,
        Some(answered.as_str()),
        |control| match control {
            Control::Letter(i) => Action::MockAnswer {
                attempt,
                index,
                letters: letter(i).to_string(),
            }
            .encode(),
            Control::Select => Action::MockSelect { attempt, index }.encode(),
            Control::Pick(so_far) => Action::MockPick {
                attempt,
                index,
                so_far: so_far.to_string(),
            }
            .encode(),
        },
    )];
    let last = mock.items.len() - 1;
    rows.push(CreateActionRow::Buttons(vec![
        CreateButton::new(
            Action::MockGo {
                attempt,
                index: index.saturating_sub(1),
            }
            .encode(),
        )
        .label("◀ Back")
        .style(ButtonStyle::Secondary)
        .disabled(index == 0),
        CreateButton::new(Action::MockFlag { attempt, index }.encode())
            .label(if mock.row.flagged[index] {
                "Unflag"
            } else {
                "⚑ Flag"
            })
            .style(ButtonStyle::Secondary),
        CreateButton::new(
            Action::MockGo {
                attempt,
                index: (index + 1).min(last),
            }
            .encode(),
        )
        .label("Next ▶")
        .style(ButtonStyle::Secondary)
        .disabled(index == last),
        CreateButton::new(
            Action::MockSubmit {
                attempt,
                confirm: false,
            }
            .encode(),
        )
        .label("Submit")
        .style(ButtonStyle::Success),
    ]));
    rows
}

pub fn submit_check(mock: &MockExam) -> (String, Vec<CreateActionRow>) {
    let attempt = mock.row.attempt_id;
    let unanswered = mock.items.len() - mock.answered();
    let flagged = mock.row.flagged.iter().filter(|f| **f).count();
    let first_open = mock
        .row
        .responses
        .iter()
        .position(String::is_empty)
        .or_else(|| mock.row.flagged.iter().position(|f| *f))
        .unwrap_or(mock.row.position);
    let text = format!(
        "Submit now? {unanswered} unanswered (scored as wrong) and {flagged} flagged for review. You cannot change answers afterwards."
    );
    let rows = vec![CreateActionRow::Buttons(vec![
        CreateButton::new(
            Action::MockSubmit {
                attempt,
                confirm: true,
            }
            .encode(),
        )
        .label("Submit now")
        .style(ButtonStyle::Danger),
        CreateButton::new(
            Action::MockGo {
                attempt,
                index: first_open,
            }
            .encode(),
        )
        .label("Keep going")
        .style(ButtonStyle::Secondary),
    ])];
    (text, rows)
}

pub fn report_embed(report: &MockReport) -> CreateEmbed {
    let verdict = if report.passed {
        "**PASS**"
    } else {
        "**FAIL**"
    };
    let mut embed = CreateEmbed::new()
        .title(format!("Mock exam report · {} ({})", report.exam_code, report.length))
        .colour(if report.passed { Colour(0x22C55E) } else { Colour(0xEF4444) })
        .description(format!(
            "Approximate scaled score **{}** / 1000: {verdict} (passing score {}).\n{} of {} right ({:.0}%){}.\n\n\
             *AWS does not publish how raw scores map to its scaled scores, and the mapping varies by exam form. \
             This estimate assumes about {:.0}% right sits at the passing score.*",
            report.scaled,
            report.passing_score,
            report.correct,
            report.total,
            f64::from(report.correct) * 100.0 / f64::from(report.total.max(1)),
            if report.timed_out { " · time ran out" } else { "" },
            ASSUMED_CUT * 100.0
        ));
    for domain in report.domains.iter().take(10) {
        let verdict = if domain.meets {
            "Meets competencies"
        } else {
            "Needs improvement"
        };
        embed = embed.field(
            format!("Domain {}: {}", domain.number, truncate(&domain.name, 200)),
            format!("{verdict} ({} of {})", domain.correct, domain.total),
            false,
        );
    }
    embed.footer(CreateEmbedFooter::new(
        "Review every item with its explanation below.",
    ))
}

pub fn report_components(report: &MockReport) -> Vec<CreateActionRow> {
    vec![CreateActionRow::Buttons(vec![CreateButton::new(
        Action::MockReview {
            attempt: report.attempt_id,
            index: Some(0),
        }
        .encode(),
    )
    .label("Review answers")
    .style(ButtonStyle::Primary)
    .disabled(report.items.is_empty())])]
}

pub fn review_embed(report: &MockReport, index: usize) -> CreateEmbed {
    let item = &report.items[index];
    let yours = item
        .response
        .as_deref()
        .map_or("unanswered".to_string(), |r| {
            r.chars().map(String::from).collect::<Vec<_>>().join(", ")
        });
    let mut embed = CreateEmbed::new()
        .title(format!(
            "Review · question {} of {} · {}",
            index + 1,
            report.items.len(),
            if item.correct {
                "✅ right"
            } else {
                "❌ wrong"
            }
        ))
        .description(question_text(&item.question))
        .colour(if item.correct {
            Colour(0x22C55E)
        } else {
            Colour(0xEF4444)
        })
        .field("Your answer", yours, true)
        .field("Answer", item.question.key_text(), true);
    for (i, chunk) in explanation_chunks(&item.question).into_iter().enumerate() {
        embed = embed.field(if i == 0 { "Why" } else { "\u{200B}" }, chunk, false);
    }
    embed.footer(CreateEmbedFooter::new(format!("#{}", item.question.id)))
}

pub fn review_components(report: &MockReport, index: usize) -> Vec<CreateActionRow> {
    let attempt = report.attempt_id;
    let last = report.items.len().saturating_sub(1);
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(
            Action::MockReview {
                attempt,
                index: Some(index.saturating_sub(1)),
            }
            .encode(),
        )
        .label("◀ Back")
        .style(ButtonStyle::Secondary)
        .disabled(index == 0),
        CreateButton::new(
            Action::MockReview {
                attempt,
                index: None,
            }
            .encode(),
        )
        .label("Report")
        .style(ButtonStyle::Secondary),
        CreateButton::new(
            Action::MockReview {
                attempt,
                index: Some((index + 1).min(last)),
            }
            .encode(),
        )
        .label("Next ▶")
        .style(ButtonStyle::Secondary)
        .disabled(index >= last),
    ])]
}
