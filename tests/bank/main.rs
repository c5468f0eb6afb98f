//! The bank loader and checker: the shipped banks pass; every rule has a bad-input fixture whose
//! exact message is asserted; arbitrary input never panics.

mod cues;
mod rules;
mod shipped;
mod skills;
mod survives_anything;

use certsprint::bank::{self, source, BankFile, Loaded};

/// The shipped blueprints (exam.toml files) without their items, plus the given item files.
pub fn load_with(files: &[(&str, &str, &str)]) -> Loaded {
    bank::load(&fixture_files(files))
}

fn fixture_files(files: &[(&str, &str, &str)]) -> Vec<BankFile> {
    let mut all: Vec<BankFile> = source::embedded_files()
        .into_iter()
        .filter(BankFile::is_blueprint)
        .collect();
    for (pack, name, text) in files {
        all.push(BankFile {
            pack: pack.to_string(),
            name: name.to_string(),
            display: format!("{pack}/{name}"),
            text: text.to_string(),
            shipped: false,
        });
    }
    all
}

/// The problems the bot's loader reports (authoring rules on drafts only warn there).
pub fn messages(files: &[(&str, &str, &str)]) -> Vec<String> {
    load_with(files)
        .problems
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The problems `bank check` reports, where drafts are held to every authoring rule.
pub fn check_messages(files: &[(&str, &str, &str)]) -> Vec<String> {
    bank::check(&fixture_files(files))
        .problems
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// A valid single-choice AIF-C01 item; tests replace one line at a time.
pub const VALID: &str = r#"[[question]]
id = "aif-3.2-901"
domain = 3
task = "3.2"
kind = "single"
difficulty = 2
stem = """
A travel agency wants booking summaries in a fixed format without retraining a model.
Which approach fits?"""
options = ["Few-shot prompting", "Continued pre-training", "Raising the temperature", "Fine-tuning"]
answer = ["A"]
explanation = "Examples in the prompt show the format; the others change weights or randomness."
references = ["https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-engineering-guidelines.html"]
services = ["Amazon Bedrock"]
"#;

pub fn with(replace: &str, by: &str) -> String {
    assert!(VALID.contains(replace), "fixture has no {replace:?}");
    VALID.replacen(replace, by, 1)
}
