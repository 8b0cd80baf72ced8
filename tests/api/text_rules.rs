//! One text rule for every input, over HTTP: NUL bytes, overlong searches, invisible and
//! direction-changing characters and look-alike labels are `VALIDATION` (or `CONFLICT` for a
//! look-alike duplicate) naming the field, and nothing is stored.

use chrono::Duration;
use serde_json::{Value, json};

use crate::{
    leitbild::{add_field, add_goal, create_leitbild},
    on_both_databases,
    support::{Backend, TestApp, code},
};

const ADD_COMMENT: &str = "mutation($i: AddCommentInput!) { addComment(input: $i) { id } }";
const COMMENTS: &str = "query($t: UUID!) { comments(targetId: $t) { edges { node { body } } } }";
const PROPOSE: &str = "mutation($i: ProposeTermInput!) { proposeTerm(input: $i) { id label } }";
const TERMS: &str = "query($s: String) { terms(search: $s) { label } }";

fn field(body: &Value) -> &str {
    body["errors"][0]["extensions"]["field"].as_str().unwrap_or_else(|| panic!("no field in {body:#}"))
}

fn refused(body: &Value, expected_field: &str) {
    assert_eq!(code(body), "VALIDATION", "{body:#}");
    assert_eq!(field(body), expected_field, "{body:#}");
}

async fn nul_bytes_are_refused_and_nothing_is_stored(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let lb = create_leitbild(&app, &admin, 2030, None).await["id"].as_str().unwrap().to_string();
    let field_id = add_field(&app, &admin, &lb, "Arbeit").await;
    let goal = add_goal(&app, &admin, &field_id, None, "Beschäftigung").await;

    // A comment.
    let body = app.gql(Some(&admin), ADD_COMMENT, json!({"i": {"targetId": goal, "body": "Gut\u{0} so"}})).await;
    refused(&body, "body");
    let stored = app.ok(Some(&admin), COMMENTS, json!({"t": goal})).await;
    assert_eq!(stored["comments"]["edges"].as_array().unwrap().len(), 0);
    // Other control characters too, but newlines and tabs stay in long texts.
    refused(
        &app.gql(Some(&admin), ADD_COMMENT, json!({"i": {"targetId": goal, "body": "\u{1b}[31mrot"}})).await,
        "body",
    );
    app.ok(Some(&admin), ADD_COMMENT, json!({"i": {"targetId": goal, "body": "Zeile 1\r\nZeile\t2"}})).await;
    let stored = app.ok(Some(&admin), COMMENTS, json!({"t": goal})).await;
    assert_eq!(stored["comments"]["edges"][0]["node"]["body"], "Zeile 1\nZeile\t2");

    // A report text.
    const TEXT: &str = "mutation($f: UUID!, $t: String!, $v: Int!) { setReportText(fieldOfActionId: $f, text: $t, expectedVersion: $v) { version } }";
    refused(&app.gql(Some(&admin), TEXT, json!({"f": field_id, "t": "Bericht\u{0}", "v": 0})).await, "text");
    // Nothing was stored: the first real save is still version 1 from version 0.
    let saved = app.ok(Some(&admin), TEXT, json!({"f": field_id, "t": "Bericht", "v": 0})).await;
    assert_eq!(saved["setReportText"]["version"], 1);

    // The login email, before anything is looked up or counted.
    const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    let body = app.gql(None, LOGIN, json!({"e": "admin@example.org\u{0}", "p": "x"})).await;
    refused(&body, "email");
    // Creating a person with one is refused alike.
    const CREATE_USER: &str = "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }";
    let body = app
        .gql(
            Some(&admin),
            CREATE_USER,
            json!({"i": {"email": "a\u{0}@example.org", "name": "A", "password": "ein-gutes-passwort", "role": "MEMBER", "organizationIds": []}}),
        )
        .await;
    refused(&body, "email");
}

async fn searches_are_bounded(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    app.ok(Some(&admin), PROPOSE, json!({"i": {"label": "Ausländer"}})).await;
    let long = "a".repeat(60_000);
    refused(&app.gql(Some(&admin), TERMS, json!({"s": long})).await, "search");
    refused(&app.gql(Some(&admin), TERMS, json!({"s": "Aus\u{0}"})).await, "search");
    let found = app.ok(Some(&admin), TERMS, json!({"s": "AUSLAENDER"})).await;
    assert_eq!(found["terms"][0]["label"], "Ausländer");
}

