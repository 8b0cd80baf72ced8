//! Leitbild editions: fields of action, goals with sub-goals, goal text history and diffs.

pub mod entities;
pub mod graphql;
pub mod service;
