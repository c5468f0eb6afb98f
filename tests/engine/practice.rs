use std::sync::Arc;

use certsprint::bank::{Bank, Key};
use certsprint::clock::ManualClock;
use certsprint::practice::{run, PracticeOptions, TERMINAL_GUILD, TERMINAL_USER};
use certsprint::quiz::Engine;
use certsprint::random::RandomSource;
use certsprint::store::Store;
use tokio::io::AsyncWriteExt;

use crate::helpers::*;

/// The fixture bank with every single-choice key set to A, so a script knows the answers.
fn keyed_a_bank() -> Bank {
    let mut exams = fixture_bank().exams;
    for exam in &mut exams {
        for item in &mut exam.items {
            let mut question = (**item).clone();
            if question.kind == certsprint::bank::Kind::Single {
                question.key = Key(vec![0]);
            }
            *item = Arc::new(question);
        }
    }
    Bank::new(exams)
}

async fn engine(dir: &tempfile::TempDir) -> Engine {
    let store = Store::open(&format!(
        "sqlite:{}",
        dir.path().join("practice.db").display()
    ))
    .await
    .unwrap();
    Engine::new(
        store,
        Arc::new(keyed_a_bank()),
        Arc::new(ManualClock::new(start_time())),
        Arc::new(RandomSource::seeded(1)),
    )
}

fn options(count: u32) -> PracticeOptions {
    PracticeOptions {
        exam: Some("TST-C01".into()),
        domain: Some(2),
        count,
        name: "tester".into(),
        colors: false,
        width: 80,
    }
}

#[tokio::test]
async fn a_scripted_session_forgives_spacing_refuses_nonsense_and_saves_on_end_of_input() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let input: &[u8] = b"x\n  a \nB\n";
    let mut out = Vec::new();
    let summary = run(
        &engine,
        &options(5),
        input,
        &mut out,
        std::future::pending(),
    )
    .await
    .unwrap();
    let text = String::from_utf8(out).unwrap();

    assert!(
        text.contains("TST-C01 practice: 5 questions, domain 2: Domain 2."),
        "{text}"
    );
    assert!(text.contains("Question 1 of 5"), "{text}");
    assert!(text.contains("! X is not an option here (A-D)"), "{text}");
    assert!(text.contains("Correct. (+15 points)"), "{text}");
    assert!(text.contains("Not quite. The answer is A."), "{text}");
    assert!(text.contains("[2/5] 1 correct of 2 (50%)"), "{text}");
    assert!(
        text.contains("Stopped. Your 2 answer(s) are saved."),
        "{text}"
    );
    assert!(summary.interrupted);
    assert_eq!((summary.total().answered, summary.total().correct), (2, 1));

    let stats = engine
        .member_stats(TERMINAL_GUILD, TERMINAL_USER)
        .await
        .unwrap();
    assert_eq!((stats.overall.answered, stats.overall.correct), (2, 1));
}

#[tokio::test]
async fn a_full_session_ends_with_a_summary_by_domain() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let input: &[u8] = b"a\na\nc\n";
    let mut out = Vec::new();
    let summary = run(
        &engine,
        &options(3),
        input,
        &mut out,
        std::future::pending(),
    )
    .await
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!summary.interrupted);
    assert!(text.contains("Session summary · TST-C01"), "{text}");
    assert!(text.contains("domain 2 Domain 2"), "{text}");
    assert!(text.contains(" 2/3 "), "{text}");
}

#[tokio::test]
async fn ctrl_c_mid_question_leaves_cleanly_with_the_answers_so_far() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let (reader, mut writer) = tokio::io::duplex(64);
    let (interrupt_tx, interrupt_rx) = tokio::sync::oneshot::channel::<()>();
    let session = tokio::spawn(async move {
        let mut out = Vec::new();
        let interrupt = async {
            let _ = interrupt_rx.await;
        };
        let summary = run(
            &engine,
            &options(5),
            tokio::io::BufReader::new(reader),
            &mut out,
            interrupt,
        )
        .await
        .unwrap();
        (summary, String::from_utf8(out).unwrap(), engine)
    });
    writer.write_all(b"a\n").await.unwrap();
    // Wait until the first answer is committed, then press Ctrl-C while the session waits for input.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    interrupt_tx.send(()).unwrap();
    let (summary, text, engine) = tokio::time::timeout(std::time::Duration::from_secs(5), session)
        .await
        .unwrap()
        .unwrap();
    assert!(summary.interrupted);
    assert!(
        text.contains("Stopped. Your 1 answer(s) are saved."),
        "{text}"
    );
    assert_eq!(
        engine
            .member_stats(TERMINAL_GUILD, TERMINAL_USER)
            .await
            .unwrap()
            .overall
            .answered,
        1
    );
    drop(writer);
}

#[tokio::test]
async fn choosing_the_exam_from_the_menu() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let input: &[u8] = b"7\n1\nq\n";
    let mut out = Vec::new();
    let options = PracticeOptions {
        exam: None,
        domain: None,
        ..options(2)
    };
    let summary = run(&engine, &options, input, &mut out, std::future::pending())
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("1) TST-C01 Test exam (23 questions)"),
        "{text}"
    );
    assert!(text.contains("Type a number from 1 to 1"), "{text}");
    assert_eq!(summary.exam.as_deref(), Some(EXAM));
    assert!(text.contains("No questions answered this time."), "{text}");
}
