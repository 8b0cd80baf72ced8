//! Mail throughput: a backlog of 10,000 reminder mails (one recipient each, as a reminder wave
//! brings them) sent over SMTP to a sink on loopback by the scheduler's own step, on SQLite
//! (and on PostgreSQL when `TEILHABE_BENCH_PG_URL=postgres://…/db` names an empty database).
//! Prints the mails per second, the passes it took and whether each mail arrived once.
//! Run: `cargo bench --bench mail` (`-- 2000` for another backlog); `bench/run.sh` runs it too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/api/support/smtp.rs"]
#[allow(dead_code)]
mod smtp;

use std::{collections::HashSet, time::Instant};

use chrono::{TimeZone, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait};
use teilhabe::{
    App,
    accounts::entities::{Role, user},
    clock::ManualClock,
    config::Config,
    jobs,
    notifications::{entities::NotificationKind, service::NewNotification},
};
use uuid::Uuid;

/// A plain Python smtplib loop to a local sink, as the issue measured it.
const REFERENCE: &str = "Python smtplib loop 318–406 mails/s; target ≥ 500 mails/s";

async fn scenario(label: &str, database_url: String, backlog: usize) {
    let sink = smtp::SmtpSink::start().await;
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config =
        Config { database_url, smtp_url: Some(sink.url()), mail_dir: dir.path().to_path_buf(), ..Config::default() };
    let app = App::build_with_clock(config, ManualClock::new(now)).await.unwrap();
    let people: Vec<user::ActiveModel> = (0..backlog.min(2_000))
        .map(|i| user::ActiveModel {
            id: Set(Uuid::now_v7()),
            email: Set(format!("person{i}@example.org")),
            name: Set(format!("Person {i}")),
            password_hash: Set(None),
            role: Set(Role::Member),
            active: Set(true),
            erased_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    let ids: Vec<Uuid> = people.iter().map(|p| *p.id.as_ref()).collect();
    for chunk in people.chunks(500) {
        user::Entity::insert_many(chunk.to_vec()).exec_without_returning(&app.state.db).await.unwrap();
    }
    let mails: Vec<NewNotification> = (0..backlog)
        .map(|i| NewNotification {
            recipient_id: ids[i % ids.len()],
            kind: NotificationKind::DeliveryOverdue,
            dedupe_key: format!("bench:{i}"),
            due_at: now,
            subject: format!("Lieferung überfällig: Indikator {i}"),
            body_text: "Guten Tag,\n\ndie Lieferung für 2025 ist seit gestern fällig.\n\n-- \nteilhabe".into(),
            body_html: None,
            link: Some(format!("http://localhost:8080/indikatoren/{i}")),
            cc: vec![],
        })
        .collect();
    for chunk in mails.chunks(500) {
        teilhabe::notifications::service::enqueue_many(&app.state.db, chunk.to_vec(), now).await.unwrap();
    }
    let started = Instant::now();
    let (mut sent, mut passes) = (0, 0);
    while sent < backlog as u64 && passes < 10 {
        sent += jobs::pass(&app.state).await.unwrap().mail.sent;
        passes += 1;
    }
    let took = started.elapsed();
    let arrived = sink.message_ids();
    let distinct: HashSet<&String> = arrived.iter().collect();
    println!(
        "{label}: {backlog} mails in {took:.2?} = {:.0} mails/s, {passes} scheduler pass(es), {} arrived, {} distinct | {REFERENCE}",
        backlog as f64 / took.as_secs_f64(),
        arrived.len(),
        distinct.len(),
    );
    assert_eq!((sent, arrived.len(), distinct.len()), (backlog as u64, backlog, backlog), "each mail once");
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs it as a quick check.
    let full = std::env::args().any(|a| a == "--bench");
    let backlog = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(if full { 10_000 } else { 300 });
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("mail.db").display());
    scenario("SQLite", url, backlog).await;
    if let Ok(url) = std::env::var("TEILHABE_BENCH_PG_URL") {
        scenario("PostgreSQL", url, backlog).await;
    }
}
