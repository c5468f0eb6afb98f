//! The custom_id codec: what a button or select press refers to. It names the post or session
//! and the user's own choice; it never carries the answer key or anything that scores a press.

use crate::store::{Period, Snowflake};

/// Discord's limit for a custom_id.
pub const MAX_LEN: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Answer a post with these option letters (a button's letter, a select's values, a picker's result).
    Answer {
        post: i64,
        letters: String,
    },
    /// A multiple-response select on a post: the chosen letters arrive as the select's values.
    Select {
        post: i64,
    },
    /// Open the step-by-step picker for an ordering or matching post.
    OpenPicker {
        post: i64,
    },
    /// A picker step: the letters chosen so far; the select adds the next one.
    Pick {
        post: i64,
        so_far: String,
    },
    /// Clear the picker and start again.
    Restart {
        post: i64,
    },
    /// Deal the next personal question.
    NextQuiz {
        exam: String,
        domain: u8,
    },
    /// A leaderboard page, as seen by `viewer` (whose own row it shows).
    Board {
        exam: Option<String>,
        period: Period,
        page: u32,
        viewer: Snowflake,
    },
    /// Confirm or cancel /forget-me; only `user` may press.
    Forget {
        user: Snowflake,
        confirm: bool,
    },
    /// Mock exam: answer item `index` with these letters (a button), or with a select's values.
    MockAnswer {
        attempt: i64,
        index: usize,
        letters: String,
    },
    MockSelect {
        attempt: i64,
        index: usize,
    },
    /// Mock exam: a picker step for an ordering or matching item.
    MockPick {
        attempt: i64,
        index: usize,
        so_far: String,
    },
    /// Mock exam: show item `index`.
    MockGo {
        attempt: i64,
        index: usize,
    },
    MockFlag {
        attempt: i64,
        index: usize,
    },
    /// Mock exam: ask to submit (`confirm` false) or submit.
    MockSubmit {
        attempt: i64,
        confirm: bool,
    },
    /// Mock exam report (`index` None) or the review of one item.
    MockReview {
        attempt: i64,
        index: Option<usize>,
    },
    /// The challenged member accepts or declines a duel.
    DuelReply {
        sprint: i64,
        accept: bool,
    },
    /// Join, leave or start (host) a group lobby.
    Lobby {
        sprint: i64,
        step: LobbyStep,
    },
    /// A player opens their private question flow.
    SprintPlay {
        sprint: i64,
    },
    /// A sprint answer by button, by select values, or a picker step.
    SprintAnswer {
        sprint: i64,
        index: usize,
        letters: String,
    },
    SprintSelect {
        sprint: i64,
        index: usize,
    },
    SprintPick {
        sprint: i64,
        index: usize,
        so_far: String,
    },
    /// Deal the member's next due review card (of this exam, or of every exam).
    NextReview {
        exam: Option<String>,
    },
    /// /bank reports: mark a member's question report resolved (admins only).
    ResolveReport {
        flag: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LobbyStep {
    Join,
    Leave,
    Start,
}

impl Action {
    /// The channel or personal post a question control answers, if it is one.
    pub fn post(&self) -> Option<i64> {
        match self {
            Action::Answer { post, .. }
            | Action::Select { post }
            | Action::OpenPicker { post }
            | Action::Pick { post, .. }
            | Action::Restart { post } => Some(*post),
            _ => None,
        }
    }

    pub fn encode(&self) -> String {
        let id = match self {
            Action::Answer { post, letters } => format!("ans:{post}:{letters}"),
            Action::Select { post } => format!("sel:{post}"),
            Action::OpenPicker { post } => format!("open:{post}"),
            Action::Pick { post, so_far } => format!("pick:{post}:{so_far}"),
            Action::Restart { post } => format!("redo:{post}"),
            Action::NextQuiz { exam, domain } => format!("next:{exam}:{domain}"),
            Action::Board {
                exam,
                period,
                page,
                viewer,
            } => {
                format!(
                    "lb:{}:{}:{page}:{viewer}",
                    exam.as_deref().unwrap_or("*"),
                    period_code(*period)
                )
            }
            Action::Forget { user, confirm } => format!("forget:{user}:{}", u8::from(*confirm)),
            Action::MockAnswer {
                attempt,
                index,
                letters,
            } => format!("ma:{attempt}:{index}:{letters}"),
            Action::MockSelect { attempt, index } => format!("ms:{attempt}:{index}"),
            Action::MockPick {
                attempt,
                index,
                so_far,
            } => format!("mp:{attempt}:{index}:{so_far}"),
            Action::MockGo { attempt, index } => format!("mg:{attempt}:{index}"),
            Action::MockFlag { attempt, index } => format!("mf:{attempt}:{index}"),
            Action::MockSubmit { attempt, confirm } => {
                format!("mx:{attempt}:{}", u8::from(*confirm))
            }
            Action::DuelReply { sprint, accept } => format!("sd:{sprint}:{}", u8::from(*accept)),
            Action::Lobby { sprint, step } => {
                let step = match step {
                    LobbyStep::Join => "j",
                    LobbyStep::Leave => "l",
                    LobbyStep::Start => "s",
                };
                format!("sl:{sprint}:{step}")
            }
            Action::SprintPlay { sprint } => format!("sp:{sprint}"),
            Action::SprintAnswer {
                sprint,
                index,
                letters,
            } => format!("sa:{sprint}:{index}:{letters}"),
            Action::SprintSelect { sprint, index } => format!("ss:{sprint}:{index}"),
            Action::SprintPick {
                sprint,
                index,
                so_far,
            } => format!("sk:{sprint}:{index}:{so_far}"),
            Action::MockReview { attempt, index } => match index {
                Some(index) => format!("mr:{attempt}:{index}"),
                None => format!("mr:{attempt}:r"),
            },
            Action::NextReview { exam } => format!("rvn:{}", exam.as_deref().unwrap_or("*")),
            Action::ResolveReport { flag } => format!("rr:{flag}"),
        };
        debug_assert!(id.len() <= MAX_LEN, "custom_id too long: {id}");
        id
    }

    pub fn decode(id: &str) -> Option<Action> {
        let mut parts = id.split(':');
        let action = match parts.next()? {
            "ans" => Action::Answer {
                post: parts.next()?.parse().ok()?,
                letters: letters(parts.next()?)?,
            },
            "sel" => Action::Select {
                post: parts.next()?.parse().ok()?,
            },
            "open" => Action::OpenPicker {
                post: parts.next()?.parse().ok()?,
            },
            "pick" => Action::Pick {
                post: parts.next()?.parse().ok()?,
                so_far: letters_or_empty(parts.next()?)?,
            },
            "redo" => Action::Restart {
                post: parts.next()?.parse().ok()?,
            },
            "next" => Action::NextQuiz {
                exam: parts.next()?.to_string(),
                domain: parts.next()?.parse().ok()?,
            },
            "lb" => {
                let exam = parts.next()?;
                Action::Board {
                    exam: (exam != "*").then(|| exam.to_string()),
                    period: period_from_code(parts.next()?)?,
                    page: parts.next()?.parse().ok()?,
                    viewer: parts.next()?.parse().ok()?,
                }
            }
            "forget" => Action::Forget {
                user: parts.next()?.parse().ok()?,
                confirm: parts.next()? == "1",
            },
            "ma" => Action::MockAnswer {
                attempt: parts.next()?.parse().ok()?,
                index: parts.next()?.parse().ok()?,
                letters: letters(parts.next()?)?,
            },
            "ms" => Action::MockSelect {
                attempt: parts.next()?.parse().ok()?,
                index: parts.next()?.parse().ok()?,
            },
            "mp" => Action::MockPick {
                attempt: parts.next()?.parse().ok()?,
                index: parts.next()?.parse().ok()?,
                so_far: letters_or_empty(parts.next()?)?,
            },
            "mg" => Action::MockGo {
                attempt: parts.next()?.parse().ok()?,
                index: parts.next()?.parse().ok()?,
            },
            "mf" => Action::MockFlag {
                attempt: parts.next()?.parse().ok()?,
                index: parts.next()?.parse().ok()?,
            },
            "mx" => Action::MockSubmit {
                attempt: parts.next()?.parse().ok()?,
                confirm: parts.next()? == "1",
            },
            "mr" => {
                let attempt = parts.next()?.parse().ok()?;
                let index = match parts.next()? {
                    "r" => None,
                    number => Some(number.parse().ok()?),
                };
                Action::MockReview { attempt, index }
            }
            "sd" => Action::DuelReply {
                sprint: parts.next()?.parse().ok()?,
                accept: parts.next()? == "1",
            },
            "sl" => Action::Lobby {
                sprint: parts.next()?.parse().ok()?,
                step: match parts.next()? {
                    "j" => LobbyStep::Join,
                    "l" => LobbyStep::Leave,
                    "s" => LobbyStep::Start,
                    _ => return None,
                },
            },
            "sp" => Action::SprintPlay {
                sprint: parts.next()?.parse().ok()?,
            },
            "sa" => Action::SprintAnswer {
                sprint: parts.next()?.parse().ok()?,
                index: parts.next()?.parse().ok()?,
                letters: letters(parts.next()?)?,
            },
            "ss" => Action::SprintSelect {
                sprint: parts.next()?.parse().ok()?,
                index: parts.next()?.parse().ok()?,
            },
            "sk" => Action::SprintPick {
                sprint: parts.next()?.parse().ok()?,
                index: parts.next()?.parse().ok()?,
                so_far: letters_or_empty(parts.next()?)?,
            },
            "rvn" => {
                let exam = parts.next()?;
                Action::NextReview {
                    exam: (exam != "*").then(|| exam.to_string()),
                }
            }
            "rr" => Action::ResolveReport {
                flag: parts.next()?.parse().ok()?,
            },
            _ => return None,
        };
        parts.next().is_none().then_some(action)
    }
}

fn letters(text: &str) -> Option<String> {
    (!text.is_empty()).then_some(())?;
    letters_or_empty(text)
}

fn letters_or_empty(text: &str) -> Option<String> {
    (text.len() <= 26 && text.bytes().all(|b| b.is_ascii_uppercase())).then(|| text.to_string())
}

fn period_code(period: Period) -> &'static str {
    match period {
        Period::Week => "w",
        Period::Month => "m",
        Period::All => "a",
    }
}

fn period_from_code(code: &str) -> Option<Period> {
    match code {
        "w" => Some(Period::Week),
        "m" => Some(Period::Month),
        "a" => Some(Period::All),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips() {
        for action in [
            Action::Answer {
                post: 42,
                letters: "BD".into(),
            },
            Action::OpenPicker { post: 7 },
            Action::Select { post: 9 },
            Action::Pick {
                post: 7,
                so_far: String::new(),
            },
            Action::Pick {
                post: 7,
                so_far: "CA".into(),
            },
            Action::NextQuiz {
                exam: "aif-c01".into(),
                domain: 0,
            },
            Action::Restart { post: 7 },
            Action::Board {
                exam: None,
                period: Period::Week,
                page: 2,
                viewer: 5,
            },
            Action::Board {
                exam: Some("mla-c01".into()),
                period: Period::All,
                page: 0,
                viewer: 123456789012345678,
            },
            Action::Forget {
                user: 123456789012345678,
                confirm: true,
            },
            Action::MockAnswer {
                attempt: 3,
                index: 64,
                letters: "AC".into(),
            },
            Action::MockSelect {
                attempt: 3,
                index: 0,
            },
            Action::MockPick {
                attempt: 3,
                index: 2,
                so_far: String::new(),
            },
            Action::MockGo {
                attempt: 3,
                index: 9,
            },
            Action::MockFlag {
                attempt: 3,
                index: 9,
            },
            Action::MockSubmit {
                attempt: 3,
                confirm: false,
            },
            Action::MockReview {
                attempt: 3,
                index: None,
            },
            Action::MockReview {
                attempt: 3,
                index: Some(4),
            },
            Action::DuelReply {
                sprint: 8,
                accept: false,
            },
            Action::Lobby {
                sprint: 8,
                step: LobbyStep::Start,
            },
            Action::SprintPlay { sprint: 8 },
            Action::SprintAnswer {
                sprint: 8,
                index: 19,
                letters: "CADB".into(),
            },
            Action::SprintSelect {
                sprint: 8,
                index: 0,
            },
            Action::SprintPick {
                sprint: 8,
                index: 1,
                so_far: "B".into(),
            },
            Action::NextReview { exam: None },
            Action::NextReview {
                exam: Some("aip-c01".into()),
            },
            Action::ResolveReport { flag: 17 },
        ] {
            let id = action.encode();
            assert!(id.len() <= MAX_LEN);
            assert_eq!(Action::decode(&id), Some(action));
        }
    }

    #[test]
    fn tampered_ids_are_rejected() {
        for id in [
            "ans:42:",
            "ans:x:B",
            "ans:42:b",
            "ans:42:B:extra",
            "lb:*:q:0:1",
            "nope",
            "",
        ] {
            assert_eq!(Action::decode(id), None, "{id}");
        }
    }
}
