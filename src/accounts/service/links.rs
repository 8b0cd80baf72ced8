//! Sign-in links by email: request (rate-limited, the same answer for every address), redeem once.

use std::net::IpAddr;

use super::*;
use crate::accounts::entities::{request_throttle, sign_in_link};

/// How long a sign-in link may be used.
pub const SIGN_IN_LINK_MINUTES: i64 = 15;
/// Links one address may be sent within [`REQUEST_WINDOW_MINUTES`]: a few retries, no mail bomb.
pub const LINKS_PER_ADDRESS: i32 = 3;
/// Requests one client may make within [`REQUEST_WINDOW_MINUTES`], whatever addresses it names.
pub const LINKS_PER_CLIENT: i32 = 20;
pub const REQUEST_WINDOW_MINUTES: i64 = 60;
/// The web app's page that redeems a link; the token travels in the fragment, so that it never
/// reaches a server log or a `Referer`, and a mail scanner fetching the page does not spend it.
pub const SIGN_IN_LINK_PATH: &str = "/login/link";

/// What the caller needs to write the mail of a new link.
pub struct SignInMail {
    pub link_id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// Counts one request for `key` in one atomic statement and answers its number in the current
/// window (a window older than `window` starts afresh), so that parallel requests cannot all
/// pass a limit that read the count before any of them wrote it.
pub async fn count_request(state: &AppState, key: &str, now: DateTime<Utc>, window: Duration) -> Result<i32> {
    use request_throttle::Column as C;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};

    request_throttle::Entity::insert(request_throttle::ActiveModel {
        key: Set(key.to_string()),
        requests: Set(0),
        window_start: Set(now),
    })
    .on_conflict(OnConflict::column(C::Key).do_nothing().to_owned())
    .exec_without_returning(&state.db)
    .await?;
    let col = |c: C| Expr::col((request_throttle::Entity, c));
    let stale = || col(C::WindowStart).lte(now - window);
    let stmt = Query::update()
        .table(request_throttle::Entity)
        .value(C::Requests, Expr::case(stale(), 1).finally(col(C::Requests).add(1)))
        .value(C::WindowStart, Expr::case(stale(), now).finally(col(C::WindowStart)))
        .and_where(col(C::Key).eq(key))
        .returning_col(C::Requests)
        .to_owned();
    let row = state.db.query_one(&stmt).await?.ok_or_else(|| Error::internal("throttle row vanished"))?;
    Ok(row.try_get::<i32>("", "requests")?)
}

/// Sends a single-use sign-in link to `email` if an active person has it. The answer is the same
/// whether or not anyone has the address; only the rate limits (counted for unknown addresses
/// too) answer `LIMIT`. `mail` queues the mail in the change that stores the link, so that a
/// link exists exactly when its mail is in the outbox.
pub async fn request_sign_in_link(
    state: &AppState,
    email: &str,
    client: Option<IpAddr>,
    mail: impl FnOnce(&mut Change, SignInMail),
) -> Result<()> {
    let now = state.now();
    let email = text::email("email", email)?;
    let window = Duration::minutes(REQUEST_WINDOW_MINUTES);
    if let Some(ip) = client
        && count_request(state, &format!("link-client:{}", hash_token(&ip.to_string())), now, window).await?
            > LINKS_PER_CLIENT
    {
        return Err(Error::Limit("too many sign-in links requested from here; try again later".into()));
    }
    if count_request(state, &format!("link-email:{}", hash_token(&email)), now, window).await? > LINKS_PER_ADDRESS {
        return Err(Error::Limit("too many sign-in links requested for this address; try again later".into()));
    }
    let found = user::Entity::find().filter(user::Column::Email.eq(&email)).one(&state.db).await?;
    let Some(person) = found.filter(|u| u.active && u.erased_at.is_none()) else {
        return Ok(());
    };
    let token = new_token();
    let expires_at = now + Duration::minutes(SIGN_IN_LINK_MINUTES);
    let link_id = Uuid::now_v7();
    let mut txn = Change::begin(&state.db, now).await?;
    sign_in_link::ActiveModel {
        id: Set(link_id),
        user_id: Set(person.id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.audit(
        Some(person.id),
        AuditEntry {
            action: "session.link_requested",
            entity_type: "user",
            entity_id: Some(person.id),
            summary: "Anmeldelink angefordert".into(),
        },
    );
    let url = format!("{}{SIGN_IN_LINK_PATH}#{token}", state.config.public_url);
    mail(&mut txn, SignInMail { link_id, user_id: person.id, name: person.name, url, expires_at });
    txn.commit().await?;
    Ok(())
}

/// Signs in with a link's token: once, within its time, for a person still active. The link is
/// spent by one conditional update, so two devices opening it at once get one session.
pub async fn sign_in_with_link(state: &AppState, token: &str, code: Option<&str>) -> Result<LoggedIn> {
    use sea_orm::sea_query::Expr;

    let now = state.now();
    let hash = hash_token(token.trim());
    let mut txn = Change::begin(&state.db, now).await?;
    // The second factor is asked before the link is spent, so that the link still works once
    // the person has found their code.
    let live = sign_in_link::Entity::find()
        .filter(sign_in_link::Column::TokenHash.eq(&hash))
        .filter(sign_in_link::Column::UsedAt.is_null())
        .filter(sign_in_link::Column::ExpiresAt.gt(now))
        .one(&txn)
        .await?
        .ok_or_else(bad_login)?;
    check_code(&txn, live.user_id, code, now).await?;
    let spent = sign_in_link::Entity::update_many()
        .col_expr(sign_in_link::Column::UsedAt, Expr::value(now))
        .filter(sign_in_link::Column::TokenHash.eq(&hash))
        .filter(sign_in_link::Column::UsedAt.is_null())
        .filter(sign_in_link::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(bad_login());
    }
    let link = sign_in_link::Entity::find()
        .filter(sign_in_link::Column::TokenHash.eq(&hash))
        .one(&txn)
        .await?
        .ok_or_else(bad_login)?;
    let person = user::Entity::find_by_id(link.user_id).one(&txn).await?.filter(|u| u.active).ok_or_else(bad_login)?;
    let (token, expires_at) = open_session(&txn, state, person.id, now).await?;
    txn.audit(
        Some(person.id),
        AuditEntry {
            action: "session.login",
            entity_type: "user",
            entity_id: Some(person.id),
            summary: "Anmeldung per E-Mail-Link".into(),
        },
    );
    txn.commit().await?;
    Ok(LoggedIn { token, expires_at, user: person })
}

/// Removes spent and expired links and forgotten request counters; a scheduler step.
pub(super) async fn purge_links(state: &AppState, now: DateTime<Utc>) -> Result<()> {
    sign_in_link::Entity::delete_many().filter(sign_in_link::Column::ExpiresAt.lte(now)).exec(&state.db).await?;
    request_throttle::Entity::delete_many()
        .filter(request_throttle::Column::WindowStart.lt(now - Duration::days(1)))
        .exec(&state.db)
        .await?;
    Ok(())
}
