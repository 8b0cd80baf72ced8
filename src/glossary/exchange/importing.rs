//! Merging a parsed glossary document into the database, in one transaction (a dry run rolls it back).

use super::*;

pub const MAX_IMPORT_TERMS: usize = 5000;

/// Imports a parsed document: everything in one transaction, rolled back for a dry run.
pub async fn import(
    state: &AppState,
    actor: &Actor,
    format: ImportFormat,
    content: &str,
    dry_run: bool,
    keep_states: bool,
) -> Result<ImportReport> {
    actor.require(Permission::ManageGlossary)?;
    let document = match format {
        ImportFormat::Turtle => crate::glossary::skos::parse_turtle(content)?,
        ImportFormat::Csv => Document { terms: crate::glossary::csv::parse(content)?, ..Document::default() },
    };
    if document.terms.len() > MAX_IMPORT_TERMS {
        return Err(Error::validation("content", format!("at most {MAX_IMPORT_TERMS} terms per import")));
    }
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let report = apply(&txn, now, actor, document, dry_run, keep_states).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "glossary.import",
            entity_type: "glossary",
            entity_id: Some(service::DEFAULT_GLOSSARY_ID),
            summary: format!(
                "Glossar importiert ({format:?}): {} neu, {} geändert, {} unverändert{}",
                report.created,
                report.updated,
                report.unchanged,
                if keep_states { ", Status übernommen" } else { "" }
            ),
        },
    );
    if dry_run {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    Ok(report)
}

/// Why the states a document gives are not taken over, where they differ from the glossary's.
fn state_notes(
    status: Option<TermStatus>,
    status_now: TermStatus,
    agreed: Option<Uuid>,
    agreed_now: Option<Uuid>,
    replaced_by: Option<Uuid>,
    replaced_now: Option<Uuid>,
) -> Vec<String> {
    let mut notes = Vec::new();
    match status {
        Some(s) if s != status_now => notes.push(format!(
            "status {} not taken over (stays {}): {}",
            status_name(s),
            status_name(status_now),
            if s == TermStatus::Deprecated {
                "a coordinator deprecates terms in the glossary"
            } else {
                "a status comes only from reviews under the agreement rule"
            }
        )),
        _ => {}
    }
    if agreed.is_some() && agreed != agreed_now {
        notes.push("agreed definition not taken over: agreement comes only from reviews".into());
    }
    if replaced_by.is_some() && replaced_by != replaced_now {
        notes.push("replacement not taken over: a coordinator deprecates terms in the glossary".into());
    }
    notes
}

fn status_name(s: TermStatus) -> &'static str {
    match s {
        TermStatus::Proposed => "PROPOSED",
        TermStatus::Agreed => "AGREED",
        TermStatus::Deprecated => "DEPRECATED",
    }
}

fn at_error(at: &str, message: impl std::fmt::Display) -> Error {
    Error::validation("content", format!("{at}: {message}"))
}

/// A label as a report names it: `"Migration background"@en (prefLabel)`.
fn describe_label(l: &OtherLabel) -> String {
    let kind = match l.kind {
        LabelKind::Alt => "altLabel",
        LabelKind::Hidden => "hiddenLabel",
        LabelKind::Pref => "prefLabel",
    };
    if l.language.is_empty() { format!("{kind} {:?}", l.text) } else { format!("{kind} {:?}@{}", l.text, l.language) }
}

/// The labels a term will have of the kinds the document carries, with their keys, and what is
/// dropped (repeats, copies of the main label).
fn wanted_labels(
    labels: &LabelsIn,
    existing: &[OtherLabel],
    key: &str,
    language: &str,
) -> Result<service::CleanLabels> {
    let given: Vec<OtherLabel> = labels
        .labels
        .iter()
        .map(|l| {
            if labels.languages_known {
                return l.clone();
            }
            let k = search::key(&l.text);
            let known = existing.iter().find(|e| e.kind == l.kind && search::key(&e.text) == k);
            OtherLabel {
                language: known.map(|e| e.language.clone()).unwrap_or_else(|| language.to_string()),
                ..l.clone()
            }
        })
        .collect();
    service::clean_labels(&given, key, language)
}

