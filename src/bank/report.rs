//! The coverage report of `certsprint bank check`: how each exam's items sit against its blueprint.

use std::fmt::Write as _;

use serde::Serialize;

use std::collections::BTreeMap;

use super::cues::{self, CommonWords, CueRule};
use super::model::{letter, Bank, Exam, Kind};
use super::status::{self, ServiceStatus};
use super::{Loaded, Problem};

/// Coverage targets for a pack (the product's standard for the shipped banks).
pub const MAX_DOMAIN_SHARE_GAP_PP: f64 = 5.0;
pub const MIN_ITEMS_PER_TASK: usize = 2;
pub const MIN_MULTIPLE_SHARE: f64 = 0.15;
pub const MIN_ORDERING_AND_MATCHING: usize = 3;
pub const MAX_KEY_LETTER_SHARE: f64 = 0.35;

/// Skill coverage targets: every skill has an item, and none is drilled far more than the rest.
pub const MIN_ITEMS_PER_SKILL: usize = 1;
pub const MAX_SKILL_TO_MEDIAN_RATIO: f64 = 4.0;

/// The level each exam is written to, as shares of `difficulty` (1 recall, 3 analyse/design).
pub const FOUNDATIONAL_MAX_RECALL_SHARE: f64 = 0.35;
pub const ASSOCIATE_MIN_ANALYSE_SHARE: f64 = 0.30;
pub const PROFESSIONAL_MIN_ANALYSE_SHARE: f64 = 0.75;

/// Balance targets, so that no habit of the authors gives keys away across a bank.
pub const BALANCE_MAX_KEY_LETTER_SHARE: f64 = 0.30;
pub const MIN_KEY_LONGEST_SHARE: f64 = 0.15;
pub const MAX_KEY_LONGEST_SHARE: f64 = 0.35;
pub const MAX_KEY_SET_SHARE: f64 = 0.25;

/// What an exam's `level` demands of the difficulty mix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelTarget {
    /// At most this share of recall items (foundational).
    MaxRecall(f64),
    /// At least this share of analyse/design items (associate, professional).
    MinAnalyse(f64),
}

impl LevelTarget {
    pub fn for_level(level: &str) -> Option<LevelTarget> {
        match level {
            "foundational" => Some(LevelTarget::MaxRecall(FOUNDATIONAL_MAX_RECALL_SHARE)),
            "associate" => Some(LevelTarget::MinAnalyse(ASSOCIATE_MIN_ANALYSE_SHARE)),
            "professional" => Some(LevelTarget::MinAnalyse(PROFESSIONAL_MIN_ANALYSE_SHARE)),
            _ => None,
        }
    }

    fn describe(self) -> String {
        match self {
            LevelTarget::MaxRecall(share) => format!("recall <= {:.0}%", share * 100.0),
            LevelTarget::MinAnalyse(share) => format!("analyse >= {:.0}%", share * 100.0),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub problems: Vec<Problem>,
    /// Per item: cues, and rules not yet switched on for the item (see `bank::Strictness`).
    pub warnings: Vec<Problem>,
    /// Item warnings left out of `warnings` by [`Report::only_warnings_in`].
    pub hidden_warnings: usize,
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
    /// `None` when the exam.toml lists no skills.
    pub skills: Option<SkillCoverage>,
    pub level: LevelFigures,
    pub balance: BalanceFigures,
    /// Items with each kind of cue (an item can have several).
    pub cues: Vec<(CueRule, usize)>,
    /// Items naming a service whose status changed without saying so.
    pub service_status_unstated: usize,
}

#[derive(Debug, Serialize)]
pub struct SkillCoverage {
    pub skills: usize,
    pub tagged_items: usize,
    pub untagged_items: usize,
    /// Items per skill, in guide order.
    pub per_skill: Vec<(String, usize)>,
    pub without_items: Vec<String>,
    pub median: f64,
    pub max: usize,
    /// `None` while the median is 0.
    pub max_to_median: Option<f64>,
    pub meets_target: bool,
}

#[derive(Debug, Serialize)]
pub struct LevelFigures {
    pub level: String,
    pub recall_pct: f64,
    pub apply_pct: f64,
    pub analyse_pct: f64,
    pub target: Option<LevelTarget>,
    pub meets_target: bool,
}

#[derive(Debug, Serialize)]
pub struct BalanceFigures {
    /// Share of single-choice keys per letter, A first.
    pub single_key_pct: Vec<(char, f64)>,
    /// Share of single-choice items whose key is strictly the longest option.
    pub key_longest_pct: f64,
    /// Multiple-response key sets ("AC") with their counts, most used first.
    pub multiple_key_sets: Vec<(String, usize)>,
    pub largest_key_set_pct: f64,
    /// The balance targets this exam misses; empty when it meets them all.
    pub missed: Vec<String>,
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
            hidden_warnings: 0,
            exams: loaded
                .bank
                .exams
                .iter()
                .map(|exam| ExamCoverage::of(exam, &loaded.bank, &loaded.services))
                .collect(),
        }
    }

