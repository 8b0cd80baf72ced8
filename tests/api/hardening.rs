//! The open internet: documents that would crash the parser, metrics flooding, write volume,
//! GraphiQL's page, slow clients and an unreachable database.

use std::{sync::Arc, time::Duration};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use teilhabe::{clock::ManualClock, config::Config, metrics::Metrics, state::AppState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::{
    on_both_databases,
    support::{Backend, TestApp, code, start_time},
};

fn deep_list() -> String {
    format!("{{__typename(x:{}1{})}}", "[".repeat(2000), "]".repeat(2000))
}

fn deep_object() -> String {
    format!("{{__typename(x:{}1{})}}", "{a:".repeat(2000), "}".repeat(2000))
}

async fn post(app: &TestApp, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = app.http.post(format!("{}/graphql", app.base)).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// A graphql-transport-ws connection, initialised with `token` (or anonymously).
async fn websocket(
    app: &TestApp,
    token: Option<&str>,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut req = format!("{}/graphql/ws", app.base.replace("http://", "ws://")).into_client_request().unwrap();
    req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let payload = token.map_or(json!({}), |t| json!({"token": t}));
    ws.send(Message::text(json!({"type": "connection_init", "payload": payload}).to_string())).await.unwrap();
    let ack = ws.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack:?}");
    ws
}

/// Sends one `subscribe` and answers the first `next` payload of it.
async fn over_websocket<S>(ws: &mut S, id: &str, query: &str) -> Value
where
    S: futures_util::Sink<Message>
        + futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
        + Unpin,
    <S as futures_util::Sink<Message>>::Error: std::fmt::Debug,
{
    let msg = json!({"id": id, "type": "subscribe", "payload": {"query": query}});
    ws.send(Message::text(msg.to_string())).await.unwrap();
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.unwrap().unwrap().unwrap();
        let Message::Text(text) = msg else { continue };
        let v: Value = serde_json::from_str(&text).unwrap();
        if v["id"] == id && v["type"] == "next" {
            return v["payload"].clone();
        }
        // graphql-transport-ws: a refused operation ends in `error` with the GraphQL errors.
        if v["id"] == id && v["type"] == "error" {
            return json!({"errors": v["payload"]});
        }
    }
}

async fn deep_documents_are_refused_and_the_server_lives_on(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    for doc in [deep_list(), deep_object()] {
        assert!(doc.len() < 9000);
        let (status, body) = post(&app, None, &json!({"query": doc})).await;
        assert_eq!((status, code(&body)), (400, "LIMIT"), "{body}");
        let (_, body) = post(&app, None, &json!([{"query": "{ __typename }"}, {"query": doc}])).await;
        assert_eq!(code(&body), "LIMIT", "a batch is refused as a whole");
    }
    // Just within the limit, the parser copes and the schema answers as usual.
    let within = format!("{{__typename(x:{}1{})}}", "[".repeat(60), "]".repeat(60));
    let (status, body) = post(&app, None, &json!({"query": within})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["errors"].is_array() || body["data"]["__typename"] == "Query", "{body}");
    let mut ws = websocket(&app, None).await;
    for (i, doc) in [deep_list(), deep_object()].into_iter().enumerate() {
        let payload = over_websocket(&mut ws, &format!("deep{i}"), &doc).await;
        assert_eq!(code(&payload), "LIMIT", "{payload}");
    }
    let payload = over_websocket(&mut ws, "fine", "{ __typename }").await;
    assert_eq!(payload["data"]["__typename"], "Query", "the connection still works: {payload}");
    let nested = "{ __schema { types { fields { type { ofType { ofType { name } } } } } } }";
    let data = app.ok(Some(&admin), nested, json!({})).await;
    assert!(data["__schema"]["types"].as_array().is_some_and(|t| !t.is_empty()));
    let inside = format!("{{ __type(name: \"{}\") {{ name }} }} # {}", "[{(".repeat(100), "{".repeat(100));
    let data = app.ok(Some(&admin), &inside, json!({})).await;
    assert!(data["__type"].is_null(), "brackets in strings and comments do not count");
}

const CREATE: &str = "createOrganization(input: {name: $n, sector: POLITICS}) { id }";

