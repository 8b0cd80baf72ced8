//! Sign-in links by email: single-use tokens (stored hashed) and the counters that rate-limit
//! their requests per address and per client.

use sea_orm_migration::{prelude::*, schema::*};

use crate::kit::{OnDelete, create_indexes, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SignInLinks {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum RequestThrottle {
    Table,
    Key,
    Requests,
    WindowStart,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SignInLinks::Table)
                    .col(uuid(SignInLinks::Id).primary_key())
                    .col(uuid(SignInLinks::UserId))
                    .col(string_len(SignInLinks::TokenHash, 64).unique_key())
                    .col(timestamp_with_time_zone(SignInLinks::CreatedAt))
                    .col(timestamp_with_time_zone(SignInLinks::ExpiresAt))
                    .col(timestamp_with_time_zone_null(SignInLinks::UsedAt))
                    .foreign_key(&mut fk(
                        SignInLinks::Table,
                        SignInLinks::UserId,
                        Users::Table,
                        Users::Id,
                        OnDelete::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RequestThrottle::Table)
                    .col(string_len(RequestThrottle::Key, 80).primary_key())
                    .col(integer(RequestThrottle::Requests))
                    .col(timestamp_with_time_zone(RequestThrottle::WindowStart))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            [
                index(SignInLinks::Table, [SignInLinks::UserId]),
                index(SignInLinks::Table, [SignInLinks::ExpiresAt]),
                index(RequestThrottle::Table, [RequestThrottle::WindowStart]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [RequestThrottle::Table.into_iden(), SignInLinks::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
