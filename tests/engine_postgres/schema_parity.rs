//! The two backends' migrations are written separately (same numbers, types translated); after
//! both have run, every table, column and named index of one exists in the other.

use std::collections::BTreeSet;
use std::path::Path;

fn migration_names(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = migration_names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, migration_names("postgres"));
}

#[cfg(postgres_server)]
#[tokio::test]
async fn both_backends_end_with_the_same_tables_columns_and_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite:{}", dir.path().join("schema.db").display());
    let postgres_url = crate::common::postgres::database().await;
    use certsprint::store::Store;
    // Opening a store runs its backend's migrations.
    Store::open(&sqlite_url).await.unwrap().close().await;
    Store::open(&postgres_url).await.unwrap().close().await;

    let sqlite = sqlx::SqlitePool::connect(&sqlite_url).await.unwrap();
    let sqlite_columns: BTreeSet<(String, String)> = sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&sqlite)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let sqlite_indexes: BTreeSet<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&sqlite)
    .await
    .unwrap()
    .into_iter()
    .collect();
    sqlite.close().await;

    let postgres = sqlx::PgPool::connect(&postgres_url).await.unwrap();
    let postgres_columns: BTreeSet<(String, String)> = sqlx::query_as(
        "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&postgres)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let postgres_indexes: BTreeSet<String> =
        sqlx::query_scalar("SELECT indexname::TEXT FROM pg_indexes WHERE schemaname = 'public'")
            .fetch_all(&postgres)
            .await
            .unwrap()
            .into_iter()
            .collect();
    postgres.close().await;

    assert!(sqlite_columns.len() > 50, "{sqlite_columns:?}");
    let only_sqlite: Vec<_> = sqlite_columns.difference(&postgres_columns).collect();
    let only_postgres: Vec<_> = postgres_columns.difference(&sqlite_columns).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only on SQLite: {only_sqlite:?}\nonly on PostgreSQL: {only_postgres:?}"
    );
    // PostgreSQL also names the indexes behind primary keys and unique constraints.
    let missing: Vec<_> = sqlite_indexes.difference(&postgres_indexes).collect();
    assert!(
        missing.is_empty(),
        "named indexes missing on PostgreSQL: {missing:?}"
    );
}
