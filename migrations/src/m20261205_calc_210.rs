//! Computed indicators: an indicator defined as numerator ÷ denominator × factor, both inputs
//! indicators of the catalogue.

use sea_orm_migration::{prelude::*, schema::*};

use crate::kit::{OnDelete, create_indexes, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IndicatorFormulas {
    Table,
    IndicatorId,
    NumeratorId,
    DenominatorId,
    Factor,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
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
                    .table(IndicatorFormulas::Table)
                    .col(uuid(IndicatorFormulas::IndicatorId).primary_key())
                    .col(uuid(IndicatorFormulas::NumeratorId))
                    .col(uuid(IndicatorFormulas::DenominatorId))
                    .col(integer(IndicatorFormulas::Factor))
                    .col(uuid_null(IndicatorFormulas::UpdatedBy))
                    .col(timestamp_with_time_zone(IndicatorFormulas::CreatedAt))
                    .col(timestamp_with_time_zone(IndicatorFormulas::UpdatedAt))
                    .foreign_key(&mut fk(
                        IndicatorFormulas::Table,
                        IndicatorFormulas::IndicatorId,
                        Indicators::Table,
                        Indicators::Id,
                        OnDelete::Cascade,
                    ))
                    // An input in use cannot disappear under the figure that rests on it.
                    .foreign_key(&mut fk(
                        IndicatorFormulas::Table,
                        IndicatorFormulas::NumeratorId,
                        Indicators::Table,
                        Indicators::Id,
                        OnDelete::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        IndicatorFormulas::Table,
                        IndicatorFormulas::DenominatorId,
                        Indicators::Table,
                        Indicators::Id,
                        OnDelete::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        IndicatorFormulas::Table,
                        IndicatorFormulas::UpdatedBy,
                        Users::Table,
                        Users::Id,
                        OnDelete::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            [
                index(IndicatorFormulas::Table, [IndicatorFormulas::NumeratorId]),
                index(IndicatorFormulas::Table, [IndicatorFormulas::DenominatorId]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(IndicatorFormulas::Table).to_owned()).await
    }
}
