//! Reference values: named comparison series (the state, Germany, similar cities) beside an
//! indicator's own series, with a value per period.

use sea_orm_migration::{prelude::*, schema::*};

use crate::kit::{OnDelete, create_indexes, fk, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReferenceSeries {
    Table,
    Id,
    IndicatorId,
    Label,
    Kind,
    Source,
    Version,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReferenceValues {
    Table,
    SeriesId,
    Period,
    Value,
}

#[derive(DeriveIden)]
enum Indicators {
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
                    .table(ReferenceSeries::Table)
                    .col(uuid(ReferenceSeries::Id).primary_key())
                    .col(uuid(ReferenceSeries::IndicatorId))
                    .col(string_len(ReferenceSeries::Label, 80))
                    .col(string_len(ReferenceSeries::Kind, 20))
                    .col(string_len_null(ReferenceSeries::Source, 200))
                    .col(integer(ReferenceSeries::Version))
                    .col(uuid_null(ReferenceSeries::UpdatedBy))
                    .col(timestamp_with_time_zone(ReferenceSeries::CreatedAt))
                    .col(timestamp_with_time_zone(ReferenceSeries::UpdatedAt))
                    .foreign_key(&mut fk(
                        ReferenceSeries::Table,
                        ReferenceSeries::IndicatorId,
                        Indicators::Table,
                        Indicators::Id,
                        OnDelete::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ReferenceSeries::Table,
                        ReferenceSeries::UpdatedBy,
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
                    .table(ReferenceValues::Table)
                    .col(uuid(ReferenceValues::SeriesId))
                    .col(string_len(ReferenceValues::Period, 20))
                    .col(double(ReferenceValues::Value))
                    .primary_key(Index::create().col(ReferenceValues::SeriesId).col(ReferenceValues::Period))
                    .foreign_key(&mut fk(
                        ReferenceValues::Table,
                        ReferenceValues::SeriesId,
                        ReferenceSeries::Table,
                        ReferenceSeries::Id,
                        OnDelete::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            [unique_index(ReferenceSeries::Table, [ReferenceSeries::IndicatorId, ReferenceSeries::Label])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ReferenceValues::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ReferenceSeries::Table).to_owned()).await
    }
}
