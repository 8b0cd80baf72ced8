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

// ---- types ------------------------------------------------------------------------------

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Indicator {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub source_kind: SourceKind,
    pub source_description: String,
    pub periodicity: Periodicity,
    pub target_value: Option<f64>,
    pub target_direction: Option<TargetDirection>,
    pub review_interval_months: i32,
    pub next_review_at: DateTime<Utc>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    pub owner_id: Uuid,
    #[graphql(skip)]
    pub responsible_user_id: Option<Uuid>,
    #[graphql(skip)]
    pub deputy_user_id: Option<Uuid>,
    #[graphql(skip)]
    pub model: indicator::Model,
}

impl From<indicator::Model> for Indicator {
    fn from(m: indicator::Model) -> Self {
        Self {
            id: m.id,
            code: m.code.clone(),
            name: m.name.clone(),
            unit: m.unit.clone(),
            source_kind: m.source_kind,
            source_description: m.source_description.clone(),
            periodicity: m.periodicity,
            target_value: m.target_value,
            target_direction: m.target_direction,
            review_interval_months: m.review_interval_months,
            next_review_at: m.next_review_at,
            version: m.version,
            created_at: m.created_at,
            owner_id: m.owner_id,
            responsible_user_id: m.responsible_user_id,
            deputy_user_id: m.deputy_user_id,
            model: m,
        }
    }
}

async fn opt_user(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<User>> {
    match id {
        Some(id) => load_user(ctx, id).await,
        None => Ok(None),
    }
}

fn loader<'a>(ctx: &Context<'a>) -> &'a DataLoader<IndicatorsLoader> {
    ctx.data_unchecked::<DataLoader<IndicatorsLoader>>()
}

#[ComplexObject]
impl Indicator {
    /// The owning organisation (datenhaltende Stelle).
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        load_organization(ctx, self.owner_id).await
    }

    async fn responsible(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        opt_user(ctx, self.responsible_user_id).await
    }

    async fn deputy(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        opt_user(ctx, self.deputy_user_id).await
    }

    /// True when a term it uses is not agreed: its figures rest on a contested definition.
    async fn uses_unagreed_terms(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.terms(ctx).await?.iter().any(|t| t.status != crate::glossary::entities::TermStatus::Agreed))
    }

    /// Ids of the goals it checks.
    async fn goal_ids(&self, ctx: &Context<'_>) -> Result<Vec<Uuid>> {
        Ok(loader(ctx).load_one(GoalsOf(self.id)).await?.unwrap_or_default())
    }

    /// Ids of the glossary terms it uses.
    async fn term_ids(&self, ctx: &Context<'_>) -> Result<Vec<Uuid>> {
        Ok(loader(ctx).load_one(TermsOf(self.id)).await?.unwrap_or_default())
    }

    /// The goals it checks.
    async fn goals(&self, ctx: &Context<'_>) -> Result<Vec<Goal>> {
        let ids = loader(ctx).load_one(GoalsOf(self.id)).await?.unwrap_or_default();
        let found =
            ctx.data_unchecked::<DataLoader<LeitbildLoader>>().load_many(ids.iter().map(|id| GoalById(*id))).await?;
        Ok(ids.iter().filter_map(|id| found.get(&GoalById(*id)).cloned()).collect())
    }

    /// The glossary terms it uses.
    async fn terms(&self, ctx: &Context<'_>) -> Result<Vec<Term>> {
        let ids = loader(ctx).load_one(TermsOf(self.id)).await?.unwrap_or_default();
        let found =
            ctx.data_unchecked::<DataLoader<GlossaryLoader>>().load_many(ids.iter().map(|id| TermKey(*id))).await?;
        Ok(ids.iter().filter_map(|id| found.get(&TermKey(*id)).cloned()).collect())
    }

    /// All deliveries of the indicator, oldest period first.
    async fn deliveries(&self, ctx: &Context<'_>) -> Result<Vec<DataDelivery>> {
        Ok(loader(ctx).load_one(DeliveriesOf(self.id)).await?.unwrap_or_default())
    }

    /// Who owned the indicator when.
    async fn ownership_history(&self, ctx: &Context<'_>) -> Result<Vec<OwnershipPeriod>> {
        Ok(loader(ctx).load_one(OwnershipsOf(self.id)).await?.unwrap_or_default())
    }

    /// Accepted values with the target; breaks where the definition changes.
    async fn time_series(&self, ctx: &Context<'_>) -> Result<TimeSeries> {
        let points = service::time_series(&state(ctx).db, &self.model).await?;
        Ok(TimeSeries {
            unit: self.unit.clone(),
            target_value: self.target_value,
            target_direction: self.target_direction,
            points: points
                .into_iter()
                .map(|p| SeriesPoint {
                    period: p.period,
                    value: p.value,
                    definition_id: p.definition_id,
                    break_before: p.break_before,
                })
                .collect(),
        })
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct OwnershipPeriod {
    pub from_at: DateTime<Utc>,
    pub until_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub owner_id: Uuid,
    #[graphql(skip)]
    pub responsible_user_id: Option<Uuid>,
    #[graphql(skip)]
    pub deputy_user_id: Option<Uuid>,
}

#[ComplexObject]
impl OwnershipPeriod {
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        load_organization(ctx, self.owner_id).await
    }
    async fn responsible(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        opt_user(ctx, self.responsible_user_id).await
    }
    async fn deputy(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        opt_user(ctx, self.deputy_user_id).await
    }
}

