use crate::{load_with, messages, with, VALID};

fn one(text: &str) -> Vec<String> {
    messages(&[("aif-c01", "items.toml", text)])
}

#[test]
fn the_valid_fixture_loads() {
    let loaded = load_with(&[("aif-c01", "items.toml", VALID)]);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(
        loaded.bank.question("aif-3.2-901").unwrap().key.letters(),
        "A"
    );
}

#[test]
fn wrapped_prose_loads_as_flowing_text() {
    let text = with(
        "explanation = \"Examples in the prompt show the format; the others change weights or randomness.\"",
        "explanation = \"\"\"\nExamples in the prompt\n  show the format.\n\nThe others change weights or randomness.\"\"\"",
    );
    let loaded = load_with(&[("aif-c01", "items.toml", &text)]);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let question = loaded.bank.question("aif-3.2-901").unwrap();
    assert_eq!(
        question.stem,
        "A travel agency wants booking summaries in a fixed format without retraining a model. Which approach fits?"
    );
    assert_eq!(
        question.explanation,
        "Examples in the prompt show the format.\n\nThe others change weights or randomness."
    );
}

#[test]
fn duplicate_ids_name_both_places() {
    let text = format!(
        "{VALID}\n{}",
        VALID
            .replace("travel agency", "bakery chain")
            .replace("booking summaries", "order notes")
    );
    let problems = one(&text);
    assert_eq!(problems, ["aif-c01/items.toml:16: aif-3.2-901: field `id`: duplicate id: already used at aif-c01/items.toml:1"]);
}

#[test]
fn a_pack_without_an_exam_is_named() {
    let problems = messages(&[("xyz-c09", "items.toml", VALID)]);
    assert_eq!(problems, ["xyz-c09/items.toml: no exam \"xyz-c09\": a pack directory needs an exam.toml, or the name of a shipped exam"]);
}

#[test]
fn unknown_domain_and_task_are_named() {
    assert_eq!(
        one(&with("domain = 3", "domain = 9")),
        ["aif-c01/items.toml:3: aif-3.2-901: field `domain`: AIF-C01 has no domain 9"]
    );
    assert_eq!(
        one(&with("task = \"3.2\"", "task = \"3.9\"")),
        [
            "aif-c01/items.toml:4: aif-3.2-901: field `task`: task \"3.9\" is not a task statement of domain 3",
            "aif-c01/items.toml:2: aif-3.2-901: field `id`: id must be \"aif-3.9-NNN\" (three digits)",
        ]
    );
}

#[test]
fn a_kind_the_exam_does_not_allow_is_refused() {
    let text = with("id = \"aif-3.2-901\"", "id = \"aip-1.6-901\"")
        .replace("domain = 3", "domain = 1")
        .replace("task = \"3.2\"", "task = \"1.6\"");
    let text = text
        .replace("kind = \"single\"", "kind = \"ordering\"")
        .replace("answer = [\"A\"]", "answer = [\"A\", \"B\", \"C\", \"D\"]");
    let problems = messages(&[("aip-c01", "items.toml", &text)]);
    assert_eq!(problems, ["aip-c01/items.toml:5: aip-1.6-901: field `kind`: AIP-C01 does not allow ordering items (allowed: single, multiple)"]);
    assert_eq!(one(&with("kind = \"single\"", "kind = \"essay\"")), ["aif-c01/items.toml:5: aif-3.2-901: field `kind`: unknown kind \"essay\" (use single, multiple, ordering, matching)"]);
}

#[test]
fn answer_letters_must_be_options() {
    assert_eq!(one(&with("answer = [\"A\"]", "answer = [\"E\"]")), ["aif-c01/items.toml:11: aif-3.2-901: field `answer`: letter E is outside the options A-D"]);
    assert_eq!(one(&with("answer = [\"A\"]", "answer = [\"a)\"]")), ["aif-c01/items.toml:11: aif-3.2-901: field `answer`: \"a)\" is not an option letter (use \"A\", \"B\", ...)"]);
}

#[test]
fn a_single_choice_item_has_one_key_and_four_options() {
    assert_eq!(one(&with("answer = [\"A\"]", "answer = [\"A\", \"B\"]")), ["aif-c01/items.toml:11: aif-3.2-901: field `answer`: a single-choice item has exactly 1 answer letter; found 2"]);
    assert_eq!(
        one(&with(", \"Fine-tuning\"]", ", \"Fine-tuning\", \"Distillation\"]")),
        ["aif-c01/items.toml:10: aif-3.2-901: field `options`: a single-choice item needs exactly 4 options (one key, three distractors); found 5"]
    );
}

