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
    assert!(text.contains("\"Beschäftigung steigt\";\"auf gutem Weg\";\"A1\""), "{text}");
    assert!(text.contains("\"2024\";\"\";\"\";\"55\";"), "{text}");
    assert!(text.contains("\"Gründungen nehmen zu\";\"keine Daten\""), "goals without indicators stay in the table");
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

const FROZEN: &str = "query($id: UUID!) { frozenReport(id: $id) { number title published frozenBy { name } report {
  fields { title text goals { title status indicators { code latestValue series { period value breakBefore deliveredBy acceptedBy breakdown { dimension category value } } terms { label agreed } } } }
  definitions { id termLabel text version } gaps { kind } } } }";
const FREEZE: &str = "mutation($id: UUID!, $t: String!) { freezeReport(leitbildId: $id, title: $t, fromPeriod: \"2022\", toPeriod: \"2025\") { id number } }";
const TEXT: &str = "mutation($f: UUID!, $t: String!, $v: Int!) { setReportText(fieldOfActionId: $f, text: $t, expectedVersion: $v) { text version } }";
const CHANGES: &str = "query($id: UUID!) { reportChanges(leitbildId: $id) { since { number } items { kind message indicatorId termId deliveryId goalId previousStatus status } } }";
const PUBLISH: &str =
    "mutation($k: PublicationKind!, $id: UUID!, $p: Boolean!) { setPublished(kind: $k, targetId: $id, published: $p) }";

impl Setup {
    async fn adopt(&self) {
        self.app
            .ok(
                Some(&self.admin),
                "mutation($id: UUID!) { adoptLeitbild(leitbildId: $id, resolutionReference: \"V/1/2023\") { status } }",
                json!({"id": self.leitbild}),
            )
            .await;
    }

    /// A term agreed under a one-approval rule, with its definition; approved by a second person
    /// of the administration because nobody approves their own text.
    async fn agreed_term(&self, label: &str) -> (String, String) {
        let (id, def) = self.term(label).await;
        self.app
            .ok(
                Some(&self.admin),
                "mutation { setAgreementRule(requiredSectors: [ADMINISTRATION], minApprovalsPerSector: 1) { id } }",
                json!({}),
            )
            .await;
        let email = format!("pruefer-{}@stadt.example", label.len());
        let (_, reviewer) = self.app.create_user(&self.admin, &email, "MEMBER", &[&self.amt]).await;
        self.app
            .ok(
                Some(&reviewer),
                "mutation($d: UUID!) { reviewDefinition(definitionId: $d, decision: APPROVE) { id } }",
                json!({"d": def}),
            )
            .await;
        (id, def)
    }

    async fn term(&self, label: &str) -> (String, String) {
        let t = self
            .app
            .ok(
                Some(&self.admin),
                "mutation($i: ProposeTermInput!) { proposeTerm(input: $i) { id definitions { id } } }",
                json!({"i": {"label": label, "definition": format!("Definition von {label}."), "source": {"publisher": "IT.NRW"}}}),
            )
            .await;
        (
            t["proposeTerm"]["id"].as_str().unwrap().to_string(),
            t["proposeTerm"]["definitions"][0]["id"].as_str().unwrap().to_string(),
        )
    }
}

