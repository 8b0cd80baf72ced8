//! Database rows of imports: an indicator's GENESIS table mapping and each imported value's source.

use sea_orm::entity::prelude::*;

pub mod genesis_mapping {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "genesis_mappings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(unique)]
        pub indicator_id: Uuid,
        pub table_code: String,
        pub value_variable: String,
        /// JSON list of `{ variable, attribute }`.
        pub filters: String,
        /// The glossary definition the table's values follow; a new one breaks the series.
        pub definition_id: Option<Uuid>,
        /// Where the table comes from, e.g. "Landesdatenbank NRW".
        pub source: String,
        pub version: i32,
        pub updated_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod value_source {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "value_sources")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub delivery_id: Uuid,
        pub table_code: String,
        pub source: String,
        pub licence: String,
        pub retrieved_on: Date,
        pub imported_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
