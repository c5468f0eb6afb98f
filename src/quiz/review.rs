//! Spaced review of missed questions, scheduled by FSRS (the `rs-fsrs` crate, MIT, with its
//! default parameters and short-term steps). A miss makes a card (graded Again); a right answer
//! to a due card grades it Good; a right answer before it is due changes nothing (it may be a
//! memory of the reveal). The crate's types stay in this file.

use chrono::{DateTime, Utc};
use rs_fsrs::{Card, Parameters, Rating, State, FSRS};

use crate::store::{CardState, ReviewCard};

/// How an answer grades a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    Again,
    Good,
}

/// What an answer did to the member's card for its question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardStep {
    /// A miss made a new card.
    Created { due_at: DateTime<Utc> },
    /// The card was graded and is due next at `due_at`.
    Graded { grade: Grade, due_at: DateTime<Utc> },
    /// A right answer before the card was due: nothing changed.
    NotDue { due_at: DateTime<Utc> },
}

impl CardStep {
    pub fn due_at(self) -> DateTime<Utc> {
        match self {
            CardStep::Created { due_at }
            | CardStep::Graded { due_at, .. }
            | CardStep::NotDue { due_at } => due_at,
        }
    }
}

/// The card to save (if any) and what happened, after a member answers `question`.
#[derive(Debug, Clone, PartialEq)]
pub struct AfterAnswer {
    pub save: Option<ReviewCard>,
    pub step: Option<CardStep>,
}

pub fn after_answer(
    card: Option<ReviewCard>,
    question: &str,
    exam: &str,
    correct: bool,
    now: DateTime<Utc>,
) -> AfterAnswer {
    match (card, correct) {
        (None, true) => AfterAnswer {
            save: None,
            step: None,
        },
        (None, false) => {
            let card = first_miss(question, exam, now);
            AfterAnswer {
                step: Some(CardStep::Created {
                    due_at: card.due_at,
                }),
                save: Some(card),
            }
        }
        (Some(card), true) if card.due_at > now => AfterAnswer {
            save: None,
            step: Some(CardStep::NotDue {
                due_at: card.due_at,
            }),
        },
        (Some(card), correct) => {
            let grade = if correct { Grade::Good } else { Grade::Again };
            let next = grade_card(&card, grade, now);
            AfterAnswer {
                step: Some(CardStep::Graded {
                    grade,
                    due_at: next.due_at,
                }),
                save: Some(next),
            }
        }
    }
}

/// A new card for a question just missed.
pub fn first_miss(question: &str, exam: &str, now: DateTime<Utc>) -> ReviewCard {
    let next = step(None, Grade::Again, now);
    ReviewCard {
        question_id: question.to_string(),
        exam: exam.to_string(),
        lapses: 1,
        ..from_fsrs(next)
    }
}

/// The card after a review graded `grade` at `now`. `lapses` counts every miss.
pub fn grade_card(card: &ReviewCard, grade: Grade, now: DateTime<Utc>) -> ReviewCard {
    let next = step(Some(to_fsrs(card)), grade, now);
    ReviewCard {
        question_id: card.question_id.clone(),
        exam: card.exam.clone(),
        lapses: card.lapses + u32::from(grade == Grade::Again),
        ..from_fsrs(next)
    }
}

/// One FSRS step from `card` (`None`: a new card).
fn step(card: Option<Card>, grade: Grade, now: DateTime<Utc>) -> Card {
    let card = card.unwrap_or_else(|| Card {
        due: now,
        last_review: now,
        ..Card::default()
    });
    let rating = match grade {
        Grade::Again => Rating::Again,
        Grade::Good => Rating::Good,
    };
    FSRS::new(Parameters::default())
        .next(card, now, rating)
        .card
}

fn to_fsrs(card: &ReviewCard) -> Card {
    Card {
        due: card.due_at,
        stability: card.stability,
        difficulty: card.difficulty,
        elapsed_days: 0,
        scheduled_days: 0,
        reps: card.reps as i32,
        lapses: card.lapses as i32,
        state: match card.state {
            CardState::Learning => State::Learning,
            CardState::Review => State::Review,
            CardState::Relearning => State::Relearning,
        },
        last_review: card.last_review_at,
    }
}

