//! Shared builders for new migrations: foreign keys and indexes written one way, portable to SQLite
//! and PostgreSQL, so a new migration states what it links and indexes instead of repeating sea-query
//! boilerplate (landed migrations keep their own copies: they are never edited).

use sea_orm_migration::prelude::*;

/// What happens to a referencing row when the referenced one is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnDelete {
    /// The default for links between domain records: deleting something still referenced fails.
    Restrict,
    /// For rows that only exist as part of their parent (ballots of a vote, rows of an import).
    Cascade,
    /// For optional links whose loss is acceptable (the person who last touched a record).
    SetNull,
}

impl OnDelete {
    fn action(self) -> ForeignKeyAction {
        match self {
            Self::Restrict => ForeignKeyAction::Restrict,
            Self::Cascade => ForeignKeyAction::Cascade,
            Self::SetNull => ForeignKeyAction::SetNull,
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Self::Restrict => "RESTRICT",
            Self::Cascade => "CASCADE",
            Self::SetNull => "SET NULL",
        }
    }
}

/// A foreign key for `Table::create().foreign_key(&mut fk(..))`, named `fk_<table>_<column>` so
/// that PostgreSQL's error messages and `\d` output name the link (SQLite keeps no names).
pub fn fk(
    table: impl IntoIden,
    column: impl IntoIden,
    to_table: impl IntoIden,
    to_column: impl IntoIden,
    on_delete: OnDelete,
) -> ForeignKeyCreateStatement {
    let (table, column) = (table.into_iden(), column.into_iden());
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(to_table, to_column)
        .on_delete(on_delete.action())
        .to_owned()
}

/// An index named `idx_<table>_<col>_<col>…`: names derived from what they cover never collide and
/// never need inventing.
pub fn index<C: IntoIden>(table: impl IntoIden, columns: impl IntoIterator<Item = C>) -> IndexCreateStatement {
    let table = table.into_iden();
    let columns: Vec<DynIden> = columns.into_iter().map(IntoIden::into_iden).collect();
    let mut name = format!("idx_{table}");
    for column in &columns {
        name.push('_');
        name.push_str(&column.to_string());
    }
    let mut statement = Index::create();
    statement.name(name).table(table);
    for column in columns {
        statement.col(column);
    }
    statement.to_owned()
}

/// Like [`index`], refusing a second row with the same values (named `uq_…` so that the service's
/// constraint table can map it to the field that must be unique).
pub fn unique_index<C: IntoIden>(table: impl IntoIden, columns: impl IntoIterator<Item = C>) -> IndexCreateStatement {
    let mut statement = index(table, columns);
    let name = statement.get_index_spec().get_name().unwrap_or_default().replacen("idx_", "uq_", 1);
    statement.name(name).unique();
    statement
}

/// Creates every index in order; one call instead of a block of `create_index` per index.
pub async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: impl IntoIterator<Item = IndexCreateStatement>,
) -> Result<(), DbErr> {
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Adds a nullable uuid column that references another table to an existing table. SQLite cannot
/// add a constraint to an existing table, but both databases accept an inline `REFERENCES` on the
/// new column, so the link is enforced on both.
pub fn add_reference(
    table: impl IntoIden,
    column: impl IntoIden,
    to_table: impl IntoIden,
    to_column: impl IntoIden,
    on_delete: OnDelete,
) -> TableAlterStatement {
    let reference = format!(
        "REFERENCES \"{}\" (\"{}\") ON DELETE {}",
        to_table.into_iden(),
        to_column.into_iden(),
        on_delete.sql()
    );
    Table::alter().table(table).add_column(ColumnDef::new(column).uuid().null().extra(reference)).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(DeriveIden)]
    enum Ballots {
        Table,
        VoteId,
        UserId,
        CastAt,
    }

    #[derive(DeriveIden)]
    enum Votes {
        Table,
        Id,
    }

    #[test]
    fn index_names_follow_the_covered_columns() {
        let sql = index(Ballots::Table, [Ballots::VoteId, Ballots::CastAt]).to_string(PostgresQueryBuilder);
        assert_eq!(sql, r#"CREATE INDEX "idx_ballots_vote_id_cast_at" ON "ballots" ("vote_id", "cast_at")"#);
    }

    #[test]
    fn unique_indexes_are_named_for_the_constraint_table() {
        let sql = unique_index(Ballots::Table, [Ballots::VoteId, Ballots::UserId]).to_string(SqliteQueryBuilder);
        assert_eq!(sql, r#"CREATE UNIQUE INDEX "uq_ballots_vote_id_user_id" ON "ballots" ("vote_id", "user_id")"#);
    }

    #[test]
    fn foreign_keys_are_named_and_carry_their_delete_rule_on_both_databases() {
        let create = Table::create()
            .table(Ballots::Table)
            .col(ColumnDef::new(Ballots::VoteId).uuid().not_null())
            .foreign_key(&mut fk(Ballots::Table, Ballots::VoteId, Votes::Table, Votes::Id, OnDelete::Cascade))
            .to_owned();
        let postgres = create.to_string(PostgresQueryBuilder);
        assert!(postgres.contains(r#"CONSTRAINT "fk_ballots_vote_id" FOREIGN KEY"#), "{postgres}");
        for sql in [postgres.clone(), create.to_string(SqliteQueryBuilder)] {
            assert!(sql.contains(r#"FOREIGN KEY ("vote_id") REFERENCES "votes" ("id") ON DELETE CASCADE"#), "{sql}");
        }
    }

    #[test]
    fn an_added_reference_is_enforced_inline_on_both_databases() {
        let alter = add_reference(Ballots::Table, Ballots::UserId, Votes::Table, Votes::Id, OnDelete::SetNull);
        for sql in [alter.to_string(PostgresQueryBuilder), alter.to_string(SqliteQueryBuilder)] {
            assert!(sql.starts_with(r#"ALTER TABLE "ballots" ADD COLUMN "user_id""#), "{sql}");
            assert!(sql.ends_with(r#"REFERENCES "votes" ("id") ON DELETE SET NULL"#), "{sql}");
        }
    }
}