    /// Keeps the item warnings of these files only (an author checking drafts wants theirs, not
    /// the shipped banks'); the rest are counted in `hidden_warnings`.
    pub fn only_warnings_in(&mut self, files: &std::collections::HashSet<String>) {
        let before = self.warnings.len();
        self.warnings
            .retain(|warning| files.contains(&warning.file));
        self.hidden_warnings += before - self.warnings.len();
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
        if self.hidden_warnings > 0 {
            writeln!(
                out,
                "({} item warning(s) in other files not shown; --all-warnings shows them)",
                self.hidden_warnings
            )
            .unwrap();
        }
        if !self.problems.is_empty() || !self.warnings.is_empty() || self.hidden_warnings > 0 {
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
            "{verdict}: {} problem(s), {} coverage warning(s), {} item warning(s), {} item(s) in {} exam(s)",
            self.problems.len(),
            self.warning_count(),
            self.warnings.len(),
            self.exams.iter().map(|e| e.items).sum::<usize>(),
            self.exams.len()
        )
        .unwrap();
        out
    }
}

impl ExamCoverage {
    pub fn of(exam: &Exam, bank: &Bank, services: &[ServiceStatus]) -> ExamCoverage {
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
        let common = CommonWords::of(exam.items.iter().map(|q| q.as_ref()));
        let mut cue_counts: BTreeMap<CueRule, usize> =
            CueRule::ALL.iter().map(|&rule| (rule, 0)).collect();
        for item in &exam.items {
            let mut rules: Vec<CueRule> = cues::find(item, &common)
                .into_iter()
                .map(|cue| cue.rule)
                .collect();
            rules.dedup();
            for rule in rules {
                *cue_counts.entry(rule).or_default() += 1;
            }
        }
        let service_status_unstated = exam
            .items
            .iter()
            .filter(|item| {
                let details = bank.item_details(&item.id).cloned().unwrap_or_default();
                status::finding(item, &details, services).is_some()
            })
            .count();
        let mut coverage = ExamCoverage {
            exam: exam.id.clone(),
            code: exam.code.clone(),
            items: total,
            domains,
            kinds,
            single_keys,
            difficulty,
            warnings: Vec::new(),
            skills: SkillCoverage::of(exam, bank),
            level: LevelFigures::of(exam, difficulty),
            balance: BalanceFigures::of(exam),
            cues: cue_counts.into_iter().collect(),
            service_status_unstated,
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
        if let Some(skills) = &self.skills {
            skills.write_text(out);
        }
        self.level.write_text(out);
        self.balance.write_text(out);
        let cues: Vec<String> = self
            .cues
            .iter()
            .map(|(rule, n)| format!("{} {n}", rule.describe()))
            .collect();
        writeln!(out, "  cues        {}", cues.join(", ")).unwrap();
        writeln!(
            out,
            "  currency    {} item(s) name a service closed to new customers without saying so",
            self.service_status_unstated
        )
        .unwrap();
        for warning in &self.warnings {
            writeln!(out, "  warning: {warning}").unwrap();
        }
        writeln!(out).unwrap();
    }
}

fn pct(count: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        (count as f64 * 1000.0 / of as f64).round() / 10.0
    }
}

