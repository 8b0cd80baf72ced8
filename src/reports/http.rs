//! The data behind a report as a download: `GET /api/reports/{leitbildId}/monitoring.csv|.xlsx`
//! for the live report, `/api/reports/frozen/{id}/bericht.csv|.xlsx` for a frozen one.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    frozen, publication,
    service::{self, Report},
};
use crate::{
    error::Error,
    german::German,
    http::{HttpState, respond::Reader},
    tables::{Cell, Table, download, file_part},
};

#[derive(Deserialize)]
pub struct Span {
    from: Option<String>,
    to: Option<String>,
}

const HEADERS: [&str; 21] = [
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
    "Dimension",
    "Kategorie",
    "Wert",
    "Definition",
    "Reihenbruch",
    "Angenommen am",
    // A computed value's trace: the formula and both inputs' values.
    "Berechnet aus",
    "Zähler",
    "Nenner",
    // Rows of comparison series name theirs; the city's own values leave it empty.
    "Vergleichswert",
];

/// One row per value (and per breakdown cell, in long format), and one per indicator or goal
/// without values, so nothing disappears.
pub fn table(report: &Report) -> Table {
    let definitions: std::collections::HashMap<_, _> =
        report.definitions.iter().map(|d| (d.id, d.text.as_str())).collect();
    let mut rows = Vec::new();
    let mut notes: Vec<u64> = Vec::new();
    for f in &report.fields {
        for g in &f.goals {
            let goal = |rest: Vec<Cell>| {
                let mut row: Vec<Cell> =
                    vec![f.title.as_str().into(), g.title.as_str().into(), g.status.german().into()];
                row.extend(rest);
                // Every row as wide as the headers, however many of its last cells are empty.
                row.resize(HEADERS.len(), Cell::Empty);
                row
            };
            if g.indicators.is_empty() {
                rows.push(goal((3..HEADERS.len()).map(|_| Cell::Empty).collect()));
            }
            for i in &g.indicators {
                let head = || -> Vec<Cell> {
                    vec![
                        i.code.as_str().into(),
                        i.name.as_str().into(),
                        i.unit.as_str().into(),
                        i.owner_name.clone().unwrap_or_default().into(),
                        i.target_value.into(),
                        i.target_direction.map(German::german).unwrap_or_default().into(),
                        i.status.german().into(),
                    ]
                };
                if i.series.is_empty() {
                    let mut row = head();
                    row.extend((10..HEADERS.len()).map(|_| Cell::Empty));
                    rows.push(goal(row));
                }
                let formula = i
                    .formula
                    .as_ref()
                    .map(|f| format!("{} ÷ {} × {}", f.numerator.code, f.denominator.code, f.factor))
                    .unwrap_or_default();
                for v in &i.series {
                    let definition = v.definition_id.and_then(|id| definitions.get(&id).copied()).unwrap_or_default();
                    let accepted = v
                        .accepted_at
                        .map(|t| Cell::Date(crate::indicators::timing::local_date(t)))
                        .unwrap_or(Cell::Empty);
                    let cells = [(None, v.value)].into_iter().chain(v.breakdown.iter().map(|b| (Some(b), b.value)));
                    for (part, value) in cells {
                        let mut row = head();
                        row.extend([
                            v.period.as_str().into(),
                            part.map(|b| b.dimension.as_str()).unwrap_or_default().into(),
                            part.map(|b| b.category.as_str()).unwrap_or_default().into(),
                            Cell::Number(value),
                            definition.into(),
                            if v.break_before { "ja" } else { "" }.into(),
                            accepted.clone(),
                            formula.as_str().into(),
                            v.inputs.as_ref().filter(|_| part.is_none()).map(|r| r.numerator).into(),
                            v.inputs.as_ref().filter(|_| part.is_none()).map(|r| r.denominator).into(),
                            Cell::Empty,
                        ]);
                        rows.push(goal(row));
                    }
                    // Cells a public view hides stand where they would, as "•".
                    for c in &v.suppressed {
                        let mut row = head();
                        row.extend([
                            v.period.as_str().into(),
                            c.dimension.as_str().into(),
                            c.category.as_str().into(),
                            HIDDEN.into(),
                            definition.into(),
                            Cell::Empty,
                            accepted.clone(),
                        ]);
                        rows.push(goal(row));
                    }
                }
                for period in &i.suppressed_periods {
                    let mut row = head();
                    row.extend([period.as_str().into(), Cell::Empty, Cell::Empty, HIDDEN.into()]);
                    row.extend((14..HEADERS.len()).map(|_| Cell::Empty));
                    rows.push(goal(row));
                }
                if let Some(below) = i.suppress_below {
                    let hid = !i.suppressed_periods.is_empty() || i.series.iter().any(|v| !v.suppressed.is_empty());
                    if hid && !notes.contains(&below.to_bits()) {
                        notes.push(below.to_bits());
                    }
                }
                for r in &i.references {
                    for v in &r.values {
                        let mut row = head();
                        row.extend([v.period.as_str().into(), Cell::Empty, Cell::Empty, Cell::Number(v.value)]);
                        row.extend((14..HEADERS.len() - 1).map(|_| Cell::Empty));
                        row.push(r.label.as_str().into());
                        rows.push(goal(row));
                    }
                }
            }
        }
    }
    for below in notes {
        let note = format!("{HIDDEN} {}", super::suppression::footnote(f64::from_bits(below)));
        rows.push(std::iter::once(Cell::Text(note)).chain((1..HEADERS.len()).map(|_| Cell::Empty)).collect());
    }
    Table { sheet: "Monitoring", headers: HEADERS.to_vec(), rows }
}

