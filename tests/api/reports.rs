//! The monitoring report over HTTP: statuses by the documented rule, series breaks, gaps, and a
//! constant number of SQL statements however large the edition.

use serde_json::{Value, json};

use crate::{
    leitbild::{add_field, add_goal, create_leitbild},
    on_both_databases,
    support::{Backend, TestApp, code},
};

const REPORT: &str = "query($id: UUID!, $from: String, $to: String) { monitoringReport(leitbildId: $id, fromPeriod: $from, toPeriod: $to) {
  leitbildTitle fields { title goals { title status indicators { code status latestValue trendPerYear ownerName
  series { period value breakBefore definitionId } terms { label agreed } } } }
  gaps { kind message goalId indicatorId deliveryId termId } definitions { id text sourcePublisher } } }";

struct Setup {
    app: TestApp,
    admin: String,
    amt: String,
    leitbild: String,
    field: String,
}

async fn setup(b: Backend) -> Setup {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let amt = app.create_org(&admin, "Amt für Statistik", "ADMINISTRATION").await;
    let leitbild = create_leitbild(&app, &admin, 2023, None).await["id"].as_str().unwrap().to_string();
    let field = add_field(&app, &admin, &leitbild, "Arbeit und Wirtschaft").await;
    Setup { app, admin, amt, leitbild, field }
}

impl Setup {
    async fn indicator(&self, code: &str, goal: &str, target: Option<(f64, &str)>, terms: &[&str]) -> String {
        let (value, direction) = target.map_or((Value::Null, Value::Null), |(v, d)| (json!(v), json!(d)));
        self.app
            .ok(
                Some(&self.admin),
                "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id } }",
                json!({"i": {"code": code, "name": format!("Indikator {code}"), "unit": "%", "sourceKind": "OFFICIAL_STATISTICS",
                             "sourceDescription": "Bundesagentur für Arbeit", "periodicity": "YEARLY", "ownerId": self.amt,
                             "goalIds": [goal], "termIds": terms, "targetValue": value, "targetDirection": direction}}),
            )
            .await["createIndicator"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Requests, confirms and accepts a value for `period`.
    async fn value(&self, indicator: &str, period: &str, value: f64, definition: Option<&str>) {
        let id = self
            .app
            .ok(
                Some(&self.admin),
                "mutation($id: UUID!, $p: String!) { requestDelivery(indicatorId: $id, period: $p, dueAt: \"2026-12-31T10:00:00Z\") { id } }",
                json!({"id": indicator, "p": period}),
            )
            .await["requestDelivery"]["id"]
            .clone();
        self.app
            .ok(
                Some(&self.admin),
                "mutation($id: UUID!, $v: Float, $d: UUID) { confirmDelivery(deliveryId: $id, value: $v, definitionId: $d) { id } }",
                json!({"id": id, "v": value, "d": definition}),
            )
            .await;
        self.app
            .ok(Some(&self.admin), "mutation($id: UUID!) { acceptDelivery(deliveryId: $id) { id } }", json!({"id": id}))
            .await;
    }
}

fn goal<'a>(report: &'a Value, title: &str) -> &'a Value {
    report["monitoringReport"]["fields"][0]["goals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"] == title)
        .unwrap_or_else(|| panic!("no goal {title} in {report:#}"))
}

