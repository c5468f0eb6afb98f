//! Parsing and checking an exam's blueprint file (`<pack>/exam.toml`).

use std::collections::HashSet;

use serde::Deserialize;
use toml::Spanned;

use super::model::{Domain, Exam, Kind, Task};
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
    domain: Vec<Spanned<RawDomain>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomain {
    number: u8,
    name: String,
    weight: u32,
    tasks: Vec<RawTask>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    id: String,
    name: String,
}

/// Parses one exam.toml; `None` when it cannot be used (the problems say why).
pub fn parse(file: &BankFile, problems: &mut Vec<Problem>) -> Option<Exam> {
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
    if raw.short.get_ref().is_empty()
        || !raw.short.get_ref().chars().all(|c| c.is_ascii_lowercase())
    {
        report.at(
            Some(raw.short.span().start),
            None,
            Some("short"),
            "must be lowercase letters, e.g. \"aif\"",
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
    let mut task_ids = HashSet::new();
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
        if domain.tasks.is_empty() {
            report.at(
                at,
                None,
                Some("tasks"),
                format!("domain {} has no task statements", domain.number),
            );
        }
        for task in &domain.tasks {
            let prefix = format!("{}.", domain.number);
            if !task.id.starts_with(&prefix) || task.id[prefix.len()..].parse::<u8>().is_err() {
                report.at(
                    at,
                    None,
                    Some("tasks"),
                    format!("task id {:?} must look like \"{}N\"", task.id, prefix),
                );
            }
            if !task_ids.insert(task.id.clone()) {
                report.at(
                    at,
                    None,
                    Some("tasks"),
                    format!("task id {:?} appears twice", task.id),
                );
            }
        }
        domains.push(Domain {
            number: domain.number,
            name: domain.name.clone(),
            weight: domain.weight,
            tasks: domain
                .tasks
                .iter()
                .map(|t| Task {
                    id: t.id.clone(),
                    name: t.name.clone(),
                })
                .collect(),
        });
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

    if report.problems.len() > before {
        return None;
    }
    Some(Exam {
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
    })
}
