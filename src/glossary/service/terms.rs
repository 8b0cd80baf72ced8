//! Terms: proposing, editing, relating, replacing and finding them.

use super::*;
use crate::change::Change;

pub(crate) async fn term_in<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<term::Model> {
    term::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("term"))
}

pub async fn definition_in<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<definition::Model> {
    definition::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("definition"))
}

/// Reads a definition and locks it for the transaction (PostgreSQL; SQLite has one writer anyway),
/// so that two reviews given at once are judged together, not each without the other.
pub(super) async fn definition_locked<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<definition::Model> {
    definition::Entity::find_by_id(id).lock_exclusive().one(db).await?.ok_or(Error::NotFound("definition"))
}

pub(super) async fn ensure_label_free<C: ConnectionTrait>(db: &C, key: &str, except: Option<Uuid>) -> Result<()> {
    let mut q = term::Entity::find()
        .filter(term::Column::GlossaryId.eq(DEFAULT_GLOSSARY_ID))
        .filter(term::Column::SearchKey.eq(key));
    if let Some(id) = except {
        q = q.filter(term::Column::Id.ne(id));
    }
    if let Some(existing) = q.one(db).await? {
        return Err(Error::Conflict {
            message: format!("a term labelled {:?} exists", existing.label),
            details: Some(serde_json::json!({ "termId": existing.id, "label": existing.label })),
        });
    }
    Ok(())
}

