//! Question presses: answering a channel or practice question with its buttons or select, the
//! step-by-step picker of ordering and matching items, and "Next question" in /quiz.

use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, CreateInteractionResponse, CreateInteractionResponseMessage};

use super::context::{user_error, Data, Error};
use super::render::answer::{next_question_row, result_content, result_embed};
use super::render::picker::{picker_components, picker_content, positions};
use super::render::question::{answer_components, explanation_embed, question_embed};
use super::render::review::{
    card_content, due_hint, new_card_line, next_due_line, next_review_row, outlook_content,
};
use super::reply::no_pings;
use super::text::timestamp;
use crate::bank::{ExamId, Question, Response};
use crate::quiz::review::CardStep;
use crate::quiz::{AnswerRequest, PersonalQuestion, QuizError, Rejection, ReviewDeal};
use crate::store::{Post, PostMode};

/// Who pressed what, where.
pub struct Press<'a> {
    pub ctx: &'a serenity::Context,
    pub data: &'a Data,
    pub press: &'a ComponentInteraction,
    pub guild: u64,
    pub user: u64,
    pub name: &'a str,
}

impl Press<'_> {
    /// The press came from a private (ephemeral) message: a personal question or a picker.
    fn on_private_message(&self) -> bool {
        self.press
            .message
            .flags
            .is_some_and(|flags| flags.contains(serenity::MessageFlags::EPHEMERAL))
    }

    async fn respond(&self, response: CreateInteractionResponse) -> Result<(), Error> {
        self.press.create_response(&self.ctx.http, response).await?;
        Ok(())
    }
}

/// An answer from a button (the letters in its custom_id) or a select (the chosen values).
pub async fn answer(press: &Press<'_>, post_id: i64, letters: &str) -> Result<(), Error> {
    let response: Response = letters
        .parse()
        .map_err(|how| QuizError::Rejected(Rejection::InvalidResponse(how)))?;
    let request = AnswerRequest {
        guild: press.guild,
        post_id,
        user: press.user,
        display_name: press.name,
        response,
    };
    let engine = &press.data.engine;
    let outcome = match engine.answer(request).await {
        Ok(outcome) => outcome,
        Err(QuizError::Rejected(Rejection::Closed { .. })) => {
            let post = engine
                .post(press.guild, post_id)
                .await?
                .ok_or(QuizError::Rejected(Rejection::UnknownPost))?;
            let question = engine.bank.question(&post.question_id).cloned();
            return match (post.mode, question) {
                (PostMode::Personal, Some(question)) => {
                    timed_out_practice(press, &post, &question).await
                }
                _ => Err(closed_error(&post)),
            };
        }
        Err(error) => return Err(error.into()),
    };
    let post = engine.post(press.guild, post_id).await?;
    let personal = post.as_ref().filter(|p| p.mode == PostMode::Personal);
    let review = match personal {
        Some(post) => engine.review_post(post.post_id).await?,
        None => None,
    };
    let mut content = result_content(&outcome);
    if review.is_some() {
        content = format!("{content}\n{}", next_due_line(outcome.review, engine.now()));
    } else if let Some(CardStep::Created { .. }) = outcome.review {
        content = format!("{content}\n{}", new_card_line());
    }
    let mut message = CreateInteractionResponseMessage::new()
        .content(content)
        .embed(result_embed(&outcome))
        .allowed_mentions(no_pings());
    if let Some(post) = personal {
        let row = match &review {
            // A review's next step is the next due card, in the exam /review was narrowed to.
            Some(scope) => next_review_row(scope.as_deref()),
            // "Next question" keeps the exam and the domain the member asked /quiz for.
            None => next_question_row(&outcome.question.exam, post.practice_domain),
        };
        message = message.components(vec![row]);
    }
    // On a private message (a personal question or a picker) the result replaces it; on a
    // channel question the result is a private reply, and the question stays for the others.
    let response = if press.on_private_message() {
        if personal.is_none() {
            message = message.components(vec![]);
        }
        CreateInteractionResponse::UpdateMessage(message)
    } else {
        CreateInteractionResponse::Message(message.ephemeral(true))
    };
    press.respond(response).await
}