async fn a_frozen_report_keeps_its_figures_definitions_and_texts(b: Backend) {
    let s = setup(b).await;
    let goal_id = add_goal(&s.app, &s.admin, &s.field, None, "Beschäftigung steigt").await;
    let (term, def) = s.term("Erwerbstätigenquote").await;
    let a1 = s.indicator("A1", &goal_id, Some((60.0, "HIGHER_IS_BETTER")), &[&term]).await;
    s.value(&a1, "2023", 50.0, Some(&def)).await;
    let member = s.app.create_user(&s.admin, "rat@stadt.example", "MEMBER", &[&s.amt]).await.1;

    // Texts per field of action, versioned.
    assert_eq!(code(&s.app.gql(Some(&member), TEXT, json!({"f": s.field, "t": "x", "v": 0})).await), "FORBIDDEN");
    let saved = s.app.ok(Some(&s.admin), TEXT, json!({"f": s.field, "t": "Die Beschäftigung wächst.", "v": 0})).await;
    assert_eq!(saved["setReportText"]["version"], 1);
    let stale = s.app.gql(Some(&s.admin), TEXT, json!({"f": s.field, "t": "Überschrieben", "v": 0})).await;
    assert_eq!(code(&stale), "CONFLICT");
    assert_eq!(stale["errors"][0]["extensions"]["details"]["currentText"], "Die Beschäftigung wächst.");

    // Only adopted editions are frozen, only by coordinators, with a title.
    assert_eq!(
        code(&s.app.gql(Some(&s.admin), FREEZE, json!({"id": s.leitbild, "t": "Bericht 2025"})).await),
        "VALIDATION"
    );
    s.adopt().await;
    assert_eq!(
        code(&s.app.gql(Some(&member), FREEZE, json!({"id": s.leitbild, "t": "Bericht 2025"})).await),
        "FORBIDDEN"
    );
    assert_eq!(code(&s.app.gql(Some(&s.admin), FREEZE, json!({"id": s.leitbild, "t": "  "})).await), "VALIDATION");
    let frozen = s.app.ok(Some(&s.admin), FREEZE, json!({"id": s.leitbild, "t": "Integrationsbericht 2025"})).await;
    assert_eq!(frozen["freezeReport"]["number"], 1);
    let id = frozen["freezeReport"]["id"].clone();
    let before = s.app.ok(Some(&member), FROZEN, json!({"id": id})).await;
    let report = &before["frozenReport"]["report"];
    assert_eq!(report["fields"][0]["text"], "Die Beschäftigung wächst.");
    assert_eq!(report["fields"][0]["goals"][0]["indicators"][0]["series"][0]["deliveredBy"], "admin");
    assert_eq!(report["definitions"][0]["termLabel"], "Erwerbstätigenquote");
    assert_eq!(before["frozenReport"]["published"], false);

    // Later deliveries, definition edits and texts change the live report, not the frozen one.
    s.value(&a1, "2024", 55.0, Some(&def)).await;
    s.app
        .ok(
            Some(&s.admin),
            "mutation($d: UUID!) { updateDefinition(definitionId: $d, text: \"Neu gefasst.\", expectedVersion: 1) { id } }",
            json!({"d": def}),
        )
        .await;
    s.app.ok(Some(&s.admin), TEXT, json!({"f": s.field, "t": "Neuer Text", "v": 1})).await;
    let after = s.app.ok(Some(&member), FROZEN, json!({"id": id})).await;
    assert_eq!(before, after, "a frozen report never changes");
    let live = s.app.ok(Some(&s.admin), REPORT, json!({"id": s.leitbild})).await;
    assert_eq!(goal(&live, "Beschäftigung steigt")["indicators"][0]["latestValue"], 55.0);

    // The next report gets the next number; the list is newest first.
    let second = s.app.ok(Some(&s.admin), FREEZE, json!({"id": s.leitbild, "t": "Zwischenbericht"})).await;
    assert_eq!(second["freezeReport"]["number"], 2);
    let list = s
        .app
        .ok(Some(&member), "query($id: UUID) { frozenReports(leitbildId: $id) { number } }", json!({"id": s.leitbild}))
        .await;
    assert_eq!(list["frozenReports"], json!([{"number": 2}, {"number": 1}]));

    // The data behind a frozen report.
    let url = format!("{}/api/reports/frozen/{}/bericht.csv", s.app.base, id.as_str().unwrap());
    let csv = s.app.http.get(&url).bearer_auth(&member).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.contains("\"2023\";\"\";\"\";\"50\""), "{text}");
    assert!(!text.contains("\"2024\""), "frozen before 2024 was delivered: {text}");
    assert_eq!(s.app.http.get(&url).send().await.unwrap().status(), 404, "not public until published");
}

