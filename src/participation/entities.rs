//! Database rows of participation: processes, phases, participants, proposals, votes, comments
//! and dispositions.

use async_graphql::Enum;
use sea_orm::entity::prelude::*;
use serde::Serialize;

use crate::accounts::entities::Sector;
use crate::german::German;

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, Serialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(30))")]
        pub enum $name {
            $(#[sea_orm(string_value = $value)] $variant,)*
        }
    };
}

string_enum!(
    /// The phases of a process, always in this order.
    PhaseKind { Drafting = "DRAFTING", Consultation = "CONSULTATION", Voting = "VOTING", Resolution = "RESOLUTION" }
);
impl PhaseKind {
    /// The name clients see, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Drafting => "DRAFTING",
            Self::Consultation => "CONSULTATION",
            Self::Voting => "VOTING",
            Self::Resolution => "RESOLUTION",
        }
    }
}

string_enum!(ProcessStatus { Active = "ACTIVE", Completed = "COMPLETED" });
string_enum!(
    /// Who holds a vote: each person of a participating organisation, or each organisation.
    Eligibility { Person = "PERSON", Organization = "ORGANIZATION" }
);
string_enum!(ProposalKind {
    AddGoal = "ADD_GOAL",
    AmendGoal = "AMEND_GOAL",
    RemoveGoal = "REMOVE_GOAL",
    AddFieldOfAction = "ADD_FIELD_OF_ACTION",
    AmendFieldOfAction = "AMEND_FIELD_OF_ACTION",
    RemoveFieldOfAction = "REMOVE_FIELD_OF_ACTION",
});
string_enum!(ProposalStatus {
    Submitted = "SUBMITTED",
    InVote = "IN_VOTE",
    Accepted = "ACCEPTED",
    Rejected = "REJECTED",
    Withdrawn = "WITHDRAWN",
});
string_enum!(VoteChoice { Yes = "YES", No = "NO", Abstain = "ABSTAIN" });
string_enum!(Stance { Support = "SUPPORT", Oppose = "OPPOSE", Neutral = "NEUTRAL" });
string_enum!(
    /// Abwägung: what became of a contribution.
    DispositionDecision {
        TakenUp = "TAKEN_UP",
        PartlyTakenUp = "PARTLY_TAKEN_UP",
        NotTakenUp = "NOT_TAKEN_UP",
        Noted = "NOTED",
    }
);
string_enum!(SubjectKind { Proposal = "PROPOSAL", Comment = "COMMENT" });
string_enum!(
    /// What a comment is about.
    TargetKind {
        Proposal = "PROPOSAL",
        Goal = "GOAL",
        FieldOfAction = "FIELD_OF_ACTION",
        Definition = "DEFINITION",
        Indicator = "INDICATOR",
    }
);

pub mod process {
    use super::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "processes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub leitbild_id: Uuid,
        pub title: String,
        pub status: ProcessStatus,
        /// Position of the current phase; equals the number of phases once completed.
        pub current_phase: i32,
        /// End of the current phase, copied here so the scheduler finds due processes by index.
        pub phase_ends_at: Option<DateTimeUtc>,
        pub eligibility: Eligibility,
        pub quorum: f64,
        pub threshold: f64,
        pub sector_majority: bool,
        pub resolution_reference: Option<String>,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod phase {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "process_phases")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub process_id: Uuid,
        pub position: i32,
        pub kind: PhaseKind,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod participant {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "process_participants")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub process_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod proposal {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "proposals")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub process_id: Uuid,
        pub kind: ProposalKind,
        pub status: ProposalStatus,
        pub field_of_action_id: Option<Uuid>,
        pub goal_id: Option<Uuid>,
        pub title: String,
        pub text: String,
        pub rationale: String,
        pub author_id: Uuid,
        pub author_organization_id: Option<Uuid>,
        pub version: i32,
        /// The goal or field of action the accepted proposal created or changed.
        pub result_entity_id: Option<Uuid>,
        pub decided_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod vote {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "votes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub proposal_id: Uuid,
        /// The person, or under ORGANIZATION eligibility the organisation; unique per proposal.
        pub voter_id: Uuid,
        /// The person who cast (or last changed) the vote.
        pub cast_by: Uuid,
        pub organization_id: Option<Uuid>,
        pub sector: Option<Sector>,
        pub choice: VoteChoice,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod comment {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub target_id: Uuid,
        pub target_kind: TargetKind,
        /// The process whose consultation the comment belongs to, if any (for dispositions).
        pub process_id: Option<Uuid>,
        pub parent_id: Option<Uuid>,
        pub author_id: Uuid,
        pub body: String,
        pub stance: Stance,
        pub anchor: Option<String>,
        pub version: i32,
        pub hidden_at: Option<DateTimeUtc>,
        pub hidden_by: Option<Uuid>,
        pub hidden_reason: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod comment_version {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comment_versions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub comment_id: Uuid,
        pub version: i32,
        pub body: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod disposition {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dispositions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub process_id: Uuid,
        #[sea_orm(unique)]
        pub subject_id: Uuid,
        pub subject_kind: SubjectKind,
        pub decision: DispositionDecision,
        pub reason: String,
        /// The change the contribution caused: an id in the draft or a URL.
        pub link: Option<String>,
        pub decided_by: Uuid,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

// The words people read in downloads, mails and the audit log: the web app's
// (`frontend/src/i18n/de.json`), except the Abwägung's decisions (see `crate::german`).
impl German for ProposalStatus {
    fn german(self) -> &'static str {
        match self {
            ProposalStatus::Submitted => "Eingereicht",
            ProposalStatus::InVote => "In Abstimmung",
            ProposalStatus::Accepted => "Angenommen",
            ProposalStatus::Rejected => "Abgelehnt",
            ProposalStatus::Withdrawn => "Zurückgezogen",
        }
    }
}

impl German for DispositionDecision {
    fn german(self) -> &'static str {
        match self {
            DispositionDecision::TakenUp => "berücksichtigt",
            DispositionDecision::PartlyTakenUp => "teilweise berücksichtigt",
            DispositionDecision::NotTakenUp => "nicht berücksichtigt",
            DispositionDecision::Noted => "zur Kenntnis genommen",
        }
    }
}

impl German for SubjectKind {
    fn german(self) -> &'static str {
        match self {
            SubjectKind::Proposal => "Vorschlag",
            SubjectKind::Comment => "Kommentar",
        }
    }
}

impl German for ProposalKind {
    fn german(self) -> &'static str {
        match self {
            ProposalKind::AddGoal => "Neues Ziel",
            ProposalKind::AmendGoal => "Ziel ändern",
            ProposalKind::RemoveGoal => "Ziel streichen",
            ProposalKind::AddFieldOfAction => "Neues Handlungsfeld",
            ProposalKind::AmendFieldOfAction => "Handlungsfeld ändern",
            ProposalKind::RemoveFieldOfAction => "Handlungsfeld streichen",
        }
    }
}
