//! The monitoring's scope: the fields of action of an edition the monitoring covers so far. A city
//! starts with one or a few fields and adds more; no row for an edition means all of its fields.

use sea_orm_migration::{prelude::*, schema::*};

use crate::kit::{OnDelete, create_indexes, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MonitoringScope {
    Table,
    FieldOfActionId,
    LeitbildId,
    AddedBy,
    AddedAt,
}

#[derive(DeriveIden)]
enum FieldsOfAction {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Leitbilder {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MonitoringScope::Table)
                    .col(uuid(MonitoringScope::FieldOfActionId).primary_key())
                    .col(uuid(MonitoringScope::LeitbildId))
                    .col(uuid_null(MonitoringScope::AddedBy))
                    .col(timestamp_with_time_zone(MonitoringScope::AddedAt))
                    .foreign_key(&mut fk(
                        MonitoringScope::Table,
                        MonitoringScope::FieldOfActionId,
                        FieldsOfAction::Table,
                        FieldsOfAction::Id,
                        OnDelete::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        MonitoringScope::Table,
                        MonitoringScope::LeitbildId,
                        Leitbilder::Table,
                        Leitbilder::Id,
                        OnDelete::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        MonitoringScope::Table,
                        MonitoringScope::AddedBy,
                        Users::Table,
                        Users::Id,
                        OnDelete::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, [index(MonitoringScope::Table, [MonitoringScope::LeitbildId])]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MonitoringScope::Table).to_owned()).await
    }
}
