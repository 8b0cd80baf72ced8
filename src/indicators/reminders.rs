//! Reminders of the monitoring: their dedupe keys, and whether a queued one is still owed.

use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::{entities::delivery, entities::indicator, timing};
use crate::error::Result;

/// Prefix of every reminder about one delivery; confirming it cancels them all.
pub fn delivery_prefix(delivery_id: Uuid) -> String {
    format!("delivery:{delivery_id}:")
}

/// `delivery:<id>:e<epoch>:<stage>:<recipient>`: the epoch restarts the schedule after a new
/// expected date or a return, without clashing with the reminders of the first round.
pub fn delivery_key(delivery_id: Uuid, epoch: i32, stage: timing::Stage, recipient: Uuid) -> String {
    format!("{}e{epoch}:{}:{recipient}", delivery_prefix(delivery_id), stage.key())
}

pub fn review_prefix(indicator_id: Uuid) -> String {
    format!("review:{indicator_id}:")
}

/// `review:<indicator>:<next review date>:<recipient>`.
pub fn review_key(indicator_id: Uuid, next_review: chrono::DateTime<chrono::Utc>, recipient: Uuid) -> String {
    format!("{}{}:{recipient}", review_prefix(indicator_id), timing::local_date(next_review))
}

/// Whether the reminder with `dedupe_key` is still owed right before it is sent: the delivery
/// is still open in the same round, the review still due on the same date.
pub async fn still_owed<C: ConnectionTrait>(db: &C, dedupe_key: &str) -> Result<bool> {
    let mut parts = dedupe_key.split(':');
    match (parts.next(), parts.next().and_then(|id| id.parse::<Uuid>().ok()), parts.next()) {
        (Some("delivery"), Some(id), Some(epoch)) => {
            let Some(d) = delivery::Entity::find_by_id(id).one(db).await? else { return Ok(false) };
            Ok(d.status.is_open() && epoch.strip_prefix('e').and_then(|e| e.parse().ok()) == Some(d.reminder_epoch))
        }
        (Some("review"), Some(id), Some(date)) => {
            let Some(i) = indicator::Entity::find_by_id(id).one(db).await? else { return Ok(false) };
            Ok(timing::local_date(i.next_review_at).to_string() == date)
        }
        _ => Ok(true),
    }
}
