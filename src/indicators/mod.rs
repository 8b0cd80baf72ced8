//! The monitoring: indicators, their owners, data deliveries, reviews and reminder schedules.

pub mod computed;
pub mod delivery_rules;
pub mod demo;
pub mod districts;
pub mod entities;
pub mod graphql;
pub mod import;
pub mod links;
pub mod reference;
pub mod remind;
pub mod reminders;
pub mod service;
pub mod timing;
pub mod usage;
pub mod usage_graphql;
