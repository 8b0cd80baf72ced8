//! Languages in the glossary (SKOS round trips keep `@de`, `@en` on every label and note), the kinds
//! of other labels (`altLabel`, `hiddenLabel`, `prefLabel` in another language) and a term's
//! `skos:notation`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum GlossaryTerms {
    Table,
    Language,
    Notation,
}

#[derive(DeriveIden)]
enum TermSynonyms {
    Table,
    TermId,
    SearchKey,
    Language,
    Kind,
}

#[derive(DeriveIden)]
enum Definitions {
    Table,
    Language,
    ScopeNoteLanguage,
}

#[derive(DeriveIden)]
enum DefinitionMappings {
    Table,
    NoteLanguage,
}

/// A BCP 47 tag as stored: existing rows were written in German.
fn language(column: impl IntoIden) -> ColumnDef {
    string_len(column, 35).default("de").to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        let columns: Vec<(DynIden, ColumnDef)> = vec![
            (GlossaryTerms::Table.into_iden(), language(GlossaryTerms::Language)),
            (GlossaryTerms::Table.into_iden(), string_len_null(GlossaryTerms::Notation, 200)),
            (TermSynonyms::Table.into_iden(), language(TermSynonyms::Language)),
            (TermSynonyms::Table.into_iden(), string_len(TermSynonyms::Kind, 10).default("ALT").to_owned()),
            (Definitions::Table.into_iden(), language(Definitions::Language)),
            (Definitions::Table.into_iden(), language(Definitions::ScopeNoteLanguage)),
            (DefinitionMappings::Table.into_iden(), language(DefinitionMappings::NoteLanguage)),
        ];
        for (table, mut column) in columns {
            manager.alter_table(Table::alter().table(table).add_column(&mut column).to_owned()).await?;
        }
        // The same spelling may be an English prefLabel and a German altLabel of one term.
        manager.drop_index(Index::drop().name("uq_term_synonyms").table(TermSynonyms::Table).to_owned()).await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_term_synonyms")
                    .table(TermSynonyms::Table)
                    .col(TermSynonyms::TermId)
                    .col(TermSynonyms::SearchKey)
                    .col(TermSynonyms::Language)
                    .col(TermSynonyms::Kind)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("uq_term_synonyms").table(TermSynonyms::Table).to_owned()).await?;
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
        let columns: Vec<(DynIden, DynIden)> = vec![
            (GlossaryTerms::Table.into_iden(), GlossaryTerms::Language.into_iden()),
            (GlossaryTerms::Table.into_iden(), GlossaryTerms::Notation.into_iden()),
            (TermSynonyms::Table.into_iden(), TermSynonyms::Language.into_iden()),
            (TermSynonyms::Table.into_iden(), TermSynonyms::Kind.into_iden()),
            (Definitions::Table.into_iden(), Definitions::Language.into_iden()),
            (Definitions::Table.into_iden(), Definitions::ScopeNoteLanguage.into_iden()),
            (DefinitionMappings::Table.into_iden(), DefinitionMappings::NoteLanguage.into_iden()),
        ];
        for (table, column) in columns {
            manager.alter_table(Table::alter().table(table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveMigrationName)]
pub struct Migration;
