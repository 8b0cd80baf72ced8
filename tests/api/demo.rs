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
    let again = teilhabe::demo::load(&app.state).await;
    assert_eq!(again.err().map(|e| e.code()), Some("CONFLICT"));
}

on_both_databases!(demo_loads_once_and_people_can_log_in);
