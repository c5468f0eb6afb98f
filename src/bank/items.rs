//! Parsing item files (`<pack>/*.toml` other than exam.toml) into questions, checking each item.
//!
//! Items are read as loose tables first so that one file reports every mistake at once, each with
//! its line, question id and field, instead of stopping at the first type error.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Deserialize;
use toml::{Spanned, Value};

use super::model::{Case, Exam, Key, Kind, Question};
use super::problem::{LineIndex, Reporter};
use super::source::BankFile;
use super::Problem;

/// Discord's limit for an embed description: the stem, case and options must fit in one.
pub const EMBED_DESCRIPTION_LIMIT: usize = 4096;

/// What the question and its explanation may take together in a reveal: Discord allows 6,000
/// characters in an embed, and the rest (title, answer, tally, fastest, reference) needs about
/// 1,200 of them.
pub const REVEAL_TEXT_LIMIT: usize = 4800;

type RawTable = BTreeMap<Spanned<String>, Spanned<Value>>;

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
    pub file: String,
    pub offset: usize,
    pub lines: Arc<LineIndex>,
}

impl ParsedItem {
    pub fn line(&self) -> usize {
        self.lines.line_of(self.offset)
    }
}

pub fn parse(file: &BankFile, exam: &Exam, problems: &mut Vec<Problem>) -> Vec<ParsedItem> {
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
            let question = build(table.into_inner(), offset, exam, &cases, &mut report)?;
            Some(ParsedItem {
                question,
                file: file.display.clone(),
                offset,
                lines: Arc::clone(&lines),
            })
        })
        .collect()
}

/// Checks one item and builds it; `None` if anything is wrong (all of it is reported).
fn build(
    table: RawTable,
    offset: usize,
    exam: &Exam,
    cases: &HashMap<String, Arc<Case>>,
    report: &mut Reporter<'_>,
) -> Option<Question> {
    let before = report.problems.len();
    let mut fields = Fields::new(table, offset);
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
    (report.problems.len() == before).then_some(question)
}

/// Checks the option and answer counts a kind requires, and turns the answer letters into a key.
fn check_shape(
    kind: Kind,
    stem: Option<&str>,
    options: &[String],
    prompts: &[String],
    answer: &[String],
    mut problem: impl FnMut(&'static str, String),
) -> Option<Key> {
    let before_ok = {
        let mut ok = true;
        let mut fail = |field: &'static str, message: String| {
            ok = false;
            problem(field, message)
        };
        match kind {
            Kind::Single if options.len() != 4 => {
                fail("options", format!("a single-choice item needs exactly 4 options (one key, three distractors); found {}", options.len()))
            }
            Kind::Multiple if options.len() < 5 => {
                fail("options", format!("a multiple-response item needs at least 5 options; found {}", options.len()))
            }
            Kind::Ordering if !(3..=5).contains(&options.len()) => {
                fail("options", format!("an ordering item needs 3 to 5 steps; found {}", options.len()))
            }
            Kind::Matching if !(3..=7).contains(&prompts.len()) => {
                fail("prompts", format!("a matching item needs 3 to 7 prompts; found {}", prompts.len()))
            }
            Kind::Matching if !(3..=7).contains(&options.len()) => {
                fail("options", format!("a matching item needs 3 to 7 options; found {}", options.len()))
            }
            _ => {}
        }
        if kind != Kind::Matching && !prompts.is_empty() {
            fail("prompts", "only matching items have prompts".to_string());
        }
        ok
    };

    let mut indices = Vec::with_capacity(answer.len());
    let mut letters_ok = true;
    for text in answer {
        match parse_letter(text) {
            Some(index) if usize::from(index) < options.len() => indices.push(index),
            Some(_) => {
                letters_ok = false;
                let last = super::model::letter(options.len().saturating_sub(1) as u8);
                problem(
                    "answer",
                    format!("letter {} is outside the options A-{last}", text.trim()),
                );
            }
            None => {
                letters_ok = false;
                problem(
                    "answer",
                    format!("{text:?} is not an option letter (use \"A\", \"B\", ...)"),
                );
            }
        }
    }
    if !letters_ok {
        return None;
    }

    let distinct = {
        let mut sorted = indices.clone();
        sorted.sort_unstable();
        sorted.dedup();
        sorted.len() == indices.len()
    };
    let count_ok = match kind {
        Kind::Single => expect(indices.len() == 1, || {
            problem(
                "answer",
                format!(
                    "a single-choice item has exactly 1 answer letter; found {}",
                    indices.len()
                ),
            )
        }),
        Kind::Multiple => {
            let declared = stem.and_then(declared_select_count);
            match declared {
                None => expect(false, || {
                    problem("stem", "a multiple-response stem must say \"(Select TWO.)\" or \"(Select THREE.)\" ...".to_string())
                }),
                Some(n) => expect(indices.len() == n && n >= 2 && distinct, || {
                    problem(
                        "answer",
                        format!(
                            "the stem asks to select {n}; the answer has {} distinct letters",
                            if distinct { indices.len() } else { 0 }
                        ),
                    )
                }),
            }
        }
        Kind::Ordering => expect(indices.len() == options.len() && distinct, || {
            problem(
                "answer",
                format!(
                    "an ordering answer lists every one of the {} steps once, in order",
                    options.len()
                ),
            )
        }),
        Kind::Matching => expect(indices.len() == prompts.len(), || {
            problem(
                "answer",
                format!(
                    "a matching answer has one letter per prompt ({}); found {}",
                    prompts.len(),
                    indices.len()
                ),
            )
        }),
    };
    if !(before_ok && count_ok) {
        return None;
    }
    if kind == Kind::Multiple {
        indices.sort_unstable();
    }
    Some(Key(indices))
}