#[test]
fn multiple_response_needs_five_options_and_the_declared_count() {
    let multiple = with("kind = \"single\"", "kind = \"multiple\"").replace(
        "Which approach fits?",
        "Which approaches fit? (Select TWO.)",
    );
    assert_eq!(
        one(&multiple.replace("answer = [\"A\"]", "answer = [\"A\", \"D\"]")),
        ["aif-c01/items.toml:10: aif-3.2-901: field `options`: a multiple-response item needs at least 5 options; found 4"]
    );
    let five = multiple.replace(
        ", \"Fine-tuning\"]",
        ", \"Fine-tuning\", \"Prompt templates\"]",
    );
    assert_eq!(
        one(&five.replace("answer = [\"A\"]", "answer = [\"A\", \"E\"]")),
        Vec::<String>::new()
    );
    assert_eq!(
        one(&five.replace("answer = [\"A\"]", "answer = [\"A\", \"B\", \"E\"]")),
        ["aif-c01/items.toml:11: aif-3.2-901: field `answer`: the stem asks to select 2; the answer has 3 distinct letters"]
    );
    let undeclared = five
        .replace(" (Select TWO.)", "")
        .replace("answer = [\"A\"]", "answer = [\"A\", \"E\"]");
    assert_eq!(
        one(&undeclared),
        ["aif-c01/items.toml:7: aif-3.2-901: field `stem`: a multiple-response stem must say \"(Select TWO.)\" or \"(Select THREE.)\" ..."]
    );
}

#[test]
fn ordering_has_three_to_five_steps_and_a_full_order() {
    let ordering = with("kind = \"single\"", "kind = \"ordering\"");
    assert_eq!(
        one(&ordering.replace("answer = [\"A\"]", "answer = [\"C\", \"A\", \"D\", \"B\"]")),
        Vec::<String>::new()
    );
    assert_eq!(
        one(&ordering.replace("answer = [\"A\"]", "answer = [\"C\", \"A\", \"D\"]")),
        ["aif-c01/items.toml:11: aif-3.2-901: field `answer`: an ordering answer lists every one of the 4 steps once, in order"]
    );
    let six = ordering
        .replace(
            ", \"Fine-tuning\"]",
            ", \"Fine-tuning\", \"Step five\", \"Step six\"]",
        )
        .replace(
            "answer = [\"A\"]",
            "answer = [\"A\", \"B\", \"C\", \"D\", \"E\", \"F\"]",
        );
    assert_eq!(one(&six), ["aif-c01/items.toml:10: aif-3.2-901: field `options`: an ordering item needs 3 to 5 steps; found 6"]);
}

#[test]
fn matching_has_three_to_seven_prompts_and_one_letter_each() {
    let matching = with("kind = \"single\"", "kind = \"matching\"").replace(
        "answer = [\"A\"]",
        "prompts = [\"p1\", \"p2\", \"p3\"]\nanswer = [\"B\", \"C\", \"A\"]",
    );
    assert_eq!(one(&matching), Vec::<String>::new());
    assert_eq!(
        one(&matching.replace("prompts = [\"p1\", \"p2\", \"p3\"]", "prompts = [\"p1\", \"p2\"]").replace("[\"B\", \"C\", \"A\"]", "[\"B\", \"C\"]")),
        ["aif-c01/items.toml:11: aif-3.2-901: field `prompts`: a matching item needs 3 to 7 prompts; found 2"]
    );
    assert_eq!(
        one(&matching.replace("[\"B\", \"C\", \"A\"]", "[\"B\", \"C\"]")),
        ["aif-c01/items.toml:12: aif-3.2-901: field `answer`: a matching answer has one letter per prompt (3); found 2"]
    );
    assert_eq!(
        one(&with(
            "answer = [\"A\"]",
            "prompts = [\"p1\", \"p2\", \"p3\"]\nanswer = [\"A\"]"
        )),
        ["aif-c01/items.toml:11: aif-3.2-901: field `prompts`: only matching items have prompts"]
    );
}

#[test]
fn empty_text_is_refused() {
    assert_eq!(one(&with("\"Few-shot prompting\"", "\"   \"")), ["aif-c01/items.toml:10: aif-3.2-901: field `options`: has an empty or whitespace-only entry"]);
    let blank_stem = with("stem = \"\"\"\nA travel agency wants booking summaries in a fixed format without retraining a model.\nWhich approach fits?\"\"\"", "stem = \"  \"");
    assert_eq!(
        one(&blank_stem),
        ["aif-c01/items.toml:7: aif-3.2-901: field `stem`: is empty or whitespace only"]
    );
}

#[test]
fn explanation_and_references_are_required() {
    let no_explanation = with("explanation = \"Examples in the prompt show the format; the others change weights or randomness.\"\n", "");
    assert_eq!(
        one(&no_explanation),
        ["aif-c01/items.toml:1: aif-3.2-901: field `explanation`: is missing"]
    );
    assert_eq!(
        one(&with("references = [\"https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-engineering-guidelines.html\"]", "references = []")),
        ["aif-c01/items.toml:13: aif-3.2-901: field `references`: needs at least one documentation URL"]
    );
}

