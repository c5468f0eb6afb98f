use chrono::Duration;

use certsprint::bank::Response;
use certsprint::quiz::sprint::{Sprint, SprintResult, ANNOUNCE_LEASE, MAX_PLAYERS};
use certsprint::quiz::{Rejection, SprintRefusal};
use certsprint::store::{Backend, SprintAnswer, SprintState};

use crate::common::{rejection as rule, wrong_answer};
use crate::helpers::*;

const ALICE: u64 = 1;
const BOB: u64 = 2;

async fn play(
    t: &TestEngine,
    sprint: &Sprint,
    user: u64,
    right: usize,
    step: Duration,
) -> Option<SprintResult> {
    let mut result = None;
    for (index, item) in sprint.items.iter().enumerate() {
        t.advance(step);
        let response = if index < right {
            Response(item.key.0.clone())
        } else {
            wrong_answer(item)
        };
        result = t
            .engine
            .sprint_answer(GUILD, sprint.row.sprint_id, user, index, response)
            .await
            .unwrap()
            .result;
    }
    result
}

/// A five-question duel, Alice against Bob, accepted and running.
async fn running_duel(t: &TestEngine) -> Sprint {
    let duel = challenge(&t.engine, ALICE, "host", BOB, Some(EXAM), 5, None)
        .await
        .unwrap();
    t.engine
        .accept_duel(GUILD, duel.row.sprint_id, BOB, "player")
        .await
        .unwrap()
}

#[tokio::test]
async fn a_duel_gives_both_players_the_same_questions_and_ranks_score_then_time() {
    let t = TestEngine::new().await;
    let duel = challenge(&t.engine, ALICE, "host", BOB, Some(EXAM), 5, None)
        .await
        .unwrap();
    assert_eq!(duel.row.state, SprintState::Lobby);
    assert_eq!(
        rule(
            t.engine
                .accept_duel(GUILD, duel.row.sprint_id, 3, "player")
                .await
        ),
        Rejection::NotYours,
        "only the opponent accepts"
    );
    let running = t
        .engine
        .accept_duel(GUILD, duel.row.sprint_id, BOB, "player")
        .await
        .unwrap();
    assert_eq!(running.row.state, SprintState::Running);
    assert_eq!(
        running.row.ends_at.unwrap() - running.row.started_at.unwrap(),
        Duration::minutes(5),
        "a minute a question"
    );
    assert_eq!(running.players.len(), 2);

    // Same score; Bob is faster (the clock is shared: Bob plays first and finishes sooner).
    assert!(
        play(&t, &running, BOB, 4, Duration::seconds(5))
            .await
            .is_none(),
        "waits for Alice"
    );
    let result = play(&t, &running, ALICE, 4, Duration::seconds(20))
        .await
        .expect("both finished");
    let order: Vec<u64> = result.placings.iter().map(|p| p.user_id).collect();
    assert_eq!(order, [BOB, ALICE]);
    assert_eq!(result.placings[0].score, 4);
    assert!(result.placings[0].rating_after.rating > result.placings[0].rating_before.rating);
    assert!(result.placings[1].rating_after.rating < result.placings[1].rating_before.rating);
    let domains: u32 = result.placings[0]
        .per_domain
        .iter()
        .map(|(_, _, asked)| asked)
        .sum();
    assert_eq!(domains, 5);
    assert!(
        t.store().rating(GUILD, BOB, "all").await.unwrap().is_some(),
        "the overall rating moves too"
    );
}

#[tokio::test]
async fn the_same_seed_deals_the_same_questions_in_the_same_order() {
    let t = TestEngine::new().await;
    let duel = challenge(&t.engine, ALICE, "host", BOB, Some(EXAM), 8, None)
        .await
        .unwrap();
    let again = t
        .engine
        .load_sprint(GUILD, duel.row.sprint_id)
        .await
        .unwrap();
    assert_eq!(duel.row.question_ids, again.row.question_ids);
    assert_eq!(duel.items.len(), 8);
}

