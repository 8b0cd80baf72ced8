//! "Was hat sich seit dem letzten Bericht geändert?": the list a coordinator reads before the
//! next report, comparing the live monitoring with the newest frozen report of the edition.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use super::{
    entities::frozen_report,
    frozen,
    service::{self, Report},
    status::GoalStatus,
};
use crate::{
    accounts::policy::{Actor, Permission},
    error::Result,
    glossary::entities::definition,
    indicators::{
        entities::{DeliveryStatus, delivery},
        timing::german_date,
    },
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, async_graphql::Enum, Serialize)]
pub enum ChangeKind {
    /// Results first: a goal whose status differs from the frozen report's.
    GoalStatusChanged,
    /// A value accepted after the freeze.
    ValueAdded,
    IndicatorAdded,
    IndicatorDropped,
    TermChanged,
    DefinitionChanged,
    SeriesBreak,
    DeliveryLate,
    DeliveryMissing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: ChangeKind,
    /// A German sentence.
    pub message: String,
    pub indicator_id: Option<Uuid>,
    pub term_id: Option<Uuid>,
    pub definition_id: Option<Uuid>,
    pub delivery_id: Option<Uuid>,
    pub goal_id: Option<Uuid>,
    /// For a goal: its status in the frozen report and now.
    pub previous_status: Option<GoalStatus>,
    pub status: Option<GoalStatus>,
}

pub struct Changes {
    /// The report compared against; `None` before the first frozen report, when the list holds
    /// only series breaks and late or missing deliveries.
    pub since: Option<frozen_report::Model>,
    pub items: Vec<Change>,
}

fn change(kind: ChangeKind, message: String) -> Change {
    Change {
        kind,
        message,
        indicator_id: None,
        term_id: None,
        definition_id: None,
        delivery_id: None,
        goal_id: None,
        previous_status: None,
        status: None,
    }
}

