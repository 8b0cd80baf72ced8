//! The HTTP surface: routes, middleware (request ids, tracing, limits, timeouts) and small handlers.

pub mod auth;
mod calendar;
mod districts;
pub mod graphql;
pub mod guard;
mod imports;
mod oidc;
pub mod rate;
mod redirects;
pub mod respond;
pub mod serve;
mod static_files;
mod unsubscribe;

use std::{net::IpAddr, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use sea_orm::ConnectionTrait;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::{
        CompressionLayer,
        predicate::{DefaultPredicate, NotForContentType, Predicate},
    },
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::{
    error::Error,
    graphql::AppSchema,
    http::{
        rate::WriteLimiter,
        respond::{ClientIp, Reader},
    },
    state::AppState,
};

#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: AppSchema,
    /// The same schema with a deeper limit, for introspection-only queries of logged-in users.
    pub introspection: AppSchema,
    /// Each person's write budget, shared by HTTP and WebSocket.
    pub writes: Arc<WriteLimiter>,
    /// Parsed GraphQL documents, shared by HTTP and WebSocket.
    pub documents: Arc<guard::Documents>,
}

/// How long `/readyz` waits for the database: a load balancer asks often and must not queue up.
const READY_DB_TIMEOUT: Duration = Duration::from_secs(1);

pub fn router(app: AppState) -> Router {
    let schema = crate::graphql::build_schema(Some(app.clone()));
    let max_body = app.config.max_body_bytes;
    let timeout = app.config.request_timeout;
    let writes = Arc::new(WriteLimiter::new(app.config.write_rate_per_minute));
    let introspection = crate::graphql::build_introspection_schema(Some(app.clone()));
    let http = HttpState { app, schema, introspection, writes, documents: Arc::default() };
    Router::new()
        .route("/graphql", get(graphql::graphiql).post(graphql::graphql_post))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route("/graphql/ws", get(graphql::graphql_ws))
        .route("/api/me/export", get(export_me))
        .route("/api/processes/{id}/{file}", get(crate::participation::export::dispositions_download))
        .route("/glossary.ttl", get(crate::reports::glossary_files::turtle))
        .route("/glossary.jsonld", get(crate::reports::glossary_files::json_ld))
        .route("/glossary.csv", get(crate::reports::glossary_files::csv_file))
        .route("/calendar/{file}", get(calendar::handler))
        .route("/api/reports/{id}/{file}", get(crate::reports::http::report_download))
        .route("/api/reports/frozen/{id}/{file}", get(crate::reports::http::frozen_download))
        .route("/abbestellen/{token}", get(static_files::serve).post(unsubscribe::one_click))
        .route("/api/districts.geojson", get(districts::download))
        .route("/vorschlaege/{id}", get(redirects::old_link))
        .route("/ziele/{id}", get(redirects::old_link))
        .route("/handlungsfelder/{id}", get(redirects::old_link))
        .route("/definitionen/{id}", get(redirects::old_link))
        .route("/auth/oidc/login", get(oidc::login))
        .route("/auth/oidc/callback", get(oidc::callback))
        .fallback(static_files::serve)
        .with_state(http.clone())
        .layer(DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body))
        // The district map is larger than other bodies: its route has its own cap, and its
        // handler reads the file in chunks after checking the login.
        .merge(
            Router::new()
                .route("/api/districts/geojson", axum::routing::post(districts::upload))
                .with_state(http.clone())
                .layer(DefaultBodyLimit::max(districts::MAX_REQUEST_BYTES)),
        )
        // So are statistics tables and spreadsheets; their handlers check the login first.
        .merge(
            Router::new()
                .route("/api/indicators/{id}/imports/genesis", axum::routing::post(imports::genesis_upload))
                .route("/api/imports/sheet", axum::routing::post(imports::sheet_upload))
                .route("/api/indicators/{id}/imports/reference", axum::routing::post(imports::reference_upload))
                .with_state(http)
                .layer(DefaultBodyLimit::max(imports::MAX_UPLOAD_BYTES)),
        )
        // A panic ends its own request with a 500, never the process or other requests.
        .layer(CatchPanicLayer::custom(panic_response))
        // gzip or brotli as the client accepts, for bodies above a few dozen bytes (API answers,
        // downloads); images, fonts (woff2 is brotli inside) and the web app's files (coded once,
        // see static_files) are left alone.
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(NotForContentType::const_new("font/"))),
        )
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let request_id =
                        req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_string();
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        request_id = %request_id,
                        user_id = tracing::field::Empty,
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(tower_http::LatencyUnit::Millis)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// A panic ends its own request with a generic 500; the panic hook has already logged it.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    Error::internal("a request handler panicked").into_response()
}

