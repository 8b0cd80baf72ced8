//! Where the areas meet: indicators link real goals and terms, terms show their indicators and
//! the definition each follows, and definitions and indicators take comments like goals do.

use serde_json::json;

use crate::{
    leitbild::{add_field, add_goal, create_leitbild},
    on_both_databases,
    support::{Backend, TestApp, code},
};

const CREATE_INDICATOR: &str = "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id goals { title } terms { label status } usesUnagreedTerms } }";
const PROPOSE_TERM: &str = "mutation($i: ProposeTermInput!) { proposeTerm(input: $i) { id definitions { id } } }";

async fn indicators_link_goals_and_terms_and_terms_know_their_indicators(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let amt = app.create_org(&admin, "Amt für Schule", "ADMINISTRATION").await;
    let leitbild = create_leitbild(&app, &admin, 2028, None).await["id"].as_str().unwrap().to_string();
    let field = add_field(&app, &admin, &leitbild, "Bildung und Sprache").await;
    let goal = add_goal(&app, &admin, &field, None, "Gleiche Bildungschancen").await;
    let term = |label: &str, definition: &str| json!({"i": {"label": label, "definition": definition, "source": {"publisher": "IT.NRW"}}});
    let t1 =
        app.ok(Some(&admin), PROPOSE_TERM, term("Ausländerin/Ausländer", "Ohne deutsche Staatsangehörigkeit.")).await;
    let t2 = app.ok(Some(&admin), PROPOSE_TERM, term("Neuzugewanderte", "Seit weniger als fünf Jahren hier.")).await;
    let (term1, def1) = (t1["proposeTerm"]["id"].as_str().unwrap(), t1["proposeTerm"]["definitions"][0]["id"].clone());
    let def2 = t2["proposeTerm"]["definitions"][0]["id"].clone();
    let input = |goals: serde_json::Value, terms: serde_json::Value| {
        json!({"i": {"code": "B1", "name": "Abschlüsse nach Staatsangehörigkeit", "unit": "%",
                     "sourceKind": "DEPARTMENT", "sourceDescription": "Schulstatistik", "periodicity": "YEARLY",
                     "ownerId": amt, "goalIds": goals, "termIds": terms}})
    };
    let bad = app.gql(Some(&admin), CREATE_INDICATOR, input(json!([uuid::Uuid::new_v4()]), json!([]))).await;
    assert_eq!((code(&bad), bad["errors"][0]["extensions"]["field"].as_str()), ("VALIDATION", Some("goalIds")));
    let bad = app.gql(Some(&admin), CREATE_INDICATOR, input(json!([goal]), json!([uuid::Uuid::new_v4()]))).await;
    assert_eq!((code(&bad), bad["errors"][0]["extensions"]["field"].as_str()), ("VALIDATION", Some("termIds")));

    let created = app.ok(Some(&admin), CREATE_INDICATOR, input(json!([goal]), json!([term1]))).await;
    let ind = &created["createIndicator"];
    assert_eq!(ind["goals"][0]["title"], "Gleiche Bildungschancen");
    assert_eq!(ind["terms"][0]["status"], "PROPOSED");
    assert_eq!(ind["usesUnagreedTerms"], true, "a proposed term is a warning");
    let indicator = ind["id"].as_str().unwrap();

    let delivery = app
        .ok(
            Some(&admin),
            "mutation($id: UUID!) { requestDelivery(indicatorId: $id, period: \"2025\", dueAt: \"2026-06-30T10:00:00Z\") { id } }",
            json!({"id": indicator}),
        )
        .await["requestDelivery"]["id"]
        .clone();
    let confirm = "mutation($id: UUID!, $def: UUID) { confirmDelivery(deliveryId: $id, value: 12.5, definitionId: $def) { status } }";
    let wrong = app.gql(Some(&admin), confirm, json!({"id": delivery, "def": def2})).await;
    assert_eq!(wrong["errors"][0]["extensions"]["field"], "definitionId", "{wrong}");
    app.ok(Some(&admin), confirm, json!({"id": delivery, "def": def1})).await;

    let usage = app
        .ok(
            Some(&admin),
            "query($id: UUID!) { term(id: $id) { indicators { indicator { code } definition { id } } } }",
            json!({"id": term1}),
        )
        .await;
    assert_eq!(usage["term"]["indicators"], json!([{"indicator": {"code": "B1"}, "definition": {"id": def1}}]));
}

async fn definitions_and_indicators_take_comments(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let amt = app.create_org(&admin, "Statistikstelle", "ADMINISTRATION").await;
    let t = app
        .ok(
            Some(&admin),
            PROPOSE_TERM,
            json!({"i": {"label": "Einbürgerungsquote", "definition": "Einbürgerungen je 100 Ausländerinnen und Ausländer mit mindestens zehn Jahren Aufenthalt."}}),
        )
        .await;
    let definition = t["proposeTerm"]["definitions"][0]["id"].as_str().unwrap().to_string();
    let indicator = app
        .ok(
            Some(&admin),
            "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id } }",
            json!({"i": {"code": "E1", "name": "Einbürgerungsquote", "unit": "%", "sourceKind": "OFFICIAL_STATISTICS",
                         "sourceDescription": "IT.NRW Einbürgerungsstatistik", "periodicity": "YEARLY", "ownerId": amt}}),
        )
        .await["createIndicator"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let add = "mutation($i: AddCommentInput!) { addComment(input: $i) { id targetKind anchor } }";
    for (target, kind, anchor) in [(&definition, "DEFINITION", "zehn Jahren"), (&indicator, "INDICATOR", "IT.NRW")] {
        let c = app
            .ok(
                Some(&admin),
                add,
                json!({"i": {"targetId": target, "body": "Quelle prüfen", "stance": "NEUTRAL", "anchor": anchor}}),
            )
            .await;
        assert_eq!(c["addComment"]["targetKind"], kind);
        let list = app
            .ok(
                Some(&admin),
                "query($t: UUID!) { comments(targetId: $t) { edges { node { body } } } }",
                json!({"t": target}),
            )
            .await;
        assert_eq!(list["comments"]["edges"].as_array().unwrap().len(), 1);
        let bad_anchor = app
            .gql(
                Some(&admin),
                add,
                json!({"i": {"targetId": target, "body": "x", "stance": "OPPOSE", "anchor": "steht nicht drin"}}),
            )
            .await;
        assert_eq!(code(&bad_anchor), "VALIDATION");
    }
}

on_both_databases!(
    indicators_link_goals_and_terms_and_terms_know_their_indicators,
    definitions_and_indicators_take_comments
);
