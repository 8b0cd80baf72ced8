//! Sending claimed notifications: re-check, send with a timeout, settle.

use super::*;
use crate::notifications::links::{self, Place};

/// What one send step did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SendReport {
    pub sent: u64,
    pub retried: u64,
    pub failed: u64,
    pub cancelled: u64,
}

/// Whether each queued reminder is still owed right before it goes out. The outbox knows no
/// area's keys: the caller passes the areas' answer (static dispatch, so no area is imported
/// here). Keys an area does not recognise are owed; areas whose reminders end by an event
/// cancel them with [`cancel_pending`] instead.
pub trait OwedCheck: Sync {
    fn still_owed_many<C: ConnectionTrait>(
        &self,
        db: &C,
        keys: &[&str],
    ) -> impl std::future::Future<Output = Result<HashMap<String, bool>>> + Send;
}

/// Sends every due notification: claim, re-check, send (bounded by a timeout), settle.
pub async fn send_due(state: &AppState, now: DateTime<Utc>, owed_check: &impl OwedCheck) -> Result<SendReport> {
    let mut report = SendReport::default();
    let mut mailer: Option<Mailer> = None;
    // The link key of the unsubscribe URLs, read once a pass like the mailer is built once.
    let mut key: Option<Vec<u8>> = None;
    for _ in 0..MAX_BATCHES_PER_PASS {
        let batch = claim_due(state, now, BATCH).await?;
        if batch.is_empty() {
            break;
        }
        let mailer = match &mailer {
            Some(m) => m,
            None => mailer.insert(Mailer::from_config(&state.config)?),
        };
        let mut ids: Vec<Uuid> = batch.iter().map(|n| n.recipient_id).collect();
        for n in &batch {
            ids.extend(cc_of(n));
        }
        let keys: Vec<&str> = batch.iter().map(|n| n.dedupe_key.as_str()).collect();
        let owed = owed_check.still_owed_many(&state.db, &keys).await?;
        let key = match &key {
            Some(k) => k,
            None => key.insert(crate::notifications::signing::secret(&state.db, state).await?),
        };
        let people: HashMap<Uuid, user::Model> = user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        // A few mails at once: with SMTP each waits mostly for the server. Each is settled
        // as soon as it is out, so that a crash repeats at most the mails in flight.
        let (owed, people, key) = (&owed, &people, key.as_slice());
        let token = batch.first().and_then(|n| n.lease_token);
        let sending = futures_util::stream::iter(batch)
            .map(|n| async move {
                let outcome = if owed.get(&n.dedupe_key).copied().unwrap_or(true) {
                    deliver(state, mailer, people, key, &n).await
                } else {
                    Outcome::Cancelled("no longer owed".into())
                };
                if let Outcome::Retry(why) | Outcome::Failed(why) = &outcome {
                    tracing::warn!(notification = %n.id, attempts = n.attempts, error = %why, "notification not sent");
                }
                let outcome = match outcome {
                    Outcome::Retry(why) if n.attempts >= MAX_ATTEMPTS => Outcome::Failed(why),
                    other => other,
                };
                settle(state, &n, &outcome, now).await.map(|()| outcome)
            })
            .buffer_unordered(SENDING_AT_ONCE)
            .collect::<Vec<Result<Outcome>>>();
        // The lease is renewed while the batch is sent; renewing never ends, sending does.
        let results = tokio::select! {
            results = sending => results,
            () = keep_renewing(state, token) => Vec::new(),
        };
        let outcomes: Vec<Outcome> = results
            // Every mail in flight is settled before an error ends the pass: a mail that went
            // out must not wait for its lease to expire and go out again.
            .into_iter()
            .collect::<Result<_>>()?;
        for outcome in outcomes {
            match outcome {
                Outcome::Sent => report.sent += 1,
                Outcome::Retry(_) => report.retried += 1,
                Outcome::Failed(_) => report.failed += 1,
                Outcome::Cancelled(_) => report.cancelled += 1,
            }
        }
    }
    Ok(report)
}

pub(super) fn cc_of(n: &notification::Model) -> Vec<Uuid> {
    serde_json::from_str(&n.cc).unwrap_or_default()
}

pub(super) fn reachable(u: Option<&user::Model>) -> Option<&user::Model> {
    u.filter(|u| u.active && u.erased_at.is_none())
}

pub(super) async fn deliver(
    state: &AppState,
    mailer: &Mailer,
    people: &HashMap<Uuid, user::Model>,
    key: &[u8],
    n: &notification::Model,
) -> Outcome {
    let Some(to) = reachable(people.get(&n.recipient_id)) else {
        return Outcome::Cancelled("recipient inactive".into());
    };
    let cc: Vec<(String, String)> = cc_of(n)
        .iter()
        .filter_map(|id| reachable(people.get(id)))
        .filter(|u| u.id != to.id)
        .map(|u| (u.name.clone(), u.email.clone()))
        .collect();
    let mail = Outgoing {
        file_stem: n.id.simple().to_string(),
        message_id: n.message_id.clone(),
        from: state.config.mail_from.clone(),
        to: (to.name.clone(), to.email.clone()),
        cc,
        subject: n.subject.clone(),
        text: n.body_text.clone(),
        html: Some(
            n.body_html
                .clone()
                .unwrap_or_else(|| crate::notifications::mailer::html_of(&n.body_text, n.link.as_deref())),
        ),
        unsubscribe_url: follows_mail_mode(n.kind).then(|| {
            let place = Place::Unsubscribe(crate::notifications::unsubscribe::token(key, to.id));
            links::url(&state.config.public_url, &place.path())
        }),
    };
    match mailer.send(mail, state.config.smtp_timeout).await {
        Ok(()) => Outcome::Sent,
        Err(SendError::Permanent(why)) => Outcome::Failed(why),
        Err(SendError::Transient(why)) => Outcome::Retry(why),
    }
}

/// Sets the outbox gauges of `/metrics` from the database.
pub async fn refresh_metrics(state: &AppState, now: DateTime<Utc>) -> Result<()> {
    let pending = notification::Entity::find()
        .filter(notification::Column::Status.is_in([NotificationStatus::Pending, NotificationStatus::Sending]))
        .count(&state.db)
        .await?;
    let failed = notification::Entity::find()
        .filter(notification::Column::Status.eq(NotificationStatus::Failed))
        .count(&state.db)
        .await?;
    let oldest: Option<DateTime<Utc>> = notification::Entity::find()
        .select_only()
        .column(notification::Column::DueAt)
        .filter(notification::Column::Status.is_in([NotificationStatus::Pending, NotificationStatus::Sending]))
        .filter(notification::Column::DueAt.lte(now))
        .order_by_asc(notification::Column::DueAt)
        .into_tuple()
        .one(&state.db)
        .await?;
    state.metrics.outbox_pending.set(pending as i64);
    state.metrics.outbox_failed.set(failed as i64);
    state.metrics.outbox_oldest_pending_age.set(oldest.map(|t| (now - t).num_seconds().max(0)).unwrap_or(0));
    Ok(())
}
