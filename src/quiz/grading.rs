//! Reading a response and marking it: all-or-nothing credit, as on the real exam.

use crate::bank::{letter, Kind, Question, Response};

/// Marks a response that already has the right shape (see `check_shape`).
pub fn is_correct(question: &Question, response: &Response) -> bool {
    match question.kind {
        Kind::Single | Kind::Ordering | Kind::Matching => response.0 == question.key.0,
        Kind::Multiple => {
            let mut chosen = response.0.clone();
            chosen.sort_unstable();
            chosen == question.key.0
        }
    }
}

/// Checks a response has the shape the item asks for, with a message a user can act on.
pub fn check_shape(question: &Question, response: &Response) -> Result<(), String> {
    let options = question.options.len();
    let last = letter(options.saturating_sub(1) as u8);
    if let Some(&outside) = response.0.iter().find(|&&i| usize::from(i) >= options) {
        return Err(format!(
            "{} is not an option here (A-{last})",
            letter(outside)
        ));
    }
    let mut distinct = response.0.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let repeats = distinct.len() != response.0.len();
    match question.kind {
        Kind::Single if response.0.len() != 1 => Err("choose exactly one letter".into()),
        Kind::Multiple if response.0.len() != question.select_count() || repeats => Err(format!(
            "choose exactly {} different letters",
            question.select_count()
        )),
        Kind::Ordering if response.0.len() != options || repeats => Err(format!(
            "put all {options} steps in order, each letter once (A-{last})"
        )),
        Kind::Matching if response.0.len() != question.prompts.len() => Err(format!(
            "give one letter for each of the {} prompts, in order",
            question.prompts.len()
        )),
        _ => Ok(()),
    }
}
