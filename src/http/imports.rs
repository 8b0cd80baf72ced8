//! `POST /api/indicators/{id}/imports/genesis`: a GENESIS flat file (CSV or ZIP) as multipart,
//! previewed with `?dryRun=true` or imported. The one multipart endpoint: the same login and
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

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// The bytes of the form's `file` field.
async fn file_field(mut form: Multipart) -> Result<Vec<u8>, Error> {
    while let Some(field) = form.next_field().await.map_err(|e| Error::validation("file", e.body_text()))? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|e| Error::validation("file", e.body_text()))?;
            return Ok(bytes.to_vec());
        }
    }
    Err(Error::validation("file", "send the flat file in the form field \"file\""))
}

pub async fn genesis_upload(
    State(http): State<HttpState>,
    Path(indicator_id): Path<Uuid>,
    Query(params): Query<Params>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match form {
        Ok(f) if is_multipart(&headers) => f,
        _ => {
            let err = Error::validation("Content-Type", "send the file as multipart/form-data");
            return (StatusCode::UNSUPPORTED_MEDIA_TYPE, Json(super::respond::error_body(&err))).into_response();
        }
    };
    let run = async {
        let actor = authenticate_request(&http.app, &headers).await?.ok_or(Error::Unauthenticated)?;
        if !params.dry_run {
            http.writes.spend(Writer::User(actor.user_id), 1, http.app.now())?;
        }
        let bytes = file_field(form).await?;
        let options = ImportOptions { dry_run: params.dry_run, retrieved_on: params.retrieved_on };
        import::import_genesis(&http.app, Importer::Person(&actor), indicator_id, &bytes, options).await
    };
    match run.await {
        Ok(report) => Json(report).into_response(),
        Err(e) => e.into_response(),
    }
}
