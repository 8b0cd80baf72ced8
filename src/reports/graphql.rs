//! GraphQL face of the monitoring report: the live report, coordinators' texts, frozen reports,
//! the changes since the last one, and what is published for reading without login.

use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    changes::{self, ChangeKind},
    entities::{frozen_report, publication::PublicationKind},
    frozen, publication,
    service::{self, GapKind},
    status::{Direction, GoalStatus},
    summary::{self, ReportSummary},
};
use crate::{
    accounts::graphql::{User, load_user},
    graphql::{actor, state},
    indicators::graphql::Breakdown,
};

#[derive(SimpleObject)]
pub struct MonitoringReport {
    pub leitbild_id: Uuid,
    pub leitbild_title: String,
    pub leitbild_year: i32,
    pub generated_at: DateTime<Utc>,
    pub from_period: Option<String>,
    pub to_period: Option<String>,
    pub fields: Vec<ReportField>,
    /// The fields of action the monitoring covers so far; empty: all of them.
    pub monitoring_scope: Vec<Uuid>,
    /// The city the report is about (`TEILHABE_CITY`), for the title page; null when not set.
    pub city: Option<String>,
    /// Goals by status, overall (covered fields only) and by field of action.
    pub summary: ReportSummary,
    /// "Lücken im Monitoring": what the next report will lack (covered fields only).
    pub gaps: Vec<MonitoringGap>,
    /// The definitions the values follow and those agreed for the terms in use: the footnotes.
    pub definitions: Vec<ReportDefinition>,
}

#[derive(SimpleObject)]
pub struct ReportField {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    /// The coordinator's text on this field of action.
    pub text: Option<String>,
    /// The version to pass as `expectedVersion` when changing the text (0: no text yet).
    pub text_version: i32,
    /// Whether the monitoring covers this field yet; gaps and counts leave the others out.
    pub in_monitoring_scope: bool,
    pub goals: Vec<ReportGoal>,
}

#[derive(SimpleObject)]
pub struct ReportGoal {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub parent_goal_id: Option<Uuid>,
    /// The least favourable status of its indicators (see the report's rule).
    pub status: GoalStatus,
    pub indicators: Vec<ReportIndicator>,
}

#[derive(SimpleObject)]
pub struct ReportIndicator {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub source_description: String,
    pub owner_id: Uuid,
    pub owner_name: Option<String>,
    pub target_value: Option<f64>,
    pub target_direction: Option<Direction>,
    pub status: GoalStatus,
    pub latest_value: Option<f64>,
    /// Change per year over the latest comparable values.
    pub trend_per_year: Option<f64>,
    pub series: Vec<ReportValue>,
    pub terms: Vec<ReportTerm>,
    /// Public views: values below this are shown as "•" (see `suppressionNote`).
    pub suppress_below: Option<f64>,
    /// Public views: periods whose value is not shown.
    pub suppressed_periods: Vec<String>,
    /// The footnote of a "•", when the indicator has a threshold.
    pub suppression_note: Option<String>,
    /// How a computed indicator is computed; its values carry both inputs.
    pub formula: Option<service::ReportFormula>,
    /// The periods of a computed indicator without a value, and why.
    pub ratio_gaps: Vec<service::ReportRatioGap>,
    /// Comparison series ("Vergleichswerte"), never part of the status.
    pub references: Vec<service::ReportReference>,
}

/// A breakdown cell a public view shows as "•".
#[derive(SimpleObject)]
pub struct SuppressedBreakdown {
    pub dimension: String,
    pub category: String,
    pub code: Option<String>,
}

/// One accepted value with its vintage; names are empty in public reports.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ReportValue {
    pub period: String,
    pub value: f64,
    pub definition_id: Option<Uuid>,
    pub break_before: bool,
    pub delivery_id: Uuid,
    /// The value broken down by a dimension such as district or gender, where delivered.
    pub breakdown: Vec<Breakdown>,
    /// Public views: breakdown cells not shown, without their values.
    pub suppressed: Vec<SuppressedBreakdown>,
    #[graphql(skip)]
    pub delivered_by_id: Option<Uuid>,
    pub delivered_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub accepted_by_id: Option<Uuid>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// For a computed value: the inputs it was computed from (`deliveryId` is the numerator's).
    pub inputs: Option<service::RatioInputs>,
}

