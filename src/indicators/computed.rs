//! Computed indicators: numerator series ÷ denominator series × factor, both indicators of the
//! catalogue. The ratio rule is a pure function; the formula is set by the owner or a
//! coordinator; a computed indicator takes no deliveries and no reminders.
//!
//! The inputs must be delivered series themselves (not computed), and an indicator that feeds a
//! formula cannot become computed: formulas are one level deep, which rules out cycles.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter,
    Set, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    delivery_rules::{self, BreakdownEntry},
    entities::{DeliveryStatus, delivery, indicator},
};
use crate::{
    accounts::policy::Actor,
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    state::AppState,
};

/// The factors a ratio may be scaled by: per 100 (percent) or per 1,000.
pub const FACTORS: [i32; 2] = [100, 1000];

/// Decimals a computed value is rounded to (half away from zero).
pub const DECIMALS: i32 = 2;

pub mod formula {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicator_formulas")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub indicator_id: Uuid,
        pub numerator_id: Uuid,
        pub denominator_id: Uuid,
        pub factor: i32,
        pub updated_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

// ---- the ratio rule ---------------------------------------------------------------------

/// One accepted value of an input series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputValue {
    pub period: String,
    pub value: f64,
    pub breakdown: Vec<BreakdownEntry>,
    pub delivery_id: Uuid,
    pub definition_id: Option<Uuid>,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// Why a period of a computed indicator has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RatioGap {
    /// The numerator has no accepted value for the period.
    NumeratorMissing,
    /// The denominator has no accepted value for the period.
    DenominatorMissing,
    /// The denominator is 0: the ratio is undefined.
    DenominatorZero,
}

/// A period of a computed indicator: its value, or why there is none, with both inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatioPoint {
    pub period: String,
    pub value: Option<f64>,
    pub gap: Option<RatioGap>,
    pub numerator: Option<InputValue>,
    pub denominator: Option<InputValue>,
    /// Ratios of the breakdown categories both inputs carry.
    pub breakdown: Vec<BreakdownEntry>,
}

impl RatioPoint {
    /// What the value follows: both inputs' definitions, so that a change in either breaks the
    /// series (and the trend) like a changed definition of a delivered value.
    pub fn definition_key(&self) -> Option<Uuid> {
        let n = self.numerator.as_ref().and_then(|v| v.definition_id);
        let d = self.denominator.as_ref().and_then(|v| v.definition_id);
        match (n, d) {
            (None, None) => None,
            (n, d) => {
                Some(Uuid::from_u128(n.map_or(0, |u| u.as_u128()) ^ d.map_or(0, |u| u.as_u128()).rotate_left(64)))
            }
        }
    }

    /// The later of the inputs' acceptances: when the figure became final.
    pub fn accepted_at(&self) -> Option<DateTime<Utc>> {
        let n = self.numerator.as_ref().and_then(|v| v.accepted_at);
        let d = self.denominator.as_ref().and_then(|v| v.accepted_at);
        n.max(d)
    }
}

fn rounded(x: f64) -> f64 {
    let scale = 10f64.powi(DECIMALS);
    (x * scale).round() / scale
}

/// `numerator ÷ denominator × factor` rounded to [`DECIMALS`]; `None` for a zero denominator.
pub fn scaled(numerator: f64, denominator: f64, factor: i32) -> Option<f64> {
    if denominator == 0.0 {
        return None;
    }
    let v = rounded(numerator / denominator * f64::from(factor));
    v.is_finite().then_some(v)
}

/// The ratio rule: one point per period that either input has, in period order. A value exists
/// where both inputs have an accepted value for the period; a missing input leaves a gap, a zero
/// denominator leaves no value with that reason. Breakdown categories are divided where both
/// inputs carry the same dimension and category.
pub fn ratio(numerator: &[InputValue], denominator: &[InputValue], factor: i32) -> Vec<RatioPoint> {
    let mut periods: BTreeMap<&str, (Option<&InputValue>, Option<&InputValue>)> = BTreeMap::new();
    for n in numerator {
        periods.entry(n.period.as_str()).or_default().0 = Some(n);
    }
    for d in denominator {
        periods.entry(d.period.as_str()).or_default().1 = Some(d);
    }
    // Period labels of one periodicity ("2024", "2024-H1", "2024-Q3") sort in time order as text.
    periods
        .into_iter()
        .map(|(period, (n, d))| {
            let (value, gap, breakdown) = match (n, d) {
                (None, _) => (None, Some(RatioGap::NumeratorMissing), Vec::new()),
                (_, None) => (None, Some(RatioGap::DenominatorMissing), Vec::new()),
                (Some(n), Some(d)) => match scaled(n.value, d.value, factor) {
                    None => (None, Some(RatioGap::DenominatorZero), Vec::new()),
                    Some(v) => (Some(v), None, breakdown_ratio(&n.breakdown, &d.breakdown, factor)),
                },
            };
            RatioPoint {
                period: period.to_string(),
                value,
                gap,
                numerator: n.cloned(),
                denominator: d.cloned(),
                breakdown,
            }
        })
        .collect()
}

