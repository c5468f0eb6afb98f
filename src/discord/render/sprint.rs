//! Sprint messages: the duel challenge, the group lobby, live standings, the private question,
//! and the result.

use serenity::all::{
    ButtonStyle, Colour, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter,
};

use super::controls::{answer_row, so_far_text, Control};
use super::question::question_text;
use crate::bank::letter;
use crate::discord::ids::{Action, LobbyStep};
use crate::discord::text::{timestamp, truncate};
use crate::quiz::ratings::display;
use crate::quiz::sprint::{Sprint, SprintResult};
use crate::store::SprintState;

fn scope(sprint: &Sprint) -> String {
    let exam = if sprint.row.exam == "all" {
        "all exams".to_string()
    } else {
        sprint.row.exam.to_uppercase()
    };
    format!(
        "{} {exam} questions, {} min",
        sprint.items.len(),
        sprint.row.seconds_limit / 60
    )
}

fn mention(user: u64) -> String {
    format!("<@{user}>")
}

/// The channel message of a sprint in any state.
pub fn sprint_embed(sprint: &Sprint) -> CreateEmbed {
    let players: Vec<String> = sprint
        .players
        .iter()
        .map(|p| {
            let progress = match sprint.row.state {
                SprintState::Running if p.finished_at.is_some() => {
                    format!(" · done, {} right", p.score)
                }
                SprintState::Running => format!(" · {}/{}", p.position, sprint.items.len()),
                _ => String::new(),
            };
            format!("{}{progress}", mention(p.user_id))
        })
        .collect();
    let (title, status) = match (sprint.row.state, sprint.row.duel) {
        (SprintState::Lobby, true) => (
            "Duel challenge",
            format!(
                "{} challenges {}. Expires {}.",
                mention(sprint.row.host_id),
                sprint.row.opponent_id.map(mention).unwrap_or_default(),
                sprint
                    .row
                    .ends_at
                    .map(|t| timestamp(t, 'R'))
                    .unwrap_or_default()
            ),
        ),
        (SprintState::Lobby, false) => (
            "Group sprint lobby",
            format!(
                "2-25 players. Starts {} with 2 or more, or when the host presses Start.",
                sprint
                    .row
                    .ends_at
                    .map(|t| timestamp(t, 'R'))
                    .unwrap_or_default()
            ),
        ),
        (SprintState::Running, _) => (
            "Sprint running",
            format!(
                "Players: press **Play** for your questions. Ends {}.",
                sprint
                    .row
                    .ends_at
                    .map(|t| timestamp(t, 'R'))
                    .unwrap_or_default()
            ),
        ),
        (SprintState::Finished, _) => ("Sprint finished", "The results are below.".to_string()),
        (SprintState::Declined, _) => ("Duel declined", "Maybe next time.".to_string()),
        (SprintState::Expired, _) => ("Sprint expired", "Nobody started it in time.".to_string()),
    };
    CreateEmbed::new()
        .title(format!("{title} · {}", scope(sprint)))
        .description(status)
        .field(
            format!("Players ({})", sprint.players.len()),
            truncate(&players.join("\n"), 1024),
            false,
        )
        .colour(Colour(0xA855F7))
        .footer(CreateEmbedFooter::new(
            "Same questions, same order for everyone; ranked by score, then time.",
        ))
}

pub fn sprint_components(sprint: &Sprint) -> Vec<CreateActionRow> {
    let id = sprint.row.sprint_id;
    match (sprint.row.state, sprint.row.duel) {
        (SprintState::Lobby, true) => vec![CreateActionRow::Buttons(vec![
            CreateButton::new(
                Action::DuelReply {
                    sprint: id,
                    accept: true,
                }
                .encode(),
            )
            .label("Accept")
            .style(ButtonStyle::Success),
            CreateButton::new(
                Action::DuelReply {
                    sprint: id,
                    accept: false,
                }
                .encode(),
            )
            .label("Decline")
            .style(ButtonStyle::Danger),
        ])],
        (SprintState::Lobby, false) => vec![CreateActionRow::Buttons(vec![
            CreateButton::new(
                Action::Lobby {
                    sprint: id,
                    step: LobbyStep::Join,
                }
                .encode(),
            )
            .label("Join")
            .style(ButtonStyle::Success),
            CreateButton::new(
                Action::Lobby {
                    sprint: id,
                    step: LobbyStep::Leave,
                }
                .encode(),
            )
            .label("Leave")
            .style(ButtonStyle::Secondary),
            CreateButton::new(
                Action::Lobby {
                    sprint: id,
                    step: LobbyStep::Start,
                }
                .encode(),
            )
            .label("Start")
            .style(ButtonStyle::Primary),
        ])],
        (SprintState::Running, _) => vec![CreateActionRow::Buttons(vec![CreateButton::new(
            Action::SprintPlay { sprint: id }.encode(),
        )
        .label("Play")
        .style(ButtonStyle::Primary)])],
        _ => Vec::new(),
    }
}

