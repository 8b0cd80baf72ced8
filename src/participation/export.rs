//! Downloads of a process's disposition table: `GET /api/processes/{id}/dispositions.csv|.xlsx`.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use uuid::Uuid;

use super::dispositions;
use crate::{
    error::Error,
    http::{HttpState, respond::Reader},
    tables::download,
};

pub async fn dispositions_download(
    State(http): State<HttpState>,
    Path((id, file)): Path<(Uuid, String)>,
    reader: Reader,
) -> Result<Response, Error> {
    let actor = reader.required()?;
    let rows = dispositions::table(&http.app.db, &actor, id).await?;
    Ok(match file.strip_prefix("dispositions.") {
        Some(extension) => download(&dispositions::spreadsheet(&rows), extension, &format!("abwaegung-{id}")),
        None => (StatusCode::NOT_FOUND, "dispositions.csv or dispositions.xlsx").into_response(),
    })
}
