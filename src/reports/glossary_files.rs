//! The glossary's stable download URLs: `/glossary.ttl`, `/glossary.jsonld`, `/glossary.csv`.

use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{
    error::Result,
    glossary::{csv, exchange, skos},
    http::HttpState,
    state::AppState,
};

#[derive(Clone, Copy)]
enum Format {
    Turtle,
    JsonLd,
    Csv,
}

async fn render(state: &AppState, format: Format, public: bool) -> Result<Option<String>> {
    let snapshot = if public {
        match super::publication::glossary_terms(&state.db, state.now()).await? {
            Some(agreed) => agreed,
            None => return Ok(None),
        }
    } else {
        exchange::snapshot(&state.db).await?
    };
    let glossary = crate::glossary::service::glossary(&state.db, state.now()).await?;
    let iris = exchange::Iris::new(&state.config.public_url);
    match format {
        Format::Turtle => skos::turtle(&snapshot, &iris, &glossary.title),
        Format::JsonLd => skos::json_ld(&snapshot, &iris, &glossary.title),
        Format::Csv => csv::write(&snapshot, &iris),
    }
    .map(Some)
}

/// Logged-in readers get the whole glossary; everyone else only its agreed part, and only once
/// the glossary is published.
async fn download(http: HttpState, headers: HeaderMap, format: Format) -> Response {
    let public = match crate::http::auth::authenticate_read(&http.app, &headers).await {
        Ok(Some(_)) => false,
        Ok(None) => true,
        Err(e) => return (StatusCode::FORBIDDEN, e.public_message()).into_response(),
    };
    let (content_type, filename) = match format {
        Format::Turtle => ("text/turtle; charset=utf-8", "glossar.ttl"),
        Format::JsonLd => ("application/ld+json", "glossar.jsonld"),
        Format::Csv => ("text/csv; charset=utf-8", "glossar.csv"),
    };
    match render(&http.app, format, public).await {
        Ok(None) => (StatusCode::UNAUTHORIZED, "login required").into_response(),
        Ok(Some(body)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!("inline; filename=\"{filename}\""))
                        .unwrap_or(HeaderValue::from_static("inline")),
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "glossary export failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "export failed").into_response()
        }
    }
}

pub async fn turtle(State(http): State<HttpState>, headers: HeaderMap) -> Response {
    download(http, headers, Format::Turtle).await
}

pub async fn json_ld(State(http): State<HttpState>, headers: HeaderMap) -> Response {
    download(http, headers, Format::JsonLd).await
}

pub async fn csv_file(State(http): State<HttpState>, headers: HeaderMap) -> Response {
    download(http, headers, Format::Csv).await
}
