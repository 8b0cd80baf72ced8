//! The data behind a report as a download: `GET /api/reports/{leitbildId}/monitoring.csv|.xlsx`.

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use uuid::Uuid;

use super::service::{self, Report};
use crate::{
    error::Error,
    http::{HttpState, auth::authenticate_read},
    tables::{Cell, Table, download},
};

#[derive(Deserialize)]
pub struct Span {
    from: Option<String>,
    to: Option<String>,
}

const HEADERS: [&str; 14] = [
    "Handlungsfeld",
    "Ziel",
    "Status des Ziels",
    "Indikator",
    "Bezeichnung",
    "Einheit",
    "Zuständig",
    "Zielwert",
    "Richtung",
    "Status des Indikators",
    "Zeitraum",
    "Wert",
    "Definition",
    "Reihenbruch",
];

/// One row per value, and one per indicator or goal without values, so nothing disappears.
pub fn table(report: &Report) -> Table {
    let definitions: std::collections::HashMap<_, _> =
        report.definitions.iter().map(|d| (d.id, d.text.as_str())).collect();
    let mut rows = Vec::new();
    for f in &report.fields {
        for g in &f.goals {
            let goal = |rest: Vec<Cell>| {
                let mut row: Vec<Cell> =
                    vec![f.field.title.as_str().into(), g.goal.title.as_str().into(), format!("{:?}", g.status).into()];
                row.extend(rest);
                row
            };
            if g.indicators.is_empty() {
                rows.push(goal((0..11).map(|_| Cell::Empty).collect()));
            }
            for i in &g.indicators {
                let ind = &i.indicator;
                let head = || -> Vec<Cell> {
                    vec![
                        ind.code.as_str().into(),
                        ind.name.as_str().into(),
                        ind.unit.as_str().into(),
                        i.owner_name.clone().unwrap_or_default().into(),
                        ind.target_value.into(),
                        ind.target_direction.map(|d| format!("{d:?}")).unwrap_or_default().into(),
                        format!("{:?}", i.assessment.status).into(),
                    ]
                };
                if i.series.is_empty() {
                    let mut row = head();
                    row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
                    rows.push(goal(row));
                }
                for v in &i.series {
                    let mut row = head();
                    row.extend([
                        v.period.as_str().into(),
                        Cell::Number(v.value),
                        v.definition_id.and_then(|id| definitions.get(&id).copied()).unwrap_or_default().into(),
                        if v.break_before { "ja" } else { "" }.into(),
                    ]);
                    rows.push(goal(row));
                }
            }
        }
    }
    Table { sheet: "Monitoring", headers: HEADERS.to_vec(), rows }
}

pub async fn report_download(
    State(http): State<HttpState>,
    Path((id, file)): Path<(Uuid, String)>,
    Query(span): Query<Span>,
    headers: HeaderMap,
) -> Response {
    let Some(extension) = file.strip_prefix("monitoring.") else {
        return (StatusCode::NOT_FOUND, "monitoring.csv or monitoring.xlsx").into_response();
    };
    let actor = match authenticate_read(&http.app, &headers).await {
        Ok(Some(a)) => a,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "login required").into_response(),
        Err(e) => return (StatusCode::FORBIDDEN, e.public_message()).into_response(),
    };
    match service::report(&http.app.db, &actor, http.app.now(), id, span.from, span.to).await {
        Ok(report) => download(&table(&report), extension, &format!("monitoring-{}", report.leitbild.year)),
        Err(e @ Error::NotFound(_)) => (StatusCode::NOT_FOUND, e.public_message()).into_response(),
        Err(e @ (Error::Validation { .. } | Error::Forbidden(_))) => {
            (StatusCode::BAD_REQUEST, e.public_message()).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.public_message()).into_response(),
    }
}
