//! Field parsing: typed fields taken out of an item's loose TOML table, each wrong or missing one
//! reported with its line, question id and field.

use std::collections::BTreeMap;

use toml::{Spanned, Value};

use super::problem::Reporter;

pub type RawTable = BTreeMap<Spanned<String>, Spanned<Value>>;

/// Takes typed fields out of a loose table, reporting each wrong or missing one.
pub struct Fields {
    entries: BTreeMap<String, (usize, Value)>,
    taken: Vec<&'static str>,
    table_at: usize,
}

impl Fields {
    pub fn new(table: RawTable, table_at: usize) -> Fields {
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

    /// Where each field's name starts in the file.
    pub fn offsets(&self) -> BTreeMap<String, usize> {
        self.entries
            .iter()
            .map(|(name, (at, _))| (name.clone(), *at))
            .collect()
    }

    pub fn line_of(&self, field: &str) -> usize {
        self.entries.get(field).map_or(self.table_at, |(at, _)| *at)
    }

    pub fn report(
        &self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &str,
        message: impl Into<String>,
    ) {
        report.at(Some(self.line_of(field)), qid, Some(field), message);
    }

    pub fn take(
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

    pub fn typed<T>(
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

    pub fn string(
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

    pub fn optional_string(
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
    pub fn text(
        &mut self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &'static str,
    ) -> Option<String> {
        self.string(report, qid, field)
            .map(|text| super::prose::reflow(&text))
    }

    pub fn non_blank(
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

    pub fn optional_bool(
        &mut self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &'static str,
    ) -> Option<bool> {
        self.typed(report, qid, field, false, "true or false", |v| v.as_bool())
    }

    pub fn integer(
        &mut self,
        report: &mut Reporter<'_>,
        qid: Option<&str>,
        field: &'static str,
    ) -> Option<i64> {
        self.typed(report, qid, field, true, "an integer", |v| v.as_integer())
    }

    pub fn strings(
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
    pub fn deny_rest(&mut self, report: &mut Reporter<'_>, qid: Option<&str>) {
        const KNOWN: [&str; 16] = [
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
            "skill",
            "existing_customer",
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
pub fn close_spelling(known: &str, typed: &str) -> bool {
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
    fn close_spellings_suggest_the_field() {
        assert!(close_spelling("answer", "answers"));
        assert!(close_spelling("options", "optoins"));
        assert!(close_spelling("domain", "domian"));
        assert!(!close_spelling("stem", "explanation"));
    }
}
