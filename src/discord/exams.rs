//! The `exam` option of every command: suggested from the loaded banks (shipped and overlay
//! packs) as the member types, and checked on the server side, since a client can send any text.

use poise::serenity_prelude as serenity;

use super::context::{user_error, Context, Error};
use crate::bank::{Bank, Exam, ExamId, Scope};

/// Discord shows at most 25 suggestions.
const MAX_SUGGESTIONS: usize = 25;

/// What a member sees for an exam in a list: "AIF-C01 · AWS Certified AI Practitioner", or for
/// a retiring exam "MLA-C01 · retiring, use MLA-C02 · ...", so nobody picks it by mistake.
pub fn label(bank: &Bank, exam: &Exam) -> String {
    let label = match retiring_note(bank, exam) {
        Some(note) => format!("{} · {note} · {}", exam.code, exam.name),
        None => format!("{} · {}", exam.code, exam.name),
    };
    super::text::truncate(&label, 100)
}

/// "retiring, use MLA-C02" for an exam being retired.
pub fn retiring_note(bank: &Bank, exam: &Exam) -> Option<String> {
    let retirement = bank.retirement(&exam.id)?;
    let successor = retirement
        .replaced_by
        .as_deref()
        .and_then(|id| bank.exam(id))
        .map(|next| format!(", use {}", next.code));
    Some(format!("retiring{}", successor.unwrap_or_default()))
}

fn matching<'a>(bank: &'a Bank, partial: &str) -> impl Iterator<Item = &'a Exam> {
    let partial = partial.trim().to_ascii_lowercase();
    bank.playable_exams().filter(move |exam| {
        exam.id.contains(&partial) || exam.name.to_ascii_lowercase().contains(&partial)
    })
}

pub async fn autocomplete_exam(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let bank = &ctx.data().engine.bank;
    matching(bank, partial).take(MAX_SUGGESTIONS).fold(
        serenity::CreateAutocompleteResponse::new(),
        |response, exam| response.add_string_choice(label(bank, exam), exam.id.clone()),
    )
}

/// The exams, with "all" first.
pub async fn autocomplete_scope(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let response = serenity::CreateAutocompleteResponse::new();
    let response = if Scope::ALL.contains(partial.trim().to_ascii_lowercase().as_str()) {
        response.add_string_choice("All exams", Scope::ALL)
    } else {
        response
    };
    let bank = &ctx.data().engine.bank;
    matching(bank, partial)
        .take(MAX_SUGGESTIONS - 1)
        .fold(response, |response, exam| {
            response.add_string_choice(label(bank, exam), exam.id.clone())
        })
}

fn loaded(bank: &Bank) -> String {
    bank.playable_exams()
        .map(|exam| format!("`{}`", exam.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The exam a member chose, or a private error that lists what there is.
pub fn parse_exam(ctx: Context<'_>, text: &str) -> Result<ExamId, Error> {
    let bank = &ctx.data().engine.bank;
    bank.exam_id(text)
        .filter(|id| bank.exam_of(id).is_some_and(|exam| !exam.items.is_empty()))
        .ok_or_else(|| unknown(bank, text, false))
}

/// "all" or an exam, or a private error that lists what there is.
pub fn parse_scope(ctx: Context<'_>, text: &str) -> Result<Scope, Error> {
    let bank = &ctx.data().engine.bank;
    match bank.scope(text) {
        Some(Scope::Exam(id)) if bank.exam_of(&id).is_some_and(|e| e.items.is_empty()) => {
            Err(unknown(bank, text, true))
        }
        Some(scope) => Ok(scope),
        None => Err(unknown(bank, text, true)),
    }
}

fn unknown(bank: &Bank, text: &str, all_too: bool) -> Error {
    // Exam ids are letters, digits and hyphens: showing only those needs no markdown escaping.
    let shown: String = text
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    let all = if all_too { "`all` or " } else { "" };
    user_error(format!(
        "There is no exam \"{shown}\" here. Choose {all}one of: {}.",
        loaded(bank)
    ))
}
