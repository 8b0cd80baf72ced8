//! GraphQL face of computed indicators: the formula, the computed values with both inputs, and
//! the mutations that set or remove a formula.

use super::*;
use crate::indicators::computed::{self, RatioGap, RatioPoint, formula};

/// The formula of a computed indicator, batched over a request.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormulaOf(pub Uuid);
/// The computed values of a computed indicator, with both inputs.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RatiosOf(pub Uuid);

impl Loader<FormulaOf> for IndicatorsLoader {
    type Value = IndicatorFormula;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[FormulaOf]) -> Result<HashMap<FormulaOf, IndicatorFormula>, Self::Error> {
        let found = computed::formulas_for(&self.0, keys.iter().map(|k| k.0)).await.map_err(Arc::new)?;
        Ok(found.into_values().map(|f| (FormulaOf(f.indicator_id), f.into())).collect())
    }
}

impl Loader<RatiosOf> for IndicatorsLoader {
    type Value = Vec<RatioPoint>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[RatiosOf]) -> Result<HashMap<RatiosOf, Vec<RatioPoint>>, Self::Error> {
        let formulas = computed::formulas_for(&self.0, keys.iter().map(|k| k.0)).await.map_err(Arc::new)?;
        let ratios = computed::ratios_for(&self.0, &formulas).await.map_err(Arc::new)?;
        Ok(ratios.into_iter().map(|(id, points)| (RatiosOf(id), points)).collect())
    }
}

/// The time series points of computed values: a break where either input's definition changes.
pub(super) fn series_points(points: &[RatioPoint]) -> Vec<service::SeriesPoint> {
    let mut out: Vec<service::SeriesPoint> = Vec::new();
    let mut last_key = None;
    for p in points {
        let Some(value) = p.value else { continue };
        let key = p.definition_key();
        let break_before = !out.is_empty() && last_key != key;
        last_key = key;
        out.push(service::SeriesPoint {
            period: p.period.clone(),
            value,
            definition_id: p.numerator.as_ref().and_then(|n| n.definition_id),
            break_before,
        });
    }
    out
}

/// numerator ÷ denominator × factor, both indicators of the catalogue.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct IndicatorFormula {
    /// 100 (per hundred) or 1000 (per thousand).
    pub factor: i32,
    pub numerator_id: Uuid,
    pub denominator_id: Uuid,
    pub updated_at: DateTime<Utc>,
}

impl From<formula::Model> for IndicatorFormula {
    fn from(f: formula::Model) -> Self {
        Self {
            factor: f.factor,
            numerator_id: f.numerator_id,
            denominator_id: f.denominator_id,
            updated_at: f.updated_at,
        }
    }
}

#[ComplexObject]
impl IndicatorFormula {
    async fn numerator(&self, ctx: &Context<'_>) -> Result<Option<Indicator>> {
        Ok(loader(ctx).load_one(IndicatorById(self.numerator_id)).await?)
    }

    async fn denominator(&self, ctx: &Context<'_>) -> Result<Option<Indicator>> {
        Ok(loader(ctx).load_one(IndicatorById(self.denominator_id)).await?)
    }
}

/// An input's accepted value behind a computed value.
#[derive(SimpleObject)]
pub struct ComputedInput {
    pub value: f64,
    pub delivery_id: Uuid,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// A period of a computed indicator: the value, or why there is none, with both inputs.
#[derive(SimpleObject)]
pub struct ComputedValue {
    pub period: String,
    /// Rounded to two decimals; null where an input is missing or the denominator is 0.
    pub value: Option<f64>,
    pub gap: Option<RatioGap>,
    pub numerator: Option<ComputedInput>,
    pub denominator: Option<ComputedInput>,
    /// Ratios of the breakdown categories both inputs carry.
    pub breakdown: Vec<Breakdown>,
}

impl From<RatioPoint> for ComputedValue {
    fn from(p: RatioPoint) -> Self {
        let input = |v: computed::InputValue| ComputedInput {
            value: v.value,
            delivery_id: v.delivery_id,
            accepted_at: v.accepted_at,
        };
        Self {
            period: p.period,
            value: p.value,
            gap: p.gap,
            numerator: p.numerator.map(input),
            denominator: p.denominator.map(input),
            breakdown: p
                .breakdown
                .into_iter()
                .map(|b| Breakdown { dimension: b.dimension, category: b.category, value: b.value, code: b.code })
                .collect(),
        }
    }
}

pub(super) async fn formula_of(ctx: &Context<'_>, id: Uuid) -> Result<Option<IndicatorFormula>> {
    Ok(loader(ctx).load_one(FormulaOf(id)).await?)
}

pub(super) async fn computed_values_of(ctx: &Context<'_>, id: Uuid) -> Result<Vec<ComputedValue>> {
    Ok(loader(ctx).load_one(RatiosOf(id)).await?.unwrap_or_default().into_iter().map(Into::into).collect())
}

#[derive(InputObject)]
pub struct IndicatorFormulaInput {
    pub numerator_id: Uuid,
    pub denominator_id: Uuid,
    /// 100 or 1000.
    pub factor: i32,
}

#[derive(Default)]
pub struct ComputedMutation;

#[Object]
impl ComputedMutation {
    /// Makes the indicator computed: numerator ÷ denominator × factor, for the owning
    /// organisation or coordinators. Both inputs are delivered (not computed) indicators of the
    /// same periodicity; the indicator itself must not feed another formula. A computed
    /// indicator takes no deliveries (CONFLICT with `reason: COMPUTED_INDICATOR`) and no
    /// reminders. A stale `expectedVersion` is a CONFLICT with `currentVersion` in the details.
    async fn set_indicator_formula(
        &self,
        ctx: &Context<'_>,
        indicator_id: Uuid,
        input: IndicatorFormulaInput,
        expected_version: Option<i32>,
    ) -> Result<Indicator> {
        let a = actor(ctx)?;
        let input = computed::FormulaInput {
            numerator_id: input.numerator_id,
            denominator_id: input.denominator_id,
            factor: input.factor,
        };
        Ok(computed::set_formula(state(ctx), a, indicator_id, input, expected_version).await?.into())
    }

    /// Makes a computed indicator a delivered one again.
    async fn remove_indicator_formula(
        &self,
        ctx: &Context<'_>,
        indicator_id: Uuid,
        expected_version: Option<i32>,
    ) -> Result<Indicator> {
        let a = actor(ctx)?;
        Ok(computed::remove_formula(state(ctx), a, indicator_id, expected_version).await?.into())
    }
}