/// Replaces a term's labels of the given kinds; labels of other kinds stay.
pub async fn replace_labels<C: ConnectionTrait>(
    db: &C,
    term_id: Uuid,
    kinds: &[LabelKind],
    labels: &[(OtherLabel, String)],
) -> Result<()> {
    synonym::Entity::delete_many()
        .filter(synonym::Column::TermId.eq(term_id))
        .filter(synonym::Column::Kind.is_in(kinds.iter().copied()))
        .exec(db)
        .await?;
    if !labels.is_empty() {
        synonym::Entity::insert_many(labels.iter().enumerate().map(|(i, (l, key))| synonym::ActiveModel {
            id: Set(Uuid::now_v7()),
            term_id: Set(term_id),
            label: Set(l.text.clone()),
            search_key: Set(key.clone()),
            position: Set(i as i32),
            language: Set(l.language.clone()),
            kind: Set(l.kind),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Replaces a term's synonyms (`altLabel`s); one that stays keeps its language, a new one is in
/// `language`.
pub async fn replace_synonyms<C: ConnectionTrait>(
    db: &C,
    term_id: Uuid,
    language: &str,
    synonyms: &[(String, String)],
) -> Result<()> {
    let existing: HashMap<String, String> = synonym::Entity::find()
        .filter(synonym::Column::TermId.eq(term_id))
        .filter(synonym::Column::Kind.eq(LabelKind::Alt))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.search_key, s.language))
        .collect();
    let labels: Vec<(OtherLabel, String)> = synonyms
        .iter()
        .map(|(text, key)| {
            let language = existing.get(key).cloned().unwrap_or_else(|| language.to_string());
            (OtherLabel { kind: LabelKind::Alt, language, text: text.clone() }, key.clone())
        })
        .collect();
    replace_labels(db, term_id, &[LabelKind::Alt], &labels).await
}

/// Inserts a term row with its synonyms; shared by proposing and importing.
pub async fn insert_term<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    id: Uuid,
    label: (String, String),
    synonyms: &[(String, String)],
    status: TermStatus,
) -> Result<term::Model> {
    glossary(db, now).await?;
    ensure_label_free(db, &label.1, None).await?;
    let t = term::ActiveModel {
        id: Set(id),
        glossary_id: Set(DEFAULT_GLOSSARY_ID),
        label: Set(label.0),
        search_key: Set(label.1),
        status: Set(status),
        agreed_definition_id: Set(None),
        agreed_version: Set(None),
        replaced_by_id: Set(None),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        language: Set(DEFAULT_LANGUAGE.into()),
        notation: Set(None),
    }
    .insert(db)
    .await?;
    replace_synonyms(db, t.id, DEFAULT_LANGUAGE, synonyms).await?;
    Ok(t)
}

/// Inserts a definition with its first version; shared by proposing and importing.
pub async fn insert_definition<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    id: Uuid,
    term_id: Uuid,
    data: DefinitionData,
    status: DefinitionStatus,
) -> Result<definition::Model> {
    let d = definition::ActiveModel {
        id: Set(id),
        term_id: Set(term_id),
        text: Set(data.text.clone()),
        version: Set(1),
        status: Set(status),
        source_publisher: Set(data.source.publisher),
        source_statistic: Set(data.source.statistic),
        source_date: Set(data.source.date),
        source_link: Set(data.source.link),
        scope_note: Set(data.scope_note),
        valid_from: Set(data.valid_from),
        valid_to: Set(data.valid_to),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        language: Set(data.language.unwrap_or_else(|| DEFAULT_LANGUAGE.into())),
        scope_note_language: Set(data.scope_note_language.unwrap_or_else(|| DEFAULT_LANGUAGE.into())),
    }
    .insert(db)
    .await?;
    version::ActiveModel {
        id: Set(Uuid::now_v7()),
        definition_id: Set(d.id),
        version: Set(1),
        text: Set(data.text),
        author_id: Set(Some(actor.user_id)),
        edits: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(d)
}

/// A definition imported with its states keeps the version number it had where it was agreed.
pub async fn renumber_first_version<C: ConnectionTrait>(db: &C, definition_id: Uuid, number: i32) -> Result<()> {
    version::Entity::update_many()
        .col_expr(version::Column::Version, number.into())
        .filter(version::Column::DefinitionId.eq(definition_id))
        .filter(version::Column::Version.eq(1))
        .exec(db)
        .await?;
    let mut row = definition_in(db, definition_id).await?.into_active_model();
    row.version = Set(number);
    row.update(db).await?;
    Ok(())
}

/// Takes over a term's states from a glossary moved here (import with `keepStates`): its status, the
/// definition agreed there (at its current version) and, for a deprecated term, its replacement.
pub async fn restore_state<C: ConnectionTrait>(
    db: &C,
    term_id: Uuid,
    status: TermStatus,
    agreed_definition: Option<Uuid>,
    replaced_by: Option<Uuid>,
) -> Result<()> {
    let mut row = term_in(db, term_id).await?.into_active_model();
    if let Some(d) = agreed_definition {
        let def = definition_in(db, d).await?;
        row.agreed_definition_id = Set(Some(d));
        row.agreed_version = Set(Some(def.version));
        let mut def = def.into_active_model();
        def.status = Set(DefinitionStatus::Agreed);
        def.update(db).await?;
    }
    row.status = Set(status);
    row.replaced_by_id = Set(replaced_by.filter(|_| status == TermStatus::Deprecated));
    row.update(db).await?;
    Ok(())
}

pub async fn propose_term(state: &AppState, actor: &Actor, input: NewTerm) -> Result<term::Model> {
    actor.require(Permission::Participate)?;
    let label = clean_label("label", &input.label)?;
    let synonyms = clean_synonyms(&input.synonyms, &label.1)?;
    let definition = input.definition.map(clean_definition).transpose()?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let t = insert_term(&txn, now, actor, Uuid::now_v7(), label, &synonyms, TermStatus::Proposed).await?;
    if let Some(data) = definition {
        insert_definition(&txn, now, actor, Uuid::now_v7(), t.id, data, DefinitionStatus::Proposed).await?;
    }
    for (ids, kind) in [
        (&input.broader_ids, RelationKind::Broader),
        (&input.narrower_ids, RelationKind::Narrower),
        (&input.related_ids, RelationKind::Related),
    ] {
        for other in ids {
            link(&txn, now, t.id, *other, kind).await?;
        }
    }
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "term.propose",
            entity_type: "term",
            entity_id: Some(t.id),
            summary: format!(
                "Begriff „{}“ vorgeschlagen ({})",
                t.label,
                crate::german::count(synonyms.len(), "Synonym", "Synonyme")
            ),
        },
    );
    txn.commit().await?;
    Ok(t)
}

