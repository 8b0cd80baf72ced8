//! The rules of the monitoring: indicators, ownership, reviews, deliveries, series and rates.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
    sea_query::{Expr, OnConflict, Order},
};
use uuid::Uuid;

use super::{
    entities::{
        DeliveryStatus, Periodicity, SourceKind, TargetDirection, delivery, indicator, indicator_goal, indicator_term,
        ownership, review,
    },
    reminders,
    timing::{self, Period},
};
use crate::{
    accounts::{
        entities::{membership, organization, user},
        policy::{Actor, Permission},
    },
    audit::AuditEntry,
    error::{Error, Result},
    notifications::{self, NewNotification, entities::NotificationKind},
    state::AppState,
    text::{Line, Lines},
};

pub use crate::indicators::delivery_rules::{BreakdownEntry, Confirmation, Confirmer, check_value, may_act_for, stale};

mod catalogue;
mod deliveries;

pub use catalogue::*;
pub use deliveries::*;

/// Most rows a plain list answers; a city has a few hundred indicators.
pub const MAX_LIST: u64 = 500;

pub struct NewIndicator {
    pub code: String,
    pub name: String,
    pub goal_ids: Vec<Uuid>,
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
    pub review_interval_months: i32,
}

// ---- validation -------------------------------------------------------------------------

fn clean_code(raw: &str) -> Result<String> {
    let code = raw.trim().to_string();
    let ok = !code.is_empty()
        && code.len() <= 40
        && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok { Ok(code) } else { Err(Error::validation("code", "1–40 letters, digits, '.', '-' or '_'")) }
}

/// A responsible person or deputy: active and a member of the owning organisation, since only
/// members may confirm what the reminders ask of them.
async fn active_member<C: ConnectionTrait>(db: &C, field: &str, id: Option<Uuid>, owner_id: Uuid) -> Result<()> {
    let Some(id) = id else { return Ok(()) };
    match user::Entity::find_by_id(id).one(db).await? {
        Some(u) if u.active => {}
        _ => return Err(Error::validation(field, "no such active person")),
    }
    let member = membership::Entity::find()
        .filter(membership::Column::UserId.eq(id))
        .filter(membership::Column::OrganizationId.eq(owner_id))
        .one(db)
        .await?
        .is_some();
    if !member {
        return Err(Error::validation(field, "must be a member of the owning organisation"));
    }
    Ok(())
}

async fn org_exists<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<organization::Model> {
    organization::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::validation("ownerId", "no such organisation"))
}

fn dedup(ids: &[Uuid]) -> Vec<Uuid> {
    let mut seen = HashSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

// ---- mails ------------------------------------------------------------------------------

fn link(state: &AppState, place: crate::notifications::links::Place) -> String {
    crate::notifications::links::url(&state.config.public_url, &place.path())
}

async fn owner_assigned_mails<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    ind: &indicator::Model,
    now: DateTime<Utc>,
) -> Result<Vec<NewNotification>> {
    let org = organization::Entity::find_by_id(ind.owner_id).one(db).await?.map(|o| o.name).unwrap_or_default();
    let url = link(state, crate::notifications::links::Place::Indicator(ind.id));
    let mut out = Vec::new();
    for (who, role) in [(ind.responsible_user_id, "verantwortlich"), (ind.deputy_user_id, "Stellvertretung")] {
        let Some(user_id) = who else { continue };
        let text = crate::notifications::mailer::compose(
            "Guten Tag,",
            &[
                format!("Sie sind nun {role} für den Indikator „{}“ ({}).", ind.name, ind.code),
                format!(
                    "Datenhaltende Stelle: {org}. Nächste Überprüfung: {}.",
                    timing::german_date(ind.next_review_at)
                ),
            ],
            "Zum Indikator",
            &url,
        );
        out.push(NewNotification {
            recipient_id: user_id,
            kind: NotificationKind::OwnerAssigned,
            dedupe_key: format!("owner:{}:v{}:{user_id}", ind.id, ind.version),
            due_at: now,
            subject: format!("Indikator „{}“ übernommen", ind.name),
            body_text: text,
            body_html: None,
            link: Some(url.clone()),
            cc: vec![],
        });
    }
    Ok(out)
}
