//! Cues: features of an item's form that point at the key without knowing the topic. Each rule
//! looks at one item; the balance figures across a bank are in `report`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use super::model::{letter, Kind, Question};

/// A stem word counts as distinctive from this many letters on (shorter words are mostly glue).
pub const MIN_DISTINCTIVE_WORD_LETTERS: usize = 5;

/// Distractors that open alike before a key that opens differently stands out.
pub const MIN_PARALLEL_DISTRACTORS: usize = 3;

/// A word in more than this share of an exam's items is the exam's common vocabulary ("model",
/// "prompt", "training"), not a clue to one item's key.
pub const COMMON_WORD_SHARE: f64 = 0.08;

/// ... but a word in this few items is never common (small packs and single drafts).
pub const COMMON_WORD_MIN_ITEMS: usize = 5;

/// Words that overstate: one of them in a distractor that the key lacks marks the distractor.
pub const ABSOLUTE_WORDS: [&str; 6] = [
    "always",
    "never",
    "guaranteed",
    "guarantee",
    "guarantees",
    "100%",
];

/// Quantifiers that are absolute only sometimes ("sync all data sources" is plain description):
/// they mark a cue when two or more distractors use absolute words and the key none.
pub const WEAK_ABSOLUTE_WORDS: [&str; 4] = ["only", "all", "every", "everything"];

/// Openings that say nothing: "A Lambda function" and "An S3 bucket" open alike.
const ARTICLES: [&str; 3] = ["a", "an", "the"];