impl From<ownership::Model> for OwnershipPeriod {
    fn from(m: ownership::Model) -> Self {
        Self {
            from_at: m.from_at,
            until_at: m.until_at,
            owner_id: m.owner_id,
            responsible_user_id: m.responsible_user_id,
            deputy_user_id: m.deputy_user_id,
        }
    }
}

#[derive(SimpleObject)]
pub struct TimeSeries {
    pub unit: String,
    pub target_value: Option<f64>,
    pub target_direction: Option<TargetDirection>,
    pub points: Vec<SeriesPoint>,
}

#[derive(SimpleObject)]
pub struct SeriesPoint {
    pub period: String,
    pub value: f64,
    pub definition_id: Option<Uuid>,
    /// The definition differs from the previous point's: do not draw a line across.
    pub break_before: bool,
}

#[derive(SimpleObject, Clone)]
pub struct Breakdown {
    pub dimension: String,
    pub category: String,
    pub value: f64,
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct DataDelivery {
    pub id: Uuid,
    pub period: String,
    pub due_at: DateTime<Utc>,
    /// Set by "no new data yet": when the data are now expected.
    pub expected_at: Option<DateTime<Utc>>,
    pub status: DeliveryStatus,
    pub value: Option<f64>,
    pub breakdown: Vec<Breakdown>,
    pub note: Option<String>,
    pub definition_id: Option<Uuid>,
    pub no_data_reason: Option<String>,
    pub return_reason: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Whether the first confirmation came by the due date.
    pub on_time: Option<bool>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub version: i32,
    #[graphql(skip)]
    pub model: delivery::Model,
}

impl From<delivery::Model> for DataDelivery {
    fn from(m: delivery::Model) -> Self {
        let breakdown: Vec<BreakdownEntry> =
            m.breakdown.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default();
        Self {
            id: m.id,
            period: m.period.clone(),
            due_at: m.due_at,
            expected_at: m.expected_at,
            status: m.status,
            value: m.value,
            breakdown: breakdown
                .into_iter()
                .map(|b| Breakdown { dimension: b.dimension, category: b.category, value: b.value })
                .collect(),
            note: m.note.clone(),
            definition_id: m.definition_id,
            no_data_reason: m.no_data_reason.clone(),
            return_reason: m.return_reason.clone(),
            delivered_at: m.delivered_at,
            on_time: m.on_time,
            accepted_at: m.accepted_at,
            version: m.version,
            model: m,
        }
    }
}

#[ComplexObject]
impl DataDelivery {
    /// Past its (expected) due date and not delivered.
    async fn overdue(&self, ctx: &Context<'_>) -> bool {
        service::is_overdue(&self.model, state(ctx).now())
    }

    async fn indicator(&self, ctx: &Context<'_>) -> Result<Option<Indicator>> {
        Ok(loader(ctx).load_one(IndicatorById(self.model.indicator_id)).await?)
    }

    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        load_organization(ctx, self.model.owner_id).await
    }

    async fn delivered_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        opt_user(ctx, self.model.delivered_by).await
    }

    async fn accepted_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        opt_user(ctx, self.model.accepted_by).await
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct OnTimeRate {
    pub confirmed: i64,
    pub on_time: i64,
    /// on_time / confirmed, between 0 and 1.
    pub rate: f64,
    #[graphql(skip)]
    pub organization_id: Uuid,
}

#[ComplexObject]
impl OnTimeRate {
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        load_organization(ctx, self.organization_id).await
    }
}

/// What a signed reminder link shows without login: enough to open that one confirm form.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct DeliveryLink {
    pub delivery_id: Uuid,
    pub indicator_code: String,
    pub indicator_name: String,
    pub unit: String,
    pub period: String,
    /// The date reminders count towards: the expected date after "no new data", else the due date.
    pub due_at: DateTime<Utc>,
    pub status: DeliveryStatus,
    /// Pass as `expectedVersion` to `confirmDeliveryByLink`.
    pub version: i32,
    /// The city's policy (`TEILHABE_SIGNED_LINK_LOGIN`): when true, `confirmDeliveryByLink` needs
    /// a login of the owning organisation; when false, the link alone confirms this delivery.
    pub login_required: bool,
    #[graphql(skip)]
    pub indicator_id: Uuid,
}

/// A definition the delivered value may follow: one of the indicator's terms' definitions.
#[derive(SimpleObject)]
pub struct LinkDefinition {
    pub id: Uuid,
    pub term_label: String,
    pub text: String,
    /// The term's agreed definition.
    pub agreed: bool,
}