#[ComplexObject]
impl ReportValue {
    /// The name of the person who confirmed the value (batched over the whole report).
    async fn delivered_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        name(ctx, self.delivered_by_id).await
    }

    /// The name of the coordinator who accepted the value.
    async fn accepted_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        name(ctx, self.accepted_by_id).await
    }
}

async fn name(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<String>> {
    match id {
        Some(id) => Ok(load_user(ctx, id).await?.map(|u| u.name)),
        None => Ok(None),
    }
}

#[derive(SimpleObject)]
pub struct ReportTerm {
    pub id: Uuid,
    pub label: String,
    pub agreed: bool,
}

#[derive(SimpleObject)]
pub struct ReportDefinition {
    pub id: Uuid,
    pub term_id: Uuid,
    pub term_label: String,
    pub text: String,
    pub version: i32,
    pub source_publisher: Option<String>,
    pub source_statistic: Option<String>,
    pub source_date: Option<NaiveDate>,
    pub source_link: Option<String>,
}

#[derive(SimpleObject)]
pub struct MonitoringGap {
    pub kind: GapKind,
    pub message: String,
    pub goal_id: Option<Uuid>,
    pub indicator_id: Option<Uuid>,
    pub term_id: Option<Uuid>,
    pub delivery_id: Option<Uuid>,
}

impl From<service::Report> for MonitoringReport {
    fn from(r: service::Report) -> Self {
        let summary = summary::summarize(&r);
        Self {
            monitoring_scope: r.monitoring_scope,
            city: r.city,
            summary,
            leitbild_id: r.leitbild.id,
            leitbild_title: r.leitbild.title,
            leitbild_year: r.leitbild.year,
            generated_at: r.generated_at,
            from_period: r.from_period,
            to_period: r.to_period,
            fields: r
                .fields
                .into_iter()
                .map(|f| ReportField {
                    id: f.id,
                    title: f.title,
                    description: f.description,
                    text: f.text.filter(|t| !t.is_empty()),
                    text_version: f.text_version,
                    in_monitoring_scope: f.in_scope,
                    goals: f
                        .goals
                        .into_iter()
                        .map(|g| ReportGoal {
                            id: g.id,
                            title: g.title,
                            description: g.description,
                            parent_goal_id: g.parent_goal_id,
                            status: g.status,
                            indicators: g.indicators.into_iter().map(indicator).collect(),
                        })
                        .collect(),
                })
                .collect(),
            gaps: r
                .gaps
                .into_iter()
                .map(|g| MonitoringGap {
                    kind: g.kind,
                    message: g.message,
                    goal_id: g.goal_id,
                    indicator_id: g.indicator_id,
                    term_id: g.term_id,
                    delivery_id: g.delivery_id,
                })
                .collect(),
            definitions: r
                .definitions
                .into_iter()
                .map(|d| ReportDefinition {
                    id: d.id,
                    term_id: d.term_id,
                    term_label: d.term_label,
                    text: d.text,
                    version: d.version,
                    source_publisher: d.source_publisher,
                    source_statistic: d.source_statistic,
                    source_date: d.source_date,
                    source_link: d.source_link,
                })
                .collect(),
        }
    }
}

fn indicator(i: service::ReportIndicator) -> ReportIndicator {
    ReportIndicator {
        id: i.id,
        code: i.code,
        name: i.name,
        unit: i.unit,
        source_description: i.source_description,
        owner_id: i.owner_id,
        owner_name: i.owner_name,
        target_value: i.target_value,
        target_direction: i.target_direction,
        status: i.status,
        latest_value: i.latest_value,
        trend_per_year: i.trend_per_year,
        series: i
            .series
            .into_iter()
            .map(|v| ReportValue {
                period: v.period,
                value: v.value,
                definition_id: v.definition_id,
                break_before: v.break_before,
                delivery_id: v.delivery_id,
                breakdown: v
                    .breakdown
                    .into_iter()
                    .map(|b| Breakdown { dimension: b.dimension, category: b.category, value: b.value, code: b.code })
                    .collect(),
                suppressed: v
                    .suppressed
                    .into_iter()
                    .map(|c| SuppressedBreakdown { dimension: c.dimension, category: c.category, code: c.code })
                    .collect(),
                delivered_by_id: v.delivered_by,
                delivered_at: v.delivered_at,
                accepted_by_id: v.accepted_by,
                accepted_at: v.accepted_at,
                inputs: v.inputs,
            })
            .collect(),
        terms: i.terms.into_iter().map(|t| ReportTerm { id: t.id, label: t.label, agreed: t.agreed }).collect(),
        suppression_note: i.suppress_below.map(super::suppression::footnote),
        suppress_below: i.suppress_below,
        suppressed_periods: i.suppressed_periods,
        formula: i.formula,
        ratio_gaps: i.ratio_gaps,
        references: i.references,
    }
}

/// A numbered report, pinned when it was frozen: its goal tree, definitions and values never change.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct FrozenReport {
    pub id: Uuid,
    pub number: i32,
    pub title: String,
    pub leitbild_id: Uuid,
    pub from_period: Option<String>,
    pub to_period: Option<String>,
    pub frozen_at: DateTime<Utc>,
    #[graphql(skip)]
    pub frozen_by: Option<Uuid>,
    #[graphql(skip)]
    pub model: frozen_report::Model,
    #[graphql(skip)]
    pub public: bool,
    /// Known when the list that produced it loaded the publications in one query.
    #[graphql(skip)]
    pub published: Option<bool>,
}

