//! Item statistics: how each question performs across every answer members gave it, and which
//! ones look broken. Pure: no database, no clock.
//!
//! - Times answered and share right count every answer, in every mode (channel and /quiz posts,
//!   sprints, submitted mock exams). A mock item left blank is not an answer.
//! - Option picks: for single and multiple-response items, each letter's share of the answers
//!   that chose it (a multiple-response item's shares add up to the letters it asks for). For
//!   every kind, the most picked wrong choice: for single and multiple, the most chosen letter
//!   that is not in the key; for ordering and matching (where one letter means nothing alone),
//!   the most common wrong response as a whole, such as "CABD".
//! - Discrimination: the point-biserial correlation between a member's first answer to the item
//!   (right or wrong: the first, before the explanation taught them the key) and the member's
//!   accuracy on the rest of that exam (every other answer they gave in it, excluding all their
//!   answers to this item). One point per member; members with no other answer in the exam give
//!   no point. Positive: members who know the exam get it right more often, as a good item
//!   should. Negative: the better members get it wrong, which usually means a wrong key.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::bank::{letter, Kind, Question};

/// An item needs this many answers before a low share right says something about its key.
pub const MIN_ANSWERS_FOR_KEY_CHECK: u32 = 30;
/// Under this share right (with enough answers), the key is worth checking.
pub const LOW_SHARE_RIGHT: f64 = 0.25;
/// A discrimination index needs this many members (points) before a negative value counts: with
/// fewer, chance alone often gives a small negative correlation.
pub const MIN_MEMBERS_FOR_DISCRIMINATION: u32 = 30;

/// How many members gave one response to an item, and whether it was right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseCount {
    pub item: String,
    pub exam: String,
    /// Letters as answered: "B", "AC", "CADB".
    pub response: String,
    pub correct: bool,
    pub count: u32,
}

/// A member: (guild, user).
pub type Member = (u64, u64);

/// One member's answers to one item. Members are told apart by guild too: across guilds, the
/// same person is two members (each guild's history is its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberItem {
    pub member: Member,
    pub exam: String,
    pub item: String,
    pub answered: u32,
    pub correct: u32,
    /// Whether the member's first answer to the item was right.
    pub first_correct: bool,
    /// When that first answer was given (unix milliseconds), to merge modes.
    pub first_at: i64,
}

impl MemberItem {
    /// Folds another batch of the same member's answers to the same item into this one.
    pub fn merge(&mut self, other: &MemberItem) {
        self.answered += other.answered;
        self.correct += other.correct;
        if other.first_at < self.first_at {
            self.first_at = other.first_at;
            self.first_correct = other.first_correct;
        }
    }
}

/// Why an item is on the "check the key" list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyCheck {
    /// Answered at least `MIN_ANSWERS_FOR_KEY_CHECK` times, under `LOW_SHARE_RIGHT` right.
    LowShareRight,
    /// Discrimination below 0 over at least `MIN_MEMBERS_FOR_DISCRIMINATION` members.
    NegativeDiscrimination,
}

impl KeyCheck {
    pub fn describe(self) -> &'static str {
        match self {
            KeyCheck::LowShareRight => "under 25% right",
            KeyCheck::NegativeDiscrimination => "stronger members miss it",
        }
    }
}

/// A choice and how many answers picked it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pick {
    /// A letter ("C"), or a whole response for ordering and matching ("CABD").
    pub choice: String,
    pub count: u32,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemStats {
    pub id: String,
    pub exam: String,
    /// The item's kind, when it is still in the bank.
    pub kind: Option<&'static str>,
    pub answered: u32,
    pub correct: u32,
    pub share_right: f64,
    /// Single and multiple: each letter's share of the answers (A first). Empty for other kinds.
    pub letters: Vec<Pick>,
    pub most_picked_wrong: Option<Pick>,
    /// None when fewer than two members give a point, or everyone scored alike.
    pub discrimination: Option<f64>,
    /// Members behind the discrimination index.
    pub discrimination_members: u32,
    pub key_checks: Vec<KeyCheck>,
}

