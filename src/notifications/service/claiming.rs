//! Claiming due notifications with a lease, so that two senders never take one row.

use super::*;

/// Rows whose sender died: their lease ran out.
pub(super) fn lease_expired(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(notification::Column::Status.eq(NotificationStatus::Sending))
        .add(notification::Column::LeaseUntil.lt(now))
}

/// Rows due to be sent one by one (not through the digest).
pub(super) fn due_single(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(notification::Column::Status.eq(NotificationStatus::Pending))
        .add(notification::Column::ViaDigest.eq(false))
        .add(notification::Column::NextAttemptAt.lte(now))
}

pub(super) fn claimable(now: DateTime<Utc>) -> Condition {
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

pub(super) async fn claim_into<C: ConnectionTrait>(
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
pub(super) async fn keep_renewing(state: &AppState, token: Option<Uuid>) {
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
pub(super) async fn settle(
    state: &AppState,
    n: &notification::Model,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<()> {
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

pub(super) enum Outcome {
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
