//! GraphQL face of the districts: the code list and its changes, the stored map's summary (the
//! shapes themselves are served by `GET /api/districts.geojson`), and suppression rules.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::entities::{district, privacy};
use crate::graphql::{actor, state};

/// A Stadtbezirk or Stadtteil with its official code.
#[derive(SimpleObject, Clone)]
pub struct District {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub version: i32,
}

impl From<district::Model> for District {
    fn from(m: district::Model) -> Self {
        Self { id: m.id, code: m.code, name: m.name, parent_id: m.parent_id, version: m.version }
    }
}

/// The stored district map: what it holds and how it matches the list.
#[derive(SimpleObject, Clone)]
pub struct DistrictMap {
    pub code_property: String,
    pub features: i32,
    pub bytes: i64,
    pub uploaded_at: DateTime<Utc>,
    pub version: i32,
    /// Codes of the list without a shape.
    pub districts_without_shape: Vec<String>,
    /// Codes of shapes that are no district of the list.
    pub shapes_without_district: Vec<String>,
}

/// An indicator's small-number rule.
#[derive(SimpleObject, Clone)]
pub struct IndicatorSuppression {
    pub indicator_id: Uuid,
    /// Values below this are shown publicly as "•" (with the cells that would reveal them).
    pub suppress_below: f64,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<privacy::Model> for IndicatorSuppression {
    fn from(m: privacy::Model) -> Self {
        Self {
            indicator_id: m.indicator_id,
            suppress_below: m.suppress_below,
            version: m.version,
            updated_at: m.updated_at,
        }
    }
}

#[derive(InputObject)]
pub struct CreateDistrictInput {
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
}

#[derive(InputObject)]
pub struct UpdateDistrictInput {
    pub id: Uuid,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub expected_version: i32,
}

#[derive(Default)]
pub struct DistrictsQuery;

#[Object]
impl DistrictsQuery {
    /// The city's districts by code.
    async fn districts(&self, ctx: &Context<'_>) -> Result<Vec<District>> {
        actor(ctx)?;
        Ok(super::list(&state(ctx).db).await?.into_iter().map(Into::into).collect())
    }

    /// The uploaded district map, if any, compared with the list.
    async fn district_map(&self, ctx: &Context<'_>) -> Result<Option<DistrictMap>> {
        actor(ctx)?;
        let db = &state(ctx).db;
        let Some(m) = super::map(db).await? else { return Ok(None) };
        let codes: Vec<String> = super::list(db).await?.into_iter().map(|d| d.code).collect();
        let (missing, unknown) = super::compare(&codes, &super::shape_codes(&m));
        Ok(Some(DistrictMap {
            code_property: m.code_property,
            features: m.features,
            bytes: m.bytes,
            uploaded_at: m.uploaded_at,
            version: m.version,
            districts_without_shape: missing,
            shapes_without_district: unknown,
        }))
    }

    /// An indicator's suppression rule, if it has one.
    async fn indicator_suppression(
        &self,
        ctx: &Context<'_>,
        indicator_id: Uuid,
    ) -> Result<Option<IndicatorSuppression>> {
        actor(ctx)?;
        Ok(super::suppression_of(&state(ctx).db, indicator_id).await?.map(Into::into))
    }
}

#[derive(Default)]
pub struct DistrictsMutation;

#[Object]
impl DistrictsMutation {
    /// Adds a district to the list (coordinators).
    async fn create_district(&self, ctx: &Context<'_>, input: CreateDistrictInput) -> Result<District> {
        let d = super::create(state(ctx), actor(ctx)?, &input.code, &input.name, input.parent_id).await?;
        Ok(d.into())
    }

    /// Renames a district or moves it under another; `CONFLICT` when stale.
    async fn update_district(&self, ctx: &Context<'_>, input: UpdateDistrictInput) -> Result<District> {
        let d = super::update(state(ctx), actor(ctx)?, input.id, &input.name, input.parent_id, input.expected_version)
            .await?;
        Ok(d.into())
    }

    /// Removes a district no other lies within; answers its id.
    async fn remove_district(&self, ctx: &Context<'_>, id: Uuid, expected_version: i32) -> Result<Uuid> {
        Ok(super::remove(state(ctx), actor(ctx)?, id, expected_version).await?)
    }

    /// Sets an indicator's small-number threshold; null lifts it.
    async fn set_indicator_suppression(
        &self,
        ctx: &Context<'_>,
        indicator_id: Uuid,
        suppress_below: Option<f64>,
        expected_version: Option<i32>,
    ) -> Result<Option<IndicatorSuppression>> {
        let saved =
            super::set_suppression(state(ctx), actor(ctx)?, indicator_id, suppress_below, expected_version).await?;
        Ok(saved.map(Into::into))
    }
}
