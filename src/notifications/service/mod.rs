//! The outbox: enqueueing with a dedupe key, cancelling, claiming with a lease, sending, retrying.

use std::collections::HashMap;

use futures_util::StreamExt;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait, UpdateMany,
    sea_query::{Expr, LockBehavior, LockType, OnConflict},
};
use uuid::Uuid;

use super::{
    entities::{MailMode, NotificationKind, NotificationStatus, notification, settings},
    mailer::{Mailer, Outgoing, SendError},
};
use crate::{
    accounts::{
        entities::user,
        policy::{Actor, Permission},
    },
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    pagination::Cursor,
    state::AppState,
};

mod claiming;
mod digests;
mod inbox;
mod mail_mode;
mod sending;

pub use claiming::*;
pub use digests::*;
pub use inbox::*;
pub use mail_mode::*;
pub use sending::*;

/// Attempts before a notification is given up as `FAILED`.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a sender owns a claimed row; after that another sender may take it over. A crashed
/// sender thus delays its claimed mails by at most this long. A live sender renews the lease of
/// the rows it still holds every [`RENEW_EVERY`], so that a batch whose sends take longer (each
/// bounded by `TEILHABE_SMTP_TIMEOUT_SECS`) is not taken over while it is being sent.
pub const LEASE: Duration = Duration::seconds(60);
/// How often a sender renews its lease while a batch is in flight: well within [`LEASE`].
pub const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(20);
/// Rows claimed at once; a pass claims batches until nothing is due.
const BATCH: u64 = 200;
/// A pass drains a backlog of up to 20,000 mails (about 40 s at the relay's 500 per second)
/// instead of leaving most of it to later passes.
const MAX_BATCHES_PER_PASS: usize = 100;
/// Mails of a batch in flight at once, each on its own pooled SMTP connection: a mail waits
/// mostly for the relay's answers, so the relay's throughput needs many at once.
pub const SENDING_AT_ONCE: usize = 32;

/// A mail to be sent once, identified by `dedupe_key` across restarts and replicas.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub recipient_id: Uuid,
    pub kind: NotificationKind,
    pub dedupe_key: String,
    pub due_at: DateTime<Utc>,
    pub subject: String,
    /// Written with [`super::mailer::compose`]; the HTML part is made from it when sent.
    pub body_text: String,
    /// Only where the HTML part is more than the text (the digest's list).
    pub body_html: Option<String>,
    pub link: Option<String>,
    pub cc: Vec<Uuid>,
}

/// The Message-ID of a notification: fixed when it is enqueued and sent with every attempt, so
/// that a resend after an unclear outcome (a timeout after the data) is recognisable.
fn message_id(id: Uuid) -> String {
    format!("<{}@teilhabe>", id.simple())
}

fn row(n: NewNotification, via_digest: bool, now: DateTime<Utc>) -> notification::ActiveModel {
    row_with_id(Uuid::now_v7(), n, via_digest, now)
}

fn row_with_id(id: Uuid, n: NewNotification, via_digest: bool, now: DateTime<Utc>) -> notification::ActiveModel {
    notification::ActiveModel {
        id: Set(id),
        recipient_id: Set(n.recipient_id),
        kind: Set(n.kind),
        dedupe_key: Set(n.dedupe_key),
        status: Set(NotificationStatus::Pending),
        due_at: Set(n.due_at),
        subject: Set(n.subject.chars().take(300).collect()),
        body_text: Set(n.body_text),
        body_html: Set(n.body_html),
        link: Set(n.link),
        cc: Set(serde_json::to_string(&n.cc).unwrap_or_else(|_| "[]".into())),
        attempts: Set(0),
        next_attempt_at: Set(n.due_at),
        message_id: Set(message_id(id)),
        via_digest: Set(via_digest),
        created_at: Set(now),
        // Left out of the INSERT (they start NULL): a backlog of thousands of reminders binds
        // a quarter fewer parameters.
        lease_until: NotSet,
        lease_token: NotSet,
        last_error: NotSet,
        sent_at: NotSet,
        digest_id: NotSet,
        read_at: NotSet,
    }
}

/// Inserts notifications in the caller's transaction, in one statement per chunk, and answers
/// how many were new. An existing `dedupe_key` is no error: that row is left as it is, so
/// enqueueing the same reminder twice is harmless. `now` orders listings; every rule reads
/// `due_at`.
pub async fn enqueue_many<C: ConnectionTrait>(db: &C, list: Vec<NewNotification>, now: DateTime<Utc>) -> Result<u64> {
    if list.is_empty() {
        return Ok(0);
    }
    let recipients: Vec<Uuid> = list.iter().map(|n| n.recipient_id).collect();
    let modes: HashMap<Uuid, MailMode> = settings::Entity::find()
        .filter(settings::Column::UserId.is_in(recipients))
        .filter(Condition::any().add(settings::Column::Digest.eq(true)).add(settings::Column::MailOff.eq(true)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.user_id, s.mail_mode()))
        .collect();
    let mut inserted = 0;
    let mut rows: Vec<notification::ActiveModel> = list
        .into_iter()
        .map(|n| {
            let mode = modes.get(&n.recipient_id).copied().unwrap_or(MailMode::Single);
            let follows_mode = follows_mail_mode(n.kind);
            let mut row = row(n, follows_mode && mode == MailMode::Digest, now);
            if follows_mode && mode == MailMode::Off {
                row.status = Set(NotificationStatus::InAppOnly);
            }
            row
        })
        .collect();
    // 17 columns per row: 1,000 rows stay under SQLite's 32,766 and PostgreSQL's 65,535 bound
    // parameters, and a large backlog needs few round trips.
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(1000));
        inserted += notification::Entity::insert_many(rows)
            .on_conflict(OnConflict::column(notification::Column::DedupeKey).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
        rows = rest;
    }
    Ok(inserted)
}

