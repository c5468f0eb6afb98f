//! Services whose availability changed (questions/service-status.toml), and the rule that an item
//! built on one tells the learner: a learner who opens the console should not be surprised.

use serde::{Deserialize, Serialize};

use super::model::{ItemDetails, Question};
use super::problem::{one_line, LineIndex, Reporter};
use super::Problem;

/// The statuses the list knows.
pub const STATUSES: [&str; 2] = ["closed to new customers", "end of support"];

/// Wordings that state the status in an explanation (matched without regard to case).
pub const STATUS_PHRASES: [&str; 7] = [
    "closed to new customers",
    "no longer open to new customers",
    "no longer available to new customers",
    "not open to new customers",
    "not available to new customers",
    "end of support",
    "reached end of support",
];

#[derive(Debug, Clone, Serialize)]
pub struct ServiceStatus {
    /// As written in an item's `services`.
    pub name: String,
    /// Other names an explanation may use for it.
    pub also_named: Vec<String>,
    pub status: String,
    pub since: Option<String>,
    pub successor: Option<String>,
    pub url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    service: Vec<toml::Spanned<RawService>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    name: String,
    #[serde(default)]
    also_named: Vec<String>,
    status: String,
    since: Option<String>,
    successor: Option<String>,
    url: String,
}

/// Reads the list; entries with problems are left out (the problems say why).
pub fn parse(display: &str, text: &str, problems: &mut Vec<Problem>) -> Vec<ServiceStatus> {
    let lines = LineIndex::new(text);
    let mut report = Reporter {
        file: display,
        lines: &lines,
        problems,
    };
    let raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(error) => {
            report.at(
                error.span().map(|s| s.start),
                None,
                None,
                one_line(error.message()),
            );
            return Vec::new();
        }
    };
    let mut services = Vec::new();
    for spanned in raw.service {
        let at = Some(spanned.span().start);
        let entry = spanned.into_inner();
        let before = report.problems.len();
        if entry.name.trim().is_empty() {
            report.at(at, None, Some("name"), "is empty");
        }
        if !STATUSES.contains(&entry.status.as_str()) {
            report.at(
                at,
                None,
                Some("status"),
                format!(
                    "{:?} is not a status; use {}",
                    entry.status,
                    STATUSES.map(|s| format!("{s:?}")).join(" or ")
                ),
            );
        }
        if let Some(since) = &entry.since {
            if chrono::NaiveDate::parse_from_str(since, "%Y-%m-%d").is_err() {
                report.at(
                    at,
                    None,
                    Some("since"),
                    format!("{since:?} is not a date; write it as YYYY-MM-DD"),
                );
            }
        }
        if !entry.url.starts_with("https://") {
            report.at(
                at,
                None,
                Some("url"),
                "needs the https:// address of the AWS documentation that states the change",
            );
        }
        if report.problems.len() == before {
            services.push(ServiceStatus {
                name: entry.name,
                also_named: entry.also_named,
                status: entry.status,
                since: entry.since,
                successor: entry.successor,
                url: entry.url,
            });
        }
    }
    services
}

/// The first service of the item whose status its explanation does not state, with the message.
pub fn finding(
    question: &Question,
    details: &ItemDetails,
    list: &[ServiceStatus],
) -> Option<String> {
    if details.existing_customer {
        return None;
    }
    question.services.iter().find_map(|named| {
        let entry = list.iter().find(|entry| entry.is_named(named))?;
        if states_status(&question.explanation, entry) {
            return None;
        }
        let since = entry
            .since
            .as_deref()
            .map(|date| format!(" since {date}"))
            .unwrap_or_default();
        Some(format!(
            "{}: {}{since} (questions/service-status.toml); state it in one sentence of the explanation, or set existing_customer = true when the stem's organisation already uses it",
            entry.name, entry.status
        ))
    })
}

impl ServiceStatus {
    fn is_named(&self, name: &str) -> bool {
        let name = name.trim();
        self.name.eq_ignore_ascii_case(name)
            || self
                .also_named
                .iter()
                .any(|other| other.eq_ignore_ascii_case(name))
    }

    /// Every name an explanation may use, lowercase.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::iter::once(&self.name)
            .chain(&self.also_named)
            .map(|name| name.to_lowercase())
            .collect();
        for prefix in ["amazon ", "aws "] {
            if let Some(bare) = names[0].strip_prefix(prefix) {
                let bare = bare.to_string();
                names.push(bare);
            }
        }
        names
    }
}

/// One sentence that names the service and states its status.
fn states_status(explanation: &str, entry: &ServiceStatus) -> bool {
    let names = entry.names();
    sentences(&explanation.to_lowercase()).any(|sentence| {
        names.iter().any(|name| sentence.contains(name.as_str()))
            && STATUS_PHRASES
                .iter()
                .any(|phrase| sentence.contains(phrase))
    })
}

/// Sentences end at ". ", "! ", "? " or a line break ("e.g. " splits too, which only shortens a
/// sentence and never joins two).
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', '!', '?'])
        .flat_map(|part| part.split(". "))
        .map(str::trim)
        .filter(|sentence| !sentence.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agents() -> ServiceStatus {
        ServiceStatus {
            name: "Amazon Bedrock Agents".into(),
            also_named: vec!["Amazon Bedrock Agents Classic".into()],
            status: "closed to new customers".into(),
            since: Some("2026-07-30".into()),
            successor: Some("Amazon Bedrock AgentCore".into()),
            url: "https://docs.aws.amazon.com/".into(),
        }
    }

    #[test]
    fn the_status_must_be_stated_in_the_same_sentence_as_the_service() {
        let entry = agents();
        assert!(states_status(
            "An agent fits. Amazon Bedrock Agents is closed to new customers since July 2026; new work uses AgentCore.",
            &entry
        ));
        assert!(states_status(
            "Bedrock Agents Classic is no longer open to new customers.",
            &entry
        ));
        assert!(!states_status(
            "Amazon Bedrock Agents fits. The service is closed to new customers.",
            &entry
        ));
    }
}
