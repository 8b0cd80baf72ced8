//! The monitoring report of an edition: fields → goals → indicators with their accepted values,
//! trend and status, and the gaps the next report would have. A constant number of statements,
//! whatever the size of the edition.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    entities::report_text,
    status::{Direction, GoalStatus, Point, assess, period_position},
};
use crate::{
    accounts::{
        entities::organization,
        policy::{Actor, Permission},
    },
    error::{Error, Result},
    glossary::entities::{TermStatus, definition, term, version},
    indicators::{
        computed::{self, RatioGap, RatioPoint},
        entities::{DeliveryStatus, delivery, indicator, indicator_goal, indicator_term},
        reference::{self, ReferenceKind},
        service::{BreakdownEntry, is_overdue},
    },
    leitbild::{
        entities::{field_of_action, goal, leitbild},
        service::in_scope,
    },
};

/// The report as a self-contained document: what the page shows, what the downloads hold, and
/// what a frozen report stores as JSON, so that a frozen report needs no live table to be read.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub leitbild: EditionRef,
    pub generated_at: DateTime<Utc>,
    pub from_period: Option<String>,
    pub to_period: Option<String>,
    pub fields: Vec<ReportField>,
    /// The fields of action the monitoring covers so far; empty: all of them. Gaps and the
    /// summary's counts look only there.
    #[serde(default)]
    pub monitoring_scope: Vec<Uuid>,
    /// The city the report is about (`TEILHABE_CITY`), for the title page.
    #[serde(default)]
    pub city: Option<String>,
    pub gaps: Vec<Gap>,
    /// The definitions the reported values follow and those in force for the terms in use: the
    /// report's footnotes.
    pub definitions: Vec<ReportDefinition>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditionRef {
    pub id: Uuid,
    pub title: String,
    pub year: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportField {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    /// The coordinator's text on this field of action.
    pub text: Option<String>,
    pub text_version: i32,
    /// Whether the monitoring covers this field yet (reports frozen before scopes existed: yes).
    #[serde(default = "covered")]
    pub in_scope: bool,
    pub goals: Vec<ReportGoal>,
}

fn covered() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportGoal {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub parent_goal_id: Option<Uuid>,
    pub status: GoalStatus,
    pub indicators: Vec<ReportIndicator>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
    pub trend_per_year: Option<f64>,
    pub series: Vec<SeriesValue>,
    pub terms: Vec<ReportTerm>,
    /// The small-number threshold of a public view: values below it are not shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppress_below: Option<f64>,
    /// Periods whose value a public view hides (the period's total was below the threshold).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed_periods: Vec<String>,
    /// How a computed indicator is computed; its series values carry both inputs.
    #[serde(default)]
    pub formula: Option<ReportFormula>,
    /// The periods of a computed indicator without a value, and why.
    #[serde(default)]
    pub ratio_gaps: Vec<ReportRatioGap>,
    /// Comparison series ("Vergleichswerte") of the same periods; never part of the status.
    #[serde(default)]
    pub references: Vec<ReportReference>,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct ReportReference {
    pub label: String,
    pub kind: ReferenceKind,
    pub values: Vec<ReportReferenceValue>,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct ReportReferenceValue {
    pub period: String,
    pub value: f64,
}

/// numerator ÷ denominator × factor, with the inputs' codes and names for the trace.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct ReportFormula {
    pub numerator: FormulaInputRef,
    pub denominator: FormulaInputRef,
    pub factor: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct FormulaInputRef {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct ReportRatioGap {
    pub period: String,
    pub gap: RatioGap,
}

/// Both inputs' accepted values behind a computed value.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct RatioInputs {
    pub numerator: f64,
    pub numerator_delivery_id: Uuid,
    pub denominator: f64,
    pub denominator_delivery_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportTerm {
    pub id: Uuid,
    pub label: String,
    pub agreed: bool,
}

/// One accepted value with its vintage: who delivered and accepted it, and when. People are kept
/// as ids, so that an erased person's name leaves frozen reports too.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeriesValue {
    pub period: String,
    pub value: f64,
    pub definition_id: Option<Uuid>,
    /// The definition changed against the previous value: draw a gap, not a line.
    pub break_before: bool,
    pub delivery_id: Uuid,
    pub breakdown: Vec<BreakdownEntry>,
    /// Breakdown cells a public view hides, without their values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<SuppressedCell>,
    pub delivered_by: Option<Uuid>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub accepted_by: Option<Uuid>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// For a computed value: the inputs it was computed from (`delivery_id` is the numerator's).
    #[serde(default)]
    pub inputs: Option<RatioInputs>,
}

/// A breakdown cell shown as "•": where it would stand, not what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuppressedCell {
    pub dimension: String,
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, async_graphql::Enum, Serialize, Deserialize)]
pub enum GapKind {
    GoalWithoutIndicator,
    IndicatorWithoutOwner,
    TermNotAgreed,
    DeliveryOverdue,
}

/// Something the next report will lack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gap {
    pub kind: GapKind,
    pub goal_id: Option<Uuid>,
    pub indicator_id: Option<Uuid>,
    pub term_id: Option<Uuid>,
    pub delivery_id: Option<Uuid>,
    /// A German sentence naming what is missing.
    pub message: String,
}