#[tokio::test]
async fn a_challenge_expires_after_ten_minutes_and_can_be_declined() {
    let t = TestEngine::new().await;
    let duel = challenge(&t.engine, ALICE, "host", BOB, None, 5, None)
        .await
        .unwrap();
    t.advance(Duration::minutes(10));
    assert!(matches!(
        rule(
            t.engine
                .accept_duel(GUILD, duel.row.sprint_id, BOB, "player")
                .await
        ),
        Rejection::Sprint(SprintRefusal::Expired)
    ));
    assert_eq!(
        t.engine
            .load_sprint(GUILD, duel.row.sprint_id)
            .await
            .unwrap()
            .row
            .state,
        SprintState::Expired
    );

    let second = challenge(&t.engine, ALICE, "host", BOB, None, 5, None)
        .await
        .unwrap();
    let declined = t
        .engine
        .decline_duel(GUILD, second.row.sprint_id, BOB)
        .await
        .unwrap();
    assert_eq!(declined.row.state, SprintState::Declined);
}

#[tokio::test]
async fn nobody_is_in_two_sprints_and_foreign_or_repeated_presses_are_refused() {
    let t = TestEngine::new().await;
    let duel = challenge(&t.engine, ALICE, "host", BOB, Some(EXAM), 5, None)
        .await
        .unwrap();
    assert!(matches!(
        rule(open_group(&t.engine, ALICE, "host", None, 5, None).await),
        Rejection::AlreadyInSprint { .. }
    ));
    let running = t
        .engine
        .accept_duel(GUILD, duel.row.sprint_id, BOB, "player")
        .await
        .unwrap();
    assert!(matches!(
        rule(challenge(&t.engine, 3, "host", BOB, None, 5, None).await),
        Rejection::Sprint(SprintRefusal::OpponentBusy)
    ));
    let first = &running.items[0];
    assert_eq!(
        rule(
            t.engine
                .sprint_answer(
                    GUILD,
                    duel.row.sprint_id,
                    3,
                    0,
                    Response(first.key.0.clone())
                )
                .await
        ),
        Rejection::NotYours
    );
    t.engine
        .sprint_answer(
            GUILD,
            duel.row.sprint_id,
            ALICE,
            0,
            Response(first.key.0.clone()),
        )
        .await
        .unwrap();
    let double = t
        .engine
        .sprint_answer(
            GUILD,
            duel.row.sprint_id,
            ALICE,
            0,
            Response(first.key.0.clone()),
        )
        .await;
    assert!(matches!(
        rule(double),
        Rejection::Sprint(SprintRefusal::AlreadyAnswered)
    ));
    assert!(matches!(
        rule(challenge(&t.engine, ALICE, "host", BOB, None, 30, None).await),
        Rejection::AlreadyInSprint { .. }
    ));
}

#[tokio::test]
async fn a_player_who_stops_forfeits_at_time_out_and_a_restart_keeps_the_race() {
    let mut t = TestEngine::new().await;
    let duel = challenge(&t.engine, ALICE, "host", BOB, Some(EXAM), 5, Some(2))
        .await
        .unwrap();
    let running = t
        .engine
        .accept_duel(GUILD, duel.row.sprint_id, BOB, "player")
        .await
        .unwrap();
    // Alice answers two, then leaves; Bob finishes.
    for index in 0..2 {
        t.engine
            .sprint_answer(
                GUILD,
                duel.row.sprint_id,
                ALICE,
                index,
                Response(running.items[index].key.0.clone()),
            )
            .await
            .unwrap();
    }
    t.restart().await;
    assert!(
        play(&t, &running, BOB, 1, Duration::seconds(1))
            .await
            .is_none(),
        "Alice has not finished"
    );
    assert!(
        t.engine.settle_due_sprints().await.unwrap().is_empty(),
        "not due yet"
    );
    t.advance(Duration::minutes(2));
    let settled = t.engine.settle_due_sprints().await.unwrap();
    let results: Vec<_> = settled
        .into_iter()
        .filter_map(|s| match s {
            certsprint::quiz::sprint::Settled::Finished(result) => Some(result),
            _ => None,
        })
        .collect();
    assert_eq!(results.len(), 1);
    let alice = results[0]
        .placings
        .iter()
        .find(|p| p.user_id == ALICE)
        .unwrap();
    assert!(!alice.finished);
    assert_eq!(alice.time_ms, 120_000, "a forfeit counts the whole limit");
    assert_eq!(alice.score, 2);
    assert_eq!(
        results[0].placings[0].user_id, ALICE,
        "2 right beats 1 right, finished or not"
    );
}

