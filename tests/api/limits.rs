//! Transport and cost limits: CSRF-safe content types, depth, aliases, body size, batches, and
//! the statements each page of the web app costs.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::{
    on_both_databases,
    support::{Backend, TestApp, code, pg},
};

const CREATE: &str = "mutation { createOrganization(input: {name: \"Über GET\", sector: POLITICS}) { id } }";

async fn organisation_count(app: &TestApp, token: &str) -> usize {
    app.ok(Some(token), "{ organizations { id } }", json!({})).await["organizations"].as_array().unwrap().len()
}

async fn mutations_only_travel_as_json(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let url = format!("{}/graphql", app.base);
    let get = app.http.get(&url).query(&[("query", CREATE)]).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(get.status(), 405, "GET executes nothing");
    let get = app
        .http
        .get(&url)
        .query(&[("query", CREATE)])
        .header("accept", "text/html")
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert!(get.text().await.unwrap().contains("GraphiQL"), "GET only serves GraphiQL");
    let body = json!({"query": CREATE}).to_string();
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        let res = app
            .http
            .post(&url)
            .bearer_auth(&admin)
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 415, "{content_type}");
    }
    let res = app.http.post(&url).bearer_auth(&admin).body(body.clone()).send().await.unwrap();
    assert_eq!(res.status(), 415, "no content type");
    assert_eq!(organisation_count(&app, &admin).await, 0);
}

