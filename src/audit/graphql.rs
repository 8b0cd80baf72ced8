//! GraphQL face of the audit log.

use async_graphql::{
    ComplexObject, Context, Object, Result, SimpleObject,
    connection::{Connection, Edge},
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{entity, service};
use crate::{
    accounts::{
        graphql::{User, load_user},
        policy::Permission,
    },
    graphql::{actor, state},
    pagination::{Cursor, page_args},
};

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AuditEvent {
    pub id: Uuid,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    pub summary: String,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    pub actor_id: Option<Uuid>,
}

impl From<entity::Model> for AuditEvent {
    fn from(m: entity::Model) -> Self {
        Self {
            id: m.id,
            action: m.action,
            entity_type: m.entity_type,
            entity_id: m.entity_id,
            summary: m.summary,
            created_at: m.created_at,
            actor_id: m.actor_id,
        }
    }
}

#[ComplexObject]
impl AuditEvent {
    /// Who made the change; absent for changes made by the system (scheduler, CLI).
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match self.actor_id {
            Some(id) => load_user(ctx, id).await,
            None => Ok(None),
        }
    }
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit log, newest first; for admins and coordinators.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        entity_id: Option<Uuid>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, AuditEvent>> {
        actor(ctx)?.require(Permission::ViewAuditLog)?;
        let (first, after) = page_args(first, after.as_deref())?;
        let (rows, more) = service::list(&state(ctx).db, entity_id, first, after).await?;
        let mut conn = Connection::new(after.is_some(), more);
        conn.edges.extend(rows.into_iter().map(|m| {
            let cursor = Cursor { at: m.created_at, id: m.id }.encode();
            Edge::new(cursor, AuditEvent::from(m))
        }));
        Ok(conn)
    }
}
