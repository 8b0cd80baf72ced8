//! Single sign-on: which person an OpenID Connect subject signed in as, so that later sign-ins
//! find them even after their email changed, and so that password login can be refused for them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::kit::{OnDelete, create_indexes, fk, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OidcIdentities {
    Table,
    UserId,
    Issuer,
    Subject,
    CreatedAt,
    LastLoginAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OidcIdentities::Table)
                    .col(uuid(OidcIdentities::UserId).primary_key())
                    .col(string_len(OidcIdentities::Issuer, 512))
                    .col(string_len(OidcIdentities::Subject, 255))
                    .col(timestamp_with_time_zone(OidcIdentities::CreatedAt))
                    .col(timestamp_with_time_zone(OidcIdentities::LastLoginAt))
                    .foreign_key(&mut fk(
                        OidcIdentities::Table,
                        OidcIdentities::UserId,
                        Users::Table,
                        Users::Id,
                        OnDelete::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            [unique_index(OidcIdentities::Table, [OidcIdentities::Issuer, OidcIdentities::Subject])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OidcIdentities::Table).to_owned()).await
    }
}