async fn deep_and_wide_queries_are_refused(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    // Introspection of logged-in users may nest as deep as graphql-js' standard query, not deeper.
    let deep = format!(
        "{{ __schema {{ types {{ fields {{ type {{ {} name {} }} }} }} }} }}",
        "ofType { ".repeat(20),
        "} ".repeat(20)
    );
    let body = app.gql(Some(&admin), &deep, json!({})).await;
    assert_eq!(code(&body), "LIMIT", "{body}");
    let aliases: String = (0..2000).map(|i| format!("a{i}: me {{ id }} ")).collect();
    let body = app.gql(Some(&admin), &format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(code(&body), "LIMIT", "{body}");
}

async fn anonymous_introspection_is_off(b: Backend) {
    let app = TestApp::start(b).await;
    let anon = app.gql(None, "{ __schema { queryType { name } } }", json!({})).await;
    assert!(anon.get("errors").is_some() || anon["data"]["__schema"].is_null(), "{anon}");
    let admin = app.admin().await;
    let ok = app.ok(Some(&admin), "{ __schema { queryType { name } } }", json!({})).await;
    assert_eq!(ok["__schema"]["queryType"]["name"], "Query");
}

async fn bodies_over_the_cap_are_refused(b: Backend) {
    let app = TestApp::start(b).await;
    let padding = " ".repeat(1024 * 1024 + 10);
    let res = app
        .http
        .post(format!("{}/graphql", app.base))
        .header("content-type", "application/json")
        .body(format!("{{\"query\": \"{{ me {{ id }} }}{padding}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

async fn batches_are_bounded_and_each_operation_is_limited(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let url = format!("{}/graphql", app.base);
    let small: Vec<_> = (0..3).map(|_| json!({"query": "{ me { id } }"})).collect();
    let res: serde_json::Value =
        app.http.post(&url).bearer_auth(&admin).json(&small).send().await.unwrap().json().await.unwrap();
    assert_eq!(res.as_array().unwrap().len(), 3);
    let big: Vec<_> = (0..11).map(|_| json!({"query": CREATE})).collect();
    let res = app.http.post(&url).bearer_auth(&admin).json(&big).send().await.unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(code(&body), "LIMIT");
    assert_eq!(organisation_count(&app, &admin).await, 0);
}

async fn health_readiness_and_metrics_answer(b: Backend) {
    let app = TestApp::start(b).await;
    let get = |p: &str| app.http.get(format!("{}{p}", app.base)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    let ready: serde_json::Value = get("/readyz").await.unwrap().json().await.unwrap();
    assert_eq!(ready["database"], "ok");
    app.admin().await;
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(metrics.contains("teilhabe_graphql_requests_total{operation=\"anonymous\"}"), "{metrics}");
    assert!(metrics.contains("teilhabe_graphql_latency_seconds_bucket"));
    assert!(metrics.contains("teilhabe_db_pool_connections"));
    assert!(metrics.contains("teilhabe_scheduler_last_success_timestamp_seconds"));
    let res = get("/leitbild/irgendwo").await.unwrap();
    assert_eq!(res.status(), 200, "client-side routes fall back to the app");
    assert!(get("/export").await.unwrap().headers().contains_key("x-request-id"));
}

/// The operations and fragments the web app sends, read from its sources, by name.
fn web_app_documents() -> HashMap<String, String> {
    let mut docs = HashMap::new();
    for area in ["leitbild", "participation", "indicators", "report", "glossary"] {
        let path = format!("{}/frontend/src/pages/{area}/operations.ts", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        for block in text.split("graphql(`").skip(1) {
            let doc = block.split('`').next().unwrap().trim();
            let mut words = doc.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| !w.is_empty());
            let (_, name) = (words.next(), words.next().unwrap());
            docs.insert(name.to_string(), doc.to_string());
        }
    }
    docs
}

/// The document of operation `name` with every fragment it uses.
fn web_app_operation(docs: &HashMap<String, String>, name: &str) -> String {
    let mut out = docs[name].clone();
    let mut added = vec![name.to_string()];
    loop {
        let used: Vec<String> = out
            .split("...")
            .skip(1)
            .map(|r| r.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap().to_string())
            .filter(|f| !f.is_empty() && f != "on" && !added.contains(f))
            .collect();
        if used.is_empty() {
            return out;
        }
        for f in used {
            if !added.contains(&f) {
                out.push('\n');
                out.push_str(&docs[&f]);
                added.push(f);
            }
        }
    }
}

struct Page {
    name: &'static str,
    token: String,
    query: String,
    variables: Value,
}

/// The statements one request of `page` costs alone, and what `parallel` requests sent at once
/// cost together (the counter is the server's).
async fn statements_of(app: &TestApp, page: &Page, parallel: usize) -> (u64, u64) {
    let before = app.statements().await;
    app.ok(Some(&page.token), &page.query, page.variables.clone()).await;
    let alone = app.statements().await - before;
    let before = app.statements().await;
    let all = (0..parallel).map(|_| app.ok(Some(&page.token), &page.query, page.variables.clone()));
    futures_util::future::join_all(all).await;
    let total = app.statements().await - before;
    (alone, total)
}

/// Adds to the demo city: goals, comments with replies and edits on every proposal, indicators
/// with deliveries and terms; each call adds the same amount again.
async fn grow(app: &TestApp, admin: &str, member: &str, round: usize) {
    let data = app
        .ok(
            Some(admin),
            "{ leitbilder { id status fieldsOfAction { id } process { proposals { id } } } organizations { id } }",
            json!({}),
        )
        .await;
    let draft = data["leitbilder"].as_array().unwrap().iter().find(|l| l["status"] == "DRAFT").unwrap().clone();
    for (i, field) in draft["fieldsOfAction"].as_array().unwrap().iter().enumerate().take(4) {
        let goal = app
            .ok(
                Some(admin),
                "mutation($i: AddGoalInput!) { addGoal(input: $i) { id } }",
                json!({"i": {"fieldOfActionId": field["id"], "title": format!("Mehr Ziel {round}.{i}")}}),
            )
            .await["addGoal"]["id"]
            .clone();
        app.ok(
            Some(admin),
            "mutation($i: AddGoalInput!) { addGoal(input: $i) { id } }",
            json!({"i": {"fieldOfActionId": field["id"], "parentGoalId": goal, "title": format!("Unterziel {round}.{i}")}}),
        )
        .await;
    }
    for proposal in draft["process"]["proposals"].as_array().unwrap() {
        for (token, n) in [(member, 0), (admin, 1), (member, 2)] {
            let comment = app
                .ok(
                    Some(token),
                    "mutation($i: AddCommentInput!) { addComment(input: $i) { id version } }",
                    json!({"i": {"targetId": proposal["id"], "body": format!("Kommentar {round}.{n}")}}),
                )
                .await["addComment"]
                .clone();
            app.ok(
                Some(token),
                "mutation($c: UUID!, $b: String!, $v: Int!) { editComment(commentId: $c, body: $b, expectedVersion: $v) { id } }",
                json!({"c": comment["id"], "b": format!("Kommentar {round}.{n}, überarbeitet"), "v": comment["version"]}),
            )
            .await;
            app.ok(
                Some(admin),
                "mutation($i: AddCommentInput!) { addComment(input: $i) { id } }",
                json!({"i": {"targetId": proposal["id"], "parentId": comment["id"], "body": "Antwort"}}),
            )
            .await;
        }
    }
    let owner = data["organizations"][0]["id"].clone();
    for i in 0..3 {
        let indicator = app
            .ok(
                Some(admin),
                "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id } }",
                json!({"i": {"code": format!("X{round}{i}"), "name": format!("Zusatz {round}.{i}"), "unit": "%",
                    "sourceKind": "DEPARTMENT", "sourceDescription": "Amt", "periodicity": "YEARLY", "ownerId": owner}}),
            )
            .await["createIndicator"]["id"]
            .clone();
        for year in 2020..2023 {
            app.ok(
                Some(admin),
                "mutation($i: UUID!, $p: String!, $d: DateTime!) { requestDelivery(indicatorId: $i, period: $p, dueAt: $d) { id } }",
                json!({"i": indicator, "p": year.to_string(), "d": (app.clock_now() + chrono::Duration::days(30)).to_rfc3339()}),
            )
            .await;
        }
        app.ok(
            Some(member),
            "mutation($i: ProposeTermInput!) { proposeTerm(input: $i) { id } }",
            json!({"i": {"label": format!("Begriff {round}.{i}"), "synonyms": ["B"], "definition": "Eine Definition."}}),
        )
        .await;
    }
}

/// Every page the web app loads costs the same statements at two data sizes and whether it is
/// asked alone or by many at once: loaders batch per level, never per row or per timing.
async fn pages_cost_constant_statements(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    teilhabe::demo::load(&app.state).await.unwrap();
    let coordinator = app.login("koordination@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let member = app.login("caritas@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let docs = web_app_documents();
    let ids = app
        .ok(Some(&admin), "{ leitbilder { id status process { id } } indicators { id } terms { id } }", json!({}))
        .await;
    let draft = ids["leitbilder"].as_array().unwrap().iter().find(|l| l["status"] == "DRAFT").unwrap().clone();
    let page = |name: &'static str, token: &str, op: &str, variables: Value| Page {
        name,
        token: token.to_string(),
        query: web_app_operation(&docs, op),
        variables,
    };
    let pages = [
        page("edition", &member, "EditionView", json!({"id": draft["id"]})),
        page("process as member", &member, "ProcessView", json!({"id": draft["process"]["id"]})),
        page("process as coordinator", &coordinator, "ProcessView", json!({"id": draft["process"]["id"]})),
        page("indicator list", &coordinator, "IndicatorList", json!({})),
        page("indicator", &coordinator, "IndicatorDetail", json!({"id": ids["indicators"][0]["id"]})),
        page("report", &coordinator, "MonitoringReport", json!({"leitbildId": draft["id"]})),
        page("glossary", &member, "GlossaryTerms", json!({})),
        page("term", &member, "GlossaryTerm", json!({"id": ids["terms"][0]["id"]})),
    ];
    // The indicator page shows a computed indicator: its inputs' values load in one batch.
    let measured = ids["indicators"][0]["id"].clone();
    app.ok(
        Some(&admin),
        "mutation($i: UUID!, $f: IndicatorFormulaInput!) { setIndicatorFormula(indicatorId: $i, input: $f) { id } }",
        json!({"i": measured, "f": {"numeratorId": ids["indicators"][1]["id"], "denominatorId": ids["indicators"][2]["id"], "factor": 100}}),
    )
    .await;
    const PARALLEL: u64 = 16;
    let mut counts: BTreeMap<&str, Vec<(u64, u64)>> = BTreeMap::new();
    // Sizes: the demo grown once, and three times (the first growth gives the member comments
    // of their own, whose versions they then see: a batch more, once, not per comment).
    for round in 0..2 {
        for n in 0..(1 + 2 * round) {
            grow(&app, &admin, &member, 10 * round + n).await;
            // More comparison series with their values beside the measured indicator.
            app.ok(
                Some(&admin),
                "mutation($i: UUID!, $r: ReferenceSeriesInput!) { setReferenceSeries(indicatorId: $i, input: $r) { id } }",
                json!({"i": measured, "r": {"label": format!("Vergleich {round}.{n}"), "kind": "CITY",
                    "values": [{"period": "2022", "value": 1.0}, {"period": "2023", "value": 2.0}]}}),
            )
            .await;
        }
        for p in &pages {
            let (alone, together) = statements_of(&app, p, PARALLEL as usize).await;
            counts.entry(p.name).or_default().push((alone, together));
        }
    }
    println!("statements per page (alone, {PARALLEL} at once) at two sizes: {counts:?}");
    for (name, c) in &counts {
        let steady = c.iter().all(|(alone, together)| *alone == c[0].0 && *together == c[0].0 * PARALLEL);
        assert!(steady, "{name}: statements (alone, {PARALLEL} at once) at two sizes: {c:?}; all: {counts:?}");
    }
}

/// The benchmark's city generator (`teilhabe demo --size large`, ten years: 10 fields, 200
/// goals, 200 indicators × 10 years × 30 districts, 5,000 comments) at two sizes of the same
/// shape: every page costs the same statements, alone and 4 at once. The sizes themselves are
/// checked, so that a generator that wrote less could not pass. (The full ten-year size runs in
/// `bench/run.sh`, whose table shows the counts at 1 and 64 connections.)
async fn grown_city_costs_the_same_statements(b: Backend) {
    use teilhabe::demo::large::{self, Size};
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    teilhabe::demo::load(&app.state).await.unwrap();
    let coordinator = app.login("koordination@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let member = app.login("caritas@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let docs = web_app_documents();
    let ids = app.ok(Some(&admin), "{ leitbilder { id status process { id } } }", json!({})).await;
    let draft = ids["leitbilder"].as_array().unwrap().iter().find(|l| l["status"] == "DRAFT").unwrap().clone();
    let page = |name: &'static str, token: &str, op: &str, variables: Value| Page {
        name,
        token: token.to_string(),
        query: web_app_operation(&docs, op),
        variables,
    };
    let sizes = [
        Size { fields: 10, goals: 60, indicators: 40, years: 3, districts: 5, comments: 400 },
        Size { fields: 10, goals: 140, indicators: 90, years: 6, districts: 12, comments: 1_200 },
    ];
    const PARALLEL: u64 = 4;
    let mut counts = Vec::new();
    for size in sizes {
        large::grow(&app.state, size).await.unwrap();
        let grown = app
            .ok(
                Some(&coordinator),
                "query($id: UUID!) { leitbild(id: $id) { fieldsOfAction { goals { id children { id } } } } indicators { id code } }",
                json!({"id": draft["id"]}),
            )
            .await;
        let fields = grown["leitbild"]["fieldsOfAction"].as_array().unwrap();
        let goals: usize = fields
            .iter()
            .flat_map(|f| f["goals"].as_array().unwrap())
            .map(|g| 1 + g["children"].as_array().unwrap().len())
            .sum();
        assert_eq!((fields.len(), goals), (size.fields, size.goals));
        let indicators = grown["indicators"].as_array().unwrap();
        assert_eq!(indicators.len(), size.indicators);
        // The newest indicator has the size's years and districts.
        let newest = indicators.iter().max_by_key(|i| i["code"].as_str().unwrap().to_string()).unwrap()["id"].clone();
        let detail = app
            .ok(
                Some(&coordinator),
                "query($id: UUID!) { indicator(id: $id) { code deliveries { breakdown { category } } } }",
                json!({"id": newest}),
            )
            .await;
        let code = detail["indicator"]["code"].as_str().unwrap().to_string();
        let deliveries = detail["indicator"]["deliveries"].as_array().unwrap();
        assert!(code.starts_with("ZJ-"), "{code}");
        assert_eq!(deliveries.len(), size.years as usize);
        assert_eq!(deliveries[0]["breakdown"].as_array().unwrap().len(), size.districts);
        use sea_orm::{EntityTrait, PaginatorTrait};
        let comments = teilhabe::participation::entities::comment::Entity::find().count(&app.state.db).await.unwrap();
        assert_eq!(comments, size.comments as u64);
        let pages = [
            page("edition", &member, "EditionView", json!({"id": draft["id"]})),
            page("process as member", &member, "ProcessView", json!({"id": draft["process"]["id"]})),
            page("process as coordinator", &coordinator, "ProcessView", json!({"id": draft["process"]["id"]})),
            page("indicator list", &coordinator, "IndicatorList", json!({})),
            page("indicator", &coordinator, "IndicatorDetail", json!({"id": newest})),
            page("report", &coordinator, "MonitoringReport", json!({"leitbildId": draft["id"]})),
            page("glossary", &member, "GlossaryTerms", json!({})),
        ];
        let mut at_size = Vec::new();
        for p in &pages {
            at_size.push((p.name, statements_of(&app, p, PARALLEL as usize).await));
        }
        counts.push(at_size);
    }
    println!("statements per page (alone, {PARALLEL} at once) at two sizes: {counts:?}");
    for ((name, small), (_, large)) in counts[0].iter().zip(&counts[1]) {
        assert_eq!(
            (small.1, large.0, large.1),
            (small.0 * PARALLEL, small.0, small.0 * PARALLEL),
            "{name}: {small:?} {large:?}"
        );
    }
}

/// A TCP relay in front of the test cluster that counts the client's round trips: every `Sync`
/// (extended protocol) and `Query` (simple protocol) message waits for the server's
/// `ReadyForQuery`.
struct WireCounter {
    port: u16,
    round_trips: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl WireCounter {
    async fn start(upstream: u16) -> Self {
        use std::sync::{Arc, atomic::AtomicU64};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let round_trips = Arc::new(AtomicU64::new(0));
        let counter = round_trips.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let server = tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await.unwrap();
                server.set_nodelay(true).unwrap();
                client.set_nodelay(true).unwrap();
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                tokio::spawn(async move { tokio::io::copy(&mut server_read, &mut client_write).await });
                let counter = counter.clone();
                tokio::spawn(async move {
                    use std::sync::atomic::Ordering;
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    // Start-up messages (and an SSL or GSS request before them) have no type byte.
                    let mut untyped = true;
                    loop {
                        let mut head = [0u8; 5];
                        let typed = usize::from(!untyped);
                        if client_read.read_exact(&mut head[..4 + typed]).await.is_err() {
                            return;
                        }
                        let len_at = if untyped { 0 } else { 1 };
                        let len = u32::from_be_bytes(head[len_at..len_at + 4].try_into().unwrap()) as usize;
                        let mut body = vec![0u8; len - 4];
                        if client_read.read_exact(&mut body).await.is_err() {
                            return;
                        }
                        if untyped {
                            let code = body.get(..4).map(|c| u32::from_be_bytes(c.try_into().unwrap()));
                            untyped = matches!(code, Some(80877103 | 80877104));
                        } else if matches!(head[0], b'S' | b'Q') {
                            counter.fetch_add(1, Ordering::SeqCst);
                        }
                        if server_write.write_all(&head[..4 + typed]).await.is_err()
                            || server_write.write_all(&body).await.is_err()
                        {
                            return;
                        }
                    }
                });
            }
        });
        Self { port, round_trips }
    }

    fn round_trips(&self) -> u64 {
        self.round_trips.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// A statement of a page costs at most two round trips to PostgreSQL (it cost 3.45): no ping
/// before each checkout, no transaction around reads, no re-preparing (and closing)
/// statements the cache let go of. What is left is sqlx's ping when a connection goes back to
/// its pool (sqlx-core 0.9 `pool/connection.rs`, unconditional), one per statement.
#[tokio::test]
async fn one_round_trip_per_statement_on_postgres() {
    let cluster_port = pg::cluster().port;
    let wire = WireCounter::start(cluster_port).await;
    let proxy = wire.port;
    let app = TestApp::start_with(Backend::Postgres, |c| {
        c.database_url = c.database_url.replace(&format!(":{cluster_port}/"), &format!(":{proxy}/"));
    })
    .await;
    let admin = app.admin().await;
    teilhabe::demo::load(&app.state).await.unwrap();
    let member = app.login("caritas@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let docs = web_app_documents();
    let ids = app.ok(Some(&admin), "{ leitbilder { id status process { id } } }", json!({})).await;
    let draft = ids["leitbilder"].as_array().unwrap().iter().find(|l| l["status"] == "DRAFT").unwrap().clone();
    let pages = [
        (web_app_operation(&docs, "EditionView"), json!({"id": draft["id"]})),
        (web_app_operation(&docs, "ProcessView"), json!({"id": draft["process"]["id"]})),
    ];
    // The first requests prepare their statements on each of the pool's connections.
    for _ in 0..20 {
        for (q, v) in &pages {
            app.ok(Some(&member), q, v.clone()).await;
        }
    }
    let (statements, trips) = (app.statements().await, wire.round_trips());
    for _ in 0..5 {
        for (q, v) in &pages {
            app.ok(Some(&member), q, v.clone()).await;
        }
    }
    let statements = app.statements().await - statements;
    let trips = wire.round_trips() - trips;
    println!("{statements} statements, {trips} round trips");
    // A connection the warm-up missed still prepares a statement now and then (a round trip).
    assert!(trips * 10 <= statements * 21, "round trips per statement: {}", trips as f64 / statements as f64);
}

on_both_databases!(
    pages_cost_constant_statements,
    grown_city_costs_the_same_statements,
    mutations_only_travel_as_json,
    deep_and_wide_queries_are_refused,
    anonymous_introspection_is_off,
    bodies_over_the_cap_are_refused,
    batches_are_bounded_and_each_operation_is_limited,
    health_readiness_and_metrics_answer,
);
