//! The outbox: enqueueing with a dedupe key, cancelling, claiming with a lease, sending, retrying.

use std::collections::HashMap;

use futures_util::StreamExt;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
    sea_query::{Expr, LockBehavior, LockType, OnConflict},
};
use uuid::Uuid;

use super::{
    entities::{NotificationKind, NotificationStatus, notification, settings},
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
const BATCH: u64 = 50;
const MAX_BATCHES_PER_PASS: usize = 40;
/// Mails of a batch in flight at once.
const SENDING_AT_ONCE: usize = 4;

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
    let digest_users: std::collections::HashSet<Uuid> = settings::Entity::find()
        .filter(settings::Column::UserId.is_in(recipients))
        .filter(settings::Column::Digest.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.user_id)
        .collect();
    let mut inserted = 0;
    let mut rows: Vec<notification::ActiveModel> = list
        .into_iter()
        .map(|n| {
            let via_digest = n.kind != NotificationKind::Digest && digest_users.contains(&n.recipient_id);
            row(n, via_digest, now)
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

/// The person acted: pending reminders whose dedupe key starts with `dedupe_key_prefix` are
/// cancelled, in the caller's transaction. Rows already being sent are left to finish.
pub async fn cancel_pending<C: ConnectionTrait>(db: &C, dedupe_key_prefix: &str) -> Result<u64> {
    if dedupe_key_prefix.is_empty() {
        return Err(Error::validation("dedupeKeyPrefix", "must not be empty"));
    }
    let res = notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Cancelled))
        .filter(notification::Column::Status.eq(NotificationStatus::Pending))
        .filter(notification::Column::DedupeKey.starts_with(dedupe_key_prefix))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

// ---- claiming ---------------------------------------------------------------------------

/// Rows whose sender died: their lease ran out.
fn lease_expired(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(notification::Column::Status.eq(NotificationStatus::Sending))
        .add(notification::Column::LeaseUntil.lt(now))
}

/// Rows due to be sent one by one (not through the digest).
fn due_single(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(notification::Column::Status.eq(NotificationStatus::Pending))
        .add(notification::Column::ViaDigest.eq(false))
        .add(notification::Column::NextAttemptAt.lte(now))
}

fn claimable(now: DateTime<Utc>) -> Condition {
    Condition::any().add(lease_expired(now)).add(due_single(now))
}

/// Claims up to `limit` due rows for this sender. The conditional UPDATE makes each row go to
/// exactly one claimer on both databases; PostgreSQL also skips rows another replica has locked
/// (`FOR UPDATE SKIP LOCKED`). SQLite drops that clause, and a read-then-write transaction there
/// would fail with SQLITE_BUSY_SNAPSHOT under a second writer: it runs without one.
pub async fn claim_due(state: &AppState, now: DateTime<Utc>, limit: u64) -> Result<Vec<notification::Model>> {
    let token = Uuid::new_v4();
    let db = &state.db;
    // The lease runs from the clock's time, not the pass's: a long pass must not claim with a
    // lease that has already run out.
    let lease_until = state.now().max(now) + LEASE;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        let txn = db.begin().await?;
        claim_into(&txn, now, lease_until, limit, token, true).await?;
        txn.commit().await?;
    } else {
        claim_into(db, now, lease_until, limit, token, false).await?;
    }
    Ok(notification::Entity::find()
        .filter(notification::Column::LeaseToken.eq(token))
        .filter(notification::Column::Status.eq(NotificationStatus::Sending))
        .all(db)
        .await?)
}

async fn claim_into<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
    token: Uuid,
    skip_locked: bool,
) -> Result<()> {
    use sea_orm::sea_query::ExprTrait as _;
    // Two queries rather than one with OR, so that each walks the (status, next_attempt_at)
    // index instead of the whole outbox: rows whose sender died first, then the due ones.
    let lock = |q: sea_orm::Select<notification::Entity>| {
        if skip_locked { q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked) } else { q }
    };
    let mut ids: Vec<Uuid> = lock(
        notification::Entity::find()
            .select_only()
            .column(notification::Column::Id)
            .filter(lease_expired(now))
            .limit(limit),
    )
    .into_tuple()
    .all(db)
    .await?;
    if (ids.len() as u64) < limit {
        let due: Vec<Uuid> = lock(
            notification::Entity::find()
                .select_only()
                .column(notification::Column::Id)
                .filter(due_single(now))
                .order_by_asc(notification::Column::NextAttemptAt)
                .limit(limit - ids.len() as u64),
        )
        .into_tuple()
        .all(db)
        .await?;
        ids.extend(due);
    }
    if ids.is_empty() {
        return Ok(());
    }
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Sending))
        .col_expr(notification::Column::LeaseUntil, Expr::value(lease_until))
        .col_expr(notification::Column::LeaseToken, Expr::value(token))
        .col_expr(notification::Column::Attempts, Expr::col(notification::Column::Attempts).add(1))
        .filter(notification::Column::Id.is_in(ids))
        .filter(claimable(now))
        .exec(db)
        .await?;
    Ok(())
}