impl SkillCoverage {
    fn of(exam: &Exam, bank: &Bank) -> Option<SkillCoverage> {
        let details = bank.exam_details(&exam.id)?;
        if details.skills.is_empty() {
            return None;
        }
        let mut per_skill: Vec<(String, usize)> =
            details.skills.iter().map(|s| (s.id.clone(), 0)).collect();
        let mut tagged_items = 0;
        for item in &exam.items {
            if let Some(skill) = bank.skill_of(&item.id) {
                tagged_items += 1;
                if let Some(entry) = per_skill.iter_mut().find(|(id, _)| id == skill) {
                    entry.1 += 1;
                }
            }
        }
        let without_items: Vec<String> = per_skill
            .iter()
            .filter(|(_, n)| *n < MIN_ITEMS_PER_SKILL)
            .map(|(id, _)| id.clone())
            .collect();
        let mut counts: Vec<usize> = per_skill.iter().map(|(_, n)| *n).collect();
        counts.sort_unstable();
        let median = match counts.len() {
            0 => 0.0,
            n if n % 2 == 1 => counts[n / 2] as f64,
            n => (counts[n / 2 - 1] + counts[n / 2]) as f64 / 2.0,
        };
        let max = counts.last().copied().unwrap_or(0);
        let max_to_median = (median > 0.0).then(|| ((max as f64 / median) * 10.0).round() / 10.0);
        let meets_target = without_items.is_empty()
            && max_to_median.is_some_and(|ratio| ratio <= MAX_SKILL_TO_MEDIAN_RATIO);
        Some(SkillCoverage {
            skills: per_skill.len(),
            tagged_items,
            untagged_items: exam.items.len() - tagged_items,
            per_skill,
            without_items,
            median,
            max,
            max_to_median,
            meets_target,
        })
    }

    fn write_text(&self, out: &mut String) {
        let ratio = self
            .max_to_median
            .map_or("n/a".to_string(), |r| format!("{r:.1}x"));
        writeln!(
            out,
            "  skills      {} in the guide, {} with items; {} item(s) tagged, {} untagged; most {} vs median {} ({ratio}); target every skill >= {MIN_ITEMS_PER_SKILL}, none over {MAX_SKILL_TO_MEDIAN_RATIO:.0}x the median: {}",
            self.skills,
            self.skills - self.without_items.len(),
            self.tagged_items,
            self.untagged_items,
            self.max,
            self.median,
            met(self.meets_target)
        )
        .unwrap();
        if self.tagged_items > 0 && !self.without_items.is_empty() {
            writeln!(out, "      without items  {}", self.without_items.join(" ")).unwrap();
        }
    }
}

fn met(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "MISSED"
    }
}

impl LevelFigures {
    fn of(exam: &Exam, difficulty: [usize; 3]) -> LevelFigures {
        let total = exam.items.len();
        let [recall, apply, analyse] = difficulty;
        let target = LevelTarget::for_level(&exam.level);
        let meets_target = total > 0
            && match target {
                Some(LevelTarget::MaxRecall(share)) => recall as f64 <= share * total as f64,
                Some(LevelTarget::MinAnalyse(share)) => analyse as f64 >= share * total as f64,
                None => true,
            };
        LevelFigures {
            level: exam.level.clone(),
            recall_pct: pct(recall, total),
            apply_pct: pct(apply, total),
            analyse_pct: pct(analyse, total),
            target,
            meets_target,
        }
    }

    fn write_text(&self, out: &mut String) {
        let target = self
            .target
            .map_or("no target".to_string(), LevelTarget::describe);
        writeln!(
            out,
            "  level       recall {:.0}%, apply {:.0}%, analyse {:.0}%; {} target {target}: {}",
            self.recall_pct,
            self.apply_pct,
            self.analyse_pct,
            self.level,
            met(self.meets_target)
        )
        .unwrap();
    }
}

