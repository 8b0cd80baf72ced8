//! GraphQL face of the monitoring report: one query, answered from one in-memory build.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    service::{self, GapKind},
    status::{Direction, GoalStatus},
};
use crate::graphql::{actor, state};

#[derive(SimpleObject)]
pub struct MonitoringReport {
    pub leitbild_id: Uuid,
    pub leitbild_title: String,
    pub leitbild_year: i32,
    pub generated_at: DateTime<Utc>,
    pub from_period: Option<String>,
    pub to_period: Option<String>,
    pub fields: Vec<ReportField>,
    /// "Lücken im Monitoring": what the next report will lack.
    pub gaps: Vec<MonitoringGap>,
    /// The definitions the values follow, for footnotes.
    pub definitions: Vec<ReportDefinition>,
}

#[derive(SimpleObject)]
pub struct ReportField {
    pub id: Uuid,
    pub title: String,
    pub description: String,
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
}

#[derive(SimpleObject)]
pub struct ReportValue {
    pub period: String,
    pub value: f64,
    pub definition_id: Option<Uuid>,
    pub break_before: bool,
    pub delivery_id: Uuid,
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
    pub text: String,
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
        Self {
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
                    id: f.field.id,
                    title: f.field.title,
                    description: f.field.description,
                    goals: f
                        .goals
                        .into_iter()
                        .map(|g| ReportGoal {
                            id: g.goal.id,
                            title: g.goal.title,
                            description: g.goal.description,
                            parent_goal_id: g.goal.parent_goal_id,
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
                    text: d.text,
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
        id: i.indicator.id,
        code: i.indicator.code,
        name: i.indicator.name,
        unit: i.indicator.unit,
        source_description: i.indicator.source_description,
        owner_id: i.indicator.owner_id,
        owner_name: i.owner_name,
        target_value: i.indicator.target_value,
        target_direction: i.indicator.target_direction,
        status: i.assessment.status,
        latest_value: i.assessment.latest,
        trend_per_year: i.assessment.trend_per_year,
        series: i
            .series
            .into_iter()
            .map(|v| ReportValue {
                period: v.period,
                value: v.value,
                definition_id: v.definition_id,
                break_before: v.break_before,
                delivery_id: v.delivery_id,
            })
            .collect(),
        terms: i
            .terms
            .into_iter()
            .map(|t| ReportTerm {
                agreed: t.status == crate::glossary::entities::TermStatus::Agreed,
                id: t.id,
                label: t.label,
            })
            .collect(),
    }
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
        Ok(service::report(&st.db, a, st.now(), leitbild_id, from_period, to_period).await?.into())
    }
}
