//! Mappings of a definition to the definitions other sources use (Mikrozensus, register, federal statistics).

use super::*;
use crate::change::Change;
use crate::german::German as _;

pub async fn insert_mapping<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewMapping,
) -> Result<mapping::Model> {
    let note = TEXT.optional("note", input.note.as_deref())?;
    let source = definition_in(db, input.definition_id).await?;
    let (target_definition_id, target_uri, target_key) = match (input.target_definition_id, input.target_uri) {
        (Some(target), None) => {
            if target == source.id {
                return Err(Error::validation("targetDefinitionId", "a definition cannot map to itself"));
            }
            definition_in(db, target)
                .await
                .map_err(|_| Error::validation("targetDefinitionId", "no such definition"))?;
            (Some(target), None, target.to_string())
        }
        (None, Some(uri)) => {
            let uri = text::web_link("targetUri", &uri)?;
            (None, Some(uri.clone()), uri)
        }
        _ => return Err(Error::validation("targetDefinitionId", "give either a target definition or a target URI")),
    };
    let existing = mapping::Entity::find()
        .filter(mapping::Column::DefinitionId.eq(source.id))
        .filter(mapping::Column::TargetKey.eq(&target_key))
        .one(db)
        .await?;
    let m = match existing {
        Some(m) => {
            let mut row = m.into_active_model();
            row.kind = Set(input.kind);
            row.note = Set(note);
            row.note_language = Set(input.note_language.unwrap_or_else(|| DEFAULT_LANGUAGE.into()));
            row.update(db).await?
        }
        None => {
            mapping::ActiveModel {
                id: Set(Uuid::now_v7()),
                definition_id: Set(source.id),
                target_definition_id: Set(target_definition_id),
                target_uri: Set(target_uri),
                target_key: Set(target_key),
                kind: Set(input.kind),
                note: Set(note),
                created_by: Set(Some(actor.user_id)),
                created_at: Set(now),
                note_language: Set(input.note_language.unwrap_or_else(|| DEFAULT_LANGUAGE.into())),
            }
            .insert(db)
            .await?
        }
    };
    Ok(m)
}

/// Adds a typed mapping, or changes kind and note of the one to the same target.
pub async fn map_definition(state: &AppState, actor: &Actor, input: NewMapping) -> Result<mapping::Model> {
    actor.require(Permission::Participate)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let m = insert_mapping(&txn, now, actor, input).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "definition.map",
            entity_type: "definition",
            entity_id: Some(m.definition_id),
            summary: format!("Zuordnung „{}“ auf {}", m.kind.german(), m.target_key),
        },
    );
    txn.commit().await?;
    Ok(m)
}

pub async fn remove_mapping(state: &AppState, actor: &Actor, mapping_id: Uuid) -> Result<bool> {
    actor.require(Permission::Participate)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let m = mapping::Entity::find_by_id(mapping_id).one(&txn).await?.ok_or(Error::NotFound("mapping"))?;
    if m.created_by != Some(actor.user_id) && !actor.can(Permission::ManageGlossary) {
        return Err(Error::forbidden("only who made a mapping or a coordinator removes it"));
    }
    mapping::Entity::delete_by_id(m.id).exec(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "definition.unmap",
            entity_type: "definition",
            entity_id: Some(m.definition_id),
            summary: format!("Zuordnung „{}“ auf {} entfernt", m.kind.german(), m.target_key),
        },
    );
    txn.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(author: Uuid, updated_at: DateTime<Utc>) -> version::Model {
        version::Model {
            id: Uuid::nil(),
            definition_id: Uuid::nil(),
            version: 1,
            text: String::new(),
            author_id: Some(author),
            edits: 1,
            created_at: updated_at,
            updated_at,
        }
    }

    #[test]
    fn one_sittings_edits_fold_others_do_not() {
        let (me, other) = (Uuid::new_v4(), Uuid::new_v4());
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let latest = v(me, t0);
        assert!(folds(&latest, me, t0 + Duration::minutes(29), false));
        assert!(folds(&latest, me, t0 + Duration::minutes(30), false));
        assert!(!folds(&latest, me, t0 + Duration::minutes(31), false), "a new sitting");
        assert!(!folds(&latest, other, t0 + Duration::minutes(1), false), "another author");
        assert!(!folds(&latest, me, t0 + Duration::minutes(1), true), "someone reviewed the text meanwhile");
    }

    #[test]
    fn definitions_are_checked_at_the_edge() {
        let ok = DefinitionData { text: " Text ".into(), ..Default::default() };
        assert_eq!(clean_definition(ok).unwrap().text, "Text");
        assert!(clean_definition(DefinitionData::default()).is_err());
        let bad_link = DefinitionData {
            text: "x".into(),
            source: SourceData { link: Some("javascript:alert(1)".into()), ..Default::default() },
            ..Default::default()
        };
        assert_eq!(clean_definition(bad_link).unwrap_err().code(), "VALIDATION");
        let backwards = DefinitionData {
            text: "x".into(),
            valid_from: NaiveDate::from_ymd_opt(2024, 1, 1),
            valid_to: NaiveDate::from_ymd_opt(2023, 1, 1),
            ..Default::default()
        };
        assert!(clean_definition(backwards).is_err());
    }

    #[test]
    fn synonyms_drop_duplicates_and_the_label() {
        let s = clean_synonyms(
            &["Ausländer".into(), "Auslaender".into(), "MHG".into(), "Migrationshintergrund".into()],
            "migrationshintergrund",
        )
        .unwrap();
        assert_eq!(s.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(), ["Ausländer", "MHG"]);
    }

    #[test]
    fn relations_are_stored_once_per_pair() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(canonical(a, b, RelationKind::Narrower), (b, a, RelationKind::Broader));
        assert_eq!(canonical(b, a, RelationKind::Related), canonical(a, b, RelationKind::Related));
    }
}