pub async fn since_last_report<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    leitbild_id: Uuid,
) -> Result<Changes> {
    actor.require(Permission::Participate)?;
    let live = service::build(db, now, leitbild_id, None, None).await?;
    let since = frozen::latest(db, leitbild_id).await?;
    let base = since.as_ref().map(frozen::document).transpose()?;
    let since_at = since.as_ref().map(|s| s.frozen_at);
    let live_terms: HashSet<Uuid> =
        indicators(&live).flat_map(|i| i.terms.iter().map(|t| t.id)).collect::<HashSet<_>>();
    let changed_definitions = match since_at {
        Some(at) => {
            definition::Entity::find()
                .filter(definition::Column::TermId.is_in(live_terms.iter().copied()))
                .filter(definition::Column::UpdatedAt.gt(at))
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    let ids: Vec<Uuid> = indicators(&live).map(|i| i.id).collect();
    let mut due = delivery::Entity::find().filter(delivery::Column::IndicatorId.is_in(ids));
    if let Some(at) = since_at {
        due = due.filter(delivery::Column::DueAt.gt(at));
    }
    let deliveries = due.filter(delivery::Column::DueAt.lte(now)).all(db).await?;
    Ok(Changes { items: compare(base.as_ref(), &live, &changed_definitions, &deliveries, now), since })
}

fn indicators(r: &Report) -> impl Iterator<Item = &service::ReportIndicator> {
    goals(r).flat_map(|g| &g.indicators)
}

fn goals(r: &Report) -> impl Iterator<Item = &service::ReportGoal> {
    r.fields.iter().flat_map(|f| &f.goals)
}

/// The comparison itself, free of the database so that its cases are unit-tested.
pub fn compare(
    base: Option<&Report>,
    live: &Report,
    changed_definitions: &[definition::Model],
    deliveries: &[delivery::Model],
    now: DateTime<Utc>,
) -> Vec<Change> {
    let live_by_id: BTreeMap<Uuid, &service::ReportIndicator> = indicators(live).map(|i| (i.id, i)).collect();
    let mut items = Vec::new();
    let mut base_deliveries = HashSet::new();
    if let Some(base) = base {
        let base_by_id: BTreeMap<Uuid, &service::ReportIndicator> = indicators(base).map(|i| (i.id, i)).collect();
        base_deliveries = indicators(base).flat_map(|i| i.series.iter().map(|v| v.delivery_id)).collect();
        for (id, i) in &live_by_id {
            if !base_by_id.contains_key(id) {
                items.push(Change {
                    indicator_id: Some(*id),
                    ..change(ChangeKind::IndicatorAdded, format!("Indikator {} „{}“ ist hinzugekommen", i.code, i.name))
                });
            }
        }
        for (id, i) in &base_by_id {
            if !live_by_id.contains_key(id) {
                items.push(Change {
                    indicator_id: Some(*id),
                    ..change(ChangeKind::IndicatorDropped, format!("Indikator {} „{}“ ist entfallen", i.code, i.name))
                });
            }
        }
        let base_status: HashMap<Uuid, GoalStatus> = goals(base).map(|g| (g.id, g.status)).collect();
        for g in goals(live) {
            let Some(&before) = base_status.get(&g.id) else { continue };
            if before != g.status {
                // The status names are German in the client (labels), the sentence names the goal.
                items.push(Change {
                    goal_id: Some(g.id),
                    previous_status: Some(before),
                    status: Some(g.status),
                    ..change(ChangeKind::GoalStatusChanged, format!("Stand des Ziels „{}“ hat sich geändert", g.title))
                });
            }
        }
        for i in indicators(live) {
            for v in i.series.iter().filter(|v| !base_deliveries.contains(&v.delivery_id)) {
                items.push(Change {
                    indicator_id: Some(i.id),
                    delivery_id: Some(v.delivery_id),
                    ..change(
                        ChangeKind::ValueAdded,
                        format!("Neuer Wert für {} ({}): {} {}", i.code, v.period, v.value, i.unit)
                            .trim_end()
                            .to_string(),
                    )
                });
            }
        }
        let base_terms: HashMap<Uuid, bool> =
            indicators(base).flat_map(|i| i.terms.iter().map(|t| (t.id, t.agreed))).collect();
        let mut seen = HashSet::new();
        for t in indicators(live).flat_map(|i| &i.terms) {
            if !seen.insert(t.id) {
                continue;
            }
            let message = match base_terms.get(&t.id) {
                Some(false) if t.agreed => format!("Begriff „{}“ ist jetzt vereinbart", t.label),
                Some(true) if !t.agreed => format!("Begriff „{}“ ist nicht mehr vereinbart", t.label),
                None => format!("Begriff „{}“ wird neu verwendet", t.label),
                _ => continue,
            };
            items.push(Change { term_id: Some(t.id), ..change(ChangeKind::TermChanged, message) });
        }
        let labels: HashMap<Uuid, &str> =
            indicators(live).flat_map(|i| &i.terms).map(|t| (t.id, t.label.as_str())).collect();
        for d in changed_definitions {
            let label = labels.get(&d.term_id).copied().unwrap_or("?");
            let message = if d.version <= 1 {
                format!("Neue Definition für „{label}“ vorgeschlagen")
            } else {
                format!("Definition von „{label}“ geändert (jetzt Version {})", d.version)
            };
            items.push(Change {
                term_id: Some(d.term_id),
                definition_id: Some(d.id),
                ..change(ChangeKind::DefinitionChanged, message)
            });
        }
    }
    for i in indicators(live) {
        for v in i.series.iter().filter(|v| v.break_before && !base_deliveries.contains(&v.delivery_id)) {
            items.push(Change {
                indicator_id: Some(i.id),
                delivery_id: Some(v.delivery_id),
                definition_id: v.definition_id,
                ..change(
                    ChangeKind::SeriesBreak,
                    format!("Reihenbruch bei {} ab {}: Die Werte folgen einer anderen Definition", i.code, v.period),
                )
            });
        }
    }
    let mut late = Vec::new();
    for d in deliveries {
        let Some(i) = live_by_id.get(&d.indicator_id) else { continue };
        let (kind, message) = if d.status.is_open() && d.effective_due() < now {
            (
                ChangeKind::DeliveryMissing,
                format!("Lieferung {} für {} fehlt (fällig am {})", d.period, i.code, german_date(d.due_at)),
            )
        } else if d.status != DeliveryStatus::Requested && d.on_time == Some(false) {
            (
                ChangeKind::DeliveryLate,
                format!("Lieferung {} für {} kam verspätet (fällig am {})", d.period, i.code, german_date(d.due_at)),
            )
        } else {
            continue;
        };
        late.push((d.due_at, Change { indicator_id: Some(i.id), delivery_id: Some(d.id), ..change(kind, message) }));
    }
    late.sort_by_key(|(due, _)| *due);
    items.extend(late.into_iter().map(|(_, c)| c));
    items.sort_by_key(|c| c.kind);
    items
}
