//! The rules of Leitbild editions: creating (as a copy of the adopted one), editing the draft,
//! goal text versions with optimistic locking, and adoption.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::diff::{DiffSegment, word_diff};

use super::entities::{LeitbildStatus, field_of_action, goal, goal_version, leitbild, monitoring_scope};
use crate::{
    accounts::policy::{Actor, Permission},
    audit::{self, AuditEntry},
    change::Change,
    error::{Error, Result},
    state::AppState,
    text::{LONG_TEXT, TITLE},
};

mod editions;
mod fields;
mod goals;
mod scope;

pub use editions::*;
pub use fields::*;
pub use goals::*;
pub use scope::*;

pub struct NewLeitbild {
    pub title: String,
    pub year: i32,
    pub based_on_id: Option<Uuid>,
}

// ---- reading ----------------------------------------------------------------------------

/// Every edition, newest year first; any logged-in person reads them.
pub async fn leitbilder<C: ConnectionTrait>(db: &C) -> Result<Vec<leitbild::Model>> {
    Ok(leitbild::Entity::find()
        .order_by_desc(leitbild::Column::Year)
        .order_by_desc(leitbild::Column::CreatedAt)
        .all(db)
        .await?)
}

pub async fn leitbild_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<leitbild::Model> {
    leitbild::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("leitbild"))
}

pub async fn field_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<field_of_action::Model> {
    field_of_action::Entity::find_by_id(id)
        .filter(field_of_action::Column::RemovedAt.is_null())
        .one(db)
        .await?
        .ok_or(Error::NotFound("field of action"))
}

pub async fn goal_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<goal::Model> {
    goal::Entity::find_by_id(id).filter(goal::Column::RemovedAt.is_null()).one(db).await?.ok_or(Error::NotFound("goal"))
}

/// The edition a goal belongs to, via its field of action.
pub async fn leitbild_of_goal<C: ConnectionTrait>(db: &C, g: &goal::Model) -> Result<leitbild::Model> {
    let f = field_of_action::Entity::find_by_id(g.field_of_action_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("field of action"))?;
    leitbild_by_id(db, f.leitbild_id).await
}

pub async fn goal_versions<C: ConnectionTrait>(db: &C, goal_id: Uuid) -> Result<Vec<goal_version::Model>> {
    Ok(goal_version::Entity::find()
        .filter(goal_version::Column::GoalId.eq(goal_id))
        .order_by_asc(goal_version::Column::Version)
        .all(db)
        .await?)
}

/// The text of a goal version as one string: the title, a blank line, the description.
pub fn goal_text(title: &str, description: &str) -> String {
    if description.is_empty() { title.to_string() } else { format!("{title}\n\n{description}") }
}

/// The word-level difference from version `from` to version `to` of a goal.
pub async fn goal_diff<C: ConnectionTrait>(db: &C, goal_id: Uuid, from: i32, to: i32) -> Result<Vec<DiffSegment>> {
    let versions = goal_version::Entity::find()
        .filter(goal_version::Column::GoalId.eq(goal_id))
        .filter(goal_version::Column::Version.is_in([from, to]))
        .all(db)
        .await?;
    let find = |v: i32, field: &str| {
        versions
            .iter()
            .find(|m| m.version == v)
            .ok_or_else(|| Error::validation(field, format!("the goal has no version {v}")))
    };
    let (a, b) = (find(from, "fromVersion")?, find(to, "toVersion")?);
    Ok(word_diff(&goal_text(&a.title, &a.description), &goal_text(&b.title, &b.description)))
}
