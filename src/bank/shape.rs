//! Shape checks: the option, prompt and answer counts each item kind requires, and the answer
//! letters turned into a key.

use super::model::{Key, Kind};

/// Checks the option and answer counts a kind requires, and turns the answer letters into a key.
pub fn check_shape(
    kind: Kind,
    stem: Option<&str>,
    options: &[String],
    prompts: &[String],
    answer: &[String],
    mut problem: impl FnMut(&'static str, String),
) -> Option<Key> {
    let before_ok = {
        let mut ok = true;
        let mut fail = |field: &'static str, message: String| {
            ok = false;
            problem(field, message)
        };
        match kind {
            Kind::Single if options.len() != 4 => {
                fail("options", format!("a single-choice item needs exactly 4 options (one key, three distractors); found {}", options.len()))
            }
            Kind::Multiple if options.len() < 5 => {
                fail("options", format!("a multiple-response item needs at least 5 options; found {}", options.len()))
            }
            Kind::Ordering if !(3..=5).contains(&options.len()) => {
                fail("options", format!("an ordering item needs 3 to 5 steps; found {}", options.len()))
            }
            Kind::Matching if !(3..=7).contains(&prompts.len()) => {
                fail("prompts", format!("a matching item needs 3 to 7 prompts; found {}", prompts.len()))
            }
            Kind::Matching if !(3..=7).contains(&options.len()) => {
                fail("options", format!("a matching item needs 3 to 7 options; found {}", options.len()))
            }
            _ => {}
        }
        if kind != Kind::Matching && !prompts.is_empty() {
            fail("prompts", "only matching items have prompts".to_string());
        }
        ok
    };

    let mut indices = Vec::with_capacity(answer.len());
    let mut letters_ok = true;
    for text in answer {
        match parse_letter(text) {
            Some(index) if usize::from(index) < options.len() => indices.push(index),
            Some(_) => {
                letters_ok = false;
                let last = super::model::letter(options.len().saturating_sub(1) as u8);
                problem(
                    "answer",
                    format!("letter {} is outside the options A-{last}", text.trim()),
                );
            }
            None => {
                letters_ok = false;
                problem(
                    "answer",
                    format!("{text:?} is not an option letter (use \"A\", \"B\", ...)"),
                );
            }
        }
    }
    if !letters_ok {
        return None;
    }

    let distinct = {
        let mut sorted = indices.clone();
        sorted.sort_unstable();
        sorted.dedup();
        sorted.len() == indices.len()
    };
    let count_ok = match kind {
        Kind::Single => expect(indices.len() == 1, || {
            problem(
                "answer",
                format!(
                    "a single-choice item has exactly 1 answer letter; found {}",
                    indices.len()
                ),
            )
        }),
        Kind::Multiple => {
            let declared = stem.and_then(declared_select_count);
            match declared {
                None => expect(false, || {
                    problem("stem", "a multiple-response stem must say \"(Select TWO.)\" or \"(Select THREE.)\" ...".to_string())
                }),
                Some(n) => expect(indices.len() == n && n >= 2 && distinct, || {
                    problem(
                        "answer",
                        format!(
                            "the stem asks to select {n}; the answer has {} distinct letters",
                            if distinct { indices.len() } else { 0 }
                        ),
                    )
                }),
            }
        }
        Kind::Ordering => expect(indices.len() == options.len() && distinct, || {
            problem(
                "answer",
                format!(
                    "an ordering answer lists every one of the {} steps once, in order",
                    options.len()
                ),
            )
        }),
        Kind::Matching => expect(indices.len() == prompts.len(), || {
            problem(
                "answer",
                format!(
                    "a matching answer has one letter per prompt ({}); found {}",
                    prompts.len(),
                    indices.len()
                ),
            )
        }),
    };
    if !(before_ok && count_ok) {
        return None;
    }
    if kind == Kind::Multiple {
        indices.sort_unstable();
    }
    Some(Key(indices))
}

fn expect(ok: bool, otherwise: impl FnOnce()) -> bool {
    if !ok {
        otherwise();
    }
    ok
}

fn parse_letter(text: &str) -> Option<u8> {
    match text.trim().as_bytes() {
        [c @ b'A'..=b'Z'] => Some(c - b'A'),
        _ => None,
    }
}

/// Reads "(Select TWO.)" style instructions, as on the real exam.
pub fn declared_select_count(stem: &str) -> Option<usize> {
    const WORDS: [(&str, usize); 4] = [("TWO", 2), ("THREE", 3), ("FOUR", 4), ("FIVE", 5)];
    let upper = stem.to_uppercase();
    let at = upper.find("(SELECT ")?;
    let rest = &upper[at + 8..];
    WORDS
        .iter()
        .find(|(word, _)| rest.starts_with(word))
        .map(|&(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_counts_read_the_exam_wording() {
        assert_eq!(declared_select_count("Which steps? (Select TWO.)"), Some(2));
        assert_eq!(
            declared_select_count("Which steps? (select three.)"),
            Some(3)
        );
        assert_eq!(declared_select_count("Which step?"), None);
    }
}