/// Sign-in mails carry a live token in their text: once `created_before` (their links have
/// expired), the text is blanked and an unsent one cancelled, so the outbox keeps no token.
pub async fn expire_sign_in_mails<C: ConnectionTrait>(db: &C, created_before: DateTime<Utc>) -> Result<u64> {
    let res = notification::Entity::update_many()
        .col_expr(notification::Column::BodyText, Expr::value(""))
        .col_expr(notification::Column::BodyHtml, Expr::value(Option::<String>::None))
        .col_expr(
            notification::Column::Status,
            Expr::case(
                notification::Column::Status.eq(NotificationStatus::Pending),
                Expr::value(NotificationStatus::Cancelled),
            )
            .finally(Expr::col(notification::Column::Status))
            .into(),
        )
        .filter(notification::Column::Kind.eq(NotificationKind::SignInLink))
        .filter(notification::Column::CreatedAt.lte(created_before))
        .filter(notification::Column::BodyText.ne(""))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// The person acted: pending reminders whose dedupe key starts with `dedupe_key_prefix` are
/// cancelled (and leave the notification centre), in the caller's transaction. Rows already
/// being sent are left to finish.
pub async fn cancel_pending<C: ConnectionTrait>(db: &C, dedupe_key_prefix: &str) -> Result<u64> {
    if dedupe_key_prefix.is_empty() {
        return Err(Error::validation("dedupeKeyPrefix", "must not be empty"));
    }
    let res = cancel_unsent().filter(notification::Column::DedupeKey.starts_with(dedupe_key_prefix)).exec(db).await?;
    Ok(res.rows_affected)
}

/// The person acted: the reminders with exactly these dedupe keys that are not sent yet
/// (pending, or kept in the app) are cancelled. Whole keys are found through their unique
/// index; callers add the condition under which the person is done.
pub fn cancel_keys(keys: impl IntoIterator<Item = String>) -> UpdateMany<notification::Entity> {
    cancel_unsent().filter(notification::Column::DedupeKey.is_in(keys))
}

/// Cancels what is not sent yet, of the rows the caller's filters leave.
fn cancel_unsent() -> UpdateMany<notification::Entity> {
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Cancelled))
        .filter(notification::Column::Status.is_in([NotificationStatus::Pending, NotificationStatus::InAppOnly]))
}

// ---- reading ----------------------------------------------------------------------------

/// A page of notifications, newest first: everyone's for those who see the outbox, else one's own.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    first: u64,
    after: Option<Cursor>,
) -> Result<(Vec<notification::Model>, bool)> {
    let mut query = notification::Entity::find();
    if !actor.can(Permission::ViewOutbox) {
        query = query.filter(notification::Column::RecipientId.eq(actor.user_id));
    }
    if let Some(c) = after {
        query = query.filter(Condition::any().add(notification::Column::CreatedAt.lt(c.at)).add(
            Condition::all().add(notification::Column::CreatedAt.eq(c.at)).add(notification::Column::Id.lt(c.id)),
        ));
    }
    let mut rows = query
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .limit(first + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, more))
}

// ---- settings ---------------------------------------------------------------------------

fn new_calendar_token() -> String {
    let mut bytes = [0u8; 24];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
    hex::encode(bytes)
}

/// The person's settings, created with a fresh calendar token on first use.
pub async fn settings_of<C: ConnectionTrait>(db: &C, user_id: Uuid, now: DateTime<Utc>) -> Result<settings::Model> {
    if let Some(s) = settings::Entity::find_by_id(user_id).one(db).await? {
        return Ok(s);
    }
    settings::Entity::insert(settings::ActiveModel {
        user_id: Set(user_id),
        digest: Set(false),
        mail_off: Set(false),
        calendar_token: Set(new_calendar_token()),
        updated_at: Set(now),
    })
    .on_conflict(OnConflict::column(settings::Column::UserId).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    settings::Entity::find_by_id(user_id).one(db).await?.ok_or(Error::NotFound("settings"))
}

/// Chooses a daily digest instead of single mails (and mails at all); reminders already queued
/// follow the choice.
pub async fn set_digest(state: &AppState, actor: &Actor, digest: bool) -> Result<settings::Model> {
    let mode = if digest { MailMode::Digest } else { MailMode::Single };
    set_mail_mode(state, actor.user_id, mode, Switched::InApp).await
}

/// Replaces the calendar token, e.g. after the feed URL was shared by mistake.
pub async fn rotate_calendar_token(state: &AppState, actor: &Actor) -> Result<settings::Model> {
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let current = settings_of(&txn, actor.user_id, now).await?;
    let mut row: settings::ActiveModel = current.into();
    row.calendar_token = Set(new_calendar_token());
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "notifications.calendar_token",
            entity_type: "user",
            entity_id: Some(actor.user_id),
            summary: "Kalender-Adresse erneuert".into(),
        },
    );
    txn.commit().await?;
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_bounded() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(4), Duration::minutes(8));
        assert_eq!(backoff(30), Duration::minutes(360));
    }

    #[test]
    fn message_ids_are_stable_per_notification() {
        let id = Uuid::new_v4();
        assert_eq!(message_id(id), message_id(id));
        assert_ne!(message_id(id), message_id(Uuid::new_v4()));
        assert!(message_id(id).starts_with('<') && message_id(id).ends_with("@teilhabe>"));
    }
}