/// How a goal's indicators add up: the least favourable assessed status wins, so that a goal is
/// only "reached" when every indicator with a target is; indicators without a target or data only
/// count when nothing else does.
pub fn goal_status(statuses: impl IntoIterator<Item = GoalStatus>) -> GoalStatus {
    let rank = |s: GoalStatus| match s {
        GoalStatus::OffTrack => 0,
        GoalStatus::InsufficientData => 1,
        GoalStatus::OnTrack => 2,
        GoalStatus::Reached => 3,
        GoalStatus::NoTarget => 4,
        GoalStatus::NoData => 5,
    };
    statuses.into_iter().min_by_key(|s| rank(*s)).unwrap_or(GoalStatus::NoData)
}

fn in_range(period: &str, from: Option<f64>, to: Option<f64>) -> bool {
    match period_position(period) {
        Some(x) => from.is_none_or(|f| x >= f) && to.is_none_or(|t| x < t + 1.0),
        None => false,
    }
}

/// Checks a span of periods ("2023" to "2025"; half-years and quarters too) and returns its
/// positions on the year axis.
fn span(from: &Option<String>, to: &Option<String>) -> Result<(Option<f64>, Option<f64>)> {
    let position = |field: &str, p: &Option<String>| -> Result<Option<f64>> {
        p.as_deref()
            .map(|p| {
                period_position(p).ok_or_else(|| Error::validation(field, "a year like 2023 or a period like 2023-H1"))
            })
            .transpose()
    };
    let (from_x, to_x) = (position("fromPeriod", from)?, position("toPeriod", to)?);
    if let (Some(f), Some(t)) = (from_x, to_x)
        && f > t
    {
        return Err(Error::validation("toPeriod", "must not lie before fromPeriod"));
    }
    Ok((from_x, to_x))
}

/// Builds the report of `leitbild_id` for the periods `from..=to` (years, e.g. "2023" to "2025").
pub async fn report<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    leitbild_id: Uuid,
    from: Option<String>,
    to: Option<String>,
) -> Result<Report> {
    actor.require(Permission::Participate)?;
    build(db, now, leitbild_id, from, to).await
}