async fn what_changed_since_the_last_report(b: Backend) {
    let s = setup(b).await;
    let g1 = add_goal(&s.app, &s.admin, &s.field, None, "Beschäftigung steigt").await;
    let g2 = add_goal(&s.app, &s.admin, &s.field, None, "Gründungen nehmen zu").await;
    s.adopt().await;
    let (term, def) = s.term("Erwerbstätigenquote").await;
    let a1 = s.indicator("A1", &g1, Some((60.0, "HIGHER_IS_BETTER")), &[&term]).await;
    s.value(&a1, "2023", 50.0, Some(&def)).await;

    let none = s.app.ok(Some(&s.admin), CHANGES, json!({"id": s.leitbild})).await;
    assert_eq!(none["reportChanges"]["since"], Value::Null);
    assert_eq!(none["reportChanges"]["items"], json!([]));
    s.app.ok(Some(&s.admin), FREEZE, json!({"id": s.leitbild, "t": "Bericht 2023"})).await;
    let quiet = s.app.ok(Some(&s.admin), CHANGES, json!({"id": s.leitbild})).await;
    assert_eq!(quiet["reportChanges"]["since"]["number"], 1);
    assert_eq!(quiet["reportChanges"]["items"], json!([]), "nothing changed yet");

    s.app.clock.advance(chrono::Duration::days(1));
    // A new definition is followed by the next value: a definition change and a series break.
    let def2 = s
        .app
        .ok(
            Some(&s.admin),
            "mutation($i: ProposeDefinitionInput!) { proposeDefinition(input: $i) { id } }",
            json!({"i": {"termId": term, "text": "Nach Mikrozensus."}}),
        )
        .await["proposeDefinition"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.value(&a1, "2024", 52.0, Some(&def2)).await;
    s.value(&a1, "2025", 61.0, Some(&def2)).await;
    // A new indicator; a delivery confirmed late; one missing.
    let a2 = s.indicator("A2", &g2, None, &[]).await;
    let due_soon = |p: &str, due: &str| {
        let (app, admin, a2) = (&s.app, &s.admin, &a2);
        let (p, due) = (p.to_string(), due.to_string());
        async move {
            app.ok(
                Some(admin),
                "mutation($id: UUID!, $p: String!, $d: DateTime!) { requestDelivery(indicatorId: $id, period: $p, dueAt: $d) { id } }",
                json!({"id": a2, "p": p, "d": due}),
            )
            .await["requestDelivery"]["id"]
            .clone()
        }
    };
    let now = s.app.clock_now();
    let late = due_soon("2024", &(now + chrono::Duration::days(2)).to_rfc3339()).await;
    let missing = due_soon("2025", &(now + chrono::Duration::days(3)).to_rfc3339()).await;
    s.app.clock.advance(chrono::Duration::days(5));
    s.app
        .ok(
            Some(&s.admin),
            "mutation($id: UUID!) { confirmDelivery(deliveryId: $id, value: 3) { id } }",
            json!({"id": late}),
        )
        .await;

    let changes = s.app.ok(Some(&s.admin), CHANGES, json!({"id": s.leitbild})).await;
    let all = changes["reportChanges"]["items"].as_array().unwrap();
    // Results first: the goal reached its target with the two values accepted after the freeze.
    let status = &all[0];
    assert_eq!(status["kind"], "GOAL_STATUS_CHANGED", "{all:#?}");
    assert_eq!(status["goalId"], json!(g1));
    assert_eq!(
        (status["previousStatus"].as_str(), status["status"].as_str()),
        (Some("INSUFFICIENT_DATA"), Some("REACHED"))
    );
    assert_eq!(status["message"], "Stand des Ziels „Beschäftigung steigt“ hat sich geändert");
    let values: Vec<&str> = all[1..3].iter().map(|i| i["message"].as_str().unwrap()).collect();
    assert_eq!(values, ["Neuer Wert für A1 (2024): 52 %", "Neuer Wert für A1 (2025): 61 %"]);
    assert!(all[1..3].iter().all(|i| i["kind"] == "VALUE_ADDED" && i["indicatorId"] == json!(a1)));
    let items = &all[3..];
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["INDICATOR_ADDED", "DEFINITION_CHANGED", "SERIES_BREAK", "DELIVERY_LATE", "DELIVERY_MISSING"],
        "{items:#?}"
    );
    assert_eq!(items[0]["indicatorId"], json!(a2));
    assert_eq!(items[0]["message"], "Indikator A2 „Indikator A2“ ist hinzugekommen");
    assert_eq!(items[1]["termId"], json!(term));
    assert_eq!(items[2]["message"], "Reihenbruch bei A1 ab 2024: Die Werte folgen einer anderen Definition");
    assert_eq!(items[3]["deliveryId"], late);
    assert_eq!(items[4]["deliveryId"], missing);
    assert!(items[4]["message"].as_str().unwrap().starts_with("Lieferung 2025 für A2 fehlt (fällig am "));
    assert_eq!(code(&s.app.gql(None, CHANGES, json!({"id": s.leitbild})).await), "UNAUTHENTICATED");
}

