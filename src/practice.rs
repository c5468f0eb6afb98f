//! `certsprint practice`: a terminal practice session on the same engine and database as the bot.
//! Answers are committed one by one, so quitting (q, end of input, Ctrl-C) loses nothing.

use std::future::Future;
use std::io::Write;

use console::Style;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::bank::{letter, Exam, Kind, Question, Response};
use crate::quiz::grading::check_shape;
use crate::quiz::{AnswerRequest, Engine, QuizError, Rejection};

/// The words for the refusals a terminal session can meet (its question timed out, or it was
/// answered already in another session on the same database).
fn refusal(rejection: &Rejection) -> String {
    match rejection {
        Rejection::Closed { .. } => "This question timed out; here is a new one.".into(),
        Rejection::AlreadyAnswered { choice, .. } => {
            format!("Already answered ({choice}); here is a new one.")
        }
        Rejection::InvalidResponse(how) => format!("That answer does not fit: {how}."),
        other => format!("That question cannot be answered here ({other:?})."),
    }
}
use crate::store::{AnswerTally, Snowflake};

/// Terminal practice keeps its history under this guild id (Discord ids are never 0).
pub const TERMINAL_GUILD: Snowflake = 0;
pub const TERMINAL_USER: Snowflake = 0;

#[derive(Debug, Clone)]
pub struct PracticeOptions {
    pub exam: Option<String>,
    pub domain: Option<u8>,
    pub count: u32,
    pub name: String,
    pub colors: bool,
    pub width: usize,
}

/// What the session did, by domain number.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub exam: Option<String>,
    pub by_domain: Vec<(u8, AnswerTally)>,
    pub interrupted: bool,
}

impl Summary {
    pub fn total(&self) -> AnswerTally {
        self.by_domain
            .iter()
            .fold(AnswerTally::default(), |sum, (_, t)| AnswerTally {
                answered: sum.answered + t.answered,
                correct: sum.correct + t.correct,
                points: sum.points + t.points,
            })
    }

    fn record(&mut self, domain: u8, correct: bool, points: u32) {
        let entry = match self.by_domain.iter_mut().find(|(d, _)| *d == domain) {
            Some((_, tally)) => tally,
            None => {
                self.by_domain.push((domain, AnswerTally::default()));
                self.by_domain.sort_by_key(|(d, _)| *d);
                &mut self
                    .by_domain
                    .iter_mut()
                    .find(|(d, _)| *d == domain)
                    .unwrap()
                    .1
            }
        };
        entry.answered += 1;
        entry.correct += u32::from(correct);
        entry.points += points;
    }
}

struct Styles {
    heading: Style,
    dim: Style,
    good: Style,
    bad: Style,
    key: Style,
}

impl Styles {
    fn new(colors: bool) -> Styles {
        let style = |s: Style| s.force_styling(colors);
        Styles {
            heading: style(Style::new().bold().cyan()),
            dim: style(Style::new().dim()),
            good: style(Style::new().bold().green()),
            bad: style(Style::new().bold().red()),
            key: style(Style::new().bold()),
        }
    }
}

enum Line {
    Text(String),
    /// End of input or Ctrl-C.
    Gone,
}

