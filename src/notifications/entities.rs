//! Database rows of the outbox: notifications, per-person settings, and server secrets.

use async_graphql::Enum;
use sea_orm::entity::prelude::*;
use serde::Serialize;

/// Why a mail is sent; each kind has its own timing rules in the area that enqueues it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(30))")]
pub enum NotificationKind {
    #[sea_orm(string_value = "DELIVERY_DUE")]
    DeliveryDue,
    #[sea_orm(string_value = "DELIVERY_OVERDUE")]
    DeliveryOverdue,
    #[sea_orm(string_value = "REVIEW_DUE")]
    ReviewDue,
    #[sea_orm(string_value = "VOTE_CLOSING")]
    VoteClosing,
    #[sea_orm(string_value = "COMMENT_REPLY")]
    CommentReply,
    #[sea_orm(string_value = "OWNER_ASSIGNED")]
    OwnerAssigned,
    #[sea_orm(string_value = "DELIVERY_RETURNED")]
    DeliveryReturned,
    #[sea_orm(string_value = "DIGEST")]
    Digest,
    /// A single-use sign-in link: sent at once, never folded into a digest.
    #[sea_orm(string_value = "SIGN_IN_LINK")]
    SignInLink,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum NotificationStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Claimed by a sender until `lease_until`; a sender that dies leaves it to expire.
    #[sea_orm(string_value = "SENDING")]
    Sending,
    #[sea_orm(string_value = "SENT")]
    Sent,
    #[sea_orm(string_value = "FAILED")]
    Failed,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
    /// Not mailed: the recipient switched e-mails off. Shown in the app's notification centre.
    #[sea_orm(string_value = "IN_APP_ONLY")]
    InAppOnly,
}

/// How a person receives their notifications by mail; the app's notification centre shows them
/// in every mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize)]
pub enum MailMode {
    /// One mail per notification.
    Single,
    /// One mail a day with all of them.
    Digest,
    /// No mails at all, but sign-in links the person asks for.
    Off,
}

pub mod notification {
    use super::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "notifications")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub recipient_id: Uuid,
        pub kind: NotificationKind,
        #[sea_orm(unique)]
        pub dedupe_key: String,
        pub status: NotificationStatus,
        pub due_at: DateTimeUtc,
        pub subject: String,
        pub body_text: String,
        pub body_html: Option<String>,
        pub link: Option<String>,
        /// JSON array of user ids in copy.
        pub cc: String,
        pub attempts: i32,
        pub next_attempt_at: DateTimeUtc,
        pub lease_until: Option<DateTimeUtc>,
        pub lease_token: Option<Uuid>,
        /// Fixed at enqueue time, so that a resend after an unclear outcome is recognisable.
        pub message_id: String,
        pub last_error: Option<String>,
        pub sent_at: Option<DateTimeUtc>,
        /// The recipient reads these in the daily digest instead of one mail each.
        pub via_digest: bool,
        pub digest_id: Option<Uuid>,
        pub created_at: DateTimeUtc,
        /// When the recipient marked it read in the app's notification centre.
        pub read_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod settings {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notification_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        pub digest: bool,
        /// No mails (but sign-in links, which the person asks for): notifications in the app only.
        pub mail_off: bool,
        #[sea_orm(unique)]
        pub calendar_token: String,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        pub fn mail_mode(&self) -> MailMode {
            match (self.mail_off, self.digest) {
                (true, _) => MailMode::Off,
                (false, true) => MailMode::Digest,
                (false, false) => MailMode::Single,
            }
        }
    }
}

pub mod app_secret {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "app_secrets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub value: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
