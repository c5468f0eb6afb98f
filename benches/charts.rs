//! Chart benchmark: renders the /stats chart of a member with answers in every domain of a
//! shipped exam and in each of the last 12 weeks, N times, and prints the median and p99 render
//! time and the PNG's size. Not a test: nothing here fails on speed.
//!
//! `cargo bench --bench charts` (`-- --quick` for 50 renders; `-- --out chart.png` also writes
//! the picture for a look).

use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDate};

use certsprint::bank;
use certsprint::insights::{chart_plan, render_png, ChartPlan};
use certsprint::quiz::{DomainStats, ExamStats, Readiness, TaskStats, WeekTally, WEEKS_SHOWN};
use certsprint::store::AnswerTally;

const EXAM: &str = "aif-c01";

fn tally(answered: u32, correct: u32) -> AnswerTally {
    AnswerTally {
        answered,
        correct,
        points: correct * 10,
    }
}

/// A member several weeks into studying: 40-80 answers per domain, 50-85% right, every task
/// touched, and 15-40 answers in each of the last 12 weeks.
fn realistic_member() -> ExamStats {
    let loaded = bank::load_layered(None).expect("the shipped banks load");
    let exam = loaded.bank.exam(EXAM).expect("the exam is shipped").clone();
    let domains: Vec<DomainStats> = exam
        .domains
        .iter()
        .enumerate()
        .map(|(n, domain)| {
            let n = n as u32;
            let answered = 40 + 10 * n;
            let correct = answered * (50 + 8 * n) / 100;
            let tasks = domain
                .tasks
                .iter()
                .map(|task| TaskStats {
                    id: task.id.clone(),
                    name: task.name.clone(),
                    tally: tally(answered / domain.tasks.len() as u32, correct / 2),
                })
                .collect();
            DomainStats {
                number: domain.number,
                name: domain.name.clone(),
                weight: domain.weight,
                tally: tally(answered, correct),
                tasks,
            }
        })
        .collect();
    let total = domains.iter().fold(AnswerTally::default(), |sum, d| {
        tally(
            sum.answered + d.tally.answered,
            sum.correct + d.tally.correct,
        )
    });
    let first_monday = NaiveDate::from_ymd_opt(2026, 9, 14).unwrap();
    let weeks = (0..WEEKS_SHOWN as u32)
        .map(|n| WeekTally {
            monday: first_monday + Duration::weeks(i64::from(n)),
            tally: tally(15 + 2 * n, (15 + 2 * n) * (45 + 3 * n) / 100),
        })
        .collect();
    ExamStats {
        exam: exam.id.clone(),
        code: exam.code.clone(),
        tally: total,
        passing_score: exam.passing_score,
        domains,
        readiness: Readiness::NotEnough {
            answered: total.answered,
            wanted: 20,
        },
        suggestion: None,
        weeks,
    }
}

fn percentile(samples: &mut [StdDuration], p: f64) -> StdDuration {
    samples.sort_unstable();
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[at]
}

fn ms(d: StdDuration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs = if args.iter().any(|a| a == "--quick") {
        50
    } else {
        300
    };
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|at| args.get(at + 1));

    let member = realistic_member();
    let ChartPlan::Draw(input) = chart_plan(&member, "Ana Lopez") else {
        panic!("the realistic member has enough answers for a chart");
    };
    // The first render registers the font; it is measured apart.
    let started = Instant::now();
    let png = render_png(&input).expect("the chart renders");
    let first = started.elapsed();
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let again = render_png(&input).expect("the chart renders");
        samples.push(started.elapsed());
        assert_eq!(again.len(), png.len(), "rendering is deterministic");
    }
    if let Some(path) = out {
        std::fs::write(path, &png).expect("the picture is written");
    }
    let median = percentile(&mut samples, 0.5);
    let p99 = percentile(&mut samples, 0.99);
    println!(
        "{:<58} {:>18}  target",
        format!(
            "/stats chart, {} domains, {} weeks ({runs} renders)",
            input.domains.len(),
            input.weeks.len()
        ),
        "figure"
    );
    println!(
        "{:<58} {:>18}  < 50 ms",
        "render + encode, median",
        ms(median)
    );
    println!("{:<58} {:>18}  < 50 ms", "render + encode, p99", ms(p99));
    println!(
        "{:<58} {:>18}",
        "first render (registers the font)",
        ms(first)
    );
    println!(
        "{:<58} {:>18}  < 200 KB",
        "PNG size",
        format!("{:.1} KB", png.len() as f64 / 1024.0)
    );
}
