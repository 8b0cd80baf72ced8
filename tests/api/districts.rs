//! Districts over HTTP, on both databases: the managed list and breakdowns that refer to it
//! (by hand and by spreadsheet), the GeoJSON upload with its login, CSRF and size rules, and
//! small numbers that no public answer or download carries.

use serde_json::{Value, json};

use crate::{
    leitbild::{add_field, add_goal, create_leitbild},
    on_both_databases,
    support::{Backend, PASSWORD, TestApp, code},
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/geo");
const CREATE: &str =
    "mutation($i: CreateDistrictInput!) { createDistrict(input: $i) { id code name parentId version } }";
const UPDATE: &str =
    "mutation($i: UpdateDistrictInput!) { updateDistrict(input: $i) { id code name parentId version } }";
const REMOVE: &str = "mutation($id: UUID!, $v: Int!) { removeDistrict(id: $id, expectedVersion: $v) }";
const LIST: &str = "{ districts { code name parentId } }";
const CONFIRM: &str = "mutation($id: UUID!, $v: Float, $b: [BreakdownInput!]) { confirmDelivery(deliveryId: $id, value: $v, breakdown: $b) { id breakdown { dimension category value code } } }";
const SUPPRESS: &str = "mutation($id: UUID!, $b: Float, $v: Int) { setIndicatorSuppression(indicatorId: $id, suppressBelow: $b, expectedVersion: $v) { suppressBelow version } }";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

/// A multipart body with the given fields (name, file name if a file, bytes).
fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "teilhabe-geo-boundary-41c2";
    let mut body = Vec::new();
    for (name, file, bytes) in fields {
        let disposition = match file {
            Some(f) => format!("form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/geo+json"),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

struct City {
    app: TestApp,
    admin: String,
    coordinator: String,
    member: String,
    amt: String,
}

async fn city(b: Backend) -> City {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let amt = app.create_org(&admin, "Amt für Statistik", "ADMINISTRATION").await;
    let (_, coordinator) = app.create_user(&admin, "koordination@example.org", "COORDINATOR", &[]).await;
    let (_, member) = app.create_user(&admin, "statistik@example.org", "MEMBER", &[&amt]).await;
    City { app, admin, coordinator, member, amt }
}

impl City {
    async fn district(&self, code: &str, name: &str, parent: Option<&str>) -> Value {
        self.app
            .ok(Some(&self.coordinator), CREATE, json!({"i": {"code": code, "name": name, "parentId": parent}}))
            .await["createDistrict"]
            .clone()
    }

    async fn indicator(&self, code: &str, goal: Option<&str>) -> String {
        self.app
            .ok(
                Some(&self.coordinator),
                "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id } }",
                json!({"i": {"code": code, "name": format!("Einbürgerungen {code}"), "unit": "Personen",
                             "sourceKind": "DEPARTMENT", "sourceDescription": "Ausländerbehörde", "periodicity": "YEARLY",
                             "ownerId": self.amt, "goalIds": goal.map(|g| vec![g]).unwrap_or_default()}}),
            )
            .await["createIndicator"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn request(&self, indicator: &str, period: &str) -> Value {
        self.app
            .ok(
                Some(&self.coordinator),
                "mutation($id: UUID!, $p: String!) { requestDelivery(indicatorId: $id, period: $p, dueAt: \"2026-12-31T10:00:00Z\") { id } }",
                json!({"id": indicator, "p": period}),
            )
            .await["requestDelivery"]["id"]
            .clone()
    }

    /// Requests, confirms (with district cells) and accepts a value.
    async fn accepted(&self, indicator: &str, period: &str, value: f64, cells: &[(&str, f64)]) {
        let id = self.request(indicator, period).await;
        let b: Vec<Value> =
            cells.iter().map(|(c, v)| json!({"dimension": "Stadtbezirk", "category": c, "value": v})).collect();
        self.app.ok(Some(&self.member), CONFIRM, json!({"id": id, "v": value, "b": b})).await;
        self.app
            .ok(
                Some(&self.coordinator),
                "mutation($id: UUID!) { acceptDelivery(deliveryId: $id) { id } }",
                json!({"id": id}),
            )
            .await;
    }

    async fn upload_map(&self, token: Option<&str>, file: &[u8], property: &str) -> (u16, Value) {
        let (content_type, body) =
            multipart(&[("codeProperty", None, property.as_bytes()), ("file", Some("b.geojson"), file)]);
        let mut req = self
            .app
            .http
            .post(format!("{}/api/districts/geojson", self.app.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }
}

async fn districts_are_a_managed_list_that_breakdowns_refer_to(b: Backend) {
    let c = city(b).await;
    let mitte = c.district("01", "Mitte", None).await;
    assert_eq!((mitte["code"].as_str(), mitte["version"].as_i64()), (Some("01"), Some(1)));
    c.district("02", "Nord", None).await;
    let kinderhaus = c.district("02-1", "Kinderhaus", mitte["id"].as_str()).await;
    assert_eq!(kinderhaus["parentId"], mitte["id"]);

    // The rules: coordinators only, unique codes, the version seen, no removal of a parent.
    let again = c.app.gql(Some(&c.coordinator), CREATE, json!({"i": {"code": "01", "name": "Zentrum"}})).await;
    assert_eq!(code(&again), "CONFLICT");
    let by_member = c.app.gql(Some(&c.member), CREATE, json!({"i": {"code": "05", "name": "West"}})).await;
    assert_eq!(code(&by_member), "FORBIDDEN");
    let bad = c.app.gql(Some(&c.coordinator), CREATE, json!({"i": {"code": "0 1", "name": "West"}})).await;
    assert_eq!((code(&bad), bad["errors"][0]["extensions"]["field"].as_str()), ("VALIDATION", Some("code")));
    assert_eq!(code(&c.app.gql(None, LIST, json!({})).await), "UNAUTHENTICATED");
    let moved =
        json!({"i": {"id": kinderhaus["id"], "name": "Kinderhaus", "parentId": Value::Null, "expectedVersion": 1}});
    let renamed = c.app.ok(Some(&c.coordinator), UPDATE, moved.clone()).await;
    assert_eq!(renamed["updateDistrict"]["version"], 2);
    assert_eq!(code(&c.app.gql(Some(&c.coordinator), UPDATE, moved).await), "CONFLICT", "stale version");
    let into_itself = json!({"i": {"id": mitte["id"], "name": "Mitte", "parentId": mitte["id"], "expectedVersion": 1}});
    assert_eq!(code(&c.app.gql(Some(&c.coordinator), UPDATE, into_itself).await), "VALIDATION");
    let child = c.district("01-1", "Altstadt", mitte["id"].as_str()).await;
    assert_eq!(code(&c.app.gql(Some(&c.coordinator), REMOVE, json!({"id": mitte["id"], "v": 1})).await), "CONFLICT");
    c.app.ok(Some(&c.coordinator), REMOVE, json!({"id": child["id"], "v": 1})).await;
    let list = c.app.ok(Some(&c.member), LIST, json!({})).await;
    let codes: Vec<&str> = list["districts"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["01", "02", "02-1"]);
    let audit =
        c.app.ok(Some(&c.admin), "{ auditLog(first: 50) { edges { node { action summary } } } }", json!({})).await;
    let actions: Vec<&str> =
        audit["auditLog"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["action"].as_str().unwrap()).collect();
    for a in ["district.create", "district.update", "district.remove"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }

    // A confirmation by hand: district cells by code or exact name, other dimensions free text.
    let ind = c.indicator("EINB-1", None).await;
    let d = c.request(&ind, "2025").await;
    let unknown =
        json!({"id": d, "v": 10.0, "b": [{"dimension": "Stadtbezirk", "category": "Nirgendwo", "value": 1.0}]});
    let refused = c.app.gql(Some(&c.member), CONFIRM, unknown).await;
    assert_eq!(
        (code(&refused), refused["errors"][0]["extensions"]["field"].as_str()),
        ("VALIDATION", Some("breakdown[0].category"))
    );
    let cells = json!([
        {"dimension": "Stadtbezirk", "category": "01", "value": 4.0},
        {"dimension": "Stadtbezirk", "category": "Nord", "value": 6.0},
        {"dimension": "Geschlecht", "category": "divers", "value": 1.0},
    ]);
    let ok = c.app.ok(Some(&c.member), CONFIRM, json!({"id": d, "v": 10.0, "b": cells})).await;
    assert_eq!(
        ok["confirmDelivery"]["breakdown"],
        json!([
            {"dimension": "Stadtbezirk", "category": "Mitte", "value": 4.0, "code": "01"},
            {"dimension": "Stadtbezirk", "category": "Nord", "value": 6.0, "code": "02"},
            {"dimension": "Geschlecht", "category": "divers", "value": 1.0, "code": null},
        ])
    );

    // A spreadsheet: an unknown district is a line-numbered error of the dry run.
    let sheet = "Indikator;Zeitraum;Wert;Stadtbezirk: Mitte;Stadtbezirk: Süd\nEINB-1;2024;12;5;7\n";
    let (content_type, body) = multipart(&[("file", Some("werte.csv"), sheet.as_bytes())]);
    let res = c
        .app
        .http
        .post(format!("{}/api/imports/sheet?dryRun=true", c.app.base))
        .bearer_auth(&c.member)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["errors"][0]["line"], 2, "{report:#}");
    assert!(report["errors"][0]["message"].as_str().unwrap().contains("„Süd“"), "{report:#}");
    let sheet = "Indikator;Zeitraum;Wert;Stadtbezirk: Mitte;Stadtbezirk: 02\nEINB-1;2024;12;5;7\n";
    let (content_type, body) = multipart(&[("file", Some("werte.csv"), sheet.as_bytes())]);
    let res = c
        .app
        .http
        .post(format!("{}/api/imports/sheet", c.app.base))
        .bearer_auth(&c.member)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["applied"], true, "{report:#}");
    let stored = c
        .app
        .ok(
            Some(&c.member),
            "query($id: UUID!) { indicator(id: $id) { deliveries { period breakdown { category code } } } }",
            json!({"id": ind}),
        )
        .await;
    let y2024 =
        stored["indicator"]["deliveries"].as_array().unwrap().iter().find(|d| d["period"] == "2024").unwrap().clone();
    assert_eq!(y2024["breakdown"], json!([{"category": "Mitte", "code": "01"}, {"category": "Nord", "code": "02"}]));
}

async fn the_district_map_is_uploaded_once_and_served(b: Backend) {
    let c = city(b).await;
    for (code, name) in [("01", "Mitte"), ("02", "Nord"), ("03", "Süd"), ("05", "West")] {
        c.district(code, name, None).await;
    }
    let good = fixture("stadtbezirke.geojson");

    // Login, permission and CSRF come before the body is read.
    assert_eq!(c.upload_map(None, &good, "BEZ_NR").await.0, 401);
    let (status, body) = c.upload_map(Some(&c.member), &good, "BEZ_NR").await;
    assert_eq!((status, code(&body)), (403, "FORBIDDEN"));
    let login = c
        .app
        .http
        .post(format!("{}/graphql", c.app.base))
        .json(&json!({"query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                      "variables": {"e": "koordination@example.org", "p": PASSWORD}}))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let (content_type, body) = multipart(&[("codeProperty", None, b"BEZ_NR"), ("file", Some("b.geojson"), &good)]);
    let send = |csrf: bool| {
        let mut req = c
            .app
            .http
            .post(format!("{}/api/districts/geojson", c.app.base))
            .header("cookie", &cookie)
            .header("content-type", &content_type)
            .body(body.clone());
        if csrf {
            req = req.header("x-teilhabe-csrf", "1");
        }
        req.send()
    };
    assert_eq!(send(false).await.unwrap().status(), 403, "a cookie without the CSRF header");

    // A broken file: each feature's problem, nothing stored.
    let (status, body) = c.upload_map(Some(&c.coordinator), &fixture("fehlerhaft.geojson"), "BEZ_NR").await;
    assert_eq!((status, code(&body)), (400, "VALIDATION"));
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Feature 1") && message.contains("Point"), "{message}");
    assert!(message.contains("Feature 2") && message.contains("WGS 84"), "{message}");
    assert!(message.contains("Feature 3") && message.contains("BEZ_NR"), "{message}");
    let (status, body) = c.upload_map(Some(&c.coordinator), &good, "KEINE").await;
    assert_eq!((status, code(&body)), (400, "VALIDATION"));
    assert_eq!(
        c.app.ok(Some(&c.coordinator), "{ districtMap { version } }", json!({})).await["districtMap"],
        Value::Null
    );

    // Too large: a LIMIT error, whether declared up front or found while reading.
    let huge = vec![b' '; 10 * 1024 * 1024 + 1];
    let (status, body) = c.upload_map(Some(&c.coordinator), &huge, "BEZ_NR").await;
    assert_eq!((status, code(&body)), (400, "LIMIT"), "{body}");

    // The upload (with the cookie and the CSRF header) and what it found.
    let res = send(true).await.unwrap();
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["features"], 5);
    assert_eq!(report["districtsWithoutShape"], json!(["05"]));
    assert_eq!(report["shapesWithoutDistrict"], json!(["04", "99"]));
    let summary = c
        .app
        .ok(
            Some(&c.member),
            "{ districtMap { codeProperty features version districtsWithoutShape shapesWithoutDistrict } }",
            json!({}),
        )
        .await;
    assert_eq!(
        summary["districtMap"],
        json!({"codeProperty": "BEZ_NR", "features": 5, "version": 1, "districtsWithoutShape": ["05"], "shapesWithoutDistrict": ["04", "99"]})
    );

    // Served compact, cached by version; not to the anonymous public before anything is published.
    let url = format!("{}/api/districts.geojson", c.app.base);
    assert_eq!(c.app.http.get(&url).send().await.unwrap().status(), 401);
    let res = c.app.http.get(&url).bearer_auth(&c.member).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/geo+json");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let map: Value = res.json().await.unwrap();
    assert_eq!(map["features"][0]["properties"], json!({"code": "01"}));
    assert_eq!(map["features"][1]["geometry"]["type"], "MultiPolygon");
    let cached = c.app.http.get(&url).bearer_auth(&c.member).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(cached.status(), 304);
    let (_, again) = c.upload_map(Some(&c.coordinator), &good, "BEZ_NR").await;
    assert_eq!(again["version"], 2, "a new upload replaces the map");
}

async fn small_numbers_never_reach_the_public(b: Backend) {
    let c = city(b).await;
    for (code, name) in [("01", "Mitte"), ("02", "Nord"), ("03", "Süd")] {
        c.district(code, name, None).await;
    }
    let leitbild = create_leitbild(&c.app, &c.admin, 2023, None).await["id"].as_str().unwrap().to_string();
    let field = add_field(&c.app, &c.admin, &leitbild, "Rechtliche Beratung").await;
    let goal = add_goal(&c.app, &c.admin, &field, None, "Einbürgerungen nehmen zu").await;
    let ind = c.indicator("EINB-2", Some(&goal)).await;
    c.accepted(&ind, "2024", 41.0, &[("01", 2.0), ("02", 26.0), ("03", 13.0)]).await;
    c.accepted(&ind, "2025", 2.0, &[("01", 1.0), ("02", 1.0)]).await;

    // The rule: coordinators set it, version-checked.
    assert_eq!(code(&c.app.gql(Some(&c.member), SUPPRESS, json!({"id": ind, "b": 3.0})).await), "FORBIDDEN");
    assert_eq!(code(&c.app.gql(Some(&c.coordinator), SUPPRESS, json!({"id": ind, "b": -1.0})).await), "VALIDATION");
    let set = c.app.ok(Some(&c.coordinator), SUPPRESS, json!({"id": ind, "b": 3.0})).await;
    assert_eq!(set["setIndicatorSuppression"], json!({"suppressBelow": 3.0, "version": 1}));
    assert_eq!(
        code(&c.app.gql(Some(&c.coordinator), SUPPRESS, json!({"id": ind, "b": 3.0, "v": 7})).await),
        "CONFLICT"
    );

    c.app
        .ok(
            Some(&c.admin),
            "mutation($id: UUID!) { adoptLeitbild(leitbildId: $id, resolutionReference: \"V/1/2023\") { status } }",
            json!({"id": leitbild}),
        )
        .await;
    const PUBLISH: &str =
        "mutation($k: PublicationKind!, $id: UUID!) { setPublished(kind: $k, targetId: $id, published: true) }";
    c.app.ok(Some(&c.admin), PUBLISH, json!({"k": "LEITBILD", "id": leitbild})).await;

    const SERIES: &str = "series { period value breakdown { category value code } suppressed { category code } } suppressBelow suppressedPeriods suppressionNote latestValue trendPerYear";
    let public = c
        .app
        .ok(None, &format!("query($id: UUID!) {{ publicEdition(id: $id) {{ report {{ fields {{ goals {{ indicators {{ {SERIES} }} }} }} }} }} }}"), json!({"id": leitbild}))
        .await;
    let i = &public["publicEdition"]["report"]["fields"][0]["goals"][0]["indicators"][0];
    assert_eq!(
        i["series"],
        json!([{"period": "2024", "value": 41.0, "breakdown": [{"category": "Nord", "value": 26.0, "code": "02"}],
                "suppressed": [{"category": "Mitte", "code": "01"}, {"category": "Süd", "code": "03"}]}]),
        "2 is below 3, and 13 would reveal it as 41 - 26 - 13"
    );
    assert_eq!(i["suppressedPeriods"], json!(["2025"]));
    assert_eq!(i["suppressionNote"], "Wert unter 3, aus Datenschutzgründen nicht ausgewiesen");
    assert_eq!((i["latestValue"].clone(), i["trendPerYear"].clone()), (Value::Null, Value::Null));
    let text = public.to_string();
    assert!(!text.contains("13.0") && !text.contains(":2.0") && !text.contains(":1.0"), "{text}");

    // Staff see every value.
    let staff = c
        .app
        .ok(Some(&c.member), &format!("query($id: UUID!) {{ monitoringReport(leitbildId: $id) {{ fields {{ goals {{ indicators {{ {SERIES} }} }} }} }} }}"), json!({"id": leitbild}))
        .await;
    let i = &staff["monitoringReport"]["fields"][0]["goals"][0]["indicators"][0];
    assert_eq!(i["series"][0]["breakdown"][0], json!({"category": "Mitte", "value": 2.0, "code": "01"}));
    assert_eq!(i["series"][1]["value"], 2.0);

    // A frozen, published report: its public answer and its download hide them too.
    let frozen = c
        .app
        .ok(
            Some(&c.admin),
            "mutation($id: UUID!) { freezeReport(leitbildId: $id, title: \"Bericht 2025\", fromPeriod: \"2022\", toPeriod: \"2025\") { id } }",
            json!({"id": leitbild}),
        )
        .await["freezeReport"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    c.app.ok(Some(&c.admin), PUBLISH, json!({"k": "REPORT", "id": frozen})).await;
    let public = c
        .app
        .ok(None, &format!("query($id: UUID!) {{ publicReport(id: $id) {{ report {{ fields {{ goals {{ indicators {{ {SERIES} }} }} }} }} }} }}"), json!({"id": frozen}))
        .await;
    let i = &public["publicReport"]["report"]["fields"][0]["goals"][0]["indicators"][0];
    assert_eq!(i["series"][0]["breakdown"], json!([{"category": "Nord", "value": 26.0, "code": "02"}]));
    assert_eq!(i["suppressedPeriods"], json!(["2025"]));
    let csv = c.app.http.get(format!("{}/api/reports/frozen/{frozen}/bericht.csv", c.app.base)).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    let csv = String::from_utf8_lossy(&csv.bytes().await.unwrap()).into_owned();
    let row = |category: &str| {
        csv.lines().find(|l| l.contains(&format!("\"Stadtbezirk\";\"{category}\";"))).unwrap_or_default().to_string()
    };
    assert!(row("Mitte").contains(";\"•\";") && row("Süd").contains(";\"•\";"), "{csv}");
    assert!(row("Nord").contains(";\"26\";"), "{csv}");
    assert!(csv.lines().any(|l| l.contains("\"2025\";\"\";\"\";\"•\";")), "{csv}");
    assert!(csv.contains("• Wert unter 3, aus Datenschutzgründen nicht ausgewiesen"), "{csv}");
    let staff_csv = c
        .app
        .http
        .get(format!("{}/api/reports/frozen/{frozen}/bericht.csv", c.app.base))
        .bearer_auth(&c.member)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!staff_csv.contains('•'), "staff download the values");

    // Lifting the rule shows them again.
    c.app.ok(Some(&c.coordinator), SUPPRESS, json!({"id": ind, "b": Value::Null, "v": 1})).await;
    let public = c
        .app
        .ok(None, &format!("query($id: UUID!) {{ publicEdition(id: $id) {{ report {{ fields {{ goals {{ indicators {{ {SERIES} }} }} }} }} }} }}"), json!({"id": leitbild}))
        .await;
    let i = &public["publicEdition"]["report"]["fields"][0]["goals"][0]["indicators"][0];
    assert_eq!(i["series"].as_array().unwrap().len(), 2);
    assert_eq!(i["suppressBelow"], Value::Null);
}

on_both_databases!(
    districts_are_a_managed_list_that_breakdowns_refer_to,
    the_district_map_is_uploaded_once_and_served,
    small_numbers_never_reach_the_public,
);

const GENESIS_FILE: &str = "99999-01-01-4_bezirke_flat.csv";

/// An indicator mapped to a GENESIS table broken down by Stadtbezirk, with two districts kept.
async fn genesis_city(app: TestApp) -> (City, String) {
    let admin = app.admin().await;
    let amt = app.create_org(&admin, "Amt für Statistik", "ADMINISTRATION").await;
    let (_, coordinator) = app.create_user(&admin, "koordination@example.org", "COORDINATOR", &[]).await;
    let (_, member) = app.create_user(&admin, "statistik@example.org", "MEMBER", &[&amt]).await;
    let c = City { app, admin, coordinator, member, amt };
    c.district("05515000-01", "Mitte", None).await;
    c.district("05515000-02", "Nord", None).await;
    let ind = c.indicator("EINB-G", None).await;
    c.app
        .ok(
            Some(&c.coordinator),
            "mutation($id: UUID!, $i: GenesisMappingInput!) { setGenesisMapping(indicatorId: $id, input: $i) { version } }",
            json!({"id": ind, "i": {"tableCode": "99999-01-01-4", "valueVariable": "EINB01",
                                    "filters": [{"variable": "GEMEIN", "attribute": "05515000"}], "source": "IT.NRW"}}),
        )
        .await;
    (c, ind)
}

async fn genesis_tables_name_their_districts(b: Backend) {
    let (c, ind) = genesis_city(TestApp::start(b).await).await;
    let (content_type, body) = multipart(&[("file", Some(GENESIS_FILE), &fixture(GENESIS_FILE))]);
    let res = c
        .app
        .http
        .post(format!("{}/api/indicators/{ind}/imports/genesis?dryRun=true", c.app.base))
        .bearer_auth(&c.member)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["counts"]["created"], 1, "{report:#}");
    assert_eq!(report["errors"][0]["line"], 5, "{report:#}");
    assert!(report["errors"][0]["message"].as_str().unwrap().contains("„Hiltrup“"), "{report:#}");

    // The table's own labels differ from the list's names: the official key finds the district.
    let keyed = "99999-01-01-4_bezirke_schluessel_flat.csv";
    let (content_type, body) = multipart(&[("file", Some(keyed), &fixture(keyed))]);
    let res = c
        .app
        .http
        .post(format!("{}/api/indicators/{ind}/imports/genesis", c.app.base))
        .bearer_auth(&c.member)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["applied"], true, "{report:#}");
    let stored = c
        .app
        .ok(Some(&c.member), "{ deliveries { period breakdown { dimension category value code } } }", json!({}))
        .await;
    assert_eq!(
        stored["deliveries"][0]["breakdown"],
        json!([
            {"dimension": "Stadtbezirk", "category": "Mitte", "value": 15.0, "code": "05515000-01"},
            {"dimension": "Stadtbezirk", "category": "Nord", "value": 25.0, "code": "05515000-02"},
        ])
    );
}

on_both_databases!(genesis_tables_name_their_districts);

#[tokio::test]
async fn the_command_line_import_checks_districts_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db?mode=rwc", dir.path().display());
    let (c, _) = genesis_city(TestApp::start_with(Backend::Sqlite, |cfg| cfg.database_url = db.clone()).await).await;
    let file = format!("{FIXTURES}/{GENESIS_FILE}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_teilhabe"))
        .args(["import", "genesis", &file, "--indicator", "EINB-G"])
        .env("TEILHABE_DATABASE_URL", &db)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success() && text.contains("Zeile 5") && text.contains("Hiltrup"), "{text}");
    let stored = c.app.ok(Some(&c.member), "{ deliveries { period } }", json!({})).await;
    assert_eq!(stored["deliveries"], json!([]), "nothing imported: {stored}");
}
