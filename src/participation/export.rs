//! Downloads of a process's disposition table: `GET /api/processes/{id}/dispositions.csv|.xlsx`.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use uuid::Uuid;

use super::dispositions;
use crate::{
    error::Error,
    http::{HttpState, auth::authenticate_read},
    tables::download,
};

pub async fn dispositions_download(
    State(http): State<HttpState>,
    Path((id, file)): Path<(Uuid, String)>,
    headers: HeaderMap,
) -> Response {
    let actor = match authenticate_read(&http.app, &headers).await {
        Ok(Some(a)) => a,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "login required").into_response(),
        Err(e) => return (StatusCode::FORBIDDEN, e.public_message()).into_response(),
    };
    let rows = match dispositions::table(&http.app.db, &actor, id).await {
        Ok(rows) => rows,
        Err(Error::NotFound(_)) => return (StatusCode::NOT_FOUND, "no such process").into_response(),
        Err(e @ Error::Forbidden(_)) => return (StatusCode::FORBIDDEN, e.public_message()).into_response(),
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.public_message()).into_response(),
    };
    match file.strip_prefix("dispositions.") {
        Some(extension) => download(&dispositions::spreadsheet(&rows), extension, &format!("abwaegung-{id}")),
        None => (StatusCode::NOT_FOUND, "dispositions.csv or dispositions.xlsx").into_response(),
    }
}
