//! The typed bank: exams with their blueprints, and the question items.
//! Built once by the loader, immutable afterwards, shared as `Arc<Bank>`.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The four item kinds of the AWS exam guides (case studies are groups of these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Single,
    Multiple,
    Ordering,
    Matching,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Single, Kind::Multiple, Kind::Ordering, Kind::Matching];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::Ordering => "ordering",
            Kind::Matching => "matching",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Domain {
    pub number: u8,
    pub name: String,
    /// Percent of the scored content, from the official guide.
    pub weight: u32,
    pub tasks: Vec<Task>,
}

/// One exam's blueprint (exam.toml) and its items.
#[derive(Debug, Clone, Serialize)]
pub struct Exam {
    pub id: String,
    pub code: String,
    pub short: String,
    pub name: String,
    pub level: String,
    pub questions: u32,
    pub scored: u32,
    pub minutes: u32,
    pub passing_score: u32,
    pub kinds: Vec<Kind>,
    pub guide: Option<String>,
    pub domains: Vec<Domain>,
    #[serde(skip)]
    pub items: Vec<Arc<Question>>,
}

impl Exam {
    pub fn domain(&self, number: u8) -> Option<&Domain> {
        self.domains.iter().find(|domain| domain.number == number)
    }

    pub fn task_name(&self, task: &str) -> Option<&str> {
        self.domains
            .iter()
            .flat_map(|domain| &domain.tasks)
            .find(|t| t.id == task)
            .map(|t| t.name.as_str())
    }

    pub fn items_in_domain(&self, number: u8) -> impl Iterator<Item = &Arc<Question>> {
        self.items.iter().filter(move |item| item.domain == number)
    }
}

/// A scenario shared by several items (a case study); each item is still scored alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: String,
    pub scenario: String,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub exam: String,
    pub domain: u8,
    pub task: String,
    pub kind: Kind,
    pub difficulty: u8,
    pub case: Option<Arc<Case>>,
    pub stem: String,
    pub options: Vec<String>,
    /// Matching only: the prompts that each take one option.
    pub prompts: Vec<String>,
    pub key: Key,
    pub explanation: String,
    pub references: Vec<String>,
    pub services: Vec<String>,
}

impl Question {
    /// How many options a multiple-response item asks for ("Select TWO" = 2).
    pub fn select_count(&self) -> usize {
        self.key.0.len()
    }

    /// The key as people read it: "B", "A, C", "C → A → D → B", "1→B, 2→C, 3→A".
    pub fn key_text(&self) -> String {
        let letters: Vec<String> = self.key.0.iter().map(|&i| letter(i).to_string()).collect();
        match self.kind {
            Kind::Ordering => letters.join(" → "),
            Kind::Matching => letters
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{}→{l}", i + 1))
                .collect::<Vec<_>>()
                .join(", "),
            _ => letters.join(", "),
        }
    }
}

/// Option indices (0 = A). Single: one; multiple: the set, sorted; ordering: the full order;
/// matching: for each prompt, the option it takes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key(pub Vec<u8>);

impl Key {
    pub fn letters(&self) -> String {
        letters(&self.0)
    }
}

/// A user's response in the same shape as the key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Response(pub Vec<u8>);

impl Response {
    pub fn letters(&self) -> String {
        letters(&self.0)
    }
}

pub fn letter(index: u8) -> char {
    (b'A' + index) as char
}

pub fn letters(indices: &[u8]) -> String {
    indices.iter().map(|&i| letter(i)).collect()
}

/// One skill of an exam guide, numbered "D.T.S" under its task, with the bank's own short label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skill {
    pub id: String,
    pub task: String,
    pub label: String,
}

/// An exam that candidates can no longer take in every language, from exam.toml's `[status]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retirement {
    /// The last day (YYYY-MM-DD) the exam is offered at all.
    pub until: String,
    /// The exam id that replaces it, if any.
    pub replaced_by: Option<String>,
    pub note: String,
}

/// What an exam.toml holds beyond the fields of [`Exam`]: the guide version, whether AWS
/// publishes the duration, the skills and the retirement. Kept beside the exam, not in it, so
/// code that builds an `Exam` by hand keeps compiling.
#[derive(Debug, Clone, Serialize)]
pub struct ExamDetails {
    pub version: Option<String>,
    /// False when AWS does not publish the duration and `minutes` is an assumption.
    pub minutes_published: bool,
    pub skills: Vec<Skill>,
    pub retirement: Option<Retirement>,
}

impl Default for ExamDetails {
    fn default() -> ExamDetails {
        ExamDetails {
            version: None,
            minutes_published: true,
            skills: Vec::new(),
            retirement: None,
        }
    }
}

impl ExamDetails {
    pub fn skill(&self, id: &str) -> Option<&Skill> {
        self.skills.iter().find(|skill| skill.id == id)
    }

    pub fn skills_of_task<'a>(&'a self, task: &'a str) -> impl Iterator<Item = &'a Skill> {
        self.skills.iter().filter(move |skill| skill.task == task)
    }
}

/// What an item file says about an item beyond the fields of [`Question`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemDetails {
    /// The guide skill the item tests ("1.2.3").
    pub skill: Option<String>,
    /// The stem's organisation already uses a service that is closed to new customers.
    pub existing_customer: bool,
}

/// The loaded banks: every exam, and every item by id.
#[derive(Debug, Default)]
pub struct Bank {
    pub exams: Vec<Exam>,
    by_id: HashMap<String, Arc<Question>>,
    exam_details: HashMap<String, ExamDetails>,
    item_details: HashMap<String, ItemDetails>,
}

impl Bank {
    pub fn new(exams: Vec<Exam>) -> Bank {
        let by_id = exams
            .iter()
            .flat_map(|exam| &exam.items)
            .map(|item| (item.id.clone(), Arc::clone(item)))
            .collect();
        Bank {
            exams,
            by_id,
            exam_details: HashMap::new(),
            item_details: HashMap::new(),
        }
    }

    /// Adds what the loader read beyond `Exam` and `Question` (keyed by exam id and item id).
    pub fn with_details(
        mut self,
        exam_details: HashMap<String, ExamDetails>,
        item_details: HashMap<String, ItemDetails>,
    ) -> Bank {
        self.exam_details = exam_details;
        self.item_details = item_details;
        self
    }

    /// The exam's guide version, skills and status; `None` for an exam built without them.
    pub fn exam_details(&self, exam: &str) -> Option<&ExamDetails> {
        self.exam(exam)
            .and_then(|exam| self.exam_details.get(&exam.id))
    }

    /// Set when candidates should be told the exam is being retired (e.g. MLA-C01).
    pub fn retirement(&self, exam: &str) -> Option<&Retirement> {
        self.exam_details(exam)?.retirement.as_ref()
    }

    pub fn item_details(&self, question: &str) -> Option<&ItemDetails> {
        self.item_details.get(question)
    }

    /// The guide skill an item is tagged with.
    pub fn skill_of(&self, question: &str) -> Option<&str> {
        self.item_details(question)?.skill.as_deref()
    }

    pub fn exam(&self, id: &str) -> Option<&Exam> {
        let id = id.trim();
        self.exams
            .iter()
            .find(|exam| exam.id.eq_ignore_ascii_case(id) || exam.code.eq_ignore_ascii_case(id))
    }

    pub fn question(&self, id: &str) -> Option<&Arc<Question>> {
        self.by_id.get(id)
    }

    pub fn item_count(&self) -> usize {
        self.by_id.len()
    }
}
