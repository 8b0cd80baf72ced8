//! Integration tests: the real router over HTTP, on SQLite and on a throwaway PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod accounts;
mod architecture;
mod bench;
mod cli;
mod computed;
mod crossing;
mod deliveries;
mod demo;
mod districts;
mod filters;
mod glossary;
mod hardening;
mod imports;
mod indicators;
mod introspection;
mod leitbild;
mod limits;
mod notifications;
mod oidc;
mod participation;
mod pool;
mod redirects;
mod reports;
mod schema;
mod search;
mod sessions;
mod signin;
mod standards;
mod tasks;
mod text_rules;
