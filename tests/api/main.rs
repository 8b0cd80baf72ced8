//! Integration tests: the real router over HTTP, on SQLite and on a throwaway PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod accounts;
mod cli;
mod demo;
mod indicators;
mod limits;
mod notifications;
mod schema;