fn expect(ok: bool, otherwise: impl FnOnce()) -> bool {
    if !ok {
        otherwise();
    }
    ok
}

fn parse_letter(text: &str) -> Option<u8> {
    match text.trim().as_bytes() {
        [c @ b'A'..=b'Z'] => Some(c - b'A'),
        _ => None,
    }
}

/// Reads "(Select TWO.)" style instructions, as on the real exam.
pub fn declared_select_count(stem: &str) -> Option<usize> {
    const WORDS: [(&str, usize); 4] = [("TWO", 2), ("THREE", 3), ("FOUR", 4), ("FIVE", 5)];
    let upper = stem.to_uppercase();
    let at = upper.find("(SELECT ")?;
    let rest = &upper[at + 8..];
    WORDS
        .iter()
        .find(|(word, _)| rest.starts_with(word))
        .map(|&(_, n)| n)
}

fn id_is_well_formed(id: &str, short: &str, task: &str) -> bool {
    let Some(number) = id.strip_prefix(&format!("{short}-{task}-")) else {
        return false;
    };
    number.len() == 3 && number.bytes().all(|b| b.is_ascii_digit())
}

/// Characters the question takes in a Discord embed (case, stem, lettered options, prompts).
pub fn display_len(question: &Question) -> usize {
    const PER_LINE_MARKUP: usize = 8; // "**A.** " and a newline
    let case = question
        .case
        .as_ref()
        .map_or(0, |case| case.scenario.chars().count() + 2);
    let options: usize = question
        .options
        .iter()
        .map(|o| o.chars().count() + PER_LINE_MARKUP)
        .sum();
    let prompts: usize = question
        .prompts
        .iter()
        .map(|p| p.chars().count() + PER_LINE_MARKUP)
        .sum();
    case + question.stem.chars().count() + 2 + options + prompts
}

/// Takes typed fields out of a loose table, reporting each wrong or missing one.
struct Fields {
    entries: BTreeMap<String, (usize, Value)>,
    taken: Vec<&'static str>,
    table_at: usize,
}

impl Fields {
    fn new(table: RawTable, table_at: usize) -> Fields {
        let entries = table
            .into_iter()
            .map(|(key, value)| {
                let at = key.span().start;
                (key.into_inner(), (at, value.into_inner()))
            })
            .collect();
        Fields {
            entries,
            taken: Vec::new(),
            table_at,
        }
    }

    fn line_of(&self, field: &str) -> usize {
        self.entries.get(field).map_or(self.table_at, |(at, _)| *at)
    }

    fn report(
        &self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &str,
        message: impl Into<String>,
    ) {
        report.at(Some(self.line_of(field)), qid, Some(field), message);
    }