async fn organisations(app: &TestApp, token: &str) -> usize {
    app.ok(Some(token), "{ organizations { id } }", json!({})).await["organizations"].as_array().unwrap().len()
}

/// A mutation creating `n` organisations named `<prefix> <i>`.
fn aliased_named(prefix: &str, n: usize) -> String {
    let fields: String =
        (0..n).map(|i| format!("o{i}: {} ", CREATE.replace("$n", &format!("\"{prefix} {i}\"")))).collect();
    format!("mutation {{ {fields} }}")
}

fn aliased(n: usize) -> String {
    aliased_named("Org", n)
}

async fn write_volume_is_bounded(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let (status, body) = post(&app, Some(&admin), &json!({"query": aliased(499)})).await;
    assert_eq!((status, code(&body)), (400, "LIMIT"), "{body}");
    assert_eq!(organisations(&app, &admin).await, 0);
    let batch: Vec<_> = (0..10).map(|_| json!({"query": aliased(5)})).collect();
    let (status, body) = post(&app, Some(&admin), &json!(batch)).await;
    assert_eq!((status, code(&body)), (400, "LIMIT"), "{body}");
    assert_eq!(organisations(&app, &admin).await, 0);
    let fragment = "mutation { ...F ...F } fragment F on Mutation { a: createOrganization(input: {name: \"A\", \
                    sector: POLITICS}) { id } b: createOrganization(input: {name: \"B\", sector: POLITICS}) { id } \
                    c: createOrganization(input: {name: \"C\", sector: POLITICS}) { id } }";
    let (_, body) = post(&app, Some(&admin), &json!({"query": fragment})).await;
    assert_eq!(code(&body), "LIMIT", "fragments count too: {body}");
    let mut ws = websocket(&app, Some(&admin)).await;
    let payload = over_websocket(&mut ws, "m", &aliased(6)).await;
    assert_eq!(code(&payload), "LIMIT", "{payload}");
    assert_eq!(organisations(&app, &admin).await, 0);
    let batch: Vec<_> = (0..2).map(|b| json!({"query": aliased_named(&format!("Stapel {b}"), 5)})).collect();
    let (status, body) = post(&app, Some(&admin), &json!(batch)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.as_array().unwrap().iter().all(|r| r.get("errors").is_none()), "{body}");
    assert_eq!(organisations(&app, &admin).await, 10, "five each, ten in all: within the limits");
}

