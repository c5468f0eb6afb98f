//! The question banks: typed model, loading (embedded and from directories), and checks that turn
//! every mistake into a message naming the file, line, question id and field.

mod blueprint;
pub mod cues;
mod display;
mod exam_id;
mod fields;
mod items;
mod model;
mod problem;
mod prose;
pub mod report;
mod response;
mod shape;
mod similarity;
pub mod source;
pub mod status;

use std::collections::HashMap;
use std::sync::Arc;

pub use exam_id::{ExamId, Scope};
pub use items::{display_len, EMBED_DESCRIPTION_LIMIT, REVEAL_TEXT_LIMIT};
pub use model::{
    letter, letters, Bank, Case, Domain, Exam, ExamDetails, ItemDetails, Key, Kind, Question,
    Response, Retirement, Skill, Task,
};
pub use problem::Problem;
pub use shape::declared_select_count;
pub use source::BankFile;
pub use status::ServiceStatus;

use similarity::{Shingles, NEAR_DUPLICATE_THRESHOLD};

/// Shipped exams whose every item must name its guide skill. Items from a directory (drafts)
/// must name theirs under `bank check` in every exam that lists skills.
pub const SHIPPED_SKILL_REQUIRED: &[&str] = &["aif-c01", "aip-c01", "mla-c02"];

/// Shipped exams whose items must state the status of a service in service-status.toml. Drafts
/// must under `bank check` in every exam; MLA-C01 (retiring, kept as it was) is not held to it.
pub const SHIPPED_SERVICE_STATUS_REQUIRED: &[&str] = &["aif-c01", "aip-c01", "mla-c02"];

/// How the authoring rules (skill tags, service status) count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Starting the bot: an authoring rule refuses only shipped items of the exams listed in
    /// `SHIPPED_SKILL_REQUIRED` / `SHIPPED_SERVICE_STATUS_REQUIRED`; elsewhere it warns.
    Load,
    /// `bank check`: items from a directory (drafts) are held to every authoring rule too.
    Check,
}

/// A loaded bank and everything wrong with the files it came from.
pub struct Loaded {
    pub bank: Bank,
    /// Items with a problem are left out of the bank.
    pub problems: Vec<Problem>,
    /// Worth fixing, but the item stays in the bank (cues, rules not yet switched on).
    pub warnings: Vec<Problem>,
    /// The services whose availability changed (questions/service-status.toml).
    pub services: Vec<ServiceStatus>,
}

/// Loads the given files (already layered) into a bank, as the bot does. Items with problems are
/// left out of the bank; the problems list says why. Never panics on any input.
pub fn load(files: &[BankFile]) -> Loaded {
    load_with(files, Strictness::Load)
}

/// Loads as `bank check` does: drafts are held to every authoring rule.
pub fn check(files: &[BankFile]) -> Loaded {
    load_with(files, Strictness::Check)
}

pub fn load_with(files: &[BankFile], strictness: Strictness) -> Loaded {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();

    let services = match source::embedded_service_status() {
        Some((display, text)) => status::parse(display, text, &mut problems),
        None => Vec::new(),
    };

    let mut exams = Vec::new();
    let mut exam_details = HashMap::new();
    for file in files.iter().filter(|file| file.is_blueprint()) {
        if let Some((exam, details)) = blueprint::parse(file, &mut problems) {
            exam_details.insert(exam.id.clone(), details);
            exams.push(exam);
        }
    }

    let mut parsed = Vec::new();
    for file in files.iter().filter(|file| !file.is_blueprint()) {
        match exams.iter().find(|exam| exam.id == file.pack) {
            Some(exam) => parsed.extend(items::parse(
                file,
                exam,
                &exam_details[&exam.id],
                &mut problems,
            )),
            None if files.iter().any(|f| f.pack == file.pack && f.is_blueprint()) => {
                // The pack's exam.toml has problems of its own, already reported.
            }
            None => problems.push(Problem {
                file: file.display.clone(),
                line: None,
                question: None,
                field: None,
                message: format!("no exam {:?}: a pack directory needs an exam.toml, or the name of a shipped exam", file.pack),
            }),
        }
    }

    check_duplicate_ids(&parsed, &mut problems);
    check_near_duplicates(&parsed, &mut problems);
    let common_words: HashMap<&str, cues::CommonWords> = exams
        .iter()
        .map(|exam| {
            let items = parsed
                .iter()
                .filter(|item| item.question.exam == exam.id)
                .map(|item| &item.question);
            (exam.id.as_str(), cues::CommonWords::of(items))
        })
        .collect();
    for item in &parsed {
        let details = &exam_details[&item.question.exam];
        check_authoring_rules(
            item,
            details,
            &services,
            strictness,
            &mut problems,
            &mut warnings,
        );
        for cue in cues::find(&item.question, &common_words[item.question.exam.as_str()]) {
            warnings.push(item_problem(item, cue.field, cue.message));
        }
    }

    let rejected: std::collections::HashSet<&str> = problems
        .iter()
        .filter_map(|p| p.question.as_deref())
        .collect();
    let mut item_details = HashMap::new();
    for item in parsed {
        if rejected.contains(item.question.id.as_str()) {
            continue;
        }
        if let Some(exam) = exams.iter_mut().find(|exam| exam.id == item.question.exam) {
            item_details.insert(item.question.id.clone(), item.details);
            exam.items.push(Arc::new(item.question));
        }
    }
    exams.sort_by(|a, b| a.id.cmp(&b.id));
    Loaded {
        bank: Bank::new(exams).with_details(exam_details, item_details),
        problems,
        warnings,
        services,
    }
}

