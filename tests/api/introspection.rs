//! The standard introspection query of graphql-js (`getIntrospectionQuery()`, sent by GraphiQL,
//! Postman, Insomnia and codegen) is answered for logged-in users despite the depth limit;
//! anonymous users keep today's limits.

use serde_json::json;

use crate::{
    on_both_databases,
    support::{Backend, TestApp},
};

/// Generated from the `graphql` package in `frontend/node_modules` (see its first line).
const STANDARD: &str = include_str!("fixtures/introspection.graphql");

async fn the_standard_introspection_query_is_answered_for_logged_in_users(b: Backend) {
    let app = TestApp::start(b).await;
    assert!(STANDARD.contains("fragment TypeRef on __Type"), "the fixture is graphql-js' query");
    let admin = app.admin().await;
    let body = app.gql(Some(&admin), STANDARD, json!({})).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let types = body["data"]["__schema"]["types"].as_array().unwrap();
    assert!(types.iter().any(|t| t["name"] == "Term"), "the schema's types are there");
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
    // Visitors get no schema, as before.
    let anonymous = app.gql(None, STANDARD, json!({})).await;
    assert!(anonymous.get("errors").is_some(), "{anonymous:#}");
    // The exception is for introspection only: a data query as deep as the TypeRef fragment is refused.
    let deep = "{ terms { broader { broader { broader { broader { broader { broader { broader { broader { broader { broader { label } } } } } } } } } } } }";
    let refused = app.gql(Some(&admin), deep, json!({})).await;
    assert!(refused.get("errors").is_some(), "{refused:#}");
}

on_both_databases!(the_standard_introspection_query_is_answered_for_logged_in_users);
