//! A question as Discord shows it: the embed, the answer components, and the reveal at close.

use serenity::all::{
    ButtonStyle, Colour, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter,
    CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption,
};

use crate::bank::{letter, Exam, Kind, Question, REVEAL_TEXT_LIMIT};
use crate::discord::ids::Action;
use crate::discord::text::{escape, percent, timestamp, truncate};
use crate::quiz::Reveal;
use crate::store::Post;

const OPEN: Colour = Colour(0x3B82F6);
const CLOSED: Colour = Colour(0x6B7280);
const FIELD_LIMIT: usize = 1024;
/// A reference is a URL; the reveal's room budget (REVEAL_TEXT_LIMIT) counts on this much.
const REFERENCE_LIMIT: usize = 300;

/// The question's text: case scenario, stem, prompts (matching) and lettered options.
pub fn question_text(question: &Question) -> String {
    truncate(&question.display_text(), 4096)
}

fn kind_label(question: &Question) -> String {
    match question.kind {
        Kind::Single => "Choose one".into(),
        Kind::Multiple => format!("Choose {}", question.select_count()),
        Kind::Ordering => "Put the steps in order".into(),
        Kind::Matching => "Match each prompt to an option".into(),
    }
}

fn title(exam: &Exam, question: &Question) -> String {
    let domain = exam
        .domain(question.domain)
        .map(|d| d.name.as_str())
        .unwrap_or("");
    truncate(
        &format!("{} · Domain {}: {domain}", exam.code, question.domain),
        256,
    )
}

/// The embed of an open question.
pub fn question_embed(exam: &Exam, question: &Question, post: &Post) -> CreateEmbed {
    let task = exam.task_name(&question.task).unwrap_or("");
    CreateEmbed::new()
        .title(title(exam, question))
        .description(question_text(question))
        .colour(OPEN)
        .field(
            "Task",
            truncate(&format!("{} {task}", question.task), FIELD_LIMIT),
            false,
        )
        .field(
            "Closes",
            format!(
                "{} ({})",
                timestamp(post.closes_at, 'R'),
                timestamp(post.closes_at, 'f')
            ),
            true,
        )
        .field("How to answer", kind_label(question), true)
        .footer(CreateEmbedFooter::new(format!("#{}", question.id)))
}

/// The answer components of an open question (or their disabled copies once closed).
pub fn answer_components(
    question: &Question,
    post_id: i64,
    disabled: bool,
) -> Vec<CreateActionRow> {
    match question.kind {
        Kind::Single => {
            let buttons = (0..question.options.len() as u8)
                .map(|i| {
                    let letter = letter(i).to_string();
                    CreateButton::new(
                        Action::Answer {
                            post: post_id,
                            letters: letter.clone(),
                        }
                        .encode(),
                    )
                    .label(letter)
                    .style(ButtonStyle::Primary)
                    .disabled(disabled)
                })
                .collect();
            vec![CreateActionRow::Buttons(buttons)]
        }
        Kind::Multiple => {
            let count = question.select_count() as u8;
            let options = option_choices(question, &[]);
            let menu = CreateSelectMenu::new(
                Action::Select { post: post_id }.encode(),
                CreateSelectMenuKind::String { options },
            )
            .min_values(count)
            .max_values(count)
            .placeholder(format!("Choose {count} options"))
            .disabled(disabled);
            vec![CreateActionRow::SelectMenu(menu)]
        }
        Kind::Ordering | Kind::Matching => vec![CreateActionRow::Buttons(vec![CreateButton::new(
            Action::OpenPicker { post: post_id }.encode(),
        )
        .label("Answer")
        .style(ButtonStyle::Primary)
        .disabled(disabled)])],
    }
}

/// Select options "A" .. with the option text as description; `skip` leaves letters out.
pub fn option_choices(question: &Question, skip: &[u8]) -> Vec<CreateSelectMenuOption> {
    (0..question.options.len() as u8)
        .filter(|i| !skip.contains(i))
        .map(|i| {
            CreateSelectMenuOption::new(
                truncate(
                    &format!("{}. {}", letter(i), question.options[usize::from(i)]),
                    100,
                ),
                letter(i).to_string(),
            )
        })
        .collect()
}

/// Splits long text into embed fields of at most 1,024 characters, at word boundaries.
pub fn chunks(text: &str, max_chunks: usize) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if current.chars().count() + word.chars().count() + 1 > FIELD_LIMIT {
            chunks.push(std::mem::take(&mut current));
            if chunks.len() == max_chunks {
                break;
            }
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() && chunks.len() < max_chunks {
        chunks.push(current);
    }
    let cut_short = chunks.len() == max_chunks && text.chars().count() > max_chunks * FIELD_LIMIT;
    if let Some(last) = chunks.last_mut().filter(|_| cut_short) {
        *last = truncate(last, FIELD_LIMIT);
    }
    chunks
}

