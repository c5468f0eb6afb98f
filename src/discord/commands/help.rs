//! /help: what the bot does and the rules it keeps.

use super::{Context, Error};
use crate::discord::reply::private;

const HELP: &str = "
**Play**
`/quiz [exam] [domain]` a private practice question
`/review [exam]` your due review cards (missed questions, scheduled by FSRS); `/review remind:on [hour]` a daily DM when due
`/leaderboard [exam] [period]` this week, this month or all time
`/stats show [user] [exam]` accuracy by exam, domain and task; streaks; readiness; review queue
`/stats export` your own answers in this server as a CSV file
`/bank report id reason` flag a question that looks wrong
`/forget-me` delete your data in this server

**Admins** (Manage Server)
`/daily setup channel exam time timezone [days] [window]` a question on a schedule
`/daily now|reveal|list|pause|resume|remove` post, reveal early and manage the schedules
`/bank info` items per exam and domain
`/bank stats [exam]` how each question performs, and the ones whose key needs checking
`/bank reports` members' question reports, each with a resolve button
`/data export` every member's points, accuracy and streaks as a CSV file

**Rules**
Your first answer counts. A right answer scores 10 points plus up to 5 for speed.
Your **streak** counts scheduled questions answered right in a row. A wrong answer ends it, \
and so does a day on which the server had a scheduled question you did not answer; a day with \
no scheduled question never breaks it. Days are the server's days, in its time zone.
Readiness is your blueprint-weighted accuracy with a 90% band; it is an estimate, not AWS's \
scaled score (AWS does not publish how it scales).
Questions are original, written from the official exam guides and checked against AWS documentation.";

/// How certsprint works.
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    // The exams come from the loaded banks (overlay packs included).
    let exams: Vec<&str> = ctx
        .data()
        .engine
        .bank
        .playable_exams()
        .map(|exam| exam.code.as_str())
        .collect();
    let intro = format!(
        "**certsprint** - daily practice for AWS AI certifications ({}).\n",
        exams.join(", ")
    );
    ctx.send(private().content(format!("{intro}{HELP}")))
        .await?;
    Ok(())
}
