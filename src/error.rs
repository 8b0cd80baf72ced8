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
    /// Something unique exists already: a name, an email, a code.
    #[error("{message}")]
    Duplicate { field: &'static str, message: String },
    #[error("{0}")]
    Limit(String),
    /// An action the role allows, refused until the person has set up a second factor
    /// (`TEILHABE_REQUIRE_2FA_FOR`); `FORBIDDEN` with `reason: SECOND_FACTOR_REQUIRED`.
    #[error("not allowed: set up a second factor (authenticator app) first")]
    SecondFactorRequired,
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

    pub fn duplicate(field: &'static str, message: impl Into<String>) -> Self {
        Self::Duplicate { field, message: message.into() }
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
            Self::Forbidden(_) | Self::SecondFactorRequired => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Validation { .. } => "VALIDATION",
            Self::Conflict { .. } | Self::Duplicate { .. } => "CONFLICT",
            Self::Limit(_) => "LIMIT",
            Self::Db(e) if is_unique_violation(e) => "CONFLICT",
            Self::Config { .. } | Self::Db(_) | Self::Internal(_) => "INTERNAL",
        }
    }
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// The unique constraints a person can run into, by PostgreSQL's constraint name and SQLite's
/// column list, with the input field they belong to. The others guard races between the
/// server's own writes and stay "already exists" without a field.
const UNIQUE_FIELDS: &[(&str, &str, &str)] = &[
    ("users_email_key", "users.email", "email"),
    ("organizations_name_key", "organizations.name", "name"),
    ("indicators_code_key", "indicators.code", "code"),
    ("uq_glossary_terms_key", "glossary_terms.glossary_id, glossary_terms.search_key", "label"),
    ("uq_term_synonyms", "term_synonyms.term_id, term_synonyms.search_key", "synonyms"),
    ("processes_leitbild_id_key", "processes.leitbild_id", "leitbildId"),
    ("uq_data_deliveries_indicator_period", "data_deliveries.indicator_id, data_deliveries.period", "period"),
];

/// The input field behind a unique violation's database message, if a person can cause it.
/// PostgreSQL names the constraint (`… violates unique constraint "users_email_key"`), SQLite
/// the columns (`UNIQUE constraint failed: users.email`).
fn unique_field(message: &str) -> Option<&'static str> {
    let columns = message.split_once("UNIQUE constraint failed: ").map(|(_, cols)| cols.trim());
    UNIQUE_FIELDS
        .iter()
        .find(|(constraint, sqlite, _)| {
            message.contains(&format!("\"{constraint}\"")) || columns.is_some_and(|c| c == *sqlite)
        })
        .map(|(_, _, field)| *field)
}

fn unique_violation_field(e: &DbErr) -> Option<&'static str> {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(message)) => unique_field(&message),
        _ => None,
    }
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
            Error::Duplicate { field, .. } => ext.set("field", *field),
            Error::SecondFactorRequired => ext.set("reason", "SECOND_FACTOR_REQUIRED"),
            Error::Db(e) => {
                if let Some(field) = unique_violation_field(e) {
                    ext.set("field", field);
                }
            }
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
    fn unique_violations_name_their_field_on_both_databases() {
        let pg =
            |c: &str| format!("error returned from database: duplicate key value violates unique constraint \"{c}\"");
        assert_eq!(unique_field(&pg("users_email_key")), Some("email"));
        assert_eq!(unique_field(&pg("indicators_code_key")), Some("code"));
        assert_eq!(unique_field(&pg("uq_data_deliveries_indicator_period")), Some("period"));
        assert_eq!(unique_field(&pg("uq_votes_voter")), None, "a race of the server's own writes");
        assert_eq!(unique_field(&pg("users_email_key_2")), None, "names match whole");
        let lite = |c: &str| format!("error returned from database: (code: 2067) UNIQUE constraint failed: {c}");
        assert_eq!(unique_field(&lite("users.email")), Some("email"));
        assert_eq!(unique_field(&lite("organizations.name")), Some("name"));
        assert_eq!(unique_field(&lite("glossary_terms.glossary_id, glossary_terms.search_key")), Some("label"));
        assert_eq!(unique_field(&lite("users.email_hash")), None);
        assert_eq!(unique_field("something else entirely"), None);
        assert_eq!(Error::duplicate("code", "exists").code(), "CONFLICT");
    }

    #[test]
    fn internal_details_do_not_reach_the_client() {
        assert_eq!(Error::internal("password column missing").public_message(), "internal error");
        assert_eq!(Error::validation("email", "bad").public_message(), "email: bad");
    }
}
