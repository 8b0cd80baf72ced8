//! Computed indicators over HTTP, on both databases: the formula's rules, the ratio with both
//! inputs on the indicator page, in the report and its download, and no deliveries for them;
//! reference values entered and imported beside the series, never in the status.

use serde_json::{Value, json};

use crate::{
    leitbild::{add_field, add_goal, create_leitbild},
    on_both_databases,
    support::{Backend, TestApp, code},
};

const SET: &str = "mutation($id: UUID!, $i: IndicatorFormulaInput!, $v: Int) { setIndicatorFormula(indicatorId: $id, input: $i, expectedVersion: $v) { id version formula { factor numerator { code } denominator { code } } } }";
const REMOVE: &str = "mutation($id: UUID!, $v: Int) { removeIndicatorFormula(indicatorId: $id, expectedVersion: $v) { version formula { factor } } }";
const PAGE: &str = "query($id: UUID!) { indicator(id: $id) { version formula { factor numerator { id code } denominator { id code } }
  computedValues { period value gap numerator { value deliveryId } denominator { value deliveryId } breakdown { category value } }
  timeSeries { points { period value breakBefore } } } }";
const REPORT: &str = "query($id: UUID!) { monitoringReport(leitbildId: $id) { fields { goals { status indicators { code status latestValue trendPerYear
  formula { factor numerator { code name } denominator { code } } ratioGaps { period gap }
  series { period value deliveryId inputs { numerator numeratorDeliveryId denominator denominatorDeliveryId } } } } } gaps { kind indicatorId } } }";

struct City {
    app: TestApp,
    admin: String,
    amt: String,
    outsider: String,
    leitbild: String,
    goal: String,
}

async fn city(b: Backend) -> City {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let amt = app.create_org(&admin, "Amt für Statistik", "ADMINISTRATION").await;
    let other = app.create_org(&admin, "Jobcenter", "ADMINISTRATION").await;
    let (_, outsider) = app.create_user(&admin, "jobcenter@example.org", "MEMBER", &[&other]).await;
    let leitbild = create_leitbild(&app, &admin, 2023, None).await["id"].as_str().unwrap().to_string();
    let field = add_field(&app, &admin, &leitbild, "Zusammenleben").await;
    let goal = add_goal(&app, &admin, &field, None, "Mehr Einbürgerungen").await;
    City { app, admin, amt, outsider, leitbild, goal }
}

