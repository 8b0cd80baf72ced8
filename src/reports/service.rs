//! The monitoring report of an edition: fields → goals → indicators with their accepted values,
//! trend and status, and the gaps the next report would have. A constant number of statements,
//! whatever the size of the edition.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::status::{Assessment, GoalStatus, Point, assess, period_position};
use crate::{
    accounts::{
        entities::organization,
        policy::{Actor, Permission},
    },
    error::{Error, Result},
    glossary::entities::{TermStatus, definition, term},
    indicators::{
        entities::{DeliveryStatus, delivery, indicator, indicator_goal, indicator_term},
        service::is_overdue,
    },
    leitbild::entities::{field_of_action, goal, leitbild},
};

#[derive(Debug, Clone)]
pub struct Report {
    pub leitbild: leitbild::Model,
    pub generated_at: DateTime<Utc>,
    pub from_period: Option<String>,
    pub to_period: Option<String>,
    pub fields: Vec<ReportField>,
    pub gaps: Vec<Gap>,
    /// The definitions the reported values follow: the report's footnotes.
    pub definitions: Vec<definition::Model>,
}

#[derive(Debug, Clone)]
pub struct ReportField {
    pub field: field_of_action::Model,
    pub goals: Vec<ReportGoal>,
}

#[derive(Debug, Clone)]
pub struct ReportGoal {
    pub goal: goal::Model,
    pub status: GoalStatus,
    pub indicators: Vec<ReportIndicator>,
}

#[derive(Debug, Clone)]
pub struct ReportIndicator {
    pub indicator: indicator::Model,
    pub owner_name: Option<String>,
    pub series: Vec<SeriesValue>,
    pub assessment: Assessment,
    pub terms: Vec<term::Model>,
}

#[derive(Debug, Clone)]
pub struct SeriesValue {
    pub period: String,
    pub value: f64,
    pub definition_id: Option<Uuid>,
    /// The definition changed against the previous value: draw a gap, not a line.
    pub break_before: bool,
    pub delivery_id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, async_graphql::Enum)]
pub enum GapKind {
    GoalWithoutIndicator,
    IndicatorWithoutOwner,
    TermNotAgreed,
    DeliveryOverdue,
}

/// Something the next report will lack.
#[derive(Debug, Clone, PartialEq)]
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
    let position = |field: &str, p: &Option<String>| -> Result<Option<f64>> {
        p.as_deref()
            .map(|p| {
                period_position(p).ok_or_else(|| Error::validation(field, "a year like 2023 or a period like 2023-H1"))
            })
            .transpose()
    };
    let (from_x, to_x) = (position("fromPeriod", &from)?, position("toPeriod", &to)?);
    if let (Some(f), Some(t)) = (from_x, to_x)
        && f > t
    {
        return Err(Error::validation("toPeriod", "must not lie before fromPeriod"));
    }
    let lb = leitbild::Entity::find_by_id(leitbild_id).one(db).await?.ok_or(Error::NotFound("leitbild"))?;
    let fields = field_of_action::Entity::find()
        .filter(field_of_action::Column::LeitbildId.eq(lb.id))
        .filter(field_of_action::Column::RemovedAt.is_null())
        .order_by_asc(field_of_action::Column::Position)
        .all(db)
        .await?;
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
    let indicators: HashMap<Uuid, indicator::Model> = indicator::Entity::find()
        .filter(indicator::Column::Id.is_in(indicator_ids.iter().copied()))
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
        .filter(delivery::Column::IndicatorId.is_in(indicator_ids.iter().copied()))
        .all(db)
        .await?;
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
        if is_overdue(d, now) {
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
    let mut terms_of: HashMap<Uuid, Vec<term::Model>> = HashMap::new();
    for l in &term_links {
        if let Some(t) = terms.get(&l.term_id) {
            terms_of.entry(l.indicator_id).or_default().push(t.clone());
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
        let assessment = assess(&points, ind.target_value, ind.target_direction);
        let mut series: Vec<SeriesValue> = Vec::with_capacity(values.len());
        for d in &values {
            let break_before = series.last().is_some_and(|p| p.definition_id != d.definition_id);
            series.push(SeriesValue {
                period: d.period.clone(),
                value: d.value.unwrap_or_default(),
                definition_id: d.definition_id,
                break_before,
                delivery_id: d.id,
            });
        }
        let mut its_terms = terms_of.remove(&ind.id).unwrap_or_default();
        its_terms.sort_by(|a, b| a.label.cmp(&b.label));
        for t in its_terms.iter().filter(|t| t.status != TermStatus::Agreed) {
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
        if owner_name.is_none() {
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
            ReportIndicator { indicator: ind.clone(), owner_name, series, assessment, terms: its_terms },
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
        its.sort_by(|a, b| a.indicator.code.cmp(&b.indicator.code));
        if its.is_empty() {
            gaps.push(Gap {
                kind: GapKind::GoalWithoutIndicator,
                goal_id: Some(g.id),
                indicator_id: None,
                term_id: None,
                delivery_id: None,
                message: format!("Ziel „{}“ hat keinen Indikator", g.title),
            });
        }
        let status = goal_status(its.iter().map(|i| i.assessment.status));
        goals_of.entry(g.field_of_action_id).or_default().push(ReportGoal { goal: g, status, indicators: its });
    }
    gaps.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.message.cmp(&b.message)));
    gaps.dedup();
    let fields = fields
        .into_iter()
        .map(|f| ReportField { goals: goals_of.remove(&f.id).unwrap_or_default(), field: f })
        .collect();
    let used: HashSet<Uuid> = reported.values().flat_map(|i| i.series.iter().filter_map(|v| v.definition_id)).collect();
    let mut definitions = definition::Entity::find().filter(definition::Column::Id.is_in(used)).all(db).await?;
    definitions.sort_by_key(|d| d.created_at);
    Ok(Report { leitbild: lb, generated_at: now, from_period: from, to_period: to, fields, gaps, definitions })
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