async fn reports_cite_the_agreed_version_while_a_change_is_under_review(b: Backend) {
    let s = setup(b).await;
    let g1 = add_goal(&s.app, &s.admin, &s.field, None, "Beschäftigung steigt").await;
    let (agreed, def) = s.agreed_term("Erwerbstätigenquote").await;
    s.indicator("A1", &g1, None, &[&agreed]).await;
    let cited = |r: &Value| r["monitoringReport"]["definitions"][0]["text"].clone();
    let before = s.app.ok(Some(&s.admin), REPORT, json!({"id": s.leitbild})).await;
    assert_eq!(cited(&before), "Definition von Erwerbstätigenquote.");
    s.app
        .ok(
            Some(&s.admin),
            "mutation($d: UUID!) { updateDefinition(definitionId: $d, text: \"Noch nicht vereinbart.\", expectedVersion: 1) { id } }",
            json!({"d": def}),
        )
        .await;
    let after = s.app.ok(Some(&s.admin), REPORT, json!({"id": s.leitbild})).await;
    assert_eq!(cited(&after), "Definition von Erwerbstätigenquote.", "the agreed version is in force");
}

async fn published_editions_glossary_and_reports_are_read_without_login(b: Backend) {
    let s = setup(b).await;
    let g1 = add_goal(&s.app, &s.admin, &s.field, None, "Beschäftigung steigt").await;
    let (agreed, _) = s.agreed_term("Erwerbstätigenquote").await;
    s.term("Migrationshintergrund").await;
    let a1 = s.indicator("A1", &g1, Some((60.0, "HIGHER_IS_BETTER")), &[&agreed]).await;
    s.value(&a1, "2023", 50.0, None).await;
    let next = s
        .app
        .ok(
            Some(&s.admin),
            "mutation($id: UUID!) { requestDelivery(indicatorId: $id, period: \"2024\", dueAt: \"2027-03-31T10:00:00Z\") { id } }",
            json!({"id": a1}),
        )
        .await;
    assert!(next["requestDelivery"]["id"].is_string());
    let member = s.app.create_user(&s.admin, "rat@stadt.example", "MEMBER", &[&s.amt]).await.1;
    const OVERVIEW: &str = "{ publicOverview { editions { id title } glossaryPublished reports { number title } } }";
    const EDITION: &str = "query($id: UUID!) { publicEdition(id: $id) { report { leitbildTitle gaps { kind } fields { title goals { title indicators { code ownerName series { period value deliveredBy acceptedBy } } } } }
      indicatorStatus { indicatorId lastPeriod nextExpectedAt } } }";

    let empty = s.app.ok(None, OVERVIEW, json!({})).await;
    assert_eq!(empty["publicOverview"], json!({"editions": [], "glossaryPublished": false, "reports": []}));
    assert_eq!(code(&s.app.gql(None, EDITION, json!({"id": s.leitbild})).await), "NOT_FOUND");
    let publish = |kind: &'static str, id: Value, p: bool| {
        let (app, admin) = (&s.app, &s.admin);
        async move { app.gql(Some(admin), PUBLISH, json!({"k": kind, "id": id, "p": p})).await }
    };
    assert_eq!(code(&publish("LEITBILD", json!(s.leitbild), true).await), "VALIDATION", "drafts stay internal");
    assert_eq!(
        code(&s.app.gql(Some(&member), PUBLISH, json!({"k": "LEITBILD", "id": s.leitbild, "p": true})).await),
        "FORBIDDEN"
    );
    s.adopt().await;
    assert_eq!(publish("LEITBILD", json!(s.leitbild), true).await["data"]["setPublished"], true);
    assert_eq!(publish("LEITBILD", json!(s.leitbild), true).await["data"]["setPublished"], true, "idempotent");

    let edition = s.app.ok(None, EDITION, json!({"id": s.leitbild})).await;
    let e = &edition["publicEdition"];
    assert_eq!(e["report"]["gaps"], json!([]), "the internal gap list stays internal");
    let ind = &e["report"]["fields"][0]["goals"][0]["indicators"][0];
    assert_eq!(ind["ownerName"], "Amt für Statistik");
    assert_eq!(ind["series"], json!([{"period": "2023", "value": 50.0, "deliveredBy": null, "acceptedBy": null}]));
    assert_eq!(e["indicatorStatus"][0]["lastPeriod"], "2023");
    assert_eq!(e["indicatorStatus"][0]["nextExpectedAt"], "2027-03-31T10:00:00+00:00");

    // The glossary: only its agreed part, pages and SKOS, once published.
    let ttl = format!("{}/glossary.ttl", s.app.base);
    assert_eq!(s.app.http.get(&ttl).send().await.unwrap().status(), 401);
    assert_eq!(code(&s.app.gql(None, "{ publicGlossary { label } }", json!({})).await), "NOT_FOUND");
    let glossary_id = s.app.ok(Some(&s.admin), "{ glossary { id } }", json!({})).await["glossary"]["id"].clone();
    publish("GLOSSARY", glossary_id.clone(), true).await;
    let body = s.app.http.get(&ttl).send().await.unwrap().text().await.unwrap();
    assert!(body.contains("Erwerbstätigenquote") && !body.contains("Migrationshintergrund"), "{body}");
    let terms = s.app.ok(None, "{ publicGlossary { label definition sourcePublisher } }", json!({})).await;
    assert_eq!(
        terms["publicGlossary"],
        json!([{"label": "Erwerbstätigenquote", "definition": "Definition von Erwerbstätigenquote.", "sourcePublisher": "IT.NRW"}])
    );
    let full = s.app.http.get(&ttl).bearer_auth(&s.admin).send().await.unwrap().text().await.unwrap();
    assert!(full.contains("Migrationshintergrund"), "logged-in readers still get everything");

    // A frozen report, without names.
    let frozen = s.app.ok(Some(&s.admin), FREEZE, json!({"id": s.leitbild, "t": "Integrationsbericht 2025"})).await;
    let id = frozen["freezeReport"]["id"].clone();
    let public_report = "query($id: UUID!) { publicReport(id: $id) { number published frozenBy { name } report { fields { goals { indicators { series { value deliveredBy } } } } } } }";
    assert_eq!(code(&s.app.gql(None, public_report, json!({"id": id})).await), "NOT_FOUND");
    publish("REPORT", id.clone(), true).await;
    let r = s.app.ok(None, public_report, json!({"id": id})).await;
    assert_eq!(r["publicReport"]["frozenBy"], Value::Null);
    assert_eq!(r["publicReport"]["published"], true);
    assert_eq!(
        r["publicReport"]["report"]["fields"][0]["goals"][0]["indicators"][0]["series"][0]["deliveredBy"],
        Value::Null
    );
    let csv = format!("{}/api/reports/frozen/{}/bericht.csv", s.app.base, id.as_str().unwrap());
    assert_eq!(s.app.http.get(&csv).send().await.unwrap().status(), 200);
    let overview = s.app.ok(None, OVERVIEW, json!({})).await;
    assert_eq!(overview["publicOverview"]["glossaryPublished"], true);
    assert_eq!(overview["publicOverview"]["reports"], json!([{"number": 1, "title": "Integrationsbericht 2025"}]));
    assert_eq!(
        overview["publicOverview"]["editions"][0]["title"],
        s.app.ok(Some(&s.admin), "query($id: UUID!) { leitbild(id: $id) { title } }", json!({"id": s.leitbild})).await
            ["leitbild"]["title"]
    );

    // Withdrawn again: gone for the public, and every step is in the audit log.
    publish("LEITBILD", json!(s.leitbild), false).await;
    assert_eq!(code(&s.app.gql(None, EDITION, json!({"id": s.leitbild})).await), "NOT_FOUND");
    let log = s
        .app
        .ok(
            Some(&s.admin),
            "query($id: UUID) { auditLog(entityId: $id, first: 10) { edges { node { action } } } }",
            json!({"id": s.leitbild}),
        )
        .await;
    let actions: Vec<&str> =
        log["auditLog"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"publication.publish") && actions.contains(&"publication.withdraw"), "{actions:?}");
}