impl ItemStats {
    /// How often each option was picked, "A 10% · B 60% · C 20% · D 10%" (single and multiple
    /// items; None for ordering and matching, whose responses are whole sequences).
    pub fn picks(&self) -> Option<String> {
        (!self.letters.is_empty()).then(|| {
            self.letters
                .iter()
                .map(|pick| format!("{} {:.0}%", pick.choice, pick.share * 100.0))
                .collect::<Vec<_>>()
                .join(" · ")
        })
    }
}

/// Pearson's correlation between a right/wrong variable and a continuous one (the
/// point-biserial): `(M1 - M0) / s * sqrt(p * q)`, with `s` the population standard deviation
/// of `y`. None with fewer than two points, or when either variable does not vary.
pub fn point_biserial(points: &[(bool, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let right: Vec<f64> = points.iter().filter(|p| p.0).map(|p| p.1).collect();
    let wrong: Vec<f64> = points.iter().filter(|p| !p.0).map(|p| p.1).collect();
    if right.is_empty() || wrong.is_empty() {
        return None;
    }
    let mean = points.iter().map(|p| p.1).sum::<f64>() / n;
    let variance = points.iter().map(|p| (p.1 - mean).powi(2)).sum::<f64>() / n;
    if variance <= f64::EPSILON * f64::EPSILON {
        return None;
    }
    let mean_of = |ys: &[f64]| ys.iter().sum::<f64>() / ys.len() as f64;
    let p = right.len() as f64 / n;
    Some((mean_of(&right) - mean_of(&wrong)) / variance.sqrt() * (p * (1.0 - p)).sqrt())
}

/// The "check the key" rules (see the constants).
pub fn key_checks(
    answered: u32,
    correct: u32,
    discrimination: Option<f64>,
    members: u32,
) -> Vec<KeyCheck> {
    let mut checks = Vec::new();
    if answered >= MIN_ANSWERS_FOR_KEY_CHECK
        && f64::from(correct) < LOW_SHARE_RIGHT * f64::from(answered)
    {
        checks.push(KeyCheck::LowShareRight);
    }
    if members >= MIN_MEMBERS_FOR_DISCRIMINATION && discrimination.is_some_and(|d| d < 0.0) {
        checks.push(KeyCheck::NegativeDiscrimination);
    }
    checks
}

/// Statistics for every answered item, in id order. `question` finds an item in the bank (for
/// its kind and key); items no longer in the bank still get their counts.
pub fn item_stats<'a>(
    responses: &[ResponseCount],
    members: &[MemberItem],
    question: impl Fn(&str) -> Option<&'a Question>,
) -> Vec<ItemStats> {
    let mut by_item: BTreeMap<&str, Vec<&ResponseCount>> = BTreeMap::new();
    for response in responses {
        by_item.entry(&response.item).or_default().push(response);
    }
    let discrimination = discrimination_by_item(members);
    by_item
        .into_iter()
        .map(|(id, responses)| {
            let answered: u32 = responses.iter().map(|r| r.count).sum();
            let correct: u32 = responses
                .iter()
                .filter(|r| r.correct)
                .map(|r| r.count)
                .sum();
            let question = question(id);
            let (letters, most_picked_wrong) = picks(&responses, answered, question);
            let (index, points) = discrimination.get(id).copied().unwrap_or((None, 0));
            ItemStats {
                id: id.to_string(),
                exam: responses[0].exam.clone(),
                kind: question.map(|q| q.kind.as_str()),
                answered,
                correct,
                share_right: share(correct, answered),
                letters,
                most_picked_wrong,
                discrimination: index,
                discrimination_members: points,
                key_checks: key_checks(answered, correct, index, points),
            }
        })
        .collect()
}

fn share(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) / f64::from(whole)
    }
}

