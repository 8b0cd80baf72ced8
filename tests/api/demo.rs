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
    let again = teilhabe::demo::load(&app.state).await;
    assert_eq!(again.err().map(|e| e.code()), Some("CONFLICT"));
}

on_both_databases!(demo_loads_once_and_people_can_log_in);
