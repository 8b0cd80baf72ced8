//! Database rows of the glossary: glossaries with their agreement rule, terms, synonyms, relations,
//! definitions with their versions, reviews and mappings.

use crate::german::German;
use async_graphql::Enum;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum TermStatus {
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    #[sea_orm(string_value = "AGREED")]
    Agreed,
    #[sea_orm(string_value = "DEPRECATED")]
    Deprecated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum DefinitionStatus {
    /// Under review: a candidate for the term's agreed definition.
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    /// The definition the term is agreed with.
    #[sea_orm(string_value = "AGREED")]
    Agreed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum ReviewDecision {
    #[sea_orm(string_value = "APPROVE")]
    Approve,
    #[sea_orm(string_value = "OBJECT")]
    Object,
}

/// How two terms relate. Stored once per pair: `NARROWER` is kept as the other term's `BROADER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum RelationKind {
    /// The other term is broader than this one.
    #[sea_orm(string_value = "BROADER")]
    Broader,
    /// The other term is narrower than this one.
    #[sea_orm(string_value = "NARROWER")]
    Narrower,
    #[sea_orm(string_value = "RELATED")]
    Related,
}

/// The kind of a term's label besides its main one (`skos:prefLabel` in the term's language).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
pub enum LabelKind {
    /// A synonym (`skos:altLabel`).
    #[sea_orm(string_value = "ALT")]
    Alt,
    /// Found by search, never shown (`skos:hiddenLabel`, e.g. misspellings).
    #[sea_orm(string_value = "HIDDEN")]
    Hidden,
    /// The preferred label in another language (`skos:prefLabel`).
    #[sea_orm(string_value = "PREF")]
    Pref,
}

/// SKOS mapping kinds between definitions (or to concepts of other vocabularies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum MappingKind {
    #[sea_orm(string_value = "EXACT_MATCH")]
    ExactMatch,
    #[sea_orm(string_value = "CLOSE_MATCH")]
    CloseMatch,
    #[sea_orm(string_value = "BROADER_MATCH")]
    BroaderMatch,
    #[sea_orm(string_value = "NARROWER_MATCH")]
    NarrowerMatch,
}

pub mod glossary {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "glossaries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub title: String,
        /// Comma-separated sectors that must each approve, e.g. `ADMINISTRATION,CIVIL_SOCIETY,SCIENCE`.
        pub required_sectors: String,
        pub min_approvals_per_sector: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod term {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "glossary_terms")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub glossary_id: Uuid,
        pub label: String,
        /// `search::key(label)`: what search compares, so that it is an indexed query.
        pub search_key: String,
        pub status: TermStatus,
        /// The definition in force: the last one agreed. It stays in force while a change or an
        /// objection reopens its review, until a new version or definition is agreed.
        pub agreed_definition_id: Option<Uuid>,
        /// Which version of the agreed definition is in force.
        pub agreed_version: Option<i32>,
        pub replaced_by_id: Option<Uuid>,
        pub created_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The language of `label` (BCP 47).
        pub language: String,
        /// `skos:notation`, a code the term has in a classification.
        pub notation: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod synonym {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "term_synonyms")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub term_id: Uuid,
        pub label: String,
        pub search_key: String,
        pub position: i32,
        /// BCP 47 language tag, e.g. `de`, `en`.
        pub language: String,
        pub kind: LabelKind,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod relation {
    use super::*;

    /// `kind` is `BROADER` (other is broader than term) or `RELATED` (symmetric, stored once).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "term_relations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub term_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub other_id: Uuid,
        pub kind: RelationKind,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod definition {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "definitions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub term_id: Uuid,
        /// The text of the current version.
        pub text: String,
        pub version: i32,
        pub status: DefinitionStatus,
        pub source_publisher: Option<String>,
        pub source_statistic: Option<String>,
        pub source_date: Option<Date>,
        pub source_link: Option<String>,
        pub scope_note: Option<String>,
        pub valid_from: Option<Date>,
        pub valid_to: Option<Date>,
        pub created_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The language of `text` (BCP 47).
        pub language: String,
        pub scope_note_language: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod version {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "definition_versions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub definition_id: Uuid,
        pub version: i32,
        pub text: String,
        pub author_id: Option<Uuid>,
        /// How many edits of one sitting this version folds together.
        pub edits: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod review {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "definition_reviews")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub definition_id: Uuid,
        pub reviewer_id: Uuid,
        pub decision: ReviewDecision,
        pub reason: Option<String>,
        /// The definition version the review was given on.
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod mapping {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "definition_mappings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub definition_id: Uuid,
        pub target_definition_id: Option<Uuid>,
        pub target_uri: Option<String>,
        /// The target definition's id or the URI: unique per source definition.
        pub target_key: String,
        pub kind: MappingKind,
        pub note: Option<String>,
        pub created_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub note_language: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

impl German for TermStatus {
    fn german(self) -> &'static str {
        match self {
            TermStatus::Proposed => "Vorgeschlagen",
            TermStatus::Agreed => "Vereinbart",
            TermStatus::Deprecated => "Veraltet",
        }
    }
}

impl German for MappingKind {
    fn german(self) -> &'static str {
        match self {
            MappingKind::ExactMatch => "entspricht genau",
            MappingKind::CloseMatch => "entspricht weitgehend",
            MappingKind::BroaderMatch => "weiter gefasst",
            MappingKind::NarrowerMatch => "enger gefasst",
        }
    }
}
