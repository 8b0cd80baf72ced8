//! Connecting to SQLite or PostgreSQL and applying migrations.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr, EntityTrait,
    sea_query::{Alias, Expr, ExprTrait, Query, TableRef, UpdateStatement, Value, ValueTuple},
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

/// Prepared statements kept per PostgreSQL connection.
const PG_STATEMENT_CACHE: usize = 2_000;

/// Opens the database named by `url`; `statements` counts every SQL statement run.
pub async fn connect(url: &str, statements: Arc<AtomicU64>) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false).acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        // One connection makes SQLite the single writer the design asks for: no SQLITE_BUSY
        // from two deferred transactions upgrading at once, and outbox claims are serial.
        opts.max_connections(1).min_connections(1);
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                // 64 MiB of page cache instead of 2 MiB: the scheduler's batches and the report
                // read the same pages again, which otherwise means a system call per page.
                .pragma("cache_size", "-65536")
        });
    } else {
        opts.max_connections(10).min_connections(1);
        // Each statement is one round trip: sea-orm pings a connection on every checkout
        // unless told otherwise (a Sync and its wait before every statement); only a
        // connection that sat idle for a while, and may have been cut, is checked first.
        opts.test_before_acquire_if_idle_for(Duration::from_secs(30));
        // Batches differ in their number of keys, and each count is its own prepared
        // statement: with sqlx's 100 a page's statements push each other out of the cache, and
        // each miss costs a Parse round trip plus a Close round trip for the evicted one.
        opts.map_sqlx_postgres_opts(|o| o.statement_cache_capacity(PG_STATEMENT_CACHE));
    }
    let mut db = Database::connect(opts).await?;
    db.set_metric_callback(move |_| {
        statements.fetch_add(1, Ordering::Relaxed);
    });
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// One UPDATE that sets `column` to a different value per row: `UPDATE t SET column = v.column2
/// FROM (VALUES (id, value[, guard]), …) AS v WHERE t.id = v.column1 [AND t.guard = v.column3]`.
/// Each row is found by its key (a `CASE WHEN id = … THEN …` compares every row with every id),
/// and the optional guard, e.g. a version, leaves rows that changed since they were read alone.
/// Portable: PostgreSQL and SQLite (3.33+) both read `UPDATE … FROM` and name the columns of a
/// VALUES list `column1`, `column2` … `rows` must not be empty, and carry a guard value each
/// exactly when `guard` is given.
pub fn update_per_row<E: EntityTrait>(
    id: E::Column,
    column: E::Column,
    guard: Option<E::Column>,
    rows: impl IntoIterator<Item = (Value, Value, Option<Value>)>,
) -> UpdateStatement {
    let v = Alias::new("v");
    let mut keys = Vec::new();
    let tuples: Vec<ValueTuple> = rows
        .into_iter()
        .map(|(key, value, check)| {
            keys.push(key.clone());
            match (guard.is_some(), check) {
                (true, Some(check)) => ValueTuple::Three(key, value, check),
                _ => ValueTuple::Two(key, value),
            }
        })
        .collect();
    let mut update = Query::update();
    update
        .table(E::default())
        .value(column, Expr::col((v.clone(), Alias::new("column2"))))
        .from(TableRef::ValuesList(tuples, v.clone().into()))
        .and_where(Expr::col((E::default(), id)).equals((v.clone(), Alias::new("column1"))))
        // Redundant for the result, but it lets PostgreSQL find the rows by their key instead
        // of hashing the whole table.
        .and_where(Expr::col((E::default(), id)).is_in(keys));
    if let Some(guard) = guard {
        update.and_where(Expr::col((E::default(), guard)).equals((v, Alias::new("column3"))));
    }
    update
}
