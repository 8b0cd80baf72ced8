//! Participation: processes with phases and voting rules, proposals, votes and tallies,
//! comments, dispositions (Abwägung), their exports and live updates.

pub mod comments;
pub mod demo;
pub mod dispositions;
pub mod entities;
pub mod export;
pub mod graphql;
pub mod live;
pub mod proposal_rules;
pub mod rules;
pub mod service;
