//! The glossary: terms, synonyms, relations, competing definitions with versions, reviews and mappings.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Glossaries {
    Table,
    Id,
    Title,
    RequiredSectors,
    MinApprovalsPerSector,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GlossaryTerms {
    Table,
    Id,
    GlossaryId,
    Label,
    SearchKey,
    Status,
    AgreedDefinitionId,
    ReplacedById,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TermSynonyms {
    Table,
    Id,
    TermId,
    Label,
    SearchKey,
    Position,
}

#[derive(DeriveIden)]
enum TermRelations {
    Table,
    TermId,
    OtherId,
    Kind,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Definitions {
    Table,
    Id,
    TermId,
    Text,
    Version,
    Status,
    SourcePublisher,
    SourceStatistic,
    SourceDate,
    SourceLink,
    ScopeNote,
    ValidFrom,
    ValidTo,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DefinitionVersions {
    Table,
    Id,
    DefinitionId,
    Version,
    Text,
    AuthorId,
    Edits,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DefinitionReviews {
    Table,
    Id,
    DefinitionId,
    ReviewerId,
    Decision,
    Reason,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DefinitionMappings {
    Table,
    Id,
    DefinitionId,
    TargetDefinitionId,
    TargetUri,
    TargetKey,
    Kind,
    Note,
    CreatedBy,
    CreatedAt,
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
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(Glossaries::Table)
                    .col(uuid(Glossaries::Id).primary_key())
                    .col(string_len(Glossaries::Title, 200))
                    .col(string_len(Glossaries::RequiredSectors, 200))
                    .col(integer(Glossaries::MinApprovalsPerSector))
                    .col(timestamp_with_time_zone(Glossaries::CreatedAt))
                    .col(timestamp_with_time_zone(Glossaries::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GlossaryTerms::Table)
                    .col(uuid(GlossaryTerms::Id).primary_key())
                    .col(uuid(GlossaryTerms::GlossaryId))
                    .col(string_len(GlossaryTerms::Label, 200))
                    .col(string_len(GlossaryTerms::SearchKey, 400))
                    .col(string_len(GlossaryTerms::Status, 20))
                    .col(uuid_null(GlossaryTerms::AgreedDefinitionId))
                    .col(uuid_null(GlossaryTerms::ReplacedById))
                    .col(uuid_null(GlossaryTerms::CreatedBy))
                    .col(timestamp_with_time_zone(GlossaryTerms::CreatedAt))
                    .col(timestamp_with_time_zone(GlossaryTerms::UpdatedAt))
                    .foreign_key(&mut fk(
                        (GlossaryTerms::Table, GlossaryTerms::GlossaryId),
                        (Glossaries::Table, Glossaries::Id),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (GlossaryTerms::Table, GlossaryTerms::ReplacedById),
                        (GlossaryTerms::Table, GlossaryTerms::Id),
                        SetNull,
                    ))
                    .foreign_key(&mut fk(
                        (GlossaryTerms::Table, GlossaryTerms::CreatedBy),
                        (Users::Table, Users::Id),
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_glossary_terms_key")
                    .table(GlossaryTerms::Table)
                    .col(GlossaryTerms::GlossaryId)
                    .col(GlossaryTerms::SearchKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_glossary_terms_key")
                    .table(GlossaryTerms::Table)
                    .col(GlossaryTerms::SearchKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TermSynonyms::Table)
                    .col(uuid(TermSynonyms::Id).primary_key())
                    .col(uuid(TermSynonyms::TermId))
                    .col(string_len(TermSynonyms::Label, 200))
                    .col(string_len(TermSynonyms::SearchKey, 400))
                    .col(integer(TermSynonyms::Position))
                    .foreign_key(&mut fk(
                        (TermSynonyms::Table, TermSynonyms::TermId),
                        (GlossaryTerms::Table, GlossaryTerms::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_term_synonyms")
                    .table(TermSynonyms::Table)
                    .col(TermSynonyms::TermId)
                    .col(TermSynonyms::SearchKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_term_synonyms_key")
                    .table(TermSynonyms::Table)
                    .col(TermSynonyms::SearchKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TermRelations::Table)
                    .col(uuid(TermRelations::TermId))
                    .col(uuid(TermRelations::OtherId))
                    .col(string_len(TermRelations::Kind, 20))
                    .col(timestamp_with_time_zone(TermRelations::CreatedAt))
                    .primary_key(Index::create().col(TermRelations::TermId).col(TermRelations::OtherId))
                    .foreign_key(&mut fk(
                        (TermRelations::Table, TermRelations::TermId),
                        (GlossaryTerms::Table, GlossaryTerms::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (TermRelations::Table, TermRelations::OtherId),
                        (GlossaryTerms::Table, GlossaryTerms::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_term_relations_other")
                    .table(TermRelations::Table)
                    .col(TermRelations::OtherId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Definitions::Table)
                    .col(uuid(Definitions::Id).primary_key())
                    .col(uuid(Definitions::TermId))
                    .col(text(Definitions::Text))
                    .col(integer(Definitions::Version))
                    .col(string_len(Definitions::Status, 20))
                    .col(string_len_null(Definitions::SourcePublisher, 200))
                    .col(string_len_null(Definitions::SourceStatistic, 200))
                    .col(date_null(Definitions::SourceDate))
                    .col(string_len_null(Definitions::SourceLink, 2000))
                    .col(text_null(Definitions::ScopeNote))
                    .col(date_null(Definitions::ValidFrom))
                    .col(date_null(Definitions::ValidTo))
                    .col(uuid_null(Definitions::CreatedBy))
                    .col(timestamp_with_time_zone(Definitions::CreatedAt))
                    .col(timestamp_with_time_zone(Definitions::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Definitions::Table, Definitions::TermId),
                        (GlossaryTerms::Table, GlossaryTerms::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Definitions::Table, Definitions::CreatedBy),
                        (Users::Table, Users::Id),
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_definitions_term")
                    .table(Definitions::Table)
                    .col(Definitions::TermId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DefinitionVersions::Table)
                    .col(uuid(DefinitionVersions::Id).primary_key())
                    .col(uuid(DefinitionVersions::DefinitionId))
                    .col(integer(DefinitionVersions::Version))
                    .col(text(DefinitionVersions::Text))
                    .col(uuid_null(DefinitionVersions::AuthorId))
                    .col(integer(DefinitionVersions::Edits))
                    .col(timestamp_with_time_zone(DefinitionVersions::CreatedAt))
                    .col(timestamp_with_time_zone(DefinitionVersions::UpdatedAt))
                    .foreign_key(&mut fk(
                        (DefinitionVersions::Table, DefinitionVersions::DefinitionId),
                        (Definitions::Table, Definitions::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (DefinitionVersions::Table, DefinitionVersions::AuthorId),
                        (Users::Table, Users::Id),
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_definition_versions")
                    .table(DefinitionVersions::Table)
                    .col(DefinitionVersions::DefinitionId)
                    .col(DefinitionVersions::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DefinitionReviews::Table)
                    .col(uuid(DefinitionReviews::Id).primary_key())
                    .col(uuid(DefinitionReviews::DefinitionId))
                    .col(uuid(DefinitionReviews::ReviewerId))
                    .col(string_len(DefinitionReviews::Decision, 20))
                    .col(text_null(DefinitionReviews::Reason))
                    .col(integer(DefinitionReviews::Version))
                    .col(timestamp_with_time_zone(DefinitionReviews::CreatedAt))
                    .col(timestamp_with_time_zone(DefinitionReviews::UpdatedAt))
                    .foreign_key(&mut fk(
                        (DefinitionReviews::Table, DefinitionReviews::DefinitionId),
                        (Definitions::Table, Definitions::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (DefinitionReviews::Table, DefinitionReviews::ReviewerId),
                        (Users::Table, Users::Id),
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_definition_reviews")
                    .table(DefinitionReviews::Table)
                    .col(DefinitionReviews::DefinitionId)
                    .col(DefinitionReviews::ReviewerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DefinitionMappings::Table)
                    .col(uuid(DefinitionMappings::Id).primary_key())
                    .col(uuid(DefinitionMappings::DefinitionId))
                    .col(uuid_null(DefinitionMappings::TargetDefinitionId))
                    .col(string_len_null(DefinitionMappings::TargetUri, 2000))
                    .col(string_len(DefinitionMappings::TargetKey, 2000))
                    .col(string_len(DefinitionMappings::Kind, 20))
                    .col(text_null(DefinitionMappings::Note))
                    .col(uuid_null(DefinitionMappings::CreatedBy))
                    .col(timestamp_with_time_zone(DefinitionMappings::CreatedAt))
                    .foreign_key(&mut fk(
                        (DefinitionMappings::Table, DefinitionMappings::DefinitionId),
                        (Definitions::Table, Definitions::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (DefinitionMappings::Table, DefinitionMappings::TargetDefinitionId),
                        (Definitions::Table, Definitions::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (DefinitionMappings::Table, DefinitionMappings::CreatedBy),
                        (Users::Table, Users::Id),
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_definition_mappings")
                    .table(DefinitionMappings::Table)
                    .col(DefinitionMappings::DefinitionId)
                    .col(DefinitionMappings::TargetKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_definition_mappings_target")
                    .table(DefinitionMappings::Table)
                    .col(DefinitionMappings::TargetDefinitionId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DefinitionMappings::Table.into_iden(),
            DefinitionReviews::Table.into_iden(),
            DefinitionVersions::Table.into_iden(),
            Definitions::Table.into_iden(),
            TermRelations::Table.into_iden(),
            TermSynonyms::Table.into_iden(),
            GlossaryTerms::Table.into_iden(),
            Glossaries::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