/// Long words that carry no topic: a key sharing one with the stem gives nothing away.
const STOP_WORDS: [&str; 56] = [
    "about",
    "above",
    "across",
    "after",
    "again",
    "against",
    "along",
    "already",
    "among",
    "another",
    "based",
    "because",
    "before",
    "being",
    "below",
    "between",
    "cannot",
    "could",
    "during",
    "every",
    "first",
    "further",
    "having",
    "least",
    "might",
    "other",
    "others",
    "rather",
    "should",
    "since",
    "still",
    "their",
    "there",
    "these",
    "thing",
    "those",
    "three",
    "through",
    "under",
    "until",
    "using",
    "where",
    "which",
    "while",
    "whose",
    "within",
    "without",
    "would",
    "amazon",
    "company",
    "organization",
    "organisation",
    "solution",
    "select",
    "option",
    "requirement",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CueRule {
    /// (a) Only the key repeats a distinctive word of the stem.
    StemWordInKey,
    /// (b) The key opens differently from three or more distractors that open alike.
    KeyOpensDifferently,
    /// (c) Multiple response: every key opens with a word no distractor opens with.
    KeysShareOpening,
    /// (d) A distractor makes an absolute claim the key does not.
    AbsoluteWordInDistractor,
}

impl CueRule {
    pub const ALL: [CueRule; 4] = [
        CueRule::StemWordInKey,
        CueRule::KeyOpensDifferently,
        CueRule::KeysShareOpening,
        CueRule::AbsoluteWordInDistractor,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            CueRule::StemWordInKey => "key alone repeats a stem word",
            CueRule::KeyOpensDifferently => "key opens unlike parallel distractors",
            CueRule::KeysShareOpening => "keys share an opening no distractor has",
            CueRule::AbsoluteWordInDistractor => "absolute word in a distractor only",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    pub rule: CueRule,
    pub field: &'static str,
    pub message: String,
}

/// The words common across an exam's items (see [`COMMON_WORD_SHARE`]).
#[derive(Debug, Default)]
pub struct CommonWords(HashSet<String>);

impl CommonWords {
    pub fn of<'a>(items: impl IntoIterator<Item = &'a Question>) -> CommonWords {
        let mut items_with: HashMap<String, usize> = HashMap::new();
        let mut total = 0;
        for question in items {
            total += 1;
            let mut seen: HashSet<String> = distinctive_words(&question.stem).collect();
            for option in &question.options {
                seen.extend(distinctive_words(option));
            }
            for word in seen {
                *items_with.entry(word).or_default() += 1;
            }
        }
        let limit = (COMMON_WORD_SHARE * total as f64).max(COMMON_WORD_MIN_ITEMS as f64);
        CommonWords(
            items_with
                .into_iter()
                .filter(|&(_, count)| count as f64 > limit)
                .map(|(word, _)| word)
                .collect(),
        )
    }

    fn contains(&self, word: &str) -> bool {
        self.0.contains(word)
    }
}

/// Every cue in one item. Ordering and matching items are left alone: every option is part of
/// their key.
pub fn find(question: &Question, common: &CommonWords) -> Vec<Cue> {
    if !matches!(question.kind, Kind::Single | Kind::Multiple) {
        return Vec::new();
    }
    let keys: Vec<usize> = question.key.0.iter().map(|&i| usize::from(i)).collect();
    let distractors: Vec<usize> = (0..question.options.len())
        .filter(|i| !keys.contains(i))
        .collect();
    let key_letters = keys
        .iter()
        .map(|&i| letter(i as u8).to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let mut cues = Vec::new();

    // (a) A distinctive stem word that appears in a key and in no distractor.
    let stem_words: BTreeSet<String> = distinctive_words(&question.stem)
        .filter(|word| !common.contains(word))
        .collect();
    let distractor_words: BTreeSet<String> = distractors
        .iter()
        .flat_map(|&i| distinctive_words(&question.options[i]))
        .collect();
    let mut repeated: BTreeSet<String> = BTreeSet::new();
    for &key in &keys {
        repeated.extend(
            distinctive_words(&question.options[key])
                .filter(|word| stem_words.contains(word) && !distractor_words.contains(word)),
        );
    }
    if !repeated.is_empty() {
        let words: Vec<String> = repeated.iter().map(|w| format!("{w:?}")).collect();
        cues.push(Cue {
            rule: CueRule::StemWordInKey,
            field: "options",
            message: format!(
                "cue: only the key ({key_letters}) repeats the stem's {}; no distractor does",
                words.join(", ")
            ),
        });
    }

    // (b) Three or more distractors open alike and a key does not.
    let mut openings: BTreeMap<String, usize> = BTreeMap::new();
    for &i in &distractors {
        if let Some(word) = opening(&question.options[i]) {
            *openings.entry(word).or_default() += 1;
        }
    }
    if let Some((shared, count)) = openings
        .iter()
        .filter(|(_, &count)| count >= MIN_PARALLEL_DISTRACTORS)
        .max_by_key(|(_, &count)| count)
    {
        let odd: Vec<usize> = keys
            .iter()
            .copied()
            .filter(|&key| opening(&question.options[key]).as_deref() != Some(shared.as_str()))
            .collect();
        if !odd.is_empty() {
            let odd_letters: Vec<String> =
                odd.iter().map(|&i| letter(i as u8).to_string()).collect();
            let key_opening = opening(&question.options[odd[0]]).unwrap_or_default();
            cues.push(Cue {
                rule: CueRule::KeyOpensDifferently,
                field: "options",
                message: format!(
                    "cue: the key ({}) opens with {key_opening:?} while {count} distractors open with {shared:?}",
                    odd_letters.join(", ")
                ),
            });
        }
    }

    // (c) Every key opens with the same word and no distractor does.
    if question.kind == Kind::Multiple {
        let key_openings: BTreeSet<Option<String>> = keys
            .iter()
            .map(|&key| opening(&question.options[key]))
            .collect();
        if let [Some(shared)] = key_openings.into_iter().collect::<Vec<_>>().as_slice() {
            let distractor_has_it = distractors
                .iter()
                .any(|&i| opening(&question.options[i]).as_deref() == Some(shared.as_str()));
            if !distractor_has_it {
                cues.push(Cue {
                    rule: CueRule::KeysShareOpening,
                    field: "options",
                    message: format!(
                        "cue: every key ({key_letters}) opens with {shared:?} and no distractor does"
                    ),
                });
            }
        }
    }

    // (d) An absolute word in a distractor that no key uses.
    let key_has_absolute = keys.iter().any(|&key| {
        absolute_words(&question.options[key], &ABSOLUTE_WORDS)
            .chain(absolute_words(&question.options[key], &WEAK_ABSOLUTE_WORDS))
            .next()
            .is_some()
    });
    if !key_has_absolute {
        let strong: Vec<(usize, &str)> = distractors
            .iter()
            .filter_map(|&i| {
                absolute_words(&question.options[i], &ABSOLUTE_WORDS)
                    .next()
                    .map(|w| (i, w))
            })
            .collect();
        let weak: Vec<(usize, &str)> = distractors
            .iter()
            .filter_map(|&i| {
                absolute_words(&question.options[i], &ABSOLUTE_WORDS)
                    .chain(absolute_words(&question.options[i], &WEAK_ABSOLUTE_WORDS))
                    .next()
                    .map(|w| (i, w))
            })
            .collect();
        let marked = if !strong.is_empty() {
            strong
        } else if weak.len() >= 2 {
            weak
        } else {
            Vec::new()
        };
        if !marked.is_empty() {
            let said: Vec<String> = marked
                .iter()
                .map(|(i, word)| format!("{} says {word:?}", letter(*i as u8)))
                .collect();
            cues.push(Cue {
                rule: CueRule::AbsoluteWordInDistractor,
                field: "options",
                message: format!(
                    "cue: distractor {} and the key ({key_letters}) has no such word",
                    said.join(", ")
                ),
            });
        }
    }
    cues
}

/// Lowercase words, split at anything but letters and digits ("column-level" is two words).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// Content words of five or more letters, with simple plurals made singular.
fn distinctive_words(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text)
        .filter(|word| {
            word.chars().filter(|c| c.is_alphabetic()).count() >= MIN_DISTINCTIVE_WORD_LETTERS
        })
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
        .map(|word| singular(&word))
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
}

/// "policies" -> "policy", "indexes" -> "index", "columns" -> "column"; "access", "status" and
/// "analysis" stay as they are.
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["sses", "shes", "ches", "xes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_string();
        }
    }
    if word.ends_with('s') && !["ss", "us", "is"].iter().any(|end| word.ends_with(end)) {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

/// The first word of an option after any article, singular, lowercase.
fn opening(option: &str) -> Option<String> {
    words(option)
        .find(|word| !ARTICLES.contains(&word.as_str()))
        .map(|word| singular(&word))
}

/// The listed words the option uses as words of their own ("always-on" is not "always").
fn absolute_words<'a>(
    option: &str,
    list: &'a [&'static str],
) -> impl Iterator<Item = &'static str> + 'a {
    let lower = option.to_lowercase();
    let standalone: Vec<String> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '.'))
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect();
    list.iter().copied().filter(move |absolute| {
        if absolute.ends_with('%') {
            lower.contains(absolute)
        } else {
            standalone.iter().any(|word| word == absolute)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_become_singular_but_not_every_s() {
        assert_eq!(singular("columns"), "column");
        assert_eq!(singular("policies"), "policy");
        assert_eq!(singular("indexes"), "index");
        assert_eq!(singular("access"), "access");
        assert_eq!(singular("analysis"), "analysis");
        assert_eq!(singular("status"), "status");
    }

    #[test]
    fn hyphenated_words_split() {
        let found: Vec<String> = distinctive_words("Apply column-level permissions").collect();
        assert_eq!(found, ["apply", "column", "level", "permission"]);
    }
}
