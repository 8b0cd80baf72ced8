//! Downloads of a process's disposition table: `GET /api/processes/{id}/dispositions.csv|.xlsx`.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use uuid::Uuid;

use super::dispositions;
use crate::{
    error::Error,
    http::{HttpState, auth::authenticate_read},
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
    let (content_type, body) = match file.as_str() {
        "dispositions.csv" => ("text/csv; charset=utf-8", dispositions::to_csv(&rows).into_bytes()),
        "dispositions.xlsx" => match dispositions::to_xlsx(&rows) {
            Ok(bytes) => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes),
            Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.public_message()).into_response(),
        },
        _ => return (StatusCode::NOT_FOUND, "dispositions.csv or dispositions.xlsx").into_response(),
    };
    let disposition = format!("attachment; filename=\"abwaegung-{id}.{}\"", file.rsplit('.').next().unwrap_or("csv"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}
