//! Mock exam presses: every press updates the private message in place (callback type 7), which
//! also gives a fresh interaction token, so an exam longer than 15 minutes never runs on a dead one.

use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, CreateInteractionResponseMessage};

use super::components::select_values;
use super::context::{user_error, Data, Error};
use super::ids::Action;
use super::render::controls::so_far_text;
use super::render::mock::{
    item_components, item_embed, report_components, report_embed, review_components, review_embed,
    submit_check,
};
use super::render::picker::positions;
use super::reply::no_pings;
use crate::bank::Response;
use crate::quiz::{MockExam, QuizError, Rejection};

pub async fn press(
    data: &Data,
    press: &ComponentInteraction,
    guild: u64,
    user: u64,
    action: Action,
) -> Result<CreateInteractionResponseMessage, Error> {
    let engine = &data.engine;
    let result = match action {
        Action::MockAnswer {
            attempt,
            index,
            letters,
        } => engine
            .mock_answer(guild, user, attempt, index, to_response(&letters)?)
            .await
            .map(View::Item),
        Action::MockSelect { attempt, index } => engine
            .mock_answer(
                guild,
                user,
                attempt,
                index,
                to_response(&select_values(press)?)?,
            )
            .await
            .map(View::Item),
        Action::MockPick {
            attempt,
            index,
            so_far,
        } => {
            let chosen = format!("{so_far}{}", select_values(press)?);
            match engine.running_mock(guild, user, attempt).await {
                Ok(mut mock) => {
                    let question = mock
                        .items
                        .get(index)
                        .ok_or(QuizError::Rejected(Rejection::NoSuchMock))?;
                    // Both parts come from the client: only letters of this item's options count.
                    let picked: Vec<u8> = to_response(&chosen)?
                        .0
                        .into_iter()
                        .filter(|&i| usize::from(i) < question.options.len())
                        .collect();
                    if picked.len() >= positions(question) {
                        let response = Response(picked[..positions(question)].to_vec());
                        engine
                            .mock_answer(guild, user, attempt, index, response)
                            .await
                            .map(View::Item)
                    } else {
                        mock.row.position = index;
                        Ok(View::Picking(mock, picked))
                    }
                }
                Err(error) => Err(error),
            }
        }
        Action::MockGo { attempt, index } => engine
            .mock_move(guild, user, attempt, index)
            .await
            .map(View::Item),
        Action::MockFlag { attempt, index } => engine
            .mock_toggle_flag(guild, user, attempt, index)
            .await
            .map(View::Item),
        Action::MockSubmit {
            attempt,
            confirm: false,
        } => engine
            .running_mock(guild, user, attempt)
            .await
            .map(View::Check),
        Action::MockSubmit {
            attempt,
            confirm: true,
        } => engine
            .mock_submit(guild, user, attempt)
            .await
            .map(|report| View::Report(Box::new(report))),
        Action::MockReview { attempt, index } => {
            let report = engine.mock_report(guild, user, attempt).await?;
            if report.items.is_empty() {
                return Err(user_error("This mock exam has no items to review."));
            }
            return Ok(match index {
                None => report_message(&report),
                Some(i) => {
                    let i = i.min(report.items.len() - 1);
                    CreateInteractionResponseMessage::new()
                        .content("")
                        .embed(review_embed(&report, i))
                        .components(review_components(&report, i))
                        .allowed_mentions(no_pings())
                }
            });
        }
        _ => return Err(user_error("This control is out of date.")),
    };
    let view = match result {
        Ok(view) => view,
        // Time ran out (or it was submitted elsewhere): show the report instead of an error.
        Err(QuizError::Rejected(Rejection::MockFinished { attempt_id })) => {
            View::Report(Box::new(engine.mock_report(guild, user, attempt_id).await?))
        }
        Err(error) => return Err(error.into()),
    };
    let code = |mock: &MockExam| {
        engine
            .bank
            .exam(&mock.row.exam)
            .map_or(mock.row.exam.clone(), |e| e.code.clone())
    };
    Ok(match view {
        View::Item(mock) => CreateInteractionResponseMessage::new()
            .content("")
            .embed(item_embed(&mock, &code(&mock)))
            .components(item_components(&mock, &[]))
            .allowed_mentions(no_pings()),
        View::Picking(mock, so_far) => CreateInteractionResponseMessage::new()
            .content(so_far_text(&so_far))
            .embed(item_embed(&mock, &code(&mock)))
            .components(item_components(&mock, &so_far))
            .allowed_mentions(no_pings()),
        View::Check(mock) => {
            let (text, rows) = submit_check(&mock);
            CreateInteractionResponseMessage::new()
                .content(text)
                .embed(item_embed(&mock, &code(&mock)))
                .components(rows)
                .allowed_mentions(no_pings())
        }
        View::Report(report) => report_message(&report),
    })
}

enum View {
    Item(MockExam),
    Picking(MockExam, Vec<u8>),
    Check(MockExam),
    Report(Box<crate::quiz::MockReport>),
}

fn report_message(report: &crate::quiz::MockReport) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .content("")
        .embed(report_embed(report))
        .components(report_components(report))
        .allowed_mentions(no_pings())
}

fn to_response(letters: &str) -> Result<Response, QuizError> {
    letters
        .parse()
        .map_err(|how| QuizError::Rejected(Rejection::InvalidResponse(how)))
}
