//! Parsing and checking an exam's blueprint file (`<pack>/exam.toml`).

use std::collections::HashSet;

use serde::Deserialize;
use toml::Spanned;

use super::model::{Domain, Exam, ExamDetails, Kind, Retirement, Skill, Task};
use super::problem::{LineIndex, Reporter};
use super::source::BankFile;
use super::Problem;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExam {
    id: Spanned<String>,
    code: String,
    short: Spanned<String>,
    name: String,
    level: String,
    questions: u32,
    scored: Spanned<u32>,
    minutes: u32,
    passing_score: Spanned<u32>,
    kinds: Spanned<Vec<String>>,
    guide: Option<String>,
    /// The exam guide's version, e.g. "1.1".
    version: Option<String>,
    /// `false` when AWS does not publish the duration and `minutes` is assumed.
    minutes_published: Option<bool>,
    status: Option<Spanned<RawStatus>>,
    domain: Vec<Spanned<RawDomain>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomain {
    number: u8,
    name: String,
    weight: u32,
    /// Short form: `tasks = [{ id, name }, ...]` (no room for skills on one line).
    #[serde(default)]
    tasks: Vec<RawTask>,
    /// Long form: `[[domain.task]]` tables, each with its `skills`.
    #[serde(default)]
    task: Vec<Spanned<RawTask>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    id: String,
    name: String,
    #[serde(default)]
    skills: Vec<RawSkill>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSkill {
    id: String,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatus {
    retiring: bool,
    until: Option<String>,
    replaced_by: Option<String>,
    note: Option<String>,
}

/// Parses one exam.toml; `None` when it cannot be used (the problems say why).
pub fn parse(file: &BankFile, problems: &mut Vec<Problem>) -> Option<(Exam, ExamDetails)> {
    let lines = LineIndex::new(&file.text);
    let mut report = Reporter {
        file: &file.display,
        lines: &lines,
        problems,
    };
    let raw: RawExam = match toml::from_str(&file.text) {
        Ok(raw) => raw,
        Err(error) => {
            report.at(
                error.span().map(|s| s.start),
                None,
                None,
                super::problem::one_line(error.message()),
            );
            return None;
        }
    };

    let before = report.problems.len();
    if raw.id.get_ref() != &file.pack {
        report.at(
            Some(raw.id.span().start),
            None,
            Some("id"),
            format!(
                "exam id {:?} must match its directory name {:?}",
                raw.id.get_ref(),
                file.pack
            ),
        );
    }
    if !short_is_well_formed(raw.short.get_ref()) {
        report.at(
            Some(raw.short.span().start),
            None,
            Some("short"),
            "must be lowercase letters and digits, starting with a letter, e.g. \"aif\" or \"mla2\"",
        );
    }
    if *raw.scored.get_ref() > raw.questions || *raw.scored.get_ref() == 0 {
        report.at(
            Some(raw.scored.span().start),
            None,
            Some("scored"),
            "must be between 1 and `questions`",
        );
    }
    if !(100..=1000).contains(raw.passing_score.get_ref()) {
        report.at(
            Some(raw.passing_score.span().start),
            None,
            Some("passing_score"),
            "must be a scaled score from 100 to 1000",
        );
    }

    let mut kinds = Vec::new();
    for name in raw.kinds.get_ref() {
        match Kind::parse(name) {
            Some(kind) => kinds.push(kind),
            None => report.at(
                Some(raw.kinds.span().start),
                None,
                Some("kinds"),
                format!("unknown kind {name:?} (use single, multiple, ordering, matching)"),
            ),
        }
    }

    let mut domains = Vec::new();
    let mut skills = Vec::new();
    let mut task_ids = HashSet::new();
    let mut tasks_without_skills = Vec::new();
    for (index, spanned) in raw.domain.iter().enumerate() {
        let at = Some(spanned.span().start);
        let domain = spanned.get_ref();
        if usize::from(domain.number) != index + 1 {
            report.at(
                at,
                None,
                Some("number"),
                format!(
                    "domains must be numbered 1, 2, ... in order; found {} at position {}",
                    domain.number,
                    index + 1
                ),
            );
        }
        if !domain.tasks.is_empty() && !domain.task.is_empty() {
            report.at(
                at,
                None,
                Some("tasks"),
                format!(
                    "domain {} gives both `tasks = [...]` and [[domain.task]] tables; use one",
                    domain.number
                ),
            );
        }
        let tasks: Vec<(Option<usize>, &RawTask)> = domain
            .tasks
            .iter()
            .map(|task| (at, task))
            .chain(
                domain
                    .task
                    .iter()
                    .map(|task| (Some(task.span().start), task.get_ref())),
            )
            .collect();
        if tasks.is_empty() {
            report.at(
                at,
                None,
                Some("tasks"),
                format!("domain {} has no task statements", domain.number),
            );
        }
        for &(task_at, task) in &tasks {
            let prefix = format!("{}.", domain.number);
            if !task.id.starts_with(&prefix) || task.id[prefix.len()..].parse::<u8>().is_err() {
                report.at(
                    task_at,
                    None,
                    Some("tasks"),
                    format!("task id {:?} must look like \"{}N\"", task.id, prefix),
                );
            }
            if !task_ids.insert(task.id.clone()) {
                report.at(
                    task_at,
                    None,
                    Some("tasks"),
                    format!("task id {:?} appears twice", task.id),
                );
            }
            if task.skills.is_empty() {
                tasks_without_skills.push((task_at, task.id.clone()));
            }
            for (position, skill) in task.skills.iter().enumerate() {
                let expected = format!("{}.{}", task.id, position + 1);
                if skill.id != expected {
                    report.at(
                        task_at,
                        None,
                        Some("skills"),
                        format!(
                            "skill {:?} of task {}: skills are numbered in order under their task, so this one must be {expected:?}",
                            skill.id, task.id
                        ),
                    );
                }
                if skill.label.trim().is_empty() {
                    report.at(
                        task_at,
                        None,
                        Some("skills"),
                        format!("skill {:?} has an empty label", skill.id),
                    );
                }
                skills.push(Skill {
                    id: skill.id.clone(),
                    task: task.id.clone(),
                    label: skill.label.trim().to_string(),
                });
            }
        }
        domains.push(Domain {
            number: domain.number,
            name: domain.name.clone(),
            weight: domain.weight,
            tasks: tasks
                .iter()
                .map(|(_, t)| Task {
                    id: t.id.clone(),
                    name: t.name.clone(),
                })
                .collect(),
        });
    }
    // Coverage by skill only means something when every task lists its skills.
    if !skills.is_empty() {
        for (task_at, task) in &tasks_without_skills {
            report.at(
                *task_at,
                None,
                Some("skills"),
                format!("task {task} lists no skills while other tasks do; list them all or none"),
            );
        }
    }
    let total: u32 = domains.iter().map(|d| d.weight).sum();
    if total != 100 {
        report.at(
            Some(0),
            None,
            Some("weight"),
            format!("domain weights add up to {total}, not 100"),
        );
    }

    let retirement = raw.status.as_ref().and_then(|spanned| {
        let at = Some(spanned.span().start);
        let status = spanned.get_ref();
        if !status.retiring {
            return None;
        }
        let until = match status.until.as_deref() {
            Some(date) if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok() => {
                date.to_string()
            }
            Some(date) => {
                report.at(
                    at,
                    None,
                    Some("until"),
                    format!("{date:?} is not a date; write it as YYYY-MM-DD"),
                );
                return None;
            }
            None => {
                report.at(
                    at,
                    None,
                    Some("until"),
                    "a retiring exam needs the last day it is offered (YYYY-MM-DD)",
                );
                return None;
            }
        };
        let note = status.note.clone().unwrap_or_default();
        if note.trim().is_empty() {
            report.at(
                at,
                None,
                Some("note"),
                "a retiring exam needs a note that says who can still take it",
            );
        }
        Some(Retirement {
            until,
            replaced_by: status.replaced_by.clone(),
            note: note.trim().to_string(),
        })
    });

    if report.problems.len() > before {
        return None;
    }
    let details = ExamDetails {
        version: raw.version.clone(),
        minutes_published: raw.minutes_published.unwrap_or(true),
        skills,
        retirement,
    };
    let exam = Exam {
        id: raw.id.into_inner(),
        code: raw.code,
        short: raw.short.into_inner(),
        name: raw.name,
        level: raw.level,
        questions: raw.questions,
        scored: raw.scored.into_inner(),
        minutes: raw.minutes,
        passing_score: raw.passing_score.into_inner(),
        kinds,
        guide: raw.guide,
        domains,
        items: Vec::new(),
    };
    Some((exam, details))
}

/// `short` starts every item id ("aif-1.1-001", "mla2-1.1-001").
fn short_is_well_formed(short: &str) -> bool {
    short.starts_with(|c: char| c.is_ascii_lowercase())
        && short
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}
