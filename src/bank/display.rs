//! The text a question is shown with (case study, stem, prompts, options), built in one place so
//! that the bank check measures exactly what members see.

use super::{letter, Kind, Question};

impl Question {
    /// The question as shown: the case study (if any), the stem, a matching item's numbered
    /// prompts, and the lettered options, in light markdown.
    pub fn display_text(&self) -> String {
        let mut text = String::new();
        if let Some(case) = &self.case {
            text.push_str(&format!("*Case study*\n{}\n\n", case.scenario));
        }
        text.push_str(&self.stem);
        text.push_str("\n\n");
        if self.kind == Kind::Matching {
            for (i, prompt) in self.prompts.iter().enumerate() {
                text.push_str(&format!("**{}.** {prompt}\n", i + 1));
            }
            text.push('\n');
        }
        for (i, option) in self.options.iter().enumerate() {
            text.push_str(&format!("**{}.** {option}\n", letter(i as u8)));
        }
        text.truncate(text.trim_end().len());
        text
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::bank::{display_len, Case, Key};

    fn item(case: Option<Arc<Case>>) -> Question {
        Question {
            id: "tst-1.1-001".into(),
            exam: "tst-c01".into(),
            domain: 1,
            task: "1.1".into(),
            kind: Kind::Single,
            difficulty: 2,
            case,
            stem: "Which one?".into(),
            options: vec!["w".into(), "x".into(), "y".into(), "z".into()],
            prompts: vec![],
            key: Key(vec![0]),
            explanation: "Because.".into(),
            references: vec![],
            services: vec![],
        }
    }

    #[test]
    fn the_check_measures_what_is_shown_including_the_case_study_header() {
        let plain = item(None);
        assert_eq!(
            plain.display_text(),
            "Which one?\n\n**A.** w\n**B.** x\n**C.** y\n**D.** z"
        );
        let case = Arc::new(Case {
            id: "c1".into(),
            scenario: "A bank.".into(),
        });
        let with_case = item(Some(case));
        assert!(with_case
            .display_text()
            .starts_with("*Case study*\nA bank.\n\nWhich one?"));
        assert_eq!(
            display_len(&with_case),
            with_case.display_text().chars().count()
        );
        assert_eq!(
            display_len(&with_case) - display_len(&plain),
            "*Case study*\nA bank.\n\n".len()
        );
    }
}