impl FrozenReport {
    fn new(m: frozen_report::Model, public: bool) -> Self {
        Self {
            id: m.id,
            number: m.number,
            title: m.title.clone(),
            leitbild_id: m.leitbild_id,
            from_period: m.from_period.clone(),
            to_period: m.to_period.clone(),
            frozen_at: m.frozen_at,
            frozen_by: m.frozen_by,
            model: m,
            published: public.then_some(true),
            public,
        }
    }
}

#[ComplexObject]
impl FrozenReport {
    /// The report as it was frozen.
    async fn report(&self, ctx: &Context<'_>) -> Result<MonitoringReport> {
        let mut doc = frozen::document(&self.model)?;
        // Reports frozen before the city was recorded name today's.
        if doc.city.is_none() {
            doc.city = state(ctx).config.city.clone();
        }
        if self.public {
            return Ok(super::suppression::public(&state(ctx).db, frozen::without_people(doc)).await?.into());
        }
        Ok(doc.into())
    }

    async fn frozen_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match (self.frozen_by, self.public) {
            (Some(id), false) => load_user(ctx, id).await,
            _ => Ok(None),
        }
    }

    /// Whether the public can read it without login.
    async fn published(&self, ctx: &Context<'_>) -> Result<bool> {
        if let Some(known) = self.published {
            return Ok(known);
        }
        Ok(publication::is_published(&state(ctx).db, PublicationKind::Report, self.id).await?)
    }
}

#[derive(SimpleObject)]
pub struct ReportChange {
    pub kind: ChangeKind,
    /// A German sentence.
    pub message: String,
    pub indicator_id: Option<Uuid>,
    pub term_id: Option<Uuid>,
    pub definition_id: Option<Uuid>,
    pub delivery_id: Option<Uuid>,
    /// For GOAL_STATUS_CHANGED: the goal, its status in the frozen report and now.
    pub goal_id: Option<Uuid>,
    pub previous_status: Option<GoalStatus>,
    pub status: Option<GoalStatus>,
}

#[derive(SimpleObject)]
pub struct ReportChanges {
    /// The frozen report compared against; null before the first one.
    pub since: Option<FrozenReport>,
    pub items: Vec<ReportChange>,
}

#[derive(SimpleObject)]
pub struct PublicEditionRef {
    pub id: Uuid,
    pub title: String,
    pub year: i32,
}