/// Runs a session. `interrupt` resolves on Ctrl-C.
pub async fn run<R, W>(
    engine: &Engine,
    options: &PracticeOptions,
    input: R,
    out: &mut W,
    interrupt: impl Future<Output = ()>,
) -> anyhow::Result<Summary>
where
    R: AsyncBufRead + Unpin,
    W: Write,
{
    let styles = Styles::new(options.colors);
    let mut lines = input.lines();
    tokio::pin!(interrupt);
    let mut read_line = async |out: &mut W| -> anyhow::Result<Line> {
        write!(out, "{} ", styles.key.apply_to(">"))?;
        out.flush()?;
        tokio::select! {
            line = lines.next_line() => Ok(match line? { Some(text) => Line::Text(text), None => Line::Gone }),
            _ = &mut interrupt => Ok(Line::Gone),
        }
    };

    let mut summary = Summary::default();
    let exam = match &options.exam {
        Some(id) => engine.bank.exam(id).ok_or_else(|| {
            anyhow::anyhow!("There is no exam {id:?} (see `certsprint bank check`).")
        })?,
        None => {
            writeln!(
                out,
                "{}",
                styles
                    .heading
                    .apply_to("Which exam would you like to practise?")
            )?;
            for (i, exam) in engine.bank.exams.iter().enumerate() {
                writeln!(
                    out,
                    "  {}) {} {} ({} questions)",
                    i + 1,
                    exam.code,
                    exam.name,
                    exam.items.len()
                )?;
            }
            loop {
                let Line::Text(text) = read_line(out).await? else {
                    summary.interrupted = true;
                    return Ok(summary);
                };
                let text = text.trim();
                let chosen = text
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| engine.bank.exams.get(i))
                    .or_else(|| engine.bank.exam(text));
                match chosen {
                    Some(exam) => break exam,
                    None => writeln!(
                        out,
                        "Type a number from 1 to {} or an exam code such as AIF-C01.",
                        engine.bank.exams.len()
                    )?,
                }
            }
        }
    };
    summary.exam = Some(exam.id.clone());
    if let Some(number) = options.domain {
        if exam.domain(number).is_none() {
            anyhow::bail!("{} has no domain {number}.", exam.code);
        }
    }

    let scope = options
        .domain
        .and_then(|d| exam.domain(d))
        .map(|d| format!(", domain {}: {}", d.number, d.name))
        .unwrap_or_default();
    writeln!(
        out,
        "\n{} practice: {} questions{scope}.",
        styles.heading.apply_to(&exam.code),
        options.count
    )?;
    writeln!(
        out,
        "{}",
        styles.dim.apply_to(
            "Type the letter(s) of your answer. q quits; your answers are saved as you go."
        )
    )?;

    let exam_id = engine
        .bank
        .exam_id(&exam.id)
        .expect("the exam was chosen from the bank");
    'questions: for number in 1..=options.count {
        let dealt = engine
            .start_personal(TERMINAL_GUILD, TERMINAL_USER, &exam_id, options.domain)
            .await?;
        let question = &dealt.question;
        write_question(out, &styles, exam, question, number, options)?;
        let outcome = loop {
            let Line::Text(text) = read_line(out).await? else {
                summary.interrupted = true;
                break 'questions;
            };
            let text = text.trim();
            match text.to_ascii_lowercase().as_str() {
                "q" | "quit" | "exit" => break 'questions,
                "?" | "h" | "help" => {
                    writeln!(out, "{}", answer_hint(question))?;
                    continue;
                }
                _ => {}
            }
            let response = match text
                .parse::<Response>()
                .and_then(|r| check_shape(question, &r).map(|_| r))
            {
                Ok(response) => response,
                Err(message) => {
                    writeln!(out, "{} {}", styles.bad.apply_to("!"), message)?;
                    continue;
                }
            };
            let request = AnswerRequest {
                guild: TERMINAL_GUILD,
                post_id: dealt.post.post_id,
                user: TERMINAL_USER,
                display_name: &options.name,
                response,
            };
            match engine.answer(request).await {
                Ok(outcome) => break outcome,
                Err(QuizError::Rejected(rejection)) => {
                    writeln!(out, "{} {}", styles.bad.apply_to("!"), refusal(&rejection))?;
                    continue 'questions;
                }
                Err(error) => return Err(error.into()),
            }
        };
        summary.record(question.domain, outcome.correct, outcome.points);
        if outcome.correct {
            writeln!(
                out,
                "{} (+{} points)",
                styles.good.apply_to("Correct."),
                outcome.points
            )?;
        } else {
            writeln!(
                out,
                "{} The answer is {}.",
                styles.bad.apply_to("Not quite."),
                styles.key.apply_to(question.key_text())
            )?;
        }
        writeln!(out, "{}", wrap(&question.explanation, options.width, ""))?;
        for reference in &question.references {
            writeln!(out, "{}", styles.dim.apply_to(format!("  see {reference}")))?;
        }
        let total = summary.total();
        writeln!(
            out,
            "{}",
            styles.dim.apply_to(format!(
                "[{number}/{}] {} correct of {} ({:.0}%)",
                options.count,
                total.correct,
                total.answered,
                total.accuracy().unwrap_or(0.0) * 100.0
            ))
        )?;
    }

    write_summary(out, &styles, exam, &summary)?;
    Ok(summary)
}

