//! The two steps of single sign-on in the browser: off to the provider, and back with a code.
//! Every failure lands on the login page with a code it explains; none is a 500.

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::HttpState;
use crate::{
    accounts::{
        graphql::session_cookie,
        oidc::{self, FLOW_COOKIE, Failure},
        service,
    },
    error::Error,
};

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The flow cookie goes only to the callback's path and lives as long as a flow may take.
fn flow_cookie(value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{FLOW_COOKIE}={value}; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

fn see_other(location: &str, cookies: &[String]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = location.parse() {
        headers.insert(header::LOCATION, v);
    }
    for c in cookies {
        if let Ok(v) = c.parse() {
            headers.append(header::SET_COOKIE, v);
        }
    }
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// The key of the flow cookie: the server's link key, the same on every replica.
async fn flow_key(http: &HttpState) -> Result<Vec<u8>, Failure> {
    crate::indicators::links::secret(&http.app.db, &http.app).await.map_err(|e| {
        tracing::error!(error = %e, "no key for the OpenID Connect flow cookie");
        Failure::Unavailable
    })
}

fn to_login(http: &HttpState, failure: Failure) -> Response {
    see_other(&format!("/login?error={}", failure.code()), &[flow_cookie("", 0, http.app.config.secure_cookies)])
}

/// `GET /auth/oidc/login?next=/path`: starts a flow and sends the browser to the provider.
pub async fn login(State(http): State<HttpState>, Query(q): Query<LoginQuery>) -> Response {
    let started = match flow_key(&http).await {
        Ok(key) => oidc::start(&http.app, &key, q.next.as_deref()).await,
        Err(failure) => Err(failure),
    };
    match started {
        Ok(started) => {
            see_other(&started.authorize_url, &[flow_cookie(&started.cookie, 600, http.app.config.secure_cookies)])
        }
        Err(failure) => to_login(&http, failure),
    }
}

/// `GET /auth/oidc/callback?code=…&state=…`: checks the flow, signs the person in with a session
/// cookie like a password login, and sends them where they wanted to go.
pub async fn callback(State(http): State<HttpState>, headers: HeaderMap, Query(q): Query<CallbackQuery>) -> Response {
    if q.error.is_some() {
        return to_login(&http, Failure::Denied);
    }
    let (Some(code), Some(returned_state)) = (q.code, q.state) else {
        return to_login(&http, Failure::State);
    };
    let cookie = super::auth::cookie(&headers, FLOW_COOKIE);
    let key = match flow_key(&http).await {
        Ok(key) => key,
        Err(failure) => return to_login(&http, failure),
    };
    let finished = match oidc::finish(&http.app, &key, cookie, &returned_state, &code).await {
        Ok(f) => f,
        Err(failure) => return to_login(&http, failure),
    };
    let st = &http.app;
    match service::sign_in_with_oidc(st, &finished.identity).await {
        Ok(done) => see_other(
            &finished.next,
            &[
                session_cookie(&done.token, (done.expires_at - st.now()).num_seconds(), st.config.secure_cookies),
                flow_cookie("", 0, st.config.secure_cookies),
            ],
        ),
        Err(Error::Forbidden(why)) => {
            tracing::info!(reason = %why, "single sign-on refused");
            to_login(&http, Failure::Account)
        }
        Err(Error::Validation { .. }) => to_login(&http, Failure::Email),
        Err(e) => {
            tracing::error!(error = %e, "single sign-on failed");
            to_login(&http, Failure::Unavailable)
        }
    }
}
