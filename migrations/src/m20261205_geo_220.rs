//! Districts on a map: the city's small-area units as a code list, the uploaded boundaries
//! (GeoJSON) and each indicator's small-number suppression rule.

use sea_orm_migration::{prelude::*, schema::*};

use crate::kit::{OnDelete, create_indexes, fk, index, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
    Code,
    Name,
    ParentId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DistrictMaps {
    Table,
    Id,
    CodeProperty,
    Geojson,
    Features,
    Bytes,
    UploadedBy,
    UploadedAt,
    Version,
}

#[derive(DeriveIden)]
enum IndicatorPrivacy {
    Table,
    IndicatorId,
    SuppressBelow,
    Version,
    UpdatedBy,
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
                    .table(Districts::Table)
                    .col(uuid(Districts::Id).primary_key())
                    .col(string_len(Districts::Code, 40))
                    .col(string_len(Districts::Name, 200))
                    .col(uuid_null(Districts::ParentId))
                    .col(integer(Districts::Version))
                    .col(timestamp_with_time_zone(Districts::CreatedAt))
                    .col(timestamp_with_time_zone(Districts::UpdatedAt))
                    .foreign_key(&mut fk(
                        Districts::Table,
                        Districts::ParentId,
                        Districts::Table,
                        Districts::Id,
                        OnDelete::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DistrictMaps::Table)
                    .col(uuid(DistrictMaps::Id).primary_key())
                    .col(string_len(DistrictMaps::CodeProperty, 100))
                    .col(text(DistrictMaps::Geojson))
                    .col(integer(DistrictMaps::Features))
                    .col(big_integer(DistrictMaps::Bytes))
                    .col(uuid_null(DistrictMaps::UploadedBy))
                    .col(timestamp_with_time_zone(DistrictMaps::UploadedAt))
                    .col(integer(DistrictMaps::Version))
                    .foreign_key(&mut fk(
                        DistrictMaps::Table,
                        DistrictMaps::UploadedBy,
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
                    .table(IndicatorPrivacy::Table)
                    .col(uuid(IndicatorPrivacy::IndicatorId).primary_key())
                    .col(double(IndicatorPrivacy::SuppressBelow))
                    .col(integer(IndicatorPrivacy::Version))
                    .col(uuid_null(IndicatorPrivacy::UpdatedBy))
                    .col(timestamp_with_time_zone(IndicatorPrivacy::UpdatedAt))
                    .foreign_key(&mut fk(
                        IndicatorPrivacy::Table,
                        IndicatorPrivacy::IndicatorId,
                        Indicators::Table,
                        Indicators::Id,
                        OnDelete::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        IndicatorPrivacy::Table,
                        IndicatorPrivacy::UpdatedBy,
                        Users::Table,
                        Users::Id,
                        OnDelete::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            [unique_index(Districts::Table, [Districts::Code]), index(Districts::Table, [Districts::ParentId])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(IndicatorPrivacy::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(DistrictMaps::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Districts::Table).to_owned()).await
    }
}
