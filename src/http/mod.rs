//! The HTTP surface: routes, middleware (request ids, tracing, limits, timeouts) and small handlers.

pub mod auth;
mod calendar;
pub mod graphql;
mod static_files;

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use sea_orm::ConnectionTrait;
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::{graphql::AppSchema, state::AppState};

#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: AppSchema,
}

pub fn router(app: AppState) -> Router {
    let schema = crate::graphql::build_schema(Some(app.clone()));
    let max_body = app.config.max_body_bytes;
    let timeout = app.config.request_timeout;
    let http = HttpState { app, schema };
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
        .fallback(static_files::serve)
        .with_state(http)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body))
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

async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers and the scheduler completed a pass within three intervals;
/// a scheduler that stopped silently would otherwise leave every reminder unsent.
async fn readyz(State(http): State<HttpState>) -> Response {
    let db_ok = http.app.db.execute_unprepared("SELECT 1").await.is_ok();
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

async fn metrics_text(State(http): State<HttpState>) -> Response {
    let body = http.app.metrics.render(&http.app.db);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// GDPR: everything stored about the logged-in person, as a JSON download.
async fn export_me(State(http): State<HttpState>, headers: axum::http::HeaderMap) -> Response {
    let actor = match auth::authenticate_read(&http.app, &headers).await {
        Ok(Some(a)) => a,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "login required").into_response(),
        Err(e) => return (StatusCode::FORBIDDEN, e.to_string()).into_response(),
    };
    match crate::privacy::export(&http.app, &actor).await {
        Ok(data) => (
            [(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"teilhabe-meine-daten.json\""),
            )],
            Json(data),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "personal data export failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "export failed").into_response()
        }
    }
}
