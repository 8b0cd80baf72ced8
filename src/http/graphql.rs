//! The GraphQL endpoint: CSRF-safe transport, authentication, limits, error codes, metrics.

use std::{net::IpAddr, time::Instant};

use async_graphql::{BatchRequest, BatchResponse, Data, Executor, ServerError};
use async_graphql_axum::GraphQLResponse;
use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::{StreamExt, stream::BoxStream};

use super::{
    HttpState,
    auth::authenticate_request,
    guard::{self, MAX_MUTATIONS_PER_REQUEST},
    rate::Writer,
    respond::{ClientIp, error_body, status},
};
use crate::{accounts::policy::Actor, error::Error, metrics::Label};

/// Most operations one HTTP request may carry; each still passes the depth and cost limits.
pub const MAX_BATCH: usize = 10;

/// `GET /graphql`: the self-hosted GraphiQL page for browsers; never executes anything.
pub async fn graphiql(State(http): State<HttpState>, headers: HeaderMap) -> Response {
    if !http.app.config.graphiql {
        return StatusCode::NOT_FOUND.into_response();
    }
    let wants_html = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("text/html"));
    if !wants_html {
        // Operations travel only as JSON POSTs (see graphql_post), so GET has nothing to run.
        let err = Error::validation("method", "send GraphQL operations as POST with application/json");
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "POST")], Json(error_body(&err))).into_response();
    }
    super::static_files::graphiql()
}

/// The response type the client asked for: `application/graphql-response+json` when it lists
/// it, or lists types without it or `application/json`; `application/json` when it lists that (and
/// not the GraphQL type), sends no Accept header or only `*/*`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Media {
    GraphqlResponse,
    Json,
}

impl Media {
    fn negotiate(headers: &HeaderMap) -> Self {
        let accept: Vec<String> = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .collect();
        let asks = |t: &str| accept.iter().any(|a| a == t);
        // GraphQL over HTTP §7.4.1: without an Accept header, or with only `*/*`, a server SHOULD
        // answer as to `application/json`, which every legacy client understands.
        let legacy = accept.is_empty() || (asks("*/*") && !asks("application/graphql-response+json"));
        if legacy || (asks("application/json") && !asks("application/graphql-response+json")) {
            Media::Json
        } else {
            Media::GraphqlResponse
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "application/graphql-response+json",
            Media::Json => "application/json",
        }
    }

    fn respond(self, status: StatusCode, body: &impl serde::Serialize) -> Response {
        match serde_json::to_vec(body) {
            Ok(bytes) => (status, [(header::CONTENT_TYPE, self.content_type())], bytes).into_response(),
            Err(e) => Error::internal(e).into_response(),
        }
    }

    fn error(self, status: StatusCode, err: &Error) -> Response {
        self.respond(status, &error_body(err))
    }
}

