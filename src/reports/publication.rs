//! What the city publishes for reading without login: adopted editions with the public status of
//! their indicators, the agreed glossary (pages and SKOS export), and frozen reports.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::{
    entities::{
        frozen_report,
        publication::{self, PublicationKind},
    },
    service::{self, Report},
};
use crate::{
    accounts::policy::{Actor, Permission},
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    glossary::{entities::glossary, exchange::TermSnap},
    indicators::entities::delivery,
    leitbild::entities::{LeitbildStatus, leitbild},
    state::AppState,
};

/// Publishes (or withdraws) one edition, the glossary or one frozen report. Idempotent.
pub async fn set_published(
    state: &AppState,
    actor: &Actor,
    kind: PublicationKind,
    target_id: Uuid,
    published: bool,
) -> Result<bool> {
    actor.require(Permission::PublishReports)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let what = match kind {
        PublicationKind::Leitbild => {
            let lb = leitbild::Entity::find_by_id(target_id).one(&txn).await?.ok_or(Error::NotFound("leitbild"))?;
            if published && lb.status == LeitbildStatus::Draft {
                return Err(Error::validation("targetId", "only an adopted edition can be published"));
            }
            format!("Leitbild „{}“", lb.title)
        }
        PublicationKind::Glossary => {
            let g = glossary::Entity::find_by_id(target_id).one(&txn).await?.ok_or(Error::NotFound("glossary"))?;
            g.title
        }
        PublicationKind::Report => {
            let r = frozen_report::Entity::find_by_id(target_id).one(&txn).await?.ok_or(Error::NotFound("report"))?;
            format!("Bericht Nr. {} „{}“", r.number, r.title)
        }
    };
    let current = publication::Entity::find_by_id(target_id).one(&txn).await?;
    if current.is_some() == published {
        return Ok(published);
    }
    if published {
        publication::Entity::insert(publication::ActiveModel {
            target_id: Set(target_id),
            kind: Set(kind),
            published_by: Set(Some(actor.user_id)),
            published_at: Set(now),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(&txn)
        .await?;
    } else {
        publication::Entity::delete_by_id(target_id).exec(&txn).await?;
    }
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: if published { "publication.publish" } else { "publication.withdraw" },
            entity_type: "publication",
            entity_id: Some(target_id),
            summary: format!("{what} {}", if published { "veröffentlicht" } else { "nicht mehr öffentlich" }),
        },
    );
    txn.commit().await?;
    Ok(published)
}

pub async fn is_published<C: ConnectionTrait>(db: &C, kind: PublicationKind, target_id: Uuid) -> Result<bool> {
    Ok(publication::Entity::find_by_id(target_id).one(db).await?.is_some_and(|p| p.kind == kind))
}

/// The publication rows of a set of targets, for "published since" badges in lists.
pub async fn of<C: ConnectionTrait>(db: &C, ids: Vec<Uuid>) -> Result<HashMap<Uuid, publication::Model>> {
    Ok(publication::Entity::find()
        .filter(publication::Column::TargetId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.target_id, p))
        .collect())
}

/// What the public start page lists.
pub struct Overview {
    pub editions: Vec<leitbild::Model>,
    pub glossary: Option<glossary::Model>,
    pub reports: Vec<frozen_report::Model>,
}

pub async fn overview<C: ConnectionTrait>(db: &C) -> Result<Overview> {
    let rows = publication::Entity::find().order_by_desc(publication::Column::PublishedAt).all(db).await?;
    let ids =
        |kind: PublicationKind| -> Vec<Uuid> { rows.iter().filter(|p| p.kind == kind).map(|p| p.target_id).collect() };
    let mut editions =
        leitbild::Entity::find().filter(leitbild::Column::Id.is_in(ids(PublicationKind::Leitbild))).all(db).await?;
    editions.sort_by_key(|e| std::cmp::Reverse(e.year));
    let glossary = match ids(PublicationKind::Glossary).first() {
        Some(id) => glossary::Entity::find_by_id(*id).one(db).await?,
        None => None,
    };
    let reports = frozen_report::Entity::find()
        .filter(frozen_report::Column::Id.is_in(ids(PublicationKind::Report)))
        .order_by_desc(frozen_report::Column::Number)
        .all(db)
        .await?;
    Ok(Overview { editions, glossary, reports })
}

