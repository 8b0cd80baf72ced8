//! The glossary: agreeing on the terms the monitoring's data rest on, and exchanging them as SKOS/CSV.

pub mod csv;
pub mod demo;
pub mod entities;
pub mod exchange;
pub mod graphql;
pub mod rule;
pub mod search;
pub mod service;
pub mod skos;