/// Whether a response is a request error: the operation never ran (no document, a syntax error,
/// a failed validation), so there are errors without a path and no data.
fn is_request_error(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// One response as JSON; a request error carries no `data` entry at all.
fn response_json(response: &async_graphql::Response) -> serde_json::Value {
    let mut value = serde_json::to_value(response).unwrap_or_default();
    if is_request_error(response)
        && let Some(map) = value.as_object_mut()
    {
        map.remove("data");
    }
    value
}

/// A GraphQL response carrying only `err`, for refusals made before the schema runs.
fn refusal(err: &Error) -> async_graphql::Response {
    let mut ext = async_graphql::ErrorExtensionValues::default();
    err.write_extensions(&mut ext);
    let mut error = ServerError::new(err.public_message(), None);
    error.extensions = Some(ext);
    async_graphql::Response::from_errors(vec![error])
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

fn writer(actor: Option<&Actor>, ip: Option<IpAddr>) -> Writer {
    actor.map_or_else(|| Writer::anonymous(ip), |a| Writer::User(a.user_id))
}

pub async fn graphql_post(
    State(http): State<HttpState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let media = Media::negotiate(&headers);
    // Only JSON may carry operations: a form, text/plain or multipart post could come from any
    // site without a CORS preflight, and so could a mutation hidden in it.
    if !is_json(&headers) {
        let err = Error::validation("Content-Type", "send GraphQL requests as application/json");
        return media.error(StatusCode::UNSUPPORTED_MEDIA_TYPE, &err);
    }
    let actor = match authenticate_request(&http.app, &headers).await {
        Ok(actor) => actor,
        Err(e) => return media.error(status(&e), &e),
    };
    if let Some(a) = &actor {
        tracing::Span::current().record("user_id", tracing::field::display(a.user_id));
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            let err = Error::validation("body", format!("not a GraphQL request: {e}"));
            return media.error(StatusCode::BAD_REQUEST, &err);
        }
    };
    let mut requests = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(list) if list.len() > MAX_BATCH => {
            let err = Error::Limit(format!("at most {MAX_BATCH} operations per request"));
            return media.error(StatusCode::BAD_REQUEST, &err);
        }
        BatchRequest::Batch(list) if list.is_empty() => {
            return media.error(StatusCode::BAD_REQUEST, &Error::validation("body", "empty batch"));
        }
        BatchRequest::Batch(list) => list,
    };
    // Every operation of the batch is checked before any of them runs, so a refused request
    // writes nothing. A document that does not parse is answered alone; the others still run.
    let mut inspected = Vec::with_capacity(requests.len());
    for request in &mut requests {
        match guard::inspect(request, &http.documents) {
            Ok(i) => inspected.push(Ok(i)),
            Err(e @ Error::Validation { .. }) => inspected.push(Err(e)),
            Err(e) => return media.error(status(&e), &e),
        }
    }
    let writes: usize = inspected.iter().flatten().map(|i| i.mutations).sum();
    if writes > MAX_MUTATIONS_PER_REQUEST {
        let err = Error::Limit(format!("a request may change at most {MAX_MUTATIONS_PER_REQUEST} things"));
        return media.error(StatusCode::BAD_REQUEST, &err);
    }
    if let Err(e) = http.writes.spend(writer(actor.as_ref(), ip), writes, http.app.now()) {
        return media.error(StatusCode::TOO_MANY_REQUESTS, &e);
    }
    let single = requests.len() == 1;
    let mut responses = Vec::with_capacity(requests.len());
    for (mut request, checked) in requests.into_iter().zip(inspected) {
        let labels = http.app.metrics.operation(checked.as_ref().map_or(&Label::Other, |c| &c.label));
        let started = Instant::now();
        let response = match checked {
            Ok(inspected) => {
                if actor.is_none() {
                    request = request.disable_introspection();
                }
                let request = request.data(crate::accounts::graphql::ClientAddress(ip));
                // Tools' standard introspection query nests deeper than data queries may.
                let schema =
                    if actor.is_some() && inspected.introspection_only { &http.introspection } else { &http.schema };
                crate::graphql::execute(schema, request, &http.app, actor.clone()).await
            }
            Err(e) => refusal(&e),
        };
        http.app.metrics.graphql_latency.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
        http.app.metrics.graphql_requests.get_or_create(&labels).inc();
        if response.is_err() {
            http.app.metrics.graphql_errors.get_or_create(&labels).inc();
        }
        responses.push(response);
    }
    if single {
        let response = responses.remove(0);
        // GraphQL over HTTP: a request error is a 4xx under its own media type; plain JSON
        // clients keep the 200 they have always had.
        if is_request_error(&response) {
            let status = if media == Media::GraphqlResponse { StatusCode::BAD_REQUEST } else { StatusCode::OK };
            return media.respond(status, &response_json(&response));
        }
        let mut answer = GraphQLResponse::from(BatchResponse::Single(response)).into_response();
        answer.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(media.content_type()));
        return answer;
    }
    let list: Vec<_> = responses.iter().map(response_json).collect();
    media.respond(StatusCode::OK, &list)
}

/// The schema as the WebSocket transport sees it: every `subscribe` passes the same checks and
/// write budget as an HTTP request before the schema parses it.
#[derive(Clone)]
struct Guarded {
    http: HttpState,
    ip: Option<IpAddr>,
}

