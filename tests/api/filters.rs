//! Filters on lists: a process's proposals by status, field of action and organisation, and
//! deliveries by status and department, narrowed in SQL before the list is cut off.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::{
    on_both_databases,
    support::{Backend, TestApp},
};

const PROPOSALS: &str = "query($s: ProposalStatus, $f: UUID, $o: UUID) { leitbilder { process { id proposals(status: $s, fieldOfActionId: $f, organizationId: $o) { id status authorOrganization { id } fieldOfAction { id } goal { fieldOfActionId } } } } }";

fn ids(list: &[&Value]) -> BTreeSet<String> {
    list.iter().map(|p| p["id"].as_str().unwrap().to_string()).collect()
}

/// The field a proposal belongs to: its own, or its goal's.
fn field_of(p: &Value) -> Option<&str> {
    p["fieldOfAction"]["id"].as_str().or_else(|| p["goal"]["fieldOfActionId"].as_str())
}

fn processes(data: &Value) -> Vec<&Value> {
    data["leitbilder"].as_array().unwrap().iter().map(|l| &l["process"]).filter(|p| p.is_object()).collect()
}

async fn proposals(app: &TestApp, token: &str, vars: Value) -> Vec<Value> {
    let data = app.ok(Some(token), PROPOSALS, vars).await;
    processes(&data).into_iter().flat_map(|p| p["proposals"].as_array().unwrap().clone()).collect()
}

async fn proposals_are_filtered_by_status_field_and_organisation(b: Backend) {
    let app = TestApp::start(b).await;
    teilhabe::demo::load(&app.state).await.unwrap();
    let coordinator = app.login("koordination@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let all = proposals(&app, &coordinator, json!({})).await;
    assert!(all.len() >= 3, "{all:?}");

    let fields: BTreeSet<&str> = all.iter().filter_map(field_of).collect();
    assert!(!fields.is_empty());
    for field in &fields {
        let got = proposals(&app, &coordinator, json!({"f": field})).await;
        let want: Vec<&Value> = all.iter().filter(|p| field_of(p) == Some(field)).collect();
        assert_eq!(ids(&got.iter().collect::<Vec<_>>()), ids(&want), "field {field}");
        assert!(got.len() < all.len(), "a proposal without this field is left out");
    }
    // A goal amendment counts for the goal's field.
    assert!(all.iter().any(|p| p["goal"]["fieldOfActionId"].is_string()));

    let orgs: BTreeSet<&str> = all.iter().filter_map(|p| p["authorOrganization"]["id"].as_str()).collect();
    assert!(orgs.len() >= 2);
    for org in &orgs {
        let got = proposals(&app, &coordinator, json!({"o": org})).await;
        let want: Vec<&Value> = all.iter().filter(|p| p["authorOrganization"]["id"] == *org).collect();
        assert_eq!(ids(&got.iter().collect::<Vec<_>>()), ids(&want), "organisation {org}");
    }

    let status = all[0]["status"].as_str().unwrap();
    let got = proposals(&app, &coordinator, json!({"s": status})).await;
    let want: Vec<&Value> = all.iter().filter(|p| p["status"] == status).collect();
    assert_eq!(ids(&got.iter().collect::<Vec<_>>()), ids(&want));
    let other = if status == "WITHDRAWN" { "ACCEPTED" } else { "WITHDRAWN" };
    let none = app.ok(Some(&coordinator), PROPOSALS, json!({"s": other})).await;
    assert!(processes(&none).iter().all(|p| p["proposals"].as_array().unwrap().is_empty()));

    // Filters combine: a field and an organisation that never meet leave nothing.
    let first_field = field_of(&all[0]).unwrap();
    let stranger = all.iter().find(|p| field_of(p) != Some(first_field)).unwrap();
    let org = stranger["authorOrganization"]["id"].as_str().unwrap();
    let both = proposals(&app, &coordinator, json!({"f": first_field, "o": org})).await;
    let want: Vec<&Value> =
        all.iter().filter(|p| field_of(p) == Some(first_field) && p["authorOrganization"]["id"] == org).collect();
    assert_eq!(ids(&both.iter().collect::<Vec<_>>()), ids(&want));
}

const DELIVERIES: &str = "query($s: DeliveryStatus, $o: UUID, $n: Int!) { deliveries(status: $s, ownerId: $o, first: $n) { id status owner { id } } }";

async fn deliveries_are_filtered_before_the_list_is_cut(b: Backend) {
    let app = TestApp::start(b).await;
    teilhabe::demo::load(&app.state).await.unwrap();
    let coordinator = app.login("koordination@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let all = app.ok(Some(&coordinator), DELIVERIES, json!({"n": 500})).await["deliveries"].as_array().unwrap().clone();
    let statuses: BTreeSet<&str> = all.iter().map(|d| d["status"].as_str().unwrap()).collect();
    assert!(statuses.len() >= 2, "{statuses:?}");
    for status in statuses {
        let want: Vec<&Value> = all.iter().filter(|d| d["status"] == status).collect();
        // Cut to fewer rows than the whole list: the filter runs first, so every row matches
        // and the page is full as long as there are matching rows.
        let n = want.len().min(2);
        let got = app.ok(Some(&coordinator), DELIVERIES, json!({"s": status, "n": n})).await;
        let got = got["deliveries"].as_array().unwrap();
        assert_eq!(got.len(), n, "{status}");
        assert!(got.iter().all(|d| d["status"] == status));
        let expected: Vec<&str> = want.iter().take(n).map(|d| d["id"].as_str().unwrap()).collect();
        let got_ids: Vec<&str> = got.iter().map(|d| d["id"].as_str().unwrap()).collect();
        assert_eq!(got_ids, expected, "same order as the unfiltered list");
    }
    let owners: BTreeSet<&str> = all.iter().filter_map(|d| d["owner"]["id"].as_str()).collect();
    assert!(owners.len() >= 2);
    for owner in owners {
        let got = app.ok(Some(&coordinator), DELIVERIES, json!({"o": owner, "n": 500})).await;
        let got = got["deliveries"].as_array().unwrap();
        let want: Vec<&Value> = all.iter().filter(|d| d["owner"]["id"] == owner).collect();
        assert_eq!(ids(&got.iter().collect::<Vec<_>>()), ids(&want), "department {owner}");
    }
}

on_both_databases!(
    proposals_are_filtered_by_status_field_and_organisation,
    deliveries_are_filtered_before_the_list_is_cut
);
