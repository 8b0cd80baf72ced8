//! Indicators, ownership history, data deliveries, the notification outbox and its settings.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    RecipientId,
    Kind,
    DedupeKey,
    Status,
    DueAt,
    Subject,
    BodyText,
    BodyHtml,
    Link,
    Cc,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LeaseToken,
    MessageId,
    LastError,
    SentAt,
    ViaDigest,
    DigestId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum NotificationSettings {
    Table,
    UserId,
    Digest,
    CalendarToken,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AppSecrets {
    Table,
    Name,
    Value,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Id,
    Code,
    Name,
    Unit,
    SourceKind,
    SourceDescription,
    Periodicity,
    TargetValue,
    TargetDirection,
    OwnerId,
    ResponsibleUserId,
    DeputyUserId,
    ReviewIntervalMonths,
    NextReviewAt,
    ReviewReminderAt,
    NextAutoRequestAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum IndicatorGoals {
    Table,
    IndicatorId,
    GoalId,
}

#[derive(DeriveIden)]
enum IndicatorTerms {
    Table,
    IndicatorId,
    TermId,
}

#[derive(DeriveIden)]
enum IndicatorOwnerships {
    Table,
    Id,
    IndicatorId,
    OwnerId,
    ResponsibleUserId,
    DeputyUserId,
    AssignedBy,
    FromAt,
    UntilAt,
}

#[derive(DeriveIden)]
enum IndicatorReviews {
    Table,
    Id,
    IndicatorId,
    ReviewedBy,
    Note,
    ReviewedAt,
    NextReviewAt,
}

#[derive(DeriveIden)]
enum DataDeliveries {
    Table,
    Id,
    IndicatorId,
    OwnerId,
    Period,
    DueAt,
    ExpectedAt,
    Status,
    Value,
    Breakdown,
    Note,
    DefinitionId,
    NoDataReason,
    ReturnReason,
    DeliveredBy,
    DeliveredAt,
    OnTime,
    AcceptedBy,
    AcceptedAt,
    NextReminderAt,
    ReminderEpoch,
    Version,
    CreatedAt,
    UpdatedAt,
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Restrict).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(uuid(Notifications::Id).primary_key())
                    .col(uuid(Notifications::RecipientId))
                    .col(string_len(Notifications::Kind, 30))
                    .col(string_len_uniq(Notifications::DedupeKey, 250))
                    .col(string_len(Notifications::Status, 20))
                    .col(timestamp_with_time_zone(Notifications::DueAt))
                    .col(string_len(Notifications::Subject, 300))
                    .col(text(Notifications::BodyText))
                    .col(text_null(Notifications::BodyHtml))
                    .col(text_null(Notifications::Link))
                    .col(text(Notifications::Cc))
                    .col(integer(Notifications::Attempts))
                    .col(timestamp_with_time_zone(Notifications::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Notifications::LeaseUntil))
                    .col(uuid_null(Notifications::LeaseToken))
                    .col(string_len(Notifications::MessageId, 200))
                    .col(text_null(Notifications::LastError))
                    .col(timestamp_with_time_zone_null(Notifications::SentAt))
                    .col(boolean(Notifications::ViaDigest))
                    .col(uuid_null(Notifications::DigestId))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .foreign_key(&mut fk((Notifications::Table, Notifications::RecipientId), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notifications_claim")
                    .table(Notifications::Table)
                    .col(Notifications::Status)
                    .col(Notifications::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notifications_recipient")
                    .table(Notifications::Table)
                    .col(Notifications::RecipientId)
                    .col(Notifications::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notifications_created")
                    .table(Notifications::Table)
                    .col(Notifications::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationSettings::Table)
                    .col(uuid(NotificationSettings::UserId).primary_key())
                    .col(boolean(NotificationSettings::Digest))
                    .col(string_len_uniq(NotificationSettings::CalendarToken, 64))
                    .col(timestamp_with_time_zone(NotificationSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(NotificationSettings::Table, NotificationSettings::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AppSecrets::Table)
                    .col(string_len(AppSecrets::Name, 60).primary_key())
                    .col(string_len(AppSecrets::Value, 200))
                    .col(timestamp_with_time_zone(AppSecrets::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Indicators::Table)
                    .col(uuid(Indicators::Id).primary_key())
                    .col(string_len_uniq(Indicators::Code, 40))
                    .col(string_len(Indicators::Name, 300))
                    .col(string_len(Indicators::Unit, 40))
                    .col(string_len(Indicators::SourceKind, 30))
                    .col(text(Indicators::SourceDescription))
                    .col(string_len(Indicators::Periodicity, 20))
                    .col(double_null(Indicators::TargetValue))
                    .col(string_len_null(Indicators::TargetDirection, 20))
                    .col(uuid(Indicators::OwnerId))
                    .col(uuid_null(Indicators::ResponsibleUserId))
                    .col(uuid_null(Indicators::DeputyUserId))
                    .col(integer(Indicators::ReviewIntervalMonths))
                    .col(timestamp_with_time_zone(Indicators::NextReviewAt))
                    .col(timestamp_with_time_zone_null(Indicators::ReviewReminderAt))
                    .col(timestamp_with_time_zone_null(Indicators::NextAutoRequestAt))
                    .col(integer(Indicators::Version))
                    .col(timestamp_with_time_zone(Indicators::CreatedAt))
                    .col(timestamp_with_time_zone(Indicators::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Indicators::Table, Indicators::OwnerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut fk((Indicators::Table, Indicators::ResponsibleUserId), (Users::Table, Users::Id)))
                    .foreign_key(&mut fk((Indicators::Table, Indicators::DeputyUserId), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_indicators_owner", Indicators::OwnerId),
            ("idx_indicators_review_reminder", Indicators::ReviewReminderAt),
            ("idx_indicators_auto_request", Indicators::NextAutoRequestAt),
        ] {
            manager.create_index(Index::create().name(name).table(Indicators::Table).col(col).to_owned()).await?;
        }
        // Goals and terms live in other areas; their links carry no foreign key on purpose.
        manager
            .create_table(
                Table::create()
                    .table(IndicatorGoals::Table)
                    .col(uuid(IndicatorGoals::IndicatorId))
                    .col(uuid(IndicatorGoals::GoalId))
                    .primary_key(Index::create().col(IndicatorGoals::IndicatorId).col(IndicatorGoals::GoalId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IndicatorGoals::Table, IndicatorGoals::IndicatorId)
                            .to(Indicators::Table, Indicators::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_indicator_goals_goal")
                    .table(IndicatorGoals::Table)
                    .col(IndicatorGoals::GoalId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IndicatorTerms::Table)
                    .col(uuid(IndicatorTerms::IndicatorId))
                    .col(uuid(IndicatorTerms::TermId))
                    .primary_key(Index::create().col(IndicatorTerms::IndicatorId).col(IndicatorTerms::TermId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IndicatorTerms::Table, IndicatorTerms::IndicatorId)
                            .to(Indicators::Table, Indicators::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_indicator_terms_term")
                    .table(IndicatorTerms::Table)
                    .col(IndicatorTerms::TermId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IndicatorOwnerships::Table)
                    .col(uuid(IndicatorOwnerships::Id).primary_key())
                    .col(uuid(IndicatorOwnerships::IndicatorId))
                    .col(uuid(IndicatorOwnerships::OwnerId))
                    .col(uuid_null(IndicatorOwnerships::ResponsibleUserId))
                    .col(uuid_null(IndicatorOwnerships::DeputyUserId))
                    .col(uuid_null(IndicatorOwnerships::AssignedBy))
                    .col(timestamp_with_time_zone(IndicatorOwnerships::FromAt))
                    .col(timestamp_with_time_zone_null(IndicatorOwnerships::UntilAt))
                    .foreign_key(&mut fk(
                        (IndicatorOwnerships::Table, IndicatorOwnerships::IndicatorId),
                        (Indicators::Table, Indicators::Id),
                    ))
                    .foreign_key(&mut fk(
                        (IndicatorOwnerships::Table, IndicatorOwnerships::OwnerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_indicator_ownerships_indicator")
                    .table(IndicatorOwnerships::Table)
                    .col(IndicatorOwnerships::IndicatorId)
                    .col(IndicatorOwnerships::FromAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IndicatorReviews::Table)
                    .col(uuid(IndicatorReviews::Id).primary_key())
                    .col(uuid(IndicatorReviews::IndicatorId))
                    .col(uuid(IndicatorReviews::ReviewedBy))
                    .col(text_null(IndicatorReviews::Note))
                    .col(timestamp_with_time_zone(IndicatorReviews::ReviewedAt))
                    .col(timestamp_with_time_zone(IndicatorReviews::NextReviewAt))
                    .foreign_key(&mut fk(
                        (IndicatorReviews::Table, IndicatorReviews::IndicatorId),
                        (Indicators::Table, Indicators::Id),
                    ))
                    .foreign_key(&mut fk(
                        (IndicatorReviews::Table, IndicatorReviews::ReviewedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_indicator_reviews_indicator")
                    .table(IndicatorReviews::Table)
                    .col(IndicatorReviews::IndicatorId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DataDeliveries::Table)
                    .col(uuid(DataDeliveries::Id).primary_key())
                    .col(uuid(DataDeliveries::IndicatorId))
                    .col(uuid(DataDeliveries::OwnerId))
                    .col(string_len(DataDeliveries::Period, 20))
                    .col(timestamp_with_time_zone(DataDeliveries::DueAt))
                    .col(timestamp_with_time_zone_null(DataDeliveries::ExpectedAt))
                    .col(string_len(DataDeliveries::Status, 20))
                    .col(double_null(DataDeliveries::Value))
                    .col(text_null(DataDeliveries::Breakdown))
                    .col(text_null(DataDeliveries::Note))
                    .col(uuid_null(DataDeliveries::DefinitionId))
                    .col(text_null(DataDeliveries::NoDataReason))
                    .col(text_null(DataDeliveries::ReturnReason))
                    .col(uuid_null(DataDeliveries::DeliveredBy))
                    .col(timestamp_with_time_zone_null(DataDeliveries::DeliveredAt))
                    .col(boolean_null(DataDeliveries::OnTime))
                    .col(uuid_null(DataDeliveries::AcceptedBy))
                    .col(timestamp_with_time_zone_null(DataDeliveries::AcceptedAt))
                    .col(timestamp_with_time_zone_null(DataDeliveries::NextReminderAt))
                    .col(integer(DataDeliveries::ReminderEpoch))
                    .col(integer(DataDeliveries::Version))
                    .col(timestamp_with_time_zone(DataDeliveries::CreatedAt))
                    .col(timestamp_with_time_zone(DataDeliveries::UpdatedAt))
                    .foreign_key(&mut fk(
                        (DataDeliveries::Table, DataDeliveries::IndicatorId),
                        (Indicators::Table, Indicators::Id),
                    ))
                    .foreign_key(&mut fk(
                        (DataDeliveries::Table, DataDeliveries::OwnerId),
                        (Organizations::Table, Organizations::Id),
                    ))
                    .foreign_key(&mut fk(
                        (DataDeliveries::Table, DataDeliveries::DeliveredBy),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        (DataDeliveries::Table, DataDeliveries::AcceptedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One delivery per indicator and period: a period cannot be requested (or counted) twice.
        manager
            .create_index(
                Index::create()
                    .name("uq_data_deliveries_indicator_period")
                    .table(DataDeliveries::Table)
                    .col(DataDeliveries::IndicatorId)
                    .col(DataDeliveries::Period)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_data_deliveries_reminder", vec![DataDeliveries::NextReminderAt]),
            ("idx_data_deliveries_status_due", vec![DataDeliveries::Status, DataDeliveries::DueAt]),
            ("idx_data_deliveries_owner", vec![DataDeliveries::OwnerId, DataDeliveries::Status]),
        ] {
            let mut idx = Index::create().name(name).table(DataDeliveries::Table).to_owned();
            for c in cols {
                idx.col(c);
            }
            manager.create_index(idx).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DataDeliveries::Table.into_iden(),
            IndicatorReviews::Table.into_iden(),
            IndicatorOwnerships::Table.into_iden(),
            IndicatorTerms::Table.into_iden(),
            IndicatorGoals::Table.into_iden(),
            Indicators::Table.into_iden(),
            AppSecrets::Table.into_iden(),
            NotificationSettings::Table.into_iden(),
            Notifications::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
