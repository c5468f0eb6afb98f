//! /mock: a solo timed mock exam with an AWS-style score report.

use poise::CreateReply;

use super::{Context, Error};
use crate::discord::exams::{autocomplete_exam, parse_exam};
use crate::discord::render::mock::{item_components, item_embed, report_components, report_embed};
use crate::discord::reply::{guild_of, private};
use crate::quiz::{Engine, MockExam, MockLength, QuizError, Rejection, Resumed};

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum LengthChoice {
    #[name = "full"]
    Full,
    #[name = "half"]
    Half,
    #[name = "quick"]
    Quick,
}

/// Timed mock exams.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("start", "resume"),
    subcommand_required
)]
pub async fn mock(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start a private, timed mock exam (full = the real length and time).
#[poise::command(slash_command, guild_only)]
pub async fn start(
    ctx: Context<'_>,
    #[description = "Which exam"]
    #[autocomplete = "autocomplete_exam"]
    exam: String,
    #[description = "full, half or quick (10 questions); default quick"] length: Option<
        LengthChoice,
    >,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let exam = parse_exam(ctx, &exam)?;
    let length = match length.unwrap_or(LengthChoice::Quick) {
        LengthChoice::Full => MockLength::Full,
        LengthChoice::Half => MockLength::Half,
        LengthChoice::Quick => MockLength::Quick,
    };
    let engine = &ctx.data().engine;
    let user = ctx.author().id.get();
    let mock = match engine.start_mock(guild, user, &exam, length).await {
        Ok(mock) => mock,
        // Often a double press: bring back the attempt that is running rather than refuse.
        Err(QuizError::Rejected(Rejection::MockInProgress { .. })) => {
            let resumed = engine.resume_mock(guild, user).await?;
            let note = "You already have a mock exam running; here it is (`/mock resume` also brings it back). Submit it to start another.";
            ctx.send(resumed_reply(engine, resumed, Some(note))).await?;
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };
    let content = start_note(engine, &mock);
    ctx.send(item_reply(engine, &mock).content(content)).await?;
    Ok(())
}

/// Bring back your running mock exam (if you lost the message).
#[poise::command(slash_command, guild_only)]
pub async fn resume(ctx: Context<'_>) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let engine = &ctx.data().engine;
    let resumed = engine.resume_mock(guild, ctx.author().id.get()).await?;
    ctx.send(resumed_reply(engine, resumed, None)).await?;
    Ok(())
}

/// The running attempt (with `running_note` above it), or the report the clock ended it with.
fn resumed_reply(engine: &Engine, resumed: Resumed, running_note: Option<&str>) -> CreateReply {
    match resumed {
        Resumed::Running(mock) => {
            let reply = item_reply(engine, &mock);
            match running_note {
                Some(note) => reply.content(note),
                None => reply,
            }
        }
        Resumed::TimedOut(report) => private()
            .content("Time ran out on your mock exam; here is its report.")
            .embed(report_embed(&report))
            .components(report_components(&report)),
    }
}

fn item_reply(engine: &Engine, mock: &MockExam) -> CreateReply {
    let code = engine
        .bank
        .exam(&mock.row.exam)
        .map_or(mock.row.exam.clone(), |e| e.code.clone());
    private()
        .embed(item_embed(mock, &code))
        .components(item_components(mock, &[]))
}

/// What a new attempt says first: its size and time, whether AWS publishes that time, and a
/// warning when the exam is being retired.
fn start_note(engine: &Engine, mock: &MockExam) -> String {
    let bank = &engine.bank;
    let minutes = (mock.row.ends_at - mock.row.started_at).num_minutes();
    let mut note = format!(
        "{} questions, {minutes} minutes. Answer in any order, flag items to come back to, and submit when ready.",
        mock.items.len(),
    );
    if bank
        .exam_details(&mock.row.exam)
        .is_some_and(|details| !details.minutes_published)
    {
        note.push_str(" (AWS does not publish this exam's duration; the time is an assumption.)");
    }
    if let Some(exam) = bank.exam(&mock.row.exam) {
        if let Some(retiring) = crate::discord::exams::retiring_note(bank, exam) {
            note.push_str(&format!("\n⚠ {}: {retiring}.", exam.code));
        }
    }
    note
}
