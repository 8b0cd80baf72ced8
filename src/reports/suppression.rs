//! The public view of a report: every indicator with a small-number rule loses the values its
//! rule hides ([`crate::indicators::districts::suppress::hide`]), in this one place, before
//! any public page, public report or public download is built from it. Staff read the report
//! unchanged.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::service::{Report, SuppressedCell};
use crate::{error::Result, indicators::districts};

/// The footnote beside every "•".
pub fn footnote(below: f64) -> String {
    format!("Wert unter {}, aus Datenschutzgründen nicht ausgewiesen", german_number(below))
}

fn german_number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { v.to_string().replace('.', ",") }
}

/// Removes what the thresholds hide: a hidden period total drops the period from the series
/// (named in `suppressed_periods`), a hidden cell moves from `breakdown` to `suppressed`. The
/// latest value and the trend go when any total is hidden, since they would reveal it.
pub fn apply(report: &mut Report, thresholds: &HashMap<Uuid, f64>) {
    let indicators = report.fields.iter_mut().flat_map(|f| f.goals.iter_mut()).flat_map(|g| g.indicators.iter_mut());
    for ind in indicators {
        let Some(below) = thresholds.get(&ind.id).copied() else { continue };
        ind.suppress_below = Some(below);
        let mut kept = Vec::with_capacity(ind.series.len());
        for mut v in std::mem::take(&mut ind.series) {
            let cells: Vec<(&str, f64)> = v.breakdown.iter().map(|b| (b.dimension.as_str(), b.value)).collect();
            let hidden = districts::suppress::hide(v.value, &cells, below);
            if hidden.total {
                ind.suppressed_periods.push(v.period.clone());
                continue;
            }
            let mut shown = Vec::with_capacity(v.breakdown.len());
            for (b, hide) in std::mem::take(&mut v.breakdown).into_iter().zip(hidden.cells) {
                if hide {
                    v.suppressed.push(SuppressedCell { dimension: b.dimension, category: b.category, code: b.code });
                } else {
                    shown.push(b);
                }
            }
            v.breakdown = shown;
            kept.push(v);
        }
        let last_hidden = match (kept.last(), ind.suppressed_periods.last()) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(shown), Some(hidden)) => {
                super::status::period_position(hidden) >= super::status::period_position(&shown.period)
            }
        };
        ind.series = kept;
        if !ind.suppressed_periods.is_empty() {
            ind.trend_per_year = None;
        }
        if last_hidden {
            ind.latest_value = None;
        }
    }
}

/// A report as the public may read it, under the rules in force now (a rule set after a
/// report was frozen protects it too).
pub async fn public<C: ConnectionTrait>(db: &C, mut report: Report) -> Result<Report> {
    let ids: Vec<Uuid> =
        report.fields.iter().flat_map(|f| &f.goals).flat_map(|g| &g.indicators).map(|i| i.id).collect();
    let thresholds = districts::thresholds(db, ids).await?;
    apply(&mut report, &thresholds);
    Ok(report)
}