async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers and the scheduler completed a pass within three intervals;
/// a scheduler that stopped silently would otherwise leave every reminder unsent.
async fn readyz(State(http): State<HttpState>) -> Response {
    let ping = tokio::time::timeout(READY_DB_TIMEOUT, http.app.db.execute_unprepared("SELECT 1"));
    let db_ok = matches!(ping.await, Ok(Ok(_)));
    let last = http.app.metrics.scheduler_last_success.get();
    let stalled = crate::jobs::stalled(&http.app, http.app.now());
    let body = serde_json::json!({
        "database": if db_ok { "ok" } else { "unreachable" },
        "scheduler": if stalled.is_some() { "stalled" } else { "ok" },
        "reason": stalled,
        "schedulerLastSuccess": (last > 0).then(|| chrono::DateTime::from_timestamp(last, 0)),
    });
    let status = if db_ok && stalled.is_none() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body)).into_response()
}

/// The router of `TEILHABE_METRICS_BIND`: `/metrics` and nothing else.
pub fn metrics_router(app: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(app): State<AppState>, headers: HeaderMap| async move {
                metrics_page(&app, &headers, Access::own_listener(&app))
            }),
        )
        .with_state(app)
}

/// Who may read `/metrics`.
enum Access {
    Open,
    Token,
    Denied,
}

impl Access {
    fn own_listener(app: &AppState) -> Self {
        if app.config.metrics_token.is_some() { Access::Token } else { Access::Open }
    }

    /// On the public listener: with a token, whoever has it; with a listener of its own, nobody;
    /// otherwise only this host (and not through a proxy on it).
    fn public(app: &AppState, ip: Option<IpAddr>, headers: &HeaderMap) -> Self {
        let proxied = headers.contains_key("forwarded") || headers.contains_key("x-forwarded-for");
        if app.config.metrics_token.is_some() {
            Access::Token
        } else if app.config.metrics_bind.is_none() && !proxied && ip.is_some_and(|ip| ip.is_loopback()) {
            Access::Open
        } else {
            Access::Denied
        }
    }
}

fn same_secret(a: &str, b: &str) -> bool {
    use sha2::{Digest, Sha256};
    // Comparing digests takes the same time wherever the strings differ.
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

fn metrics_page(app: &AppState, headers: &HeaderMap, access: Access) -> Response {
    match access {
        Access::Denied => return StatusCode::NOT_FOUND.into_response(),
        Access::Token => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim);
            let expected = app.config.metrics_token.as_deref().unwrap_or_default();
            if !given.is_some_and(|g| same_secret(g, expected)) {
                return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")]).into_response();
            }
        }
        Access::Open => {}
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        app.metrics.render(&app.db),
    )
        .into_response()
}

async fn metrics_text(State(http): State<HttpState>, ClientIp(ip): ClientIp, headers: HeaderMap) -> Response {
    metrics_page(&http.app, &headers, Access::public(&http.app, ip, &headers))
}

/// GDPR: everything stored about the logged-in person, as a JSON download.
async fn export_me(State(http): State<HttpState>, reader: Reader) -> Result<Response, Error> {
    let actor = reader.required()?;
    let data = crate::privacy::export(&http.app, &actor).await?;
    Ok((
        [(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"teilhabe-meine-daten.json\""))],
        Json(data),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use axum::body::{Body, to_bytes};
    use tower::ServiceExt;

    use super::*;

    async fn boom() -> StatusCode {
        panic!("secret detail")
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_without_details() {
        let router: Router = Router::new().route("/", get(boom)).layer(CatchPanicLayer::custom(panic_response));
        let res = router.oneshot(Request::new(Body::empty())).await.unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = String::from_utf8(to_bytes(res.into_body(), 10_000).await.unwrap().to_vec()).unwrap();
        assert!(body.contains("internal error") && body.contains("INTERNAL") && !body.contains("secret"), "{body}");
    }
}
