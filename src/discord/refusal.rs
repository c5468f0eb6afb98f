//! The words a member reads when the engine refuses something.

use crate::quiz::{Rejection, SprintRefusal};

pub fn words(rejection: &Rejection) -> String {
    match rejection {
        Rejection::UnknownPost => "That question is no longer available.".into(),
        Rejection::Closed { closed_at } => format!(
            "This question closed {}; answers are no longer taken.",
            super::text::timestamp(*closed_at, 'R')
        ),
        Rejection::AlreadyAnswered { choice, .. } => {
            format!("You already answered {choice}; the first answer counts.")
        }
        Rejection::InvalidResponse(how) => {
            format!("That answer does not fit this question: {how}.")
        }
        Rejection::NotYours => "This question was dealt to someone else.".into(),
        Rejection::UnknownExam(id) => format!(
            "There is no exam \"{}\" loaded any more.",
            super::text::escape(id)
        ),
        Rejection::UnknownDomain { exam, domain } => format!("{exam} has no domain {domain}."),
        Rejection::NoQuestions(exam) => format!("{exam} has no questions to draw from."),
        Rejection::MockInProgress { attempt_id } => format!(
            "You already have a mock exam running (attempt {attempt_id}); finish or submit it first."
        ),
        Rejection::MockFinished { .. } => "That mock exam is over; its report is ready.".into(),
        Rejection::MockNotOver => {
            "That mock exam is still running; its report and review open once it is submitted."
                .into()
        }
        Rejection::NoSuchMock => "There is no such mock exam.".into(),
        Rejection::AlreadyInSprint { .. } => "You are already in a sprint; finish it first.".into(),
        Rejection::NoSuchSprint => "There is no such sprint.".into(),
        Rejection::Sprint(refusal) => sprint_words(*refusal),
    }
}

fn sprint_words(refusal: SprintRefusal) -> String {
    match refusal {
        SprintRefusal::DuelYourself => "You cannot duel yourself.".into(),
        SprintRefusal::OpponentBusy => {
            "They are in a sprint already; challenge them when it is over.".into()
        }
        SprintRefusal::QuestionCount { min, max } => {
            format!("A sprint has {min} to {max} questions.")
        }
        SprintRefusal::NotOpen => "This sprint is no longer open.".into(),
        SprintRefusal::Expired => "This challenge has expired.".into(),
        SprintRefusal::AlreadyInLobby => "You are already in this lobby.".into(),
        SprintRefusal::LobbyFull { seats } => format!("The lobby is full ({seats} players)."),
        SprintRefusal::NotInLobby => "You are not in this lobby.".into(),
        SprintRefusal::OnlyHostStarts => "Only the host can start the sprint.".into(),
        SprintRefusal::TooFewPlayers { min } => {
            format!("A group sprint needs at least {min} players.")
        }
        SprintRefusal::NotRunning => "This sprint is not running.".into(),
        SprintRefusal::AlreadyAnswered => {
            "That question is already answered; carry on with the next.".into()
        }
        SprintRefusal::Finished => {
            "Time is up: this sprint has finished, and its result is in the channel.".into()
        }
    }
}