async fn each_person_has_a_write_budget(b: Backend) {
    let app = TestApp::start_with(b, |c| c.write_rate_per_minute = 4).await;
    let admin = app.admin().await; // the login spends the anonymous address's budget, not the admin's
    let create = |i: usize| json!({"query": aliased_named(&format!("Budget {i}"), 1)});
    for i in 0..4 {
        let (status, body) = post(&app, Some(&admin), &create(i)).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = post(&app, Some(&admin), &create(4)).await;
    assert_eq!((status, code(&body)), (429, "LIMIT"), "{body}");
    let mut ws = websocket(&app, Some(&admin)).await;
    let payload = over_websocket(&mut ws, "w", &aliased(1)).await;
    assert_eq!(code(&payload), "LIMIT", "the WebSocket spends the same budget: {payload}");
    assert_eq!(app.ok(Some(&admin), "{ me { email } }", json!({})).await["me"]["email"], "admin@example.org");
    assert_eq!(organisations(&app, &admin).await, 4);
    // Anonymous writes (logins) spend the address's budget: the admin's first login and three more.
    for _ in 0..3 {
        app.login(crate::support::ADMIN_EMAIL, crate::support::ADMIN_PASSWORD).await;
    }
    let login = json!({"query": "mutation { login(email: \"admin@example.org\", password: \"x\") { token } }"});
    let (status, body) = post(&app, None, &login).await;
    assert_eq!((status, code(&body)), (429, "LIMIT"), "{body}");
    app.clock.advance(chrono::Duration::seconds(30));
    let (status, body) = post(&app, Some(&admin), &create(5)).await;
    assert_eq!(status, 200, "half a minute refills half the budget: {body}");
    let (status, body) = post(&app, None, &login).await;
    assert_eq!((status, code(&body)), (200, "UNAUTHENTICATED"), "{body}");
}

/// Checks every line against the text exposition format: `# …` comments, or
/// `name{label="escaped value",…} number`.
fn assert_exposition(text: &str) {
    fn name_end(s: &str) -> usize {
        s.char_indices()
            .find(|&(i, c)| !(c == '_' || c == ':' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
            .map_or(s.len(), |(i, _)| i)
    }
    for line in text.lines() {
        if line.starts_with("# ") {
            continue;
        }
        let end = name_end(line);
        assert!(end > 0, "no metric name: {line:?}");
        let mut rest = &line[end..];
        if let Some(labels) = rest.strip_prefix('{') {
            rest = labels;
            loop {
                let end = name_end(rest);
                assert!(end > 0, "no label name: {line:?}");
                rest = rest[end..].strip_prefix("=\"").unwrap_or_else(|| panic!("label without value: {line:?}"));
                let mut chars = rest.char_indices();
                let close = loop {
                    match chars.next() {
                        Some((_, '\\')) => {
                            let (_, escaped) = chars.next().unwrap_or_else(|| panic!("dangling escape: {line:?}"));
                            assert!(matches!(escaped, '\\' | '"' | 'n'), "bad escape: {line:?}");
                        }
                        Some((i, '"')) => break i,
                        Some((_, '\n')) | None => panic!("unterminated label value: {line:?}"),
                        Some(_) => {}
                    }
                };
                rest = &rest[close + 1..];
                if let Some(more) = rest.strip_prefix(',') {
                    rest = more;
                } else {
                    rest = rest.strip_prefix('}').unwrap_or_else(|| panic!("labels not closed: {line:?}"));
                    break;
                }
            }
        }
        let rest = rest.strip_prefix(' ').unwrap_or_else(|| panic!("no value: {line:?}"));
        let mut parts = rest.split(' ');
        let value = parts.next().unwrap_or_default();
        assert!(
            value.parse::<f64>().is_ok() || ["+Inf", "-Inf", "NaN"].contains(&value),
            "bad value {value:?}: {line:?}"
        );
        // An optional timestamp, nothing after it.
        assert!(parts.next().is_none_or(|t| t.parse::<f64>().is_ok()), "bad timestamp: {line:?}");
        assert!(parts.next().is_none(), "trailing text: {line:?}");
    }
}

async fn metrics_cannot_be_flooded_or_broken(b: Backend) {
    let app = TestApp::start(b).await;
    let long = "A".repeat(100 * 1024);
    let bodies = [
        json!({"query": "query Gut { __typename }", "operationName": "Gut"}),
        json!({"query": "query Gut { __typename }", "operationName": "x\"} 1\nfake_metric 2"}),
        json!({"query": format!("query {long} {{ __typename }}"), "operationName": long}),
        json!({"query": "query Gut { __typename }", "operationName": "Erfunden"}),
    ];
    for body in &bodies {
        post(&app, None, body).await;
    }
    let res = app.http.get(format!("{}/metrics", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 200, "this host may read the metrics");
    let text = res.text().await.unwrap();
    assert!(text.len() < 100 * 1024, "{} bytes", text.len());
    assert!(!text.contains("fake_metric") && !text.contains("AAAA") && !text.contains("Erfunden"), "{text}");
    assert!(text.contains("teilhabe_graphql_requests_total{operation=\"Gut\"} 1"), "{text}");
    assert!(text.contains("teilhabe_graphql_requests_total{operation=\"other\"} 3"), "{text}");
    assert_exposition(&text);
}

#[test]
fn the_exposition_checker_finds_broken_lines() {
    assert_exposition("# HELP a b\na_total{operation=\"x\\\"y\"} 1\nb 2.5\n# EOF");
    for broken in ["a{operation=\"x\"y\"} 1", "a{operation=\"x", "a 1 2 3x", "{x=\"1\"} 1", "a{o=\"\\q\"} 1"] {
        assert!(std::panic::catch_unwind(|| assert_exposition(broken)).is_err(), "{broken}");
    }
}

#[tokio::test]
async fn metrics_need_the_token_when_one_is_set() {
    let app = TestApp::start_with(Backend::Sqlite, |c| c.metrics_token = Some("geheim".into())).await;
    let url = format!("{}/metrics", app.base);
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 401);
    assert_eq!(app.http.get(&url).bearer_auth("falsch").send().await.unwrap().status(), 401);
    let ok = app.http.get(&url).bearer_auth("geheim").send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.text().await.unwrap().contains("teilhabe_db_statements_total"));

    let app = TestApp::start_with(Backend::Sqlite, |c| c.metrics_bind = Some("127.0.0.1:0".parse().unwrap())).await;
    let url = format!("{}/metrics", app.base);
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 404, "served on its own listener only");
    let app = TestApp::start(Backend::Sqlite).await;
    let url = format!("{}/metrics", app.base);
    let proxied = app.http.get(&url).header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
    assert_eq!(proxied.status(), 404, "a proxy on this host does not make the world local");
    let router = teilhabe::http::metrics_router(app.state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let own = format!("http://{}/metrics", listener.local_addr().unwrap());
    tokio::spawn(teilhabe::http::serve::serve(listener, router, Duration::from_secs(5), std::future::pending()));
    let res = app.http.get(&own).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(text.contains("teilhabe_db_statements"), "{text}");
}

fn script_sources(html: &str) -> Vec<String> {
    html.split("<script").skip(1).map(|s| s.split('>').next().unwrap_or_default().to_string()).collect()
}

async fn graphiql_is_self_hosted_and_framed_by_nobody(b: Backend) {
    let app = TestApp::start(b).await;
    let url = format!("{}/graphql", app.base);
    let res = app.http.get(&url).header("accept", "text/html,application/xhtml+xml").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    let html = res.text().await.unwrap();
    assert!(html.contains("GraphiQL"), "{html}");
    for tag in script_sources(&html) {
        assert!(!tag.contains("http:") && !tag.contains("https:") && !tag.contains("//"), "{tag}");
    }
    let res = app.http.get(&url).header("accept", "application/json").send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "POST");
    let off = TestApp::start_with(b, |c| c.graphiql = false).await;
    let res = off.http.get(format!("{}/graphql", off.base)).header("accept", "text/html").send().await.unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    let app = TestApp::start_with(Backend::Sqlite, |c| c.header_timeout = Duration::from_secs(1)).await;
    let mut tcp = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    // The server ends the connection (perhaps after a 408); a read to the end shows it.
    let read = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was still open after 5 s");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    assert!(buf.is_empty() || String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 408"), "{buf:?}");
}