/// The private question a player answers next, or None when they are done.
pub fn private_question(
    sprint: &Sprint,
    user: u64,
    so_far: &[u8],
    last: Option<bool>,
) -> (String, Option<CreateEmbed>, Vec<CreateActionRow>) {
    let Some(player) = sprint.player(user) else {
        return ("You are not in this sprint.".into(), None, Vec::new());
    };
    let verdict = match last {
        Some(true) => "✅ Right. ",
        Some(false) => "❌ Wrong. ",
        None => "",
    };
    let index = player.position;
    if player.finished_at.is_some() || index >= sprint.items.len() {
        return (format!("{verdict}Done: **{} of {}** right. The result appears in the channel when everyone finishes or time runs out.", player.score, sprint.items.len()), None, Vec::new());
    }
    let question = &sprint.items[index];
    let id = sprint.row.sprint_id;
    let row = answer_row(question, so_far, None, |control| match control {
        Control::Letter(i) => Action::SprintAnswer {
            sprint: id,
            index,
            letters: letter(i).to_string(),
        }
        .encode(),
        Control::Select => Action::SprintSelect { sprint: id, index }.encode(),
        Control::Pick(so_far) => Action::SprintPick {
            sprint: id,
            index,
            so_far: so_far.to_string(),
        }
        .encode(),
    });
    let embed = CreateEmbed::new()
        .title(format!(
            "Sprint · question {} of {}",
            index + 1,
            sprint.items.len()
        ))
        .description(question_text(question))
        .colour(Colour(0xA855F7))
        .footer(CreateEmbedFooter::new(format!(
            "#{} · ends {}",
            question.id,
            sprint
                .row
                .ends_at
                .map(|t| t.format("%H:%M UTC").to_string())
                .unwrap_or_default()
        )));
    (
        format!("{verdict}Score {}. {}", player.score, so_far_text(so_far)),
        Some(embed),
        vec![row],
    )
}

/// The result posted in the channel.
pub fn result_embed(result: &SprintResult) -> CreateEmbed {
    let mut lines = Vec::new();
    for placing in &result.placings {
        let medal = match placing.rank {
            1 => "🥇".to_string(),
            2 => "🥈".to_string(),
            3 => "🥉".to_string(),
            n => format!("{n}."),
        };
        let time = if placing.finished {
            format!("{:.1} s", placing.time_ms as f64 / 1000.0)
        } else {
            "did not finish".into()
        };
        let (before, _) = display(&placing.rating_before);
        let (after, _) = display(&placing.rating_after);
        let domains: Vec<String> = placing
            .per_domain
            .iter()
            .map(|(d, right, asked)| format!("D{d} {right}/{asked}"))
            .collect();
        lines.push(format!(
            "{medal} {} · **{}** right · {time} · rating {before} → {after} ({:+})\n    {}",
            mention(placing.user_id),
            placing.score,
            after - before,
            domains.join(" · ")
        ));
    }
    let winner = result
        .placings
        .first()
        .map(|p| format!("{} wins!", mention(p.user_id)))
        .unwrap_or_default();
    CreateEmbed::new()
        .title(format!("Sprint result · {}", scope(&result.sprint)))
        .description(truncate(&format!("{winner}\n\n{}", lines.join("\n")), 4096))
        .colour(Colour(0xF59E0B))
        .footer(CreateEmbedFooter::new("Ranked by score, then total time. Ratings: Weng-Lin, shown ×40 (newcomers start at 1000)."))
}
