//! `POST /abbestellen/<token>`: the one-click unsubscribe of RFC 8058 that mail clients call
//! without cookies; `GET` of the same URL is the web app's page that asks first.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};

use crate::{http::HttpState, notifications::service::unsubscribe_by_token};

/// Longest token the signer writes: a simple uuid, a dash and 64 hex digits.
const MAX_TOKEN: usize = 32 + 1 + 64;

/// Switches the signed-for person's mails off. The body (`List-Unsubscribe=One-Click`) is not
/// required: the token is the whole authority, and a repeated POST answers alike.
pub async fn one_click(State(http): State<HttpState>, Path(token): Path<String>) -> Response {
    if token.len() > MAX_TOKEN {
        return not_found();
    }
    match unsubscribe_by_token(&http.app, &token).await {
        Ok(Some(_)) => (StatusCode::OK, "E-Mails von teilhabe abbestellt.\n").into_response(),
        Ok(None) => not_found(),
        Err(e) => e.into_response(),
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Dieser Abmeldelink ist ungültig.\n").into_response()
}
