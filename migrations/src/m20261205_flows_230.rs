//! Filters on the proposal list of a process: by status, by submitting organisation and by field
//! of action (the field itself or one of its goals) run in SQL on these indexes.

use sea_orm_migration::prelude::*;

use crate::kit;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Proposals {
    Table,
    ProcessId,
    Status,
    AuthorOrganizationId,
    FieldOfActionId,
    GoalId,
}

const NAMES: [&str; 4] = [
    "idx_proposals_process_id_status",
    "idx_proposals_process_id_author_organization_id",
    "idx_proposals_field_of_action_id",
    "idx_proposals_goal_id",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        kit::create_indexes(
            manager,
            [
                kit::index(Proposals::Table, [Proposals::ProcessId, Proposals::Status]),
                kit::index(Proposals::Table, [Proposals::ProcessId, Proposals::AuthorOrganizationId]),
                kit::index(Proposals::Table, [Proposals::FieldOfActionId]),
                kit::index(Proposals::Table, [Proposals::GoalId]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in NAMES {
            manager.drop_index(Index::drop().name(name).table(Proposals::Table).to_owned()).await?;
        }
        Ok(())
    }
}
