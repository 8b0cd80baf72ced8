//! The monitoring report: goal status, gaps, and the figures behind them; frozen reports, the
//! changes since the last one, and publication for reading without login.

pub mod changes;
pub mod entities;
pub mod frozen;
pub mod glossary_files;
pub mod graphql;
pub mod http;
pub mod publication;
pub mod service;
pub mod status;
pub mod summary;
pub mod suppression;
