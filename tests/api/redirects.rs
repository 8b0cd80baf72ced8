//! Links older mails wrote (`/vorschlaege/<id>`, `/ziele/<id>`, `/handlungsfelder/<id>`,
//! `/definitionen/<id>`) redirect to the page the item lives on now.

use serde_json::{Value, json};

use crate::{
    on_both_databases,
    support::{Backend, TestApp},
};

async fn location(app: &TestApp, path: &str) -> (u16, Option<String>) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = client.get(format!("{}{path}", app.base)).send().await.unwrap();
    let loc = res.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    (res.status().as_u16(), loc)
}

async fn old_mail_links_redirect_to_the_current_pages(b: Backend) {
    let app = TestApp::start(b).await;
    teilhabe::demo::load(&app.state).await.unwrap();
    let coordinator = app.login("koordination@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let data = app
        .ok(
            Some(&coordinator),
            "{ leitbilder { id fieldsOfAction { id goals { id } } process { id proposals { id } } } terms(first: 50) { id definitions { id } } }",
            json!({}),
        )
        .await;
    let editions = data["leitbilder"].as_array().unwrap();
    let with_process = editions.iter().find(|l| l["process"].is_object()).unwrap();
    let process = with_process["process"]["id"].as_str().unwrap();
    let proposal = with_process["process"]["proposals"][0]["id"].as_str().unwrap();
    let (status, loc) = location(&app, &format!("/vorschlaege/{proposal}")).await;
    assert_eq!(status, 308);
    assert_eq!(loc.unwrap(), format!("/prozesse/{process}#proposal-{proposal}"));

    let edition = &editions[0];
    let lb = edition["id"].as_str().unwrap();
    let field = &edition["fieldsOfAction"][0];
    let field_id = field["id"].as_str().unwrap();
    let goal = field["goals"][0]["id"].as_str().unwrap();
    assert_eq!(location(&app, &format!("/ziele/{goal}")).await.1.unwrap(), format!("/leitbild/{lb}/ziele/{goal}"));
    assert_eq!(
        location(&app, &format!("/handlungsfelder/{field_id}")).await.1.unwrap(),
        format!("/leitbild/{lb}#handlungsfeld-{field_id}")
    );

    let term: &Value =
        data["terms"].as_array().unwrap().iter().find(|t| !t["definitions"].as_array().unwrap().is_empty()).unwrap();
    let (term_id, definition) = (term["id"].as_str().unwrap(), term["definitions"][0]["id"].as_str().unwrap());
    assert_eq!(
        location(&app, &format!("/definitionen/{definition}")).await.1.unwrap(),
        format!("/glossar/{term_id}#definition-{definition}")
    );

    // An unknown or malformed id is no redirect: the app's own page answers (its "not found").
    for path in [format!("/ziele/{}", uuid::Uuid::now_v7()), "/vorschlaege/kein-uuid".to_string()] {
        let (status, loc) = location(&app, &path).await;
        assert!(loc.is_none() && status != 308, "{path}: {status}");
    }
    // The current routes are not touched.
    assert!(location(&app, &format!("/leitbild/{lb}")).await.1.is_none());
}

on_both_databases!(old_mail_links_redirect_to_the_current_pages);