/// Changes label and synonyms; for the proposer while the term is proposed, and for glossary managers.
pub async fn update_term(
    state: &AppState,
    actor: &Actor,
    term_id: Uuid,
    label: Option<String>,
    synonyms: Option<Vec<String>>,
) -> Result<term::Model> {
    actor.require(Permission::Participate)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let t = term_in(&txn, term_id).await?;
    let own = t.created_by == Some(actor.user_id) && t.status == TermStatus::Proposed;
    if !own && !actor.can(Permission::ManageGlossary) {
        return Err(Error::forbidden("only the proposer of a proposed term or a coordinator changes it"));
    }
    let label = match label {
        Some(l) => clean_label("label", &l)?,
        None => (t.label.clone(), t.search_key.clone()),
    };
    ensure_label_free(&txn, &label.1, Some(t.id)).await?;
    if let Some(s) = synonyms {
        replace_synonyms(&txn, t.id, &t.language, &clean_synonyms(&s, &label.1)?).await?;
    }
    let mut row = t.into_active_model();
    row.label = Set(label.0);
    row.search_key = Set(label.1);
    row.updated_at = Set(now);
    let t = row.update(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "term.update",
            entity_type: "term",
            entity_id: Some(t.id),
            summary: format!("Begriff „{}“ geändert", t.label),
        },
    );
    txn.commit().await?;
    Ok(t)
}

/// Stores a relation once per pair: `NARROWER` as the other's `BROADER`, `RELATED` ordered by id.
pub(super) fn canonical(term_id: Uuid, other_id: Uuid, kind: RelationKind) -> (Uuid, Uuid, RelationKind) {
    match kind {
        RelationKind::Broader => (term_id, other_id, RelationKind::Broader),
        RelationKind::Narrower => (other_id, term_id, RelationKind::Broader),
        RelationKind::Related => (term_id.min(other_id), term_id.max(other_id), RelationKind::Related),
    }
}

pub(super) async fn existing_relation<C: ConnectionTrait>(db: &C, a: Uuid, b: Uuid) -> Result<Option<relation::Model>> {
    Ok(relation::Entity::find()
        .filter(
            Condition::any()
                .add(Condition::all().add(relation::Column::TermId.eq(a)).add(relation::Column::OtherId.eq(b)))
                .add(Condition::all().add(relation::Column::TermId.eq(b)).add(relation::Column::OtherId.eq(a))),
        )
        .one(db)
        .await?)
}

pub async fn link<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    term_id: Uuid,
    other_id: Uuid,
    kind: RelationKind,
) -> Result<bool> {
    if term_id == other_id {
        return Err(Error::validation("otherId", "a term cannot relate to itself"));
    }
    term_in(db, other_id).await.map_err(|_| Error::validation("otherId", "no such term"))?;
    let (a, b, kind) = canonical(term_id, other_id, kind);
    if let Some(existing) = existing_relation(db, a, b).await? {
        if existing.term_id == a && existing.kind == kind {
            return Ok(false);
        }
        return Err(Error::conflict("these terms are already related in another way; remove that relation first"));
    }
    // One glossary per installation, a few hundred relations: the whole graph is one small query.
    let all: Vec<(Uuid, Uuid, RelationKind)> =
        relation::Entity::find().all(db).await?.into_iter().map(|r| (r.term_id, r.other_id, r.kind)).collect();
    rule::check_relation(&all, a, b, kind).map_err(|r| Error::validation("otherId", r.message()))?;
    relation::ActiveModel { term_id: Set(a), other_id: Set(b), kind: Set(kind), created_at: Set(now) }
        .insert(db)
        .await?;
    Ok(true)
}

pub async fn relate_terms(
    state: &AppState,
    actor: &Actor,
    term_id: Uuid,
    other_id: Uuid,
    kind: RelationKind,
    remove: bool,
) -> Result<term::Model> {
    actor.require(Permission::Participate)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let t = term_in(&txn, term_id).await?;
    let changed = if remove {
        let other = term_in(&txn, other_id).await?;
        let end =
            |t: &term::Model| rule::RelationEnd { agreed: t.status == TermStatus::Agreed, proposer: t.created_by };
        if !rule::may_remove_relation(actor.user_id, actor.can(Permission::ManageGlossary), [end(&t), end(&other)]) {
            return Err(Error::forbidden("relations of an agreed term are removed by a coordinator or its proposer"));
        }
        let (a, b, kind) = canonical(term_id, other_id, kind);
        relation::Entity::delete_many()
            .filter(relation::Column::TermId.eq(a))
            .filter(relation::Column::OtherId.eq(b))
            .filter(relation::Column::Kind.eq(kind))
            .exec(&txn)
            .await?
            .rows_affected
            > 0
    } else {
        link(&txn, now, term_id, other_id, kind).await?
    };
    if changed {
        txn.audit(
            Some(actor.user_id),
            AuditEntry {
                action: if remove { "term.unrelate" } else { "term.relate" },
                entity_type: "term",
                entity_id: Some(t.id),
                summary: format!("Beziehung {kind:?} zu {other_id} {}", if remove { "entfernt" } else { "angelegt" }),
            },
        );
    }
    txn.commit().await?;
    Ok(t)
}

