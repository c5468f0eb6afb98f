//! The coverage report of `certsprint bank check`: how each exam's items sit against its blueprint.

use std::fmt::Write as _;

use serde::Serialize;

use super::model::{letter, Exam, Kind};
use super::{Loaded, Problem};

/// Coverage targets for a pack (the product's standard for the shipped banks).
pub const MAX_DOMAIN_SHARE_GAP_PP: f64 = 5.0;
pub const MIN_ITEMS_PER_TASK: usize = 2;
pub const MIN_MULTIPLE_SHARE: f64 = 0.15;
pub const MIN_ORDERING_AND_MATCHING: usize = 3;
pub const MAX_KEY_LETTER_SHARE: f64 = 0.35;

#[derive(Debug, Serialize)]
pub struct Report {
    pub problems: Vec<Problem>,
    /// Per item: cues, and rules not yet switched on for the item (see `bank::Strictness`).
    pub warnings: Vec<Problem>,
    pub exams: Vec<ExamCoverage>,
}

#[derive(Debug, Serialize)]
pub struct ExamCoverage {
    pub exam: String,
    pub code: String,
    pub items: usize,
    pub domains: Vec<DomainCoverage>,
    pub kinds: Vec<(Kind, usize)>,
    /// Keyed letter counts over single-choice items, A first.
    pub single_keys: Vec<(char, usize)>,
    /// Items at difficulty 1, 2, 3.
    pub difficulty: [usize; 3],
    /// Where the pack misses a coverage target; empty when it meets them all.
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct DomainCoverage {
    pub number: u8,
    pub name: String,
    pub weight: u32,
    pub items: usize,
    pub share_pct: f64,
    pub tasks: Vec<(String, usize)>,
}

impl Report {
    pub fn new(loaded: &Loaded) -> Report {
        Report {
            problems: loaded.problems.clone(),
            warnings: loaded.warnings.clone(),
            exams: loaded.bank.exams.iter().map(ExamCoverage::of).collect(),
        }
    }

    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn warning_count(&self) -> usize {
        self.exams.iter().map(|exam| exam.warnings.len()).sum()
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for problem in &self.problems {
            writeln!(out, "error: {problem}").unwrap();
        }
        for warning in &self.warnings {
            writeln!(out, "warning: {warning}").unwrap();
        }
        if !self.problems.is_empty() || !self.warnings.is_empty() {
            writeln!(out).unwrap();
        }
        for exam in &self.exams {
            exam.write_text(&mut out);
        }
        let verdict = if self.problems.is_empty() {
            "clean"
        } else {
            "NOT clean"
        };
        writeln!(
            out,
            "{verdict}: {} problem(s), {} coverage warning(s), {} item(s) in {} exam(s)",
            self.problems.len(),
            self.warning_count(),
            self.exams.iter().map(|e| e.items).sum::<usize>(),
            self.exams.len()
        )
        .unwrap();
        out
    }
}

impl ExamCoverage {
    pub fn of(exam: &Exam) -> ExamCoverage {
        let total = exam.items.len();
        let share = |count: usize| {
            if total == 0 {
                0.0
            } else {
                count as f64 * 100.0 / total as f64
            }
        };
        let domains: Vec<DomainCoverage> = exam
            .domains
            .iter()
            .map(|domain| {
                let items = exam.items_in_domain(domain.number).count();
                DomainCoverage {
                    number: domain.number,
                    name: domain.name.clone(),
                    weight: domain.weight,
                    items,
                    share_pct: (share(items) * 10.0).round() / 10.0,
                    tasks: domain
                        .tasks
                        .iter()
                        .map(|task| {
                            (
                                task.id.clone(),
                                exam.items.iter().filter(|q| q.task == task.id).count(),
                            )
                        })
                        .collect(),
                }
            })
            .collect();
        let kinds: Vec<(Kind, usize)> = exam
            .kinds
            .iter()
            .map(|&kind| (kind, exam.items.iter().filter(|q| q.kind == kind).count()))
            .collect();
        let singles: Vec<u8> = exam
            .items
            .iter()
            .filter(|q| q.kind == Kind::Single)
            .map(|q| q.key.0[0])
            .collect();
        let single_keys = (0..4u8)
            .map(|i| (letter(i), singles.iter().filter(|&&k| k == i).count()))
            .collect();
        let mut difficulty = [0; 3];
        for item in &exam.items {
            difficulty[usize::from(item.difficulty.clamp(1, 3) - 1)] += 1;
        }
        let mut coverage = ExamCoverage {
            exam: exam.id.clone(),
            code: exam.code.clone(),
            items: total,
            domains,
            kinds,
            single_keys,
            difficulty,
            warnings: Vec::new(),
        };
        coverage.warnings = coverage.find_gaps();
        coverage
    }

