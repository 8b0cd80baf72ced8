//! GENESIS imports: an indicator's mapping of a statistics table, and where each imported value
//! came from (table, source, licence, retrieval date).

use sea_orm_migration::{prelude::*, schema::*};

use crate::kit::{OnDelete, create_indexes, fk, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GenesisMappings {
    Table,
    Id,
    IndicatorId,
    TableCode,
    ValueVariable,
    Filters,
    DefinitionId,
    Source,
    Version,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ValueSources {
    Table,
    DeliveryId,
    TableCode,
    Source,
    Licence,
    RetrievedOn,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DataDeliveries {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Definitions {
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
                    .table(GenesisMappings::Table)
                    .col(uuid(GenesisMappings::Id).primary_key())
                    .col(uuid(GenesisMappings::IndicatorId))
                    .col(string_len(GenesisMappings::TableCode, 60))
                    .col(string_len(GenesisMappings::ValueVariable, 60))
                    .col(text(GenesisMappings::Filters))
                    .col(uuid_null(GenesisMappings::DefinitionId))
                    .col(string_len(GenesisMappings::Source, 200))
                    .col(integer(GenesisMappings::Version))
                    .col(uuid_null(GenesisMappings::UpdatedBy))
                    .col(timestamp_with_time_zone(GenesisMappings::CreatedAt))
                    .col(timestamp_with_time_zone(GenesisMappings::UpdatedAt))
                    .foreign_key(&mut fk(
                        GenesisMappings::Table,
                        GenesisMappings::IndicatorId,
                        Indicators::Table,
                        Indicators::Id,
                        OnDelete::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        GenesisMappings::Table,
                        GenesisMappings::DefinitionId,
                        Definitions::Table,
                        Definitions::Id,
                        OnDelete::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        GenesisMappings::Table,
                        GenesisMappings::UpdatedBy,
                        Users::Table,
                        Users::Id,
                        OnDelete::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ValueSources::Table)
                    .col(uuid(ValueSources::DeliveryId).primary_key())
                    .col(string_len(ValueSources::TableCode, 60))
                    .col(string_len(ValueSources::Source, 200))
                    .col(string_len(ValueSources::Licence, 40))
                    .col(date(ValueSources::RetrievedOn))
                    .col(timestamp_with_time_zone(ValueSources::ImportedAt))
                    .foreign_key(&mut fk(
                        ValueSources::Table,
                        ValueSources::DeliveryId,
                        DataDeliveries::Table,
                        DataDeliveries::Id,
                        OnDelete::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, [unique_index(GenesisMappings::Table, [GenesisMappings::IndicatorId])]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ValueSources::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(GenesisMappings::Table).to_owned()).await
    }
}
