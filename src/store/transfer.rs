//! Copies a SQLite database into an empty PostgreSQL one (`certsprint migrate-data`): every row
//! of every table, in one PostgreSQL transaction, so a copy that stops half way leaves the
//! target empty.

use sqlx::postgres::PgArguments;
use sqlx::sqlite::SqliteRow;
use sqlx::{Arguments, Column, Row, TypeInfo, ValueRef};

use super::{Pool, Store, StoreError, StoreResult};

/// Every table, parents before children (foreign keys), with the identity column whose
/// sequence must continue after the copied ids, if any.
const TABLES: &[(&str, Option<&str>)] = &[
    ("guilds", None),
    ("members", None),
    ("schedules", Some("schedule_id")),
    ("posts", Some("post_id")),
    ("answers", None),
    ("score_totals", None),
    ("review_cards", None),
    ("review_posts", None),
    ("review_reminders", None),
    ("question_flags", Some("flag_id")),
    ("sprints", Some("sprint_id")),
    ("sprint_players", None),
    ("ratings", None),
    ("mock_attempts", Some("attempt_id")),
    ("health_probe", None),
];

/// Rows per INSERT statement (PostgreSQL takes at most 65,535 parameters in one).
const BATCH_ROWS: usize = 500;

/// How many rows each table holds after the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferReport {
    pub tables: Vec<(String, u64)>,
}

/// One value as SQLite holds it.
enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

fn value(row: &SqliteRow, index: usize) -> StoreResult<Value> {
    let raw = row.try_get_raw(index)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    Ok(match raw.type_info().name() {
        "INTEGER" => Value::Integer(row.try_get(index)?),
        "REAL" => Value::Real(row.try_get(index)?),
        _ => Value::Text(row.try_get(index)?),
    })
}

/// Binds one value for a PostgreSQL column of `column_type` (a NULL needs the column's type).
fn bind(args: &mut PgArguments, value: Value, column_type: &str) -> StoreResult<()> {
    let bound = match (value, column_type) {
        (Value::Null, "bigint") => args.add(None::<i64>),
        (Value::Null, "double precision") => args.add(None::<f64>),
        (Value::Null, _) => args.add(None::<String>),
        (Value::Integer(n), "double precision") => args.add(n as f64),
        (Value::Integer(n), _) => args.add(n),
        (Value::Real(x), _) => args.add(x),
        (Value::Text(text), _) => args.add(text),
    };
    bound.map_err(|error| StoreError::Aborted(error.to_string()))
}

impl Store {
    /// Copies every row of this SQLite store into `target`, a PostgreSQL store whose tables
    /// are empty. Both must be migrated to the same version.
    pub async fn copy_into(&self, target: &Store) -> StoreResult<TransferReport> {
        let (Pool::Sqlite(source), Pool::Postgres(pg)) = (&self.reader, &target.writer) else {
            return Err(StoreError::Unsupported(
                "migrate-data copies a SQLite database (--from sqlite:...) into a PostgreSQL one (--to postgres://...)",
            ));
        };
        let known: Vec<&str> = TABLES.iter().map(|(table, _)| *table).collect();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
        )
        .fetch_all(source)
        .await?;
        if let Some(unknown) = tables.iter().find(|table| !known.contains(&table.as_str())) {
            return Err(StoreError::Aborted(format!(
                "the SQLite database has a table this build does not copy ({unknown}); use the certsprint version that made it"
            )));
        }
        let source_version: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(source)
                .await?;
        let target_version: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(pg)
                .await?;
        if source_version != target_version {
            return Err(StoreError::Aborted(format!(
                "the databases are at different schema versions ({source_version:?} and {target_version:?}); open both with this build first"
            )));
        }

        let mut tx = pg.begin().await?;
        for (table, _) in TABLES {
            let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut *tx)
                .await?;
            if rows > 0 {
                return Err(StoreError::Aborted(format!(
                    "the PostgreSQL database is not empty ({table} has {rows} rows); migrate-data only fills an empty one"
                )));
            }
        }
        let mut report = TransferReport { tables: Vec::new() };
        for (table, identity) in TABLES {
            let types: Vec<(String, String)> = sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(&mut *tx)
            .await?;
            let rows = sqlx::query(&format!("SELECT * FROM {table}"))
                .fetch_all(source)
                .await?;
            let Some(first) = rows.first() else {
                report.tables.push((table.to_string(), 0));
                continue;
            };
            let columns: Vec<String> = first
                .columns()
                .iter()
                .map(|c| c.name().to_string())
                .collect();
            let column_types: Vec<&str> = columns
                .iter()
                .map(|name| {
                    types
                        .iter()
                        .find(|(column, _)| column == name)
                        .map(|(_, kind)| kind.as_str())
                        .ok_or_else(|| {
                            StoreError::Aborted(format!("{table}.{name} is missing in PostgreSQL"))
                        })
                })
                .collect::<StoreResult<_>>()?;
            for batch in rows.chunks(BATCH_ROWS) {
                let mut args = PgArguments::default();
                let mut tuples = Vec::with_capacity(batch.len());
                for (n, row) in batch.iter().enumerate() {
                    let base = n * columns.len();
                    let placeholders: Vec<String> = (1..=columns.len())
                        .map(|i| format!("${}", base + i))
                        .collect();
                    tuples.push(format!("({})", placeholders.join(", ")));
                    for (index, column_type) in column_types.iter().enumerate() {
                        bind(&mut args, value(row, index)?, column_type)?;
                    }
                }
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES {}",
                    columns.join(", "),
                    tuples.join(", ")
                );
                sqlx::query_with(&sql, args).execute(&mut *tx).await?;
            }
            if let Some(column) = identity {
                // New rows continue after the copied ids.
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), COALESCE(MAX({column}), 0) + 1, false) FROM {table}"
                ))
                .execute(&mut *tx)
                .await?;
            }
            report.tables.push((table.to_string(), rows.len() as u64));
        }
        tx.commit().await?;
        Ok(report)
    }

    /// How many rows each table holds (to compare a copy with its source).
    pub async fn table_counts(&self) -> StoreResult<Vec<(String, u64)>> {
        let mut counts = Vec::new();
        for (table, _) in TABLES {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            let rows: i64 = with_pool!(self.reader, |db| sqlx::query_scalar(&sql)
                .fetch_one(db)
                .await)?;
            counts.push((table.to_string(), rows as u64));
        }
        Ok(counts)
    }
}
