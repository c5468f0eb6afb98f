//! Spaced review of missed questions: Leitner boxes with growing intervals.

use chrono::{DateTime, Duration, Utc};

use crate::store::ReviewCard;

/// Days until the next review from each box; a right answer in the last box retires the card.
pub const INTERVAL_DAYS: [i64; 5] = [1, 3, 7, 14, 30];

/// What happens to a member's card for a question after they answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardChange {
    Save(ReviewCard),
    Retire,
    Keep,
}

pub fn after_answer(
    card: Option<ReviewCard>,
    question: &str,
    exam: &str,
    correct: bool,
    now: DateTime<Utc>,
) -> CardChange {
    match (card, correct) {
        (None, true) => CardChange::Keep,
        (None, false) => CardChange::Save(ReviewCard {
            question_id: question.to_string(),
            exam: exam.to_string(),
            box_number: 0,
            due_at: now + Duration::days(INTERVAL_DAYS[0]),
            lapses: 1,
        }),
        (Some(card), false) => CardChange::Save(ReviewCard {
            box_number: 0,
            due_at: now + Duration::days(INTERVAL_DAYS[0]),
            lapses: card.lapses + 1,
            ..card
        }),
        // Seen again before it was due: the right answer may be a memory of the reveal.
        (Some(card), true) if card.due_at > now => CardChange::Keep,
        (Some(card), true) => {
            let next = usize::from(card.box_number) + 1;
            match INTERVAL_DAYS.get(next) {
                Some(days) => CardChange::Save(ReviewCard {
                    box_number: next as u8,
                    due_at: now + Duration::days(*days),
                    ..card
                }),
                None => CardChange::Retire,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_miss_makes_a_card_and_right_reviews_move_it_up_until_retired() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let CardChange::Save(mut card) = after_answer(None, "q", "e", false, now) else {
            panic!()
        };
        assert_eq!((card.box_number, card.lapses), (0, 1));
        let mut at = now;
        for expected_box in 1..INTERVAL_DAYS.len() {
            at = card.due_at;
            let CardChange::Save(next) = after_answer(Some(card.clone()), "q", "e", true, at)
            else {
                panic!()
            };
            assert_eq!(usize::from(next.box_number), expected_box);
            card = next;
        }
        assert_eq!(
            after_answer(Some(card.clone()), "q", "e", true, card.due_at),
            CardChange::Retire
        );
        assert_eq!(
            after_answer(Some(card.clone()), "q", "e", true, at),
            CardChange::Keep
        );
        let CardChange::Save(missed) = after_answer(Some(card), "q", "e", false, at) else {
            panic!()
        };
        assert_eq!((missed.box_number, missed.lapses), (0, 2));
    }
}
