//! Who is asking: a bearer token, or the web app's session cookie guarded against CSRF.

use axum::http::{HeaderMap, header};

use crate::{
    accounts::{
        policy::{Actor, SESSION_COOKIE},
        service,
    },
    error::{Error, Result},
    state::AppState,
};

/// The header the web app sends with every request; another site cannot set it without CORS.
pub const CSRF_HEADER: &str = "x-teilhabe-csrf";

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
}

pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the cookie `wanted`, if the request carries a non-empty one.
pub fn cookie<'a>(headers: &'a HeaderMap, wanted: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value)
        .filter(|v| !v.is_empty())
}

/// The actor of a bearer token: one that is sent but not valid (expired, logged out, made up)
/// is `UNAUTHENTICATED`, so that a client learns its login is gone instead of quietly seeing
/// what anonymous callers see.
async fn bearer_actor(state: &AppState, token: &str) -> Result<Option<Actor>> {
    service::authenticate(state, token).await?.map(Some).ok_or(Error::Unauthenticated)
}

/// The actor of a request, if any. A cookie without the CSRF header is refused outright; a
/// stale cookie counts as no login (the web app then shows its login page).
pub async fn authenticate_request(state: &AppState, headers: &HeaderMap) -> Result<Option<Actor>> {
    if let Some(token) = bearer(headers) {
        return bearer_actor(state, token).await;
    }
    if let Some(token) = session_cookie(headers) {
        if !headers.contains_key(CSRF_HEADER) {
            return Err(Error::forbidden(format!("cookie-authenticated requests need the {CSRF_HEADER} header")));
        }
        return service::authenticate(state, token).await;
    }
    Ok(None)
}

/// For plain GET downloads: bearer or cookie, no CSRF header needed because nothing changes.
pub async fn authenticate_read(state: &AppState, headers: &HeaderMap) -> Result<Option<Actor>> {
    if let Some(token) = bearer(headers) {
        return bearer_actor(state, token).await;
    }
    match session_cookie(headers) {
        Some(token) => service::authenticate(state, token).await,
        None => Ok(None),
    }
}
