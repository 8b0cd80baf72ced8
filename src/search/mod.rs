//! Search across goals, proposals, comments, terms and definitions, indicators and
//! organisations, with the glossary's umlaut tolerance and its synonyms.

pub mod graphql;
pub mod matching;
pub mod service;