/// The public status of an indicator: when data came last, and when the next are expected.
#[derive(Debug, Clone)]
pub struct IndicatorStatus {
    pub last_period: Option<String>,
    pub last_accepted_at: Option<DateTime<Utc>>,
    pub next_expected_at: Option<DateTime<Utc>>,
}

/// A published edition: its report over all periods (without people's names and without the
/// internal gap list) plus the public status of each indicator.
pub async fn edition<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    id: Uuid,
) -> Result<(Report, HashMap<Uuid, IndicatorStatus>)> {
    if !is_published(db, PublicationKind::Leitbild, id).await? {
        return Err(Error::NotFound("published edition"));
    }
    let report = super::frozen::without_people(service::build(db, now, id, None, None).await?);
    let mut report = super::suppression::public(db, report).await?;
    report.gaps.clear();
    let indicator_ids: HashSet<Uuid> =
        report.fields.iter().flat_map(|f| &f.goals).flat_map(|g| &g.indicators).map(|i| i.id).collect();
    let open = delivery::Entity::find()
        .filter(delivery::Column::IndicatorId.is_in(indicator_ids.iter().copied()))
        .filter(delivery::Column::Status.is_in([
            crate::indicators::entities::DeliveryStatus::Requested,
            crate::indicators::entities::DeliveryStatus::Returned,
        ]))
        .all(db)
        .await?;
    let mut next: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    for d in &open {
        let at = d.effective_due();
        next.entry(d.indicator_id).and_modify(|t| *t = (*t).min(at)).or_insert(at);
    }
    let mut statuses = HashMap::new();
    for i in report.fields.iter().flat_map(|f| &f.goals).flat_map(|g| &g.indicators) {
        let last = i.series.last();
        statuses.insert(
            i.id,
            IndicatorStatus {
                last_period: last.map(|v| v.period.clone()),
                last_accepted_at: last.and_then(|v| v.accepted_at),
                next_expected_at: next.get(&i.id).copied(),
            },
        );
    }
    Ok((report, statuses))
}

/// A published frozen report, as the public reads it.
pub async fn report<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<(frozen_report::Model, Report)> {
    if !is_published(db, PublicationKind::Report, id).await? {
        return Err(Error::NotFound("published report"));
    }
    let model = super::frozen::get(db, id).await?;
    let doc = super::frozen::without_people(super::frozen::document(&model)?);
    Ok((model, super::suppression::public(db, doc).await?))
}

/// The agreed part of the glossary, when it is published: agreed terms with only their agreed
/// definition, and relations only between agreed terms.
pub async fn glossary_terms<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<Option<Vec<TermSnap>>> {
    let g = crate::glossary::service::glossary(db, now).await?;
    if !is_published(db, PublicationKind::Glossary, g.id).await? {
        return Ok(None);
    }
    Ok(Some(agreed_only(crate::glossary::exchange::snapshot(db).await?)))
}

pub fn agreed_only(snapshot: Vec<TermSnap>) -> Vec<TermSnap> {
    use crate::glossary::entities::{DefinitionStatus, TermStatus};
    let agreed: HashSet<Uuid> = snapshot.iter().filter(|t| t.status == TermStatus::Agreed).map(|t| t.id).collect();
    snapshot
        .into_iter()
        .filter(|t| agreed.contains(&t.id))
        .map(|mut t| {
            // The definition in force, with its agreed text even while a change to it is under review.
            t.definitions.retain(|d| Some(d.id) == t.agreed_definition);
            let agreed_text = t.agreed_text.take();
            for d in &mut t.definitions {
                if let Some(text) = &agreed_text {
                    d.text = text.clone();
                }
                d.status = DefinitionStatus::Agreed;
            }
            for list in [&mut t.broader, &mut t.narrower, &mut t.related] {
                list.retain(|id| agreed.contains(id));
            }
            t.replaced_by = None;
            t
        })
        .collect()
}