const SCOPE: &str = "mutation($id: UUID!, $f: [UUID!]!) { setMonitoringScope(leitbildId: $id, fieldOfActionIds: $f) }";
const SCOPED: &str = "query($id: UUID!) { monitoringReport(leitbildId: $id) { monitoringScope
  fields { id title inMonitoringScope goals { title status } }
  summary { fieldsCovered fieldsTotal counts { goals reached onTrack offTrack noData }
    byField { fieldOfActionId inMonitoringScope counts { goals noData } } }
  gaps { kind goalId indicatorId } } }";

/// A city starts small: gaps and the "keine Daten" counts look only at the fields the monitoring
/// covers; an empty scope covers all, so that editions without one report as before.
async fn the_monitoring_scope_limits_gaps_and_counts(b: Backend) {
    let s = setup(b).await;
    let covered = add_goal(&s.app, &s.admin, &s.field, None, "Beschäftigung steigt").await;
    let empty_here = add_goal(&s.app, &s.admin, &s.field, None, "Gründungen nehmen zu").await;
    let later = add_field(&s.app, &s.admin, &s.leitbild, "Wohnen").await;
    let elsewhere = add_goal(&s.app, &s.admin, &later, None, "Wohnraum ist erreichbar").await;
    let elsewhere_too = add_goal(&s.app, &s.admin, &later, None, "Keine Diskriminierung am Wohnungsmarkt").await;
    let a1 = s.indicator("A1", &covered, Some((60.0, "HIGHER_IS_BETTER")), &[]).await;
    s.value(&a1, "2024", 61.0, None).await;
    // An indicator only of the uncovered field, with an unagreed term and an overdue delivery.
    let (term, _) = s.term("Wohnkostenbelastung").await;
    let w1 = s.indicator("W1", &elsewhere, Some((30.0, "LOWER_IS_BETTER")), &[&term]).await;
    s.app
        .ok(
            Some(&s.admin),
            "mutation($id: UUID!) { requestDelivery(indicatorId: $id, period: \"2025\", dueAt: \"2026-03-01T10:00:00Z\") { id } }",
            json!({"id": w1}),
        )
        .await;
    s.app.clock.advance(chrono::Duration::days(3));

    // No scope: every field counts, as before.
    let all = s.app.ok(Some(&s.admin), SCOPED, json!({"id": s.leitbild})).await;
    let r = &all["monitoringReport"];
    assert_eq!(r["monitoringScope"], json!([]));
    assert_eq!(r["summary"]["counts"], json!({"goals": 4, "reached": 1, "onTrack": 0, "offTrack": 0, "noData": 3}));
    assert_eq!((r["summary"]["fieldsCovered"].as_i64(), r["summary"]["fieldsTotal"].as_i64()), (Some(2), Some(2)));
    let gaps = r["gaps"].as_array().unwrap();
    let about = |gaps: &[Value], key: &str, id: &str| gaps.iter().filter(|g| g[key] == id).count();
    assert_eq!(about(gaps, "goalId", &elsewhere_too), 1, "{gaps:#?}");
    assert_eq!(about(gaps, "indicatorId", &w1), 2, "the unagreed term and the overdue delivery: {gaps:#?}");

    // Only a member of staff may not set it; only fields of this edition.
    let member = s.app.create_user(&s.admin, "rat@stadt.example", "MEMBER", &[&s.amt]).await.1;
    let forbidden = s.app.gql(Some(&member), SCOPE, json!({"id": s.leitbild, "f": [s.field]})).await;
    assert_eq!(code(&forbidden), "FORBIDDEN");
    let other = create_leitbild(&s.app, &s.admin, 2030, None).await["id"].as_str().unwrap().to_string();
    let foreign = add_field(&s.app, &s.admin, &other, "Fremd").await;
    let bad = s.app.gql(Some(&s.admin), SCOPE, json!({"id": s.leitbild, "f": [s.field, foreign]})).await;
    assert_eq!(code(&bad), "VALIDATION");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "fieldOfActionIds");

    // The coordinator starts with one field (on the adopted edition, too).
    s.adopt().await;
    let set = s.app.ok(Some(&s.admin), SCOPE, json!({"id": s.leitbild, "f": [s.field, s.field]})).await;
    assert_eq!(set["setMonitoringScope"], json!([s.field]));
    let read = s
        .app
        .ok(Some(&member), "query($id: UUID!) { leitbild(id: $id) { monitoringScope } }", json!({"id": s.leitbild}))
        .await;
    assert_eq!(read["leitbild"]["monitoringScope"], json!([s.field]));
    let scoped = s.app.ok(Some(&member), SCOPED, json!({"id": s.leitbild})).await;
    let r = &scoped["monitoringReport"];
    assert_eq!(r["monitoringScope"], json!([s.field]));
    assert_eq!(r["fields"][0]["inMonitoringScope"], true);
    assert_eq!(r["fields"][1]["inMonitoringScope"], false);
    assert_eq!(r["summary"]["counts"], json!({"goals": 2, "reached": 1, "onTrack": 0, "offTrack": 0, "noData": 1}));
    assert_eq!((r["summary"]["fieldsCovered"].as_i64(), r["summary"]["fieldsTotal"].as_i64()), (Some(1), Some(2)));
    assert_eq!(
        r["summary"]["byField"][1],
        json!({"fieldOfActionId": later, "inMonitoringScope": false, "counts": {"goals": 2, "noData": 2}})
    );
    let gaps = r["gaps"].as_array().unwrap();
    assert_eq!(about(gaps, "goalId", &empty_here), 1, "the covered field's gap stays: {gaps:#?}");
    assert_eq!(about(gaps, "goalId", &elsewhere_too), 0, "{gaps:#?}");
    assert_eq!(about(gaps, "indicatorId", &w1), 0, "{gaps:#?}");
    // The uncovered goals keep their status, they only leave the counts.
    assert_eq!(r["fields"][1]["goals"][0]["status"], "NO_DATA");

    // A frozen report keeps the scope it was frozen with.
    let frozen = s.app.ok(Some(&s.admin), FREEZE, json!({"id": s.leitbild, "t": "Bericht"})).await;
    let id = frozen["freezeReport"]["id"].clone();
    let doc = s
        .app
        .ok(
            Some(&s.admin),
            "query($id: UUID!) { frozenReport(id: $id) { report { monitoringScope summary { counts { noData } } fields { inMonitoringScope } } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(doc["frozenReport"]["report"]["monitoringScope"], json!([s.field]));
    assert_eq!(doc["frozenReport"]["report"]["summary"]["counts"]["noData"], 1);

    // A new edition copied from this one covers the same fields (its own copies of them).
    let next = create_leitbild(&s.app, &s.admin, 2028, Some(&s.leitbild)).await["id"].as_str().unwrap().to_string();
    let copied = s
        .app
        .ok(
            Some(&s.admin),
            "query($id: UUID!) { leitbild(id: $id) { monitoringScope fieldsOfAction { id title } } }",
            json!({"id": next}),
        )
        .await;
    let first_copy = copied["leitbild"]["fieldsOfAction"][0]["id"].clone();
    assert_eq!(copied["leitbild"]["fieldsOfAction"][0]["title"], "Arbeit und Wirtschaft");
    assert_eq!(copied["leitbild"]["monitoringScope"], json!([first_copy]));

    // Every field, or none: all again; and every step is in the audit log.
    let all_again = s.app.ok(Some(&s.admin), SCOPE, json!({"id": s.leitbild, "f": [s.field, later]})).await;
    assert_eq!(all_again["setMonitoringScope"], json!([]));
    let again = s.app.ok(Some(&s.admin), SCOPED, json!({"id": s.leitbild})).await;
    assert_eq!(again["monitoringReport"]["summary"]["counts"]["noData"], 3);
    let log = s
        .app
        .ok(
            Some(&s.admin),
            "query($id: UUID) { auditLog(entityId: $id, first: 20) { edges { node { action summary } } } }",
            json!({"id": s.leitbild}),
        )
        .await;
    let summaries: Vec<&str> = log["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["action"] == "leitbild.monitoring_scope")
        .map(|e| e["node"]["summary"].as_str().unwrap())
        .collect();
    assert_eq!(summaries.len(), 2, "{summaries:?}");
    assert!(
        summaries.iter().any(|s| s.ends_with("umfasst 1 von 2 Handlungsfeldern: Arbeit und Wirtschaft")),
        "{summaries:?}"
    );
}

on_both_databases!(
    the_monitoring_scope_limits_gaps_and_counts,
    goal_status_trend_breaks_and_gaps,
    report_costs_a_constant_number_of_statements,
    a_frozen_report_keeps_its_figures_definitions_and_texts,
    reports_cite_the_agreed_version_while_a_change_is_under_review,
    what_changed_since_the_last_report,
    published_editions_glossary_and_reports_are_read_without_login
);

/// Every operation of `graphql/examples/reports.graphql` passes validation against the schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_operations_are_valid() {
    let app = TestApp::start(Backend::Sqlite).await;
    assert_eq!(crate::support::check_example_operations(&app, "reports.graphql").await, 13);
}