    fn find_gaps(&self) -> Vec<String> {
        let mut gaps = Vec::new();
        if self.items == 0 {
            gaps.push("the pack has no items".to_string());
            return gaps;
        }
        for domain in &self.domains {
            let gap = domain.share_pct - f64::from(domain.weight);
            if gap.abs() > MAX_DOMAIN_SHARE_GAP_PP {
                gaps.push(format!(
                    "domain {} holds {:.1}% of items against a weight of {}% ({:+.1} pp)",
                    domain.number, domain.share_pct, domain.weight, gap
                ));
            }
            for (task, count) in &domain.tasks {
                if *count < MIN_ITEMS_PER_TASK {
                    gaps.push(format!(
                        "task {task} has {count} item(s); at least {MIN_ITEMS_PER_TASK} wanted"
                    ));
                }
            }
        }
        let count_of = |kind: Kind| self.kinds.iter().find(|(k, _)| *k == kind).map(|&(_, n)| n);
        if let Some(multiple) = count_of(Kind::Multiple) {
            if (multiple as f64) < MIN_MULTIPLE_SHARE * self.items as f64 {
                gaps.push(format!(
                    "{multiple} multiple-response item(s): under {:.0}% of the pack",
                    MIN_MULTIPLE_SHARE * 100.0
                ));
            }
        }
        for kind in [Kind::Ordering, Kind::Matching] {
            if let Some(count) = count_of(kind) {
                if count < MIN_ORDERING_AND_MATCHING {
                    gaps.push(format!(
                        "{count} {kind} item(s); at least {MIN_ORDERING_AND_MATCHING} wanted"
                    ));
                }
            }
        }
        let singles: usize = self.single_keys.iter().map(|(_, n)| n).sum();
        for (key, count) in &self.single_keys {
            if singles > 0 && *count as f64 > MAX_KEY_LETTER_SHARE * singles as f64 {
                gaps.push(format!(
                    "{key} is the key of {count} of {singles} single-choice items (over {:.0}%)",
                    MAX_KEY_LETTER_SHARE * 100.0
                ));
            }
        }
        gaps
    }

    fn write_text(&self, out: &mut String) {
        writeln!(out, "{} ({}) - {} items", self.code, self.exam, self.items).unwrap();
        for domain in &self.domains {
            let gap = domain.share_pct - f64::from(domain.weight);
            writeln!(
                out,
                "  domain {} {:<58} {:>3} items {:>5.1}% (weight {:>2}%, {:+.1} pp)",
                domain.number,
                truncate(&domain.name, 58),
                domain.items,
                domain.share_pct,
                domain.weight,
                gap
            )
            .unwrap();
            let tasks: Vec<String> = domain
                .tasks
                .iter()
                .map(|(task, n)| format!("{task}: {n}"))
                .collect();
            writeln!(out, "      tasks  {}", tasks.join("  ")).unwrap();
        }
        let kinds: Vec<String> = self
            .kinds
            .iter()
            .map(|(kind, n)| {
                format!(
                    "{kind} {n} ({:.0}%)",
                    *n as f64 * 100.0 / self.items.max(1) as f64
                )
            })
            .collect();
        writeln!(out, "  kinds       {}", kinds.join(", ")).unwrap();
        let keys: Vec<String> = self
            .single_keys
            .iter()
            .map(|(key, n)| format!("{key} {n}"))
            .collect();
        writeln!(out, "  single keys {}", keys.join(", ")).unwrap();
        let [recall, apply, design] = self.difficulty;
        writeln!(
            out,
            "  difficulty  recall {recall}, apply {apply}, analyse/design {design}"
        )
        .unwrap();
        for warning in &self.warnings {
            writeln!(out, "  warning: {warning}").unwrap();
        }
        writeln!(out).unwrap();
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}
