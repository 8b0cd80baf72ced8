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
        DefinitionStatus, LabelKind, MappingKind, RelationKind, TermStatus, definition, mapping, relation, synonym,
        term, version,
    },
    search,
    service::{self, DEFAULT_LANGUAGE, DefinitionData, NewMapping, OtherLabel, SourceData},
};
use crate::{
    accounts::policy::{Actor, Permission},
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    state::AppState,
    text,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Definition(Uuid),
    Uri(String),
}

/// A mapping as exported: its note with the note's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingSnap {
    pub kind: MappingKind,
    pub target: Target,
    pub note: Option<(String, String)>,
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
    pub mappings: Vec<MappingSnap>,
    /// Languages of `text` and `scope_note` (BCP 47; empty: none given).
    pub language: String,
    pub scope_note_language: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermSnap {
    pub id: Uuid,
    pub label: String,
    /// The language of `label`.
    pub language: String,
    pub notation: Option<String>,
    /// The `altLabel`s in any language, as spreadsheets list them.
    pub synonyms: Vec<String>,
    /// Every label besides `label`: synonyms, hidden labels, preferred labels in other languages.
    pub labels: Vec<OtherLabel>,
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
    let mut syn: HashMap<Uuid, Vec<OtherLabel>> = HashMap::new();
    for s in synonyms {
        syn.entry(s.term_id).or_default().push(OtherLabel { kind: s.kind, language: s.language, text: s.label });
    }
    let mut maps: HashMap<Uuid, Vec<MappingSnap>> = HashMap::new();
    for m in mappings {
        let target = match (m.target_definition_id, m.target_uri) {
            (Some(d), _) => Target::Definition(d),
            (None, Some(u)) => Target::Uri(u),
            (None, None) => continue,
        };
        let note = m.note.map(|n| (n, m.note_language));
        maps.entry(m.definition_id).or_default().push(MappingSnap { kind: m.kind, target, note });
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
            language: d.language,
            scope_note_language: d.scope_note_language,
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
        .map(|t| {
            let labels = syn.remove(&t.id).unwrap_or_default();
            TermSnap {
                id: t.id,
                synonyms: labels.iter().filter(|l| l.kind == LabelKind::Alt).map(|l| l.text.clone()).collect(),
                labels,
                language: t.language,
                notation: t.notation,
                definitions: defs.remove(&t.id).unwrap_or_default(),
                label: t.label,
                status: t.status,
                replaced_by: t.replaced_by_id,
                agreed_text: t.agreed_definition_id.and_then(|d| agreed_texts.remove(&d)),
                agreed_definition: t.agreed_definition_id,
                broader: vec![],
                narrower: vec![],
                related: vec![],
            }
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
            language: data.language.or_else(|| Some(known.language.clone())),
            scope_note_language: data.scope_note_language.or_else(|| Some(known.scope_note_language.clone())),
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
    pub mappings: Vec<MappingIn>,
    /// `owl:versionInfo`: taken over only when states are kept (moving a glossary).
    pub version: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingIn {
    pub kind: MappingKind,
    /// An IRI of a definition of a teilhabe glossary, or a URI of another vocabulary.
    pub target: String,
    /// The note with its language; `None`: the document carries no notes (a spreadsheet), a
    /// mapping keeps the one it has.
    pub note: Option<Option<(String, String)>>,
}

/// The labels a document gives a term besides its main one.
#[derive(Debug, Clone, Default)]
pub struct LabelsIn {
    /// The kinds the document carries; labels of other kinds stay as they are.
    pub kinds: Vec<LabelKind>,
    pub labels: Vec<OtherLabel>,
    /// `false` (spreadsheets): a label keeps the language it has, a new one gets the term's.
    pub languages_known: bool,
}

#[derive(Debug, Clone)]
pub struct TermIn {
    pub at: String,
    pub reference: TermRef,
    pub id: Option<Uuid>,
    pub label: String,
    /// The language of `label`; `None`: the document does not say, the term keeps its own.
    pub language: Option<String>,
    /// `None`: the document does not carry a notation column; `Some(None)`: no notation.
    pub notation: Option<Option<String>>,
    /// `None`: the document does not carry synonyms, the term keeps its own.
    pub labels: Option<LabelsIn>,
    /// What the document says; reported when it differs, never taken over.
    pub status: Option<TermStatus>,
    pub replaced_by: Option<TermRef>,
    pub broader: Vec<TermRef>,
    pub narrower: Vec<TermRef>,
    pub related: Vec<TermRef>,
    pub definitions: Vec<DefinitionIn>,
    /// What the document says about the term that the glossary cannot keep, in words.
    pub not_kept: Vec<String>,
}

/// A parsed document.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub terms: Vec<TermIn>,
    /// What the document says outside its terms that the glossary cannot keep.
    pub not_kept: Vec<String>,
    /// The title the document gives the glossary (`dct:title` of the concept scheme).
    pub title: Option<String>,
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
    /// Terms and definitions are recognised by the path this glossary writes, on whatever host:
    /// an export keeps its ids after a domain change or a move to another server.
    fn id_after(iri: &str, marker: &str) -> Option<Uuid> {
        let (_, rest) = iri.rsplit_once(marker)?;
        rest.parse().ok()
    }
    pub fn term(&self, id: Uuid) -> String {
        format!("{}/terms/{id}", self.base)
    }
    pub fn definition(&self, id: Uuid) -> String {
        format!("{}/definitions/{id}", self.base)
    }
    pub fn term_id(iri: &str) -> Option<Uuid> {
        Self::id_after(iri, "/glossary/terms/")
    }
    pub fn definition_id(iri: &str) -> Option<Uuid> {
        Self::id_after(iri, "/glossary/definitions/")
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
    /// What the document says about the term that the glossary cannot hold (a datatype, a label
    /// repeating another, a property it has no place for), each with its value.
    pub not_kept: Vec<String>,
}

#[derive(Debug, Clone, SimpleObject)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub terms: Vec<ImportedTerm>,
    /// What the document says outside its terms that the glossary cannot hold.
    pub not_kept: Vec<String>,
    /// Whether statuses, agreed definitions and replacements were taken over (`keepStates`).
    pub states_kept: bool,
}

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
        ImportFormat::Turtle => super::skos::parse_turtle(content)?,
        ImportFormat::Csv => Document { terms: super::csv::parse(content)?, ..Document::default() },
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
