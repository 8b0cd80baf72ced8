//! GENESIS imports at the size of a city's monitoring: 200 indicators × 10 years × 30 districts
//! (60,000 values, one flat file per indicator), first as a dry run, then imported, then the same
//! files again (which must change nothing). Prints time and SQL statements of each round, on
//! SQLite (and on PostgreSQL when `TEILHABE_BENCH_PG_URL=postgres://…/bench` is set: an empty
//! database `bench_genesis` must exist). Run: `cargo bench --bench genesis_import`; in test mode
//! (`cargo test --benches`) it runs with 4 indicators to stay fast.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{fmt::Write, time::Instant};

use chrono::{TimeZone, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait};
use teilhabe::{
    App,
    accounts::entities::{Sector, organization},
    clock::ManualClock,
    config::Config,
    indicators::{
        entities::{Periodicity, SourceKind, indicator},
        import::{self, ImportOptions, ImportReport, Importer, entities::genesis_mapping},
    },
};
use uuid::Uuid;

const YEARS: i32 = 10;
const DISTRICTS: usize = 30;
const HEAD: &str = "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;value;value_unit;value_variable_code;value_variable_label;value_q";

/// One indicator's flat file: per year the city's total and its 30 districts, decimal comma.
fn flat_file(i: usize) -> Vec<u8> {
    let mut out = String::from(HEAD);
    for year in 2016..2016 + YEARS {
        let base = 10.0 + (i % 50) as f64 + f64::from(year - 2016) * 0.3;
        let _ = write!(
            out,
            "\nT{i:03};Tabelle {i};JAHR;Jahr;{year};GEMEIN;Gemeinden;05515000;Münster;;;;;{};%;W001;Wert;",
            format!("{base:.1}").replace('.', ",")
        );
        for d in 0..DISTRICTS {
            let v = base + (d as f64 - 15.0) * 0.1;
            let _ = write!(
                out,
                "\nT{i:03};Tabelle {i};JAHR;Jahr;{year};GEMEIN;Gemeinden;05515000;Münster;BEZ;Stadtbezirk;B{d:02};Bezirk {d};{};%;W001;Wert;",
                format!("{v:.1}").replace('.', ",")
            );
        }
    }
    out.into_bytes()
}

async fn round(
    app: &App,
    ids: &[Uuid],
    files: &[Vec<u8>],
    dry_run: bool,
) -> (std::time::Duration, u64, Vec<ImportReport>) {
    let statements = || app.state.metrics.db_statements.load(std::sync::atomic::Ordering::Relaxed);
    let (t, before) = (Instant::now(), statements());
    let mut reports = Vec::with_capacity(ids.len());
    for (id, file) in ids.iter().zip(files) {
        let options = ImportOptions { dry_run, retrieved_on: None };
        reports.push(import::import_genesis(&app.state, Importer::Operator, *id, file, options).await.unwrap());
    }
    (t.elapsed(), statements() - before, reports)
}

async fn scenario(label: &str, database_url: String, indicators: usize, mail_dir: std::path::PathBuf) {
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let config = Config { database_url, mail_dir, ..Config::default() };
    let app = App::build_with_clock(config, ManualClock::new(now)).await.unwrap();
    let db = &app.state.db;
    let org = Uuid::now_v7();
    organization::Entity::insert(organization::ActiveModel {
        id: Set(org),
        name: Set("Amt für Statistik".into()),
        sector: Set(Sector::Administration),
        parent_id: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .unwrap();
    let ids: Vec<Uuid> = (0..indicators).map(|_| Uuid::now_v7()).collect();
    let rows = ids.iter().enumerate().map(|(i, id)| indicator::ActiveModel {
        id: Set(*id),
        code: Set(format!("IND-{i:03}")),
        name: Set(format!("Indikator {i}")),
        unit: Set("%".into()),
        source_kind: Set(SourceKind::OfficialStatistics),
        source_description: Set("Landesdatenbank".into()),
        periodicity: Set(Periodicity::Yearly),
        target_value: Set(None),
        target_direction: Set(None),
        owner_id: Set(org),
        responsible_user_id: Set(None),
        deputy_user_id: Set(None),
        review_interval_months: Set(12),
        next_review_at: Set(now),
        review_reminder_at: Set(None),
        next_auto_request_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    });
    indicator::Entity::insert_many(rows).exec_without_returning(db).await.unwrap();
    let mappings = ids.iter().enumerate().map(|(i, id)| genesis_mapping::ActiveModel {
        id: Set(Uuid::now_v7()),
        indicator_id: Set(*id),
        table_code: Set(format!("T{i:03}")),
        value_variable: Set("W001".into()),
        filters: Set(r#"[{"variable":"GEMEIN","attribute":"05515000"}]"#.into()),
        definition_id: Set(None),
        source: Set("Landesdatenbank NRW".into()),
        version: Set(1),
        updated_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    });
    genesis_mapping::Entity::insert_many(mappings).exec_without_returning(db).await.unwrap();
    let files: Vec<Vec<u8>> = (0..indicators).map(flat_file).collect();
    let values = indicators * YEARS as usize * (DISTRICTS + 1);

    let (dry_time, dry_statements, dry) = round(&app, &ids, &files, true).await;
    assert!(dry.iter().all(|r| r.counts.created == YEARS as usize && r.errors.is_empty() && !r.applied));
    let (real_time, real_statements, real) = round(&app, &ids, &files, false).await;
    assert!(real.iter().all(|r| r.applied && r.counts.created == YEARS as usize));
    let (again_time, again_statements, again) = round(&app, &ids, &files, false).await;
    assert!(again.iter().all(|r| !r.applied && r.counts.unchanged == YEARS as usize), "the same files change nothing");
    println!(
        "{label}: {indicators} indicators × {YEARS} years × {DISTRICTS} districts (+ totals) = {values} values\n  \
         dry run: {dry_time:.2?}, {dry_statements} SQL statements\n  \
         import: {real_time:.2?}, {real_statements} SQL statements\n  \
         same files again: {again_time:.2?}, {again_statements} SQL statements\n  \
         dry run + import: {:.2?}",
        dry_time + real_time
    );
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not, and gets the small size.
    let full = std::env::args().any(|a| a == "--bench");
    let indicators = if full { 200 } else { 4 };
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    scenario("SQLite", url, indicators, dir.path().join("mail")).await;
    if let Ok(pg) = std::env::var("TEILHABE_BENCH_PG_URL") {
        let dir = tempfile::tempdir().unwrap();
        scenario("PostgreSQL", format!("{pg}_genesis"), indicators, dir.path().join("mail")).await;
    }
}
