//! The glossary as one document: the snapshot the exports write, and the import that merges a
//! parsed document into the database (in one transaction; a dry run rolls it back).
//!
//! Import semantics, for coordinators: a term is matched by its id (an IRI of this glossary or the
//! CSV `id` column), else by its label's search key; a definition by its id, else by equal text
//! within its term. Labels, synonyms, definition texts (a changed text is a new version by the
//! importer) and metadata are taken over; relations and mappings are added. Nothing is deleted, and
//! what a document does not carry (a CSV without a synonyms or scope_note column) stays as it is.
//! Statuses are never imported: a term is agreed only by reviews under the agreement rule, and
//! deprecated by a coordinator in the glossary. A status or agreed flag in the document that differs
//! from the glossary's is reported as a note on the term, so that a dry run shows it.

use std::collections::HashMap;

use async_graphql::{Enum, SimpleObject};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::{
    entities::{
        DefinitionStatus, MappingKind, RelationKind, TermStatus, definition, mapping, relation, synonym, term, version,
    },
    search,
    service::{self, DefinitionData, NewMapping, SourceData},
};
use crate::{
    accounts::policy::{Actor, Permission},
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    state::AppState,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Definition(Uuid),
    Uri(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionSnap {
    pub id: Uuid,
    pub text: String,
    pub version: i32,
    pub status: DefinitionStatus,
    pub source: SourceData,
    pub scope_note: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub mappings: Vec<(MappingKind, Target)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermSnap {
    pub id: Uuid,
    pub label: String,
    pub synonyms: Vec<String>,
    pub status: TermStatus,
    pub replaced_by: Option<Uuid>,
    pub agreed_definition: Option<Uuid>,
    /// The agreed text in force where the agreed definition has changed since (under review again).
    pub agreed_text: Option<String>,
    pub broader: Vec<Uuid>,
    pub narrower: Vec<Uuid>,
    pub related: Vec<Uuid>,
    pub definitions: Vec<DefinitionSnap>,
}

/// The whole glossary in five statements, terms ordered by label.
pub async fn snapshot<C: ConnectionTrait>(db: &C) -> Result<Vec<TermSnap>> {
    let terms = term::Entity::find()
        .filter(term::Column::GlossaryId.eq(service::DEFAULT_GLOSSARY_ID))
        .order_by_asc(term::Column::SearchKey)
        .all(db)
        .await?;
    let synonyms = synonym::Entity::find().order_by_asc(synonym::Column::Position).all(db).await?;
    let relations = relation::Entity::find().all(db).await?;
    let definitions = definition::Entity::find()
        .order_by_asc(definition::Column::CreatedAt)
        .order_by_asc(definition::Column::Id)
        .all(db)
        .await?;
    let mappings = mapping::Entity::find().order_by_asc(mapping::Column::CreatedAt).all(db).await?;
    let mut syn: HashMap<Uuid, Vec<String>> = HashMap::new();
    for s in synonyms {
        syn.entry(s.term_id).or_default().push(s.label);
    }
    let mut maps: HashMap<Uuid, Vec<(MappingKind, Target)>> = HashMap::new();
    for m in mappings {
        let target = match (m.target_definition_id, m.target_uri) {
            (Some(d), _) => Target::Definition(d),
            (None, Some(u)) => Target::Uri(u),
            (None, None) => continue,
        };
        maps.entry(m.definition_id).or_default().push((m.kind, target));
    }
    let mut defs: HashMap<Uuid, Vec<DefinitionSnap>> = HashMap::new();
    for d in definitions {
        defs.entry(d.term_id).or_default().push(DefinitionSnap {
            id: d.id,
            mappings: maps.remove(&d.id).unwrap_or_default(),
            text: d.text,
            version: d.version,
            status: d.status,
            source: SourceData {
                publisher: d.source_publisher,
                statistic: d.source_statistic,
                date: d.source_date,
                link: d.source_link,
            },
            scope_note: d.scope_note,
            valid_from: d.valid_from,
            valid_to: d.valid_to,
        });
    }
    // Agreed definitions changed since their agreement: the version in force, one query for all.
    let current: HashMap<Uuid, i32> = defs.values().flatten().map(|d| (d.id, d.version)).collect();
    let reopened: Vec<(Uuid, i32)> = terms
        .iter()
        .filter_map(|t| t.agreed_definition_id.zip(t.agreed_version))
        .filter(|(d, v)| current.get(d).is_some_and(|c| c != v))
        .collect();
    let mut agreed_texts: HashMap<Uuid, String> = HashMap::new();
    if !reopened.is_empty() {
        let rows = version::Entity::find()
            .filter(version::Column::DefinitionId.is_in(reopened.iter().map(|(d, _)| *d)))
            .all(db)
            .await?;
        for r in rows {
            if reopened.contains(&(r.definition_id, r.version)) {
                agreed_texts.insert(r.definition_id, r.text);
            }
        }
    }
    let mut out: Vec<TermSnap> = terms
        .into_iter()
        .map(|t| TermSnap {
            id: t.id,
            synonyms: syn.remove(&t.id).unwrap_or_default(),
            definitions: defs.remove(&t.id).unwrap_or_default(),
            label: t.label,
            status: t.status,
            replaced_by: t.replaced_by_id,
            agreed_text: t.agreed_definition_id.and_then(|d| agreed_texts.remove(&d)),
            agreed_definition: t.agreed_definition_id,
            broader: vec![],
            narrower: vec![],
            related: vec![],
        })
        .collect();
    let index: HashMap<Uuid, usize> = out.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    for r in relations {
        let (Some(&a), Some(&b)) = (index.get(&r.term_id), index.get(&r.other_id)) else { continue };
        match r.kind {
            RelationKind::Broader => {
                out[a].broader.push(r.other_id);
                out[b].narrower.push(r.term_id);
            }
            _ => {
                out[a].related.push(r.other_id);
                out[b].related.push(r.term_id);
            }
        }
    }
    for t in &mut out {
        t.broader.sort();
        t.narrower.sort();
        t.related.sort();
    }
    Ok(out)
}

// ---- the parsed document ----------------------------------------------------------------

/// How a document names a term: an IRI (Turtle) or a label (CSV).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TermRef {
    Iri(String),
    Label(String),
}

/// Which optional definition fields a document carries; a field it lacks keeps the glossary's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carried {
    pub publisher: bool,
    pub statistic: bool,
    pub source_date: bool,
    pub source_link: bool,
    pub scope_note: bool,
    pub valid_from: bool,
    pub valid_to: bool,
}

impl Default for Carried {
    fn default() -> Self {
        Self {
            publisher: true,
            statistic: true,
            source_date: true,
            source_link: true,
            scope_note: true,
            valid_from: true,
            valid_to: true,
        }
    }
}

impl Carried {
    /// The document's data, with the fields it does not carry taken from the glossary's definition.
    fn merge(self, data: DefinitionData, known: &DefinitionSnap) -> DefinitionData {
        let pick = |carried: bool, new: Option<String>, old: &Option<String>| if carried { new } else { old.clone() };
        DefinitionData {
            text: data.text,
            source: SourceData {
                publisher: pick(self.publisher, data.source.publisher, &known.source.publisher),
                statistic: pick(self.statistic, data.source.statistic, &known.source.statistic),
                date: if self.source_date { data.source.date } else { known.source.date },
                link: pick(self.source_link, data.source.link, &known.source.link),
            },
            scope_note: pick(self.scope_note, data.scope_note, &known.scope_note),
            valid_from: if self.valid_from { data.valid_from } else { known.valid_from },
            valid_to: if self.valid_to { data.valid_to } else { known.valid_to },
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct DefinitionIn {
    /// Where the definition appears in the document, for error messages.
    pub at: String,
    pub id: Option<Uuid>,
    pub data: DefinitionData,
    /// What the document says; reported when it differs, never taken over.
    pub agreed: bool,
    pub carried: Carried,
    /// Targets: IRIs of definitions of this glossary or URIs of other vocabularies.
    pub mappings: Vec<(MappingKind, String)>,
}

#[derive(Debug, Clone)]
pub struct TermIn {
    pub at: String,
    pub reference: TermRef,
    pub id: Option<Uuid>,
    pub label: String,
    /// `None`: the document does not carry synonyms, the term keeps its own.
    pub synonyms: Option<Vec<String>>,
    /// What the document says; reported when it differs, never taken over.
    pub status: Option<TermStatus>,
    pub replaced_by: Option<TermRef>,
    pub broader: Vec<TermRef>,
    pub narrower: Vec<TermRef>,
    pub related: Vec<TermRef>,
    pub definitions: Vec<DefinitionIn>,
}

/// The IRIs of this installation's glossary, terms and definitions.
#[derive(Debug, Clone)]
pub struct Iris {
    pub base: String,
}

impl Iris {
    pub fn new(public_url: &str) -> Self {
        Self { base: format!("{}/glossary", public_url.trim_end_matches('/')) }
    }
    pub fn scheme(&self) -> String {
        self.base.clone()
    }
    pub fn vocab(&self) -> String {
        format!("{}/vocab#", self.base)
    }
    pub fn term(&self, id: Uuid) -> String {
        format!("{}/terms/{id}", self.base)
    }
    pub fn definition(&self, id: Uuid) -> String {
        format!("{}/definitions/{id}", self.base)
    }
    pub fn term_id(&self, iri: &str) -> Option<Uuid> {
        iri.strip_prefix(&format!("{}/terms/", self.base)).and_then(|s| s.parse().ok())
    }
    pub fn definition_id(&self, iri: &str) -> Option<Uuid> {
        iri.strip_prefix(&format!("{}/definitions/", self.base)).and_then(|s| s.parse().ok())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ImportFormat {
    Turtle,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ImportChange {
    Created,
    Updated,
    Unchanged,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct ImportedTerm {
    pub label: String,
    pub change: ImportChange,
    /// What changed, e.g. "synonyms", "definition text".
    pub details: Vec<String>,
    /// What the document says but the import does not take over, e.g. a status, and why.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub terms: Vec<ImportedTerm>,
}

pub const MAX_IMPORT_TERMS: usize = 5000;

/// Imports a parsed document: everything in one transaction, rolled back for a dry run.
pub async fn import(
    state: &AppState,
    actor: &Actor,
    format: ImportFormat,
    content: &str,
    dry_run: bool,
) -> Result<ImportReport> {
    actor.require(Permission::ManageGlossary)?;
    let iris = Iris::new(&state.config.public_url);
    let document = match format {
        ImportFormat::Turtle => super::skos::parse_turtle(content, &iris)?,
        ImportFormat::Csv => super::csv::parse(content)?,
    };
    if document.len() > MAX_IMPORT_TERMS {
        return Err(Error::validation("content", format!("at most {MAX_IMPORT_TERMS} terms per import")));
    }
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let report = apply(&txn, now, actor, &iris, document, dry_run).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "glossary.import",
            entity_type: "glossary",
            entity_id: Some(service::DEFAULT_GLOSSARY_ID),
            summary: format!(
                "Glossar importiert ({format:?}): {} neu, {} geändert, {} unverändert",
                report.created, report.updated, report.unchanged
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

async fn apply<C: ConnectionTrait>(
    db: &C,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    iris: &Iris,
    document: Vec<TermIn>,
    dry_run: bool,
) -> Result<ImportReport> {
    service::glossary(db, now).await?;
    let before = snapshot(db).await?;
    let by_id: HashMap<Uuid, &TermSnap> = before.iter().map(|t| (t.id, t)).collect();
    let by_key: HashMap<String, &TermSnap> = before.iter().map(|t| (search::key(&t.label), t)).collect();
    // Pass 1: terms and their definitions; remember which id each document reference resolved to.
    let mut resolved: HashMap<TermRef, Uuid> = HashMap::new();
    let mut keys_in_document: HashMap<String, String> = HashMap::new();
    let mut entries: Vec<(ImportedTerm, Uuid, Vec<Uuid>)> = Vec::new();
    let mut definition_ids: HashMap<String, Uuid> = HashMap::new();
    for t in &document {
        let (label, key) = service::clean_label("label", &t.label).map_err(|e| at_error(&t.at, e))?;
        if let Some(other) = keys_in_document.insert(key.clone(), t.at.clone()) {
            return Err(at_error(&t.at, format!("the label {label:?} appears twice (also {other})")));
        }
        let synonyms = t
            .synonyms
            .as_deref()
            .map(|s| service::clean_synonyms(s, &key))
            .transpose()
            .map_err(|e| at_error(&t.at, e))?;
        let existing = t.id.and_then(|id| by_id.get(&id)).or_else(|| by_key.get(&key)).copied();
        let mut details = Vec::new();
        let id = match existing {
            Some(e) => {
                if e.label != label {
                    details.push("label".to_string());
                }
                let synonyms_changed = synonyms
                    .as_ref()
                    .is_some_and(|s| e.synonyms != s.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>());
                if synonyms_changed {
                    details.push("synonyms".to_string());
                }
                if !details.is_empty() {
                    let row = term::Entity::find_by_id(e.id).one(db).await?.ok_or(Error::NotFound("term"))?;
                    let mut row = row.into_active_model();
                    row.label = Set(label.clone());
                    row.search_key = Set(key.clone());
                    row.updated_at = Set(now);
                    row.update(db).await.map_err(|err| at_error(&t.at, Error::from(err).public_message()))?;
                    if let Some(s) = synonyms.as_ref().filter(|_| synonyms_changed) {
                        service::replace_synonyms(db, e.id, s).await?;
                    }
                }
                e.id
            }
            None => {
                let id = t.id.unwrap_or_else(Uuid::now_v7);
                let synonyms = synonyms.unwrap_or_default();
                service::insert_term(db, now, actor, id, (label.clone(), key.clone()), &synonyms, TermStatus::Proposed)
                    .await
                    .map_err(|e| at_error(&t.at, e.public_message()))?;
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
                    if k.source != data.source
                        || k.scope_note != data.scope_note
                        || k.valid_from != data.valid_from
                        || k.valid_to != data.valid_to
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
                    def_id
                }
            };
            if let Some(original) = d.id {
                definition_ids.insert(iris.definition(original), def_id);
            }
            def_ids.push(def_id);
        }
        entries.push((
            ImportedTerm {
                label,
                change: if existing.is_none() { ImportChange::Created } else { ImportChange::Unchanged },
                details,
                notes: Vec::new(),
            },
            id,
            def_ids,
        ));
    }
    // Pass 2: states, relations and mappings, now that every term of the document has an id.
    let resolve = |r: &TermRef, at: &str| -> Result<Uuid> {
        let found = match r {
            TermRef::Iri(iri) => {
                resolved.get(r).copied().or_else(|| iris.term_id(iri).filter(|id| by_id.contains_key(id)))
            }
            TermRef::Label(l) => resolved
                .get(&TermRef::Label(search::key(l)))
                .copied()
                .or_else(|| by_key.get(&search::key(l)).map(|t| t.id)),
        };
        found.ok_or_else(|| at_error(at, format!("refers to an unknown term {r:?}")))
    };
    let known_mappings: HashMap<Uuid, &Vec<(MappingKind, Target)>> =
        before.iter().flat_map(|t| t.definitions.iter().map(|d| (d.id, &d.mappings))).collect();
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
        let (status_now, agreed_now, replaced_now) = before_term
            .map(|b| (b.status, b.agreed_definition, b.replaced_by))
            .unwrap_or((TermStatus::Proposed, None, None));
        entry.notes = state_notes(t.status, status_now, agreed_def, agreed_now, replaced_by, replaced_now);
        for (d, def_id) in t.definitions.iter().zip(current.iter()) {
            for (kind, target) in &d.mappings {
                let (target_definition_id, target_uri) = match iris.definition_id(target) {
                    Some(original) => (Some(definition_ids.get(target).copied().unwrap_or(original)), None),
                    None => (None, Some(target.clone())),
                };
                let wanted = match (&target_definition_id, &target_uri) {
                    (Some(d), _) => Target::Definition(*d),
                    (None, uri) => Target::Uri(uri.clone().unwrap_or_default()),
                };
                if known_mappings.get(def_id).is_some_and(|m| m.contains(&(*kind, wanted))) {
                    continue;
                }
                service::insert_mapping(
                    db,
                    now,
                    actor,
                    NewMapping { definition_id: *def_id, target_definition_id, target_uri, kind: *kind, note: None },
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
    })
}