/// Extends the lease of the rows this sender still holds under `token` (those not yet settled).
pub async fn renew(state: &AppState, token: Uuid) -> Result<()> {
    notification::Entity::update_many()
        .col_expr(notification::Column::LeaseUntil, Expr::value(state.now() + LEASE))
        .filter(notification::Column::LeaseToken.eq(token))
        .filter(notification::Column::Status.eq(NotificationStatus::Sending))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Renews the lease under `token` every [`RENEW_EVERY`] until dropped.
async fn keep_renewing(state: &AppState, token: Option<Uuid>) {
    let Some(token) = token else { return std::future::pending().await };
    let mut tick = tokio::time::interval(RENEW_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        if let Err(e) = renew(state, token).await {
            tracing::warn!(error = %e, "could not renew the outbox lease");
        }
    }
}

/// Sets the outcome of a claimed row, if this sender still holds its lease.
async fn settle(state: &AppState, n: &notification::Model, outcome: &Outcome, now: DateTime<Utc>) -> Result<()> {
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(notification::Column::LeaseToken, Expr::value(Option::<Uuid>::None));
    q = match outcome {
        Outcome::Sent => q
            .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Sent))
            .col_expr(notification::Column::SentAt, Expr::value(now))
            .col_expr(notification::Column::LastError, Expr::value(Option::<String>::None)),
        Outcome::Cancelled(why) => q
            .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Cancelled))
            .col_expr(notification::Column::LastError, Expr::value(why)),
        Outcome::Failed(why) => q
            .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Failed))
            .col_expr(notification::Column::LastError, Expr::value(why)),
        Outcome::Retry(why) => q
            .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Pending))
            .col_expr(notification::Column::NextAttemptAt, Expr::value(now + backoff(n.attempts)))
            .col_expr(notification::Column::LastError, Expr::value(why)),
    };
    q.filter(notification::Column::Id.eq(n.id))
        .filter(notification::Column::LeaseToken.eq(n.lease_token))
        .filter(notification::Column::Status.eq(NotificationStatus::Sending))
        .exec(&state.db)
        .await?;
    Ok(())
}

enum Outcome {
    Sent,
    Cancelled(String),
    Failed(String),
    Retry(String),
}

/// Wait before the next try after `attempts` tries: 1, 2, 4 … minutes, at most six hours.
pub fn backoff(attempts: i32) -> Duration {
    let exp = (attempts.max(1) - 1).min(10) as u32;
    Duration::minutes((1i64 << exp).min(360))
}

