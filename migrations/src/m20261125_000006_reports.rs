//! Monitoring reports: coordinators' texts per field of action, frozen numbered reports, and
//! what is published for reading without login.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Leitbilder {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FieldsOfAction {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReportTexts {
    Table,
    FieldOfActionId,
    LeitbildId,
    Text,
    Version,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FrozenReports {
    Table,
    Id,
    LeitbildId,
    Number,
    Title,
    FromPeriod,
    ToPeriod,
    Content,
    FrozenBy,
    FrozenAt,
}

#[derive(DeriveIden)]
enum Publications {
    Table,
    TargetId,
    Kind,
    PublishedBy,
    PublishedAt,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(on_delete).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReportTexts::Table)
                    .col(uuid(ReportTexts::FieldOfActionId).primary_key())
                    .col(uuid(ReportTexts::LeitbildId))
                    .col(text(ReportTexts::Text))
                    .col(integer(ReportTexts::Version))
                    .col(uuid_null(ReportTexts::UpdatedBy))
                    .col(timestamp_with_time_zone(ReportTexts::UpdatedAt))
                    .foreign_key(&mut fk(
                        (ReportTexts::Table, ReportTexts::FieldOfActionId),
                        (FieldsOfAction::Table, FieldsOfAction::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ReportTexts::Table, ReportTexts::LeitbildId),
                        (Leitbilder::Table, Leitbilder::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (ReportTexts::Table, ReportTexts::UpdatedBy),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_texts_leitbild")
                    .table(ReportTexts::Table)
                    .col(ReportTexts::LeitbildId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FrozenReports::Table)
                    .col(uuid(FrozenReports::Id).primary_key())
                    .col(uuid(FrozenReports::LeitbildId))
                    .col(integer_uniq(FrozenReports::Number))
                    .col(string_len(FrozenReports::Title, 300))
                    .col(string_len_null(FrozenReports::FromPeriod, 20))
                    .col(string_len_null(FrozenReports::ToPeriod, 20))
                    .col(text(FrozenReports::Content))
                    .col(uuid_null(FrozenReports::FrozenBy))
                    .col(timestamp_with_time_zone(FrozenReports::FrozenAt))
                    .foreign_key(&mut fk(
                        (FrozenReports::Table, FrozenReports::LeitbildId),
                        (Leitbilder::Table, Leitbilder::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (FrozenReports::Table, FrozenReports::FrozenBy),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_frozen_reports_leitbild")
                    .table(FrozenReports::Table)
                    .col(FrozenReports::LeitbildId)
                    .col(FrozenReports::FrozenAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Publications::Table)
                    .col(uuid(Publications::TargetId).primary_key())
                    .col(string_len(Publications::Kind, 20))
                    .col(uuid_null(Publications::PublishedBy))
                    .col(timestamp_with_time_zone(Publications::PublishedAt))
                    .foreign_key(&mut fk(
                        (Publications::Table, Publications::PublishedBy),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_publications_kind")
                    .table(Publications::Table)
                    .col(Publications::Kind)
                    .col(Publications::PublishedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Publications::Table.into_iden(), FrozenReports::Table.into_iden(), ReportTexts::Table.into_iden()]
        {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
