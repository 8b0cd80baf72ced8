//! Leitbild editions, fields of action, versioned goals, participation processes, proposals,
//! votes, comments and dispositions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Leitbilder {
    Table,
    Id,
    Title,
    Year,
    Status,
    BasedOnId,
    AdoptedAt,
    ResolutionReference,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FieldsOfAction {
    Table,
    Id,
    LeitbildId,
    Position,
    Title,
    Description,
    RemovedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Goals {
    Table,
    Id,
    FieldOfActionId,
    ParentGoalId,
    Position,
    Title,
    Description,
    Version,
    RemovedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GoalVersions {
    Table,
    Id,
    GoalId,
    Version,
    Title,
    Description,
    AuthorId,
    ProposalId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Processes {
    Table,
    Id,
    LeitbildId,
    Title,
    Status,
    CurrentPhase,
    PhaseEndsAt,
    Eligibility,
    Quorum,
    Threshold,
    SectorMajority,
    ResolutionReference,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProcessPhases {
    Table,
    Id,
    ProcessId,
    Position,
    Kind,
    StartsAt,
    EndsAt,
}

#[derive(DeriveIden)]
enum ProcessParticipants {
    Table,
    ProcessId,
    OrganizationId,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    ProcessId,
    Kind,
    Status,
    FieldOfActionId,
    GoalId,
    Title,
    Text,
    Rationale,
    AuthorId,
    AuthorOrganizationId,
    Version,
    ResultEntityId,
    DecidedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Votes {
    Table,
    Id,
    ProposalId,
    VoterId,
    CastBy,
    OrganizationId,
    Sector,
    Choice,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    TargetId,
    TargetKind,
    ProcessId,
    ParentId,
    AuthorId,
    Body,
    Stance,
    Anchor,
    Version,
    HiddenAt,
    HiddenBy,
    HiddenReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CommentVersions {
    Table,
    Id,
    CommentId,
    Version,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Dispositions {
    Table,
    Id,
    ProcessId,
    SubjectId,
    SubjectKind,
    Decision,
    Reason,
    Link,
    DecidedBy,
    CreatedAt,
    UpdatedAt,
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Restrict).to_owned()
}

async fn index(manager: &SchemaManager<'_>, name: &str, table: impl IntoIden, cols: Vec<DynIden>) -> Result<(), DbErr> {
    let mut stmt = Index::create().name(name).table(table).to_owned();
    for c in cols {
        stmt.col(c);
    }
    manager.create_index(stmt).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Leitbilder::Table)
                    .col(uuid(Leitbilder::Id).primary_key())
                    .col(string_len(Leitbilder::Title, 200))
                    .col(integer(Leitbilder::Year))
                    .col(string_len(Leitbilder::Status, 20))
                    .col(uuid_null(Leitbilder::BasedOnId))
                    .col(timestamp_with_time_zone_null(Leitbilder::AdoptedAt))
                    .col(string_len_null(Leitbilder::ResolutionReference, 200))
                    .col(timestamp_with_time_zone(Leitbilder::CreatedAt))
                    .col(timestamp_with_time_zone(Leitbilder::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Leitbilder::Table, Leitbilder::BasedOnId),
                        (Leitbilder::Table, Leitbilder::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FieldsOfAction::Table)
                    .col(uuid(FieldsOfAction::Id).primary_key())
                    .col(uuid(FieldsOfAction::LeitbildId))
                    .col(integer(FieldsOfAction::Position))
                    .col(string_len(FieldsOfAction::Title, 200))
                    .col(text(FieldsOfAction::Description))
                    .col(timestamp_with_time_zone_null(FieldsOfAction::RemovedAt))
                    .col(timestamp_with_time_zone(FieldsOfAction::CreatedAt))
                    .col(timestamp_with_time_zone(FieldsOfAction::UpdatedAt))
                    .foreign_key(&mut fk(
                        (FieldsOfAction::Table, FieldsOfAction::LeitbildId),
                        (Leitbilder::Table, Leitbilder::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_fields_leitbild", FieldsOfAction::Table, vec![FieldsOfAction::LeitbildId.into_iden()])
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Goals::Table)
                    .col(uuid(Goals::Id).primary_key())
                    .col(uuid(Goals::FieldOfActionId))
                    .col(uuid_null(Goals::ParentGoalId))
                    .col(integer(Goals::Position))
                    .col(string_len(Goals::Title, 300))
                    .col(text(Goals::Description))
                    .col(integer(Goals::Version))
                    .col(timestamp_with_time_zone_null(Goals::RemovedAt))
                    .col(timestamp_with_time_zone(Goals::CreatedAt))
                    .col(timestamp_with_time_zone(Goals::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Goals::Table, Goals::FieldOfActionId),
                        (FieldsOfAction::Table, FieldsOfAction::Id),
                    ))
                    .foreign_key(&mut fk((Goals::Table, Goals::ParentGoalId), (Goals::Table, Goals::Id)))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_goals_field", Goals::Table, vec![Goals::FieldOfActionId.into_iden()]).await?;
        index(manager, "idx_goals_parent", Goals::Table, vec![Goals::ParentGoalId.into_iden()]).await?;
        manager
            .create_table(
                Table::create()
                    .table(GoalVersions::Table)
                    .col(uuid(GoalVersions::Id).primary_key())
                    .col(uuid(GoalVersions::GoalId))
                    .col(integer(GoalVersions::Version))
                    .col(string_len(GoalVersions::Title, 300))
                    .col(text(GoalVersions::Description))
                    .col(uuid_null(GoalVersions::AuthorId))
                    .col(uuid_null(GoalVersions::ProposalId))
                    .col(timestamp_with_time_zone(GoalVersions::CreatedAt))
                    .foreign_key(&mut fk((GoalVersions::Table, GoalVersions::GoalId), (Goals::Table, Goals::Id)))
                    .foreign_key(&mut fk((GoalVersions::Table, GoalVersions::AuthorId), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_goal_versions")
                    .table(GoalVersions::Table)
                    .col(GoalVersions::GoalId)
                    .col(GoalVersions::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Processes::Table)
                    .col(uuid(Processes::Id).primary_key())
                    .col(uuid_uniq(Processes::LeitbildId))
                    .col(string_len(Processes::Title, 200))
                    .col(string_len(Processes::Status, 20))
                    .col(integer(Processes::CurrentPhase))
                    .col(timestamp_with_time_zone_null(Processes::PhaseEndsAt))
                    .col(string_len(Processes::Eligibility, 20))
                    .col(double(Processes::Quorum))
                    .col(double(Processes::Threshold))
                    .col(boolean(Processes::SectorMajority))
                    .col(string_len_null(Processes::ResolutionReference, 200))
                    .col(uuid(Processes::CreatedBy))
                    .col(timestamp_with_time_zone(Processes::CreatedAt))
                    .col(timestamp_with_time_zone(Processes::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Processes::Table, Processes::LeitbildId),
                        (Leitbilder::Table, Leitbilder::Id),
                    ))
                    .foreign_key(&mut fk((Processes::Table, Processes::CreatedBy), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_processes_due",
            Processes::Table,
            vec![Processes::Status.into_iden(), Processes::PhaseEndsAt.into_iden()],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProcessPhases::Table)
                    .col(uuid(ProcessPhases::Id).primary_key())
                    .col(uuid(ProcessPhases::ProcessId))
                    .col(integer(ProcessPhases::Position))
                    .col(string_len(ProcessPhases::Kind, 20))
                    .col(timestamp_with_time_zone(ProcessPhases::StartsAt))
                    .col(timestamp_with_time_zone(ProcessPhases::EndsAt))
                    .foreign_key(&mut fk(
                        (ProcessPhases::Table, ProcessPhases::ProcessId),
                        (Processes::Table, Processes::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_process_phases")
                    .table(ProcessPhases::Table)
                    .col(ProcessPhases::ProcessId)
                    .col(ProcessPhases::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProcessParticipants::Table)
                    .col(uuid(ProcessParticipants::ProcessId))
                    .col(uuid(ProcessParticipants::OrganizationId))
                    .primary_key(
                        Index::create().col(ProcessParticipants::ProcessId).col(ProcessParticipants::OrganizationId),
                    )
                    .foreign_key(&mut fk(
                        (ProcessParticipants::Table, ProcessParticipants::ProcessId),
                        (Processes::Table, Processes::Id),
                    ))
                    .foreign_key(&mut fk(
                        (ProcessParticipants::Table, ProcessParticipants::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Proposals::Table)
                    .col(uuid(Proposals::Id).primary_key())
                    .col(uuid(Proposals::ProcessId))
                    .col(string_len(Proposals::Kind, 30))
                    .col(string_len(Proposals::Status, 20))
                    .col(uuid_null(Proposals::FieldOfActionId))
                    .col(uuid_null(Proposals::GoalId))
                    .col(string_len(Proposals::Title, 300))
                    .col(text(Proposals::Text))
                    .col(text(Proposals::Rationale))
                    .col(uuid(Proposals::AuthorId))
                    .col(uuid_null(Proposals::AuthorOrganizationId))
                    .col(integer(Proposals::Version))
                    .col(uuid_null(Proposals::ResultEntityId))
                    .col(timestamp_with_time_zone_null(Proposals::DecidedAt))
                    .col(timestamp_with_time_zone(Proposals::CreatedAt))
                    .col(timestamp_with_time_zone(Proposals::UpdatedAt))
                    .foreign_key(&mut fk((Proposals::Table, Proposals::ProcessId), (Processes::Table, Processes::Id)))
                    .foreign_key(&mut fk((Proposals::Table, Proposals::AuthorId), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_proposals_process", Proposals::Table, vec![Proposals::ProcessId.into_iden()]).await?;
        manager
            .create_table(
                Table::create()
                    .table(Votes::Table)
                    .col(uuid(Votes::Id).primary_key())
                    .col(uuid(Votes::ProposalId))
                    .col(uuid(Votes::VoterId))
                    .col(uuid(Votes::CastBy))
                    .col(uuid_null(Votes::OrganizationId))
                    .col(string_len_null(Votes::Sector, 20))
                    .col(string_len(Votes::Choice, 10))
                    .col(timestamp_with_time_zone(Votes::CreatedAt))
                    .col(timestamp_with_time_zone(Votes::UpdatedAt))
                    .foreign_key(&mut fk((Votes::Table, Votes::ProposalId), (Proposals::Table, Proposals::Id)))
                    .foreign_key(&mut fk((Votes::Table, Votes::CastBy), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        // One vote per voter (a person, or an organisation under ORGANIZATION eligibility).
        manager
            .create_index(
                Index::create()
                    .name("uq_votes_voter")
                    .table(Votes::Table)
                    .col(Votes::ProposalId)
                    .col(Votes::VoterId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_votes_updated", Votes::Table, vec![Votes::UpdatedAt.into_iden()]).await?;
        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .col(uuid(Comments::Id).primary_key())
                    .col(uuid(Comments::TargetId))
                    .col(string_len(Comments::TargetKind, 30))
                    .col(uuid_null(Comments::ProcessId))
                    .col(uuid_null(Comments::ParentId))
                    .col(uuid(Comments::AuthorId))
                    .col(text(Comments::Body))
                    .col(string_len(Comments::Stance, 10))
                    .col(text_null(Comments::Anchor))
                    .col(integer(Comments::Version))
                    .col(timestamp_with_time_zone_null(Comments::HiddenAt))
                    .col(uuid_null(Comments::HiddenBy))
                    .col(text_null(Comments::HiddenReason))
                    .col(timestamp_with_time_zone(Comments::CreatedAt))
                    .col(timestamp_with_time_zone(Comments::UpdatedAt))
                    .foreign_key(&mut fk((Comments::Table, Comments::ParentId), (Comments::Table, Comments::Id)))
                    .foreign_key(&mut fk((Comments::Table, Comments::AuthorId), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_comments_target_time",
            Comments::Table,
            vec![Comments::TargetId.into_iden(), Comments::CreatedAt.into_iden()],
        )
        .await?;
        index(manager, "idx_comments_parent", Comments::Table, vec![Comments::ParentId.into_iden()]).await?;
        index(manager, "idx_comments_process", Comments::Table, vec![Comments::ProcessId.into_iden()]).await?;
        index(manager, "idx_comments_created", Comments::Table, vec![Comments::CreatedAt.into_iden()]).await?;
        manager
            .create_table(
                Table::create()
                    .table(CommentVersions::Table)
                    .col(uuid(CommentVersions::Id).primary_key())
                    .col(uuid(CommentVersions::CommentId))
                    .col(integer(CommentVersions::Version))
                    .col(text(CommentVersions::Body))
                    .col(timestamp_with_time_zone(CommentVersions::CreatedAt))
                    .foreign_key(&mut fk(
                        (CommentVersions::Table, CommentVersions::CommentId),
                        (Comments::Table, Comments::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_comment_versions")
                    .table(CommentVersions::Table)
                    .col(CommentVersions::CommentId)
                    .col(CommentVersions::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Dispositions::Table)
                    .col(uuid(Dispositions::Id).primary_key())
                    .col(uuid(Dispositions::ProcessId))
                    .col(uuid_uniq(Dispositions::SubjectId))
                    .col(string_len(Dispositions::SubjectKind, 20))
                    .col(string_len(Dispositions::Decision, 20))
                    .col(text(Dispositions::Reason))
                    .col(text_null(Dispositions::Link))
                    .col(uuid(Dispositions::DecidedBy))
                    .col(timestamp_with_time_zone(Dispositions::CreatedAt))
                    .col(timestamp_with_time_zone(Dispositions::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Dispositions::Table, Dispositions::ProcessId),
                        (Processes::Table, Processes::Id),
                    ))
                    .foreign_key(&mut fk((Dispositions::Table, Dispositions::DecidedBy), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_dispositions_process", Dispositions::Table, vec![Dispositions::ProcessId.into_iden()]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Dispositions::Table.into_iden(),
            CommentVersions::Table.into_iden(),
            Comments::Table.into_iden(),
            Votes::Table.into_iden(),
            Proposals::Table.into_iden(),
            ProcessParticipants::Table.into_iden(),
            ProcessPhases::Table.into_iden(),
            Processes::Table.into_iden(),
            GoalVersions::Table.into_iden(),
            Goals::Table.into_iden(),
            FieldsOfAction::Table.into_iden(),
            Leitbilder::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