async fn look_alike_terms_are_refused(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    app.ok(Some(&admin), PROPOSE, json!({"i": {"label": "Ausländer", "synonyms": ["Ausländerin"]}})).await;
    // Invisible characters and words mixing Latin and Cyrillic look-alikes are refused, naming the field.
    for label in [
        "Aus\u{200B}länder",
        "Ausländer\u{200D}",
        "\u{FEFF}Ausländer",
        "Aus\u{AD}länder",
        "\u{202E}rednälsuA",
        "\u{410}usländer",
        "Ausl\u{430}nder",
    ] {
        refused(&app.gql(Some(&admin), PROPOSE, json!({"i": {"label": label}})).await, "label");
    }
    refused(
        &app.gql(Some(&admin), PROPOSE, json!({"i": {"label": "Zugewanderte", "synonyms": ["Zu\u{200B}wanderer"]}}))
            .await,
        "synonyms",
    );
    // Look-alikes by compatibility form or composition are the same term.
    for label in ["Ａusländer", "AUSLÄNDER", "Ausla\u{308}nder", "Auslaender"] {
        let body = app.gql(Some(&admin), PROPOSE, json!({"i": {"label": label}})).await;
        assert_eq!(code(&body), "CONFLICT", "{label:?}: {body:#}");
    }
    let all = app.ok(Some(&admin), TERMS, json!({})).await;
    assert_eq!(all["terms"].as_array().unwrap().len(), 1);
    // Imports follow the same rule.
    const IMPORT: &str =
        "mutation($c: String!) { importGlossary(format: CSV, content: $c, dryRun: false) { created } }";
    refused(&app.gql(Some(&admin), IMPORT, json!({"c": "label\nNeu\u{200B}zugewanderte\n"})).await, "content");
    refused(
        &app.gql(Some(&admin), IMPORT, json!({"c": "label,definition\nNeuzugewanderte,Text\u{0}\n"})).await,
        "content",
    );
    let all = app.ok(Some(&admin), TERMS, json!({})).await;
    assert_eq!(all["terms"].as_array().unwrap().len(), 1);
}

async fn direction_overrides_are_refused_in_names(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    const ORG: &str = "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id name } }";
    let body =
        app.gql(Some(&admin), ORG, json!({"i": {"name": "Amt \u{202E}kitsitatS", "sector": "ADMINISTRATION"}})).await;
    refused(&body, "name");
    let body = app.gql(Some(&admin), ORG, json!({"i": {"name": "Amt\u{2066} x", "sector": "ADMINISTRATION"}})).await;
    refused(&body, "name");
    let org =
        app.ok(Some(&admin), ORG, json!({"i": {"name": "  Amt für Statistik ", "sector": "ADMINISTRATION"}})).await;
    assert_eq!(org["createOrganization"]["name"], "Amt für Statistik");
    const CREATE_USER: &str = "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }";
    let body = app
        .gql(
            Some(&admin),
            CREATE_USER,
            json!({"i": {"email": "anna@example.org", "name": "Anna \u{202E}ztiwokS", "password": "ein-gutes-passwort", "role": "MEMBER", "organizationIds": []}}),
        )
        .await;
    refused(&body, "name");
    let orgs = app.ok(Some(&admin), "{ organizations { name } }", json!({})).await;
    assert_eq!(orgs["organizations"].as_array().unwrap().len(), 1);
}

async fn dispositions_link_only_to_the_web_or_the_draft(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let org = app.create_org(&admin, "Integrationsrat", "POLITICS").await;
    let draft = create_leitbild(&app, &admin, 2031, None).await["id"].as_str().unwrap().to_string();
    let field_id = add_field(&app, &admin, &draft, "Bildung").await;
    let goal = add_goal(&app, &admin, &field_id, None, "Sprachförderung").await;
    let now = app.clock_now();
    let iso = |d: i64| (now + Duration::days(d)).to_rfc3339();
    app.ok(
        Some(&admin),
        "mutation($i: StartProcessInput!) { startProcess(input: $i) { id } }",
        json!({"i": {"leitbildId": draft, "title": "Fortschreibung", "participantOrganizationIds": [org],
            "phases": [{"kind": "DRAFTING", "startsAt": iso(0), "endsAt": iso(7)},
                       {"kind": "VOTING", "startsAt": iso(7), "endsAt": iso(14)},
                       {"kind": "RESOLUTION", "startsAt": iso(14), "endsAt": iso(21)}],
            "votingRule": {"eligibility": "PERSON", "quorum": 0.5, "threshold": 0.5, "sectorMajority": false}}}),
    )
    .await;
    let c = app.ok(Some(&admin), ADD_COMMENT, json!({"i": {"targetId": goal, "body": "Bitte konkreter."}})).await;
    let comment = c["addComment"]["id"].as_str().unwrap().to_string();
    const SET: &str = "mutation($i: SetDispositionInput!) { setDisposition(input: $i) { link } }";
    let set =
        |link: &str| json!({"i": {"subjectId": comment, "decision": "TAKEN_UP", "reason": "Ergänzt.", "link": link}});
    for bad in [
        "javascript:alert(document.cookie)",
        " JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:x",
        "file:///etc/passwd",
        "//evil.example",
    ] {
        refused(&app.gql(Some(&admin), SET, set(bad)).await, "link");
    }
    let ok = app.ok(Some(&admin), SET, set("https://www.muenster.de/rat")).await;
    assert_eq!(ok["setDisposition"]["link"], "https://www.muenster.de/rat");
    let ok = app.ok(Some(&admin), SET, set(&goal)).await;
    assert_eq!(ok["setDisposition"]["link"], goal.as_str(), "an id in the draft stays allowed");
}

on_both_databases!(
    nul_bytes_are_refused_and_nothing_is_stored,
    searches_are_bounded,
    look_alike_terms_are_refused,
    direction_overrides_are_refused_in_names,
    dispositions_link_only_to_the_web_or_the_draft,
);
