//! Building items from item files (`<pack>/*.toml` other than exam.toml): each item's fields
//! (see `fields`) are checked against its exam's blueprint and its kind's shape (see `shape`).
//!
//! Items are read as loose tables first so that one file reports every mistake at once, each with
//! its line, question id and field, instead of stopping at the first type error.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::fields::{Fields, RawTable};
use super::model::{Case, Exam, ExamDetails, ItemDetails, Kind, Question};
use super::problem::{LineIndex, Reporter};
use super::shape::check_shape;
use super::source::BankFile;
use super::Problem;

/// Discord's limit for an embed description: the stem, case and options must fit in one.
pub const EMBED_DESCRIPTION_LIMIT: usize = 4096;

/// What the question and its explanation may take together in a reveal: Discord allows 6,000
/// characters in an embed, and the rest (title, answer, tally, fastest, reference) needs about
/// 1,200 of them.
pub const REVEAL_TEXT_LIMIT: usize = 4800;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItemFile {
    #[serde(default)]
    question: Vec<Spanned<RawTable>>,
    #[serde(default)]
    case: Vec<Spanned<RawTable>>,
}

/// A question as parsed, with the line it starts on (for bank-wide checks).
pub struct ParsedItem {
    pub question: Question,
    pub details: ItemDetails,
    pub file: String,
    /// From the banks built into the binary (not a directory on disk).
    pub shipped: bool,
    pub offset: usize,
    /// Where each field's name starts, for messages about one field.
    pub field_offsets: BTreeMap<String, usize>,
    pub lines: Arc<LineIndex>,
}

impl ParsedItem {
    pub fn line(&self) -> usize {
        self.lines.line_of(self.offset)
    }

    /// The line of a field, or of the item when the field is absent.
    pub fn line_of(&self, field: &str) -> usize {
        self.lines.line_of(
            self.field_offsets
                .get(field)
                .copied()
                .unwrap_or(self.offset),
        )
    }
}

pub fn parse(
    file: &BankFile,
    exam: &Exam,
    details: &ExamDetails,
    problems: &mut Vec<Problem>,
) -> Vec<ParsedItem> {
    let lines = Arc::new(LineIndex::new(&file.text));
    let mut report = Reporter {
        file: &file.display,
        lines: &lines,
        problems,
    };
    let raw: RawItemFile = match toml::from_str(&file.text) {
        Ok(raw) => raw,
        Err(error) => {
            report.at(
                error.span().map(|s| s.start),
                None,
                None,
                super::problem::one_line(error.message()),
            );
            return Vec::new();
        }
    };

    let mut cases = HashMap::new();
    for table in raw.case {
        let at = table.span().start;
        let mut fields = Fields::new(table.into_inner(), at);
        let id = fields.string(&mut report, None, "id");
        let scenario = fields.text(&mut report, id.as_deref(), "scenario");
        fields.deny_rest(&mut report, id.as_deref());
        if let (Some(id), Some(scenario)) = (id, scenario) {
            cases.insert(id.clone(), Arc::new(Case { id, scenario }));
        }
    }

    raw.question
        .into_iter()
        .filter_map(|table| {
            let offset = table.span().start;
            let fields = Fields::new(table.into_inner(), offset);
            let field_offsets = fields.offsets();
            let (question, item_details) = build(fields, exam, details, &cases, &mut report)?;
            Some(ParsedItem {
                question,
                details: item_details,
                file: file.display.clone(),
                shipped: file.shipped,
                offset,
                field_offsets,
                lines: Arc::clone(&lines),
            })
        })
        .collect()
}