#[test]
fn a_question_too_long_for_a_discord_embed_is_refused() {
    let long = "word ".repeat(900);
    let problems = one(&with(
        "Which approach fits?",
        &format!("{long}Which approach fits?"),
    ));
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with(
            "aif-c01/items.toml:7: aif-3.2-901: field `stem`: case, stem and options come to 4"
        ),
        "{}",
        problems[0]
    );
    assert!(
        problems[0].ends_with("characters; a Discord embed holds 4096"),
        "{}",
        problems[0]
    );
}

#[test]
fn near_duplicate_stems_are_named() {
    let second = VALID
        .replace("aif-3.2-901", "aif-3.2-902")
        .replace("A travel agency", "The travel agency");
    let problems = one(&format!("{VALID}\n{second}"));
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("aif-c01/items.toml:16: aif-3.2-902: field `stem`: near-duplicate of aif-3.2-901 at aif-c01/items.toml:1 ("),
        "{}",
        problems[0]
    );
}

#[test]
fn unknown_fields_are_refused_with_a_suggestion() {
    assert_eq!(
        one(&with("services = ", "servcies = ")),
        ["aif-c01/items.toml:14: aif-3.2-901: field `servcies`: unknown field (did you mean `services`?)"]
    );
    assert_eq!(
        one(&with("services = ", "topic = \"x\"\nservices = ")),
        ["aif-c01/items.toml:14: aif-3.2-901: field `topic`: unknown field"]
    );
}

#[test]
fn wrong_types_and_syntax_errors_name_the_line() {
    assert_eq!(one(&with("difficulty = 2", "difficulty = \"hard\"")), ["aif-c01/items.toml:6: aif-3.2-901: field `difficulty`: must be an integer, found string"]);
    assert_eq!(one(&with("difficulty = 2", "difficulty = 7")), ["aif-c01/items.toml:6: aif-3.2-901: field `difficulty`: must be 1 (recall), 2 (apply) or 3 (analyse/design)"]);
    let broken = with("answer = [\"A\"]", "answer = [\"A\"");
    // TOML finds the missing `]` where the next line starts.
    assert_eq!(
        one(&broken),
        ["aif-c01/items.toml:12: invalid array, expected `]`"]
    );
}

#[test]
fn every_problem_in_a_file_is_reported_not_just_the_first() {
    let second = VALID
        .replace("aif-3.2-901", "aif-3.2-903")
        .replace("travel agency", "shipping firm")
        .replace("booking summaries", "customs forms")
        .replace("answer = [\"A\"]", "answer = [\"Z\"]");
    let first = with("domain = 3", "domain = 8");
    let problems = one(&format!("{first}\n{second}"));
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn case_studies_share_a_scenario_and_must_exist() {
    let case = "[[case]]\nid = \"aif-case-09\"\nscenario = \"A bank builds a chatbot.\"\n\n";
    let member = with("services = ", "case = \"aif-case-09\"\nservices = ");
    let loaded = load_with(&[("aif-c01", "items.toml", &format!("{case}{member}"))]);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let question = loaded.bank.question("aif-3.2-901").unwrap();
    assert_eq!(
        question.case.as_ref().unwrap().scenario,
        "A bank builds a chatbot."
    );
    assert_eq!(one(&member), ["aif-c01/items.toml:14: aif-3.2-901: field `case`: no [[case]] with id \"aif-case-09\" in this file"]);
}

#[test]
fn a_broken_blueprint_is_reported() {
    let exam = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/questions/aif-c01/exam.toml"
    ))
    .unwrap();
    let bad = exam.replacen("weight = 20", "weight = 25", 1);
    let problems: Vec<String> = certsprint::bank::load(&[certsprint::bank::BankFile {
        pack: "aif-c01".into(),
        name: "exam.toml".into(),
        display: "aif-c01/exam.toml".into(),
        text: bad,
        shipped: false,
    }])
    .problems
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        problems,
        ["aif-c01/exam.toml:1: field `weight`: domain weights add up to 105, not 100"]
    );
}

#[test]
fn an_explanation_too_long_for_the_reveal_is_refused() {
    let long = "because ".repeat(600);
    let problems = one(&with(
        "explanation = \"Examples",
        &format!("explanation = \"{long}Examples"),
    ));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("aif-c01/items.toml:12: aif-3.2-901: field `explanation`: the question and its explanation come to 5"),
        "{}",
        problems[0]
    );
    assert!(
        problems[0].ends_with(
            "characters; a reveal holds 4800 (Discord's 6,000 per embed, less the results)"
        ),
        "{}",
        problems[0]
    );
}