impl Guarded {
    fn check(&self, request: &mut async_graphql::Request, actor: Option<&Actor>) -> Result<(), Error> {
        let inspected = guard::inspect(request, &self.http.documents)?;
        self.http.writes.spend(writer(actor, self.ip), inspected.mutations, self.http.app.now())
    }
}

/// The actor the connection or request data carries.
fn actor_in(data: &Data) -> Option<Actor> {
    data.get(&std::any::TypeId::of::<Actor>()).and_then(|a| a.downcast_ref::<Actor>()).cloned()
}

impl Executor for Guarded {
    async fn execute(&self, mut request: async_graphql::Request) -> async_graphql::Response {
        let actor = actor_in(&request.data);
        match self.check(&mut request, actor.as_ref()) {
            Ok(()) => crate::graphql::classify_errors(self.http.schema.execute(request).await),
            Err(e) => refusal(&e),
        }
    }

    fn execute_stream(
        &self,
        mut request: async_graphql::Request,
        session: Option<std::sync::Arc<Data>>,
    ) -> BoxStream<'static, async_graphql::Response> {
        let actor = session.as_deref().and_then(actor_in);
        match self.check(&mut request, actor.as_ref()) {
            Ok(()) => self
                .http
                .schema
                .execute_stream_with_session_data(request, session.unwrap_or_default())
                .map(crate::graphql::classify_errors)
                .boxed(),
            Err(e) => futures_util::stream::once(std::future::ready(refusal(&e))).boxed(),
        }
    }
}

/// Whether a browser's WebSocket comes from our own pages: browsers send the session cookie
/// on cross-site WebSockets too, so a cookie counts only from our origin.
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let origin = origin.trim_end_matches('/');
    if origin.eq_ignore_ascii_case(public_url.trim_end_matches('/')) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    !host.is_empty() && origin.split_once("://").is_some_and(|(_, h)| h.eq_ignore_ascii_case(host))
}

/// The subprotocol the client asked for, as async-graphql-axum's extractor reads it.
fn ws_protocol(headers: &HeaderMap) -> Option<async_graphql::http::WebSocketProtocols> {
    headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|list| list.split(',').find_map(|p| p.trim().parse().ok()))
}

/// The close code of a socket whose session ended or was never valid (graphql-ws: Forbidden).
pub const CLOSE_SESSION_ENDED: u16 = 4403;

/// graphql-transport-ws: an operation that fails before it yields anything (validation, a
/// refused document, an unknown id) ends in one `error` message whose payload is the list of
/// GraphQL errors, with no `complete` after it. async-graphql sends `next` and `complete`
/// instead; this rewrites its outgoing frames. Only `next` belongs to this protocol.
#[derive(Default)]
struct ErrorFrames {
    started: std::collections::HashSet<String>,
    failed: std::collections::HashSet<String>,
}

impl ErrorFrames {
    fn rewrite(&mut self, message: axum::extract::ws::Message) -> Option<axum::extract::ws::Message> {
        let axum::extract::ws::Message::Text(text) = &message else { return Some(message) };
        let Ok(mut frame) = serde_json::from_str::<serde_json::Value>(text.as_str()) else { return Some(message) };
        let id = frame["id"].as_str().unwrap_or_default().to_string();
        match frame["type"].as_str() {
            Some("next") if self.started.insert(id.clone()) => {
                let payload = &mut frame["payload"];
                let no_data = payload.get("data").is_none_or(serde_json::Value::is_null);
                let errors = payload.get_mut("errors").map(serde_json::Value::take);
                match errors {
                    Some(errors) if no_data && errors.as_array().is_some_and(|e| !e.is_empty()) => {
                        self.failed.insert(id.clone());
                        let error = serde_json::json!({"type": "error", "id": id, "payload": errors});
                        Some(axum::extract::ws::Message::Text(error.to_string().into()))
                    }
                    _ => Some(message),
                }
            }
            Some("complete") => {
                self.started.remove(&id);
                (!self.failed.remove(&id)).then_some(message)
            }
            _ => Some(message),
        }
    }
}

