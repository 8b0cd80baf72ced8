//! The monitoring report: goal status, gaps, and the figures behind them.

pub mod graphql;
pub mod http;
pub mod service;
pub mod status;
