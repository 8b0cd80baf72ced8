//! Login, sessions, the lockout and the end of a session everywhere.

use super::*;

pub(super) fn bad_login() -> Error {
    Error::Unauthenticated
}

/// Logs in. Each attempt is counted in the database before its password is checked, so that
/// parallel guesses cannot all pass a check that read the count before any of them wrote it:
/// the attempt that reaches [`THROTTLE_FREE_FAILURES`] sets the lock in the same statement, and
/// every later attempt is refused unchecked until the lock ends. A success resets the count
/// only when no attempt was counted after it (a guess racing the real login keeps its lock).
pub async fn login(state: &AppState, email: &str, password: &str, code: Option<&str>) -> Result<LoggedIn> {
    let now = state.now();
    let email = text::email("email", email)?;
    let key = hash_token(&email);
    let Some(attempt) = count_attempt(state, &key, now).await? else {
        return Err(Error::Limit("too many failed logins; try again later".into()));
    };
    // Counted first: an attempt refused here still counts towards the lock.
    let _pass = state.hasher.per_email.enter(&key)?;
    let found = user::Entity::find().filter(user::Column::Email.eq(&email)).one(&state.db).await?;
    let hash = found.as_ref().and_then(|u| u.password_hash.clone());
    let password_ok = state.hasher.verify(password.to_string(), hash).await?;
    let user = match found {
        Some(u) if password_ok && u.active && u.password_hash.is_some() => u,
        _ => return Err(bad_login()),
    };
    // Told only to someone who knows the password: this account must use the city's login.
    if state.config.oidc.as_ref().is_some_and(|o| !o.password_login) && has_sso_identity(&state.db, user.id).await? {
        return Err(Error::forbidden("this account signs in with single sign-on; password login is switched off"));
    }
    let mut txn = Change::begin(&state.db, now).await?;
    // A wrong second-factor code keeps the attempt counted: guessing codes runs into the lock.
    check_code(&txn, user.id, code, now).await?;
    let (token, expires_at) = open_session(&txn, state, user.id, now).await?;
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::EmailKey.eq(key))
        .filter(login_throttle::Column::Failures.lte(attempt))
        .exec(&txn)
        .await?;
    txn.audit(
        Some(user.id),
        AuditEntry {
            action: "session.login",
            entity_type: "user",
            entity_id: Some(user.id),
            summary: "Anmeldung".into(),
        },
    );
    txn.commit().await?;
    Ok(LoggedIn { token, expires_at, user })
}

/// Opens a session for `user_id` in the caller's change and answers its token and end.
pub(super) async fn open_session(
    txn: &Change,
    state: &AppState,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>)> {
    let token = new_token();
    let expires_at = now + state.config.session_ttl;
    session::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(txn)
    .await?;
    Ok((token, expires_at))
}

/// Counts one login attempt for `key` in one atomic statement and answers its number in the
/// window, or `None` while the key is locked (then nothing is counted). The attempt that
/// reaches the free number of failures locks the key at once, before its password is checked.
pub(super) async fn count_attempt(state: &AppState, key: &str, now: DateTime<Utc>) -> Result<Option<i32>> {
    use login_throttle::Column as C;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};

    let window_start = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        email_key: Set(key.to_string()),
        failures: Set(0),
        window_start: Set(now),
        locked_until: Set(None),
    })
    .on_conflict(OnConflict::column(C::EmailKey).do_nothing().to_owned())
    .exec_without_returning(&state.db)
    .await?;
    let col = |c: C| Expr::col((login_throttle::Entity, c));
    // A window starts afresh when its start has passed and no lock (even an expired one) is
    // on record: after a lock, the failures go on counting so that the next lock is longer.
    let fresh = || col(C::LockedUntil).is_null().and(col(C::WindowStart).lte(window_start));
    let next = Expr::case(fresh(), 1).finally(col(C::Failures).add(1));
    let mut lock = Expr::case(fresh(), Expr::value(Option::<DateTime<Utc>>::None));
    for failures in (THROTTLE_FREE_FAILURES..=THROTTLE_FREE_FAILURES + 6).rev() {
        if let Some(d) = lock_after(failures) {
            lock = lock.case(col(C::Failures).add(1).gte(failures), now + d);
        }
    }
    let lock = lock.finally(Expr::value(Option::<DateTime<Utc>>::None));
    let stmt = Query::update()
        .table(login_throttle::Entity)
        .value(C::Failures, next)
        .value(C::WindowStart, Expr::case(fresh(), now).finally(col(C::WindowStart)))
        .value(C::LockedUntil, lock)
        .and_where(col(C::EmailKey).eq(key))
        .and_where(col(C::LockedUntil).is_null().or(col(C::LockedUntil).lte(now)))
        .returning_col(C::Failures)
        .to_owned();
    let row = state.db.query_one(&stmt).await?;
    Ok(match row {
        Some(r) => Some(r.try_get::<i32>("", "failures")?),
        None => None,
    })
}

