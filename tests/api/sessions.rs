//! Sessions end everywhere: open subscriptions close (4403) on logout, deactivation, erasure and
//! lost rights; invalid tokens are refused, never anonymous; a password change needs the
//! current password and ends the other sessions.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::{
    on_both_databases,
    support::{Backend, PASSWORD, TestApp, code},
};

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const ADD_COMMENT: &str = "mutation($i: AddCommentInput!) { addComment(input: $i) { id } }";
const ME: &str = "{ me { id } }";
const UPDATE: &str = "mutation($id: UUID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id } }";

/// Opens a graphql-transport-ws socket and sends `connection_init` with `token`.
async fn open(app: &TestApp, token: &str) -> Ws {
    let mut req = format!("{}/graphql/ws", app.base.replace("http://", "ws://")).into_client_request().unwrap();
    req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    ws.send(Message::text(json!({"type": "connection_init", "payload": {"token": token}}).to_string())).await.unwrap();
    ws
}

/// What the socket says next: a subscription payload, a close code, or nothing within `ms`.
#[derive(Debug, PartialEq)]
enum Heard {
    Next(Value),
    Ack,
    Closed(u16),
    Nothing,
}

async fn hear(ws: &mut Ws, ms: u64) -> Heard {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(ms);
    loop {
        let msg = match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return Heard::Nothing,
            Ok(None) | Ok(Some(Err(_))) => return Heard::Closed(0),
            Ok(Some(Ok(m))) => m,
        };
        match msg {
            Message::Close(frame) => return Heard::Closed(frame.map_or(0, |f| u16::from(f.code))),
            Message::Text(t) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                match v["type"].as_str() {
                    Some("next") => return Heard::Next(v["payload"].clone()),
                    Some("connection_ack") => return Heard::Ack,
                    Some("error") => panic!("subscription error: {v:#}"),
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

struct World {
    app: TestApp,
    admin: String,
    writer: String,
    goal: String,
    org: String,
}

async fn world(b: Backend) -> World {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let org = app.create_org(&admin, "Amt für Integration", "ADMINISTRATION").await;
    let (_, writer) = app.create_user(&admin, "schreibt@example.org", "MEMBER", &[&org]).await;
    let lb = app
        .ok(
            Some(&admin),
            "mutation { createLeitbild(input: {title: \"Leitbild 2028\", year: 2028}) { id } }",
            json!({}),
        )
        .await["createLeitbild"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let field = app
        .ok(
            Some(&admin),
            "mutation($l: UUID!) { addFieldOfAction(input: {leitbildId: $l, title: \"Bildung\"}) { id } }",
            json!({"l": lb}),
        )
        .await["addFieldOfAction"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let goal = app
        .ok(
            Some(&admin),
            "mutation($f: UUID!) { addGoal(input: {fieldOfActionId: $f, title: \"Sprachförderung\"}) { id } }",
            json!({"f": field}),
        )
        .await["addGoal"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    World { app, admin, writer, goal, org }
}

impl World {
    async fn comment(&self, body: &str) {
        self.app.ok(Some(&self.writer), ADD_COMMENT, json!({"i": {"targetId": self.goal, "body": body}})).await;
    }

    /// A socket of `token` subscribed to the goal's comments that has received one event.
    async fn subscribed(&self, token: &str) -> Ws {
        let mut ws = open(&self.app, token).await;
        assert_eq!(hear(&mut ws, 5000).await, Heard::Ack);
        ws.send(Message::text(
            json!({"id": "1", "type": "subscribe", "payload": {
                "query": "subscription($t: UUID!) { commentAdded(targetId: $t) { body } }",
                "variables": {"t": self.goal}}})
            .to_string(),
        ))
        .await
        .unwrap();
        // The subscription registers asynchronously: comment until one arrives.
        for i in 0..20 {
            self.comment(&format!("Vorher {i}")).await;
            if let Heard::Next(v) = hear(&mut ws, 500).await {
                assert!(v["data"]["commentAdded"]["body"].as_str().unwrap().starts_with("Vorher"), "{v:#}");
                return ws;
            }
        }
        panic!("no commentAdded event arrived");
    }

    /// After the session ended: the next comment is not delivered and the socket closes 4403.
    async fn assert_ended(&self, ws: &mut Ws, what: &str) {
        self.comment("Nachher").await;
        loop {
            match hear(ws, 5000).await {
                Heard::Next(v) if v["data"]["commentAdded"]["body"] == "Nachher" => {
                    panic!("{what}: an event after the session ended arrived: {v:#}")
                }
                // Events from before the change may still be on their way.
                Heard::Next(_) => {}
                Heard::Closed(c) => {
                    assert_eq!(c, 4403, "{what}");
                    return;
                }
                other => panic!("{what}: expected the socket to close, heard {other:?}"),
            }
        }
    }
}

async fn subscriptions_end_with_the_session(b: Backend) {
    let w = world(b).await;
    let app = &w.app;

    let (_, token) = app.create_user(&w.admin, "abmelden@example.org", "MEMBER", &[]).await;
    let mut ws = w.subscribed(&token).await;
    app.ok(Some(&token), "mutation { logout }", json!({})).await;
    w.assert_ended(&mut ws, "logout").await;

    let (id, token) = app.create_user(&w.admin, "deaktiviert@example.org", "MEMBER", &[]).await;
    let mut ws = w.subscribed(&token).await;
    app.ok(Some(&w.admin), "mutation($id: UUID!) { deactivateUser(id: $id) { id } }", json!({"id": id})).await;
    w.assert_ended(&mut ws, "deactivation").await;

    let (id, token) = app.create_user(&w.admin, "geloescht@example.org", "MEMBER", &[]).await;
    let mut ws = w.subscribed(&token).await;
    app.ok(Some(&w.admin), "mutation($id: UUID!) { eraseUser(id: $id) { id } }", json!({"id": id})).await;
    w.assert_ended(&mut ws, "erasure").await;

    // Losing the coordinator role, or a membership, ends the socket's rights too.
    let (id, token) = app.create_user(&w.admin, "herabgestuft@example.org", "COORDINATOR", &[&w.org]).await;
    let mut ws = w.subscribed(&token).await;
    app.ok(Some(&w.admin), UPDATE, json!({"id": id, "i": {"role": "MEMBER"}})).await;
    w.assert_ended(&mut ws, "demotion").await;
    let (id, token) = app.create_user(&w.admin, "ausgetreten@example.org", "MEMBER", &[&w.org]).await;
    let mut ws = w.subscribed(&token).await;
    app.ok(Some(&w.admin), UPDATE, json!({"id": id, "i": {"organizationIds": []}})).await;
    w.assert_ended(&mut ws, "membership removed").await;

    // A change that takes nothing away keeps the socket open and delivering.
    let (id, token) = app.create_user(&w.admin, "befoerdert@example.org", "MEMBER", &[]).await;
    let mut ws = w.subscribed(&token).await;
    app.ok(Some(&w.admin), UPDATE, json!({"id": id, "i": {"role": "COORDINATOR"}})).await;
    w.comment("Weiter").await;
    let mut delivered = false;
    while let Heard::Next(v) = hear(&mut ws, 2000).await {
        if v["data"]["commentAdded"]["body"] == "Weiter" {
            delivered = true;
            break;
        }
    }
    assert!(delivered, "a promotion must not end the subscription");
}

async fn invalid_tokens_are_refused_not_anonymous(b: Backend) {
    let w = world(b).await;
    let mut ws = open(&w.app, "kein-gueltiges-token").await;
    assert_eq!(hear(&mut ws, 5000).await, Heard::Closed(4403));

    // A logged-out token is as invalid as a made-up one.
    let (_, token) = w.app.create_user(&w.admin, "weg@example.org", "MEMBER", &[]).await;
    w.app.ok(Some(&token), "mutation { logout }", json!({})).await;
    let mut ws = open(&w.app, &token).await;
    assert_eq!(hear(&mut ws, 5000).await, Heard::Closed(4403));

    let res = w
        .app
        .http
        .post(format!("{}/graphql", w.app.base))
        .bearer_auth("kein-gueltiges-token")
        .json(&json!({"query": ME}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(code(&body), "UNAUTHENTICATED");
    assert!(body.get("data").is_none_or(Value::is_null), "{body}");
    // Without any token, public reads still answer anonymously.
    assert!(w.app.ok(None, ME, json!({})).await["me"].is_null());
}

async fn a_password_change_needs_the_current_one_and_ends_other_sessions(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let (id, here) = app.create_user(&w.admin, "wechsel@example.org", "MEMBER", &[]).await;
    let elsewhere = app.login("wechsel@example.org", PASSWORD).await;
    let mut ws = w.subscribed(&elsewhere).await;
    let new = "ein-neues-passwort-2026";

    let missing = app.gql(Some(&here), UPDATE, json!({"id": id, "i": {"password": new}})).await;
    assert_eq!(code(&missing), "VALIDATION");
    assert_eq!(missing["errors"][0]["extensions"]["field"], "currentPassword", "{missing}");
    let wrong = app
        .gql(Some(&here), UPDATE, json!({"id": id, "i": {"password": new, "currentPassword": "falsch-falsch-falsch"}}))
        .await;
    assert_eq!(code(&wrong), "VALIDATION");
    assert_eq!(wrong["errors"][0]["extensions"]["field"], "currentPassword", "{wrong}");
    // Refused changes left everything as it was.
    app.ok(Some(&elsewhere), ME, json!({})).await;
    app.login("wechsel@example.org", PASSWORD).await;

    app.ok(Some(&here), UPDATE, json!({"id": id, "i": {"password": new, "currentPassword": PASSWORD}})).await;
    assert_eq!(app.ok(Some(&here), ME, json!({})).await["me"]["id"], id, "this session stays");
    assert_eq!(code(&app.gql(Some(&elsewhere), ME, json!({})).await), "UNAUTHENTICATED");
    w.assert_ended(&mut ws, "password change").await;
    app.login("wechsel@example.org", new).await;
    let old = app
        .gql(
            None,
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
            json!({"e": "wechsel@example.org", "p": PASSWORD}),
        )
        .await;
    assert_eq!(code(&old), "UNAUTHENTICATED");
}

on_both_databases!(
    subscriptions_end_with_the_session,
    invalid_tokens_are_refused_not_anonymous,
    a_password_change_needs_the_current_one_and_ends_other_sessions,
);
