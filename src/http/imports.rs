//! Uploads as multipart, previewed with `?dryRun=true` or imported:
//! `POST /api/indicators/{id}/imports/genesis` (a GENESIS flat file, CSV or ZIP) and
//! `POST /api/imports/sheet` (a department's CSV or XLSX with many values) and
//! `POST /api/indicators/{id}/imports/reference?label=NRW&kind=STATE&filters=DLAND=05` (the
//! indicator's GENESIS table filtered to a comparison region). The same login and
//! CSRF rules as `/graphql` (a session cookie counts only with the CSRF header, which no other
//! site can set without a preflight) and the same write budget.

use axum::{
    Json,
    extract::{Multipart, Path, Query, State, multipart::MultipartRejection},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::{HttpState, auth::authenticate_request, rate::Writer};
use crate::{
    error::Error,
    indicators::import::{self, ImportOptions, Importer},
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    #[serde(default)]
    dry_run: bool,
    retrieved_on: Option<NaiveDate>,
}

pub(super) fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// Largest upload: a GENESIS table of a city's ten years by district, or a department's
/// spreadsheet of many indicators, is a few megabytes. Read only after the login is checked.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

fn upload_error(e: axum::extract::multipart::MultipartError) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::Limit(format!("an upload may have at most {} MB", MAX_UPLOAD_BYTES / 1024 / 1024))
    } else {
        Error::validation("file", e.body_text())
    }
}

/// The bytes of the form's `file` field.
async fn file_field(mut form: Multipart) -> Result<Vec<u8>, Error> {
    while let Some(field) = form.next_field().await.map_err(upload_error)? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(upload_error)?;
            return Ok(bytes.to_vec());
        }
    }
    Err(Error::validation("file", "send the flat file in the form field \"file\""))
}

/// The form, when the request really is multipart (axum's extractor also accepts other bodies).
pub(super) fn multipart(headers: &HeaderMap, form: Result<Multipart, MultipartRejection>) -> Option<Multipart> {
    form.ok().filter(|_| is_multipart(headers))
}

pub(super) fn unsupported() -> Response {
    let err = Error::validation("Content-Type", "send the file as multipart/form-data");
    (StatusCode::UNSUPPORTED_MEDIA_TYPE, Json(super::respond::error_body(&err))).into_response()
}

/// The person, checked as `/graphql` checks them, with a write spent for a real run, and the file.
async fn upload(
    http: &HttpState,
    headers: &HeaderMap,
    dry_run: bool,
    form: Multipart,
) -> Result<(crate::accounts::policy::Actor, Vec<u8>), Error> {
    let actor = authenticate_request(&http.app, headers).await?.ok_or(Error::Unauthenticated)?;
    if !dry_run {
        http.writes.spend(Writer::User(actor.user_id), 1, http.app.now())?;
    }
    Ok((actor, file_field(form).await?))
}

pub async fn genesis_upload(
    State(http): State<HttpState>,
    Path(indicator_id): Path<Uuid>,
    Query(params): Query<Params>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(form) = multipart(&headers, form) else {
        return unsupported();
    };
    let run = async {
        let (actor, bytes) = upload(&http, &headers, params.dry_run, form).await?;
        let options = ImportOptions { dry_run: params.dry_run, retrieved_on: params.retrieved_on };
        import::import_genesis(&http.app, Importer::Person(&actor), indicator_id, &bytes, options).await
    };
    match run.await {
        Ok(report) => Json(report).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn sheet_upload(
    State(http): State<HttpState>,
    Query(params): Query<Params>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(form) = multipart(&headers, form) else {
        return unsupported();
    };
    let run = async {
        let (actor, bytes) = upload(&http, &headers, params.dry_run, form).await?;
        import::import_sheet(&http.app, Importer::Person(&actor), &bytes, params.dry_run).await
    };
    match run.await {
        Ok(report) => Json(report).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceParams {
    #[serde(default)]
    dry_run: bool,
    label: String,
    kind: crate::indicators::reference::ReferenceKind,
    /// `VARIABLE=ATTRIBUTE` pairs, comma-separated: the comparison region's filters.
    filters: String,
}

pub async fn reference_upload(
    State(http): State<HttpState>,
    Path(indicator_id): Path<Uuid>,
    Query(params): Query<ReferenceParams>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    use crate::indicators::reference;
    let Some(form) = multipart(&headers, form) else {
        return unsupported();
    };
    let run = async {
        let filters = reference::parse_filters(&params.filters)?;
        let (actor, bytes) = upload(&http, &headers, params.dry_run, form).await?;
        let target = reference::ReferenceTarget { label: params.label, kind: params.kind, filters };
        reference::import_reference(&http.app, &actor, indicator_id, &bytes, target, params.dry_run).await
    };
    match run.await {
        Ok(report) => Json(report).into_response(),
        Err(e) => e.into_response(),
    }
}
