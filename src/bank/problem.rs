//! A mistake found in a bank file, located precisely enough to fix without searching.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file as the author knows it (a path, or `questions/...` for the shipped banks).
    pub file: String,
    pub line: Option<usize>,
    pub question: Option<String>,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    /// `file:line: question id: field `name`: message`, leaving out what is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(question) = &self.question {
            write!(f, ": {question}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A parser message on one line ("invalid array\nexpected `]`" -> "invalid array, expected `]`").
pub fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Maps byte offsets in a file to 1-based line numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex { line_starts }
    }

    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }
}

/// Collects problems for one file, filling in the file name.
pub struct Reporter<'a> {
    pub file: &'a str,
    pub lines: &'a LineIndex,
    pub problems: &'a mut Vec<Problem>,
}

impl Reporter<'_> {
    pub fn at(
        &mut self,
        offset: Option<usize>,
        question: Option<&str>,
        field: Option<&str>,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line: offset.map(|at| self.lines.line_of(at)),
            question: question.map(str::to_string),
            field: field.map(str::to_string),
            message: message.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based_and_count_newlines() {
        let index = LineIndex::new("a\nbc\n\nd");
        assert_eq!(index.line_of(0), 1);
        assert_eq!(index.line_of(2), 2);
        assert_eq!(index.line_of(3), 2);
        assert_eq!(index.line_of(5), 3);
        assert_eq!(index.line_of(6), 4);
    }

    #[test]
    fn display_names_every_known_part() {
        let problem = Problem {
            file: "questions/aif-c01/x.toml".into(),
            line: Some(12),
            question: Some("aif-1.1-001".into()),
            field: Some("answer".into()),
            message: "letter E is outside the options A-D".into(),
        };
        assert_eq!(
            problem.to_string(),
            "questions/aif-c01/x.toml:12: aif-1.1-001: field `answer`: letter E is outside the options A-D"
        );
    }
}