/// Opens the step-by-step picker as a private message (or starts it over in place).
pub async fn open_picker(press: &Press<'_>, post_id: i64, restart: bool) -> Result<(), Error> {
    let (post, question) = press
        .data
        .engine
        .open_for_answer(press.guild, post_id, press.user)
        .await?;
    let message = CreateInteractionResponseMessage::new()
        .content(picker_content(&question, &[]))
        .components(picker_components(&question, post.post_id, &[]))
        .ephemeral(true)
        .allowed_mentions(no_pings());
    press
        .respond(if restart {
            CreateInteractionResponse::UpdateMessage(message)
        } else {
            CreateInteractionResponse::Message(message)
        })
        .await
}

/// One step of the picker: `so_far` are the letters chosen before, `picked` the select's value.
pub async fn pick(
    press: &Press<'_>,
    post_id: i64,
    so_far: &str,
    picked: &str,
) -> Result<(), Error> {
    let (post, question) = press
        .data
        .engine
        .open_for_answer(press.guild, post_id, press.user)
        .await?;
    // Both parts come from the client: only letters of this question's options count.
    let in_options = |text: &str| -> Vec<u8> {
        text.parse::<Response>()
            .map(|response| response.0)
            .unwrap_or_default()
            .into_iter()
            .filter(|&i| usize::from(i) < question.options.len())
            .collect()
    };
    let mut chosen = in_options(so_far);
    chosen.truncate(positions(&question));
    if let Some(&letter) = in_options(picked).first() {
        if chosen.len() < positions(&question) {
            chosen.push(letter);
        }
    }
    let message = CreateInteractionResponseMessage::new()
        .content(picker_content(&question, &chosen))
        .components(picker_components(&question, post.post_id, &chosen))
        .allowed_mentions(no_pings());
    press
        .respond(CreateInteractionResponse::UpdateMessage(message))
        .await
}

/// "Next question" under a practice result: another personal question in place.
pub async fn next_practice(press: &Press<'_>, exam: &str, domain: u8) -> Result<(), Error> {
    let engine = &press.data.engine;
    let exam: ExamId = engine
        .bank
        .exam_id(exam)
        .ok_or_else(|| QuizError::Rejected(Rejection::UnknownExam(exam.to_string())))?;
    let dealt = engine
        .start_personal(
            press.guild,
            press.user,
            &exam,
            (domain > 0).then_some(domain),
        )
        .await?;
    let (content, embed, components) = personal_question_parts(press.data, &dealt)?;
    let message = CreateInteractionResponseMessage::new()
        .content(content)
        .embed(embed)
        .components(components)
        .allowed_mentions(no_pings());
    press
        .respond(CreateInteractionResponse::UpdateMessage(message))
        .await
}

fn closed_error(post: &Post) -> Error {
    let closed = timestamp(post.closes_at, 'R');
    user_error(match post.mode {
        PostMode::Channel => format!(
            "This question closed {closed}. Answers are no longer taken; the reveal is on the message."
        ),
        PostMode::Personal => format!(
            "This practice question timed out {closed}. Use `/quiz` for a new one."
        ),
    })
}

