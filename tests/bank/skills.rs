//! Skills in the blueprints, skill tags on items, and the retirement marker.

use certsprint::bank::{self, Kind};

use crate::{check_messages, load_with, messages, with, VALID};

fn shipped() -> bank::Loaded {
    bank::load(&bank::source::embedded_files())
}

#[test]
fn the_blueprints_list_the_guide_skills() {
    let loaded = shipped();
    let bank = &loaded.bank;
    let count = |exam: &str| bank.exam_details(exam).unwrap().skills.len();
    assert_eq!(count("aif-c01"), 69, "AIF-C01 guide v1.1 has 69 objectives");
    assert_eq!(count("aip-c01"), 98);
    assert_eq!(count("mla-c02"), 107);
    assert_eq!(count("mla-c01"), 0, "MLA-C01 stays as it was");
    assert_eq!(
        bank.exam_details("aif-c01").unwrap().version.as_deref(),
        Some("1.1")
    );
    let aif = bank.exam_details("aif-c01").unwrap();
    assert_eq!(aif.skill("1.2.6").unwrap().task, "1.2");
    assert_eq!(aif.skills_of_task("3.4").count(), 5);

    let mla2 = bank.exam_details("mla-c02").unwrap();
    let per_domain: Vec<usize> = (1..=4)
        .map(|d| {
            mla2.skills
                .iter()
                .filter(|s| s.id.starts_with(&format!("{d}.")))
                .count()
        })
        .collect();
    assert_eq!(per_domain, [25, 27, 30, 25]);
    assert!(
        !mla2.minutes_published,
        "AWS has not published the duration"
    );
}

#[test]
fn mla_c02_follows_its_guide_and_mla_c01_is_retiring() {
    let loaded = shipped();
    let bank = &loaded.bank;
    let mla2 = bank.exam("MLA-C02").unwrap();
    assert_eq!(mla2.short, "mla2");
    assert_eq!(
        (
            mla2.questions,
            mla2.scored,
            mla2.passing_score,
            mla2.minutes
        ),
        (65, 50, 720, 130)
    );
    assert_eq!(mla2.kinds, [Kind::Single, Kind::Multiple]);
    let weights: Vec<u32> = mla2.domains.iter().map(|d| d.weight).collect();
    assert_eq!(weights, [28, 24, 24, 24]);

    let retirement = bank.retirement("mla-c01").expect("MLA-C01 is retiring");
    assert_eq!(retirement.until, "2027-01-14");
    assert_eq!(retirement.replaced_by.as_deref(), Some("mla-c02"));
    assert!(retirement
        .note
        .contains("Japanese, Korean and Simplified Chinese"));
    for current in ["aif-c01", "aip-c01", "mla-c02"] {
        assert!(bank.retirement(current).is_none(), "{current}");
    }
}

#[test]
fn an_item_names_a_skill_of_its_own_task() {
    let tagged = with("services = ", "skill = \"3.2.2\"\nservices = ");
    let loaded = load_with(&[("aif-c01", "items.toml", &tagged)]);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.bank.skill_of("aif-3.2-901"), Some("3.2.2"));

    assert_eq!(
        messages(&[("aif-c01", "items.toml", &with("services = ", "skill = \"3.1.2\"\nservices = "))]),
        ["aif-c01/items.toml:14: aif-3.2-901: field `skill`: skill \"3.1.2\" belongs to task 3.1, not to the item's task 3.2"]
    );
    assert_eq!(
        messages(&[("aif-c01", "items.toml", &with("services = ", "skill = \"3.2.9\"\nservices = "))]),
        ["aif-c01/items.toml:14: aif-3.2-901: field `skill`: AIF-C01 has no skill \"3.2.9\"; task 3.2 has skills 3.2.1 to 3.2.5"]
    );
}

