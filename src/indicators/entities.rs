//! Database rows of the monitoring: indicators, their goal/term links, ownership, reviews, deliveries.

use crate::german::German;
use async_graphql::Enum;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(30))")]
pub enum SourceKind {
    #[sea_orm(string_value = "OFFICIAL_STATISTICS")]
    OfficialStatistics,
    #[sea_orm(string_value = "DEPARTMENT")]
    Department,
    #[sea_orm(string_value = "STATISTICS_OFFICE")]
    StatisticsOffice,
    #[sea_orm(string_value = "SURVEY")]
    Survey,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum Periodicity {
    #[sea_orm(string_value = "YEARLY")]
    Yearly,
    #[sea_orm(string_value = "HALF_YEARLY")]
    HalfYearly,
    #[sea_orm(string_value = "QUARTERLY")]
    Quarterly,
}

/// Which way an indicator should move to meet its goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize, serde::Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum TargetDirection {
    #[sea_orm(string_value = "HIGHER_IS_BETTER")]
    HigherIsBetter,
    #[sea_orm(string_value = "LOWER_IS_BETTER")]
    LowerIsBetter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum DeliveryStatus {
    #[sea_orm(string_value = "REQUESTED")]
    Requested,
    #[sea_orm(string_value = "DELIVERED")]
    Delivered,
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    #[sea_orm(string_value = "RETURNED")]
    Returned,
}

impl DeliveryStatus {
    /// Still owed by the department.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Requested | Self::Returned)
    }
}

pub mod indicator {
    use super::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicators")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        pub unit: String,
        pub source_kind: SourceKind,
        pub source_description: String,
        pub periodicity: Periodicity,
        pub target_value: Option<f64>,
        pub target_direction: Option<TargetDirection>,
        pub owner_id: Uuid,
        pub responsible_user_id: Option<Uuid>,
        pub deputy_user_id: Option<Uuid>,
        pub review_interval_months: i32,
        pub next_review_at: DateTimeUtc,
        /// When the review reminder is due; cleared once it is queued.
        pub review_reminder_at: Option<DateTimeUtc>,
        /// When the next period's delivery is requested automatically.
        pub next_auto_request_at: Option<DateTimeUtc>,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod indicator_goal {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicator_goals")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub indicator_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub goal_id: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod indicator_term {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicator_terms")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub indicator_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub term_id: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ownership {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicator_ownerships")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub indicator_id: Uuid,
        pub owner_id: Uuid,
        pub responsible_user_id: Option<Uuid>,
        pub deputy_user_id: Option<Uuid>,
        pub assigned_by: Option<Uuid>,
        pub from_at: DateTimeUtc,
        pub until_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod review {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicator_reviews")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub indicator_id: Uuid,
        pub reviewed_by: Uuid,
        pub note: Option<String>,
        pub reviewed_at: DateTimeUtc,
        pub next_review_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod delivery {
    use super::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "data_deliveries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub indicator_id: Uuid,
        /// The owning organisation while the delivery is open; kept for the on-time rate.
        pub owner_id: Uuid,
        pub period: String,
        pub due_at: DateTimeUtc,
        /// Set by "no new data yet": reminders count from here instead of `due_at`.
        pub expected_at: Option<DateTimeUtc>,
        pub status: DeliveryStatus,
        pub value: Option<f64>,
        /// JSON object: dimension → { category → value }.
        pub breakdown: Option<String>,
        pub note: Option<String>,
        pub definition_id: Option<Uuid>,
        pub no_data_reason: Option<String>,
        pub return_reason: Option<String>,
        pub delivered_by: Option<Uuid>,
        pub delivered_at: Option<DateTimeUtc>,
        /// Whether the first confirmation came by the due date.
        pub on_time: Option<bool>,
        pub accepted_by: Option<Uuid>,
        pub accepted_at: Option<DateTimeUtc>,
        pub next_reminder_at: Option<DateTimeUtc>,
        /// Bumped whenever the reminder schedule restarts (new expected date, returned).
        pub reminder_epoch: i32,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    impl Model {
        /// The date reminders count towards.
        pub fn effective_due(&self) -> DateTimeUtc {
            self.expected_at.unwrap_or(self.due_at)
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

impl German for TargetDirection {
    fn german(self) -> &'static str {
        match self {
            TargetDirection::HigherIsBetter => "höher ist besser",
            TargetDirection::LowerIsBetter => "niedriger ist besser",
        }
    }
}
