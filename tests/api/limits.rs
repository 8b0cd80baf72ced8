//! Transport and cost limits: CSRF-safe content types, depth, aliases, body size, batches.

use serde_json::json;

use crate::{
    on_both_databases,
    support::{Backend, TestApp, code},
};

const CREATE: &str = "mutation { createOrganization(input: {name: \"Über GET\", sector: POLITICS}) { id } }";

async fn organisation_count(app: &TestApp, token: &str) -> usize {
    app.ok(Some(token), "{ organizations { id } }", json!({})).await["organizations"].as_array().unwrap().len()
}

async fn mutations_only_travel_as_json(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let url = format!("{}/graphql", app.base);
    let get = app.http.get(&url).query(&[("query", CREATE)]).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(get.status(), 405, "GET executes nothing");
    let get = app
        .http
        .get(&url)
        .query(&[("query", CREATE)])
        .header("accept", "text/html")
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert!(get.text().await.unwrap().contains("GraphiQL"), "GET only serves GraphiQL");
    let body = json!({"query": CREATE}).to_string();
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        let res = app
            .http
            .post(&url)
            .bearer_auth(&admin)
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 415, "{content_type}");
    }
    let res = app.http.post(&url).bearer_auth(&admin).body(body.clone()).send().await.unwrap();
    assert_eq!(res.status(), 415, "no content type");
    assert_eq!(organisation_count(&app, &admin).await, 0);
}

async fn deep_and_wide_queries_are_refused(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    // Introspection of logged-in users may nest as deep as graphql-js' standard query, not deeper.
    let deep = format!(
        "{{ __schema {{ types {{ fields {{ type {{ {} name {} }} }} }} }} }}",
        "ofType { ".repeat(20),
        "} ".repeat(20)
    );
    let body = app.gql(Some(&admin), &deep, json!({})).await;
    assert_eq!(code(&body), "LIMIT", "{body}");
    let aliases: String = (0..2000).map(|i| format!("a{i}: me {{ id }} ")).collect();
    let body = app.gql(Some(&admin), &format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(code(&body), "LIMIT", "{body}");
}

async fn anonymous_introspection_is_off(b: Backend) {
    let app = TestApp::start(b).await;
    let anon = app.gql(None, "{ __schema { queryType { name } } }", json!({})).await;
    assert!(anon.get("errors").is_some() || anon["data"]["__schema"].is_null(), "{anon}");
    let admin = app.admin().await;
    let ok = app.ok(Some(&admin), "{ __schema { queryType { name } } }", json!({})).await;
    assert_eq!(ok["__schema"]["queryType"]["name"], "Query");
}

async fn bodies_over_the_cap_are_refused(b: Backend) {
    let app = TestApp::start(b).await;
    let padding = " ".repeat(1024 * 1024 + 10);
    let res = app
        .http
        .post(format!("{}/graphql", app.base))
        .header("content-type", "application/json")
        .body(format!("{{\"query\": \"{{ me {{ id }} }}{padding}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

async fn batches_are_bounded_and_each_operation_is_limited(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let url = format!("{}/graphql", app.base);
    let small: Vec<_> = (0..3).map(|_| json!({"query": "{ me { id } }"})).collect();
    let res: serde_json::Value =
        app.http.post(&url).bearer_auth(&admin).json(&small).send().await.unwrap().json().await.unwrap();
    assert_eq!(res.as_array().unwrap().len(), 3);
    let big: Vec<_> = (0..11).map(|_| json!({"query": CREATE})).collect();
    let res = app.http.post(&url).bearer_auth(&admin).json(&big).send().await.unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(code(&body), "LIMIT");
    assert_eq!(organisation_count(&app, &admin).await, 0);
}

async fn health_readiness_and_metrics_answer(b: Backend) {
    let app = TestApp::start(b).await;
    let get = |p: &str| app.http.get(format!("{}{p}", app.base)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    let ready: serde_json::Value = get("/readyz").await.unwrap().json().await.unwrap();
    assert_eq!(ready["database"], "ok");
    app.admin().await;
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(metrics.contains("teilhabe_graphql_requests_total{operation=\"anonymous\"}"), "{metrics}");
    assert!(metrics.contains("teilhabe_graphql_latency_seconds_bucket"));
    assert!(metrics.contains("teilhabe_db_pool_connections"));
    assert!(metrics.contains("teilhabe_scheduler_last_success_timestamp_seconds"));
    let res = get("/leitbild/irgendwo").await.unwrap();
    assert_eq!(res.status(), 200, "client-side routes fall back to the app");
    assert!(get("/export").await.unwrap().headers().contains_key("x-request-id"));
}

on_both_databases!(
    mutations_only_travel_as_json,
    deep_and_wide_queries_are_refused,
    anonymous_introspection_is_off,
    bodies_over_the_cap_are_refused,
    batches_are_bounded_and_each_operation_is_limited,
    health_readiness_and_metrics_answer,
);
