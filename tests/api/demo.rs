//! `teilhabe demo` loads the example city once, through the services, visible over the API.

use serde_json::json;

use crate::{
    on_both_databases,
    support::{Backend, TestApp},
};

async fn demo_loads_once_and_people_can_log_in(b: Backend) {
    let app = TestApp::start(b).await;
    let summary = teilhabe::demo::load(&app.state).await.unwrap();
    assert!(summary.organizations >= 10);
    let coordinator = app.login("koordination@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let data =
        app.ok(Some(&coordinator), "{ me { role } organizations { name sector parent { name } } }", json!({})).await;
    assert_eq!(data["me"]["role"], "COORDINATOR");
    let orgs = data["organizations"].as_array().unwrap();
    assert!(orgs.iter().all(|o| o["name"].as_str().unwrap().ends_with(teilhabe::demo::MARK)));
    for sector in ["ADMINISTRATION", "POLITICS", "CIVIL_SOCIETY", "SCIENCE"] {
        assert!(orgs.iter().any(|o| o["sector"] == sector), "{sector}");
    }
    assert!(orgs.iter().any(|o| o["parent"]["name"].is_string()));
    let monitoring = app
        .ok(
            Some(&coordinator),
            "{ indicators { code owner { name } responsible { name } timeSeries { points { value } } deliveries { status overdue } } }",
            json!({}),
        )
        .await;
    let indicators = monitoring["indicators"].as_array().unwrap();
    assert!(indicators.len() >= 6);
    assert!(indicators.iter().all(|i| i["owner"]["name"].is_string() && i["responsible"]["name"].is_string()));
    assert!(indicators.iter().all(|i| i["timeSeries"]["points"].as_array().unwrap().len() >= 3));
    let open: Vec<&serde_json::Value> = indicators
        .iter()
        .flat_map(|i| i["deliveries"].as_array().unwrap())
        .filter(|d| d["status"] == "REQUESTED")
        .collect();
    assert_eq!(open.iter().filter(|d| d["overdue"] == true).count(), 1, "one delivery is overdue");
    // The glossary: the design's terms, one of them agreed.
    let terms = app.ok(Some(&coordinator), "{ terms { label status } }", json!({})).await;
    let terms = terms["terms"].as_array().unwrap();
    assert!(terms.len() >= 6);
    assert_eq!(terms.iter().filter(|t| t["status"] == "AGREED").count(), 1, "{terms:?}");
    // The monitoring report of the adopted edition: statuses, a series break, gaps.
    let editions = app.ok(Some(&coordinator), "{ leitbilder { id status } }", json!({})).await;
    let adopted =
        editions["leitbilder"].as_array().unwrap().iter().find(|l| l["status"] == "ADOPTED").unwrap()["id"].clone();
    let report = app
        .ok(
            Some(&coordinator),
            "query($id: UUID!) { monitoringReport(leitbildId: $id) { fields { goals { status indicators { code series { breakBefore } } } } gaps { kind } } }",
            json!({"id": adopted}),
        )
        .await;
    let goals: Vec<&serde_json::Value> = report["monitoringReport"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["goals"].as_array().unwrap())
        .collect();
    let indicators: Vec<&serde_json::Value> = goals.iter().flat_map(|g| g["indicators"].as_array().unwrap()).collect();
    assert!(indicators.len() >= 6, "every example indicator checks a goal");
    assert!(goals.iter().any(|g| g["status"] == "ON_TRACK"));
    assert!(indicators.iter().any(|i| i["series"].as_array().unwrap().iter().any(|v| v["breakBefore"] == true)));
    let gaps = report["monitoringReport"]["gaps"].as_array().unwrap();
    for kind in ["GOAL_WITHOUT_INDICATOR", "TERM_NOT_AGREED", "DELIVERY_OVERDUE"] {
        assert!(gaps.iter().any(|g| g["kind"] == kind), "{kind}");
    }
    let again = teilhabe::demo::load(&app.state).await;
    assert_eq!(again.err().map(|e| e.code()), Some("CONFLICT"));
}

on_both_databases!(demo_loads_once_and_people_can_log_in);