impl BalanceFigures {
    fn of(exam: &Exam) -> BalanceFigures {
        let singles: Vec<_> = exam
            .items
            .iter()
            .filter(|q| q.kind == Kind::Single)
            .collect();
        let single_key_pct: Vec<(char, f64)> = (0..4u8)
            .map(|i| {
                let n = singles.iter().filter(|q| q.key.0[0] == i).count();
                (letter(i), pct(n, singles.len()))
            })
            .collect();
        let key_longest = singles
            .iter()
            .filter(|q| {
                let key = usize::from(q.key.0[0]);
                let key_len = q.options[key].chars().count();
                q.options
                    .iter()
                    .enumerate()
                    .all(|(i, o)| i == key || o.chars().count() < key_len)
            })
            .count();
        let key_longest_pct = pct(key_longest, singles.len());
        let mut sets: BTreeMap<String, usize> = BTreeMap::new();
        let mut multiples = 0;
        for q in exam.items.iter().filter(|q| q.kind == Kind::Multiple) {
            multiples += 1;
            *sets.entry(q.key.letters()).or_default() += 1;
        }
        let mut multiple_key_sets: Vec<(String, usize)> = sets.into_iter().collect();
        multiple_key_sets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let largest_key_set_pct = pct(multiple_key_sets.first().map_or(0, |s| s.1), multiples);

        let mut missed = Vec::new();
        for (key, share) in &single_key_pct {
            if *share > BALANCE_MAX_KEY_LETTER_SHARE * 100.0 {
                missed.push(format!(
                    "{key} keys {share:.0}% of single-choice items (at most {:.0}%)",
                    BALANCE_MAX_KEY_LETTER_SHARE * 100.0
                ));
            }
        }
        if !singles.is_empty()
            && !(MIN_KEY_LONGEST_SHARE * 100.0..=MAX_KEY_LONGEST_SHARE * 100.0)
                .contains(&key_longest_pct)
        {
            missed.push(format!(
                "the key is the longest option in {key_longest_pct:.0}% of single-choice items ({:.0}-{:.0}% wanted)",
                MIN_KEY_LONGEST_SHARE * 100.0,
                MAX_KEY_LONGEST_SHARE * 100.0
            ));
        }
        if largest_key_set_pct > MAX_KEY_SET_SHARE * 100.0 {
            missed.push(format!(
                "key set {} is {largest_key_set_pct:.0}% of multiple-response items (at most {:.0}%)",
                multiple_key_sets[0].0,
                MAX_KEY_SET_SHARE * 100.0
            ));
        }
        BalanceFigures {
            single_key_pct,
            key_longest_pct,
            multiple_key_sets,
            largest_key_set_pct,
            missed,
        }
    }

    pub fn meets_targets(&self) -> bool {
        self.missed.is_empty()
    }

    fn write_text(&self, out: &mut String) {
        let keys: Vec<String> = self
            .single_key_pct
            .iter()
            .map(|(key, share)| format!("{key} {share:.0}%"))
            .collect();
        let largest = self
            .multiple_key_sets
            .first()
            .map_or("none".to_string(), |(set, _)| {
                format!("{set} {:.0}%", self.largest_key_set_pct)
            });
        writeln!(
            out,
            "  balance     single keys {} (max {:.0}%); key longest {:.0}% ({:.0}-{:.0}%); largest multiple key set {largest} (max {:.0}%): {}",
            keys.join(" "),
            BALANCE_MAX_KEY_LETTER_SHARE * 100.0,
            self.key_longest_pct,
            MIN_KEY_LONGEST_SHARE * 100.0,
            MAX_KEY_LONGEST_SHARE * 100.0,
            MAX_KEY_SET_SHARE * 100.0,
            met(self.meets_targets())
        )
        .unwrap();
        for miss in &self.missed {
            writeln!(out, "      missed  {miss}").unwrap();
        }
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
