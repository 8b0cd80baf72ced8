//! GraphQL face of the monitoring: indicators, deliveries, series, on-time rates, batch loaders.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    ComplexObject, Context, InputObject, Object, Result, SimpleObject,
    dataloader::{DataLoader, Loader},
};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{
    entities::{
        DeliveryStatus, Periodicity, SourceKind, TargetDirection, delivery, indicator, indicator_goal, indicator_term,
        ownership,
    },
    links,
    service::{self, BreakdownEntry, Confirmation, NewIndicator},
};
use crate::{
    accounts::graphql::{Organization, User, load_organization, load_user},
    error::Error,
    glossary::graphql::{GlossaryLoader, Term, TermKey},
    graphql::{actor, actor_opt, state},
    leitbild::graphql::{Goal, GoalById, LeitbildLoader},
};

mod computed;
mod imports;
mod loaders;
mod reference;
mod types;

pub use computed::*;
pub use imports::*;
pub use loaders::*;
pub use reference::*;
pub use types::*;

// ---- resolvers --------------------------------------------------------------------------

#[derive(Default)]
pub struct IndicatorsQuery;

#[Object]
impl IndicatorsQuery {
    /// Indicators by code, optionally of one owner or one goal (at most 500).
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        owner_id: Option<Uuid>,
        goal_id: Option<Uuid>,
    ) -> Result<Vec<Indicator>> {
        actor(ctx)?;
        Ok(service::indicators(&state(ctx).db, owner_id, goal_id).await?.into_iter().map(Into::into).collect())
    }

    async fn indicator(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<Indicator>> {
        actor(ctx)?;
        Ok(ctx.data_unchecked::<DataLoader<IndicatorsLoader>>().load_one(IndicatorById(id)).await?)
    }

    /// Deliveries: the actor's organisations' open ones first, then by due date (at most `first`, ≤ 500).
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        status: Option<DeliveryStatus>,
        owner_id: Option<Uuid>,
        #[graphql(default = 200)] first: i32,
    ) -> Result<Vec<DataDelivery>> {
        let a = actor(ctx)?;
        let first = u64::try_from(first).map_err(|_| Error::validation("first", "must be positive"))?;
        Ok(service::deliveries(&state(ctx).db, a, status, owner_id, first).await?.into_iter().map(Into::into).collect())
    }

    async fn delivery(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<DataDelivery>> {
        actor(ctx)?;
        Ok(service::delivery_by_id(&state(ctx).db, id).await?.map(Into::into))
    }

    /// Each department's share of deliveries confirmed by their due date; for coordinators.
    async fn on_time_rates(&self, ctx: &Context<'_>) -> Result<Vec<OnTimeRate>> {
        let a = actor(ctx)?;
        Ok(service::on_time_rates(&state(ctx).db, a)
            .await?
            .into_iter()
            .map(|r| OnTimeRate {
                confirmed: r.confirmed,
                on_time: r.on_time,
                rate: if r.confirmed > 0 { r.on_time as f64 / r.confirmed as f64 } else { 0.0 },
                organization_id: r.organization_id,
            })
            .collect())
    }

    /// Opens the delivery of a signed reminder link; answers null for a wrong or expired link.
    /// It shows only what the confirm form needs; `loginRequired` says whether confirming
    /// (`confirmDeliveryByLink`) needs a login under the city's policy.
    async fn delivery_link(&self, ctx: &Context<'_>, delivery_id: Uuid, token: String) -> Result<Option<DeliveryLink>> {
        let st = state(ctx);
        let secret = links::secret(&st.db, st).await?;
        if !links::verify(&secret, delivery_id, &token, st.now()) {
            return Ok(None);
        }
        let Some(d) = service::delivery_by_id(&st.db, delivery_id).await? else { return Ok(None) };
        let Some(ind) = indicator::Entity::find_by_id(d.indicator_id).one(&st.db).await? else { return Ok(None) };
        Ok(Some(DeliveryLink::new(d, ind, service::login_required_for_links(st))))
    }
}

/// The confirmation the arguments of `confirmDelivery` describe: a value or no new data.
fn confirmation(
    value: Option<f64>,
    note: Option<String>,
    breakdown: Option<Vec<BreakdownInput>>,
    definition_id: Option<Uuid>,
    no_new_data: Option<NoNewDataInput>,
) -> Result<Confirmation, Error> {
    match (value, no_new_data) {
        (Some(_), Some(_)) => Err(Error::validation("noNewData", "either a value or no new data")),
        (None, Some(n)) => Ok(Confirmation::NoNewData { reason: n.reason, expected_at: n.expected_at }),
        (Some(value), None) => Ok(Confirmation::Value {
            value,
            breakdown: breakdown
                .unwrap_or_default()
                .into_iter()
                .map(|b| BreakdownEntry { dimension: b.dimension, category: b.category, value: b.value, code: None })
                .collect(),
            note,
            definition_id,
        }),
        (None, None) => Err(Error::validation("value", "a value, or noNewData with a reason")),
    }
}

#[derive(Default)]
pub struct IndicatorsMutation;

#[Object]
impl IndicatorsMutation {
    async fn create_indicator(&self, ctx: &Context<'_>, input: CreateIndicatorInput) -> Result<Indicator> {
        let a = actor(ctx)?;
        let ind = service::create_indicator(
            state(ctx),
            a,
            NewIndicator {
                code: input.code,
                name: input.name,
                goal_ids: input.goal_ids,
                term_ids: input.term_ids,
                unit: input.unit,
                source_kind: input.source_kind,
                source_description: input.source_description,
                periodicity: input.periodicity,
                target_value: input.target_value,
                target_direction: input.target_direction,
                owner_id: input.owner_id,
                responsible_user_id: input.responsible_user_id,
                deputy_user_id: input.deputy_user_id,
                review_interval_months: input.review_interval_months,
            },
        )
        .await?;
        Ok(ind.into())
    }