#[test]
fn an_exam_without_skills_takes_no_skill_tags() {
    let item = VALID
        .replace("aif-3.2-901", "mla-2.1-901")
        .replace("domain = 3", "domain = 2")
        .replace("task = \"3.2\"", "task = \"2.1\"")
        .replace("services = ", "skill = \"2.1.1\"\nservices = ");
    assert_eq!(
        messages(&[("mla-c01", "items.toml", &item)]),
        ["mla-c01/items.toml:14: mla-2.1-901: field `skill`: MLA-C01 lists no skills in its exam.toml, so its items carry none"]
    );
    // Without a tag the same item is fine, under either strictness.
    let untagged = item.replace("skill = \"2.1.1\"\n", "");
    assert_eq!(
        check_messages(&[("mla-c01", "items.toml", &untagged)]),
        Vec::<String>::new()
    );
}

#[test]
fn a_draft_without_a_skill_is_refused_by_the_checker_and_warned_about_by_the_bot() {
    let expected = "aif-c01/items.toml:1: aif-3.2-901: field `skill`: missing skill: add `skill = \"D.T.S\"`, the guide skill the item tests (task 3.2: 3.2.1 to 3.2.5)";
    assert_eq!(
        check_messages(&[("aif-c01", "items.toml", VALID)]),
        [expected]
    );
    let loaded = load_with(&[("aif-c01", "items.toml", VALID)]);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.contains(&expected.to_string()), "{warnings:?}");
}

#[test]
fn skills_are_numbered_in_order_under_their_task() {
    let exam = include_str!("../../questions/mla-c02/exam.toml");
    let bad = exam.replacen("{ id = \"1.1.2\",", "{ id = \"1.1.7\",", 1);
    let problems: Vec<String> = bank::load(&[bank::BankFile {
        pack: "mla-c02".into(),
        name: "exam.toml".into(),
        display: "mla-c02/exam.toml".into(),
        text: bad,
        shipped: false,
    }])
    .problems
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        problems,
        ["mla-c02/exam.toml:22: field `skills`: skill \"1.1.7\" of task 1.1: skills are numbered in order under their task, so this one must be \"1.1.2\""]
    );
}

/// Every shipped item of these exams names its skill. Add "aif-c01" and "aip-c01" (here and in
/// `bank::SHIPPED_SKILL_REQUIRED`) once their items are tagged.
#[test]
fn shipped_items_of_these_exams_name_their_skill() {
    assert_skills_tagged(bank::SHIPPED_SKILL_REQUIRED);
}

fn assert_skills_tagged(exams: &[&str]) {
    let loaded = shipped();
    for id in exams {
        let exam = loaded.bank.exam(id).unwrap();
        let untagged: Vec<&str> = exam
            .items
            .iter()
            .filter(|item| loaded.bank.skill_of(&item.id).is_none())
            .map(|item| item.id.as_str())
            .collect();
        assert!(untagged.is_empty(), "{id}: {untagged:?}");
    }
}

#[test]
fn a_retirement_needs_a_real_date_and_a_note() {
    let exam = include_str!("../../questions/mla-c01/exam.toml");
    let load = |text: String| -> Vec<String> {
        bank::load(&[bank::BankFile {
            pack: "mla-c01".into(),
            name: "exam.toml".into(),
            display: "mla-c01/exam.toml".into(),
            text,
            shipped: false,
        }])
        .problems
        .iter()
        .map(ToString::to_string)
        .collect()
    };
    let line = exam.lines().position(|l| l == "[status]").unwrap() + 1;
    assert_eq!(
        load(exam.replace("until = \"2027-01-14\"", "until = \"14 January 2027\"")),
        [format!("mla-c01/exam.toml:{line}: field `until`: \"14 January 2027\" is not a date; write it as YYYY-MM-DD")]
    );
    let no_note: String = exam
        .lines()
        .filter(|l| !l.starts_with("note = "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        load(no_note),
        [format!("mla-c01/exam.toml:{line}: field `note`: a retiring exam needs a note that says who can still take it")]
    );
}