/// Skill tags and service status: a problem where the rule is on for the item (see
/// [`Strictness`]), a warning otherwise. Untagged shipped items are only counted by the report
/// (one warning per item would bury everything else).
fn check_authoring_rules(
    item: &items::ParsedItem,
    details: &ExamDetails,
    services: &[ServiceStatus],
    strictness: Strictness,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) {
    let exam = item.question.exam.as_str();
    let enforced = |shipped_list: &[&str]| {
        if item.shipped {
            shipped_list.contains(&exam)
        } else {
            strictness == Strictness::Check
        }
    };
    if !details.skills.is_empty() && item.details.skill.is_none() {
        let task = item.question.task.as_str();
        let ids: Vec<&str> = details
            .skills_of_task(task)
            .map(|s| s.id.as_str())
            .collect();
        let choices = match (ids.first(), ids.last()) {
            (Some(first), Some(last)) if first != last => format!("{first} to {last}"),
            (Some(only), _) => only.to_string(),
            _ => "none listed".to_string(),
        };
        let message = format!(
            "missing skill: add `skill = \"D.T.S\"`, the guide skill the item tests (task {task}: {choices})"
        );
        if enforced(SHIPPED_SKILL_REQUIRED) {
            problems.push(item_problem(item, "skill", message));
        } else if !item.shipped {
            warnings.push(item_problem(item, "skill", message));
        }
    }
    if let Some(message) = status::finding(&item.question, &item.details, services) {
        if enforced(SHIPPED_SERVICE_STATUS_REQUIRED) {
            problems.push(item_problem(item, "explanation", message));
        } else {
            warnings.push(item_problem(item, "explanation", message));
        }
    }
}

fn item_problem(item: &items::ParsedItem, field: &str, message: String) -> Problem {
    Problem {
        file: item.file.clone(),
        line: Some(item.line_of(field)),
        question: Some(item.question.id.clone()),
        field: Some(field.to_string()),
        message,
    }
}

/// The shipped banks, with an optional directory laid over them.
pub fn load_layered(overlay: Option<&std::path::Path>) -> std::io::Result<Loaded> {
    let mut files = source::embedded_files();
    if let Some(dir) = overlay {
        files = source::layer(files, source::read_dir(dir)?);
    }
    Ok(load(&files))
}

fn check_duplicate_ids(parsed: &[items::ParsedItem], problems: &mut Vec<Problem>) {
    let mut first_seen: HashMap<&str, &items::ParsedItem> = HashMap::new();
    for item in parsed {
        let id = item.question.id.as_str();
        match first_seen.get(id) {
            Some(first) => problems.push(Problem {
                file: item.file.clone(),
                line: Some(item.line()),
                question: Some(id.to_string()),
                field: Some("id".into()),
                message: format!(
                    "duplicate id: already used at {}:{}",
                    first.file,
                    first.line()
                ),
            }),
            None => {
                first_seen.insert(id, item);
            }
        }
    }
}

fn check_near_duplicates(parsed: &[items::ParsedItem], problems: &mut Vec<Problem>) {
    let shingles: Vec<Shingles> = parsed
        .iter()
        .map(|item| {
            let q = &item.question;
            Shingles::of(&format!(
                "{} {} {}",
                q.stem,
                q.options.join(" "),
                q.prompts.join(" ")
            ))
        })
        .collect();
    for (i, later) in parsed.iter().enumerate() {
        for (j, earlier) in parsed[..i].iter().enumerate() {
            // Items of different exams may share a scenario (an item carried over from a
            // retiring exam to its successor); only one exam's items must not repeat.
            if earlier.question.exam != later.question.exam
                || earlier.question.id == later.question.id
                || !shingles[i].could_reach(&shingles[j], NEAR_DUPLICATE_THRESHOLD)
            {
                continue;
            }
            let similarity = shingles[i].jaccard(&shingles[j]);
            if similarity >= NEAR_DUPLICATE_THRESHOLD {
                problems.push(Problem {
                    file: later.file.clone(),
                    line: Some(later.line()),
                    question: Some(later.question.id.clone()),
                    field: Some("stem".into()),
                    message: format!(
                        "near-duplicate of {} at {}:{} ({:.0}% of word triples shared)",
                        earlier.question.id,
                        earlier.file,
                        earlier.line(),
                        similarity * 100.0
                    ),
                });
            }
        }
    }
}
