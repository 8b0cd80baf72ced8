//! The public view of a report: every indicator with a small-number rule loses the values its
//! rule hides ([`crate::indicators::districts::suppress::hide`]), in this one place, before
//! any public page, public report or public download is built from it. Staff read the report
//! unchanged.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::{
    service::{Report, ReportIndicator, SuppressedCell},
    status::{self, GoalStatus, Point},
};
use crate::{
    error::Result,
    indicators::districts::{self, suppress::Cell},
};

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
/// `parents` maps a district code to the code of the district it lies in.
pub fn apply(report: &mut Report, thresholds: &HashMap<Uuid, f64>, parents: &HashMap<String, String>) {
    let indicators = report.fields.iter_mut().flat_map(|f| f.goals.iter_mut()).flat_map(|g| g.indicators.iter_mut());
    for ind in indicators {
        guard_inputs(ind, thresholds);
        let Some(below) = thresholds.get(&ind.id).copied() else { continue };
        ind.suppress_below = Some(below);
        let mut kept = Vec::with_capacity(ind.series.len());
        for mut v in std::mem::take(&mut ind.series) {
            let index_of: HashMap<&str, usize> =
                v.breakdown.iter().enumerate().filter_map(|(i, b)| Some((b.code.as_deref()?, i))).collect();
            let cells: Vec<Cell> = v
                .breakdown
                .iter()
                .map(|b| Cell {
                    dimension: b.dimension.as_str(),
                    value: b.value,
                    parent: b
                        .code
                        .as_ref()
                        .and_then(|c| parents.get(c))
                        .and_then(|p| index_of.get(p.as_str()).copied()),
                })
                .collect();
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
        if ind.suppressed_periods.is_empty() {
            continue;
        }
        ind.trend_per_year = None;
        // The status is assessed again over what is shown: "Reached" beside a hidden latest
        // value, or "OnTrack" from a trend through a hidden one, would tell what was hidden.
        let points: Vec<Point> = ind
            .series
            .iter()
            .map(|v| Point { period: v.period.as_str(), value: v.value, definition_id: v.definition_id })
            .collect();
        ind.status = status::assess(&points, ind.target_value, ind.target_direction).status;
        if last_hidden {
            ind.latest_value = None;
            if ind.status != GoalStatus::NoTarget {
                ind.status = GoalStatus::InsufficientData;
            }
        }
    }
    for goal in report.fields.iter_mut().flat_map(|f| f.goals.iter_mut()) {
        goal.status = super::service::goal_status(goal.indicators.iter().map(|i| i.status));
    }
}

/// A computed indicator whose numerator or denominator has a small-number rule shows no input
/// values, no breakdown (its cells would be the inputs' cells, protected by their own rule) and
/// no period whose input falls below that rule: the ratio with a public denominator would give
/// the hidden count back.
fn guard_inputs(ind: &mut ReportIndicator, thresholds: &HashMap<Uuid, f64>) {
    let Some(formula) = &ind.formula else { return };
    let (num, den) = (thresholds.get(&formula.numerator.id).copied(), thresholds.get(&formula.denominator.id).copied());
    if num.is_none() && den.is_none() {
        return;
    }
    let below = num.into_iter().chain(den).fold(f64::NAN, f64::max);
    ind.suppress_below.get_or_insert(below);
    let small = |v: f64, rule: Option<f64>| rule.is_some_and(|b| !v.is_finite() || v < b);
    let mut kept = Vec::with_capacity(ind.series.len());
    for mut v in std::mem::take(&mut ind.series) {
        if let Some(i) = v.inputs.take()
            && (small(i.numerator, num) || small(i.denominator, den))
        {
            ind.suppressed_periods.push(v.period.clone());
            continue;
        }
        for b in std::mem::take(&mut v.breakdown) {
            v.suppressed.push(SuppressedCell { dimension: b.dimension, category: b.category, code: b.code });
        }
        kept.push(v);
    }
    ind.series = kept;
}

/// A report as the public may read it, under the rules in force now (a rule set after a
/// report was frozen protects it too).
pub async fn public<C: ConnectionTrait>(db: &C, mut report: Report) -> Result<Report> {
    let indicators = report.fields.iter().flat_map(|f| &f.goals).flat_map(|g| &g.indicators);
    let ids: Vec<Uuid> = indicators
        .flat_map(|i| {
            let inputs = i.formula.as_ref().map(|f| [f.numerator.id, f.denominator.id]);
            std::iter::once(i.id).chain(inputs.into_iter().flatten())
        })
        .collect();
    let thresholds = districts::thresholds(db, ids).await?;
    let parents = if thresholds.is_empty() { HashMap::new() } else { districts::parent_codes(db).await? };
    apply(&mut report, &thresholds, &parents);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::reports::service::goal_status;

    const IND: Uuid = Uuid::from_u128(1);
    const OTHER: Uuid = Uuid::from_u128(2);

    fn value(period: &str, value: f64, cells: &[(&str, f64)]) -> serde_json::Value {
        json!({
            "period": period, "value": value, "definitionId": null, "breakBefore": false,
            "deliveryId": Uuid::from_u128(99), "deliveredBy": null, "deliveredAt": null,
            "acceptedBy": null, "acceptedAt": null,
            "breakdown": cells.iter().map(|(c, v)| json!({"dimension": "Stadtbezirk", "category": c, "value": v, "code": c})).collect::<Vec<_>>(),
        })
    }

    fn report(series: Vec<serde_json::Value>) -> Report {
        let indicator = |id: Uuid, series: Vec<serde_json::Value>| {
            json!({
                "id": id, "code": "E", "name": "Einbürgerungen", "unit": "Personen", "sourceDescription": "",
                "ownerId": Uuid::from_u128(3), "ownerName": null, "targetValue": null, "targetDirection": null,
                "status": "NoTarget", "latestValue": 41.0, "trendPerYear": 3.0, "series": series, "terms": [],
            })
        };
        serde_json::from_value(json!({
            "leitbild": {"id": Uuid::from_u128(4), "title": "Leitbild", "year": 2023},
            "generatedAt": "2026-03-02T09:00:00Z", "fromPeriod": null, "toPeriod": null,
            "gaps": [], "definitions": [],
            "fields": [{"id": Uuid::from_u128(5), "title": "F", "description": "", "text": null, "textVersion": 0,
                        "goals": [{"id": Uuid::from_u128(6), "title": "G", "description": "", "parentGoalId": null,
                                   "status": "NoTarget",
                                   "indicators": [indicator(IND, series.clone()), indicator(OTHER, series)]}]}],
        }))
        .unwrap()
    }

    fn indicators(r: &Report) -> Vec<&crate::reports::service::ReportIndicator> {
        r.fields[0].goals[0].indicators.iter().collect()
    }

    #[test]
    fn hidden_cells_move_out_of_the_breakdown_and_small_totals_out_of_the_series() {
        let mut r = report(vec![
            value("2023", 2.0, &[("01", 1.0), ("02", 1.0)]),
            value("2024", 41.0, &[("01", 2.0), ("02", 26.0), ("03", 13.0)]),
        ]);
        apply(&mut r, &HashMap::from([(IND, 3.0)]), &HashMap::new());
        let [ind, other] = indicators(&r)[..] else { panic!() };
        assert_eq!(ind.suppress_below, Some(3.0));
        assert_eq!(ind.suppressed_periods, ["2023"]);
        assert_eq!(ind.series.len(), 1);
        let v = &ind.series[0];
        assert_eq!(v.breakdown.iter().map(|b| b.category.as_str()).collect::<Vec<_>>(), ["02"]);
        assert_eq!(v.suppressed.iter().map(|c| c.category.as_str()).collect::<Vec<_>>(), ["01", "03"]);
        assert_eq!(ind.trend_per_year, None, "a trend over a hidden value would reveal it");
        assert_eq!(ind.latest_value, Some(41.0), "the latest value is shown");
        assert_eq!(other.series.len(), 2, "an indicator without a rule keeps everything");
        assert_eq!((other.suppress_below, other.trend_per_year), (None, Some(3.0)));
    }

    #[test]
    fn a_hidden_latest_total_hides_the_latest_value() {
        let mut r = report(vec![value("2023", 30.0, &[]), value("2024", 2.0, &[])]);
        apply(&mut r, &HashMap::from([(IND, 3.0)]), &HashMap::new());
        let ind = indicators(&r)[0];
        assert_eq!(ind.latest_value, None);
        assert_eq!(ind.series.len(), 1);
        let serialized = serde_json::to_string(&r.fields[0].goals[0].indicators[0]).unwrap();
        assert!(!serialized.contains("2.0"), "{serialized}");
    }

    #[test]
    fn the_status_tells_nothing_of_a_hidden_value() {
        // Target 2, higher is better: "Reached" beside a hidden latest 2 would give it away.
        let mut r = report(vec![value("2023", 30.0, &[]), value("2024", 2.0, &[])]);
        for ind in &mut r.fields[0].goals[0].indicators {
            ind.target_value = Some(2.0);
            ind.target_direction = Some(crate::indicators::entities::TargetDirection::HigherIsBetter);
            ind.status = GoalStatus::Reached;
        }
        r.fields[0].goals[0].status = GoalStatus::Reached;
        apply(&mut r, &HashMap::from([(IND, 3.0)]), &HashMap::new());
        let [ind, other] = indicators(&r)[..] else { panic!() };
        assert_eq!(ind.status, GoalStatus::InsufficientData);
        assert_eq!(other.status, GoalStatus::Reached, "without a rule nothing changes");
        assert_eq!(r.fields[0].goals[0].status, goal_status([GoalStatus::InsufficientData, GoalStatus::Reached]));
        // A hidden middle period: the status is assessed over the shown ones only.
        let mut r = report(vec![value("2022", 10.0, &[]), value("2023", 1.0, &[]), value("2024", 12.0, &[])]);
        for ind in &mut r.fields[0].goals[0].indicators {
            ind.target_value = Some(20.0);
            ind.target_direction = Some(crate::indicators::entities::TargetDirection::HigherIsBetter);
        }
        apply(&mut r, &HashMap::from([(IND, 3.0)]), &HashMap::new());
        assert_eq!(indicators(&r)[0].status, GoalStatus::OnTrack, "10 → 12 over the shown periods");
    }

    #[test]
    fn a_ratio_does_not_give_back_a_hidden_numerator() {
        use crate::reports::service::{FormulaInputRef, RatioInputs, ReportFormula};
        let (num, den) = (Uuid::from_u128(7), Uuid::from_u128(8));
        let input = |id: Uuid| FormulaInputRef { id, code: "N".into(), name: "N".into(), unit: "Personen".into() };
        let mut r = report(vec![value("2023", 0.2, &[("01", 0.1)]), value("2024", 5.0, &[("01", 2.5)])]);
        let ind = &mut r.fields[0].goals[0].indicators[1];
        ind.formula = Some(ReportFormula { numerator: input(num), denominator: input(den), factor: 100 });
        for (v, n) in ind.series.iter_mut().zip([2.0, 50.0]) {
            v.inputs = Some(RatioInputs {
                numerator: n,
                numerator_delivery_id: Uuid::from_u128(9),
                denominator: 1000.0,
                denominator_delivery_id: Uuid::from_u128(10),
            });
        }
        apply(&mut r, &HashMap::from([(num, 3.0)]), &HashMap::new());
        let computed = indicators(&r)[1];
        assert_eq!(computed.suppressed_periods, ["2023"], "2 naturalisations per 1,000 would be 0.2 per 100");
        assert_eq!(computed.series.len(), 1);
        assert!(computed.series[0].inputs.is_none(), "no input values in public");
        assert!(computed.series[0].breakdown.is_empty(), "cells follow their inputs' rule");
        assert_eq!(computed.suppress_below, Some(3.0));
    }

    #[test]
    fn the_footnote_names_the_threshold() {
        assert_eq!(footnote(3.0), "Wert unter 3, aus Datenschutzgründen nicht ausgewiesen");
        assert_eq!(footnote(2.5), "Wert unter 2,5, aus Datenschutzgründen nicht ausgewiesen");
    }
}