/// A practice question answered after its window: not scored, but the member still learns
/// the answer (a personal question has no public reveal).
async fn timed_out_practice(
    press: &Press<'_>,
    post: &Post,
    question: &Question,
) -> Result<(), Error> {
    let window = crate::quiz::PERSONAL_WINDOW.num_minutes();
    let closed = timestamp(post.closes_at, 'R');
    let (content, next) = match press.data.engine.review_post(post.post_id).await? {
        Some(scope) => {
            press.data.engine.review_timed_out(post, press.user).await?;
            (
                format!("⌛ This review card timed out {closed} (answers count within {window} minutes of dealing it), so it counts as forgotten and comes back soon. The answer:"),
                next_review_row(scope.as_deref()),
            )
        }
        None => (
            format!("⌛ This practice question timed out {closed} (answers count within {window} minutes of dealing it), so this one is not scored. The answer:"),
            next_question_row(&post.exam, post.practice_domain),
        ),
    };
    let message = CreateInteractionResponseMessage::new()
        .content(content)
        .embed(explanation_embed(question, false))
        .components(vec![next])
        .allowed_mentions(no_pings());
    press
        .respond(if press.on_private_message() {
            CreateInteractionResponse::UpdateMessage(message)
        } else {
            CreateInteractionResponse::Message(message.ephemeral(true))
        })
        .await
}

/// The private message that deals a personal question: (content, embed, components).
pub fn personal_question_parts(
    data: &Data,
    dealt: &PersonalQuestion,
) -> Result<
    (
        String,
        serenity::CreateEmbed,
        Vec<serenity::CreateActionRow>,
    ),
    Error,
> {
    let exam = data
        .engine
        .bank
        .exam(&dealt.question.exam)
        .ok_or_else(|| user_error("That exam is no longer loaded."))?;
    let content = match due_hint(dealt.reviews_due) {
        Some(hint) => format!("Your practice question (only you see it). {hint}"),
        None => "Your practice question (only you see it).".to_string(),
    };
    // Ordering and matching show an Answer button that opens the picker as its own message,
    // keeping the question in view.
    let components = answer_components(&dealt.question, dealt.post.post_id, false);
    Ok((
        content,
        question_embed(exam, &dealt.question, &dealt.post),
        components,
    ))
}

/// The private message that deals a review card: (content, embed, components).
pub fn review_card_parts(
    data: &Data,
    dealt: &PersonalQuestion,
) -> Result<
    (
        String,
        serenity::CreateEmbed,
        Vec<serenity::CreateActionRow>,
    ),
    Error,
> {
    let (_, embed, components) = personal_question_parts(data, dealt)?;
    Ok((card_content(dealt.reviews_due), embed, components))
}

/// What /review or "Next review" shows: the next due card, or (no embed, no controls) what is
/// due later.
pub type ReviewView = (
    String,
    Option<serenity::CreateEmbed>,
    Vec<serenity::CreateActionRow>,
);

pub async fn review_view(
    data: &Data,
    guild: u64,
    user: u64,
    exam: Option<&ExamId>,
    finished: bool,
) -> Result<ReviewView, Error> {
    let engine = &data.engine;
    Ok(match engine.start_review(guild, user, exam).await? {
        ReviewDeal::Card(dealt) => {
            let (content, embed, components) = review_card_parts(data, &dealt)?;
            (content, Some(embed), components)
        }
        ReviewDeal::NothingDue(outlook) => (
            outlook_content(&outlook, engine.now(), finished),
            None,
            vec![],
        ),
    })
}

/// "Next review" under a review result: the next due card in place, or the outlook.
pub async fn next_review(press: &Press<'_>, exam: Option<&str>) -> Result<(), Error> {
    let exam: Option<ExamId> = match exam {
        Some(id) => Some(
            press
                .data
                .engine
                .bank
                .exam_id(id)
                .ok_or_else(|| QuizError::Rejected(Rejection::UnknownExam(id.to_string())))?,
        ),
        None => None,
    };
    let (content, embed, components) =
        review_view(press.data, press.guild, press.user, exam.as_ref(), true).await?;
    let message = CreateInteractionResponseMessage::new()
        .content(content)
        .embeds(embed.into_iter().collect())
        .components(components)
        .allowed_mentions(no_pings());
    press
        .respond(CreateInteractionResponse::UpdateMessage(message))
        .await
}
