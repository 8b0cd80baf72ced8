//! "Meine Aufgaben": what needs the asking person now, across the areas, most urgent first.

pub mod graphql;
pub mod rules;
pub mod service;