pub async fn deprecate_term(
    state: &AppState,
    actor: &Actor,
    term_id: Uuid,
    replaced_by: Option<Uuid>,
) -> Result<term::Model> {
    actor.require(Permission::ManageGlossary)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let t = term_in(&txn, term_id).await?;
    if t.status == TermStatus::Deprecated {
        return Err(Error::validation("termId", "already deprecated"));
    }
    if let Some(r) = replaced_by {
        if r == term_id {
            return Err(Error::validation("replacedById", "a term cannot replace itself"));
        }
        let replacement = term_in(&txn, r).await.map_err(|_| Error::validation("replacedById", "no such term"))?;
        if replacement.status == TermStatus::Deprecated {
            return Err(Error::validation("replacedById", "the replacement is deprecated itself"));
        }
    }
    let mut row = t.into_active_model();
    row.status = Set(TermStatus::Deprecated);
    row.replaced_by_id = Set(replaced_by);
    row.updated_at = Set(now);
    let t = row.update(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "term.deprecate",
            entity_type: "term",
            entity_id: Some(t.id),
            summary: match replaced_by {
                Some(r) => format!("Begriff „{}“ veraltet, ersetzt durch {r}", t.label),
                None => format!("Begriff „{}“ veraltet", t.label),
            },
        },
    );
    txn.commit().await?;
    Ok(t)
}

/// Terms by label or synonym (see [`search::key`]), exact matches first; bounded by [`MAX_TERMS`].
pub async fn terms<C: ConnectionTrait>(
    db: &C,
    search_text: Option<&str>,
    status: Option<TermStatus>,
    limit: u64,
) -> Result<Vec<term::Model>> {
    let limit = limit.clamp(1, MAX_TERMS);
    let mut q = term::Entity::find().filter(term::Column::GlossaryId.eq(DEFAULT_GLOSSARY_ID));
    if let Some(s) = status {
        q = q.filter(term::Column::Status.eq(s));
    }
    let search_text = text::SEARCH.optional("search", search_text)?;
    let key = search_text.as_deref().map(search::key).filter(|k| !k.is_empty());
    let Some(key) = key else {
        return Ok(q.order_by_asc(term::Column::SearchKey).limit(limit).all(db).await?);
    };
    // The key holds letters, digits and single spaces only, so it needs no LIKE escaping.
    let pattern = format!("%{key}%");
    let mut rows = q
        .filter(
            Condition::any().add(term::Column::SearchKey.like(&pattern)).add(
                term::Column::Id.in_subquery(
                    Query::select()
                        .column(synonym::Column::TermId)
                        .from(synonym::Entity)
                        .and_where(synonym::Column::SearchKey.like(&pattern))
                        .to_owned(),
                ),
            ),
        )
        .order_by_asc(term::Column::SearchKey)
        .limit(limit)
        .all(db)
        .await?;
    let synonyms =
        synonym::Entity::find().filter(synonym::Column::TermId.is_in(rows.iter().map(|t| t.id))).all(db).await?;
    let mut keys: HashMap<Uuid, Vec<String>> = HashMap::new();
    for s in synonyms {
        keys.entry(s.term_id).or_default().push(s.search_key);
    }
    rows.sort_by_cached_key(|t| {
        let syn: Vec<&str> = keys.get(&t.id).map(|v| v.iter().map(String::as_str).collect()).unwrap_or_default();
        (search::rank(&key, &t.search_key, &syn).unwrap_or(u8::MAX), t.search_key.clone())
    });
    Ok(rows)
}

pub async fn term<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<term::Model>> {
    Ok(term::Entity::find_by_id(id).one(db).await?)
}
