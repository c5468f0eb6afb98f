//! What a member sees after answering: right or wrong, points, streak, and the explanation.

use serenity::all::{ButtonStyle, CreateActionRow, CreateButton, CreateEmbed};

use super::question::explanation_embed;
use crate::discord::ids::Action;
use crate::quiz::AnswerOutcome;

pub fn result_content(outcome: &AnswerOutcome) -> String {
    let verdict = if outcome.correct {
        format!("✅ **Right!** +{} points.", outcome.points)
    } else {
        format!(
            "❌ **Not quite.** The answer is **{}**.",
            outcome.question.key_text()
        )
    };
    match outcome.streak {
        Some(streak) if streak.current > 0 => format!(
            "{verdict} Streak 🔥 **{}** (best {}).",
            streak.current, streak.best
        ),
        Some(streak) => format!("{verdict} Your streak starts again (best {}).", streak.best),
        None => verdict,
    }
}

pub fn result_embed(outcome: &AnswerOutcome) -> CreateEmbed {
    explanation_embed(&outcome.question, outcome.correct)
}

/// "Next question" under a personal result.
pub fn next_question_row(exam: &str, domain: Option<u8>) -> CreateActionRow {
    CreateActionRow::Buttons(vec![CreateButton::new(
        Action::NextQuiz {
            exam: exam.to_string(),
            domain: domain.unwrap_or(0),
        }
        .encode(),
    )
    .label("Next question")
    .style(ButtonStyle::Primary)])
}