fn breakdown_ratio(numerator: &[BreakdownEntry], denominator: &[BreakdownEntry], factor: i32) -> Vec<BreakdownEntry> {
    numerator
        .iter()
        .filter_map(|n| {
            let d = denominator.iter().find(|d| d.dimension == n.dimension && d.category == n.category)?;
            Some(BreakdownEntry {
                dimension: n.dimension.clone(),
                category: n.category.clone(),
                value: scaled(n.value, d.value, factor)?,
                code: n.code.clone(),
            })
        })
        .collect()
}

/// An accepted delivery as an input value; `None` without a value.
pub fn input_of(d: &delivery::Model) -> Option<InputValue> {
    Some(InputValue {
        period: d.period.clone(),
        value: d.value?,
        breakdown: d.breakdown.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default(),
        delivery_id: d.id,
        definition_id: d.definition_id,
        accepted_at: d.accepted_at,
    })
}

// ---- loading ----------------------------------------------------------------------------

/// The formulas of `ids` (the computed ones among them), in one statement.
pub async fn formulas_for<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, formula::Model>> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(formula::Entity::find()
        .filter(formula::Column::IndicatorId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.indicator_id, f))
        .collect())
}

/// The computed series of the formulas given: the inputs' accepted values in one statement.
pub async fn ratios_for<C: ConnectionTrait>(
    db: &C,
    formulas: &HashMap<Uuid, formula::Model>,
) -> Result<HashMap<Uuid, Vec<RatioPoint>>> {
    if formulas.is_empty() {
        return Ok(HashMap::new());
    }
    let inputs: HashSet<Uuid> = formulas.values().flat_map(|f| [f.numerator_id, f.denominator_id]).collect();
    let rows = delivery::Entity::find()
        .filter(delivery::Column::IndicatorId.is_in(inputs))
        .filter(delivery::Column::Status.eq(DeliveryStatus::Accepted))
        .all(db)
        .await?;
    let mut values: HashMap<Uuid, Vec<InputValue>> = HashMap::new();
    for d in &rows {
        if let Some(v) = input_of(d) {
            values.entry(d.indicator_id).or_default().push(v);
        }
    }
    let empty = Vec::new();
    Ok(formulas
        .values()
        .map(|f| {
            let n = values.get(&f.numerator_id).unwrap_or(&empty);
            let d = values.get(&f.denominator_id).unwrap_or(&empty);
            (f.indicator_id, ratio(n, d, f.factor))
        })
        .collect())
}

/// Refuses a delivery (request, confirmation, import, reminder) for a computed indicator.
pub async fn refuse_deliveries<C: ConnectionTrait>(db: &C, indicator_id: Uuid) -> Result<()> {
    match formula::Entity::find_by_id(indicator_id).one(db).await? {
        Some(_) => Err(computed_error(indicator_id)),
        None => Ok(()),
    }
}

/// The error for a delivery to a computed indicator: CONFLICT with `reason: COMPUTED_INDICATOR`.
pub fn computed_error(indicator_id: Uuid) -> Error {
    Error::Conflict {
        message: "the indicator is computed from its inputs and takes no deliveries".into(),
        details: Some(serde_json::json!({ "reason": "COMPUTED_INDICATOR", "indicatorId": indicator_id })),
    }
}

// ---- setting and removing ---------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
pub struct FormulaInput {
    pub numerator_id: Uuid,
    pub denominator_id: Uuid,
    pub factor: i32,
}

/// The checks of a formula that need no database: factor, self reference, distinct inputs.
pub fn check_shape(indicator_id: Uuid, input: &FormulaInput) -> Result<()> {
    if !FACTORS.contains(&input.factor) {
        return Err(Error::validation("factor", "100 or 1000"));
    }
    if input.numerator_id == indicator_id {
        return Err(Error::validation("numeratorId", "an indicator cannot be computed from itself"));
    }
    if input.denominator_id == indicator_id {
        return Err(Error::validation("denominatorId", "an indicator cannot be computed from itself"));
    }
    if input.numerator_id == input.denominator_id {
        return Err(Error::validation("denominatorId", "must differ from the numerator"));
    }
    Ok(())
}

