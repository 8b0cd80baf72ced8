//! Tables of the report area: texts per field of action, frozen reports, publications.

use sea_orm::entity::prelude::*;

pub mod report_text {
    use super::*;

    /// The coordinator's text on a field of action for the next report; frozen reports copy it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_texts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub field_of_action_id: Uuid,
        pub leitbild_id: Uuid,
        pub text: String,
        pub version: i32,
        pub updated_by: Option<Uuid>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod frozen_report {
    use super::*;

    /// A numbered report whose `content` (the report document as JSON) never changes again.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "frozen_reports")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub leitbild_id: Uuid,
        #[sea_orm(unique)]
        pub number: i32,
        pub title: String,
        pub from_period: Option<String>,
        pub to_period: Option<String>,
        #[sea_orm(column_type = "Text")]
        pub content: String,
        pub frozen_by: Option<Uuid>,
        pub frozen_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod publication {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum)]
    #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
    pub enum PublicationKind {
        /// An adopted Leitbild edition, with the public status of its indicators.
        #[sea_orm(string_value = "LEITBILD")]
        Leitbild,
        /// The agreed terms and definitions of the glossary, and its SKOS export.
        #[sea_orm(string_value = "GLOSSARY")]
        Glossary,
        /// A frozen report.
        #[sea_orm(string_value = "REPORT")]
        Report,
    }

    /// Something readable without login; a row exists exactly while it is published.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "publications")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub target_id: Uuid,
        pub kind: PublicationKind,
        pub published_by: Option<Uuid>,
        pub published_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