fn write_question<W: Write>(
    out: &mut W,
    styles: &Styles,
    exam: &Exam,
    question: &Question,
    number: u32,
    options: &PracticeOptions,
) -> std::io::Result<()> {
    let domain = exam
        .domain(question.domain)
        .map(|d| d.name.as_str())
        .unwrap_or("");
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        styles.heading.apply_to(format!(
            "Question {number} of {} · {} · task {} {domain}",
            options.count, exam.code, question.task
        ))
    )?;
    writeln!(out, "{}", styles.dim.apply_to(format!("#{}", question.id)))?;
    if let Some(case) = &question.case {
        writeln!(out, "{}\n", wrap(&case.scenario, options.width, ""))?;
    }
    writeln!(out, "{}\n", wrap(&question.stem, options.width, ""))?;
    if question.kind == Kind::Matching {
        for (i, prompt) in question.prompts.iter().enumerate() {
            writeln!(
                out,
                "{}",
                wrap(&format!("{}. {prompt}", i + 1), options.width, "   ")
            )?;
        }
        writeln!(out)?;
    }
    for (i, option) in question.options.iter().enumerate() {
        writeln!(
            out,
            "{}",
            wrap(
                &format!("  {}) {option}", letter(i as u8)),
                options.width,
                "     "
            )
        )?;
    }
    writeln!(out, "{}", styles.dim.apply_to(answer_hint(question)))
}

fn answer_hint(question: &Question) -> String {
    match question.kind {
        Kind::Single => "One letter, e.g. B.".to_string(),
        Kind::Multiple => format!("{} letters, e.g. A C.", question.select_count()),
        Kind::Ordering => format!(
            "All {} letters, first step first, e.g. C A D B.",
            question.options.len()
        ),
        Kind::Matching => format!(
            "One letter for each prompt 1-{}, in order, e.g. B C A.",
            question.prompts.len()
        ),
    }
}

fn write_summary<W: Write>(
    out: &mut W,
    styles: &Styles,
    exam: &Exam,
    summary: &Summary,
) -> std::io::Result<()> {
    let total = summary.total();
    writeln!(out)?;
    if summary.interrupted {
        writeln!(out, "Stopped. Your {} answer(s) are saved.", total.answered)?;
    }
    if total.answered == 0 {
        return writeln!(out, "No questions answered this time.");
    }
    writeln!(
        out,
        "{}",
        styles
            .heading
            .apply_to(format!("Session summary · {}", exam.code))
    )?;
    for (number, tally) in &summary.by_domain {
        let name = exam.domain(*number).map(|d| d.name.as_str()).unwrap_or("");
        writeln!(
            out,
            "  domain {number} {name:<60} {:>2}/{:<2} {:>4.0}%",
            tally.correct,
            tally.answered,
            tally.accuracy().unwrap_or(0.0) * 100.0
        )?;
    }
    writeln!(
        out,
        "  {:<69} {:>2}/{:<2} {:>4.0}%  {} points",
        "total",
        total.correct,
        total.answered,
        total.accuracy().unwrap_or(0.0) * 100.0,
        total.points
    )
}

fn wrap(text: &str, width: usize, indent: &str) -> String {
    let options = textwrap::Options::new(width.clamp(40, 120)).subsequent_indent(indent);
    text.lines()
        .map(|line| textwrap::fill(line, &options))
        .collect::<Vec<_>>()
        .join("\n")
}
