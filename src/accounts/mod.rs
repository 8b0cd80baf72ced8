//! Accounts: organisations, people, memberships, sessions and who may do what.

pub mod entities;
pub mod graphql;
pub mod oidc;
pub mod policy;
pub mod service;