#[derive(SimpleObject)]
pub struct PublicOverview {
    pub editions: Vec<PublicEditionRef>,
    /// Whether the agreed glossary is published (pages and `/glossary.ttl`).
    pub glossary_published: bool,
    pub reports: Vec<FrozenReport>,
}

#[derive(SimpleObject)]
pub struct PublicIndicatorStatus {
    pub indicator_id: Uuid,
    pub last_period: Option<String>,
    pub last_accepted_at: Option<DateTime<Utc>>,
    pub next_expected_at: Option<DateTime<Utc>>,
}

/// A published edition with its figures over all periods and each indicator's public status.
#[derive(SimpleObject)]
pub struct PublicEdition {
    pub report: MonitoringReport,
    pub indicator_status: Vec<PublicIndicatorStatus>,
}

#[derive(SimpleObject)]
pub struct PublicTerm {
    pub id: Uuid,
    pub label: String,
    pub synonyms: Vec<String>,
    pub definition: Option<String>,
    pub source_publisher: Option<String>,
    pub source_statistic: Option<String>,
    pub source_link: Option<String>,
    pub related: Vec<Uuid>,
}

#[derive(Default)]
pub struct ReportsQuery;

#[Object]
impl ReportsQuery {
    /// The monitoring report of an edition for a span of periods (e.g. 2023 to 2025): goal status,
    /// figures and the gaps in the monitoring.
    async fn monitoring_report(
        &self,
        ctx: &Context<'_>,
        leitbild_id: Uuid,
        from_period: Option<String>,
        to_period: Option<String>,
    ) -> Result<MonitoringReport> {
        let a = actor(ctx)?;
        let st = state(ctx);
        let mut report = service::report(&st.db, a, st.now(), leitbild_id, from_period, to_period).await?;
        report.city = st.config.city.clone();
        Ok(report.into())
    }

    /// Frozen reports, newest first; of one edition when given.
    async fn frozen_reports(&self, ctx: &Context<'_>, leitbild_id: Option<Uuid>) -> Result<Vec<FrozenReport>> {
        actor(ctx)?.require(crate::accounts::policy::Permission::Participate)?;
        let rows = frozen::list(&state(ctx).db, leitbild_id).await?;
        // One query for the publication state of the whole list instead of one per report.
        let published = publication::of(&state(ctx).db, rows.iter().map(|m| m.id).collect()).await?;
        Ok(rows
            .into_iter()
            .map(|m| {
                let is = published.contains_key(&m.id);
                FrozenReport { published: Some(is), ..FrozenReport::new(m, false) }
            })
            .collect())
    }

    async fn frozen_report(&self, ctx: &Context<'_>, id: Uuid) -> Result<FrozenReport> {
        actor(ctx)?.require(crate::accounts::policy::Permission::Participate)?;
        Ok(FrozenReport::new(frozen::get(&state(ctx).db, id).await?, false))
    }

    /// What changed since the edition's newest frozen report, in German sentences.
    async fn report_changes(&self, ctx: &Context<'_>, leitbild_id: Uuid) -> Result<ReportChanges> {
        let a = actor(ctx)?;
        let st = state(ctx);
        let c = changes::since_last_report(&st.db, a, st.now(), leitbild_id).await?;
        Ok(ReportChanges {
            since: c.since.map(|m| FrozenReport::new(m, false)),
            items: c
                .items
                .into_iter()
                .map(|i| ReportChange {
                    kind: i.kind,
                    message: i.message,
                    indicator_id: i.indicator_id,
                    term_id: i.term_id,
                    definition_id: i.definition_id,
                    delivery_id: i.delivery_id,
                    goal_id: i.goal_id,
                    previous_status: i.previous_status,
                    status: i.status,
                })
                .collect(),
        })
    }

    /// What is published for reading without login.
    async fn public_overview(&self, ctx: &Context<'_>) -> Result<PublicOverview> {
        let o = publication::overview(&state(ctx).db).await?;
        Ok(PublicOverview {
            editions: o
                .editions
                .into_iter()
                .map(|e| PublicEditionRef { id: e.id, title: e.title, year: e.year })
                .collect(),
            glossary_published: o.glossary.is_some(),
            reports: o.reports.into_iter().map(|m| FrozenReport::new(m, true)).collect(),
        })
    }