/// The report without a permission check: callers decide who may read it.
pub(crate) async fn build<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    leitbild_id: Uuid,
    from: Option<String>,
    to: Option<String>,
) -> Result<Report> {
    let (from_x, to_x) = span(&from, &to)?;
    let lb = leitbild::Entity::find_by_id(leitbild_id).one(db).await?.ok_or(Error::NotFound("leitbild"))?;
    let monitoring_scope = crate::leitbild::service::monitoring_scope(db, lb.id).await?;
    let scope: HashSet<Uuid> = monitoring_scope.iter().copied().collect();
    let fields = field_of_action::Entity::find()
        .filter(field_of_action::Column::LeitbildId.eq(lb.id))
        .filter(field_of_action::Column::RemovedAt.is_null())
        .order_by_asc(field_of_action::Column::Position)
        .all(db)
        .await?;
    let texts: HashMap<Uuid, report_text::Model> = report_text::Entity::find()
        .filter(report_text::Column::LeitbildId.eq(lb.id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.field_of_action_id, t))
        .collect();
    let goals = goal::Entity::find()
        .filter(goal::Column::FieldOfActionId.is_in(fields.iter().map(|f| f.id)))
        .filter(goal::Column::RemovedAt.is_null())
        .order_by_asc(goal::Column::Position)
        .all(db)
        .await?;
    let links = indicator_goal::Entity::find()
        .filter(indicator_goal::Column::GoalId.is_in(goals.iter().map(|g| g.id)))
        .all(db)
        .await?;
    let indicator_ids: HashSet<Uuid> = links.iter().map(|l| l.indicator_id).collect();
    // Gaps count only where the monitoring looks so far: indicators of a goal in a covered field.
    let field_of_goal: HashMap<Uuid, Uuid> = goals.iter().map(|g| (g.id, g.field_of_action_id)).collect();
    let scoped: HashSet<Uuid> = links
        .iter()
        .filter(|l| field_of_goal.get(&l.goal_id).is_some_and(|f| in_scope(&scope, *f)))
        .map(|l| l.indicator_id)
        .collect();
    // Computed indicators read their inputs, which need not be in the edition themselves.
    let formulas = computed::formulas_for(db, indicator_ids.iter().copied()).await?;
    let inputs: HashSet<Uuid> = formulas
        .values()
        .flat_map(|f| [f.numerator_id, f.denominator_id])
        .filter(|id| !indicator_ids.contains(id))
        .collect();
    let mut indicators: HashMap<Uuid, indicator::Model> = indicator::Entity::find()
        .filter(indicator::Column::Id.is_in(indicator_ids.iter().chain(&inputs).copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let owners: HashMap<Uuid, String> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(indicators.values().map(|i| i.owner_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let deliveries = delivery::Entity::find()
        .filter(delivery::Column::IndicatorId.is_in(indicator_ids.iter().chain(&inputs).copied()))
        .all(db)
        .await?;
    let input_rows: HashMap<Uuid, indicator::Model> =
        inputs.iter().filter_map(|id| indicators.remove(id).map(|i| (*id, i))).collect();
    let mut ratios = {
        let mut values: HashMap<Uuid, Vec<computed::InputValue>> = HashMap::new();
        for d in deliveries.iter().filter(|d| d.status == DeliveryStatus::Accepted) {
            if let Some(v) = computed::input_of(d) {
                values.entry(d.indicator_id).or_default().push(v);
            }
        }
        let empty = Vec::new();
        formulas
            .values()
            .map(|f| {
                let n = values.get(&f.numerator_id).unwrap_or(&empty);
                let d = values.get(&f.denominator_id).unwrap_or(&empty);
                (f.indicator_id, computed::ratio(n, d, f.factor))
            })
            .collect::<HashMap<Uuid, Vec<RatioPoint>>>()
    };
    let mut references = reference::references_for(db, indicator_ids.iter().copied()).await?;
    let term_links = indicator_term::Entity::find()
        .filter(indicator_term::Column::IndicatorId.is_in(indicator_ids.iter().copied()))
        .all(db)
        .await?;
    let terms: HashMap<Uuid, term::Model> = term::Entity::find()
        .filter(term::Column::Id.is_in(term_links.iter().map(|l| l.term_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();

    let mut accepted: HashMap<Uuid, Vec<&delivery::Model>> = HashMap::new();
    let mut gaps = Vec::new();
    for d in &deliveries {
        if d.status == DeliveryStatus::Accepted && d.value.is_some() && in_range(&d.period, from_x, to_x) {
            accepted.entry(d.indicator_id).or_default().push(d);
        }
        if is_overdue(d, now) && scoped.contains(&d.indicator_id) && !formulas.contains_key(&d.indicator_id) {
            let code = indicators.get(&d.indicator_id).map(|i| i.code.as_str()).unwrap_or("?");
            gaps.push(Gap {
                kind: GapKind::DeliveryOverdue,
                goal_id: None,
                indicator_id: Some(d.indicator_id),
                term_id: None,
                delivery_id: Some(d.id),
                message: format!("Lieferung {} für {code} ist überfällig", d.period),
            });
        }
    }
    let mut terms_of: HashMap<Uuid, Vec<&term::Model>> = HashMap::new();
    for l in &term_links {
        if let Some(t) = terms.get(&l.term_id) {
            terms_of.entry(l.indicator_id).or_default().push(t);
        }
    }
    let mut reported: HashMap<Uuid, ReportIndicator> = HashMap::new();
    for ind in indicators.values() {
        let mut values = accepted.remove(&ind.id).unwrap_or_default();
        values.sort_by(|a, b| {
            period_position(&a.period).unwrap_or(0.0).total_cmp(&period_position(&b.period).unwrap_or(0.0))
        });
        let points: Vec<Point<'_>> = values
            .iter()
            .filter_map(|d| d.value.map(|v| Point { period: &d.period, value: v, definition_id: d.definition_id }))
            .collect();
        let computed_points: Option<Vec<RatioPoint>> =
            ratios.remove(&ind.id).map(|all| all.into_iter().filter(|p| in_range(&p.period, from_x, to_x)).collect());
        let ratio_keys: Vec<Option<Uuid>> =
            computed_points.iter().flatten().filter(|p| p.value.is_some()).map(RatioPoint::definition_key).collect();
        let points: Vec<Point<'_>> = match &computed_points {
            Some(all) => all
                .iter()
                .filter_map(|p| p.value.map(|v| (p, v)))
                .zip(&ratio_keys)
                .map(|((p, v), key)| Point { period: &p.period, value: v, definition_id: *key })
                .collect(),
            None => points,
        };
        let assessment = assess(&points, ind.target_value, ind.target_direction);
        let mut series: Vec<SeriesValue> = Vec::with_capacity(values.len());
        if let Some(all) = &computed_points {
            series = computed_series(all);
        }
        for d in values.iter().filter(|_| computed_points.is_none()) {
            let break_before = series.last().is_some_and(|p| p.definition_id != d.definition_id);
            series.push(SeriesValue {
                period: d.period.clone(),
                value: d.value.unwrap_or_default(),
                definition_id: d.definition_id,
                break_before,
                delivery_id: d.id,
                breakdown: d.breakdown.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default(),
                suppressed: Vec::new(),
                delivered_by: d.delivered_by,
                delivered_at: d.delivered_at,
                accepted_by: d.accepted_by,
                accepted_at: d.accepted_at,
                inputs: None,
            });
        }
        let mut its_terms = terms_of.remove(&ind.id).unwrap_or_default();
        its_terms.sort_by(|a, b| a.label.cmp(&b.label));
        let watched = scoped.contains(&ind.id);
        for t in its_terms.iter().filter(|t| watched && t.status != TermStatus::Agreed) {
            gaps.push(Gap {
                kind: GapKind::TermNotAgreed,
                goal_id: None,
                indicator_id: Some(ind.id),
                term_id: Some(t.id),
                delivery_id: None,
                message: format!("{} verwendet den nicht vereinbarten Begriff „{}“", ind.code, t.label),
            });
        }
        let owner_name = owners.get(&ind.owner_id).cloned();
        if owner_name.is_none() && watched {
            gaps.push(Gap {
                kind: GapKind::IndicatorWithoutOwner,
                goal_id: None,
                indicator_id: Some(ind.id),
                term_id: None,
                delivery_id: None,
                message: format!("{} hat kein zuständiges Amt", ind.code),
            });
        }
        reported.insert(
            ind.id,
            ReportIndicator {
                id: ind.id,
                code: ind.code.clone(),
                name: ind.name.clone(),
                unit: ind.unit.clone(),
                source_description: ind.source_description.clone(),
                owner_id: ind.owner_id,
                owner_name,
                target_value: ind.target_value,
                target_direction: ind.target_direction,
                status: assessment.status,
                latest_value: assessment.latest,
                trend_per_year: assessment.trend_per_year,
                suppress_below: None,
                suppressed_periods: Vec::new(),
                series,
                terms: its_terms
                    .iter()
                    .map(|t| ReportTerm { id: t.id, label: t.label.clone(), agreed: t.status == TermStatus::Agreed })
                    .collect(),
                formula: formulas.get(&ind.id).map(|f| {
                    let input = |id: Uuid| {
                        let i = indicators.get(&id).or_else(|| input_rows.get(&id));
                        FormulaInputRef {
                            id,
                            code: i.map(|i| i.code.clone()).unwrap_or_default(),
                            name: i.map(|i| i.name.clone()).unwrap_or_default(),
                            unit: i.map(|i| i.unit.clone()).unwrap_or_default(),
                        }
                    };
                    ReportFormula {
                        numerator: input(f.numerator_id),
                        denominator: input(f.denominator_id),
                        factor: f.factor,
                    }
                }),
                ratio_gaps: computed_points
                    .iter()
                    .flatten()
                    .filter_map(|p| p.gap.map(|gap| ReportRatioGap { period: p.period.clone(), gap }))
                    .collect(),
                references: references
                    .remove(&ind.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| ReportReference {
                        label: r.series.label,
                        kind: r.series.kind,
                        values: r
                            .values
                            .into_iter()
                            .filter(|v| in_range(&v.period, from_x, to_x))
                            .map(|v| ReportReferenceValue { period: v.period, value: v.value })
                            .collect(),
                    })
                    .collect(),
            },
        );
    }
    let mut indicators_of: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for l in &links {
        indicators_of.entry(l.goal_id).or_default().push(l.indicator_id);
    }
    let mut goals_of: BTreeMap<Uuid, Vec<ReportGoal>> = BTreeMap::new();
    for g in goals {
        let mut its: Vec<ReportIndicator> = indicators_of
            .get(&g.id)
            .map(|ids| ids.iter().filter_map(|id| reported.get(id).cloned()).collect())
            .unwrap_or_default();
        its.sort_by(|a, b| a.code.cmp(&b.code));
        if its.is_empty() && in_scope(&scope, g.field_of_action_id) {
            gaps.push(Gap {
                kind: GapKind::GoalWithoutIndicator,
                goal_id: Some(g.id),
                indicator_id: None,
                term_id: None,
                delivery_id: None,
                message: format!("Ziel „{}“ hat keinen Indikator", g.title),
            });
        }
        let status = goal_status(its.iter().map(|i| i.status));
        goals_of.entry(g.field_of_action_id).or_default().push(ReportGoal {
            id: g.id,
            title: g.title,
            description: g.description,
            parent_goal_id: g.parent_goal_id,
            status,
            indicators: its,
        });
    }
    gaps.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.message.cmp(&b.message)));
    gaps.dedup();
    let fields = fields
        .into_iter()
        .map(|f| {
            let text = texts.get(&f.id);
            ReportField {
                goals: goals_of.remove(&f.id).unwrap_or_default(),
                id: f.id,
                title: f.title,
                description: f.description,
                text: text.map(|t| t.text.clone()),
                text_version: text.map_or(0, |t| t.version),
                in_scope: in_scope(&scope, f.id),
            }
        })
        .collect();
    // Footnotes: what the values follow, and what is agreed for every term in use.
    let in_force: HashSet<Uuid> = reported
        .values()
        .flat_map(|i| i.series.iter().filter_map(|v| v.definition_id))
        .chain(terms.values().filter_map(|t| t.agreed_definition_id))
        .collect();
    let mut definitions = definition::Entity::find().filter(definition::Column::Id.is_in(in_force)).all(db).await?;
    definitions.sort_by_key(|d| d.created_at);
    // A term's agreed definition under review again: the report cites the version in force.
    let agreed_versions: HashMap<Uuid, i32> =
        terms.values().filter_map(|t| t.agreed_definition_id.zip(t.agreed_version)).collect();
    let reopened: Vec<(Uuid, i32)> = definitions
        .iter()
        .filter_map(|d| agreed_versions.get(&d.id).filter(|v| **v != d.version).map(|v| (d.id, *v)))
        .collect();
    if !reopened.is_empty() {
        let rows = version::Entity::find()
            .filter(version::Column::DefinitionId.is_in(reopened.iter().map(|(d, _)| *d)))
            .all(db)
            .await?;
        for r in rows.into_iter().filter(|r| reopened.contains(&(r.definition_id, r.version))) {
            if let Some(d) = definitions.iter_mut().find(|d| d.id == r.definition_id) {
                d.text = r.text;
                d.version = r.version;
            }
        }
    }
    let definitions = definitions
        .into_iter()
        .map(|d| ReportDefinition {
            term_label: terms.get(&d.term_id).map(|t| t.label.clone()).unwrap_or_default(),
            id: d.id,
            term_id: d.term_id,
            text: d.text,
            version: d.version,
            source_publisher: d.source_publisher,
            source_statistic: d.source_statistic,
            source_date: d.source_date,
            source_link: d.source_link,
        })
        .collect();
    Ok(Report {
        leitbild: EditionRef { id: lb.id, title: lb.title, year: lb.year },
        generated_at: now,
        from_period: from,
        to_period: to,
        fields,
        monitoring_scope,
        city: None,
        gaps,
        definitions,
    })
}

/// A computed indicator's values as report values: each with both inputs, the numerator's
/// delivery and definition, and a break where either input's definition changes.
fn computed_series(points: &[RatioPoint]) -> Vec<SeriesValue> {
    let mut out: Vec<SeriesValue> = Vec::new();
    let mut last_key = None;
    for p in points {
        let (Some(value), Some(n), Some(d)) = (p.value, &p.numerator, &p.denominator) else { continue };
        let key = p.definition_key();
        let break_before = !out.is_empty() && last_key != key;
        last_key = key;
        out.push(SeriesValue {
            period: p.period.clone(),
            value,
            definition_id: n.definition_id,
            break_before,
            delivery_id: n.delivery_id,
            breakdown: p.breakdown.clone(),
            delivered_by: None,
            delivered_at: None,
            accepted_by: None,
            accepted_at: p.accepted_at(),
            suppressed: Vec::new(),
            inputs: Some(RatioInputs {
                numerator: n.value,
                numerator_delivery_id: n.delivery_id,
                denominator: d.value,
                denominator_delivery_id: d.delivery_id,
            }),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use GoalStatus::*;

    #[test]
    fn the_least_favourable_assessed_status_decides() {
        assert_eq!(goal_status([Reached, OnTrack]), OnTrack);
        assert_eq!(goal_status([Reached, OffTrack, OnTrack]), OffTrack);
        assert_eq!(goal_status([Reached, NoTarget]), Reached);
        assert_eq!(goal_status([NoTarget, NoData]), NoTarget);
        assert_eq!(goal_status([]), NoData);
    }

    #[test]
    fn period_ranges_include_both_ends() {
        assert!(in_range("2023", Some(2023.0), Some(2025.0)));
        assert!(in_range("2025-H2", Some(2023.0), Some(2025.0)));
        assert!(!in_range("2026", Some(2023.0), Some(2025.0)));
        assert!(!in_range("2022-Q4", Some(2023.0), None));
        assert!(in_range("1999", None, None));
    }
}
