//! The glossary as one document: the snapshot the exports write, and the import that merges a
//! parsed document into the database (in one transaction; a dry run rolls it back).
//!
//! Import semantics, for coordinators: a term is matched by its id (an IRI of this glossary or the
//! CSV `id` column), else by its label's search key; a definition by its id, else by equal text
//! within its term. Labels, synonyms, definition texts (a changed text is a new version by the
//! importer) and metadata are taken over; relations and mappings are added. Nothing is deleted, and
//! what a document does not carry (a CSV without a synonyms or scope_note column) stays as it is.
//! Statuses are not imported: a term is agreed only by reviews under the agreement rule, and
//! deprecated by a coordinator in the glossary. A status or agreed flag in the document that differs
//! from the glossary's is reported as a note on the term, so that a dry run shows it. The one
//! exception moves a whole glossary: `keepStates` into an empty glossary takes statuses, agreed
//! definitions and versions over, so that an export round-trips to another server.

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

mod importing;
pub use importing::{MAX_IMPORT_TERMS, import};

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
