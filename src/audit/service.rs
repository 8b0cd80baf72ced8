//! Writing and reading audit events.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
    sea_query::InsertStatement,
};
use uuid::Uuid;

use super::entity::{self, Column, Entity};
use crate::{error::Result, pagination::Cursor};

/// One change worth recording. Summaries carry no personal data, so erasure leaves them intact.
pub struct AuditEntry<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<Uuid>,
    pub summary: String,
}

/// Records `entry` on `db`, which callers pass as their open transaction.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    actor: Option<Uuid>,
    entry: AuditEntry<'_>,
) -> Result<()> {
    db.execute(&insert_statement(now, actor, entry)).await?;
    Ok(())
}

/// The INSERT that records `entry`, for a caller that adds to it (a change's commit lets its
/// last audit row return the `pg_notify` of its live events).
pub fn insert_statement(now: DateTime<Utc>, actor: Option<Uuid>, entry: AuditEntry<'_>) -> InsertStatement {
    Entity::insert(entity::ActiveModel {
        id: Set(Uuid::now_v7()),
        actor_id: Set(actor),
        action: Set(entry.action.to_string()),
        entity_type: Set(entry.entity_type.to_string()),
        entity_id: Set(entry.entity_id),
        summary: Set(entry.summary),
        created_at: Set(now),
    })
    .into_query()
}

/// Records one event per `(entity id, summary)` in one statement per chunk: for batch work of
/// the scheduler, which changes many rows of one kind at once.
pub async fn record_many<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    actor: Option<Uuid>,
    action: &str,
    entity_type: &str,
    entries: Vec<(Uuid, String)>,
) -> Result<()> {
    let mut rows: Vec<entity::ActiveModel> = entries
        .into_iter()
        .map(|(id, summary)| entity::ActiveModel {
            id: Set(Uuid::now_v7()),
            actor_id: Set(actor),
            action: Set(action.to_string()),
            entity_type: Set(entity_type.to_string()),
            entity_id: Set(Some(id)),
            summary: Set(summary),
            created_at: Set(now),
        })
        .collect();
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(500));
        Entity::insert_many(rows).exec_without_returning(db).await?;
        rows = rest;
    }
    Ok(())
}

/// A page of events, newest first, optionally for one entity; the flag says whether more follow.
/// The audit area sits below accounts (every area records into it), so the reader's permission
/// is checked by the caller.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    entity_id: Option<Uuid>,
    first: u64,
    after: Option<Cursor>,
) -> Result<(Vec<entity::Model>, bool)> {
    let mut query = Entity::find();
    if let Some(id) = entity_id {
        query = query.filter(Column::EntityId.eq(id));
    }
    if let Some(c) = after {
        query = query.filter(
            Condition::any()
                .add(Column::CreatedAt.lt(c.at))
                .add(Condition::all().add(Column::CreatedAt.eq(c.at)).add(Column::Id.lt(c.id))),
        );
    }
    let mut rows = query.order_by_desc(Column::CreatedAt).order_by_desc(Column::Id).limit(first + 1).all(db).await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, more))
}

/// Everything a person did, for their personal-data export.
pub async fn by_actor<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<Vec<entity::Model>> {
    Ok(Entity::find().filter(Column::ActorId.eq(user_id)).order_by_asc(Column::CreatedAt).all(db).await?)
}