async fn load_for_change(
    txn: &Change,
    actor: &Actor,
    indicator_id: Uuid,
    expected_version: Option<i32>,
) -> Result<indicator::Model> {
    let ind = indicator::Entity::find_by_id(indicator_id).one(txn).await?.ok_or(Error::NotFound("indicator"))?;
    if !delivery_rules::may_act_for(actor, ind.owner_id) {
        return Err(Error::forbidden("only the owning organisation or coordinators define a formula"));
    }
    delivery_rules::stale(ind.version, expected_version, "the indicator")?;
    Ok(ind)
}

async fn bump(txn: &Change, ind: indicator::Model, now: DateTime<Utc>) -> Result<indicator::Model> {
    let version = ind.version + 1;
    let mut row = ind.into_active_model();
    row.version = Set(version);
    row.updated_at = Set(now);
    Ok(row.update(txn).await?)
}

/// Makes the indicator computed (or changes its formula). Its automatic requests stop and its
/// open deliveries are reminded of no more; accepted values delivered before stay as history.
pub async fn set_formula(
    state: &AppState,
    actor: &Actor,
    indicator_id: Uuid,
    input: FormulaInput,
    expected_version: Option<i32>,
) -> Result<indicator::Model> {
    check_shape(indicator_id, &input)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let ind = load_for_change(&txn, actor, indicator_id, expected_version).await?;
    let inputs = indicator::Entity::find()
        .filter(indicator::Column::Id.is_in([input.numerator_id, input.denominator_id]))
        .all(&txn)
        .await?;
    let find = |field: &str, id: Uuid| -> Result<&indicator::Model> {
        let i = inputs.iter().find(|i| i.id == id).ok_or_else(|| Error::validation(field, "no such indicator"))?;
        if i.periodicity != ind.periodicity {
            return Err(Error::validation(field, "must have the same periodicity as the indicator"));
        }
        Ok(i)
    };
    let numerator = find("numeratorId", input.numerator_id)?.clone();
    let denominator = find("denominatorId", input.denominator_id)?.clone();
    let computed_inputs = formulas_for(&txn, [numerator.id, denominator.id]).await?;
    for (field, id) in [("numeratorId", numerator.id), ("denominatorId", denominator.id)] {
        if computed_inputs.contains_key(&id) {
            return Err(Error::validation(field, "is computed itself; a formula rests on delivered series"));
        }
    }
    let feeds = formula::Entity::find()
        .filter(
            Condition::any()
                .add(formula::Column::NumeratorId.eq(ind.id))
                .add(formula::Column::DenominatorId.eq(ind.id)),
        )
        .one(&txn)
        .await?;
    if feeds.is_some() {
        return Err(Error::validation("indicatorId", "feeds another computed indicator and cannot be computed itself"));
    }
    match formula::Entity::find_by_id(ind.id).one(&txn).await? {
        Some(old) => {
            let mut row = old.into_active_model();
            row.numerator_id = Set(input.numerator_id);
            row.denominator_id = Set(input.denominator_id);
            row.factor = Set(input.factor);
            row.updated_by = Set(Some(actor.user_id));
            row.updated_at = Set(now);
            row.update(&txn).await?;
        }
        None => {
            formula::ActiveModel {
                indicator_id: Set(ind.id),
                numerator_id: Set(input.numerator_id),
                denominator_id: Set(input.denominator_id),
                factor: Set(input.factor),
                updated_by: Set(Some(actor.user_id)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    // No more requests and reminders: the values come from the inputs.
    delivery::Entity::update_many()
        .col_expr(delivery::Column::NextReminderAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(delivery::Column::IndicatorId.eq(ind.id))
        .exec(&txn)
        .await?;
    let mut row = ind.clone().into_active_model();
    row.next_auto_request_at = Set(None);
    let ind = row.update(&txn).await?;
    let code = ind.code.clone();
    let updated = bump(&txn, ind, now).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "indicator.formula",
            entity_type: "indicator",
            entity_id: Some(updated.id),
            summary: format!("{code} berechnet als {} ÷ {} × {}", numerator.code, denominator.code, input.factor),
        },
    );
    txn.commit().await?;
    Ok(updated)
}

/// Makes a computed indicator a delivered one again; its earlier deliveries are its series again.
pub async fn remove_formula(
    state: &AppState,
    actor: &Actor,
    indicator_id: Uuid,
    expected_version: Option<i32>,
) -> Result<indicator::Model> {
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let ind = load_for_change(&txn, actor, indicator_id, expected_version).await?;
    let old = formula::Entity::find_by_id(ind.id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::validation("indicatorId", "the indicator is not computed"))?;
    old.delete(&txn).await?;
    let code = ind.code.clone();
    let updated = bump(&txn, ind, now).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "indicator.formula_removed",
            entity_type: "indicator",
            entity_id: Some(updated.id),
            summary: format!("{code} wird nicht mehr berechnet"),
        },
    );
    txn.commit().await?;
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(period: &str, value: f64) -> InputValue {
        InputValue {
            period: period.into(),
            value,
            breakdown: vec![],
            delivery_id: Uuid::from_u128(value.to_bits().into()),
            definition_id: None,
            accepted_at: None,
        }
    }

    fn cell(category: &str, value: f64) -> BreakdownEntry {
        BreakdownEntry { dimension: "Bezirk".into(), category: category.into(), value, code: None }
    }

    #[test]
    fn ratios_are_scaled_and_rounded_to_two_decimals() {
        assert_eq!(scaled(1.0, 3.0, 100), Some(33.33));
        assert_eq!(scaled(2.0, 3.0, 100), Some(66.67));
        assert_eq!(scaled(412.0, 18_250.0, 1000), Some(22.58));
        assert_eq!(scaled(0.0, 5.0, 100), Some(0.0));
        assert_eq!(scaled(5.0, 0.0, 100), None);
    }

    #[test]
    fn a_value_needs_both_inputs_of_the_same_period() {
        let n = [v("2022", 120.0), v("2023", 150.0), v("2024", 90.0)];
        let d = [v("2023", 6000.0), v("2024", 0.0), v("2025", 5000.0)];
        let points = ratio(&n, &d, 100);
        let got: Vec<(&str, Option<f64>, Option<RatioGap>)> =
            points.iter().map(|p| (p.period.as_str(), p.value, p.gap)).collect();
        assert_eq!(
            got,
            vec![
                ("2022", None, Some(RatioGap::DenominatorMissing)),
                ("2023", Some(2.5), None),
                ("2024", None, Some(RatioGap::DenominatorZero)),
                ("2025", None, Some(RatioGap::NumeratorMissing)),
            ]
        );
        assert_eq!(points[1].numerator.as_ref().map(|i| i.value), Some(150.0), "the inputs travel along");
        assert_eq!(points[1].denominator.as_ref().map(|i| i.value), Some(6000.0));
    }

    #[test]
    fn periods_come_in_time_order() {
        let n = [v("2024-H2", 3.0), v("2024-H1", 2.0), v("2023-H2", 1.0)];
        let d = [v("2024-H1", 10.0), v("2023-H2", 10.0), v("2024-H2", 10.0)];
        let periods: Vec<String> = ratio(&n, &d, 100).into_iter().map(|p| p.period).collect();
        assert_eq!(periods, ["2023-H2", "2024-H1", "2024-H2"]);
    }

    #[test]
    fn breakdowns_divide_where_both_carry_the_category() {
        let mut n = v("2024", 30.0);
        n.breakdown = vec![cell("Mitte", 10.0), cell("Nord", 20.0), cell("Süd", 1.0)];
        let mut d = v("2024", 1000.0);
        d.breakdown = vec![cell("Mitte", 400.0), cell("Nord", 0.0), cell("Ost", 600.0)];
        let p = &ratio(&[n], &[d], 1000)[0];
        assert_eq!(p.value, Some(30.0));
        assert_eq!(p.breakdown, vec![cell("Mitte", 25.0)], "Nord divides by zero, Süd and Ost lack a partner");
    }

    #[test]
    fn a_changed_input_definition_changes_the_key() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let point = |n: Option<Uuid>, d: Option<Uuid>| {
            let (mut nv, mut dv) = (v("2024", 1.0), v("2024", 2.0));
            nv.definition_id = n;
            dv.definition_id = d;
            ratio(&[nv], &[dv], 100).remove(0)
        };
        assert_eq!(point(None, None).definition_key(), None);
        assert_ne!(point(Some(a), None).definition_key(), point(None, Some(a)).definition_key());
        assert_ne!(point(Some(a), Some(b)).definition_key(), point(Some(a), Some(a)).definition_key());
        assert_eq!(point(Some(a), Some(b)).definition_key(), point(Some(a), Some(b)).definition_key());
    }

    #[test]
    fn formulas_are_checked_before_the_database() {
        let (me, a, b) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let f = |numerator_id, denominator_id, factor| FormulaInput { numerator_id, denominator_id, factor };
        assert!(check_shape(me, &f(a, b, 100)).is_ok());
        assert!(check_shape(me, &f(a, b, 1000)).is_ok());
        let field = |r: Result<()>| match r {
            Err(Error::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(check_shape(me, &f(a, b, 10))), "factor");
        assert_eq!(field(check_shape(me, &f(me, b, 100))), "numeratorId");
        assert_eq!(field(check_shape(me, &f(a, me, 100))), "denominatorId");
        assert_eq!(field(check_shape(me, &f(a, a, 100))), "denominatorId");
    }
}
