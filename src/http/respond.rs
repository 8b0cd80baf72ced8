//! The one mapping of the crate's errors to HTTP answers, and extractors the handlers share.

use std::net::IpAddr;

use axum::{
    Json,
    extract::FromRequestParts,
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
};
use sea_orm::DbErr;

use super::{HttpState, auth::authenticate_read};
use crate::{accounts::policy::Actor, error::Error};

/// The status an error is answered with; internals never show more than "internal error".
pub fn status(err: &Error) -> StatusCode {
    match (err, err.code()) {
        (Error::Db(DbErr::ConnectionAcquire(_) | DbErr::Conn(_)), _) => StatusCode::SERVICE_UNAVAILABLE,
        (_, "UNAUTHENTICATED") => StatusCode::UNAUTHORIZED,
        (_, "FORBIDDEN") => StatusCode::FORBIDDEN,
        (_, "NOT_FOUND") => StatusCode::NOT_FOUND,
        (_, "VALIDATION" | "LIMIT") => StatusCode::BAD_REQUEST,
        (_, "CONFLICT") => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A GraphQL-shaped error body, so that every endpoint's errors read alike.
pub fn error_body(err: &Error) -> serde_json::Value {
    let mut ext = async_graphql::ErrorExtensionValues::default();
    err.write_extensions(&mut ext);
    serde_json::json!({ "errors": [{ "message": err.public_message(), "extensions": ext }] })
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        (status(&self), Json(error_body(&self))).into_response()
    }
}

/// Who reads a download: bearer token or session cookie (no CSRF header: a GET changes nothing),
/// or nobody.
pub struct Reader(pub Option<Actor>);

impl Reader {
    /// The actor, or `UNAUTHENTICATED`.
    pub fn required(self) -> Result<Actor, Error> {
        self.0.ok_or(Error::Unauthenticated)
    }
}

impl FromRequestParts<HttpState> for Reader {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, http: &HttpState) -> Result<Self, Error> {
        authenticate_read(&http.app, &parts.headers).await.map(Reader)
    }
}

/// The client's address as the accept loop saw it; None when the router runs without it.
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(super::serve::peer(&parts.extensions).map(|a| a.ip())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_status() {
        assert_eq!(status(&Error::Unauthenticated), StatusCode::UNAUTHORIZED);
        assert_eq!(status(&Error::forbidden("x")), StatusCode::FORBIDDEN);
        assert_eq!(status(&Error::NotFound("x")), StatusCode::NOT_FOUND);
        assert_eq!(status(&Error::validation("a", "b")), StatusCode::BAD_REQUEST);
        assert_eq!(status(&Error::conflict("x")), StatusCode::CONFLICT);
        assert_eq!(status(&Error::internal("x")), StatusCode::INTERNAL_SERVER_ERROR);
        let down = Error::Db(DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout));
        assert_eq!(status(&down), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(error_body(&down)["errors"][0]["message"], "internal error");
        assert_eq!(error_body(&down)["errors"][0]["extensions"]["code"], "INTERNAL");
    }
}