impl City {
    async fn indicator(&self, code: &str, periodicity: &str, goal: bool) -> String {
        let goals: Vec<&str> = if goal { vec![&self.goal] } else { vec![] };
        self.app
            .ok(
                Some(&self.admin),
                "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id } }",
                json!({"i": {"code": code, "name": format!("Indikator {code}"), "unit": "Personen", "sourceKind": "OFFICIAL_STATISTICS",
                             "sourceDescription": "IT.NRW", "periodicity": periodicity, "ownerId": self.amt, "goalIds": goals,
                             "targetValue": if goal { json!(3.0) } else { Value::Null },
                             "targetDirection": if goal { json!("HIGHER_IS_BETTER") } else { Value::Null }}}),
            )
            .await["createIndicator"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn request(&self, indicator: &str, period: &str) -> Value {
        self.app
            .gql(
                Some(&self.admin),
                "mutation($id: UUID!, $p: String!) { requestDelivery(indicatorId: $id, period: $p, dueAt: \"2026-12-31T10:00:00Z\") { id } }",
                json!({"id": indicator, "p": period}),
            )
            .await
    }

    /// Requests, confirms (with an optional district breakdown) and accepts a value.
    async fn value(&self, indicator: &str, period: &str, value: f64, breakdown: &[(&str, f64)]) -> String {
        let id = self.request(indicator, period).await["data"]["requestDelivery"]["id"].as_str().unwrap().to_string();
        let breakdown: Vec<Value> =
            breakdown.iter().map(|(c, v)| json!({"dimension": "Bezirk", "category": c, "value": v})).collect();
        self.app
            .ok(
                Some(&self.admin),
                "mutation($id: UUID!, $v: Float, $b: [BreakdownInput!]) { confirmDelivery(deliveryId: $id, value: $v, breakdown: $b) { id } }",
                json!({"id": id, "v": value, "b": breakdown}),
            )
            .await;
        self.app
            .ok(Some(&self.admin), "mutation($id: UUID!) { acceptDelivery(deliveryId: $id) { id } }", json!({"id": id}))
            .await;
        id
    }

    async fn set(&self, token: &str, id: &str, n: &str, d: &str, factor: i32, version: Option<i64>) -> Value {
        self.app
            .gql(
                Some(token),
                SET,
                json!({"id": id, "i": {"numeratorId": n, "denominatorId": d, "factor": factor}, "v": version}),
            )
            .await
    }
}

fn field(body: &Value) -> &str {
    body["errors"][0]["extensions"]["field"].as_str().unwrap_or_default()
}

async fn a_ratio_of_two_series_is_computed_and_traced(b: Backend) {
    let c = city(b).await;
    let naturalised = c.indicator("EINB", "YEARLY", false).await;
    let foreigners = c.indicator("AUSL", "YEARLY", false).await;
    let quota = c.indicator("EINB-QUOTE", "YEARLY", true).await;
    let half_yearly = c.indicator("HALB", "HALF_YEARLY", false).await;
    let mut n_ids = Vec::new();
    for (p, v) in [("2022", 100.0), ("2023", 150.0), ("2024", 180.0), ("2025", 50.0)] {
        let parts: &[(&str, f64)] = if p == "2023" { &[("Mitte", 90.0), ("Nord", 60.0)] } else { &[] };
        n_ids.push(c.value(&naturalised, p, v, parts).await);
    }
    for (p, v) in [("2021", 8000.0), ("2022", 10_000.0), ("2023", 10_000.0), ("2024", 0.0)] {
        let parts: &[(&str, f64)] = if p == "2023" { &[("Mitte", 4000.0), ("Süd", 6000.0)] } else { &[] };
        c.value(&foreigners, p, v, parts).await;
    }
    // A delivery requested before the indicator became computed.
    let early = c.request(&quota, "2020").await["data"]["requestDelivery"]["id"].as_str().unwrap().to_string();

    // The rules of a formula.
    let v1 = c.app.ok(Some(&c.admin), PAGE, json!({"id": quota})).await["indicator"]["version"].as_i64().unwrap();
    let bad = c.set(&c.admin, &quota, &naturalised, &foreigners, 10, Some(v1)).await;
    assert_eq!((code(&bad), field(&bad)), ("VALIDATION", "factor"), "{bad}");
    let bad = c.set(&c.admin, &quota, &quota, &foreigners, 100, Some(v1)).await;
    assert_eq!((code(&bad), field(&bad)), ("VALIDATION", "numeratorId"), "no self reference: {bad}");
    let bad = c.set(&c.admin, &quota, &naturalised, &half_yearly, 100, Some(v1)).await;
    assert_eq!((code(&bad), field(&bad)), ("VALIDATION", "denominatorId"), "same periodicity: {bad}");
    let bad = c.set(&c.outsider, &quota, &naturalised, &foreigners, 100, Some(v1)).await;
    assert_eq!(code(&bad), "FORBIDDEN", "{bad}");
    let bad = c.set(&c.admin, &quota, &naturalised, &foreigners, 100, Some(v1 - 1)).await;
    assert_eq!(code(&bad), "CONFLICT", "{bad}");
    assert_eq!(bad["errors"][0]["extensions"]["details"]["currentVersion"], v1);
    let set = c.set(&c.admin, &quota, &naturalised, &foreigners, 100, Some(v1)).await;
    assert_eq!(set["data"]["setIndicatorFormula"]["formula"]["numerator"]["code"], "EINB", "{set}");
    assert_eq!(set["data"]["setIndicatorFormula"]["version"], v1 + 1);
    // No cycles: an input cannot become computed, a computed indicator cannot be an input.
    let bad = c.set(&c.admin, &naturalised, &quota, &foreigners, 100, None).await;
    assert_eq!((code(&bad), field(&bad)), ("VALIDATION", "numeratorId"), "{bad}");
    let other = c.indicator("ANDERS", "YEARLY", false).await;
    let bad = c.set(&c.admin, &naturalised, &other, &foreigners, 100, None).await;
    assert_eq!((code(&bad), field(&bad)), ("VALIDATION", "indicatorId"), "an input feeds a formula: {bad}");
    let bad = c.set(&c.admin, &other, &quota, &foreigners, 1000, None).await;
    assert_eq!((code(&bad), field(&bad)), ("VALIDATION", "numeratorId"), "{bad}");
    let audit = c.app.audit_of(&c.admin, &quota).await;
    assert!(audit.iter().any(|(action, _)| action == "indicator.formula"), "{audit:?}");

    // A computed indicator takes no deliveries.
    let refused = c.request(&quota, "2026").await;
    assert_eq!(code(&refused), "CONFLICT", "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["details"]["reason"], "COMPUTED_INDICATOR");
    let refused = c
        .app
        .gql(
            Some(&c.admin),
            "mutation($id: UUID!) { confirmDelivery(deliveryId: $id, value: 3.0) { id } }",
            json!({"id": early}),
        )
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["details"]["reason"], "COMPUTED_INDICATOR", "{refused}");
    let csv = "Indikator;Zeitraum;Wert\nEINB-QUOTE;2026;2,5\n";
    let (ct, body) = multipart(csv.as_bytes(), "werte.csv");
    let sheet: Value = c
        .app
        .http
        .post(format!("{}/api/imports/sheet?dryRun=false", c.app.base))
        .bearer_auth(&c.admin)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sheet["applied"], false, "{sheet}");
    assert!(sheet["errors"][0]["message"].as_str().unwrap().contains("COMPUTED_INDICATOR"), "{sheet}");

    // The indicator page: every period, its value or why there is none, both inputs.
    let page = c.app.ok(Some(&c.admin), PAGE, json!({"id": quota})).await;
    let values = page["indicator"]["computedValues"].as_array().unwrap();
    let rows: Vec<(String, Value, Value)> = values
        .iter()
        .map(|v| (v["period"].as_str().unwrap().to_string(), v["value"].clone(), v["gap"].clone()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("2021".into(), Value::Null, json!("NUMERATOR_MISSING")),
            ("2022".into(), json!(1.0), Value::Null),
            ("2023".into(), json!(1.5), Value::Null),
            ("2024".into(), Value::Null, json!("DENOMINATOR_ZERO")),
            ("2025".into(), Value::Null, json!("DENOMINATOR_MISSING")),
        ]
    );
    assert_eq!(values[1]["numerator"]["deliveryId"], json!(n_ids[0]));
    assert_eq!(
        (values[2]["numerator"]["value"].as_f64(), values[2]["denominator"]["value"].as_f64()),
        (Some(150.0), Some(10_000.0))
    );
    assert_eq!(values[2]["breakdown"], json!([{"category": "Mitte", "value": 2.25}]), "only categories both carry");
    let points = &page["indicator"]["timeSeries"]["points"];
    assert_eq!(
        points,
        &json!([{"period": "2022", "value": 1.0, "breakBefore": false}, {"period": "2023", "value": 1.5, "breakBefore": false}])
    );

    // The report: the status rule runs on the computed values; both inputs are traceable.
    let report = c.app.ok(Some(&c.admin), REPORT, json!({"id": c.leitbild})).await;
    let ind = &report["monitoringReport"]["fields"][0]["goals"][0]["indicators"][0];
    assert_eq!(ind["code"], "EINB-QUOTE");
    assert_eq!((ind["status"].as_str(), ind["latestValue"].as_f64()), (Some("ON_TRACK"), Some(1.5)), "{ind}");
    assert_eq!(ind["trendPerYear"], 0.5);
    assert_eq!(ind["formula"]["numerator"]["name"], "Indikator EINB");
    assert_eq!(ind["formula"]["factor"], 100);
    assert_eq!(
        ind["series"][0]["inputs"],
        json!({"numerator": 100.0, "numeratorDeliveryId": n_ids[0], "denominator": 10000.0, "denominatorDeliveryId": ind["series"][0]["inputs"]["denominatorDeliveryId"]})
    );
    assert_eq!(ind["series"][0]["deliveryId"], json!(n_ids[0]));
    let gaps: Vec<&str> = ind["ratioGaps"].as_array().unwrap().iter().map(|g| g["gap"].as_str().unwrap()).collect();
    assert_eq!(gaps, ["NUMERATOR_MISSING", "DENOMINATOR_ZERO", "DENOMINATOR_MISSING"]);
    let overdue =
        report["monitoringReport"]["gaps"].as_array().unwrap().iter().any(|g| g["indicatorId"] == json!(quota));
    assert!(!overdue, "a computed indicator's old request is no gap: {report}");
    let csv = c
        .app
        .http
        .get(format!("{}/api/reports/{}/monitoring.csv", c.app.base, c.leitbild))
        .bearer_auth(&c.admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.lines().next().unwrap().contains(r#""Berechnet aus";"Zähler";"Nenner""#), "{csv}");
    let row = csv.lines().find(|l| l.contains("EINB-QUOTE") && l.contains(r#""2023";"";"";"#)).unwrap_or_default();
    assert!(row.contains(r#""EINB ÷ AUSL × 100";"150";"10000""#), "{csv}");

    // Removable: a delivered indicator again, which takes requests.
    let v2 = c.app.ok(Some(&c.admin), PAGE, json!({"id": quota})).await["indicator"]["version"].as_i64().unwrap();
    let removed = c.app.ok(Some(&c.admin), REMOVE, json!({"id": quota, "v": v2})).await;
    assert_eq!(removed["removeIndicatorFormula"]["formula"], Value::Null);
    assert!(c.request(&quota, "2026").await.get("errors").is_none());
}

/// A multipart body with the one field `file`.
fn multipart(bytes: &[u8], name: &str) -> (String, Vec<u8>) {
    let boundary = "teilhabe-computed-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

const REFS: &str = "mutation($id: UUID!, $s: UUID, $i: ReferenceSeriesInput!, $v: Int) { setReferenceSeries(indicatorId: $id, seriesId: $s, input: $i, expectedVersion: $v) { references { id label kind version values { period value } } } }";
const STATUS: &str = "query($id: UUID!) { monitoringReport(leitbildId: $id) { fields { goals { status indicators { code status latestValue trendPerYear references { label kind values { period value } } } } } } }";

async fn reference_values_stand_beside_the_series_and_never_count(b: Backend) {
    let c = city(b).await;
    let share = c.indicator("BEV-AUS", "YEARLY", true).await;
    for (p, v) in [("2021", 2.0), ("2022", 2.5)] {
        c.value(&share, p, v, &[]).await;
    }
    let before = c.app.ok(Some(&c.admin), STATUS, json!({"id": c.leitbild})).await;
    let ind = |r: &Value| r["monitoringReport"]["fields"][0]["goals"][0]["indicators"][0].clone();
    assert_eq!(ind(&before)["status"], "ON_TRACK", "{before}");

    // Entered by hand: checked, audited, version-checked.
    let nrw = |values: Value| json!({"label": "NRW", "kind": "STATE", "source": "IT.NRW", "values": values});
    let bad = c
        .app
        .gql(Some(&c.admin), REFS, json!({"id": share, "i": nrw(json!([{"period": "2022-H1", "value": 1.0}]))}))
        .await;
    assert_eq!((code(&bad), field(&bad)), ("VALIDATION", "values[0]"), "{bad}");
    let bad = c.app.gql(Some(&c.outsider), REFS, json!({"id": share, "i": nrw(json!([]))})).await;
    assert_eq!(code(&bad), "FORBIDDEN", "{bad}");
    // Falling and far above the target: were they assessed, the status would change.
    let set = c
        .app
        .ok(Some(&c.admin), REFS, json!({"id": share, "i": nrw(json!([{"period": "2022", "value": 9.0}, {"period": "2021", "value": 12.0}]))}))
        .await;
    let series = &set["setReferenceSeries"]["references"][0];
    assert_eq!(series["values"], json!([{"period": "2021", "value": 12.0}, {"period": "2022", "value": 9.0}]));
    let dup = c.app.gql(Some(&c.admin), REFS, json!({"id": share, "i": nrw(json!([]))})).await;
    assert_eq!(code(&dup), "CONFLICT", "one series per label: {dup}");
    let stale =
        c.app.gql(Some(&c.admin), REFS, json!({"id": share, "s": series["id"], "v": 0, "i": nrw(json!([]))})).await;
    assert_eq!(code(&stale), "CONFLICT", "{stale}");
    assert_eq!(stale["errors"][0]["extensions"]["details"]["currentVersion"], 1);

    // Imported from the GENESIS table mapped to the indicator, filtered to a similar city.
    c.app
        .ok(
            Some(&c.admin),
            "mutation($id: UUID!, $i: GenesisMappingInput!) { setGenesisMapping(indicatorId: $id, input: $i) { version } }",
            json!({"id": share, "i": {"tableCode": "12411-03-03-4", "valueVariable": "ANT001",
                   "filters": [{"variable": "GEMEIN", "attribute": "05515000"}], "source": "Landesdatenbank NRW"}}),
        )
        .await;
    let file = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/genesis/12411-03-03-4_de_flat.csv"))
        .unwrap();
    let upload = |token: Option<String>, dry_run: bool| {
        let (ct, body) = multipart(&file, "12411-03-03-4_flat.csv");
        let url = format!(
            "{}/api/indicators/{share}/imports/reference?dryRun={dry_run}&label=Gelsenkirchen&kind=CITY&filters=GEMEIN%3D05513000",
            c.app.base
        );
        let mut req = c.app.http.post(url).header("content-type", ct).body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move {
            let res = req.send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(upload(None, true).await.0, 401, "login as for every upload");
    let (status, dry) = upload(Some(c.admin.clone()), true).await;
    assert_eq!(status, 200, "{dry}");
    let periods: Vec<(&str, f64, &str)> = dry["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["period"].as_str().unwrap(), p["value"].as_f64().unwrap(), p["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        periods,
        [("2019", 18.0, "CREATED"), ("2020", 18.9, "CREATED"), ("2021", 19.6, "CREATED"), ("2022", 21.3, "CREATED")]
    );
    assert!(dry["markers"].as_array().unwrap().iter().any(|m| m["marker"] == "-"), "the 2023 marker is listed: {dry}");
    assert_eq!(dry["applied"], false);
    let (_, done) = upload(Some(c.admin.clone()), false).await;
    assert_eq!(done["applied"], true, "{done}");
    let (_, again) = upload(Some(c.admin.clone()), false).await;
    assert_eq!(again["applied"], false, "the same file twice changes nothing: {again}");
    assert!(again["periods"].as_array().unwrap().iter().all(|p| p["outcome"] == "UNCHANGED"));

    // Shown in the report and the download, never assessed.
    let after = c.app.ok(Some(&c.admin), STATUS, json!({"id": c.leitbild})).await;
    let (b4, now) = (ind(&before), ind(&after));
    assert_eq!(
        (&now["status"], &now["latestValue"], &now["trendPerYear"]),
        (&b4["status"], &b4["latestValue"], &b4["trendPerYear"]),
        "reference values leave the status alone"
    );
    let labels: Vec<&str> =
        now["references"].as_array().unwrap().iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["NRW", "Gelsenkirchen"]);
    assert_eq!(now["references"][1]["kind"], "CITY");
    let csv = c
        .app
        .http
        .get(format!("{}/api/reports/{}/monitoring.csv", c.app.base, c.leitbild))
        .bearer_auth(&c.admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.lines().next().unwrap().ends_with(r#""Vergleichswert""#), "{csv}");
    assert!(csv.lines().any(|l| l.contains(r#""2022";"";"";"21,3""#) && l.ends_with(r#""Gelsenkirchen""#)), "{csv}");
    let page = c
        .app
        .ok(
            Some(&c.admin),
            "query($id: UUID!) { indicator(id: $id) { references { id version label } } }",
            json!({"id": share}),
        )
        .await;
    let nrw_series = &page["indicator"]["references"][0];
    c.app
        .ok(
            Some(&c.admin),
            "mutation($s: UUID!, $v: Int) { removeReferenceSeries(seriesId: $s, expectedVersion: $v) { references { label } } }",
            json!({"s": nrw_series["id"], "v": nrw_series["version"]}),
        )
        .await;
    let page = c
        .app
        .ok(Some(&c.admin), "query($id: UUID!) { indicator(id: $id) { references { label } } }", json!({"id": share}))
        .await;
    assert_eq!(page["indicator"]["references"], json!([{"label": "Gelsenkirchen"}]));
}

/// A list of deliveries with their sources costs the same statements however long it is.
async fn sources_of_a_list_load_in_one_batch(b: Backend) {
    let c = city(b).await;
    let share = c.indicator("BEV-AUS", "YEARLY", false).await;
    const LIST: &str = "{ deliveries { id period source { tableCode } } }";
    let mut counts = Vec::new();
    for years in [2010..2012, 2012..2018] {
        for y in years {
            c.value(&share, &y.to_string(), 1.0, &[]).await;
        }
        let before = c.app.statements().await;
        let list = c.app.ok(Some(&c.admin), LIST, json!({})).await;
        counts.push((list["deliveries"].as_array().unwrap().len(), c.app.statements().await - before));
    }
    assert_eq!((counts[0].0, counts[1].0), (2, 8));
    assert_eq!(counts[0].1, counts[1].1, "statements for 2 and for 8 deliveries: {counts:?}");
}

on_both_databases!(
    a_ratio_of_two_series_is_computed_and_traced,
    reference_values_stand_beside_the_series_and_never_count,
    sources_of_a_list_load_in_one_batch,
);
