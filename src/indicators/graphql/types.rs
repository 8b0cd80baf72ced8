//! GraphQL types of the monitoring: indicators, deliveries, reviews, schedules.

use super::*;

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

pub(super) async fn opt_user(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<User>> {
    match id {
        Some(id) => load_user(ctx, id).await,
        None => Ok(None),
    }
}

pub(super) fn loader<'a>(ctx: &Context<'a>) -> &'a DataLoader<IndicatorsLoader> {
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
    async fn goal_ids(&self, ctx: &Context<'_>) -> Result<Arc<[Uuid]>> {
        Ok(loader(ctx).load_one(GoalsOf(self.id)).await?.unwrap_or_default())
    }

    /// Ids of the glossary terms it uses.
    async fn term_ids(&self, ctx: &Context<'_>) -> Result<Arc<[Uuid]>> {
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
    async fn deliveries(&self, ctx: &Context<'_>) -> Result<Arc<[DataDelivery]>> {
        Ok(loader(ctx).load_one(DeliveriesOf(self.id)).await?.unwrap_or_default())
    }

    /// The GENESIS table that feeds it, if one is mapped.
    async fn genesis_mapping(&self, ctx: &Context<'_>) -> Result<Option<GenesisMapping>> {
        Ok(crate::indicators::import::mapping_of(&state(ctx).db, self.id).await?.map(Into::into))
    }

    /// The formula of a computed indicator (numerator ÷ denominator × factor); null for a
    /// delivered one.
    async fn formula(&self, ctx: &Context<'_>) -> Result<Option<IndicatorFormula>> {
        computed::formula_of(ctx, self.id).await
    }

    /// Every period of a computed indicator with its value (or why there is none) and both
    /// inputs; empty for a delivered indicator.
    async fn computed_values(&self, ctx: &Context<'_>) -> Result<Vec<ComputedValue>> {
        computed::computed_values_of(ctx, self.id).await
    }

    /// Comparison series ("Vergleichswerte": the state, Germany, similar cities), shown beside
    /// the indicator's values and never used by the status rule.
    async fn references(&self, ctx: &Context<'_>) -> Result<Vec<ReferenceSeries>> {
        reference::references_of(ctx, self.id).await
    }

    /// Who owned the indicator when.
    async fn ownership_history(&self, ctx: &Context<'_>) -> Result<Arc<[OwnershipPeriod]>> {
        Ok(loader(ctx).load_one(OwnershipsOf(self.id)).await?.unwrap_or_default())
    }

    /// Accepted values with the target; breaks where the definition changes.
    async fn time_series(&self, ctx: &Context<'_>) -> Result<TimeSeries> {
        let points = loader(ctx).load_one(SeriesOf(self.id, self.periodicity)).await?.unwrap_or_default();
        Ok(TimeSeries {
            unit: self.unit.clone(),
            target_value: self.target_value,
            target_direction: self.target_direction,
            points: points
                .iter()
                .map(|p| SeriesPoint {
                    period: p.period.clone(),
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
    /// The district's official code, for cells of a district dimension.
    pub code: Option<String>,
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
                .map(|b| Breakdown { dimension: b.dimension, category: b.category, value: b.value, code: b.code })
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

    /// Where an imported value came from (table, source, licence, retrieval date); null for
    /// values confirmed by hand.
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<ValueSource>> {
        // Through the loader: one query for all deliveries of a page, not one per delivery.
        Ok(loader(ctx).load_one(SourceOf(self.id)).await?.map(Into::into))
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
    #[graphql(skip)]
    pub owner_id: Uuid,
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
        let rows = crate::indicators::usage::definitions_for(&state(ctx).db, self.indicator_id).await?;
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

    /// The department asked for the value, so that the page can say whom the mail was for.
    async fn owner_name(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(crate::accounts::graphql::load_organization(ctx, self.owner_id).await?.map(|o| o.name).unwrap_or_default())
    }

    /// Who sends the reminder mails (`TEILHABE_MAIL_FROM_NAME`), named on the page the link opens.
    async fn sent_by(&self, ctx: &Context<'_>) -> String {
        state(ctx).config.mail_from_name.clone()
    }
}

impl DeliveryLink {
    pub(super) fn new(d: delivery::Model, ind: indicator::Model, login_required: bool) -> Self {
        Self {
            indicator_id: ind.id,
            owner_id: d.owner_id,
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
