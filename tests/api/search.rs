//! Search across the areas over HTTP on both databases: umlaut and synonym tolerance, links to
//! where each hit is read, and what a person may not see stays unfound.

use serde_json::{Value, json};

use crate::{
    leitbild::{add_field, add_goal, create_leitbild},
    on_both_databases,
    support::{Backend, TestApp, code},
};

const SEARCH: &str =
    "query($q: String!, $k: [SearchKind!]) { search(query: $q, kinds: $k) { kind id title excerpt path } }";

async fn search(app: &TestApp, token: &str, q: &str, kinds: Option<Vec<&str>>) -> Vec<Value> {
    let data = app.ok(Some(token), SEARCH, json!({"q": q, "k": kinds})).await;
    data["search"].as_array().unwrap().clone()
}

fn kinds(hits: &[Value]) -> Vec<&str> {
    hits.iter().map(|h| h["kind"].as_str().unwrap()).collect()
}

async fn search_finds_every_kind_tolerating_umlauts_and_respecting_visibility(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let org = app.create_org(&admin, "Ausländerbeirat", "POLITICS").await;
    let (_, member) = app.create_user(&admin, "beirat@example.org", "MEMBER", &[&org]).await;
    let edition = create_leitbild(&app, &admin, 2028, None).await["id"].as_str().unwrap().to_string();
    let field = add_field(&app, &admin, &edition, "Teilhabe").await;
    let goal = add_goal(&app, &admin, &field, None, "Wahlrecht für Ausländerinnen und Ausländer").await;
    let term = app
        .ok(
            Some(&admin),
            "mutation { proposeTerm(input: { label: \"Nichtdeutsche\", synonyms: [\"Ausländer\"], definition: \"Personen ohne deutsche Staatsangehörigkeit.\" }) { id } }",
            json!({}),
        )
        .await["proposeTerm"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let comment = "mutation($i: AddCommentInput!) { addComment(input: $i) { id } }";
    app.ok(Some(&member), comment, json!({"i": {"targetId": goal, "body": "Auslaenderwahlrecht jetzt"}})).await;
    let hidden = app
        .ok(Some(&member), comment, json!({"i": {"targetId": goal, "body": "Ausländer raus ist kein Argument"}}))
        .await["addComment"]["id"]
        .clone();
    app.ok(
        Some(&admin),
        "mutation($c: UUID!) { hideComment(commentId: $c, reason: \"Beleidigend\") { hidden } }",
        json!({"c": hidden}),
    )
    .await;

    // "Auslander", typed without umlaut or "ae": the goal, the term by its synonym, the
    // organisation and the visible comment.
    let hits = search(&app, &member, "Auslander", None).await;
    let k = kinds(&hits);
    for kind in ["GOAL", "TERM", "ORGANIZATION", "COMMENT"] {
        assert!(k.contains(&kind), "{kind} missing: {hits:#?}");
    }
    let goal_hit = hits.iter().find(|h| h["kind"] == "GOAL").unwrap();
    assert_eq!(goal_hit["path"], json!(format!("/leitbild/{edition}/ziele/{goal}")));
    let term_hit = hits.iter().find(|h| h["kind"] == "TERM").unwrap();
    assert_eq!(term_hit["path"], json!(format!("/glossar/{term}")));
    assert_eq!(term_hit["title"], "Nichtdeutsche");
    // Title matches first.
    assert_ne!(hits[0]["kind"], "COMMENT", "{hits:#?}");
    // The hidden comment is found by moderators only.
    let comments = |hits: &[Value]| hits.iter().filter(|h| h["kind"] == "COMMENT").count();
    assert_eq!(comments(&hits), 1, "{hits:#?}");
    assert_eq!(comments(&search(&app, &admin, "Auslander", None).await), 2);
    // Narrowed to kinds; every word must occur.
    let only = search(&app, &member, "ausländer", Some(vec!["TERM", "DEFINITION"])).await;
    assert_eq!(kinds(&only), ["TERM"]);
    assert_eq!(kinds(&search(&app, &member, "Staatsangehoerigkeit deutsche", None).await), ["DEFINITION"]);
    assert!(search(&app, &member, "Auslander Fahrrad", None).await.is_empty());
    // Nothing to search for, too long, or anonymous.
    assert_eq!(code(&app.gql(Some(&member), SEARCH, json!({"q": " – "})).await), "VALIDATION");
    assert_eq!(code(&app.gql(Some(&member), SEARCH, json!({"q": "x".repeat(201)})).await), "VALIDATION");
    assert_eq!(code(&app.gql(None, SEARCH, json!({"q": "Auslander"})).await), "UNAUTHENTICATED");
}

on_both_databases!(search_finds_every_kind_tolerating_umlauts_and_respecting_visibility);