// ---- sending ----------------------------------------------------------------------------

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
        let people: HashMap<Uuid, user::Model> = user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        // A few mails at once: with SMTP each waits mostly for the server. Each is settled
        // as soon as it is out, so that a crash repeats at most the mails in flight.
        let (owed, people) = (&owed, &people);
        let token = batch.first().and_then(|n| n.lease_token);
        let sending = futures_util::stream::iter(batch)
            .map(|n| async move {
                let outcome = if owed.get(&n.dedupe_key).copied().unwrap_or(true) {
                    deliver(state, mailer, people, &n).await
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

fn cc_of(n: &notification::Model) -> Vec<Uuid> {
    serde_json::from_str(&n.cc).unwrap_or_default()
}

fn reachable(u: Option<&user::Model>) -> Option<&user::Model> {
    u.filter(|u| u.active && u.erased_at.is_none())
}

async fn deliver(
    state: &AppState,
    mailer: &Mailer,
    people: &HashMap<Uuid, user::Model>,
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
        html: Some(n.body_html.clone().unwrap_or_else(|| super::mailer::html_of(&n.body_text, n.link.as_deref()))),
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

// ---- digests ----------------------------------------------------------------------------

/// Local hour (Europe/Berlin) from which the daily digest goes out.
pub const DIGEST_HOUR: u32 = 7;

/// Folds each digest reader's due notifications into one DIGEST mail a day. The folded rows
/// stay individually visible as SENT with the digest they went out in.
pub async fn build_digests(state: &AppState, now: DateTime<Utc>, owed_check: &impl OwedCheck) -> Result<u64> {
    use chrono::Timelike;
    let local = now.with_timezone(&chrono_tz::Europe::Berlin);
    if local.hour() < DIGEST_HOUR {
        return Ok(0);
    }
    let day = local.date_naive();
    let due: Vec<(Uuid, Uuid)> = notification::Entity::find()
        .select_only()
        .column(notification::Column::Id)
        .column(notification::Column::RecipientId)
        .filter(notification::Column::Status.eq(NotificationStatus::Pending))
        .filter(notification::Column::ViaDigest.eq(true))
        .filter(notification::Column::DueAt.lte(now))
        .order_by_asc(notification::Column::DueAt)
        .limit(5000)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut by_user: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (id, user) in due {
        by_user.entry(user).or_default().push(id);
    }
    let mut built = 0;
    for (user_id, ids) in by_user {
        let digest_id = Uuid::now_v7();
        let txn = state.db.begin().await?;
        // The write comes first: it claims the rows (and SQLite's write lock) for this digest.
        let claimed = notification::Entity::update_many()
            .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Sent))
            .col_expr(notification::Column::DigestId, Expr::value(digest_id))
            .col_expr(notification::Column::SentAt, Expr::value(now))
            .filter(notification::Column::Id.is_in(ids))
            .filter(notification::Column::Status.eq(NotificationStatus::Pending))
            .exec(&txn)
            .await?
            .rows_affected;
        if claimed == 0 {
            txn.rollback().await?;
            continue;
        }
        let folded = notification::Entity::find()
            .filter(notification::Column::DigestId.eq(digest_id))
            .order_by_asc(notification::Column::DueAt)
            .all(&txn)
            .await?;
        let keys: Vec<&str> = folded.iter().map(|n| n.dedupe_key.as_str()).collect();
        let owed = owed_check.still_owed_many(&txn, &keys).await?;
        let (items, stale): (Vec<_>, Vec<_>) =
            folded.into_iter().partition(|n| owed.get(&n.dedupe_key).copied().unwrap_or(true));
        if !stale.is_empty() {
            notification::Entity::update_many()
                .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Cancelled))
                .col_expr(notification::Column::DigestId, Expr::value(Option::<Uuid>::None))
                .filter(notification::Column::Id.is_in(stale.iter().map(|n| n.id)))
                .exec(&txn)
                .await?;
        }
        if items.is_empty() {
            txn.commit().await?;
            continue;
        }
        let mut text = format!("Guten Tag,\n\nIhre Benachrichtigungen vom {}:\n\n", day.format("%d.%m.%Y"));
        let mut html = format!("<p>Guten Tag,</p><p>Ihre Benachrichtigungen vom {}:</p><ul>", day.format("%d.%m.%Y"));
        for n in &items {
            text.push_str(&format!(
                "- {}{}\n",
                n.subject,
                n.link.as_deref().map(|l| format!("\n  {l}")).unwrap_or_default()
            ));
            let escaped = super::mailer::escape(&n.subject);
            match &n.link {
                Some(l) => html.push_str(&format!("<li><a href=\"{}\">{escaped}</a></li>", super::mailer::escape(l))),
                None => html.push_str(&format!("<li>{escaped}</li>")),
            }
        }
        text.push_str("\n-- \nteilhabe · Integrationsmonitoring\n");
        html.push_str("</ul>");
        let digest = NewNotification {
            recipient_id: user_id,
            kind: NotificationKind::Digest,
            dedupe_key: format!("digest:{user_id}:{day}"),
            due_at: now,
            subject: format!("teilhabe: {} Benachrichtigungen am {}", items.len(), day.format("%d.%m.%Y")),
            body_text: text,
            body_html: Some(html),
            link: None,
            cc: vec![],
        };
        let inserted = notification::Entity::insert(row_with_id(digest_id, digest, false, now))
            .on_conflict(OnConflict::column(notification::Column::DedupeKey).do_nothing().to_owned())
            .exec_without_returning(&txn)
            .await?;
        if inserted == 0 {
            // Today's digest went out already: these wait for tomorrow's.
            txn.rollback().await?;
            continue;
        }
        txn.commit().await?;
        built += 1;
    }
    Ok(built)
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
        calendar_token: Set(new_calendar_token()),
        updated_at: Set(now),
    })
    .on_conflict(OnConflict::column(settings::Column::UserId).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    settings::Entity::find_by_id(user_id).one(db).await?.ok_or(Error::NotFound("settings"))
}

/// Chooses a daily digest instead of single mails; reminders already queued follow the choice.
pub async fn set_digest(state: &AppState, actor: &Actor, digest: bool) -> Result<settings::Model> {
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let current = settings_of(&txn, actor.user_id, now).await?;
    let mut row: settings::ActiveModel = current.into();
    row.digest = Set(digest);
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    notification::Entity::update_many()
        .col_expr(notification::Column::ViaDigest, Expr::value(digest))
        .filter(notification::Column::RecipientId.eq(actor.user_id))
        .filter(notification::Column::Status.eq(NotificationStatus::Pending))
        .filter(notification::Column::Kind.ne(NotificationKind::Digest))
        .exec(&txn)
        .await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "notifications.settings",
            entity_type: "user",
            entity_id: Some(actor.user_id),
            summary: if digest { "Tägliche Sammelmail gewählt".into() } else { "Einzelmails gewählt".into() },
        },
    );
    txn.commit().await?;
    Ok(updated)
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
