//! The one error type of the services, and its single mapping to GraphQL `extensions.code`.

use async_graphql::ErrorExtensionValues;
use sea_orm::{DbErr, SqlErr};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("authentication required")]
    Unauthenticated,
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    #[error("{message}")]
    Conflict {
        message: String,
        /// What the client needs to resolve the conflict, e.g. the current text and version.
        details: Option<serde_json::Value>,
    },
    #[error("{0}")]
    Limit(String),
    #[error("configuration {key}: {message}")]
    Config { key: &'static str, message: String },
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation { field: field.into(), message: message.into() }
    }

    pub fn forbidden(why: impl Into<String>) -> Self {
        Self::Forbidden(why.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict { message: message.into(), details: None }
    }

    pub fn internal(what: impl std::fmt::Display) -> Self {
        Self::Internal(what.to_string())
    }

    pub fn config(key: &'static str, message: impl Into<String>) -> Self {
        Self::Config { key, message: message.into() }
    }

    /// The machine-readable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Validation { .. } => "VALIDATION",
            Self::Conflict { .. } => "CONFLICT",
            Self::Limit(_) => "LIMIT",
            Self::Db(e) if is_unique_violation(e) => "CONFLICT",
            Self::Config { .. } | Self::Db(_) | Self::Internal(_) => "INTERNAL",
        }
    }
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

impl Error {
    /// The message a client may see: internals are logged here and answered without detail.
    pub fn public_message(&self) -> String {
        match self {
            Error::Db(e) if is_unique_violation(e) => "already exists".to_string(),
            Error::Config { .. } | Error::Db(_) | Error::Internal(_) => {
                tracing::error!(error = %self, "internal error");
                "internal error".to_string()
            }
            other => other.to_string(),
        }
    }

    /// Writes `code` (and `field` or `details`) into a GraphQL error's extensions.
    pub fn write_extensions(&self, ext: &mut ErrorExtensionValues) {
        ext.set("code", self.code());
        match self {
            Error::Validation { field, .. } => ext.set("field", field.as_str()),
            Error::Conflict { details: Some(details), .. } => {
                if let Ok(value) = async_graphql::Value::from_json(details.clone()) {
                    ext.set("details", value);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(Error::Unauthenticated.code(), "UNAUTHENTICATED");
        assert_eq!(Error::forbidden("x").code(), "FORBIDDEN");
        assert_eq!(Error::NotFound("user").code(), "NOT_FOUND");
        assert_eq!(Error::validation("email", "bad").code(), "VALIDATION");
        assert_eq!(Error::conflict("stale").code(), "CONFLICT");
        assert_eq!(Error::Limit("slow down".into()).code(), "LIMIT");
        assert_eq!(Error::internal("boom").code(), "INTERNAL");
    }

    #[test]
    fn internal_details_do_not_reach_the_client() {
        assert_eq!(Error::internal("password column missing").public_message(), "internal error");
        assert_eq!(Error::validation("email", "bad").public_message(), "email: bad");
    }
}
