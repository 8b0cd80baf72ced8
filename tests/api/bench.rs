//! Benchmarks, ignored by default: castVote with 200 concurrent voters, the nested edition
//! query and the monitoring report of a large edition, on both databases. Run with
//! `cargo test --release --test api bench -- --ignored --nocapture --test-threads 1`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{
    leitbild::seeded_edition,
    on_both_databases,
    support::{Backend, TestApp},
};

const VOTERS: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(what: &str, b: Backend, mut lat: Vec<Duration>, total: Duration) {
    lat.sort();
    println!(
        "{what} on {b:?}: {} requests in {:.2} s = {:.0}/s; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        total.as_secs_f64(),
        lat.len() as f64 / total.as_secs_f64(),
        percentile(&lat, 0.5).as_secs_f64() * 1000.0,
        percentile(&lat, 0.99).as_secs_f64() * 1000.0,
        lat[lat.len() - 1].as_secs_f64() * 1000.0,
    );
}

/// A process under PERSON eligibility in its VOTING phase with one proposal, and `voters`
/// logged-in members of its four organisations: answers (admin, proposal, voters' tokens).
async fn voting_world(app: &TestApp, voters: usize) -> (String, Value, Vec<String>) {
    let admin = app.admin().await;
    let mut orgs = Vec::new();
    for (name, sector) in
        [("Amt", "ADMINISTRATION"), ("Rat", "POLITICS"), ("Verein", "CIVIL_SOCIETY"), ("Uni", "SCIENCE")]
    {
        orgs.push(app.create_org(&admin, name, sector).await);
    }
    let lb = seeded_edition(app, &admin, 2028, 1, 1).await;
    let goal = app
        .ok(
            Some(&admin),
            "query($id: UUID!) { leitbild(id: $id) { fieldsOfAction { goals { id } } } }",
            json!({"id": lb}),
        )
        .await["leitbild"]["fieldsOfAction"][0]["goals"][0]["id"]
        .clone();
    let mut tokens = Vec::with_capacity(voters);
    for i in 0..voters {
        let org = orgs[i % orgs.len()].clone();
        tokens.push(app.create_user(&admin, &format!("v{i}@example.org"), "MEMBER", &[&org]).await.1);
    }
    let now = teilhabe::clock::Clock::now(app.clock.as_ref());
    let ph = |k: &str, a: i64, e: i64| json!({"kind": k, "startsAt": (now + chrono::Duration::days(a)).to_rfc3339(), "endsAt": (now + chrono::Duration::days(e)).to_rfc3339()});
    let process = app
        .ok(
            Some(&admin),
            "mutation($i: StartProcessInput!) { startProcess(input: $i) { id } }",
            json!({"i": {"leitbildId": lb, "title": "Bench", "phases": [ph("DRAFTING", 0, 7), ph("VOTING", 7, 14), ph("RESOLUTION", 14, 21)],
                "votingRule": {"eligibility": "PERSON", "quorum": 0.5, "threshold": 0.5, "sectorMajority": true}, "participantOrganizationIds": orgs}}),
        )
        .await["startProcess"]["id"]
        .clone();
    let proposal = app
        .ok(
            Some(&tokens[0]),
            "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
            json!({"i": {"processId": process, "kind": "AMEND_GOAL", "goalId": goal, "title": "Neu", "text": "Neuer Text."}}),
        )
        .await["submitProposal"]["id"]
        .clone();
    app.ok(Some(&admin), "mutation($p: UUID!) { advanceProcess(processId: $p) { id } }", json!({"p": process})).await;
    (admin, proposal, tokens)
}

const CAST: &str = "mutation($p: UUID!, $c: VoteChoice!) { castVote(proposalId: $p, choice: $c) { choice } }";

/// A vote (first or changed) costs a fixed, small number of statements, the request's session
/// check included: it was 16, then 10, then 7, then 4. On PostgreSQL the reminder's settlement
/// and the audit row, whose RETURNING carries the tally's NOTIFY, ride with the upsert; SQLite
/// runs the settlement and the audit row on their own. Each vote leaves its audit event.
async fn cast_vote_statements(b: Backend) {
    let app = TestApp::start(b).await;
    let (admin, proposal, tokens) = voting_world(&app, 3).await;
    let mut counts = Vec::new();
    for (token, choice) in [(&tokens[1], "YES"), (&tokens[1], "NO"), (&tokens[2], "ABSTAIN")] {
        let before = app.statements().await;
        app.ok(Some(token), CAST, json!({"p": proposal, "c": choice})).await;
        counts.push(app.statements().await - before);
    }
    println!("statements per castVote on {b:?}: {counts:?}");
    let most = if b == Backend::Postgres { 3 } else { 5 };
    assert!(counts.iter().all(|n| *n <= most), "{counts:?}");
    let log = app.audit_of(&admin, proposal.as_str().unwrap()).await;
    assert_eq!(log.iter().filter(|(action, _)| action == "vote.cast").count(), 3, "{log:?}");
}

