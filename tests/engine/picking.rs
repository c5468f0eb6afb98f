use std::collections::{HashMap, HashSet};

use certsprint::quiz::picking::next_for_member;
use rand::SeedableRng;

use crate::helpers::*;

#[tokio::test]
async fn a_channel_sees_every_item_once_before_any_repeats() {
    let t = TestEngine::new().await;
    let bank_size = t.engine.bank.exam(EXAM).unwrap().items.len();
    let mut seen = HashSet::new();
    let mut cycles = HashSet::new();
    for _ in 0..bank_size {
        let post = t.post(GUILD, false).await;
        assert!(
            seen.insert(post.question_id.clone()),
            "{} repeated within a pass",
            post.question_id
        );
        cycles.insert(post.cycle);
    }
    assert_eq!(cycles.len(), 1);
    let next = t.post(GUILD, false).await;
    assert_eq!(
        next.cycle, 1,
        "the next pass starts once the bank is exhausted"
    );
    // Another channel has its own pass.
    let elsewhere = t
        .post_in(GUILD, CHANNEL + 1, false, chrono::Duration::hours(1))
        .await;
    assert_eq!(elsewhere.cycle, 0);
}

#[tokio::test]
async fn channel_domains_track_the_blueprint_weights() {
    let t = TestEngine::new().await;
    // Weights 50/30/20: any 10 posts from the start of a pass hold 5/3/2 give or take one.
    let mut per_domain: HashMap<u8, i32> = HashMap::new();
    for _ in 0..10 {
        *per_domain
            .entry(t.post(GUILD, false).await.domain)
            .or_default() += 1;
    }
    for (domain, expected) in [(1u8, 5), (2, 3), (3, 2)] {
        let got = per_domain.get(&domain).copied().unwrap_or(0);
        assert!(
            (got - expected).abs() <= 1,
            "domain {domain}: {got} posts, expected about {expected}"
        );
    }
}

#[test]
fn personal_picks_avoid_recent_answers_while_others_remain() {
    let bank = fixture_bank();
    let exam = bank.exam(EXAM).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let mut recent: Vec<String> = Vec::new();
    // Domain 3 has four items: four picks are all different.
    for _ in 0..4 {
        let pick = next_for_member(exam, Some(3), &recent, &mut rng).unwrap();
        assert!(!recent.contains(&pick.id));
        recent.insert(0, pick.id.clone());
    }
    // Then the oldest ones come back first.
    let fifth = next_for_member(exam, Some(3), &recent, &mut rng).unwrap();
    assert!(
        recent[2..].contains(&fifth.id),
        "{} should be one of the older answers",
        fifth.id
    );
}

#[tokio::test]
async fn an_unknown_domain_is_refused() {
    let t = TestEngine::new().await;
    let result = t.engine.start_personal(GUILD, 1, &t.exam(), Some(9)).await;
    assert!(matches!(
        result,
        Err(certsprint::quiz::QuizError::Rejected(
            certsprint::quiz::Rejection::UnknownDomain { domain: 9, .. }
        ))
    ));
}

#[tokio::test]
async fn a_personal_question_keeps_the_members_domain_filter_for_the_next_deal() {
    let t = TestEngine::new().await;
    let filtered = t
        .engine
        .start_personal(GUILD, 1, &t.exam(), Some(3))
        .await
        .unwrap();
    assert_eq!(filtered.question.domain, 3);
    let stored = t
        .store()
        .post(GUILD, filtered.post.post_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.practice_domain, Some(3), "read back from the file");
    let open = t
        .engine
        .start_personal(GUILD, 1, &t.exam(), None)
        .await
        .unwrap();
    let stored = t
        .store()
        .post(GUILD, open.post.post_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.practice_domain, None);
}

#[tokio::test]
async fn a_missed_occurrence_does_not_reset_an_all_exams_rotation() {
    let t = TestEngine::new().await;
    t.post(GUILD, true).await;
    let schedule = ensure_schedule(&t.engine, GUILD, CHANNEL).await;
    t.advance(chrono::Duration::days(1));
    let now = t.engine.now();
    // An outage: the next occurrence of an "all exams" schedule is recorded as missed.
    let recorded = t
        .store()
        .record_missed(GUILD, CHANNEL, schedule, "all", now, now)
        .await
        .unwrap();
    assert!(recorded);
    let last = t.store().last_channel_exam(GUILD, CHANNEL).await.unwrap();
    assert_eq!(
        last.as_deref(),
        Some(EXAM),
        "the rotation goes on from the last posted exam"
    );
}
