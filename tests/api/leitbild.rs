//! Leitbild editions over HTTP: copies of the adopted edition, ordering, goal versions, diffs,
//! stale edits, permissions, the statement count of the nested edition query and the order of an
//! answer's fields.

use serde_json::{Value, json};

use crate::{
    on_both_databases,
    support::{Backend, TestApp, code},
};

pub const CREATE: &str =
    "mutation($i: CreateLeitbildInput!) { createLeitbild(input: $i) { id status basedOn { id } } }";
pub const ADD_FIELD: &str = "mutation($i: AddFieldOfActionInput!) { addFieldOfAction(input: $i) { id position } }";
pub const ADD_GOAL: &str = "mutation($i: AddGoalInput!) { addGoal(input: $i) { id version } }";
const NESTED: &str = "query($id: UUID!) { leitbild(id: $id) { id title status fieldsOfAction { id title position
    goals { id title version children { id title version } } } } }";

pub async fn create_leitbild(app: &TestApp, token: &str, year: i32, based_on: Option<&str>) -> Value {
    app.ok(
        Some(token),
        CREATE,
        json!({"i": {"title": format!("Leitbild {year}"), "year": year, "basedOnId": based_on}}),
    )
    .await["createLeitbild"]
        .clone()
}

pub async fn add_field(app: &TestApp, token: &str, leitbild: &str, title: &str) -> String {
    app.ok(
        Some(token),
        ADD_FIELD,
        json!({"i": {"leitbildId": leitbild, "title": title, "description": "Beschreibung"}}),
    )
    .await["addFieldOfAction"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

pub async fn add_goal(app: &TestApp, token: &str, field: &str, parent: Option<&str>, title: &str) -> String {
    app.ok(
        Some(token),
        ADD_GOAL,
        json!({"i": {"fieldOfActionId": field, "parentGoalId": parent, "title": title,
                     "description": format!("{title}: alle Menschen nehmen gleichberechtigt teil.")}}),
    )
    .await["addGoal"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// An edition with `fields` fields of action, each with `goals` goals and one sub-goal each.
pub async fn seeded_edition(app: &TestApp, token: &str, year: i32, fields: usize, goals: usize) -> String {
    let lb = create_leitbild(app, token, year, None).await["id"].as_str().unwrap().to_string();
    for f in 0..fields {
        let field = add_field(app, token, &lb, &format!("Handlungsfeld {f}")).await;
        for g in 0..goals {
            let goal = add_goal(app, token, &field, None, &format!("Ziel {f}.{g}")).await;
            add_goal(app, token, &field, Some(&goal), &format!("Unterziel {f}.{g}.1")).await;
        }
    }
    lb
}

async fn new_edition_copies_the_adopted_one(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let old = seeded_edition(&app, &admin, 2023, 2, 2).await;
    // Only an adopted edition can be the base of a new one.
    let refused = app.gql(Some(&admin), CREATE, json!({"i": {"title": "L", "year": 2028, "basedOnId": old}})).await;
    assert_eq!(code(&refused), "VALIDATION");
    let adopted = app
        .ok(
            Some(&admin),
            "mutation($id: UUID!) { adoptLeitbild(leitbildId: $id, resolutionReference: \"V/0815/2023\") { status resolutionReference adoptedAt } }",
            json!({"id": old}),
        )
        .await;
    assert_eq!(adopted["adoptLeitbild"]["status"], "ADOPTED");
    assert_eq!(adopted["adoptLeitbild"]["resolutionReference"], "V/0815/2023");
    // An adopted edition is closed for edits.
    let fields = app.ok(Some(&admin), NESTED, json!({"id": old})).await["leitbild"]["fieldsOfAction"].clone();
    let closed = app.gql(Some(&admin), ADD_FIELD, json!({"i": {"leitbildId": old, "title": "Neu"}})).await;
    assert_eq!(code(&closed), "CONFLICT");

    let new = create_leitbild(&app, &admin, 2028, Some(&old)).await;
    assert_eq!(new["status"], "DRAFT");
    assert_eq!(new["basedOn"]["id"], old.as_str());
    // The edition it is based on comes with the statement that reads the new one.
    let mut counts = Vec::new();
    for fields in ["title", "title basedOn { id year basedOn { id } }"] {
        let before = app.statements().await;
        let read = app
            .ok(
                Some(&admin),
                &format!("query($id: UUID!) {{ leitbild(id: $id) {{ {fields} }} }}"),
                json!({"id": new["id"]}),
            )
            .await;
        counts.push(app.statements().await - before);
        if fields.contains("basedOn") {
            assert_eq!(read["leitbild"]["basedOn"], json!({"id": old, "year": 2023, "basedOn": null}));
        }
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
    let copy = app.ok(Some(&admin), NESTED, json!({"id": new["id"]})).await["leitbild"]["fieldsOfAction"].clone();
    assert_eq!(copy.as_array().unwrap().len(), 2);
    for (a, c) in fields.as_array().unwrap().iter().zip(copy.as_array().unwrap()) {
        assert_eq!(a["title"], c["title"]);
        assert_ne!(a["id"], c["id"], "a deep copy has its own rows");
        assert_eq!(c["goals"].as_array().unwrap().len(), 2);
        assert_eq!(c["goals"][0]["children"].as_array().unwrap().len(), 1);
        assert_eq!(a["goals"][1]["children"][0]["title"], c["goals"][1]["children"][0]["title"]);
        assert_eq!(c["goals"][0]["version"], 1);
    }
    // Reorder the copied fields; a list that misses one is refused.
    let ids: Vec<Value> = copy.as_array().unwrap().iter().map(|f| f["id"].clone()).collect();
    const REORDER: &str = "mutation($l: UUID!, $ids: [UUID!]!) { reorderFieldsOfAction(leitbildId: $l, fieldOfActionIds: $ids) { id position } }";
    let bad = app.gql(Some(&admin), REORDER, json!({"l": new["id"], "ids": [ids[0]]})).await;
    assert_eq!(code(&bad), "VALIDATION");
    app.ok(Some(&admin), REORDER, json!({"l": new["id"], "ids": [ids[1], ids[0]]})).await;
    let after = app.ok(Some(&admin), NESTED, json!({"id": new["id"]})).await;
    assert_eq!(after["leitbild"]["fieldsOfAction"][0]["id"], ids[1]);
    // The old one is archived when the new one is adopted.
    app.ok(
        Some(&admin),
        "mutation($id: UUID!) { adoptLeitbild(leitbildId: $id) { status } }",
        json!({"id": new["id"]}),
    )
    .await;
    let list = app.ok(Some(&admin), "{ leitbilder { year status } }", json!({})).await;
    assert_eq!(list["leitbilder"], json!([{"year": 2028, "status": "ADOPTED"}, {"year": 2023, "status": "ARCHIVED"}]));
}

async fn goal_text_keeps_its_history(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let lb = create_leitbild(&app, &admin, 2028, None).await["id"].as_str().unwrap().to_string();
    let field = add_field(&app, &admin, &lb, "Bildung und Sprache").await;
    let goal = add_goal(&app, &admin, &field, None, "Sprachförderung").await;
    let sub = add_goal(&app, &admin, &field, Some(&goal), "Kita").await;
    // One level of sub-goals only.
    let deep = app
        .gql(Some(&admin), ADD_GOAL, json!({"i": {"fieldOfActionId": field, "parentGoalId": sub, "title": "x"}}))
        .await;
    assert_eq!(code(&deep), "VALIDATION");

    const UPDATE: &str = "mutation($i: UpdateGoalInput!) { updateGoal(input: $i) { version title description } }";
    let edit = |v: i32, text: &str| json!({"i": {"goalId": goal, "title": "Sprachförderung", "description": text, "expectedVersion": v}});
    let v2 = app.ok(Some(&admin), UPDATE, edit(1, "Alle Kinder lernen früh Deutsch und ihre Herkunftssprache.")).await;
    assert_eq!(v2["updateGoal"]["version"], 2);
    let stale = app.gql(Some(&admin), UPDATE, edit(1, "Überholt")).await;
    assert_eq!(code(&stale), "CONFLICT");
    let details = &stale["errors"][0]["extensions"]["details"];
    assert_eq!(details["currentVersion"], 2);
    assert_eq!(details["description"], "Alle Kinder lernen früh Deutsch und ihre Herkunftssprache.");

    let versions = app
        .ok(
            Some(&admin),
            "query($g: UUID!) { goalVersions(goalId: $g) { version description createdAt author { name } } }",
            json!({"g": goal}),
        )
        .await;
    let versions = versions["goalVersions"].as_array().unwrap().clone();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["version"], 1);
    assert_eq!(versions[1]["author"]["name"], "admin");
    let diff = app
        .ok(
            Some(&admin),
            "query($g: UUID!) { goalDiff(goalId: $g, fromVersion: 1, toVersion: 2) { kind text } }",
            json!({"g": goal}),
        )
        .await;
    let segments = diff["goalDiff"].as_array().unwrap();
    assert!(segments.iter().any(|s| s["kind"] == "INSERT" && s["text"].as_str().unwrap().contains("Deutsch")));
    assert!(segments.iter().any(|s| s["kind"] == "DELETE"));
    assert!(segments.iter().any(|s| s["kind"] == "EQUAL" && s["text"].as_str().unwrap().contains("Sprachförderung")));
    let missing = app
        .gql(
            Some(&admin),
            "query($g: UUID!) { goalDiff(goalId: $g, fromVersion: 1, toVersion: 9) { kind } }",
            json!({"g": goal}),
        )
        .await;
    assert_eq!(code(&missing), "VALIDATION");

    // Members read but do not edit; the audit log has every change.
    let (_, member) = app.create_user(&admin, "mitglied@example.org", "MEMBER", &[]).await;
    assert_eq!(code(&app.gql(Some(&member), UPDATE, edit(2, "x")).await), "FORBIDDEN");
    assert_eq!(code(&app.gql(Some(&member), CREATE, json!({"i": {"title": "L", "year": 2030}})).await), "FORBIDDEN");
    assert_eq!(code(&app.gql(None, NESTED, json!({"id": lb})).await), "UNAUTHENTICATED");
    let log = app
        .ok(
            Some(&admin),
            "query($e: UUID!) { auditLog(entityId: $e) { edges { node { action } } } }",
            json!({"e": goal}),
        )
        .await;
    let actions: Vec<&str> =
        log["auditLog"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["goal.update", "goal.add"]);
}

async fn nested_edition_query_is_a_fixed_number_of_statements(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let small = seeded_edition(&app, &admin, 2027, 1, 1).await;
    let large = seeded_edition(&app, &admin, 2028, 4, 3).await;
    let count = |id: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let before = app.statements().await;
            app.ok(Some(&admin), NESTED, json!({"id": id})).await;
            app.statements().await - before
        }
    };
    let (s, l) = (count(small).await, count(large).await);
    // The session, the edition, its fields, their goals with their sub-goals: the request's
    // batches form in waves (`batching`), so the count does not move with the edition's size.
    assert_eq!(s, l, "statements grew with the edition: {s} for 1 field, {l} for 4 fields with 12 goals");
    assert_eq!(l, 4, "{l} statements");
}

/// Sub-goals come along with the goals read in the same statement, so a mutation's later field,
/// which reads its goal anew, sees the sub-goal an earlier field added.
async fn a_later_mutation_field_sees_the_sub_goal_an_earlier_one_added(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let lb = create_leitbild(&app, &admin, 2027, None).await["id"].as_str().unwrap().to_string();
    let field = add_field(&app, &admin, &lb, "Arbeit").await;
    let goal = add_goal(&app, &admin, &field, None, "Ausbildung").await;
    let out = app
        .ok(
            Some(&admin),
            "mutation($f: UUID!, $g: UUID!) {
               before: updateFieldOfAction(fieldOfActionId: $f, title: \"Arbeit\") { goals { id } }
               added: addGoal(input: {fieldOfActionId: $f, parentGoalId: $g, title: \"Praktika\"}) { id }
               after: updateGoal(input: {goalId: $g, title: \"Ausbildung\", expectedVersion: 1}) {
                 children { title } }
             }",
            json!({"f": field, "g": goal}),
        )
        .await;
    assert_eq!(out["before"]["goals"][0]["id"], goal.as_str());
    assert_eq!(out["after"]["children"], json!([{"title": "Praktika"}]));
    // A query gets them from the goals' statement, and the same answer.
    let read = app.ok(Some(&admin), NESTED, json!({"id": lb})).await;
    let children = &read["leitbild"]["fieldsOfAction"][0]["goals"][0]["children"];
    assert_eq!(children[0]["title"], "Praktika");
}

/// The response lists an object's fields in the order the query asked for them (GraphQL spec,
/// "Serialized Map Ordering"), also when the first ones wait for a loader and the last do not.
async fn fields_answer_in_the_order_they_were_asked(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let lb = seeded_edition(&app, &admin, 2027, 1, 1).await;
    let text = app
        .http
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&admin)
        .json(&json!({"query": "query($id: UUID!) { leitbild(id: $id) { process { id } fieldsOfAction { position }
                                  year title } }",
                      "variables": {"id": lb}}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = |key: &str| text.find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("no {key} in {text}"));
    assert!(
        at("process") < at("fieldsOfAction") && at("fieldsOfAction") < at("year") && at("year") < at("title"),
        "{text}"
    );
}

on_both_databases!(
    fields_answer_in_the_order_they_were_asked,
    new_edition_copies_the_adopted_one,
    goal_text_keeps_its_history,
    nested_edition_query_is_a_fixed_number_of_statements,
    a_later_mutation_field_sees_the_sub_goal_an_earlier_one_added
);
