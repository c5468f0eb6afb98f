//! Leaderboards from running totals per period (kept in each answer's transaction).

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use sqlx::FromRow;

use super::{id_from_sql, id_to_sql, Snowflake, Store, StoreResult, WriteTx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Week,
    Month,
    All,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Week, Period::Month, Period::All];

    /// The key of the period holding `at`, in the guild's zone: `w2026-48` (ISO week),
    /// `m2026-11`, or `all`.
    pub fn key(self, at: DateTime<Utc>, zone: Tz) -> String {
        let local = at.with_timezone(&zone);
        match self {
            Period::Week => {
                let week = local.iso_week();
                format!("w{}-{:02}", week.year(), week.week())
            }
            Period::Month => format!("m{}-{:02}", local.year(), local.month()),
            Period::All => "all".to_string(),
        }
    }

    pub fn parse(text: &str) -> Option<Period> {
        match text.trim().to_ascii_lowercase().as_str() {
            "week" => Some(Period::Week),
            "month" => Some(Period::Month),
            "all" | "all-time" | "alltime" => Some(Period::All),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Period::Week => "this week",
            Period::Month => "this month",
            Period::All => "all time",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRow {
    pub rank: u32,
    pub user_id: Snowflake,
    pub display_name: String,
    pub points: u32,
    pub answered: u32,
    pub correct: u32,
    /// As stored: the engine zeroes it when a later scheduled question closed unanswered.
    pub current_streak: u32,
    /// Guild-local day of the member's last scheduled answer.
    pub streak_day: Option<i32>,
}

/// A leaderboard page: the top rows, the caller's own row (even when outside the top), and how
/// many members are ranked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub top: Vec<BoardRow>,
    pub caller: Option<BoardRow>,
    pub ranked: u32,
    /// The page shown (0-based); the engine moves a page past the end back to the last one.
    pub page: u32,
}

#[derive(FromRow)]
struct BoardSql {
    rank: i64,
    user_id: i64,
    display_name: String,
    points: i64,
    answered: i64,
    correct: i64,
    current_streak: i64,
    streak_day: Option<i64>,
    ranked: i64,
}

/// One answer added to a member's totals for `periods` period keys, in one statement: per
/// period, the arguments guild, exam, period key, user, points, correct (0/1).
pub(super) fn add_to_totals_sql(periods: usize) -> String {
    let rows = (0..periods)
        .map(|row| {
            let n = row * 6;
            format!(
                "(${}, ${}, ${}, ${}, ${}, 1, ${})",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO score_totals (guild_id, exam, period, user_id, points, answered, correct)
         VALUES {rows}
         ON CONFLICT (guild_id, period, exam, user_id) DO UPDATE SET
            points = score_totals.points + excluded.points,
            answered = score_totals.answered + 1,
            correct = score_totals.correct + excluded.correct"
    )
}

impl WriteTx {
    /// Adds one answer to the member's totals for each period key, in one statement.
    pub async fn add_to_totals(
        &mut self,
        guild: Snowflake,
        exam: &str,
        period_keys: &[String],
        user: Snowflake,
        points: u32,
        correct: bool,
    ) -> StoreResult<()> {
        if period_keys.is_empty() {
            return Ok(());
        }
        let sql = add_to_totals_sql(period_keys.len());
        with_tx!(self.tx, |db| {
            let mut query = sqlx::query(&sql);
            for key in period_keys {
                query = query
                    .bind(id_to_sql(guild))
                    .bind(exam)
                    .bind(key)
                    .bind(id_to_sql(user))
                    .bind(i64::from(points))
                    .bind(i64::from(correct));
            }
            query.execute(db).await.map(|done| done.rows_affected())
        })?;
        Ok(())
    }
}

impl Store {
    /// Ranks the guild's members for one period key, for one exam or all (`exam = None`).
    /// Ties: more points, then more correct, then fewer answers, then the lower user id.
    pub async fn standing(
        &self,
        guild: Snowflake,
        exam: Option<&str>,
        period_key: &str,
        caller: Snowflake,
        top: u32,
        offset: u32,
    ) -> StoreResult<Standing> {
        let rows: Vec<BoardSql> = with_pool!(self.reader, |db| {
            sqlx::query_as(
            "WITH totals AS (
                SELECT user_id, CAST(SUM(points) AS BIGINT) AS points, CAST(SUM(answered) AS BIGINT) AS answered,
                       CAST(SUM(correct) AS BIGINT) AS correct
                FROM score_totals
                WHERE guild_id = $1 AND period = $2 AND ($3 IS NULL OR exam = $3)
                GROUP BY user_id
             ),
             ranked AS (
                SELECT ROW_NUMBER() OVER (ORDER BY points DESC, correct DESC, answered ASC, user_id ASC) AS rank,
                       COUNT(*) OVER () AS ranked, *
                FROM totals
             )
             SELECT r.rank, r.user_id, COALESCE(m.display_name, '') AS display_name, r.points, r.answered,
                    r.correct, COALESCE(m.current_streak, 0) AS current_streak, m.streak_day, r.ranked
             FROM ranked r
             LEFT JOIN members m ON m.guild_id = $1 AND m.user_id = r.user_id
             WHERE (r.rank > $5 AND r.rank <= $5 + $4) OR r.user_id = $6
             ORDER BY r.rank",
        )
        .bind(id_to_sql(guild))
        .bind(period_key)
        .bind(exam)
        .bind(i64::from(top))
        .bind(i64::from(offset))
        .bind(id_to_sql(caller))
        .fetch_all(db).await
        })?;

        let ranked = rows.first().map_or(0, |row| row.ranked as u32);
        let mut standing = Standing {
            top: Vec::new(),
            caller: None,
            ranked,
            page: offset / top.max(1),
        };
        for row in rows {
            let entry = BoardRow {
                rank: row.rank as u32,
                user_id: id_from_sql(row.user_id),
                display_name: row.display_name,
                points: row.points as u32,
                answered: row.answered as u32,
                correct: row.correct as u32,
                current_streak: row.current_streak as u32,
                streak_day: row.streak_day.map(|day| day as i32),
            };
            if entry.user_id == caller {
                standing.caller = Some(entry.clone());
            }
            if entry.rank > offset && entry.rank <= offset + top {
                standing.top.push(entry);
            }
        }
        Ok(standing)
    }
}