/// Letter shares and the most picked wrong choice (see the module notes).
fn picks(
    responses: &[&ResponseCount],
    answered: u32,
    question: Option<&Question>,
) -> (Vec<Pick>, Option<Pick>) {
    let by_letter = matches!(
        question.map(|q| q.kind),
        Some(Kind::Single | Kind::Multiple)
    );
    if let (true, Some(question)) = (by_letter, question) {
        let letters: Vec<Pick> = (0..question.options.len() as u8)
            .map(|index| {
                let chosen = letter(index);
                let count = responses
                    .iter()
                    .filter(|r| r.response.contains(chosen))
                    .map(|r| r.count)
                    .sum();
                Pick {
                    choice: chosen.to_string(),
                    count,
                    share: share(count, answered),
                }
            })
            .collect();
        let wrong = letters
            .iter()
            .enumerate()
            .filter(|(index, pick)| pick.count > 0 && !question.key.0.contains(&(*index as u8)))
            .map(|(_, pick)| pick)
            // The first (lowest letter) of equal counts, so the answer is stable.
            .fold(None::<&Pick>, |best, pick| match best {
                Some(best) if best.count >= pick.count => Some(best),
                _ => Some(pick),
            })
            .cloned();
        return (letters, wrong);
    }
    let mut wrong: BTreeMap<&str, u32> = BTreeMap::new();
    for response in responses.iter().filter(|r| !r.correct) {
        *wrong.entry(&response.response).or_default() += response.count;
    }
    let most = wrong
        .into_iter()
        .fold(None::<(&str, u32)>, |best, (choice, count)| match best {
            Some(best) if best.1 >= count => Some(best),
            _ => Some((choice, count)),
        })
        .map(|(choice, count)| Pick {
            choice: choice.to_string(),
            count,
            share: share(count, answered),
        });
    (Vec::new(), most)
}

/// Per item: the discrimination index and how many members it rests on.
fn discrimination_by_item(members: &[MemberItem]) -> HashMap<&str, (Option<f64>, u32)> {
    // Each member's totals per exam, over all items.
    let mut totals: HashMap<(Member, &str), (u32, u32)> = HashMap::new();
    for answers in members {
        let total = totals.entry((answers.member, &answers.exam)).or_default();
        total.0 += answers.answered;
        total.1 += answers.correct;
    }
    let mut points: HashMap<&str, Vec<(bool, f64)>> = HashMap::new();
    for answers in members {
        let (answered, correct) = totals[&(answers.member, answers.exam.as_str())];
        let rest_answered = answered - answers.answered;
        let entry = points.entry(&answers.item).or_default();
        if rest_answered > 0 {
            let rest_correct = correct - answers.correct;
            entry.push((answers.first_correct, share(rest_correct, rest_answered)));
        }
    }
    points
        .into_iter()
        .map(|(item, points)| (item, (point_biserial(&points), points.len() as u32)))
        .collect()
}

/// The items to show an admin: the "check the key" list, then the worst of the others (lowest
/// discrimination first, items without one after, then lowest share right), at most `limit` each.
pub fn check_list_and_worst(
    stats: &[ItemStats],
    limit: usize,
) -> (Vec<&ItemStats>, Vec<&ItemStats>) {
    let mut flagged: Vec<&ItemStats> = stats.iter().filter(|s| !s.key_checks.is_empty()).collect();
    flagged.sort_by(|a, b| worst_first(a, b));
    flagged.truncate(limit);
    let mut others: Vec<&ItemStats> = stats.iter().filter(|s| s.key_checks.is_empty()).collect();
    others.sort_by(|a, b| worst_first(a, b));
    others.truncate(limit);
    (flagged, others)
}

