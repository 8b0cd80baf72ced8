//! One scheduler pass over a large monitoring: N indicators with 5 deliveries each and their
//! reminder schedule, on SQLite (and on PostgreSQL when `TEILHABE_BENCH_PG_URL=postgres://…/bench`
//! is set: empty databases `bench_<size>` must exist). Run: `cargo bench --bench scheduler`
//! (sizes 2,000 and 10,000 unless given, e.g. `-- 1000 5000`), to see that the cost grows linearly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait};
use teilhabe::{
    App,
    accounts::entities::{Role, Sector, membership, organization, user},
    clock::ManualClock,
    config::Config,
    indicators::{
        entities::{DeliveryStatus, Periodicity, SourceKind, delivery, indicator},
        reminders, timing,
    },
    jobs,
};
use uuid::Uuid;

async fn insert_chunked<E, A>(db: &sea_orm::DatabaseConnection, rows: Vec<A>, chunk: usize)
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let mut rows = rows;
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(chunk));
        E::insert_many(rows).exec_without_returning(db).await.unwrap();
        rows = rest;
    }
}

async fn scenario(label: &str, database_url: String, indicators: usize, mail_dir: std::path::PathBuf) {
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let clock = ManualClock::new(now);
    let config = Config { database_url, mail_dir, ..Config::default() };
    let app = App::build_with_clock(config, clock.clone()).await.unwrap();
    let db = &app.state.db;

    let started = Instant::now();
    let orgs: Vec<Uuid> = (0..50).map(|_| Uuid::now_v7()).collect();
    insert_chunked(
        db,
        orgs.iter()
            .enumerate()
            .map(|(i, id)| organization::ActiveModel {
                id: Set(*id),
                name: Set(format!("Amt {i}")),
                sector: Set(Sector::Administration),
                parent_id: Set(None),
                created_at: Set(now),
            })
            .collect(),
        200,
    )
    .await;
    let users: Vec<Uuid> = (0..400).map(|_| Uuid::now_v7()).collect();
    insert_chunked(
        db,
        users
            .iter()
            .enumerate()
            .map(|(i, id)| user::ActiveModel {
                id: Set(*id),
                email: Set(format!("person{i}@example.org")),
                name: Set(format!("Person {i}")),
                password_hash: Set(None),
                role: Set(if i < 3 { Role::Coordinator } else { Role::Member }),
                active: Set(true),
                erased_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect(),
        200,
    )
    .await;
    insert_chunked(
        db,
        users
            .iter()
            .enumerate()
            .map(|(i, u)| membership::ActiveModel { user_id: Set(*u), organization_id: Set(orgs[i % orgs.len()]) })
            .collect(),
        400,
    )
    .await;
    let mut inds = Vec::with_capacity(indicators);
    let mut deliveries = Vec::with_capacity(indicators * 5);
    for i in 0..indicators {
        let id = Uuid::now_v7();
        let owner = orgs[i % orgs.len()];
        // Open deliveries are due from 40 days ago to 80 days ahead: a mix of not yet due, due
        // soon, and overdue, as in a city that has been running the monitoring for a while.
        let open_due = now + Duration::hours((i as i64 * 7919) % (120 * 24) - 40 * 24);
        let next_review = now + Duration::days((i as i64 * 37) % 365);
        inds.push(indicator::ActiveModel {
            id: Set(id),
            code: Set(format!("IND-{i:05}")),
            name: Set(format!("Indikator {i}")),
            unit: Set("%".into()),
            source_kind: Set(SourceKind::Department),
            source_description: Set("Fachverfahren".into()),
            periodicity: Set(Periodicity::Yearly),
            target_value: Set(None),
            target_direction: Set(None),
            owner_id: Set(owner),
            responsible_user_id: Set(Some(users[(i * 7) % users.len()])),
            deputy_user_id: Set(Some(users[(i * 7 + 1) % users.len()])),
            review_interval_months: Set(12),
            next_review_at: Set(next_review),
            review_reminder_at: Set(Some(timing::review_reminder_time(next_review))),
            next_auto_request_at: Set(Some(open_due)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for (k, year) in (2021..=2025).enumerate() {
            let open = year == 2025;
            let due = if open { open_due } else { open_due - Duration::days(365 * (4 - k as i64 + 1)) };
            deliveries.push(delivery::ActiveModel {
                id: Set(Uuid::now_v7()),
                indicator_id: Set(id),
                owner_id: Set(owner),
                period: Set(year.to_string()),
                due_at: Set(due),
                expected_at: Set(None),
                status: Set(if open { DeliveryStatus::Requested } else { DeliveryStatus::Accepted }),
                value: Set((!open).then_some(40.0 + k as f64)),
                breakdown: Set(None),
                note: Set(None),
                definition_id: Set(None),
                no_data_reason: Set(None),
                return_reason: Set(None),
                delivered_by: Set(None),
                delivered_at: Set((!open).then_some(due)),
                on_time: Set((!open).then_some(k % 3 != 0)),
                accepted_by: Set(None),
                accepted_at: Set(None),
                next_reminder_at: Set(open.then(|| timing::stage_time(due, timing::Stage::DueSoon).max(now))),
                reminder_epoch: Set(0),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }
    insert_chunked(db, inds, 500).await;
    insert_chunked(db, deliveries, 500).await;
    let seeded = started.elapsed();

    let statements = || app.state.metrics.db_statements.load(std::sync::atomic::Ordering::Relaxed);
    let (t, before) = (Instant::now(), statements());
    let first = reminders::run(&app.state, now).await.unwrap();
    let first_time = t.elapsed();
    let first_statements = statements() - before;
    let t = Instant::now();
    let second = reminders::run(&app.state, now).await.unwrap();
    let steady_time = t.elapsed();
    let t = Instant::now();
    let full = jobs::run_due(&app.state, now).await.unwrap();
    let send_time = t.elapsed();
    let later = now + Duration::days(1);
    clock.set(later);
    let t = Instant::now();
    let next_day = reminders::run(&app.state, later).await.unwrap();
    let next_day_time = t.elapsed();
    let t = Instant::now();
    let next_day_run = jobs::run_due(&app.state, later).await.unwrap();
    let next_day_send = t.elapsed();
    let per_second = |mails: u64, time: std::time::Duration| mails as f64 / time.as_secs_f64();
    println!(
        "{label}: {indicators} indicators, {} deliveries (seeded in {seeded:.1?})\n  \
         reminder step, first pass with the whole backlog due at once ({} delivery + {} review reminders, {} auto-requests): {first_time:.1?}, {first_statements} SQL statements\n  \
         reminder step, pass with nothing new due: {steady_time:.1?}\n  \
         reminder step one day later ({} new reminders, {} auto-requests): {next_day_time:.1?}\n  \
         sending (as .eml), up to 20,000 mails per pass: {} mails in {send_time:.1?} ({:.0} mails/s); one day later {} mails in {next_day_send:.1?} ({:.0} mails/s)",
        indicators * 5,
        first.delivery_reminders,
        first.review_reminders,
        first.requested,
        next_day.delivery_reminders + next_day.review_reminders,
        next_day.requested,
        full.mail.sent,
        per_second(full.mail.sent, send_time),
        next_day_run.mail.sent,
        per_second(next_day_run.mail.sent, next_day_send),
    );
    assert_eq!(second, reminders::ReminderReport::default(), "a repeated pass finds nothing new");
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![2_000, 10_000] } else { sizes };
    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
        scenario("SQLite", url, n, dir.path().join("mail")).await;
        if let Ok(pg) = std::env::var("TEILHABE_BENCH_PG_URL") {
            let dir = tempfile::tempdir().unwrap();
            scenario("PostgreSQL", format!("{pg}_{n}"), n, dir.path().join("mail")).await;
        }
    }
}