async fn apply<C: ConnectionTrait>(
    db: &C,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    document: Document,
    dry_run: bool,
    keep_states: bool,
) -> Result<ImportReport> {
    let glossary = service::glossary(db, now).await?;
    let before = snapshot(db).await?;
    if keep_states && !before.is_empty() {
        return Err(Error::validation(
            "keepStates",
            "statuses are taken over only into an empty glossary (moving a glossary to this installation)",
        ));
    }
    let mut document_not_kept = document.not_kept;
    if let Some(title) = document.title.filter(|t| *t != glossary.title) {
        document_not_kept.push(format!("dct:title {title:?}: the glossary keeps its title {:?}", glossary.title));
    }
    let document = document.terms;
    let by_id: HashMap<Uuid, &TermSnap> = before.iter().map(|t| (t.id, t)).collect();
    let by_key: HashMap<String, &TermSnap> = before.iter().map(|t| (search::key(&t.label), t)).collect();
    // Pass 1: terms and their definitions; remember which id each document reference resolved to.
    let mut resolved: HashMap<TermRef, Uuid> = HashMap::new();
    let mut keys_in_document: HashMap<String, String> = HashMap::new();
    let mut entries: Vec<(ImportedTerm, Uuid, Vec<Uuid>)> = Vec::new();
    let mut definition_ids: HashMap<Uuid, Uuid> = HashMap::new();
    for t in &document {
        let (label, key) = service::clean_label("label", &t.label).map_err(|e| at_error(&t.at, e))?;
        if let Some(other) = keys_in_document.insert(key.clone(), t.at.clone()) {
            return Err(at_error(&t.at, format!("the label {label:?} appears twice (also {other})")));
        }
        let existing = t.id.and_then(|id| by_id.get(&id)).or_else(|| by_key.get(&key)).copied();
        let language = match &t.language {
            Some(l) => service::clean_language("language", l).map_err(|e| at_error(&t.at, e))?,
            None => existing.map(|e| e.language.clone()).unwrap_or_else(|| DEFAULT_LANGUAGE.into()),
        };
        let notation = match &t.notation {
            Some(n) => text::NAME.optional("notation", n.as_deref()).map_err(|e| at_error(&t.at, e))?,
            None => existing.and_then(|e| e.notation.clone()),
        };
        let known_labels = existing.map(|e| e.labels.as_slice()).unwrap_or_default();
        let labels = t
            .labels
            .as_ref()
            .map(|l| wanted_labels(l, known_labels, &key, &language))
            .transpose()
            .map_err(|e| at_error(&t.at, e))?;
        let mut not_kept = t.not_kept.clone();
        if let Some((_, dropped)) = &labels {
            not_kept
                .extend(dropped.iter().map(|l| format!("{}: repeats another label of the term", describe_label(l))));
        }
        let labels_changed = |kinds: &[LabelKind], wanted: &[(OtherLabel, String)]| {
            let mut have: Vec<&OtherLabel> = known_labels.iter().filter(|l| kinds.contains(&l.kind)).collect();
            let mut want: Vec<&OtherLabel> = wanted.iter().map(|(l, _)| l).collect();
            have.sort_by_key(|l| (l.kind as u8, l.language.clone(), l.text.clone()));
            want.sort_by_key(|l| (l.kind as u8, l.language.clone(), l.text.clone()));
            have != want
        };
        let mut details = Vec::new();
        let id = match existing {
            Some(e) => {
                if e.label != label {
                    details.push("label".to_string());
                }
                if e.language != language {
                    details.push("label language".to_string());
                }
                if e.notation != notation {
                    details.push("notation".to_string());
                }
                let new_labels =
                    t.labels.as_ref().zip(labels.as_ref()).filter(|(l, (w, _))| labels_changed(&l.kinds, w));
                if new_labels.is_some() {
                    details.push("synonyms".to_string());
                }
                if !details.is_empty() {
                    let row = term::Entity::find_by_id(e.id).one(db).await?.ok_or(Error::NotFound("term"))?;
                    let mut row = row.into_active_model();
                    row.label = Set(label.clone());
                    row.search_key = Set(key.clone());
                    row.language = Set(language.clone());
                    row.notation = Set(notation.clone());
                    row.updated_at = Set(now);
                    row.update(db).await.map_err(|err| at_error(&t.at, Error::from(err).public_message()))?;
                    if let Some((l, (wanted, _))) = new_labels {
                        service::replace_labels(db, e.id, &l.kinds, wanted).await?;
                    }
                }
                e.id
            }
            None => {
                let id = t.id.unwrap_or_else(Uuid::now_v7);
                service::insert_term(db, now, actor, id, (label.clone(), key.clone()), &[], TermStatus::Proposed)
                    .await
                    .map_err(|e| at_error(&t.at, e.public_message()))?;
                if let Some((l, (wanted, _))) = t.labels.as_ref().zip(labels.as_ref()) {
                    service::replace_labels(db, id, &l.kinds, wanted).await?;
                }
                if language != DEFAULT_LANGUAGE || notation.is_some() {
                    let mut row = service::term_in(db, id).await?.into_active_model();
                    row.language = Set(language.clone());
                    row.notation = Set(notation.clone());
                    row.update(db).await?;
                }
                id
            }
        };
        resolved.insert(t.reference.clone(), id);
        resolved.insert(TermRef::Label(key.clone()), id);
        let known = existing.map(|e| e.definitions.as_slice()).unwrap_or_default();
        let mut def_ids = Vec::new();
        for d in &t.definitions {
            let data = service::clean_definition(d.data.clone()).map_err(|e| at_error(&d.at, e))?;
            let found =
                d.id.and_then(|i| known.iter().find(|k| k.id == i))
                    .or_else(|| known.iter().find(|k| k.text == data.text));
            let def_id = match found {
                Some(k) => {
                    let data = d.carried.merge(data, k);
                    if k.text != data.text {
                        details.push("definition text".into());
                        let row = service::definition_in(db, k.id).await?;
                        service::write_text(db, now, actor, row, data.text.clone()).await?;
                    }
                    let language = data.language.clone().unwrap_or_else(|| DEFAULT_LANGUAGE.into());
                    let note_language = data.scope_note_language.clone().unwrap_or_else(|| DEFAULT_LANGUAGE.into());
                    if k.source != data.source
                        || k.scope_note != data.scope_note
                        || k.valid_from != data.valid_from
                        || k.valid_to != data.valid_to
                        || k.language != language
                        || k.scope_note_language != note_language
                    {
                        details.push("definition source or validity".into());
                        let mut row = service::definition_in(db, k.id).await?.into_active_model();
                        row.source_publisher = Set(data.source.publisher.clone());
                        row.source_statistic = Set(data.source.statistic.clone());
                        row.source_date = Set(data.source.date);
                        row.source_link = Set(data.source.link.clone());
                        row.scope_note = Set(data.scope_note.clone());
                        row.valid_from = Set(data.valid_from);
                        row.valid_to = Set(data.valid_to);
                        row.language = Set(language);
                        row.scope_note_language = Set(note_language);
                        row.updated_at = Set(now);
                        row.update(db).await?;
                    }
                    k.id
                }
                None => {
                    let def_id = d.id.filter(|i| !by_id.values().any(|t| t.definitions.iter().any(|k| k.id == *i)));
                    let def_id = def_id.unwrap_or_else(Uuid::now_v7);
                    if existing.is_some() {
                        details.push("new definition".into());
                    }
                    service::insert_definition(db, now, actor, def_id, id, data, DefinitionStatus::Proposed).await?;
                    if let Some(v) = d.version.filter(|v| keep_states && *v > 1) {
                        service::renumber_first_version(db, def_id, v).await?;
                    }
                    def_id
                }
            };
            if let Some(original) = d.id {
                definition_ids.insert(original, def_id);
            }
            def_ids.push(def_id);
        }
        entries.push((
            ImportedTerm {
                label,
                change: if existing.is_none() { ImportChange::Created } else { ImportChange::Unchanged },
                details,
                notes: Vec::new(),
                not_kept,
            },
            id,
            def_ids,
        ));
    }
    // Pass 2: states, relations and mappings, now that every term of the document has an id.
    let resolve = |r: &TermRef, at: &str| -> Result<Uuid> {
        let found = match r {
            TermRef::Iri(iri) => {
                resolved.get(r).copied().or_else(|| Iris::term_id(iri).filter(|id| by_id.contains_key(id)))
            }
            TermRef::Label(l) => resolved
                .get(&TermRef::Label(search::key(l)))
                .copied()
                .or_else(|| by_key.get(&search::key(l)).map(|t| t.id)),
        };
        found.ok_or_else(|| at_error(at, format!("refers to an unknown term {r:?}")))
    };
    let known_mappings: HashMap<Uuid, &Vec<MappingSnap>> =
        before.iter().flat_map(|t| t.definitions.iter().map(|d| (d.id, &d.mappings))).collect();
    let known_definitions: std::collections::HashSet<Uuid> =
        before.iter().flat_map(|t| t.definitions.iter().map(|d| d.id)).collect();
    for (t, (entry, id, current)) in document.iter().zip(entries.iter_mut()) {
        let before_term = by_id.get(id).copied();
        for (refs, kind) in [
            (&t.broader, RelationKind::Broader),
            (&t.narrower, RelationKind::Narrower),
            (&t.related, RelationKind::Related),
        ] {
            for r in refs {
                let other = resolve(r, &t.at)?;
                if service::link(db, now, *id, other, kind).await.map_err(|e| at_error(&t.at, e.public_message()))?
                    && before_term.is_some()
                {
                    entry.details.push(format!("{kind:?} relation").to_lowercase());
                }
            }
        }
        let replaced_by = t.replaced_by.as_ref().map(|r| resolve(r, &t.at)).transpose()?;
        let agreed_def = t.definitions.iter().position(|d| d.agreed).and_then(|i| current.get(i).copied());
        if keep_states {
            let status = t.status.unwrap_or(TermStatus::Proposed);
            service::restore_state(db, *id, status, agreed_def, replaced_by).await.map_err(|e| at_error(&t.at, e))?;
            if status != TermStatus::Proposed {
                entry.notes.push(format!("status {} taken over from the document", status_name(status)));
            }
        } else {
            let (status_now, agreed_now, replaced_now) = before_term
                .map(|b| (b.status, b.agreed_definition, b.replaced_by))
                .unwrap_or((TermStatus::Proposed, None, None));
            entry.notes = state_notes(t.status, status_now, agreed_def, agreed_now, replaced_by, replaced_now);
        }
        for (d, def_id) in t.definitions.iter().zip(current.iter()) {
            for m in &d.mappings {
                // A definition of a teilhabe glossary: this document's (by its new id) or one here.
                let target_definition = Iris::definition_id(&m.target)
                    .and_then(|original| definition_ids.get(&original).copied().or(Some(original)))
                    .filter(|target| {
                        definition_ids.values().any(|d| d == target) || known_definitions.contains(target)
                    });
                let (target_definition_id, target_uri) = match target_definition {
                    Some(d) => (Some(d), None),
                    None => (None, Some(m.target.clone())),
                };
                let target = match target_definition {
                    Some(d) => Target::Definition(d),
                    None => Target::Uri(m.target.clone()),
                };
                let known = known_mappings.get(def_id).and_then(|ms| ms.iter().find(|k| k.target == target));
                let note = match &m.note {
                    Some(n) => n.clone(),
                    None => known.and_then(|k| k.note.clone()),
                };
                if known.is_some_and(|k| k.kind == m.kind && k.note == note) {
                    continue;
                }
                let (note, note_language) = note.unzip();
                service::insert_mapping(
                    db,
                    now,
                    actor,
                    NewMapping {
                        definition_id: *def_id,
                        target_definition_id,
                        target_uri,
                        kind: m.kind,
                        note,
                        note_language,
                    },
                )
                .await
                .map_err(|e| at_error(&d.at, e.public_message()))?;
                if before_term.is_some() && !entry.details.iter().any(|x| x == "mappings") {
                    entry.details.push("mappings".into());
                }
            }
        }
        if before_term.is_some() && !entry.details.is_empty() {
            entry.change = ImportChange::Updated;
        }
    }
    let terms: Vec<ImportedTerm> = entries.into_iter().map(|(e, _, _)| e).collect();
    let count = |c: ImportChange| terms.iter().filter(|t| t.change == c).count() as i32;
    Ok(ImportReport {
        dry_run,
        created: count(ImportChange::Created),
        updated: count(ImportChange::Updated),
        unchanged: count(ImportChange::Unchanged),
        terms,
        not_kept: document_not_kept,
        states_kept: keep_states,
    })
}
