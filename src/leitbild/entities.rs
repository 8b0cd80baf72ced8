//! Database rows of Leitbild editions: editions, fields of action, goals and goal versions, and
//! the monitoring's scope.

use async_graphql::Enum;
use sea_orm::entity::prelude::*;
use serde::Serialize;

/// `DRAFT` → `ADOPTED` → `ARCHIVED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum LeitbildStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "ADOPTED")]
    Adopted,
    #[sea_orm(string_value = "ARCHIVED")]
    Archived,
}

pub mod leitbild {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "leitbilder")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub title: String,
        pub year: i32,
        pub status: LeitbildStatus,
        pub based_on_id: Option<Uuid>,
        pub adopted_at: Option<DateTimeUtc>,
        pub resolution_reference: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod field_of_action {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "fields_of_action")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub leitbild_id: Uuid,
        pub position: i32,
        pub title: String,
        pub description: String,
        /// Removed fields stay for the record (and for proposals that refer to them).
        pub removed_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod goal {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "goals")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub field_of_action_id: Uuid,
        pub parent_goal_id: Option<Uuid>,
        pub position: i32,
        pub title: String,
        pub description: String,
        pub version: i32,
        pub removed_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod goal_version {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "goal_versions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub goal_id: Uuid,
        pub version: i32,
        pub title: String,
        pub description: String,
        /// Absent when the change came from an accepted proposal applied by the system.
        pub author_id: Option<Uuid>,
        pub proposal_id: Option<Uuid>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod monitoring_scope {
    use super::*;

    /// A field of action the monitoring covers so far; an edition without rows covers all fields.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "monitoring_scope")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub field_of_action_id: Uuid,
        pub leitbild_id: Uuid,
        pub added_by: Option<Uuid>,
        pub added_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
