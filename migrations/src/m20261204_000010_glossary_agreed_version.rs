//! The version of a term's agreed definition that is in force: it stays public while a change or
//! an objection reopens review, until a new version is agreed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GlossaryTerms {
    Table,
    AgreedVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(GlossaryTerms::Table)
                    .add_column(integer_null(GlossaryTerms::AgreedVersion))
                    .to_owned(),
            )
            .await?;
        // Terms agreed before this column existed are agreed with their definition's current version.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE glossary_terms SET agreed_version = \
                 (SELECT d.version FROM definitions d WHERE d.id = glossary_terms.agreed_definition_id) \
                 WHERE agreed_definition_id IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(GlossaryTerms::Table).drop_column(GlossaryTerms::AgreedVersion).to_owned(),
            )
            .await
    }
}