    /// A published edition; NOT_FOUND when it is not published.
    async fn public_edition(&self, ctx: &Context<'_>, id: Uuid) -> Result<PublicEdition> {
        let st = state(ctx);
        let (mut report, statuses) = publication::edition(&st.db, st.now(), id).await?;
        report.city = st.config.city.clone();
        let mut indicator_status: Vec<PublicIndicatorStatus> = statuses
            .into_iter()
            .map(|(id, s)| PublicIndicatorStatus {
                indicator_id: id,
                last_period: s.last_period,
                last_accepted_at: s.last_accepted_at,
                next_expected_at: s.next_expected_at,
            })
            .collect();
        indicator_status.sort_by_key(|s| s.indicator_id);
        Ok(PublicEdition { report: report.into(), indicator_status })
    }

    /// A published frozen report, without the names of staff; NOT_FOUND when it is not published.
    async fn public_report(&self, ctx: &Context<'_>, id: Uuid) -> Result<FrozenReport> {
        let (model, _) = publication::report(&state(ctx).db, id).await?;
        Ok(FrozenReport::new(model, true))
    }

    /// The agreed terms of the published glossary; NOT_FOUND when it is not published.
    async fn public_glossary(&self, ctx: &Context<'_>) -> Result<Vec<PublicTerm>> {
        let st = state(ctx);
        let terms = publication::glossary_terms(&st.db, st.now())
            .await?
            .ok_or(crate::error::Error::NotFound("published glossary"))?;
        let mut out: Vec<PublicTerm> = terms
            .into_iter()
            .map(|t| {
                let d = t.definitions.into_iter().next();
                PublicTerm {
                    id: t.id,
                    label: t.label,
                    synonyms: t.synonyms,
                    source_publisher: d.as_ref().and_then(|d| d.source.publisher.clone()),
                    source_statistic: d.as_ref().and_then(|d| d.source.statistic.clone()),
                    source_link: d.as_ref().and_then(|d| d.source.link.clone()),
                    definition: d.map(|d| d.text),
                    related: t.related,
                }
            })
            .collect();
        out.sort_by_key(|t| t.label.to_lowercase());
        Ok(out)
    }
}

/// The coordinator's text on a field of action.
#[derive(SimpleObject)]
pub struct ReportText {
    pub field_of_action_id: Uuid,
    pub text: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct ReportsMutation;

#[Object]
impl ReportsMutation {
    /// Sets the coordinator's text on a field of action for the report; `expectedVersion` is the
    /// `textVersion` the editor started from (0 when there was none).
    async fn set_report_text(
        &self,
        ctx: &Context<'_>,
        field_of_action_id: Uuid,
        text: String,
        expected_version: i32,
    ) -> Result<ReportText> {
        let t = frozen::set_field_text(state(ctx), actor(ctx)?, field_of_action_id, text, expected_version).await?;
        Ok(ReportText {
            field_of_action_id: t.field_of_action_id,
            text: t.text,
            version: t.version,
            updated_at: t.updated_at,
        })
    }

    /// Freezes the report of an adopted edition as the next numbered report.
    async fn freeze_report(
        &self,
        ctx: &Context<'_>,
        leitbild_id: Uuid,
        title: String,
        from_period: Option<String>,
        to_period: Option<String>,
    ) -> Result<FrozenReport> {
        let m = frozen::freeze(state(ctx), actor(ctx)?, leitbild_id, title, from_period, to_period).await?;
        Ok(FrozenReport::new(m, false))
    }

    /// Publishes an adopted edition, the glossary (its agreed part) or a frozen report for reading
    /// without login, or withdraws it (`published: false`). Returns the new state.
    async fn set_published(
        &self,
        ctx: &Context<'_>,
        kind: PublicationKind,
        target_id: Uuid,
        published: bool,
    ) -> Result<bool> {
        Ok(publication::set_published(state(ctx), actor(ctx)?, kind, target_id, published).await?)
    }
}
