//! The step-by-step picker for ordering and matching items: one select for the next position,
//! with the choices so far kept in the components' custom_ids (no server state to lose).

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateButton, CreateSelectMenu, CreateSelectMenuKind,
};

use super::question::option_choices;
use crate::bank::{letter, Kind, Question};
use crate::discord::ids::Action;
use crate::discord::text::truncate;

/// The picker's text: what is chosen so far and what to choose next.
pub fn picker_content(question: &Question, so_far: &[u8]) -> String {
    let total = positions(question);
    let mut lines = vec![format!(
        "**#{}** · {}",
        question.id,
        if question.kind == Kind::Ordering {
            "put the steps in order"
        } else {
            "match each prompt"
        }
    )];
    for position in 0..total {
        let label = match question.kind {
            Kind::Matching => truncate(
                &format!("{}. {}", position + 1, question.prompts[position]),
                120,
            ),
            _ => format!("Step {}", position + 1),
        };
        let chosen = so_far.get(position).map(|&i| {
            let text = question
                .options
                .get(usize::from(i))
                .map_or("", String::as_str);
            format!("**{}. {}**", letter(i), truncate(text, 80))
        });
        lines.push(format!(
            "{label} → {}",
            chosen.unwrap_or_else(|| "…".into())
        ));
    }
    if so_far.len() == total {
        lines.push("\nAll set: press **Submit**, or **Start over**.".into());
    }
    lines.join("\n")
}

pub fn positions(question: &Question) -> usize {
    match question.kind {
        Kind::Matching => question.prompts.len(),
        _ => question.options.len(),
    }
}

pub fn picker_components(question: &Question, post_id: i64, so_far: &[u8]) -> Vec<CreateActionRow> {
    let so_far_letters: String = so_far.iter().map(|&i| letter(i)).collect();
    let total = positions(question);
    let mut rows = Vec::new();
    if so_far.len() < total {
        // Ordering uses each step once; matching may use an option for several prompts.
        let skip: Vec<u8> = if question.kind == Kind::Ordering {
            so_far.to_vec()
        } else {
            Vec::new()
        };
        let placeholder = match question.kind {
            Kind::Matching => truncate(
                &format!(
                    "Prompt {}: {}",
                    so_far.len() + 1,
                    question.prompts[so_far.len()]
                ),
                150,
            ),
            _ => format!("Step {}", so_far.len() + 1),
        };
        let menu = CreateSelectMenu::new(
            Action::Pick {
                post: post_id,
                so_far: so_far_letters.clone(),
            }
            .encode(),
            CreateSelectMenuKind::String {
                options: option_choices(question, &skip),
            },
        )
        .placeholder(placeholder);
        rows.push(CreateActionRow::SelectMenu(menu));
    }
    let complete = so_far.len() == total;
    let submit_letters = if complete { so_far_letters } else { "A".into() };
    rows.push(CreateActionRow::Buttons(vec![
        CreateButton::new(
            Action::Answer {
                post: post_id,
                letters: submit_letters,
            }
            .encode(),
        )
        .label("Submit")
        .style(ButtonStyle::Success)
        .disabled(!complete),
        CreateButton::new(Action::Restart { post: post_id }.encode())
            .label("Start over")
            .style(ButtonStyle::Secondary)
            .disabled(so_far.is_empty()),
    ]));
    rows
}