fn worst_first(a: &ItemStats, b: &ItemStats) -> std::cmp::Ordering {
    // A discrimination over a handful of members swings to +/-1 by chance: items with enough
    // members for it to mean something come first.
    let enough = |s: &ItemStats| s.discrimination_members >= MIN_MEMBERS_FOR_DISCRIMINATION;
    let discrimination = |s: &ItemStats| s.discrimination.unwrap_or(f64::INFINITY);
    enough(b)
        .cmp(&enough(a))
        .then(discrimination(a).total_cmp(&discrimination(b)))
        .then(a.share_right.total_cmp(&b.share_right))
        .then(b.answered.cmp(&a.answered))
        .then(a.id.cmp(&b.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::Key;

    #[test]
    fn the_worst_list_ranks_items_with_enough_members_before_chance_figures() {
        let item = |id: &str, discrimination: f64, members: u32| ItemStats {
            id: id.into(),
            exam: "aif-c01".into(),
            kind: Some("single"),
            answered: members,
            correct: members / 2,
            share_right: 0.5,
            letters: Vec::new(),
            most_picked_wrong: None,
            discrimination: Some(discrimination),
            discrimination_members: members,
            key_checks: Vec::new(),
        };
        let stats = [
            item("few", -0.9, 3),
            item("weak", 0.05, 40),
            item("good", 0.4, 40),
        ];
        let (_, worst) = check_list_and_worst(&stats, 10);
        let order: Vec<&str> = worst.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(order, ["weak", "good", "few"]);
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn point_biserial_matches_a_hand_computation() {
        // Right: 0.9, 0.8, 0.6 (mean 23/30); wrong: 0.5, 0.2 (mean 0.35). Mean of all 0.6,
        // squared deviations .09 .04 0 .01 .16 -> variance .06; p = .6, q = .4.
        // r = (23/30 - 0.35) / sqrt(.06) * sqrt(.24) = (5/12) * 2 = 5/6.
        let points = [
            (true, 0.9),
            (true, 0.8),
            (true, 0.6),
            (false, 0.5),
            (false, 0.2),
        ];
        let r = point_biserial(&points).unwrap();
        assert!(close(r, 5.0 / 6.0), "{r}");
        // Swapping who was right turns the sign.
        let swapped: Vec<(bool, f64)> = points.iter().map(|&(x, y)| (!x, y)).collect();
        assert!(close(point_biserial(&swapped).unwrap(), -5.0 / 6.0));
    }

    #[test]
    fn point_biserial_needs_variation_in_both_variables() {
        assert_eq!(point_biserial(&[(true, 0.5)]), None);
        assert_eq!(point_biserial(&[(true, 0.5), (true, 0.9)]), None);
        assert_eq!(point_biserial(&[(true, 0.5), (false, 0.5)]), None);
    }

    fn single(id: &str, key: u8) -> Question {
        Question {
            id: id.into(),
            exam: "tst-c01".into(),
            domain: 1,
            task: "1.1".into(),
            kind: Kind::Single,
            difficulty: 2,
            case: None,
            stem: "?".into(),
            options: vec!["w".into(), "x".into(), "y".into(), "z".into()],
            prompts: vec![],
            key: Key(vec![key]),
            explanation: String::new(),
            references: vec![],
            services: vec![],
        }
    }

    fn member(user: u64, item: &str, answered: u32, correct: u32, first: bool) -> MemberItem {
        MemberItem {
            member: (1, user),
            exam: "tst-c01".into(),
            item: item.into(),
            answered,
            correct,
            first_correct: first,
            first_at: 0,
        }
    }

    fn count(item: &str, response: &str, correct: bool, count: u32) -> ResponseCount {
        ResponseCount {
            item: item.into(),
            exam: "tst-c01".into(),
            response: response.into(),
            correct,
            count,
        }
    }

    #[test]
    fn discrimination_uses_each_members_accuracy_on_the_rest_of_the_exam() {
        // Item "q" (key A). Four members, each also answered "other" items:
        //   u1: q right; rest 4 of 4 -> 1.0
        //   u2: q right (first), then wrong again; rest 3 of 4 -> 0.75
        //   u3: q wrong; rest 1 of 4 -> 0.25
        //   u4: q wrong; rest 2 of 4 -> 0.5
        //   u5: answered only q (no rest): no point.
        // Points: (1, 1.0) (1, .75) (0, .25) (0, .5). Mean .625; deviations .375 .125 -.375
        // -.125 -> variance (.140625*2 + .015625*2)/4 = .078125; M1 = .875, M0 = .375, p = .5.
        // r = .5 / sqrt(.078125) * .5 = .25 / .279508 = 0.894427 (= 2/sqrt(5)).
        let members = vec![
            member(1, "q", 1, 1, true),
            member(1, "other", 4, 4, true),
            member(2, "q", 2, 1, true),
            member(2, "other", 4, 3, true),
            member(3, "q", 1, 0, false),
            member(3, "other", 4, 1, false),
            member(4, "q", 1, 0, false),
            member(4, "other", 4, 2, false),
            member(5, "q", 1, 1, true),
        ];
        let responses = vec![
            count("q", "A", true, 3),
            count("q", "C", false, 2),
            count("q", "B", false, 1),
            count("other", "A", true, 10),
            count("other", "B", false, 6),
        ];
        let bank = [single("q", 0), single("other", 0)];
        let stats = item_stats(&responses, &members, |id| bank.iter().find(|q| q.id == id));
        let q = stats.iter().find(|s| s.id == "q").unwrap();
        assert_eq!((q.answered, q.correct), (6, 3));
        assert!(close(q.share_right, 0.5));
        assert_eq!(q.discrimination_members, 4);
        assert!(close(q.discrimination.unwrap(), 2.0 / 5f64.sqrt()), "{q:?}");
        let shares: Vec<(String, u32)> = q
            .letters
            .iter()
            .map(|p| (p.choice.clone(), p.count))
            .collect();
        assert_eq!(
            shares,
            [
                ("A".into(), 3),
                ("B".into(), 1),
                ("C".into(), 2),
                ("D".into(), 0)
            ]
        );
        assert_eq!(q.most_picked_wrong.as_ref().unwrap().choice, "C");
        assert!(q.key_checks.is_empty(), "too few answers to judge");
    }

    #[test]
    fn ordering_items_report_the_most_common_wrong_response() {
        let mut ordering = single("o", 0);
        ordering.kind = Kind::Ordering;
        ordering.key = Key(vec![2, 0, 1]);
        let responses = vec![
            count("o", "CAB", true, 4),
            count("o", "ABC", false, 3),
            count("o", "BAC", false, 5),
        ];
        let stats = item_stats(&responses, &[], |_| Some(&ordering));
        assert!(stats[0].letters.is_empty());
        let wrong = stats[0].most_picked_wrong.clone().unwrap();
        assert_eq!((wrong.choice.as_str(), wrong.count), ("BAC", 5));
        assert!(close(wrong.share, 5.0 / 12.0));
    }

    #[test]
    fn the_key_check_rules_have_their_thresholds() {
        // Under 25% right, with 30 answers or more.
        assert_eq!(key_checks(30, 7, None, 0), [KeyCheck::LowShareRight]);
        assert!(key_checks(29, 0, None, 0).is_empty(), "too few answers");
        assert!(
            key_checks(40, 10, None, 0).is_empty(),
            "exactly 25% is not under"
        );
        // Negative discrimination, over 30 members or more.
        assert_eq!(
            key_checks(100, 60, Some(-0.05), 30),
            [KeyCheck::NegativeDiscrimination]
        );
        assert!(
            key_checks(100, 60, Some(-0.5), 29).is_empty(),
            "too few members"
        );
        assert!(key_checks(100, 60, Some(0.0), 50).is_empty());
        assert_eq!(
            key_checks(100, 10, Some(-0.2), 40),
            [KeyCheck::LowShareRight, KeyCheck::NegativeDiscrimination]
        );
    }

    #[test]
    fn merging_keeps_the_earliest_first_answer() {
        let mut a = MemberItem {
            first_at: 50,
            ..member(1, "q", 2, 2, true)
        };
        a.merge(&MemberItem {
            first_at: 10,
            ..member(1, "q", 1, 0, false)
        });
        assert_eq!(
            (a.answered, a.correct, a.first_correct, a.first_at),
            (3, 2, false, 10)
        );
        a.merge(&MemberItem {
            first_at: 99,
            ..member(1, "q", 1, 1, true)
        });
        assert_eq!((a.answered, a.correct, a.first_correct), (4, 3, false));
    }
}
