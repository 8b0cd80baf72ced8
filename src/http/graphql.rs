//! The GraphQL endpoint: CSRF-safe transport, authentication, limits, error codes, metrics.

use std::time::Instant;

use async_graphql::{BatchRequest, BatchResponse};
use async_graphql_axum::GraphQLResponse;
use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

use super::{HttpState, auth::authenticate_request};
use crate::{error::Error, http::metrics::OperationLabels};

/// Most operations one HTTP request may carry; each still passes the depth and cost limits.
pub const MAX_BATCH: usize = 10;

pub async fn graphiql() -> impl IntoResponse {
    Html(
        async_graphql::http::GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .title("teilhabe GraphiQL")
            .finish(),
    )
}

fn error_response(status: StatusCode, err: Error) -> Response {
    let mut ext = async_graphql::ErrorExtensionValues::default();
    err.write_extensions(&mut ext);
    let body = serde_json::json!({ "errors": [{ "message": err.public_message(), "extensions": ext }] });
    (status, axum::Json(body)).into_response()
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

pub async fn graphql_post(State(http): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    // Only JSON may carry operations: a form, text/plain or multipart post could come from any
    // site without a CORS preflight, and so could a mutation hidden in it.
    if !is_json(&headers) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::validation("Content-Type", "send GraphQL requests as application/json"),
        );
    }
    let actor = match authenticate_request(&http.app, &headers).await {
        Ok(actor) => actor,
        Err(e @ Error::Unauthenticated) => return error_response(StatusCode::UNAUTHORIZED, e),
        Err(e) => return error_response(StatusCode::FORBIDDEN, e),
    };
    if let Some(a) = &actor {
        tracing::Span::current().record("user_id", tracing::field::display(a.user_id));
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                Error::validation("body", format!("not a GraphQL request: {e}")),
            );
        }
    };
    let requests = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(list) if list.len() > MAX_BATCH => {
            return error_response(
                StatusCode::BAD_REQUEST,
                Error::Limit(format!("at most {MAX_BATCH} operations per request")),
            );
        }
        BatchRequest::Batch(list) if list.is_empty() => {
            return error_response(StatusCode::BAD_REQUEST, Error::validation("body", "empty batch"));
        }
        BatchRequest::Batch(list) => list,
    };
    let single = requests.len() == 1;
    let mut responses = Vec::with_capacity(requests.len());
    for mut request in requests {
        let labels =
            OperationLabels { operation: request.operation_name.clone().unwrap_or_else(|| "anonymous".into()) };
        if actor.is_none() {
            request = request.disable_introspection();
        }
        request = crate::graphql::request_data(request, &http.app, actor.clone());
        let started = Instant::now();
        let response = http.schema.execute(request).await;
        http.app.metrics.graphql_latency.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
        http.app.metrics.graphql_requests.get_or_create(&labels).inc();
        if response.is_err() {
            http.app.metrics.graphql_errors.get_or_create(&labels).inc();
        }
        responses.push(response);
    }
    let response = if single { BatchResponse::Single(responses.remove(0)) } else { BatchResponse::Batch(responses) };
    GraphQLResponse::from(response).into_response()
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

/// Subscriptions over WebSocket (graphql-transport-ws, and the older graphql-ws). The actor is
/// the `token` of the `connection_init` payload, else the session cookie of a same-origin page.
/// A token that is given but not valid is refused (close 4403), never taken as anonymous; and
/// once the session ends (logout, deactivation, erasure, lost rights) the socket is closed 4403.
pub async fn graphql_ws(
    State(http): State<HttpState>,
    headers: HeaderMap,
    upgrade: axum::extract::WebSocketUpgrade,
) -> Response {
    let Some(protocol) = ws_protocol(&headers) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let cookie = super::auth::session_cookie(&headers)
        .filter(|_| same_origin(&headers, http.app.config.public_url.as_str()))
        .map(str::to_string);
    let (app, schema) = (http.app.clone(), http.schema.clone());
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve_ws(socket, app, schema, protocol, cookie))
}

async fn serve_ws(
    socket: axum::extract::ws::WebSocket,
    app: crate::state::AppState,
    schema: crate::graphql::AppSchema,
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
    let ended = async move {
        match init_rx.await {
            Ok(actor) => crate::participation::live::until_session_ends(app, actor).await,
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
