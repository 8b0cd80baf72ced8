//! The monitoring report: goal status, gaps, and the figures behind them.

pub mod status;