#[tokio::test]
async fn a_group_sprint_of_four_ranks_everyone_and_rates_the_finish_order() {
    let t = TestEngine::new().await;
    let lobby = open_group(&t.engine, ALICE, "host", Some(EXAM), 5, None)
        .await
        .unwrap();
    let id = lobby.row.sprint_id;
    assert!(matches!(
        rule(t.engine.start_group(GUILD, id, ALICE).await),
        Rejection::Sprint(SprintRefusal::TooFewPlayers { min: 2 })
    ));
    for user in [BOB, 3, 4] {
        t.engine
            .join_group(GUILD, id, user, "player")
            .await
            .unwrap();
    }
    assert!(matches!(
        rule(t.engine.join_group(GUILD, id, BOB, "player").await),
        Rejection::Sprint(SprintRefusal::AlreadyInLobby)
    ));
    t.engine.join_group(GUILD, id, 5, "player").await.unwrap();
    t.engine.leave_group(GUILD, id, 5).await.unwrap();
    assert!(matches!(
        rule(t.engine.start_group(GUILD, id, BOB).await),
        Rejection::Sprint(SprintRefusal::OnlyHostStarts)
    ));
    let running = t.engine.start_group(GUILD, id, ALICE).await.unwrap();
    assert_eq!(running.players.len(), 4);
    let mut result = None;
    for (user, right) in [(ALICE, 5), (BOB, 3), (3, 4), (4, 1)] {
        result = play(&t, &running, user, right, Duration::seconds(3)).await;
    }
    let result = result.expect("all four finished");
    let order: Vec<u64> = result.placings.iter().map(|p| p.user_id).collect();
    assert_eq!(order, [ALICE, 3, BOB, 4]);
    let ratings: Vec<f64> = result
        .placings
        .iter()
        .map(|p| p.rating_after.rating)
        .collect();
    assert!(ratings.windows(2).all(|w| w[0] > w[1]), "{ratings:?}");
}

#[tokio::test]
async fn a_lobby_whose_countdown_ends_starts_itself_with_two_players_or_expires() {
    let t = TestEngine::new().await;
    let full = open_group(&t.engine, ALICE, "host", None, 5, None)
        .await
        .unwrap();
    t.engine
        .join_group(GUILD, full.row.sprint_id, BOB, "player")
        .await
        .unwrap();
    let lonely = open_group(&t.engine, 3, "host", None, 5, None)
        .await
        .unwrap();
    t.advance(Duration::minutes(10));
    t.engine.settle_due_sprints().await.unwrap();
    assert_eq!(
        t.engine
            .load_sprint(GUILD, full.row.sprint_id)
            .await
            .unwrap()
            .row
            .state,
        SprintState::Running
    );
    assert_eq!(
        t.engine
            .load_sprint(GUILD, lonely.row.sprint_id)
            .await
            .unwrap()
            .row
            .state,
        SprintState::Expired
    );
}

