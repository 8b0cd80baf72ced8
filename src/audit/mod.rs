//! The audit log: who changed what, when — written in the same transaction as the change.

pub mod entity;
pub mod graphql;
pub mod service;

pub use service::{AuditEntry, insert_statement, record};
