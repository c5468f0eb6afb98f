//! The leaderboard embed and its paging buttons.

use serenity::all::{
    ButtonStyle, Colour, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter,
};

use crate::bank::{Bank, ExamId, Scope};
use crate::discord::ids::Action;
use crate::discord::text::{escape, percent, truncate};
use crate::quiz::PAGE_SIZE;
use crate::store::{BoardRow, Period, Standing};

pub struct BoardView<'a> {
    pub exam_code: Option<&'a str>,
    pub exam_id: Option<&'a str>,
    pub period: Period,
    pub viewer: u64,
    pub standing: &'a Standing,
}

impl<'a> BoardView<'a> {
    /// The board of `scope` as `viewer` sees it (their own row included).
    pub fn new(
        bank: &'a Bank,
        scope: &'a Scope,
        period: Period,
        viewer: u64,
        standing: &'a Standing,
    ) -> BoardView<'a> {
        BoardView {
            exam_code: scope
                .exam()
                .and_then(|id| bank.exam_of(id))
                .map(|exam| exam.code.as_str()),
            exam_id: scope.exam().map(ExamId::as_str),
            period,
            viewer,
            standing,
        }
    }
}

fn row_line(row: &BoardRow) -> String {
    let medal = match row.rank {
        1 => "🥇".to_string(),
        2 => "🥈".to_string(),
        3 => "🥉".to_string(),
        n => format!("`{n:>2}`"),
    };
    let streak = if row.current_streak > 0 {
        format!(" · 🔥{}", row.current_streak)
    } else {
        String::new()
    };
    format!(
        "{medal} **{}** · {} pts · {} right of {} ({}){streak}",
        escape(&truncate(
            if row.display_name.is_empty() {
                "someone"
            } else {
                &row.display_name
            },
            32
        )),
        row.points,
        row.correct,
        row.answered,
        percent(row.correct, row.answered)
    )
}

pub fn board_embed(view: &BoardView<'_>) -> CreateEmbed {
    let scope = view.exam_code.unwrap_or("All exams");
    let mut description: Vec<String> = view.standing.top.iter().map(row_line).collect();
    if description.is_empty() {
        description.push(
            "No answers yet for this period. Answer a daily question to get on the board!".into(),
        );
    }
    let mut embed = CreateEmbed::new()
        .title(format!("Leaderboard · {scope} · {}", view.period.label()))
        .description(description.join("\n"))
        .colour(Colour(0xF59E0B));
    embed = match &view.standing.caller {
        Some(me) => embed.field("You", row_line(me), false),
        None => embed.field("You", "Not ranked yet in this period.", false),
    };
    let pages = pages(view.standing);
    embed.footer(CreateEmbedFooter::new(format!(
        "Page {} of {pages} · {} ranked",
        view.standing.page + 1,
        view.standing.ranked
    )))
}

fn pages(standing: &Standing) -> u32 {
    standing.ranked.div_ceil(PAGE_SIZE).max(1)
}

pub fn board_components(view: &BoardView<'_>) -> Vec<CreateActionRow> {
    let pages = pages(view.standing);
    let page = view.standing.page;
    let exam = view.exam_id.map(str::to_string);
    let button = |label: &str, page: u32, disabled: bool| {
        CreateButton::new(
            Action::Board {
                exam: exam.clone(),
                period: view.period,
                page,
                viewer: view.viewer,
            }
            .encode(),
        )
        .label(label)
        .style(ButtonStyle::Secondary)
        .disabled(disabled)
    };
    vec![CreateActionRow::Buttons(vec![
        button("◀ Previous", page.saturating_sub(1), page == 0),
        button("Next ▶", page + 1, page + 1 >= pages),
    ])]
}