/// The memory fields of a stepped card (the caller fills in the question, exam and lapses).
fn from_fsrs(card: Card) -> ReviewCard {
    ReviewCard {
        question_id: String::new(),
        exam: String::new(),
        due_at: card.due,
        lapses: 0,
        reps: card.reps.max(0) as u32,
        state: match card.state {
            State::Review => CardState::Review,
            State::Relearning => CardState::Relearning,
            State::New | State::Learning => CardState::Learning,
        },
        stability: card.stability,
        difficulty: card.difficulty,
        last_review_at: card.last_review,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2022, 11, 29, 12, 30, 0).unwrap()
    }

    /// The crate's own `test_basic_scheduler_interval`: default parameters, a new card reviewed
    /// on each due date with this sequence of grades, gives these intervals in days.
    #[test]
    fn the_crates_documented_interval_sequence_comes_through_our_step() {
        use Grade::{Again, Good};
        let grades = [
            Good, Good, Good, Good, Good, Good, Again, Again, Good, Good, Good, Good, Good,
        ];
        let mut card = None;
        let mut now = at();
        let mut intervals = Vec::new();
        for grade in grades {
            let next = step(card, grade, now);
            intervals.push((next.due - now).num_days());
            now = next.due;
            card = Some(next);
        }
        assert_eq!(intervals, [0, 4, 15, 48, 136, 351, 0, 0, 7, 13, 24, 43, 77]);
    }

    /// Our cards start with a miss. Worked by hand from FSRS's formulas and default weights:
    /// - Again on a new card: due in 1 minute, S = w0 = 0.4072, D = w4 = 7.2102, learning.
    /// - Again while learning: due in 5 minutes; S = 0.4072·e^(w17·(1-3+w18)) = 0.2071,
    ///   D = 7.2102 + 2·w6 = 9.3404, reverted towards D0(Easy) = 3.2832 by w7: 9.1986.
    /// - Good while learning: S = 0.2071·e^(w17·w18) = 0.2883; the interval round(S) is clamped
    ///   to 1 day; state review; D reverts to 0.0234·3.2832 + 0.9766·9.1986 = 9.0601.
    /// - Good in review one day later: R = (1 + 19/81·1/0.2883)^-0.5 = 0.7425,
    ///   S = 0.2883·(1 + e^w8·(11-9.0601)·0.2883^-w9·(e^((1-R)·w10) - 1)) = 1.384, so Good's
    ///   interval round(1.384) = 1 is pushed to Hard's (1 day) + 1: 2 days; D = 8.9249.
    #[test]
    fn a_missed_card_is_due_in_a_minute_then_grows_with_right_answers() {
        let t0 = at();
        let card = first_miss("q", "e", t0);
        assert_eq!(card.due_at, t0 + Duration::minutes(1));
        assert_eq!(card.state, CardState::Learning);
        assert!((card.stability - 0.4072).abs() < 1e-9);
        assert!((card.difficulty - 7.2102).abs() < 1e-9);
        assert_eq!((card.reps, card.lapses), (1, 1));

        let t1 = card.due_at;
        let missed_again = grade_card(&card, Grade::Again, t1);
        assert_eq!(missed_again.due_at, t1 + Duration::minutes(5));
        assert_eq!(missed_again.state, CardState::Learning);
        assert_eq!((missed_again.reps, missed_again.lapses), (2, 2));

        let t2 = missed_again.due_at;
        let learnt = grade_card(&missed_again, Grade::Good, t2);
        assert_eq!(learnt.state, CardState::Review);
        assert_eq!(learnt.due_at, t2 + Duration::days(1));

        let t3 = learnt.due_at;
        let reviewed = grade_card(&learnt, Grade::Good, t3);
        assert_eq!(reviewed.due_at, t3 + Duration::days(2));
        assert_eq!(reviewed.state, CardState::Review);
        assert!((reviewed.stability - 1.384).abs() < 0.001);
        assert!((reviewed.difficulty - 8.9249).abs() < 0.001);
        assert_eq!(reviewed.lapses, 2, "a right answer is not a lapse");
    }

    #[test]
    fn right_answers_make_no_card_and_change_no_card_before_it_is_due() {
        let t0 = at();
        assert_eq!(
            after_answer(None, "q", "e", true, t0),
            AfterAnswer {
                save: None,
                step: None
            }
        );
        let made = after_answer(None, "q", "e", false, t0);
        let card = made.save.clone().unwrap();
        assert_eq!(
            made.step,
            Some(CardStep::Created {
                due_at: t0 + Duration::minutes(1)
            })
        );
        let early = after_answer(Some(card.clone()), "q", "e", true, t0);
        assert_eq!(early.save, None);
        assert_eq!(
            early.step,
            Some(CardStep::NotDue {
                due_at: card.due_at
            })
        );
        let due = after_answer(Some(card.clone()), "q", "e", true, card.due_at);
        assert!(matches!(
            due.step,
            Some(CardStep::Graded {
                grade: Grade::Good,
                ..
            })
        ));
        assert_eq!(due.save.unwrap().question_id, "q");
        // A miss grades Again even before the card is due.
        let missed = after_answer(Some(card), "q", "e", false, t0);
        assert!(matches!(
            missed.step,
            Some(CardStep::Graded {
                grade: Grade::Again,
                ..
            })
        ));
    }
}