    fn take(
        &mut self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &'static str,
        required: bool,
    ) -> Option<(usize, Value)> {
        match self.entries.get(field) {
            Some((at, value)) => {
                self.taken.push(field);
                Some((*at, value.clone()))
            }
            None => {
                if required {
                    report.at(Some(self.table_at), qid, Some(field), "is missing");
                }
                None
            }
        }
    }

    fn typed<T>(
        &mut self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &'static str,
        required: bool,
        expected: &str,
        convert: impl FnOnce(Value) -> Option<T>,
    ) -> Option<T> {
        let (at, value) = self.take(report, qid, field, required)?;
        let found = value.type_str();
        let converted = convert(value);
        if converted.is_none() {
            report.at(
                Some(at),
                qid,
                Some(field),
                format!("must be {expected}, found {found}"),
            );
        }
        converted
    }

    fn string(
        &mut self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &'static str,
    ) -> Option<String> {
        let text = self.typed(report, qid, field, true, "a string", |v| {
            v.as_str().map(str::to_string)
        })?;
        self.non_blank(report, qid, field, text)
    }

    fn optional_string(
        &mut self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &'static str,
    ) -> Option<String> {
        self.typed(report, qid, field, false, "a string", |v| {
            v.as_str().map(str::to_string)
        })
    }

    /// Prose (stem, explanation, scenario): reflowed, so source wrapping never shows in Discord.
    fn text(
        &mut self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &'static str,
    ) -> Option<String> {
        self.string(report, qid, field)
            .map(|text| super::prose::reflow(&text))
    }

    fn non_blank(
        &mut self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &'static str,
        text: String,
    ) -> Option<String> {
        if text.trim().is_empty() {
            self.report(report, qid, field, "is empty or whitespace only");
            return None;
        }
        Some(text)
    }

    fn integer(
        &mut self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &'static str,
    ) -> Option<i64> {
        self.typed(report, qid, field, true, "an integer", |v| v.as_integer())
    }

    fn strings(
        &mut self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &'static str,
        required: bool,
    ) -> Option<Vec<String>> {
        self.typed(
            report,
            qid,
            field,
            required,
            "an array of strings",
            |value| {
                value
                    .as_array()?
                    .iter()
                    .map(|item| item.as_str().map(|s| s.trim().to_string()))
                    .collect()
            },
        )
    }

    /// Every field not taken is unknown: most often a typo of a real one.
    fn deny_rest(&mut self, report: &mut Reporter<'_>, qid: Option<&str>) {
        const KNOWN: [&str; 14] = [
            "id",
            "domain",
            "task",
            "kind",
            "difficulty",
            "case",
            "stem",
            "options",
            "prompts",
            "answer",
            "explanation",
            "references",
            "services",
            "scenario",
        ];
        for (name, (at, _)) in &self.entries {
            if !self.taken.contains(&name.as_str()) {
                let hint = KNOWN
                    .iter()
                    .find(|known| close_spelling(known, name))
                    .map(|known| format!(" (did you mean `{known}`?)"))
                    .unwrap_or_default();
                report.at(Some(*at), qid, Some(name), format!("unknown field{hint}"));
            }
        }
    }
}

/// One edit apart, or the same letters: enough to suggest the intended field name.
fn close_spelling(known: &str, typed: &str) -> bool {
    if known == typed {
        return false;
    }
    let (a, b) = (known.as_bytes(), typed.as_bytes());
    let mut sorted_a = a.to_vec();
    let mut sorted_b = b.to_vec();
    sorted_a.sort_unstable();
    sorted_b.sort_unstable();
    if sorted_a == sorted_b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => a.iter().zip(b).filter(|(x, y)| x != y).count() == 1,
        1 => (0..long.len())
            .any(|skip| long[..skip] == short[..skip] && long[skip + 1..] == short[skip..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_counts_read_the_exam_wording() {
        assert_eq!(declared_select_count("Which steps? (Select TWO.)"), Some(2));
        assert_eq!(
            declared_select_count("Which steps? (select three.)"),
            Some(3)
        );
        assert_eq!(declared_select_count("Which step?"), None);
    }

    #[test]
    fn close_spellings_suggest_the_field() {
        assert!(close_spelling("answer", "answers"));
        assert!(close_spelling("options", "optoins"));
        assert!(close_spelling("domain", "domian"));
        assert!(!close_spelling("stem", "explanation"));
    }
}