/// What stands in place of a value the public may not see.
pub const HIDDEN: &str = "•";

/// `GET /api/reports/frozen/{id}/bericht.csv|.xlsx`: a frozen report's data, for logged-in
/// readers, and for everyone once the report is published.
pub async fn frozen_download(
    State(http): State<HttpState>,
    Path((id, file)): Path<(Uuid, String)>,
    reader: Reader,
) -> Result<Response, Error> {
    let Some(extension) = file.strip_prefix("bericht.") else {
        return Ok((StatusCode::NOT_FOUND, "bericht.csv or bericht.xlsx").into_response());
    };
    let db = &http.app.db;
    let (model, report) = match reader.0 {
        Some(_) => frozen::get(db, id).await.and_then(|m| frozen::document(&m).map(|d| (m, d)))?,
        None => publication::report(db, id).await?,
    };
    Ok(download(&table(&report), extension, &format!("bericht-{}", model.number)))
}

pub async fn report_download(
    State(http): State<HttpState>,
    Path((id, file)): Path<(Uuid, String)>,
    Query(span): Query<Span>,
    reader: Reader,
) -> Result<Response, Error> {
    let Some(extension) = file.strip_prefix("monitoring.") else {
        return Ok((StatusCode::NOT_FOUND, "monitoring.csv or monitoring.xlsx").into_response());
    };
    let actor = reader.required()?;
    let report = service::report(&http.app.db, &actor, http.app.now(), id, span.from, span.to).await?;
    Ok(download(&table(&report), extension, &stem(&report)))
}

/// `monitoring-2025`, and for a range of periods `monitoring-2025_2023-bis-2025` (or `_ab-2023`,
/// `_bis-2025`): two downloads of different ranges never share a name.
fn stem(report: &Report) -> String {
    let range = match (&report.from_period, &report.to_period) {
        (Some(from), Some(to)) => format!("_{}-bis-{}", file_part(from), file_part(to)),
        (Some(from), None) => format!("_ab-{}", file_part(from)),
        (None, Some(to)) => format!("_bis-{}", file_part(to)),
        (None, None) => String::new(),
    };
    format!("monitoring-{}{range}", report.leitbild.year)
}
