//! Database rows of the districts: the code list, the uploaded boundaries, and each indicator's
//! small-number suppression rule.

use sea_orm::entity::prelude::*;

pub mod district {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "districts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The official key, e.g. `01` or `05515000-01`.
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        /// The Stadtbezirk a Stadtteil lies in.
        pub parent_id: Option<Uuid>,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod district_map {
    use super::*;

    /// The one GeoJSON of the city's districts; a new upload replaces it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "district_maps")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The feature property that carries the district code.
        pub code_property: String,
        #[sea_orm(column_type = "Text")]
        pub geojson: String,
        pub features: i32,
        pub bytes: i64,
        pub uploaded_by: Option<Uuid>,
        pub uploaded_at: DateTimeUtc,
        pub version: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod privacy {
    use super::*;

    /// An indicator's suppression rule: values below `suppress_below` are not shown publicly.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicator_privacy")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub indicator_id: Uuid,
        pub suppress_below: f64,
        pub version: i32,
        pub updated_by: Option<Uuid>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