/// Subscriptions over WebSocket (graphql-transport-ws, and the older graphql-ws). The actor is
/// the `token` of the `connection_init` payload, else the session cookie of a same-origin page.
/// A token that is given but not valid is refused (close 4403), never taken as anonymous; and
/// once the session ends (logout, deactivation, erasure, lost rights) the socket is closed 4403.
pub async fn graphql_ws(
    State(http): State<HttpState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    upgrade: axum::extract::WebSocketUpgrade,
) -> Response {
    let Some(protocol) = ws_protocol(&headers) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let cookie = super::auth::session_cookie(&headers)
        .filter(|_| same_origin(&headers, http.app.config.public_url.as_str()))
        .map(str::to_string);
    let app = http.app.clone();
    let schema = Guarded { http, ip };
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve_ws(socket, app, schema, protocol, cookie))
}

async fn serve_ws(
    socket: axum::extract::ws::WebSocket,
    app: crate::state::AppState,
    schema: Guarded,
    protocol: async_graphql::http::WebSocketProtocols,
    cookie: Option<String>,
) {
    use axum::extract::ws::{CloseFrame, Message};
    use futures_util::{SinkExt, StreamExt, future};

    let (mut sink, stream) = socket.split();
    let input = stream.take_while(|res| future::ready(res.is_ok())).filter_map(|msg| {
        future::ready(match msg {
            Ok(m @ (Message::Text(_) | Message::Binary(_))) => Some(m.into_data()),
            _ => None,
        })
    });
    let (init_tx, init_rx) = tokio::sync::oneshot::channel::<crate::accounts::policy::Actor>();
    let refused = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (init_app, init_refused) = (app.clone(), refused.clone());
    let gql =
        async_graphql::http::WebSocket::new(schema, input, protocol).on_connection_init(move |payload| async move {
            // An empty token is no token: clients send `""` when nobody is logged in.
            let token = payload.get("token").and_then(|t| t.as_str()).filter(|t| !t.is_empty()).map(str::to_string);
            let (actor, explicit) = match (token, cookie) {
                (Some(t), _) => (authenticate_ws(&init_app, &t).await?, true),
                (None, Some(c)) => (authenticate_ws(&init_app, &c).await?, false),
                (None, None) => (None, false),
            };
            match &actor {
                Some(a) => {
                    let _ = init_tx.send(a.clone());
                }
                None if explicit => {
                    init_refused.store(true, std::sync::atomic::Ordering::Relaxed);
                    return Err(async_graphql::Error::new(Error::Unauthenticated.public_message()));
                }
                None => {}
            }
            Ok(crate::graphql::connection_data(&init_app, actor))
        });
    futures_util::pin_mut!(gql);
    let mut frames = ErrorFrames::default();
    let ended = async move {
        match init_rx.await {
            Ok(actor) => crate::accounts::service::until_session_ends(app, actor).await,
            // Anonymous or refused: nothing to watch.
            Err(_) => std::future::pending().await,
        }
    };
    tokio::pin!(ended);
    let close = |reason: &str| Message::Close(Some(CloseFrame { code: CLOSE_SESSION_ENDED, reason: reason.into() }));
    loop {
        tokio::select! {
            msg = gql.next() => {
                let out = match msg {
                    Some(async_graphql::http::WsMessage::Text(text)) => Message::Text(text.into()),
                    // An init refused for its token closes as forbidden, not as a protocol error.
                    Some(async_graphql::http::WsMessage::Close(_, reason))
                        if refused.load(std::sync::atomic::Ordering::Relaxed) => close(&reason),
                    Some(async_graphql::http::WsMessage::Close(code, reason)) => {
                        Message::Close(Some(CloseFrame { code, reason: reason.into() }))
                    }
                    None => break,
                };
                let Some(out) = frames.rewrite(out) else { continue };
                if sink.send(out).await.is_err() {
                    break;
                }
            }
            () = &mut ended => {
                let _ = sink.send(close("session ended")).await;
                break;
            }
        }
    }
}

/// A token in `connection_init` (or the cookie) as an actor; `None` when it is not valid.
async fn authenticate_ws(
    app: &crate::state::AppState,
    token: &str,
) -> async_graphql::Result<Option<crate::accounts::policy::Actor>> {
    crate::accounts::service::authenticate(app, token).await.map_err(|e| async_graphql::Error::new(e.public_message()))
}