#[tokio::test]
async fn equal_score_and_time_is_a_tie_and_ratings_stay_level() {
    let t = TestEngine::new().await;
    let duel = challenge(&t.engine, ALICE, "host", BOB, Some(EXAM), 5, None)
        .await
        .unwrap();
    let running = t
        .engine
        .accept_duel(GUILD, duel.row.sprint_id, BOB, "player")
        .await
        .unwrap();
    // Both answer every question at the same moments: same score, same time.
    let mut result = None;
    for (index, item) in running.items.iter().enumerate() {
        t.advance(Duration::seconds(4));
        for user in [ALICE, BOB] {
            let response = if index < 3 {
                Response(item.key.0.clone())
            } else {
                wrong_answer(item)
            };
            result = t
                .engine
                .sprint_answer(GUILD, duel.row.sprint_id, user, index, response)
                .await
                .unwrap()
                .result
                .or(result);
        }
    }
    let result = result.expect("finished");
    assert_eq!(
        result.placings.iter().map(|p| p.rank).collect::<Vec<_>>(),
        [1, 1],
        "a tie shares first place"
    );
    let (a, b) = (&result.placings[0], &result.placings[1]);
    assert!((a.rating_after.rating - b.rating_after.rating).abs() < 1e-9);
}

/// Runs SQL on the test database through a separate connection.
async fn exec(t: &TestEngine, sql: &str) {
    use sqlx::Connection;
    match crate::BACKEND {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&t.url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&t.url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }
    }
}

