//! The question banks: typed model, loading (embedded and from directories), and checks that turn
//! every mistake into a message naming the file, line, question id and field.

mod blueprint;
mod exam_id;
mod items;
mod model;
mod problem;
mod prose;
pub mod report;
mod response;
mod similarity;
pub mod source;

use std::collections::HashMap;
use std::sync::Arc;

pub use exam_id::{ExamId, Scope};
pub use items::{declared_select_count, display_len, EMBED_DESCRIPTION_LIMIT, REVEAL_TEXT_LIMIT};
pub use model::{letter, letters, Bank, Case, Domain, Exam, Key, Kind, Question, Response, Task};
pub use problem::Problem;
pub use source::BankFile;

use similarity::{Shingles, NEAR_DUPLICATE_THRESHOLD};

/// A loaded bank and everything wrong with the files it came from.
pub struct Loaded {
    pub bank: Bank,
    pub problems: Vec<Problem>,
}

/// Loads the given files (already layered) into a bank. Items with problems are left out of the
/// bank; the problems list says why. Never panics on any input.
pub fn load(files: &[BankFile]) -> Loaded {
    let mut problems = Vec::new();

    let mut exams: Vec<Exam> = files
        .iter()
        .filter(|file| file.is_blueprint())
        .filter_map(|file| blueprint::parse(file, &mut problems))
        .collect();

    let mut parsed = Vec::new();
    for file in files.iter().filter(|file| !file.is_blueprint()) {
        match exams.iter().find(|exam| exam.id == file.pack) {
            Some(exam) => parsed.extend(items::parse(file, exam, &mut problems)),
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

    let rejected: std::collections::HashSet<&str> = problems
        .iter()
        .filter_map(|p| p.question.as_deref())
        .collect();
    for item in parsed {
        if rejected.contains(item.question.id.as_str()) {
            continue;
        }
        if let Some(exam) = exams.iter_mut().find(|exam| exam.id == item.question.exam) {
            exam.items.push(Arc::new(item.question));
        }
    }
    exams.sort_by(|a, b| a.id.cmp(&b.id));
    Loaded {
        bank: Bank::new(exams),
        problems,
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
            if earlier.question.id == later.question.id {
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
