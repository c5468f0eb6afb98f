//! Helpers shared by every test suite (engine, end to end): one way to get a wrong answer of the
//! right shape, and one way to expect a refusal.
#![allow(dead_code)]

pub mod postgres;

use certsprint::bank::{Kind, Question, Response};
use certsprint::quiz::{QuizError, Rejection};

/// A response of the right shape that the key does not accept, for every kind of item:
/// single, another option; multiple, one keyed option swapped for an unkeyed one (reversing a
/// set would still be the set); ordering and matching, the key rotated by one place.
pub fn wrong_answer(question: &Question) -> Response {
    let key = &question.key.0;
    let options = question.options.len() as u8;
    let wrong = match question.kind {
        Kind::Single => vec![(key[0] + 1) % options],
        Kind::Multiple => {
            let unkeyed = (0..options)
                .find(|i| !key.contains(i))
                .expect("a multiple-response item has an unkeyed option");
            let mut wrong = key.clone();
            wrong[0] = unkeyed;
            wrong
        }
        Kind::Ordering | Kind::Matching => {
            let mut wrong = key.clone();
            wrong.rotate_left(1);
            wrong
        }
    };
    Response(wrong)
}

/// The refusal a call ended with; any other outcome fails the test.
pub fn rejection<T: std::fmt::Debug>(result: Result<T, QuizError>) -> Rejection {
    match result {
        Err(QuizError::Rejected(rejection)) => rejection,
        other => panic!("expected a refusal, got {other:?}"),
    }
}
