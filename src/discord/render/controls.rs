//! The row of controls that answers a question, shared by every flow (channel, personal,
//! picker, mock exam, sprint); each flow names its own custom_ids.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateButton, CreateSelectMenu, CreateSelectMenuKind,
};

use super::picker::positions;
use super::question::option_choices;
use crate::bank::{letter, Kind, Question};
use crate::discord::text::truncate;

/// Which control a custom_id is for.
pub enum Control<'a> {
    /// The button for one letter (single choice).
    Letter(u8),
    /// The select of N letters (multiple response).
    Select,
    /// The picker select for the next position, after the letters chosen so far.
    Pick(&'a str),
}

/// Letter buttons, a select of N, or a picker step, by the question's kind. `chosen` highlights
/// a single-choice answer already given.
pub fn answer_row(
    question: &Question,
    so_far: &[u8],
    chosen: Option<&str>,
    id: impl Fn(Control<'_>) -> String,
) -> CreateActionRow {
    match question.kind {
        Kind::Single => CreateActionRow::Buttons(
            (0..question.options.len() as u8)
                .map(|i| {
                    let label = letter(i).to_string();
                    let style = if chosen == Some(label.as_str()) {
                        ButtonStyle::Success
                    } else {
                        ButtonStyle::Primary
                    };
                    CreateButton::new(id(Control::Letter(i)))
                        .label(label)
                        .style(style)
                })
                .collect(),
        ),
        Kind::Multiple => {
            let count = question.select_count() as u8;
            CreateActionRow::SelectMenu(
                CreateSelectMenu::new(
                    id(Control::Select),
                    CreateSelectMenuKind::String {
                        options: option_choices(question, &[]),
                    },
                )
                .min_values(count)
                .max_values(count)
                .placeholder(format!("Choose {count} options")),
            )
        }
        Kind::Ordering | Kind::Matching => {
            // Ordering uses each step once; matching may use an option for several prompts.
            let skip: Vec<u8> = if question.kind == Kind::Ordering {
                so_far.to_vec()
            } else {
                Vec::new()
            };
            let step = so_far.len();
            let placeholder = match question.kind {
                Kind::Matching => truncate(
                    &format!(
                        "Prompt {}: {}",
                        step + 1,
                        question.prompts.get(step).map_or("", String::as_str)
                    ),
                    150,
                ),
                _ => format!("Step {} of {}", step + 1, positions(question)),
            };
            let so_far_letters: String = so_far.iter().map(|&i| letter(i)).collect();
            CreateActionRow::SelectMenu(
                CreateSelectMenu::new(
                    id(Control::Pick(&so_far_letters)),
                    CreateSelectMenuKind::String {
                        options: option_choices(question, &skip),
                    },
                )
                .placeholder(placeholder),
            )
        }
    }
}

/// "So far: C → A" under a picker.
pub fn so_far_text(so_far: &[u8]) -> String {
    if so_far.is_empty() {
        String::new()
    } else {
        format!(
            "So far: {}",
            so_far
                .iter()
                .map(|&i| letter(i).to_string())
                .collect::<Vec<_>>()
                .join(" → ")
        )
    }
}
