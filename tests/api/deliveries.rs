//! What the signed link of a reminder tells the person who opens it: which department the
//! request is for and who sent it, before anyone is asked to sign in.

use serde_json::json;

use crate::{
    on_both_databases,
    support::{Backend, TestApp},
};

const SECRET: &str = "ein-geheimnis-nur-fuer-tests";

async fn the_signed_link_says_whom_it_asks_and_who_sent_it(b: Backend) {
    let app = TestApp::start_with(b, |c| {
        c.link_secret = Some(SECRET.into());
        c.mail_from_name = "Integrationsmonitoring Musterstadt".into();
    })
    .await;
    teilhabe::demo::load(&app.state).await.unwrap();
    let coordinator = app.login("koordination@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let open = app
        .ok(Some(&coordinator), "{ deliveries(status: REQUESTED, first: 1) { id owner { name } } }", json!({}))
        .await;
    let d = &open["deliveries"][0];
    let id: uuid::Uuid = d["id"].as_str().unwrap().parse().unwrap();
    let token = teilhabe::indicators::links::sign(SECRET.as_bytes(), id, app.clock_now() + chrono::Duration::days(7));
    let view = app
        .ok(
            None,
            "query($d: UUID!, $t: String!) { deliveryLink(deliveryId: $d, token: $t) { ownerName sentBy } }",
            json!({"d": id, "t": token}),
        )
        .await;
    assert_eq!(view["deliveryLink"]["ownerName"], d["owner"]["name"]);
    assert_eq!(view["deliveryLink"]["sentBy"], "Integrationsmonitoring Musterstadt");
}

on_both_databases!(the_signed_link_says_whom_it_asks_and_who_sent_it);
