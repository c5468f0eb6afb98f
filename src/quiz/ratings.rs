//! Skill ratings from sprint results: Weng-Lin (a Bayesian rating with an uncertainty, like
//! Glicko-2, from the skillratings crate) because it rates a many-player finish order natively:
//! a four-player sprint is one game with ranks, not six invented duels.

use skillratings::weng_lin::{weng_lin_multi_team, WengLinConfig, WengLinRating};
use skillratings::MultiTeamOutcome;

use crate::store::Rating;

/// Shown ratings are Weng-Lin's mu scaled so a newcomer starts at 1000.
pub const DISPLAY_SCALE: f64 = 40.0;

pub fn fresh() -> Rating {
    let start = WengLinRating::new();
    Rating {
        rating: start.rating,
        uncertainty: start.uncertainty,
        games: 0,
    }
}

pub fn display(rating: &Rating) -> (i64, i64) {
    (
        (rating.rating * DISPLAY_SCALE).round() as i64,
        (rating.uncertainty * DISPLAY_SCALE).round() as i64,
    )
}

/// New ratings after one game; `ranks[i]` is player i's place (1 = first; equal places tie).
pub fn rate(players: &[Rating], ranks: &[usize]) -> Vec<Rating> {
    let teams: Vec<[WengLinRating; 1]> = players
        .iter()
        .map(|p| {
            [WengLinRating {
                rating: p.rating,
                uncertainty: p.uncertainty,
            }]
        })
        .collect();
    let input: Vec<(&[WengLinRating], MultiTeamOutcome)> = teams
        .iter()
        .zip(ranks)
        .map(|(team, &rank)| (&team[..], MultiTeamOutcome::new(rank)))
        .collect();
    let rated = weng_lin_multi_team(&input, &WengLinConfig::new());
    rated
        .into_iter()
        .zip(players)
        .map(|(team, before)| Rating {
            rating: team[0].rating,
            uncertainty: team[0].uncertainty,
            games: before.games + 1,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winners_gain_losers_lose_and_ties_stay_level() {
        let after = rate(&[fresh(), fresh()], &[1, 2]);
        assert!(after[0].rating > fresh().rating && after[1].rating < fresh().rating);
        assert!(
            after[0].uncertainty < fresh().uncertainty,
            "a game teaches us something"
        );
        let tied = rate(&[fresh(), fresh()], &[1, 1]);
        assert!((tied[0].rating - tied[1].rating).abs() < 1e-9);
        let four = rate(&[fresh(), fresh(), fresh(), fresh()], &[1, 2, 3, 4]);
        assert!(four.windows(2).all(|pair| pair[0].rating > pair[1].rating));
        assert_eq!(display(&fresh()).0, 1000);
    }
}
