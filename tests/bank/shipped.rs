use certsprint::bank::report::{Report, MAX_KEY_LETTER_SHARE};
use certsprint::bank::{self, Kind};

#[test]
fn the_shipped_banks_pass_every_check() {
    let loaded = bank::load(&bank::source::embedded_files());
    let problems: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let ids: Vec<&str> = loaded.bank.exams.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["aif-c01", "aip-c01", "mla-c01", "mla-c02"]);
}

#[test]
fn the_blueprints_follow_the_official_guides() {
    let loaded = bank::load(&bank::source::embedded_files());
    let aip = loaded.bank.exam("AIP-C01").unwrap();
    assert_eq!(
        aip.domains.len(),
        5,
        "AIP-C01 has five domains in the official guide"
    );
    assert_eq!(
        (aip.questions, aip.scored, aip.passing_score),
        (75, 65, 750)
    );
    assert_eq!(aip.kinds, [Kind::Single, Kind::Multiple]);
    let weights: Vec<u32> = aip.domains.iter().map(|d| d.weight).collect();
    assert_eq!(weights, [31, 26, 20, 12, 11]);
    let tasks: usize = aip.domains.iter().map(|d| d.tasks.len()).sum();
    assert_eq!(tasks, 20);
    let aif = loaded.bank.exam("aif-c01").unwrap();
    assert_eq!(
        aif.domains.iter().map(|d| d.weight).collect::<Vec<_>>(),
        [20, 24, 28, 14, 14]
    );
    assert_eq!(aif.passing_score, 700);
    let mla = loaded.bank.exam("mla-c01").unwrap();
    assert_eq!(
        mla.domains.iter().map(|d| d.weight).collect::<Vec<_>>(),
        [28, 26, 22, 24]
    );
    assert_eq!(mla.passing_score, 720);
}

/// The first release's numbers (issue 3), for every shipped exam: 60+ reviewed items, domain
/// shares near the weights and every task covered (the report's warnings), kinds and key balance.
#[test]
fn every_shipped_pack_meets_the_coverage_targets() {
    check_coverage(&["aif-c01", "aip-c01", "mla-c01", "mla-c02"]);
}

fn check_coverage(expected: &[&str]) {
    let loaded = bank::load(&bank::source::embedded_files());
    let report = Report::new(&loaded);
    for exam in report
        .exams
        .iter()
        .filter(|exam| expected.contains(&exam.exam.as_str()))
    {
        assert!(
            exam.items >= 60,
            "{} has {} items; the first release promises 60",
            exam.code,
            exam.items
        );
        assert!(
            exam.warnings.is_empty(),
            "{}: {}",
            exam.code,
            exam.warnings.join("; ")
        );
        let singles: usize = exam.single_keys.iter().map(|(_, n)| n).sum();
        for (letter, count) in &exam.single_keys {
            assert!(
                (*count as f64) <= MAX_KEY_LETTER_SHARE * singles as f64,
                "{}: key {letter} {count}/{singles}",
                exam.code
            );
        }
    }
}
