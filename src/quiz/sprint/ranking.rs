//! Placing the players of a finished sprint: by score, then time (the whole limit for anyone
//! who did not finish); equal on both is a tie. Pure: no database, no clock.

use super::{Placing, Sprint};
use crate::bank::Response;
use crate::quiz::grading::is_correct;
use crate::quiz::ratings::fresh;
use crate::store::{PlayerRow, Snowflake};

/// What placing needs to know of one player.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub user_id: Snowflake,
    pub score: u32,
    /// Time taken; the whole limit for anyone who did not finish.
    pub time_ms: i64,
    pub finished: bool,
    /// (domain, right, asked)
    pub per_domain: Vec<(u8, u32, u32)>,
}

/// The sprint's players, placed; ratings are left fresh for the caller to fill in.
pub fn rank(sprint: &Sprint) -> Vec<Placing> {
    place(
        sprint
            .players
            .iter()
            .map(|player| entry_of(sprint, player))
            .collect(),
    )
}

fn entry_of(sprint: &Sprint, player: &PlayerRow) -> Entry {
    let mut per_domain: Vec<(u8, u32, u32)> = Vec::new();
    for (item, letters) in sprint.items.iter().zip(&player.responses) {
        let right = letters
            .parse::<Response>()
            .is_ok_and(|response| is_correct(item, &response));
        match per_domain.iter_mut().find(|(d, _, _)| *d == item.domain) {
            Some(entry) => {
                entry.1 += u32::from(right);
                entry.2 += 1;
            }
            None => per_domain.push((item.domain, u32::from(right), 1)),
        }
    }
    per_domain.sort_unstable();
    let finished = player.finished_at.is_some();
    Entry {
        user_id: player.user_id,
        score: player.score,
        time_ms: if finished {
            player.elapsed_ms
        } else {
            i64::from(sprint.row.seconds_limit) * 1000
        },
        finished,
        per_domain,
    }
}

/// Score first, then the faster time; equal on both is a tie (the same place, and the next
/// place skips, as in sport: 1, 1, 3).
pub fn place(mut entries: Vec<Entry>) -> Vec<Placing> {
    entries.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.time_ms.cmp(&b.time_ms))
            .then(a.user_id.cmp(&b.user_id))
    });
    let mut placings: Vec<Placing> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        let rank = match placings.last() {
            Some(previous)
                if previous.score == entry.score && previous.time_ms == entry.time_ms =>
            {
                previous.rank
            }
            _ => i + 1,
        };
        placings.push(Placing {
            user_id: entry.user_id,
            rank,
            score: entry.score,
            time_ms: entry.time_ms,
            finished: entry.finished,
            per_domain: entry.per_domain,
            rating_before: fresh(),
            rating_after: fresh(),
        });
    }
    placings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(user_id: Snowflake, score: u32, time_ms: i64) -> Entry {
        Entry {
            user_id,
            score,
            time_ms,
            finished: true,
            per_domain: vec![],
        }
    }

    fn places(entries: Vec<Entry>) -> Vec<(Snowflake, usize)> {
        place(entries)
            .into_iter()
            .map(|p| (p.user_id, p.rank))
            .collect()
    }

    #[test]
    fn score_comes_first_then_the_faster_time() {
        let placed = places(vec![
            entry(1, 3, 5_000),
            entry(2, 4, 9_000),
            entry(3, 4, 8_000),
        ]);
        assert_eq!(placed, [(3, 1), (2, 2), (1, 3)]);
    }

    #[test]
    fn equal_score_and_time_share_a_place_and_the_next_place_skips() {
        let placed = places(vec![
            entry(1, 4, 8_000),
            entry(2, 4, 8_000),
            entry(3, 2, 1_000),
        ]);
        assert_eq!(placed, [(1, 1), (2, 1), (3, 3)]);
    }

    #[test]
    fn a_forfeit_counts_the_whole_limit_and_loses_a_tie_on_score() {
        let forfeit = Entry {
            finished: false,
            ..entry(1, 3, 60_000)
        };
        let placed = places(vec![forfeit, entry(2, 3, 59_000)]);
        assert_eq!(placed, [(2, 1), (1, 2)]);
    }

    #[test]
    fn nobody_to_place_is_no_placings() {
        assert!(place(vec![]).is_empty());
    }
}
