//! The in-app notification centre: the outbox rows addressed to a person, read where they were
//! mailed from, so that the app and the mail never tell two stories.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use uuid::Uuid;

use super::super::entities::{NotificationKind, NotificationStatus, notification};
use crate::{
    accounts::policy::Actor,
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    pagination::Cursor,
    state::AppState,
};

/// Which outbox rows a person sees in the app: their own, once due (a reminder queued for next
/// week is not news yet), not cancelled (they already acted), and not the digest mail, whose
/// items are rows of their own.
pub fn shown_to(user_id: Uuid, now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(notification::Column::RecipientId.eq(user_id))
        .add(notification::Column::DueAt.lte(now))
        .add(notification::Column::Status.ne(NotificationStatus::Cancelled))
        .add(notification::Column::Kind.ne(NotificationKind::Digest))
}

/// A page of the person's notifications, newest first by the time they became due.
pub async fn inbox<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
    unread_only: bool,
    first: u64,
    after: Option<Cursor>,
) -> Result<(Vec<notification::Model>, bool)> {
    let mut query = notification::Entity::find().filter(shown_to(user_id, now));
    if unread_only {
        query = query.filter(notification::Column::ReadAt.is_null());
    }
    if let Some(c) = after {
        query =
            query.filter(Condition::any().add(notification::Column::DueAt.lt(c.at)).add(
                Condition::all().add(notification::Column::DueAt.eq(c.at)).add(notification::Column::Id.lt(c.id)),
            ));
    }
    let mut rows = query
        .order_by_desc(notification::Column::DueAt)
        .order_by_desc(notification::Column::Id)
        .limit(first + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, more))
}

/// How many of the person's notifications are unread: the number beside the bell.
pub async fn unread_count<C: ConnectionTrait>(db: &C, user_id: Uuid, now: DateTime<Utc>) -> Result<u64> {
    Ok(notification::Entity::find()
        .filter(shown_to(user_id, now))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks one of the person's notifications read; someone else's is NOT_FOUND, as if absent.
pub async fn mark_read(state: &AppState, actor: &Actor, id: Uuid) -> Result<notification::Model> {
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let row = notification::Entity::find_by_id(id)
        .filter(shown_to(actor.user_id, now))
        .one(&txn)
        .await?
        .ok_or(Error::NotFound("notification"))?;
    if row.read_at.is_some() {
        return Ok(row);
    }
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "notifications.read",
            entity_type: "notification",
            entity_id: Some(id),
            summary: format!("Benachrichtigung gelesen: {}", row.subject),
        },
    );
    txn.commit().await?;
    Ok(notification::Model { read_at: Some(now), ..row })
}

/// Marks every notification the person sees now as read, and answers how many were unread.
pub async fn mark_all_read(state: &AppState, actor: &Actor) -> Result<u64> {
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let res = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(shown_to(actor.user_id, now))
        .filter(notification::Column::ReadAt.is_null())
        .exec(&txn)
        .await?;
    if res.rows_affected > 0 {
        txn.audit(
            Some(actor.user_id),
            AuditEntry {
                action: "notifications.read_all",
                entity_type: "user",
                entity_id: Some(actor.user_id),
                summary: format!(
                    "{} als gelesen markiert",
                    crate::german::count(res.rows_affected as usize, "Benachrichtigung", "Benachrichtigungen")
                ),
            },
        );
    }
    txn.commit().await?;
    Ok(res.rows_affected)
}
