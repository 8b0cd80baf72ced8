//! GraphQL face of reference values: an indicator's comparison series and the mutations that
//! keep them. Flat files of other regions travel as multipart to
//! `/api/indicators/{id}/imports/reference`.

use super::*;
use crate::indicators::reference::{self, Reference, ReferenceKind};

/// The reference series of an indicator, batched over a request.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReferencesOf(pub Uuid);

impl Loader<ReferencesOf> for IndicatorsLoader {
    type Value = Vec<ReferenceSeries>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[ReferencesOf]) -> Result<HashMap<ReferencesOf, Vec<ReferenceSeries>>, Self::Error> {
        let found = reference::references_for(&self.0, keys.iter().map(|k| k.0)).await.map_err(Arc::new)?;
        Ok(found.into_iter().map(|(id, list)| (ReferencesOf(id), list.into_iter().map(Into::into).collect())).collect())
    }
}

/// A comparison series ("Vergleichswert"): shown beside the indicator's values, never assessed.
#[derive(SimpleObject, Clone)]
pub struct ReferenceSeries {
    pub id: Uuid,
    pub label: String,
    pub kind: ReferenceKind,
    pub source: Option<String>,
    pub version: i32,
    pub values: Vec<ReferenceValue>,
}

#[derive(SimpleObject, Clone)]
pub struct ReferenceValue {
    pub period: String,
    pub value: f64,
}

impl From<Reference> for ReferenceSeries {
    fn from(r: Reference) -> Self {
        Self {
            id: r.series.id,
            label: r.series.label,
            kind: r.series.kind,
            source: r.series.source,
            version: r.series.version,
            values: r.values.into_iter().map(|v| ReferenceValue { period: v.period, value: v.value }).collect(),
        }
    }
}

pub(super) async fn references_of(ctx: &Context<'_>, id: Uuid) -> Result<Vec<ReferenceSeries>> {
    Ok(loader(ctx).load_one(ReferencesOf(id)).await?.unwrap_or_default())
}

#[derive(InputObject)]
pub struct ReferenceValueInput {
    pub period: String,
    pub value: f64,
}

#[derive(InputObject)]
pub struct ReferenceSeriesInput {
    /// E.g. "NRW", "Deutschland", "Gelsenkirchen" (unique per indicator).
    pub label: String,
    pub kind: ReferenceKind,
    pub source: Option<String>,
    /// The values by period; they replace the series' values.
    #[graphql(default)]
    pub values: Vec<ReferenceValueInput>,
}

#[derive(Default)]
pub struct ReferenceMutation;

#[Object]
impl ReferenceMutation {
    /// Creates a comparison series (no `seriesId`) or replaces one's label, kind, source and
    /// values; for the owning organisation or coordinators. Periods are the indicator's. A stale
    /// `expectedVersion` (the series' version) is a CONFLICT with `currentVersion` in the details.
    async fn set_reference_series(
        &self,
        ctx: &Context<'_>,
        indicator_id: Uuid,
        series_id: Option<Uuid>,
        input: ReferenceSeriesInput,
        expected_version: Option<i32>,
    ) -> Result<Indicator> {
        let a = actor(ctx)?;
        let st = state(ctx);
        let input = reference::ReferenceInput {
            label: input.label,
            kind: input.kind,
            source: input.source,
            values: input.values.into_iter().map(|v| (v.period, v.value)).collect(),
        };
        reference::set_reference(st, a, indicator_id, series_id, input, expected_version).await?;
        let ind = service::indicator_by_id(&st.db, indicator_id).await?.ok_or(Error::NotFound("indicator"))?;
        Ok(ind.into())
    }

    /// Removes a comparison series with its values; answers its indicator.
    async fn remove_reference_series(
        &self,
        ctx: &Context<'_>,
        series_id: Uuid,
        expected_version: Option<i32>,
    ) -> Result<Indicator> {
        let a = actor(ctx)?;
        let st = state(ctx);
        let id = reference::remove_reference(st, a, series_id, expected_version).await?;
        let ind = service::indicator_by_id(&st.db, id).await?.ok_or(Error::NotFound("indicator"))?;
        Ok(ind.into())
    }
}