fn explanation_fields(mut embed: CreateEmbed, question: &Question) -> CreateEmbed {
    for (i, chunk) in explanation_chunks(question).into_iter().enumerate() {
        embed = embed.field(if i == 0 { "Why" } else { "\u{200B}" }, chunk, false);
    }
    if let Some(reference) = question.references.first() {
        embed = embed.field("Read more", truncate(reference, REFERENCE_LIMIT), false);
    }
    embed
}

/// The explanation in field-sized chunks, cut so that it fits the embed beside the question:
/// the bank check refuses longer items, and this keeps an extra pack from breaking a reveal.
pub fn explanation_chunks(question: &Question) -> Vec<String> {
    let room = REVEAL_TEXT_LIMIT.saturating_sub(question_text(question).chars().count());
    chunks(&truncate(&question.explanation, room.max(1)), 3)
}

/// The closed question: the key, the explanation, how the channel answered, the fastest.
pub fn reveal_embed(exam: &Exam, reveal: &Reveal) -> CreateEmbed {
    let Some(question) = &reveal.question else {
        return CreateEmbed::new()
            .title("Closed")
            .description("This question was withdrawn from the bank.")
            .colour(CLOSED);
    };
    let mut embed = CreateEmbed::new()
        .title(title(exam, question))
        .description(question_text(question))
        .colour(CLOSED)
        .field("Answer", question.key_text(), true)
        .field(
            "Right",
            format!(
                "{} of {} ({})",
                reveal.correct,
                reveal.answered,
                percent(reveal.correct, reveal.answered)
            ),
            true,
        )
        .footer(CreateEmbedFooter::new(format!("#{} · closed", question.id)));
    embed = explanation_fields(embed, question);
    if !reveal.tally.is_empty() {
        let tally: Vec<String> = reveal
            .tally
            .iter()
            .take(8)
            .map(|t| format!("{} ×{}", t.choice, t.count))
            .collect();
        embed = embed.field("Responses", tally.join(" · "), false);
    }
    if !reveal.fastest.is_empty() {
        let medals = ["🥇", "🥈", "🥉"];
        let fastest: Vec<String> = reveal
            .fastest
            .iter()
            .zip(medals)
            .map(|((_, name, ms), medal)| {
                format!(
                    "{medal} {} ({:.1} s)",
                    escape(&truncate(name, 40)),
                    *ms as f64 / 1000.0
                )
            })
            .collect();
        embed = embed.field("Fastest right", fastest.join("\n"), false);
    }
    embed
}

/// The explanation shown to one member after they answer.
pub fn explanation_embed(question: &Question, correct: bool) -> CreateEmbed {
    let embed = CreateEmbed::new()
        .colour(if correct {
            Colour(0x22C55E)
        } else {
            Colour(0xEF4444)
        })
        .field("Answer", question.key_text(), true)
        .footer(CreateEmbedFooter::new(format!("#{}", question.id)));
    explanation_fields(embed, question)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_explanations_split_into_fields_that_fit() {
        let text = "word ".repeat(700);
        let parts = chunks(&text, 3);
        assert_eq!(
            parts.len(),
            3,
            "700 words need more than three fields; the last is cut"
        );
        assert!(parts.iter().all(|p| p.chars().count() <= FIELD_LIMIT));
        assert_eq!(chunks("short text", 3), ["short text"]);
    }

    #[test]
    fn a_long_question_leaves_its_explanation_only_the_room_a_reveal_has() {
        let question = Question {
            id: "aif-1.1-999".into(),
            exam: "aif-c01".into(),
            domain: 1,
            task: "1.1".into(),
            kind: Kind::Single,
            difficulty: 2,
            case: None,
            stem: "a ".repeat(1900),
            options: vec!["w".into(), "x".into(), "y".into(), "z".into()],
            prompts: vec![],
            key: crate::bank::Key(vec![0]),
            explanation: "because ".repeat(400),
            references: vec!["https://docs.aws.amazon.com/".into()],
            services: vec![],
        };
        let question_chars = question_text(&question).chars().count();
        let explanation: usize = explanation_chunks(&question)
            .iter()
            .map(|chunk| chunk.chars().count())
            .sum();
        assert!(explanation > 0, "some of the explanation still shows");
        assert!(
            question_chars + explanation <= REVEAL_TEXT_LIMIT,
            "{question_chars} + {explanation}"
        );
        let short = Question {
            stem: "Which one?".into(),
            explanation: "Because it is.".into(),
            ..question
        };
        assert_eq!(explanation_chunks(&short), ["Because it is."]);
    }
}
