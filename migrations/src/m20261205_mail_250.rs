//! E-mails can be switched off (RFC 8058 one-click unsubscribe, or the settings page): the person
//! then reads their notifications in the app only.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum NotificationSettings {
    Table,
    MailOff,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(NotificationSettings::Table)
                    .add_column(boolean(NotificationSettings::MailOff).default(false).to_owned())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(NotificationSettings::Table).drop_column(NotificationSettings::MailOff).to_owned(),
            )
            .await
    }
}