#[tokio::test]
async fn a_failed_settle_leaves_the_race_running_without_ratings_and_a_retry_finishes_it() {
    let t = TestEngine::new().await;
    let running = running_duel(&t).await;
    let id = running.row.sprint_id;
    // The database refuses Bob's rating, half way through writing the result.
    let refuse_bob = match crate::BACKEND {
        Backend::Sqlite => format!(
            "CREATE TRIGGER refuse_bob BEFORE INSERT ON ratings WHEN NEW.user_id = {BOB}
             BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
        ),
        Backend::Postgres => format!(
            "CREATE FUNCTION refuse_bob() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN IF NEW.user_id = {BOB} THEN RAISE EXCEPTION 'disk trouble'; END IF; RETURN NEW; END $$;
             CREATE TRIGGER refuse_bob BEFORE INSERT ON ratings FOR EACH ROW EXECUTE FUNCTION refuse_bob()"
        ),
    };
    exec(&t, &refuse_bob).await;
    play(&t, &running, ALICE, 5, Duration::seconds(2)).await;
    for (index, item) in running.items.iter().enumerate() {
        let answered = t
            .engine
            .sprint_answer(GUILD, id, BOB, index, Response(item.key.0.clone()))
            .await;
        assert_eq!(
            answered.is_err(),
            index == 4,
            "only the settling answer fails"
        );
    }
    let sprint = t.engine.load_sprint(GUILD, id).await.unwrap();
    assert_eq!(sprint.row.state, SprintState::Running, "nothing settled");
    assert!(
        sprint.players.iter().all(|p| p.outcome.is_none()),
        "no places without a finish"
    );
    for user in [ALICE, BOB] {
        for key in [EXAM, "all"] {
            assert_eq!(
                t.store().rating(GUILD, user, key).await.unwrap(),
                None,
                "no rating without a finish"
            );
        }
    }

    exec(
        &t,
        match crate::BACKEND {
            Backend::Sqlite => "DROP TRIGGER refuse_bob",
            Backend::Postgres => "DROP TRIGGER refuse_bob ON ratings",
        },
    )
    .await;
    let result = t
        .engine
        .settle(GUILD, id)
        .await
        .unwrap()
        .expect("the retry finishes it");
    assert_eq!(result.sprint.row.state, SprintState::Finished);
    assert_eq!(result.placings[0].user_id, ALICE, "5 right beats 4 right");
    let stored = t.engine.load_sprint(GUILD, id).await.unwrap();
    for placing in &result.placings {
        let outcome = stored
            .player(placing.user_id)
            .unwrap()
            .outcome
            .expect("a place");
        assert_eq!(outcome.place, placing.rank);
        assert_eq!(outcome.rating_after, placing.rating_after);
    }
    for placing in &result.placings {
        assert_eq!(
            t.store()
                .rating(GUILD, placing.user_id, EXAM)
                .await
                .unwrap(),
            Some(placing.rating_after)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_joins_never_overfill_a_lobby() {
    let t = TestEngine::new().await;
    let lobby = open_group(&t.engine, ALICE, "host", Some(EXAM), 5, None)
        .await
        .unwrap();
    let id = lobby.row.sprint_id;
    for user in 100..123 {
        t.engine
            .join_group(GUILD, id, user, "player")
            .await
            .unwrap();
    }
    assert_eq!(
        t.engine.load_sprint(GUILD, id).await.unwrap().players.len(),
        24
    );
    let joins: Vec<_> = (200..210)
        .map(|user| {
            let engine = t.engine.clone();
            tokio::spawn(async move { engine.join_group(GUILD, id, user, "player").await })
        })
        .collect();
    let mut joined = 0;
    for join in joins {
        match join.await.unwrap() {
            Ok(_) => joined += 1,
            Err(error) => assert!(matches!(
                rule(Err::<(), _>(error)),
                Rejection::Sprint(SprintRefusal::LobbyFull { .. })
            ),),
        }
    }
    assert_eq!(joined, 1, "one seat was left");
    assert_eq!(
        t.engine.load_sprint(GUILD, id).await.unwrap().players.len(),
        MAX_PLAYERS
    );
}

#[tokio::test]
async fn an_answer_that_loses_the_race_with_the_finish_changes_nothing() {
    let t = TestEngine::new().await;
    let duel = challenge(&t.engine, ALICE, "host", BOB, Some(EXAM), 5, Some(2))
        .await
        .unwrap();
    let id = duel.row.sprint_id;
    t.engine
        .accept_duel(GUILD, id, BOB, "player")
        .await
        .unwrap();
    t.advance(Duration::minutes(2));
    t.engine.settle_due_sprints().await.unwrap();
    let finished = t.engine.load_sprint(GUILD, id).await.unwrap();
    assert_eq!(finished.row.state, SprintState::Finished);
    // Alice's press passed its checks before the finish and writes after it.
    let mut tx = t.store().begin().await.unwrap();
    let written = tx
        .record_sprint_answer(&SprintAnswer {
            sprint_id: id,
            user: ALICE,
            index: 0,
            letters: "A",
            correct: true,
            elapsed_ms: 1_000,
            finished_at: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(!written, "a settled result does not change");
    let after = t.engine.load_sprint(GUILD, id).await.unwrap();
    assert_eq!(after.player(ALICE).unwrap().score, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_member_starting_two_sprints_at_once_gets_one() {
    let t = TestEngine::new().await;
    for round in 0..10u64 {
        let host = 1_000 + round;
        let lobby = {
            let engine = t.engine.clone();
            tokio::spawn(
                async move { open_group(&engine, host, "host", Some(EXAM), 5, None).await },
            )
        };
        let duel = {
            let engine = t.engine.clone();
            tokio::spawn(async move {
                challenge(&engine, host, "host", 5_000 + round, Some(EXAM), 5, None).await
            })
        };
        let started = [lobby.await.unwrap(), duel.await.unwrap()];
        let refused: Vec<_> = started.into_iter().filter_map(Result::err).collect();
        assert_eq!(
            refused.len(),
            1,
            "round {round}: exactly one of the two starts"
        );
        assert!(matches!(
            rule(Err::<(), _>(refused.into_iter().next().unwrap())),
            Rejection::AlreadyInSprint { .. }
        ));
    }
}

#[tokio::test]
async fn a_finished_result_waits_for_its_announcement_across_a_restart() {
    let mut t = TestEngine::new().await;
    let running = running_duel(&t).await;
    let id = running.row.sprint_id;
    play(&t, &running, BOB, 2, Duration::seconds(3)).await;
    let settled = play(&t, &running, ALICE, 4, Duration::seconds(3))
        .await
        .expect("finished");
    assert!(
        t.engine
            .next_result_to_announce(&[])
            .await
            .unwrap()
            .is_none(),
        "the announcement that follows the finish gets its minute"
    );

    // The bot stops before the result is posted.
    t.restart().await;
    t.advance(Duration::minutes(1));
    let pending = t
        .engine
        .next_result_to_announce(&[])
        .await
        .unwrap()
        .expect("the lost announcement is due again");
    assert_eq!(pending.sprint.row.sprint_id, id);
    assert_eq!(
        pending.placings, settled.placings,
        "the same result, ratings and all"
    );
    assert_eq!(
        t.engine
            .settle(GUILD, id)
            .await
            .unwrap()
            .map(|r| r.placings),
        None,
        "settling again changes nothing"
    );

    t.engine.mark_announced(id).await.unwrap();
    assert!(t
        .engine
        .next_result_to_announce(&[])
        .await
        .unwrap()
        .is_none());
    t.restart().await;
    assert!(
        t.engine
            .next_result_to_announce(&[])
            .await
            .unwrap()
            .is_none(),
        "posted once"
    );
    assert!(t
        .engine
        .load_sprint(GUILD, id)
        .await
        .unwrap()
        .row
        .announced_at
        .is_some());
}

#[tokio::test]
async fn a_lost_result_is_taken_over_by_one_process_and_held_while_it_posts() {
    let t = TestEngine::new().await;
    let running = running_duel(&t).await;
    let id = running.row.sprint_id;
    play(&t, &running, BOB, 2, Duration::seconds(3)).await;
    play(&t, &running, ALICE, 4, Duration::seconds(3))
        .await
        .expect("finished");
    // The finishing process stopped before posting; two processes overlap after it.
    t.advance(ANNOUNCE_LEASE);
    let (a, b) = (
        process_for_shards(&t, None, 1).await,
        process_for_shards(&t, None, 2).await,
    );
    let (due_a, due_b) = tokio::join!(
        a.next_result_to_announce(&[]),
        b.next_result_to_announce(&[])
    );
    let taken: Vec<i64> = due_a
        .unwrap()
        .into_iter()
        .chain(due_b.unwrap())
        .map(|result| result.sprint.row.sprint_id)
        .collect();
    assert_eq!(taken, [id], "one process takes the result");
    assert!(
        a.next_result_to_announce(&[]).await.unwrap().is_none(),
        "its holder has a minute to post it"
    );
    // That holder failed to post it too: once its lease ends, it is owed again.
    t.advance(ANNOUNCE_LEASE);
    assert!(b.next_result_to_announce(&[]).await.unwrap().is_some());
}

#[tokio::test]
async fn sprint_players_get_a_member_row_so_the_rating_board_names_them() {
    let t = TestEngine::new().await;
    let duel = challenge(&t.engine, ALICE, "Alice", BOB, Some(EXAM), 5, None)
        .await
        .unwrap();
    let running = t
        .engine
        .accept_duel(GUILD, duel.row.sprint_id, BOB, "Bob")
        .await
        .unwrap();
    play(&t, &running, ALICE, 3, Duration::seconds(2)).await;
    play(&t, &running, BOB, 2, Duration::seconds(2))
        .await
        .expect("finished");
    let board = t.store().rating_board(GUILD, EXAM, 10).await.unwrap();
    let names: Vec<(u64, &str)> = board.iter().map(|(u, n, _)| (*u, n.as_str())).collect();
    assert_eq!(names, [(ALICE, "Alice"), (BOB, "Bob")]);

    // Joining a lobby names the member too, and refreshes a changed name.
    let lobby = open_group(&t.engine, 3, "Carol", None, 5, None)
        .await
        .unwrap();
    t.engine
        .join_group(GUILD, lobby.row.sprint_id, ALICE, "Alice B.")
        .await
        .unwrap();
    for (user, name) in [(3, "Carol"), (ALICE, "Alice B.")] {
        assert_eq!(
            t.store()
                .member(GUILD, user)
                .await
                .unwrap()
                .unwrap()
                .display_name,
            name
        );
    }
}
