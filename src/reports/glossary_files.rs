//! The glossary's stable download URLs: `/glossary.ttl`, `/glossary.jsonld`, `/glossary.csv`.

use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

use crate::{
    error::{Error, Result},
    glossary::{csv, exchange, skos},
    http::{HttpState, respond::Reader},
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
async fn download(http: HttpState, reader: Reader, format: Format) -> Result<Response> {
    let (content_type, filename) = match format {
        Format::Turtle => ("text/turtle; charset=utf-8", "glossar.ttl"),
        Format::JsonLd => ("application/ld+json", "glossar.jsonld"),
        Format::Csv => ("text/csv; charset=utf-8", "glossar.csv"),
    };
    let body = render(&http.app, format, reader.0.is_none()).await?.ok_or(Error::Unauthenticated)?;
    // A spreadsheet is saved and opened in Excel, like the other CSV downloads; SKOS may show inline.
    let how = if matches!(format, Format::Csv) { "attachment" } else { "inline" };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("{how}; filename=\"{filename}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response())
}

pub async fn turtle(State(http): State<HttpState>, reader: Reader) -> Result<Response> {
    download(http, reader, Format::Turtle).await
}

pub async fn json_ld(State(http): State<HttpState>, reader: Reader) -> Result<Response> {
    download(http, reader, Format::JsonLd).await
}

pub async fn csv_file(State(http): State<HttpState>, reader: Reader) -> Result<Response> {
    download(http, reader, Format::Csv).await
}
