//! The database pool on PostgreSQL's wire, seen through a relay that sorts the round trips
//! (`support/pgwire.rs`): one round trip per statement, and a call cancelled midway (a request
//! timeout, a client gone) leaves nothing behind for the next statement on its connection.
//! PostgreSQL only: the patched pool code (vendor/README.md) only differs there; SQLite's
//! worker answers each call on its own channel.

use std::{future::Future, pin::Pin, task::Poll, time::Duration};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, TransactionTrait};
use serde_json::json;

use crate::{
    leitbild::seeded_edition,
    support::{Backend, TestApp, pg, pgwire::Relay},
};

/// The app on PostgreSQL through a relay, an admin's token and a seeded edition.
async fn edition_behind_relay() -> (Relay, TestApp, String, String) {
    let cluster = pg::cluster();
    let relay = Relay::start(cluster.port).await;
    let app = TestApp::start_with(Backend::Postgres, |c| {
        c.database_url = c.database_url.replace(&format!(":{}/", cluster.port), &format!(":{}/", relay.port));
    })
    .await;
    let admin = app.admin().await;
    let lb = seeded_edition(&app, &admin, 2028, 3, 2).await;
    (relay, app, admin, lb)
}

/// PostgreSQL only, as round trips are its wire's: a read's statements each cost one round trip,
/// alone and with eight requests at once, and nothing else crosses the wire once each
/// connection has prepared them. sqlx pinged every connection it took back into its pool
/// (vendor/README.md): one more round trip per statement.
#[tokio::test]
async fn one_round_trip_per_statement_on_postgresql() {
    let (relay, app, admin, lb) = edition_behind_relay().await;
    const Q: &str = "query($id: UUID!) { leitbild(id: $id) { title fieldsOfAction { title goals { title version
        commentCount children { title } } } } }";
    for at_once in [1, 8, 8] {
        let (statements, before) = (app.statements().await, relay.round_trips());
        let runs = (0..at_once).map(|_| app.ok(Some(&admin), Q, json!({"id": lb})));
        futures_util::future::join_all(runs).await;
        let statements = app.statements().await - statements;
        let after = relay.round_trips();
        assert!(statements >= 4 * at_once, "{statements} statements for {at_once} requests");
        assert_eq!(after.executing - before.executing, statements, "{at_once} at once: {before:?} → {after:?}");
        assert_eq!(after.empty, 0, "pings: {after:?}");
    }
}

/// PostgreSQL only: one request after another runs on the connection used last, although
/// eight requests at once opened more. sqlx queued idle connections first in, first out, so
/// consecutive statements went to every connection in turn, each to a backend whose caches had
/// gone cold (vendor/README.md).
#[tokio::test]
async fn statements_one_after_another_keep_to_one_connection() {
    let (relay, app, admin, lb) = edition_behind_relay().await;
    const Q: &str = "query($id: UUID!) { leitbild(id: $id) { title fieldsOfAction { title goals { title } } } }";
    let runs = (0..8).map(|_| app.ok(Some(&admin), Q, json!({"id": lb})));
    futures_util::future::join_all(runs).await;
    let opened = relay.executing_per_connection();
    assert!(opened.len() >= 3, "eight at once opened only {} connections", opened.len());
    for _ in 0..10 {
        app.ok(Some(&admin), Q, json!({"id": lb})).await;
    }
    let after = relay.executing_per_connection();
    let used: Vec<usize> = (0..after.len()).filter(|&i| after[i] > opened.get(i).copied().unwrap_or(0)).collect();
    assert_eq!(used.len(), 1, "ten requests one after another ran on connections {used:?}: {opened:?} → {after:?}");
}

/// A database of its own behind a relay, and a pool of one connection to it through the relay:
/// whatever a cancelled call leaves behind meets the next call.
async fn one_connection_pool() -> (Relay, DatabaseConnection) {
    let cluster = pg::cluster();
    let name = format!("p_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(cluster.url("postgres")).await.unwrap();
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
    admin.close().await.unwrap();
    let relay = Relay::start(cluster.port).await;
    let url = cluster.url(&name).replace(&format!(":{}/", cluster.port), &format!(":{}/", relay.port));
    let mut opts = ConnectOptions::new(url);
    // As `db::connect` has it: no ping before a checkout unless the connection sat idle.
    opts.max_connections(1).min_connections(1).test_before_acquire_if_idle_for(Duration::from_secs(30));
    (relay, Database::connect(opts).await.unwrap())
}

/// Polls `call` until the relay has passed `sent` on to PostgreSQL, then drops it before it
/// reads the answer. The test runtime has one thread: while the call is polled, the relay (and
/// so the answer) cannot move.
async fn cancel_once_sent<F: Future>(relay: &Relay, call: F, sent: &str) {
    let mut call: Pin<Box<F>> = Box::pin(call);
    while !relay.simple_queries().iter().any(|q| q == sent) {
        let polled = std::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx).is_pending())).await;
        assert!(polled, "{sent} was answered before it could be cancelled");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn an_error_of_a_cancelled_statement_is_not_the_next_ones() {
    let (relay, db) = one_connection_pool().await;
    db.execute_unprepared("CREATE TABLE t (id integer PRIMARY KEY); INSERT INTO t VALUES (1)").await.unwrap();
    const DUPLICATE: &str = "INSERT INTO t VALUES (1)";
    cancel_once_sent(&relay, db.execute_unprepared(DUPLICATE), DUPLICATE).await;
    // The duplicate's error is on its way back: it belongs to the cancelled call.
    let n = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT count(*) AS n FROM t"));
    let n: i64 = n.await.expect("the next statement answers for itself").unwrap().try_get("", "n").unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn a_cancelled_begin_leaves_no_transaction_behind() {
    let (relay, db) = one_connection_pool().await;
    cancel_once_sent(&relay, db.begin(), "BEGIN").await;
    // Inside a leaked transaction this table would stay invisible to every other session.
    db.execute_unprepared("CREATE TABLE written_after (x integer)").await.unwrap();
    let url = format!("postgres://postgres@127.0.0.1:{}/{}", pg::cluster().port, database_of(&db).await);
    let other = Database::connect(url).await.unwrap();
    let seen = other
        .query_one_raw(sea_orm::Statement::from_string(
            other.get_database_backend(),
            "SELECT to_regclass('written_after') IS NOT NULL AS seen",
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(
        seen.try_get::<bool>("", "seen").unwrap(),
        "the next statement ran inside the cancelled BEGIN's transaction"
    );
}

async fn database_of(db: &DatabaseConnection) -> String {
    let row =
        db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT current_database() AS d"));
    row.await.unwrap().unwrap().try_get("", "d").unwrap()
}
