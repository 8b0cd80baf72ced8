//! "Erneut erinnern": a coordinator sends an open delivery's reminder again, now, outside the
//! schedule; at most once a day per delivery and person, so that a second click sends nothing.

use sea_orm::EntityTrait;
use uuid::Uuid;

use super::{
    entities::{delivery, indicator},
    links,
    reminders::{Context, delivery_reminders},
    timing,
};
use crate::{
    accounts::policy::{Actor, Permission},
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    notifications,
    state::AppState,
};

/// The dedupe key of a manual reminder: the scheduled one's key (so that confirming the delivery
/// cancels it like the others) and the day it was asked for.
pub fn again_key(scheduled_key: &str, day: chrono::NaiveDate) -> String {
    format!("{scheduled_key}:again:{day}")
}

/// Queues the delivery's current reminder again, due now; answers how many mails were new
/// (0 when it was already sent today).
pub async fn remind_again(state: &AppState, actor: &Actor, delivery_id: Uuid) -> Result<u64> {
    actor.require(Permission::ManageIndicators)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let d = delivery::Entity::find_by_id(delivery_id).one(&txn).await?.ok_or(Error::NotFound("delivery"))?;
    if !d.status.is_open() {
        return Err(Error::conflict("only an open delivery can be reminded of"));
    }
    let ind = indicator::Entity::find_by_id(d.indicator_id).one(&txn).await?.ok_or(Error::NotFound("indicator"))?;
    crate::indicators::computed::refuse_deliveries(&txn, ind.id).await?;
    let secret = links::secret(&txn, state).await?;
    let ctx = Context::load(&txn, std::slice::from_ref(&ind)).await?;
    let (mails, _) = delivery_reminders(state, &ctx, &secret, &ind, &d, now);
    if mails.is_empty() {
        return Err(Error::validation("deliveryId", "no reminder is due for this delivery yet"));
    }
    let day = timing::local_date(now);
    let mails = mails
        .into_iter()
        .map(|m| notifications::NewNotification { dedupe_key: again_key(&m.dedupe_key, day), due_at: now, ..m })
        .collect();
    let sent = notifications::service::enqueue_many(&txn, mails, now).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "delivery.remind",
            entity_type: "delivery",
            entity_id: Some(d.id),
            summary: format!("Erneut an die Datenlieferung {} für {} erinnert", d.period, ind.code),
        },
    );
    txn.commit().await?;
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_reminder_keeps_the_delivery_prefix_and_is_daily() {
        let id = Uuid::nil();
        let key = format!("{}e0:overdue-1:{id}", super::super::reminders::delivery_prefix(id));
        let day = chrono::NaiveDate::from_ymd_opt(2027, 2, 15).unwrap_or_default();
        let again = again_key(&key, day);
        assert!(again.starts_with(&super::super::reminders::delivery_prefix(id)));
        assert_ne!(again, again_key(&key, day.succ_opt().unwrap_or_default()));
        assert_eq!(again, again_key(&key, day));
    }
}