/// How long an email is locked after `failures` failed attempts: doubling, at most an hour.
pub fn lock_after(failures: i32) -> Option<Duration> {
    let over = failures - THROTTLE_FREE_FAILURES;
    (over >= 0).then(|| Duration::minutes((1i64 << over.min(6)).min(60)))
}

/// The actor behind a session token, if the session is live and the person active.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Option<Actor>> {
    actor_where(state, session::Column::TokenHash.eq(hash_token(token))).await
}

/// The actor of a session as it stands now; `None` once the session ended or the person left.
pub async fn actor_for_session(state: &AppState, session_id: Uuid) -> Result<Option<Actor>> {
    actor_where(state, session::Column::Id.eq(session_id)).await
}

/// The actor of the one session that `which` picks, in one statement (every request asks):
/// the live session joined to its active person, a row per membership, and whether a second
/// factor is confirmed.
async fn actor_where(state: &AppState, which: sea_orm::sea_query::SimpleExpr) -> Result<Option<Actor>> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait as _, JoinType, Query};

    use crate::accounts::entities::totp_factor;
    let confirmed_factor = Query::select()
        .expr(Expr::val(1))
        .from(totp_factor::Entity)
        .and_where(
            Expr::col((totp_factor::Entity, totp_factor::Column::UserId))
                .equals((session::Entity, session::Column::UserId)),
        )
        .and_where(Expr::col((totp_factor::Entity, totp_factor::Column::ConfirmedAt)).is_not_null())
        .to_owned();
    let stmt = Query::select()
        .column((session::Entity, session::Column::Id))
        .column((session::Entity, session::Column::UserId))
        .column((user::Entity, user::Column::Role))
        .column((membership::Entity, membership::Column::OrganizationId))
        .expr_as(Expr::exists(confirmed_factor), Alias::new("second_factor"))
        .from(session::Entity)
        .join(
            JoinType::InnerJoin,
            user::Entity,
            Expr::col((user::Entity, user::Column::Id)).equals((session::Entity, session::Column::UserId)),
        )
        .join(
            JoinType::LeftJoin,
            membership::Entity,
            Expr::col((membership::Entity, membership::Column::UserId)).equals((user::Entity, user::Column::Id)),
        )
        .and_where(which)
        .and_where(Expr::col((session::Entity, session::Column::ExpiresAt)).gt(state.now()))
        .and_where(Expr::col((user::Entity, user::Column::Active)).eq(true))
        .to_owned();
    let rows = state.db.query_all(&stmt).await?;
    let Some(first) = rows.first() else { return Ok(None) };
    let session_id: Uuid = first.try_get("", "id")?;
    let user_id: Uuid = first.try_get("", "user_id")?;
    let role: Role = first.try_get("", "role")?;
    let has_factor: bool = first.try_get("", "second_factor")?;
    let mut organization_ids = Vec::with_capacity(rows.len());
    for r in &rows {
        if let Some(org) = r.try_get::<Option<Uuid>>("", "organization_id")? {
            organization_ids.push(org);
        }
    }
    let required = state.config.require_2fa_for.iter().any(|r| r.parse::<Role>().is_ok_and(|r| r == role));
    Ok(Some(Actor { user_id, session_id, role, organization_ids, second_factor_missing: required && !has_factor }))
}

/// Whether `actor` still holds at least the rights it had: its session lives and no role or
/// membership was taken away. Long-lived subscriptions ask before each event after a change.
pub async fn still_entitled(state: &AppState, actor: &Actor) -> bool {
    match actor_for_session(state, actor.session_id).await {
        Ok(Some(now)) => !actor.lost_rights(&now),
        Ok(None) => false,
        Err(e) => {
            tracing::warn!(error = %e, "session re-check failed; ending the subscription");
            false
        }
    }
}

/// Tells every replica's open sockets of this person to check their session again.
pub async fn announce_user_changed(state: &AppState, user_id: Uuid) {
    state.live.publish(&state.db, LiveEvent::UserChanged { user_id }).await;
}

pub async fn logout(state: &AppState, actor: &Actor) -> Result<()> {
    let mut txn = Change::begin(&state.db, state.now()).await?;
    session::Entity::delete_by_id(actor.session_id).exec(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "session.logout",
            entity_type: "user",
            entity_id: Some(actor.user_id),
            summary: "Abmeldung".into(),
        },
    );
    txn.commit().await?;
    announce_user_changed(state, actor.user_id).await;
    Ok(())
}

/// Removes expired sessions and forgotten throttles; a scheduler step.
pub async fn purge_expired(state: &AppState, now: DateTime<Utc>) -> Result<u64> {
    let gone = session::Entity::delete_many().filter(session::Column::ExpiresAt.lte(now)).exec(&state.db).await?;
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStart.lt(now - Duration::days(1)))
        .exec(&state.db)
        .await?;
    purge_links(state, now).await?;
    Ok(gone.rows_affected)
}
