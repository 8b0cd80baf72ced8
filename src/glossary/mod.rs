//! The glossary: agreeing on the terms the monitoring's data rest on, and exchanging them as SKOS/CSV.

pub mod diff;
pub mod entities;
pub mod graphql;
pub mod rule;
pub mod search;
pub mod service;