on_both_databases!(cast_vote_statements);

async fn cast_vote_throughput(b: Backend) {
    let app = TestApp::start(b).await;
    let (admin, proposal, tokens) = voting_world(&app, VOTERS).await;
    for round in ["first votes", "changed votes"] {
        let started = Instant::now();
        let tasks = tokens.iter().enumerate().map(|(i, t)| {
            let (app, t, proposal) = (&app, t.clone(), proposal.clone());
            let choice = if (i + round.len()) % 3 == 0 { "NO" } else { "YES" };
            async move {
                let s = Instant::now();
                let body: Value = app.gql(Some(&t), CAST, json!({"p": proposal, "c": choice})).await;
                assert!(body.get("errors").is_none(), "{body:#}");
                s.elapsed()
            }
        });
        let lat = futures_util::future::join_all(tasks).await;
        report(&format!("castVote ({round}, {VOTERS} concurrent voters)"), b, lat, started.elapsed());
    }
    let tally = app
        .ok(Some(&admin), "query($p: UUID!) { proposal(id: $p) { tally { yes no eligible } } }", json!({"p": proposal}))
        .await;
    let t = &tally["proposal"]["tally"];
    assert_eq!(t["yes"].as_u64().unwrap() + t["no"].as_u64().unwrap(), VOTERS as u64);
    assert_eq!(t["eligible"], VOTERS as u64);
}