/// Checks one item and builds it; `None` if anything is wrong (all of it is reported).
fn build(
    mut fields: Fields,
    exam: &Exam,
    details: &ExamDetails,
    cases: &HashMap<String, Arc<Case>>,
    report: &mut Reporter<'_>,
) -> Option<(Question, ItemDetails)> {
    let before = report.problems.len();
    let id = fields.string(report, None, "id");
    let qid = id.as_deref();

    let domain = fields.integer(report, qid, "domain");
    let task = fields.string(report, qid, "task");
    let kind_text = fields.string(report, qid, "kind");
    let difficulty = fields.integer(report, qid, "difficulty");
    let case_id = fields.optional_string(report, qid, "case");
    let stem = fields.text(report, qid, "stem");
    let options = fields.strings(report, qid, "options", true);
    let prompts = fields.strings(report, qid, "prompts", false);
    let answer = fields.strings(report, qid, "answer", true);
    let explanation = fields.text(report, qid, "explanation");
    let references = fields.strings(report, qid, "references", true);
    let services = fields
        .strings(report, qid, "services", false)
        .unwrap_or_default();
    let skill = fields.optional_string(report, qid, "skill");
    let existing_customer = fields
        .optional_bool(report, qid, "existing_customer")
        .unwrap_or(false);
    fields.deny_rest(report, qid);

    let kind = kind_text.as_deref().and_then(|text| {
        let kind = Kind::parse(text);
        if kind.is_none() {
            fields.report(
                report,
                qid,
                "kind",
                format!("unknown kind {text:?} (use single, multiple, ordering, matching)"),
            );
        }
        kind
    });
    if let Some(kind) = kind {
        if !exam.kinds.contains(&kind) {
            let allowed: Vec<_> = exam.kinds.iter().map(|k| k.as_str()).collect();
            fields.report(
                report,
                qid,
                "kind",
                format!(
                    "{} does not allow {kind} items (allowed: {})",
                    exam.code,
                    allowed.join(", ")
                ),
            );
        }
    }

    let domain =
        domain.and_then(
            |number| match u8::try_from(number).ok().and_then(|n| exam.domain(n)) {
                Some(domain) => Some(domain),
                None => {
                    fields.report(
                        report,
                        qid,
                        "domain",
                        format!("{} has no domain {number}", exam.code),
                    );
                    None
                }
            },
        );
    if let (Some(domain), Some(task)) = (domain, task.as_deref()) {
        if !domain.tasks.iter().any(|t| t.id == task) {
            fields.report(
                report,
                qid,
                "task",
                format!(
                    "task {task:?} is not a task statement of domain {}",
                    domain.number
                ),
            );
        }
    }
    if let Some(skill) = skill.as_deref() {
        if let Some(message) = skill_problem(exam, details, task.as_deref(), skill) {
            fields.report(report, qid, "skill", message);
        }
    }
    if let (Some(id), Some(task)) = (qid, task.as_deref()) {
        if !id_is_well_formed(id, &exam.short, task) {
            fields.report(
                report,
                qid,
                "id",
                format!("id must be \"{}-{task}-NNN\" (three digits)", exam.short),
            );
        }
    }
    if let Some(level) = difficulty {
        if !(1..=3).contains(&level) {
            fields.report(
                report,
                qid,
                "difficulty",
                "must be 1 (recall), 2 (apply) or 3 (analyse/design)",
            );
        }
    }
    let case = case_id.and_then(|case_id| match cases.get(&case_id) {
        Some(case) => Some(Arc::clone(case)),
        None => {
            fields.report(
                report,
                qid,
                "case",
                format!("no [[case]] with id {case_id:?} in this file"),
            );
            None
        }
    });

    let options = options.unwrap_or_default();
    let prompts = prompts.unwrap_or_default();
    for (field, texts) in [
        ("options", &options),
        ("prompts", &prompts),
        ("references", references.as_ref().unwrap_or(&Vec::new())),
    ] {
        if texts.iter().any(|text| text.trim().is_empty()) {
            fields.report(report, qid, field, "has an empty or whitespace-only entry");
        }
    }
    if references.as_ref().is_some_and(Vec::is_empty) {
        fields.report(
            report,
            qid,
            "references",
            "needs at least one documentation URL",
        );
    }
    for (i, option) in options.iter().enumerate() {
        if options[..i]
            .iter()
            .any(|other| other.trim() == option.trim())
        {
            fields.report(
                report,
                qid,
                "options",
                format!(
                    "option {} repeats an earlier option",
                    super::model::letter(i as u8)
                ),
            );
        }
    }

    let key = match (kind, answer) {
        (Some(kind), Some(answer)) => check_shape(
            kind,
            stem.as_deref(),
            &options,
            &prompts,
            &answer,
            |field, message| fields.report(report, qid, field, message),
        ),
        _ => None,
    };

    let length_problem_at = fields.line_of("stem");
    let explanation_at = fields.line_of("explanation");
    let question = Question {
        id: id.clone()?,
        exam: exam.id.clone(),
        domain: domain?.number,
        task: task?,
        kind: kind?,
        difficulty: u8::try_from(difficulty?).ok()?,
        case,
        stem: stem?,
        options,
        prompts,
        key: key?,
        explanation: explanation?,
        references: references?,
        services,
    };
    let length = display_len(&question);
    if length > EMBED_DESCRIPTION_LIMIT {
        report.at(Some(length_problem_at), Some(&question.id), Some("stem"), format!("case, stem and options come to {length} characters; a Discord embed holds {EMBED_DESCRIPTION_LIMIT}"));
    } else {
        let with_explanation = length + question.explanation.chars().count();
        if with_explanation > REVEAL_TEXT_LIMIT {
            report.at(Some(explanation_at), Some(&question.id), Some("explanation"), format!("the question and its explanation come to {with_explanation} characters; a reveal holds {REVEAL_TEXT_LIMIT} (Discord's 6,000 per embed, less the results)"));
        }
    }
    let item_details = ItemDetails {
        skill,
        existing_customer,
    };
    (report.problems.len() == before).then_some((question, item_details))
}

/// Why `skill` cannot tag an item of `task`, if it cannot.
fn skill_problem(
    exam: &Exam,
    details: &ExamDetails,
    task: Option<&str>,
    skill: &str,
) -> Option<String> {
    if details.skills.is_empty() {
        return Some(format!(
            "{} lists no skills in its exam.toml, so its items carry none",
            exam.code
        ));
    }
    let task = task?;
    match details.skill(skill) {
        Some(found) if found.task == task => None,
        Some(found) => Some(format!(
            "skill {skill:?} belongs to task {}, not to the item's task {task}",
            found.task
        )),
        None => {
            let ids: Vec<&str> = details
                .skills_of_task(task)
                .map(|s| s.id.as_str())
                .collect();
            Some(match (ids.first(), ids.last()) {
                (Some(first), Some(last)) => format!(
                    "{} has no skill {skill:?}; task {task} has skills {first} to {last}",
                    exam.code
                ),
                _ => format!("{} has no skill {skill:?}", exam.code),
            })
        }
    }
}

fn id_is_well_formed(id: &str, short: &str, task: &str) -> bool {
    let Some(number) = id.strip_prefix(&format!("{short}-{task}-")) else {
        return false;
    };
    number.len() == 3 && number.bytes().all(|b| b.is_ascii_digit())
}

/// Characters the question takes in a Discord embed (case, stem, lettered options, prompts).
pub fn display_len(question: &Question) -> usize {
    question.display_text().chars().count()
}