#[ComplexObject]
impl DeliveryLink {
    /// The definitions the value may follow, agreed ones first, so that the form can offer them
    /// without login.
    async fn definitions(&self, ctx: &Context<'_>) -> Result<Vec<LinkDefinition>> {
        let rows = super::usage::definitions_for(&state(ctx).db, self.indicator_id).await?;
        Ok(rows
            .into_iter()
            .map(|(t, d)| LinkDefinition {
                agreed: t.agreed_definition_id == Some(d.id),
                id: d.id,
                term_label: t.label,
                text: d.text,
            })
            .collect())
    }
}

impl DeliveryLink {
    fn new(d: delivery::Model, ind: indicator::Model, login_required: bool) -> Self {
        Self {
            indicator_id: ind.id,
            delivery_id: d.id,
            indicator_code: ind.code,
            indicator_name: ind.name,
            unit: ind.unit,
            due_at: d.effective_due(),
            period: d.period,
            status: d.status,
            version: d.version,
            login_required,
        }
    }
}

#[derive(InputObject)]
pub struct CreateIndicatorInput {
    pub code: String,
    pub name: String,
    #[graphql(default)]
    pub goal_ids: Vec<Uuid>,
    #[graphql(default)]
    pub term_ids: Vec<Uuid>,
    pub unit: String,
    pub source_kind: SourceKind,
    pub source_description: String,
    pub periodicity: Periodicity,
    pub target_value: Option<f64>,
    pub target_direction: Option<TargetDirection>,
    pub owner_id: Uuid,
    pub responsible_user_id: Option<Uuid>,
    pub deputy_user_id: Option<Uuid>,
    #[graphql(default = 12)]
    pub review_interval_months: i32,
}

#[derive(InputObject)]
pub struct BreakdownInput {
    pub dimension: String,
    pub category: String,
    pub value: f64,
}

#[derive(InputObject)]
pub struct NoNewDataInput {
    /// Why there are no new data yet, e.g. the source is not published.
    pub reason: String,
    pub expected_at: DateTime<Utc>,
}

// ---- batch loading ----------------------------------------------------------------------

pub struct IndicatorsLoader(pub DatabaseConnection);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndicatorById(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeliveriesOf(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoalsOf(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TermsOf(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OwnershipsOf(pub Uuid);

fn db_err(e: sea_orm::DbErr) -> Arc<Error> {
    Arc::new(e.into())
}

impl Loader<IndicatorById> for IndicatorsLoader {
    type Value = Indicator;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[IndicatorById]) -> Result<HashMap<IndicatorById, Indicator>, Self::Error> {
        let rows = indicator::Entity::find()
            .filter(indicator::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|i| (IndicatorById(i.id), Indicator::from(i))).collect())
    }
}

impl Loader<DeliveriesOf> for IndicatorsLoader {
    type Value = Vec<DataDelivery>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[DeliveriesOf]) -> Result<HashMap<DeliveriesOf, Vec<DataDelivery>>, Self::Error> {
        let rows = delivery::Entity::find()
            .filter(delivery::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(delivery::Column::DueAt)
            .all(&self.0)
            .await
            .map_err(db_err)?;
        let mut out: HashMap<DeliveriesOf, Vec<DataDelivery>> = HashMap::new();
        for d in rows {
            out.entry(DeliveriesOf(d.indicator_id)).or_default().push(d.into());
        }
        Ok(out)
    }
}

impl Loader<GoalsOf> for IndicatorsLoader {
    type Value = Vec<Uuid>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[GoalsOf]) -> Result<HashMap<GoalsOf, Vec<Uuid>>, Self::Error> {
        let rows = indicator_goal::Entity::find()
            .filter(indicator_goal::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(db_err)?;
        let mut out: HashMap<GoalsOf, Vec<Uuid>> = HashMap::new();
        for r in rows {
            out.entry(GoalsOf(r.indicator_id)).or_default().push(r.goal_id);
        }
        Ok(out)
    }
}

impl Loader<TermsOf> for IndicatorsLoader {
    type Value = Vec<Uuid>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[TermsOf]) -> Result<HashMap<TermsOf, Vec<Uuid>>, Self::Error> {
        let rows = indicator_term::Entity::find()
            .filter(indicator_term::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(db_err)?;
        let mut out: HashMap<TermsOf, Vec<Uuid>> = HashMap::new();
        for r in rows {
            out.entry(TermsOf(r.indicator_id)).or_default().push(r.term_id);
        }
        Ok(out)
    }
}

impl Loader<OwnershipsOf> for IndicatorsLoader {
    type Value = Vec<OwnershipPeriod>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[OwnershipsOf]) -> Result<HashMap<OwnershipsOf, Vec<OwnershipPeriod>>, Self::Error> {
        let rows = ownership::Entity::find()
            .filter(ownership::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(ownership::Column::FromAt)
            .all(&self.0)
            .await
            .map_err(db_err)?;
        let mut out: HashMap<OwnershipsOf, Vec<OwnershipPeriod>> = HashMap::new();
        for r in rows {
            out.entry(OwnershipsOf(r.indicator_id)).or_default().push(r.into());
        }
        Ok(out)
    }
}

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
        Ok(service::indicator_by_id(&state(ctx).db, id).await?.map(Into::into))
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
                .map(|b| BreakdownEntry { dimension: b.dimension, category: b.category, value: b.value })
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
}
