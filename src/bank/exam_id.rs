//! Exam ids and scopes, parsed once at the edge against the loaded banks, so everything inside
//! knows it names an exam that exists (shipped or from an overlay pack).

use std::fmt;
use std::sync::Arc;

use super::{Bank, Exam};

/// The id of a loaded exam ("aif-c01"), in its canonical spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExamId(Arc<str>);

impl ExamId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ExamId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// What a schedule, leaderboard or sprint covers: every exam, or one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    Exam(ExamId),
}

impl Scope {
    /// The word stored and shown: "all" or the exam id.
    pub const ALL: &'static str = "all";

    pub fn as_str(&self) -> &str {
        match self {
            Scope::All => Scope::ALL,
            Scope::Exam(id) => id.as_str(),
        }
    }

    pub fn exam(&self) -> Option<&ExamId> {
        match self {
            Scope::All => None,
            Scope::Exam(id) => Some(id),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Bank {
    /// The loaded exam a user typed (id or code, any case).
    pub fn exam_id(&self, text: &str) -> Option<ExamId> {
        self.exam(text)
            .map(|exam| ExamId(Arc::from(exam.id.as_str())))
    }

    /// "all" or a loaded exam.
    pub fn scope(&self, text: &str) -> Option<Scope> {
        if text.trim().eq_ignore_ascii_case(Scope::ALL) {
            return Some(Scope::All);
        }
        self.exam_id(text).map(Scope::Exam)
    }

    /// The exam an id names. Every `ExamId` comes from a bank; one from another bank (a test
    /// that mixes them) is simply not found.
    pub fn exam_of(&self, id: &ExamId) -> Option<&Exam> {
        self.exam(id.as_str())
    }

    /// The exams members can study: loaded, with items, in the bank's order.
    pub fn playable_exams(&self) -> impl Iterator<Item = &Exam> {
        self.exams.iter().filter(|exam| !exam.items.is_empty())
    }

    /// The exams an "all exams" schedule or sprint goes through, in a learner's order:
    /// foundational first, then associate, professional and anything else. A retiring exam is
    /// left out: nobody should meet it by chance.
    pub fn rotation(&self) -> Vec<&Exam> {
        let mut exams: Vec<&Exam> = self
            .playable_exams()
            .filter(|exam| self.retirement(&exam.id).is_none())
            .collect();
        exams.sort_by_key(|exam| (level_rank(&exam.level), exam.id.clone()));
        exams
    }
}

fn level_rank(level: &str) -> u8 {
    match level {
        "foundational" => 0,
        "associate" => 1,
        "professional" => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> Bank {
        let loaded = crate::bank::load(&crate::bank::source::embedded_files());
        loaded.bank
    }

    #[test]
    fn ids_and_codes_parse_in_any_case_to_the_canonical_id() {
        let bank = bank();
        assert_eq!(bank.exam_id("AIF-C01").unwrap().as_str(), "aif-c01");
        assert_eq!(bank.exam_id(" aip-c01 ").unwrap().as_str(), "aip-c01");
        assert_eq!(bank.exam_id("nope"), None);
        assert_eq!(bank.scope("ALL"), Some(Scope::All));
        assert_eq!(
            bank.scope("aif-c01").unwrap().exam().unwrap().as_str(),
            "aif-c01"
        );
        assert_eq!(bank.scope("every"), None);
    }
}
