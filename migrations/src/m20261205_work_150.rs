//! The in-app notification centre reads the outbox: when its recipient marked a row read.

use sea_orm_migration::{prelude::*, schema::*};

use crate::kit;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    RecipientId,
    ReadAt,
    DueAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .add_column(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .to_owned(),
            )
            .await?;
        // The unread count in the header runs on every page: one person's rows by due time.
        kit::create_indexes(
            manager,
            [kit::index(
                Notifications::Table,
                [Notifications::RecipientId, Notifications::ReadAt, Notifications::DueAt],
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_notifications_recipient_id_read_at_due_at")
                    .table(Notifications::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(Notifications::Table).drop_column(Notifications::ReadAt).to_owned())
            .await
    }
}
