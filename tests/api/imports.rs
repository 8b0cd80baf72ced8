//! GENESIS flat-file imports over HTTP, on both databases: mapping, dry run, import under the
//! rules of a confirmation by hand, provenance, idempotence, line errors, CSRF and the CLI's text.

use serde_json::{Value, json};

use crate::{
    on_both_databases,
    support::{Backend, PASSWORD, TestApp, code},
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/genesis");
const MAP: &str = "mutation($id: UUID!, $i: GenesisMappingInput!, $v: Int) { setGenesisMapping(indicatorId: $id, input: $i, expectedVersion: $v) { tableCode valueVariable filters { variable attribute } source licence version } }";
const DELIVERIES: &str = "query($id: UUID!) { indicator(id: $id) { genesisMapping { tableCode version } deliveries { id period status value version breakdown { dimension category value } deliveredBy { name } source { tableCode source licence retrievedOn } } } }";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

/// A multipart body with the one field `file`, written by hand: the test client needs no feature.
fn multipart(bytes: &[u8], name: &str) -> (String, Vec<u8>) {
    let boundary = "teilhabe-test-boundary-7f3a";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

struct Office {
    app: TestApp,
    coordinator: String,
    responsible: String,
    outsider: String,
    indicator: String,
}

async fn office(b: Backend) -> Office {
    office_on(TestApp::start(b).await).await
}

async fn office_on(app: TestApp) -> Office {
    let admin = app.admin().await;
    let amt = app.create_org(&admin, "Amt für Statistik", "ADMINISTRATION").await;
    let other = app.create_org(&admin, "Jobcenter", "ADMINISTRATION").await;
    let (_, coordinator) = app.create_user(&admin, "koordination@example.org", "COORDINATOR", &[]).await;
    let (responsible_id, responsible) = app.create_user(&admin, "statistik@example.org", "MEMBER", &[&amt]).await;
    let (_, outsider) = app.create_user(&admin, "jobcenter@example.org", "MEMBER", &[&other]).await;
    let data = app
        .ok(
            Some(&coordinator),
            "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id } }",
            json!({"i": {
                "code": "BEV-AUS", "name": "Ausländeranteil", "unit": "%",
                "sourceKind": "OFFICIAL_STATISTICS", "sourceDescription": "Landesdatenbank NRW, Tabelle 12411-03-03-4",
                "periodicity": "YEARLY", "ownerId": amt, "responsibleUserId": responsible_id,
                "reviewIntervalMonths": 12,
            }}),
        )
        .await;
    let indicator = data["createIndicator"]["id"].as_str().unwrap().to_string();
    Office { app, coordinator, responsible, outsider, indicator }
}

impl Office {
    async fn upload(&self, token: Option<&str>, file: &str, dry_run: bool) -> (u16, Value) {
        let (content_type, body) = multipart(&fixture(file), file);
        let url = format!(
            "{}/api/indicators/{}/imports/genesis?dryRun={dry_run}&retrievedOn=2026-02-27",
            self.app.base, self.indicator
        );
        let mut req = self.app.http.post(url).header("content-type", content_type).body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    async fn deliveries(&self) -> Vec<Value> {
        let data = self.app.ok(Some(&self.coordinator), DELIVERIES, json!({"id": self.indicator})).await;
        data["indicator"]["deliveries"].as_array().unwrap().clone()
    }

    async fn delivery(&self, period: &str) -> Value {
        self.deliveries().await.into_iter().find(|d| d["period"] == period).unwrap_or(Value::Null)
    }

    async fn map(&self, token: &str) -> Value {
        self.app
            .gql(
                Some(token),
                MAP,
                json!({"id": self.indicator, "i": {
                    "tableCode": "12411-03-03-4", "valueVariable": "ANT001",
                    "filters": [{"variable": "GEMEIN", "attribute": "05515000"}],
                    "source": "Landesdatenbank NRW",
                }}),
            )
            .await
    }

    /// Requests a period and, with a value, confirms it by hand.
    async fn by_hand(&self, period: &str, value: Option<f64>) -> String {
        let due = self.app.clock_now() + chrono::Duration::days(30);
        let id = self
            .app
            .ok(
                Some(&self.coordinator),
                "mutation($id: UUID!, $p: String!, $d: DateTime!) { requestDelivery(indicatorId: $id, period: $p, dueAt: $d) { id } }",
                json!({"id": self.indicator, "p": period, "d": due}),
            )
            .await["requestDelivery"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        if let Some(v) = value {
            self.app
                .ok(
                    Some(&self.responsible),
                    "mutation($id: UUID!, $v: Float) { confirmDelivery(deliveryId: $id, value: $v) { status } }",
                    json!({"id": id, "v": v}),
                )
                .await;
        }
        id
    }

    async fn step(&self, mutation: &str, id: &str) {
        self.app.ok(Some(&self.coordinator), mutation, json!({"id": id})).await;
    }
}

fn outcomes(report: &Value) -> Vec<(String, String)> {
    report["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["period"].as_str().unwrap().to_string(), p["outcome"].as_str().unwrap().to_string()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

async fn a_mapped_table_flows_in_under_the_rules_of_a_confirmation(b: Backend) {
    let o = office(b).await;
    // Mapping: the owner's or a coordinator's; nobody else's.
    assert_eq!(code(&o.map(&o.outsider).await), "FORBIDDEN");
    let (status, body) = o.upload(Some(&o.responsible), "12411-03-03-4_de_flat.csv", true).await;
    assert_eq!((status, code(&body)), (400, "VALIDATION"), "no mapping yet: {body}");
    let mapped = o.map(&o.responsible).await;
    assert_eq!(mapped["data"]["setGenesisMapping"]["licence"], "dl-de/by-2-0", "{mapped}");
    assert_eq!(mapped["data"]["setGenesisMapping"]["filters"][0]["attribute"], "05515000");

    // The periods in every state a confirmation by hand knows.
    o.by_hand("2023", None).await; // requested, open
    let returned = o.by_hand("2021", Some(10.0)).await;
    o.app
        .ok(
            Some(&o.coordinator),
            "mutation($id: UUID!) { returnDelivery(deliveryId: $id, reason: \"Bitte Landesdatenbank nutzen\") { status } }",
            json!({"id": returned}),
        )
        .await;
    let accepted = o.by_hand("2022", Some(99.0)).await;
    o.step("mutation($id: UUID!) { acceptDelivery(deliveryId: $id) { status } }", &accepted).await;
    let before = o.deliveries().await;

    // Dry run: what would happen, and nothing happens.
    let (status, dry) = o.upload(Some(&o.responsible), "12411-03-03-4_de_flat.csv", true).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["dryRun"], true);
    assert_eq!(dry["applied"], false);
    assert_eq!(dry["decimalComma"], true);
    assert_eq!(
        outcomes(&dry),
        pairs(&[("2020", "CREATED"), ("2021", "CHANGED"), ("2022", "REFUSED"), ("2023", "CREATED")])
    );
    assert!(dry["periods"][2]["reason"].as_str().unwrap().contains("angenommen"), "{dry}");
    assert_eq!(dry["periods"][1]["previous"], 10.0);
    let markers: Vec<(u64, &str)> = dry["markers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["line"].as_u64().unwrap(), m["marker"].as_str().unwrap()))
        .collect();
    // Münster's 2019 total is secret, its 2023 women's share too uncertain; other regions' markers
    // are not the city's and not listed.
    assert_eq!(markers, [(2, "."), (40, "/")], "{dry}");
    assert_eq!(dry["markers"][0]["meaning"], "Zahlenwert unbekannt oder geheim zu halten");
    assert_eq!(
        dry["counts"],
        json!({"created": 2, "changed": 1, "unchanged": 0, "refused": 1, "markers": 2, "errors": 0})
    );
    assert_eq!(o.deliveries().await, before, "a dry run writes nothing");

    // The import itself.
    let (status, done) = o.upload(Some(&o.responsible), "12411-03-03-4_de_flat.csv", false).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["applied"], true);
    let y2020 = o.delivery("2020").await;
    assert_eq!(y2020["status"], "DELIVERED");
    assert_eq!(y2020["value"], 10.8);
    assert_eq!(y2020["deliveredBy"]["name"], "statistik");
    assert_eq!(
        y2020["breakdown"],
        json!([{"dimension": "Geschlecht", "category": "männlich", "value": 11.3},
               {"dimension": "Geschlecht", "category": "weiblich", "value": 10.3}])
    );
    assert_eq!(
        y2020["source"],
        json!({"tableCode": "12411-03-03-4", "source": "Landesdatenbank NRW", "licence": "dl-de/by-2-0", "retrievedOn": "2026-02-27"})
    );
    let y2021 = o.delivery("2021").await;
    assert_eq!((y2021["status"].as_str(), y2021["value"].as_f64()), (Some("DELIVERED"), Some(11.2)));
    let y2022 = o.delivery("2022").await;
    assert_eq!((y2022["status"].as_str(), y2022["value"].as_f64()), (Some("ACCEPTED"), Some(99.0)), "left alone");
    assert!(y2022["source"].is_null());
    let y2023 = o.delivery("2023").await;
    assert_eq!(y2023["value"], 12.4);
    assert_eq!(y2023["breakdown"].as_array().unwrap().len(), 1, "the uncertain cell stays out");
    assert!(o.delivery("2019").await.is_null(), "a secret total creates nothing");
    let audit = o.app.audit_of(&o.coordinator, y2020["id"].as_str().unwrap()).await;
    assert_eq!(audit[0].0, "delivery.import", "{audit:?}");

    // The same table again, as the ZIP of the download, changes nothing.
    let after = o.deliveries().await;
    let statements = o.app.statements().await;
    for file in ["12411-03-03-4_de.zip", "12411-03-03-4_de.zip"] {
        let (status, again) = o.upload(Some(&o.responsible), file, false).await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["applied"], false, "{file}: {again}");
        assert_eq!(
            outcomes(&again),
            pairs(&[("2020", "UNCHANGED"), ("2021", "UNCHANGED"), ("2022", "REFUSED"), ("2023", "UNCHANGED")]),
            "{file}"
        );
    }
    assert_eq!(o.deliveries().await, after, "the same file twice changes nothing");
    let reads = o.app.statements().await - statements;
    assert!(reads < 40, "two idempotent imports ran {reads} statements");
}

async fn line_errors_stop_the_import_and_outsiders_are_refused(b: Backend) {
    let o = office(b).await;
    let mapped = o.map(&o.coordinator).await;
    assert!(mapped.get("errors").is_none(), "{mapped}");
    let (status, report) = o.upload(Some(&o.responsible), "12411-03-03-4_fehler_flat.csv", false).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["applied"], false);
    let lines: Vec<u64> = report["errors"].as_array().unwrap().iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 4, 6, 7], "{report}");
    let messages: Vec<&str> =
        report["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert!(
        messages[0].contains("zehn") && messages[2].contains("percentage") && messages[3].contains("line 5"),
        "{messages:?}"
    );
    assert!(o.deliveries().await.is_empty(), "nothing of a file with errors is written");

    // The English download reads alike: decimal point, markers in value_q, English labels.
    let (_, en) = o.upload(Some(&o.responsible), "12411-03-03-4_en_flat.csv", false).await;
    assert_eq!((en["applied"].as_bool(), en["decimalComma"].as_bool()), (Some(true), Some(false)), "{en}");
    assert_eq!(en["counts"]["created"], 4);
    assert_eq!(en["markers"].as_array().unwrap().len(), 2);
    let y2020 = o.delivery("2020").await;
    assert_eq!(y2020["value"], 10.8);
    assert_eq!(y2020["breakdown"][0], json!({"dimension": "Sex", "category": "male", "value": 11.3}));

    // Login, ownership and the CSRF rule of /graphql.
    let (status, body) = o.upload(None, "12411-03-03-4_de_flat.csv", true).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
    let (status, body) = o.upload(Some(&o.outsider), "12411-03-03-4_de_flat.csv", false).await;
    assert_eq!((status, code(&body)), (403, "FORBIDDEN"));
    let login = o
        .app
        .http
        .post(format!("{}/graphql", o.app.base))
        .json(&json!({"query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                      "variables": {"e": "statistik@example.org", "p": PASSWORD}}))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let url = format!("{}/api/indicators/{}/imports/genesis", o.app.base, o.indicator);
    let (content_type, body) = multipart(&fixture("12411-03-03-4_en_flat.csv"), "x.csv");
    let send = |csrf: bool| {
        let mut req =
            o.app.http.post(&url).header("cookie", &cookie).header("content-type", &content_type).body(body.clone());
        if csrf {
            req = req.header("x-teilhabe-csrf", "1");
        }
        req.send()
    };
    assert_eq!(send(false).await.unwrap().status(), 403, "a cookie without the CSRF header");
    let with: Value = send(true).await.unwrap().json().await.unwrap();
    assert_eq!(with["counts"]["unchanged"], 4, "{with}");
    let form = o
        .app
        .http
        .post(&url)
        .bearer_auth(&o.responsible)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("file=x")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
}

impl Office {
    async fn sheet(&self, token: &str, bytes: &[u8], dry_run: bool) -> (u16, Value) {
        let (content_type, body) = multipart(bytes, "werte.xlsx");
        let url = format!("{}/api/imports/sheet?dryRun={dry_run}", self.app.base);
        let res = self
            .app
            .http
            .post(url)
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    async fn indicator(&self, code_: &str, unit: &str, owner: &str) -> String {
        let data = self
            .app
            .ok(
                Some(&self.coordinator),
                "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id } }",
                json!({"i": {
                    "code": code_, "name": code_, "unit": unit, "sourceKind": "DEPARTMENT",
                    "sourceDescription": "Fachverfahren", "periodicity": "YEARLY", "ownerId": owner,
                    "reviewIntervalMonths": 12,
                }}),
            )
            .await;
        data["createIndicator"]["id"].as_str().unwrap().to_string()
    }
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if r > 0 && c > 1 => sheet.write_number(r, c, n).map(|_| ()),
                _ => sheet.write_string(r, c, *cell).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn departments_upload_spreadsheets_with_many_values(b: Backend) {
    let o = office(b).await;
    let admin = o.app.admin().await;
    let orgs = o.app.ok(Some(&admin), "{ organizations { id name } }", json!({})).await;
    let org = |name: &str| {
        orgs["organizations"].as_array().unwrap().iter().find(|x| x["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let kita = o.indicator("KITA-1", "Kinder", &org("Amt für Statistik")).await;
    o.indicator("JC-1", "Personen", &org("Jobcenter")).await;

    // A CSV with errors: nothing of it is written, every error has its line.
    let csv = "Indikator;Zeitraum;Wert;Bezirk: Mitte;Bezirk: Nord;Anmerkung\n\
               KITA-1;2024;1.234;600;634;aus dem Fachverfahren\n\
               GIBT-ES-NICHT;2024;1;;;\n\
               JC-1;2024;5;;;\n\
               BEV-AUS;2024;120,5;;;\n\
               KITA-1;2024/25;3;;;\n\
               KITA-1;2023;viele;;;\n";
    let (status, report) = o.sheet(&o.responsible, csv.as_bytes(), false).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["applied"], false);
    let lines: Vec<u64> = report["errors"].as_array().unwrap().iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7], "{report}");
    assert!(report["errors"][1]["message"].as_str().unwrap().contains("JC-1"), "another department's indicator");
    assert!(report["errors"][2]["message"].as_str().unwrap().contains("percentage"));
    assert!(o.deliveries().await.is_empty());
    assert_eq!(report["periods"][0]["value"], 1234.0, "German Excel's 1.234");

    // An XLSX: dry run, import, and the same sheet again.
    let sheet = xlsx(&[
        &["Indikator", "Zeitraum", "Wert", "Bezirk: Mitte", "Bezirk: Nord", "Anmerkung"],
        &["KITA-1", "2024", "1234", "600", "634", "Stichtag 1.3."],
        &["BEV-AUS", "2024", "12.9", "", "", ""],
    ]);
    let (_, dry) = o.sheet(&o.responsible, &sheet, true).await;
    assert_eq!(dry["counts"]["created"], 2, "{dry}");
    assert_eq!(dry["periods"][0]["indicatorCode"], "KITA-1");
    assert_eq!(dry["periods"][0]["line"], 2);
    assert!(o.deliveries().await.is_empty(), "a dry run writes nothing");
    let (_, done) = o.sheet(&o.responsible, &sheet, false).await;
    assert_eq!(done["applied"], true, "{done}");
    assert_eq!(o.delivery("2024").await["value"], 12.9);
    let kita_rows = o.app.ok(Some(&o.coordinator), DELIVERIES, json!({"id": kita})).await;
    let d = &kita_rows["indicator"]["deliveries"][0];
    assert_eq!((d["status"].as_str(), d["value"].as_f64()), (Some("DELIVERED"), Some(1234.0)));
    assert_eq!(d["breakdown"][1], json!({"dimension": "Bezirk", "category": "Nord", "value": 634.0}));
    let (_, again) = o.sheet(&o.responsible, &sheet, false).await;
    assert_eq!((again["applied"].as_bool(), again["counts"]["unchanged"].as_u64()), (Some(false), Some(2)), "{again}");
    let (status, _) = o.sheet(&o.outsider, &sheet, true).await;
    assert_eq!(status, 200, "an outsider sees only line errors");

    // A department's sheet may be larger than the 1 MB of other requests, up to 20 MB.
    let mut big = String::from("Indikator;Zeitraum;Wert;Anmerkung\n");
    while big.len() < 1_500_000 {
        big.push_str(&format!("KITA-1;2024;1234;{}\n", "x".repeat(200)));
    }
    let (status, report) = o.sheet(&o.responsible, big.as_bytes(), true).await;
    assert_eq!(status, 200, "{}", &report.to_string()[..200.min(report.to_string().len())]);
    let huge = vec![b'x'; 21 * 1024 * 1024];
    let (status, refused) = o.sheet(&o.responsible, &huge, true).await;
    assert_eq!((status, refused["errors"][0]["extensions"]["code"].as_str()), (400, Some("LIMIT")), "{refused}");
}

on_both_databases!(
    a_mapped_table_flows_in_under_the_rules_of_a_confirmation,
    line_errors_stop_the_import_and_outsiders_are_refused,
    departments_upload_spreadsheets_with_many_values,
);

fn cli(db: &str, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_teilhabe"))
        .args(args)
        .env("TEILHABE_DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test]
async fn the_command_line_imports_a_flat_file_after_a_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db?mode=rwc", dir.path().display());
    let o = office_on(TestApp::start_with(Backend::Sqlite, |c| c.database_url = db.clone()).await).await;
    assert!(o.map(&o.responsible).await.get("errors").is_none());
    let file = format!("{FIXTURES}/12411-03-03-4_de.zip");
    let (ok, out) = cli(&db, &["import", "genesis", &file, "--indicator", "BEV-AUS", "--dry-run"]);
    assert!(ok, "{out}");
    assert!(out.contains("Probelauf BEV-AUS ← 12411-03-03-4: 4 neu"), "{out}");
    assert!(out.contains("Zeile 2: 31.12.2019 „.“ – Zahlenwert unbekannt"), "{out}");
    assert!(o.deliveries().await.is_empty(), "a dry run writes nothing");
    let (ok, out) = cli(&db, &["import", "genesis", &file, "--indicator", "BEV-AUS", "--retrieved", "2026-01-15"]);
    assert!(ok && out.contains("übernommen"), "{out}");
    assert!(!out.contains('\u{1b}'), "no progress escape codes in piped output: {out:?}");
    let y2023 = o.delivery("2023").await;
    assert_eq!(y2023["value"], 12.4);
    assert_eq!(y2023["source"]["retrievedOn"], "2026-01-15");
    assert!(y2023["deliveredBy"].is_null(), "the operator answers for the machine");
    let bad = format!("{FIXTURES}/12411-03-03-4_fehler_flat.csv");
    let (ok, out) = cli(&db, &["import", "genesis", &bad, "--indicator", "BEV-AUS"]);
    assert!(!ok && out.contains("Fehler in Zeile 3"), "{out}");
    let (ok, _) = cli(&db, &["import", "genesis", &file, "--indicator", "GIBT-ES-NICHT", "--dry-run"]);
    assert!(!ok);
}