    /// Hands the indicator over; the history is kept and the new responsible people are told.
    /// With `expectedVersion` (the `Indicator.version` the form was opened with) a change made
    /// meanwhile is refused as CONFLICT with `currentVersion` in the details.
    async fn assign_indicator_owner(
        &self,
        ctx: &Context<'_>,
        indicator_id: Uuid,
        owner_id: Uuid,
        responsible_user_id: Option<Uuid>,
        deputy_user_id: Option<Uuid>,
        expected_version: Option<i32>,
    ) -> Result<Indicator> {
        let a = actor(ctx)?;
        Ok(service::assign_owner(
            state(ctx),
            a,
            indicator_id,
            owner_id,
            responsible_user_id,
            deputy_user_id,
            expected_version,
        )
        .await?
        .into())
    }

    /// The owner checked definition and source. A stale `expectedVersion` is a CONFLICT with
    /// `currentVersion` in the details.
    async fn confirm_indicator_review(
        &self,
        ctx: &Context<'_>,
        indicator_id: Uuid,
        note: Option<String>,
        expected_version: Option<i32>,
    ) -> Result<Indicator> {
        let a = actor(ctx)?;
        Ok(service::confirm_review(state(ctx), a, indicator_id, note, expected_version).await?.into())
    }

    async fn request_delivery(
        &self,
        ctx: &Context<'_>,
        indicator_id: Uuid,
        period: String,
        due_at: DateTime<Utc>,
    ) -> Result<DataDelivery> {
        let a = actor(ctx)?;
        Ok(service::request_delivery(state(ctx), a, indicator_id, &period, due_at).await?.into())
    }

    /// The owner confirms a value (with optional breakdown, note and definition), or with
    /// `noNewData` that no new data exist yet (the request stays open with a new expected date).
    #[allow(clippy::too_many_arguments)]
    async fn confirm_delivery(
        &self,
        ctx: &Context<'_>,
        delivery_id: Uuid,
        value: Option<f64>,
        note: Option<String>,
        breakdown: Option<Vec<BreakdownInput>>,
        definition_id: Option<Uuid>,
        no_new_data: Option<NoNewDataInput>,
        expected_version: Option<i32>,
    ) -> Result<DataDelivery> {
        let a = actor(ctx)?;
        let confirmation = confirmation(value, note, breakdown, definition_id, no_new_data)?;
        Ok(service::confirm_delivery(state(ctx), a, delivery_id, confirmation, expected_version).await?.into())
    }

    /// `confirmDelivery` through the signed link of a reminder mail (`token` from its URL), with
    /// the same arguments and rules. Where the city's policy needs no login
    /// (`DeliveryLink.loginRequired` false) a valid, unexpired token alone confirms this one
    /// delivery on behalf of the owning organisation; otherwise it needs a login of that
    /// organisation (UNAUTHENTICATED / FORBIDDEN). A wrong, expired or other delivery's token is
    /// FORBIDDEN. Answers the link's narrow view of the delivery, nothing else.
    #[allow(clippy::too_many_arguments)]
    async fn confirm_delivery_by_link(
        &self,
        ctx: &Context<'_>,
        delivery_id: Uuid,
        token: String,
        value: Option<f64>,
        note: Option<String>,
        breakdown: Option<Vec<BreakdownInput>>,
        definition_id: Option<Uuid>,
        no_new_data: Option<NoNewDataInput>,
        expected_version: Option<i32>,
    ) -> Result<DeliveryLink> {
        let st = state(ctx);
        let confirmation = confirmation(value, note, breakdown, definition_id, no_new_data)?;
        let (d, ind) =
            service::confirm_delivery_by_link(st, actor_opt(ctx), delivery_id, &token, confirmation, expected_version)
                .await?;
        Ok(DeliveryLink::new(d, ind, service::login_required_for_links(st)))
    }

    async fn accept_delivery(&self, ctx: &Context<'_>, delivery_id: Uuid) -> Result<DataDelivery> {
        let a = actor(ctx)?;
        Ok(service::accept_delivery(state(ctx), a, delivery_id).await?.into())
    }

    async fn return_delivery(&self, ctx: &Context<'_>, delivery_id: Uuid, reason: String) -> Result<DataDelivery> {
        let a = actor(ctx)?;
        Ok(service::return_delivery(state(ctx), a, delivery_id, &reason).await?.into())
    }

    /// Maps a GENESIS table (statistic code, value variable, a filter per dimension such as the
    /// city's regional key) to the indicator, for its owning organisation or coordinators. Each
    /// upload of the table's flat file then creates or updates the deliveries of its periods.
    /// A stale `expectedVersion` is a CONFLICT with `currentVersion` in the details.
    async fn set_genesis_mapping(
        &self,
        ctx: &Context<'_>,
        indicator_id: Uuid,
        input: GenesisMappingInput,
        expected_version: Option<i32>,
    ) -> Result<GenesisMapping> {
        let a = actor(ctx)?;
        Ok(crate::indicators::import::set_mapping(state(ctx), a, indicator_id, input.into(), expected_version)
            .await?
            .into())
    }
}