/// A server whose PostgreSQL is not there: a closed port, connected to lazily.
async fn without_database(acquire_timeout: Duration) -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut opts = sea_orm::ConnectOptions::new(format!("postgres://postgres@127.0.0.1:{port}/teilhabe"));
    opts.connect_lazy(true).acquire_timeout(acquire_timeout).sqlx_logging(false);
    let db = sea_orm::Database::connect(opts).await.unwrap();
    let clock = ManualClock::new(start_time());
    let config = Config { database_url: "postgres://unreachable".into(), ..Config::default() };
    let config_hash = (config.hash_concurrency, config.hash_queue_timeout);
    let state = AppState {
        db,
        config: Arc::new(config),
        clock: clock.clone(),
        metrics: Arc::new(Metrics::new()),
        live: Default::default(),
        hasher: Arc::new(teilhabe::hasher::Hasher::new(config_hash.0, config_hash.1)),
    };
    let router = teilhabe::http::router(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(teilhabe::http::serve::serve(listener, router, Duration::from_secs(5), std::future::pending()));
    TestApp::from_parts(base, clock, state)
}

#[tokio::test]
async fn an_unreachable_database_is_reported_fast_and_as_internal() {
    // The production pool waits 10 s for a connection; readiness must not.
    let app = without_database(Duration::from_secs(10)).await;
    let started = std::time::Instant::now();
    let res = app.http.get(format!("{}/readyz", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(res.json::<Value>().await.unwrap()["database"], "unreachable");

    let app = without_database(Duration::from_millis(300)).await;
    let (status, body) = post(&app, Some("irgendein-token"), &json!({"query": "{ me { id } }"})).await;
    assert_eq!((status, code(&body)), (503, "INTERNAL"), "{body}");
    assert_eq!(body["errors"][0]["message"], "internal error");
    let res = app.http.get(format!("{}/api/me/export", app.base)).bearer_auth("x").send().await.unwrap();
    assert_eq!(res.status(), 503);
    let text = res.text().await.unwrap();
    assert!(!text.contains("pool") && !text.contains("127.0.0.1"), "{text}");
}

async fn an_unknown_token_is_unauthenticated(b: Backend) {
    let app = TestApp::start(b).await;
    let body = app.gql(Some("kein-gueltiges-token"), "{ organizations { id } }", json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED");
    for path in ["/api/me/export", &format!("/api/reports/{}/monitoring.csv", uuid::Uuid::new_v4())] {
        let res = app.http.get(format!("{}{path}", app.base)).bearer_auth("kein-gueltiges-token").send().await.unwrap();
        assert_eq!(res.status(), 401, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(code(&body), "UNAUTHENTICATED", "{path}");
    }
}

async fn send_accepting(app: &TestApp, accept: Option<&str>, body: Value) -> (u16, String, Value) {
    let mut req = app.http.post(format!("{}/graphql", app.base)).json(&body);
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    let res = req.send().await.unwrap();
    let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (res.status().as_u16(), ct, res.json().await.unwrap())
}

async fn graphql_over_http_request_errors_have_no_data(b: Backend) {
    let app = TestApp::start(b).await;
    const GQL: &str = "application/graphql-response+json";
    for accept in [Some(GQL), Some("application/graphql-response+json, application/json")] {
        for (body, what) in [
            (json!({"variables": {}}), "no query"),
            (json!({"query": "{ me {\n id"}), "syntax"),
            (json!({"query": "{ nichtDa }"}), "validation"),
        ] {
            let (status, ct, answer) = send_accepting(&app, accept, body).await;
            assert_eq!((status, ct.as_str()), (400, GQL), "{what} {accept:?}: {answer}");
            assert!(answer.get("data").is_none(), "{what}: {answer}");
            assert_eq!(code(&answer), "VALIDATION", "{what}: {answer}");
        }
        let (status, ct, answer) = send_accepting(&app, accept, json!({"query": "{ __typename }"})).await;
        assert_eq!((status, ct.as_str()), (200, GQL));
        assert_eq!(answer["data"]["__typename"], "Query");
    }
    let (_, _, answer) = send_accepting(&app, None, json!({"query": "{ me {\n id"})).await;
    let message = answer["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Syntax error at line 2, column 4: expected"), "{message}");
    // §7.4.1: no Accept header, or only */*, is answered as to application/json.
    for json_only in [Some("application/json"), None, Some("*/*")] {
        let (status, ct, answer) = send_accepting(&app, json_only, json!({"query": "{ nichtDa }"})).await;
        assert_eq!((status, ct.as_str()), (200, "application/json"), "{json_only:?} keeps 200: {answer}");
        assert!(answer.get("data").is_none() && code(&answer) == "VALIDATION", "{answer}");
    }
    let json_only = Some("application/json");
    let (status, ct, answer) = send_accepting(&app, json_only, json!({"query": "{ __typename }"})).await;
    assert_eq!((status, ct.as_str(), answer["data"]["__typename"].as_str()), (200, "application/json", Some("Query")));
    let batch = json!([{"query": "{ __typename }"}, {"query": "{ kaputt"}]);
    let (status, _, answer) = send_accepting(&app, None, batch).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer[0]["data"]["__typename"], "Query", "the parsable one still runs: {answer}");
    assert!(answer[1].get("data").is_none() && code(&answer[1]) == "VALIDATION", "{answer}");
}

on_both_databases!(
    graphql_over_http_request_errors_have_no_data,
    deep_documents_are_refused_and_the_server_lives_on,
    write_volume_is_bounded,
    each_person_has_a_write_budget,
    metrics_cannot_be_flooded_or_broken,
    graphiql_is_self_hosted_and_framed_by_nobody,
    an_unknown_token_is_unauthenticated,
);