async fn nested_edition_query(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    // 10 fields × 3 goals × 1 sub-goal = 60 goals.
    let lb = seeded_edition(&app, &admin, 2028, 10, 3).await;
    const Q: &str =
        "query($id: UUID!) { leitbild(id: $id) { title fieldsOfAction { title goals { title version commentCount
        children { title version } } } } }";
    let before = app.statements().await;
    app.ok(Some(&admin), Q, json!({"id": lb})).await;
    let statements = app.statements().await - before;
    let started = Instant::now();
    let mut lat = Vec::new();
    for _ in 0..100 {
        let s = Instant::now();
        app.ok(Some(&admin), Q, json!({"id": lb})).await;
        lat.push(s.elapsed());
    }
    report(&format!("nested edition query (10 fields, 60 goals, {statements} statements)"), b, lat, started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run explicitly"]
async fn bench_cast_vote_sqlite() {
    cast_vote_throughput(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run explicitly"]
async fn bench_cast_vote_postgres() {
    cast_vote_throughput(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run explicitly"]
async fn bench_nested_edition_sqlite() {
    nested_edition_query(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run explicitly"]
async fn bench_nested_edition_postgres() {
    nested_edition_query(Backend::Postgres).await
}

/// The report of an edition with 10 fields of action, 60 goals, 200 indicators and ten years of
/// accepted values (half of them broken down by four districts): latency and statements.
async fn large_monitoring_report(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let amt = app.create_org(&admin, "Amt für Statistik", "ADMINISTRATION").await;
    let lb = seeded_edition(&app, &admin, 2028, 10, 3).await;
    let tree = app
        .ok(
            Some(&admin),
            "query($id: UUID!) { leitbild(id: $id) { fieldsOfAction { goals { id children { id } } } } }",
            json!({"id": lb}),
        )
        .await;
    let goals: Vec<String> = tree["leitbild"]["fieldsOfAction"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["goals"].as_array().unwrap().clone())
        .flat_map(|g| {
            let mut ids = vec![g["id"].as_str().unwrap().to_string()];
            ids.extend(g["children"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()));
            ids
        })
        .collect();
    assert_eq!(goals.len(), 60);
    let seeding = Instant::now();
    for n in 0..200 {
        let id = app
            .ok(
                Some(&admin),
                "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id } }",
                json!({"i": {"code": format!("B{n:03}"), "name": format!("Indikator {n}"), "unit": "%", "sourceKind": "OFFICIAL_STATISTICS",
                             "sourceDescription": "Statistikamt", "periodicity": "YEARLY", "ownerId": amt,
                             "goalIds": [goals[n % goals.len()]], "termIds": [], "targetValue": 50.0, "targetDirection": "HIGHER_IS_BETTER"}}),
            )
            .await["createIndicator"]["id"]
            .clone();
        for year in 2016..2026 {
            let d = app
                .ok(
                    Some(&admin),
                    "mutation($id: UUID!, $p: String!) { requestDelivery(indicatorId: $id, period: $p, dueAt: \"2027-06-30T10:00:00Z\") { id } }",
                    json!({"id": id, "p": year.to_string()}),
                )
                .await["requestDelivery"]["id"]
                .clone();
            let value = 30.0 + f64::from(year - 2016) * 1.5 + (n % 7) as f64;
            let breakdown: Vec<Value> = if n % 2 == 0 {
                ["Mitte", "Nord", "Süd", "West"]
                    .iter()
                    .enumerate()
                    .map(|(i, c)| json!({"dimension": "Stadtbezirk", "category": c, "value": value + i as f64}))
                    .collect()
            } else {
                Vec::new()
            };
            app.ok(
                Some(&admin),
                "mutation($id: UUID!, $v: Float, $b: [BreakdownInput!]) { confirmDelivery(deliveryId: $id, value: $v, breakdown: $b) { id } }",
                json!({"id": d, "v": value, "b": breakdown}),
            )
            .await;
            app.ok(Some(&admin), "mutation($id: UUID!) { acceptDelivery(deliveryId: $id) { id } }", json!({"id": d}))
                .await;
        }
    }
    println!("seeded 200 indicators × 10 years in {:.1} s", seeding.elapsed().as_secs_f64());
    const Q: &str = "query($id: UUID!) { monitoringReport(leitbildId: $id) { fields { title text goals { title status
        indicators { code status latestValue trendPerYear series { period value breakBefore acceptedBy breakdown { category value } } terms { label } } } }
        gaps { kind message } definitions { id text } } }";
    let before = app.statements().await;
    let body = app.ok(Some(&admin), Q, json!({"id": lb})).await;
    let statements = app.statements().await - before;
    let values: usize = body["monitoringReport"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["goals"].as_array().unwrap())
        .flat_map(|g| g["indicators"].as_array().unwrap())
        .map(|i| i["series"].as_array().unwrap().len())
        .sum();
    assert_eq!(values, 2000);
    let started = Instant::now();
    let mut lat = Vec::new();
    for _ in 0..20 {
        let s = Instant::now();
        app.ok(Some(&admin), Q, json!({"id": lb})).await;
        lat.push(s.elapsed());
    }
    report(
        &format!("monitoring report (200 indicators, 2,000 values, {statements} statements)"),
        b,
        lat,
        started.elapsed(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run explicitly"]
async fn bench_monitoring_report_sqlite() {
    large_monitoring_report(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run explicitly"]
async fn bench_monitoring_report_postgres() {
    large_monitoring_report(Backend::Postgres).await
}

/// Mails of a backlog larger than a pass used to take (2,000): one pass sends them all, over
/// pooled connections, each once. Prints the rate (a debug build and a loaded machine: the
/// release figure is in `cargo bench --bench mail`).
async fn one_pass_drains_a_backlog(b: Backend) {
    use teilhabe::notifications::{entities::NotificationKind, service::NewNotification};
    const BACKLOG: usize = 3_000;
    let sink = crate::support::smtp::SmtpSink::start().await;
    let app = TestApp::start_with(b, |c| c.smtp_url = Some(sink.url())).await;
    app.admin().await;
    use sea_orm::EntityTrait;
    let recipient = teilhabe::accounts::entities::user::Entity::find().one(&app.state.db).await.unwrap().unwrap().id;
    let now = app.clock_now();
    let mails: Vec<NewNotification> = (0..BACKLOG)
        .map(|i| NewNotification {
            recipient_id: recipient,
            kind: NotificationKind::ReviewDue,
            dedupe_key: format!("bench:{i}"),
            due_at: now,
            subject: format!("Erinnerung {i}"),
            body_text: "Hallo,\n\nbitte prüfen.\n\n-- \nteilhabe".into(),
            body_html: None,
            link: None,
            cc: vec![],
        })
        .collect();
    for chunk in mails.chunks(500) {
        teilhabe::notifications::service::enqueue_many(&app.state.db, chunk.to_vec(), now).await.unwrap();
    }
    let started = Instant::now();
    let report = teilhabe::jobs::pass(&app.state).await.unwrap();
    let took = started.elapsed();
    println!(
        "{BACKLOG} mails in one pass on {b:?}: {:.2} s = {:.0} mails/s",
        took.as_secs_f64(),
        BACKLOG as f64 / took.as_secs_f64()
    );
    assert_eq!(report.mail.sent, BACKLOG as u64);
    let ids: std::collections::HashSet<String> = sink.message_ids().into_iter().collect();
    assert_eq!((sink.messages().len(), ids.len()), (BACKLOG, BACKLOG), "each mail once");
}

on_both_databases!(one_pass_drains_a_backlog);