async fn goal_status_trend_breaks_and_gaps(b: Backend) {
    let s = setup(b).await;
    let employed = add_goal(&s.app, &s.admin, &s.field, None, "Beschäftigung steigt").await;
    let jobless = add_goal(&s.app, &s.admin, &s.field, None, "Arbeitslosigkeit sinkt").await;
    let empty = add_goal(&s.app, &s.admin, &s.field, None, "Gründungen nehmen zu").await;
    let term = s
        .app
        .ok(
            Some(&s.admin),
            "mutation($i: ProposeTermInput!) { proposeTerm(input: $i) { id definitions { id } } }",
            json!({"i": {"label": "Ausländerin/Ausländer", "definition": "Ohne deutsche Staatsangehörigkeit.", "source": {"publisher": "IT.NRW"}}}),
        )
        .await;
    let term_id = term["proposeTerm"]["id"].as_str().unwrap().to_string();
    let def_old = term["proposeTerm"]["definitions"][0]["id"].as_str().unwrap().to_string();
    let def_new = s
        .app
        .ok(
            Some(&s.admin),
            "mutation($i: ProposeDefinitionInput!) { proposeDefinition(input: $i) { id } }",
            json!({"i": {"termId": term_id, "text": "Nach Staatsangehörigkeit laut Melderegister."}}),
        )
        .await["proposeDefinition"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let a1 = s.indicator("A1", &employed, Some((60.0, "HIGHER_IS_BETTER")), &[]).await;
    let a2 = s.indicator("A2", &jobless, Some((8.0, "LOWER_IS_BETTER")), &[&term_id]).await;
    for (p, v) in [("2022", 50.0), ("2023", 52.0), ("2024", 55.0)] {
        s.value(&a1, p, v, None).await;
    }
    s.value(&a2, "2022", 12.0, Some(&def_old)).await;
    s.value(&a2, "2023", 11.0, Some(&def_old)).await;
    s.value(&a2, "2024", 13.0, Some(&def_new)).await;
    // An open request past its due date is a gap.
    let overdue = s
        .app
        .ok(
            Some(&s.admin),
            "mutation($id: UUID!) { requestDelivery(indicatorId: $id, period: \"2025\", dueAt: \"2026-03-01T10:00:00Z\") { id } }",
            json!({"id": a1}),
        )
        .await["requestDelivery"]["id"]
        .clone();
    s.app.clock.advance(chrono::Duration::days(3));

    let report = s.app.ok(Some(&s.admin), REPORT, json!({"id": s.leitbild})).await;
    let g = goal(&report, "Beschäftigung steigt");
    assert_eq!(g["status"], "ON_TRACK");
    assert_eq!(g["indicators"][0]["latestValue"], 55.0);
    assert_eq!(g["indicators"][0]["trendPerYear"], 2.5);
    let g = goal(&report, "Arbeitslosigkeit sinkt");
    // The 2024 value follows another definition: a break, and no trend across it.
    let series = g["indicators"][0]["series"].as_array().unwrap();
    assert_eq!(series.iter().map(|v| v["breakBefore"].as_bool().unwrap()).collect::<Vec<_>>(), [false, false, true]);
    assert_eq!(g["status"], "INSUFFICIENT_DATA");
    assert_eq!(g["indicators"][0]["terms"], json!([{"label": "Ausländerin/Ausländer", "agreed": false}]));
    assert_eq!(goal(&report, "Gründungen nehmen zu")["status"], "NO_DATA");
    let definitions = report["monitoringReport"]["definitions"].as_array().unwrap();
    assert_eq!(definitions.len(), 2, "both definitions are footnotes");

    let gaps = report["monitoringReport"]["gaps"].as_array().unwrap();
    let has = |kind: &str, key: &str, id: &Value| gaps.iter().any(|g| g["kind"] == kind && &g[key] == id);
    assert!(has("GOAL_WITHOUT_INDICATOR", "goalId", &json!(empty)), "{gaps:#?}");
    assert!(has("TERM_NOT_AGREED", "termId", &json!(term_id)));
    assert!(has("DELIVERY_OVERDUE", "deliveryId", &overdue));
    assert!(gaps.iter().all(|g| !g["message"].as_str().unwrap().is_empty()));

    // A period span keeps only its values.
    let span = s.app.ok(Some(&s.admin), REPORT, json!({"id": s.leitbild, "from": "2023", "to": "2023"})).await;
    let series = goal(&span, "Beschäftigung steigt")["indicators"][0]["series"].as_array().unwrap().clone();
    assert_eq!(series.iter().map(|v| v["period"].as_str().unwrap()).collect::<Vec<_>>(), ["2023"]);
    let bad = s.app.gql(Some(&s.admin), REPORT, json!({"id": s.leitbild, "from": "2025", "to": "2023"})).await;
    assert_eq!(code(&bad), "VALIDATION");
    let missing = s.app.gql(Some(&s.admin), REPORT, json!({"id": uuid::Uuid::new_v4()})).await;
    assert_eq!(code(&missing), "NOT_FOUND");
    assert_eq!(code(&s.app.gql(None, REPORT, json!({"id": s.leitbild})).await), "UNAUTHENTICATED");

    // The data behind the report, as CSV and XLSX.
    let url = |file: &str| format!("{}/api/reports/{}/{file}", s.app.base, s.leitbild);
    let csv = s.app.http.get(url("monitoring.csv")).bearer_auth(&s.admin).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.contains("\"Beschäftigung steigt\";\"OnTrack\";\"A1\""), "{text}");
    assert!(text.contains("\"2024\";\"55\";"), "{text}");
    assert!(text.contains("\"Gründungen nehmen zu\";\"NoData\""), "goals without indicators stay in the table");
    let xlsx = s.app.http.get(url("monitoring.xlsx")).bearer_auth(&s.admin).send().await.unwrap();
    assert_eq!(&xlsx.bytes().await.unwrap()[..2], b"PK");
    let anon = s.app.http.get(url("monitoring.csv")).send().await.unwrap();
    assert_eq!(anon.status(), 401);
}

async fn report_costs_a_constant_number_of_statements(b: Backend) {
    let s = setup(b).await;
    let mut counts = Vec::new();
    for round in 0..2 {
        for i in 0..3 {
            let g = add_goal(&s.app, &s.admin, &s.field, None, &format!("Ziel {round}-{i}")).await;
            let ind = s.indicator(&format!("X{round}{i}"), &g, Some((10.0, "HIGHER_IS_BETTER")), &[]).await;
            s.value(&ind, "2024", 5.0, None).await;
        }
        let before = s.app.statements().await;
        s.app.ok(Some(&s.admin), REPORT, json!({"id": s.leitbild})).await;
        counts.push(s.app.statements().await - before);
    }
    assert_eq!(counts[0], counts[1], "statements grew with the edition: {counts:?}");
}

on_both_databases!(goal_status_trend_breaks_and_gaps, report_costs_a_constant_number_of_statements);
