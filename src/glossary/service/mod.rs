//! The rules of the glossary: proposing terms and definitions, reviews and the agreement rule,
//! versions with folding of one sitting's edits, relations, deprecation and mappings.
//!
//! Folding: an edit by the author of the definition's latest version, made within
//! [`FOLD_WINDOW_MINUTES`] of that version's last edit and while nobody has reviewed that version,
//! does not start a new version for review; it replaces the latest version's text and takes the next
//! version number (so a stale `expectedVersion` is still detected). The versions a client sees are
//! thus one per sitting, and numbers folded away are skipped.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Query,
};
use uuid::Uuid;

use super::{
    entities::{
        DefinitionStatus, LabelKind, MappingKind, RelationKind, ReviewDecision, TermStatus, definition, glossary,
        mapping, relation, review, synonym, term, version,
    },
    rule::{self, AgreementRule, ReviewFact, Verdict},
    search,
};
use crate::{
    accounts::{
        entities::{Sector, membership, organization},
        policy::{Actor, Permission},
    },
    audit::{self, AuditEntry},
    change::Change,
    error::{Error, Result},
    state::AppState,
    text::{self, Lines},
};

mod definitions;
mod mappings;
mod terms;

pub use definitions::*;
pub use mappings::*;
pub use terms::*;

/// The glossary every installation has; its id is fixed so that export IRIs stay stable.
pub const DEFAULT_GLOSSARY_ID: Uuid = Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0001);
pub const FOLD_WINDOW_MINUTES: i64 = 30;
pub const MAX_TERMS: u64 = 500;
const MAX_SYNONYMS: usize = 50;
/// Definitions, scope notes, review reasons and mapping notes.
const TEXT: Lines = text::TEXT;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceData {
    pub publisher: Option<String>,
    pub statistic: Option<String>,
    pub date: Option<NaiveDate>,
    pub link: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct DefinitionData {
    pub text: String,
    pub source: SourceData,
    pub scope_note: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// Languages of `text` and `scope_note`; `None` is German, the glossary's own language.
    pub language: Option<String>,
    pub scope_note_language: Option<String>,
}

/// The language texts are written in unless a document says otherwise.
pub const DEFAULT_LANGUAGE: &str = "de";

/// A label of a term besides its main one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OtherLabel {
    pub kind: LabelKind,
    /// BCP 47, lower case; empty for a literal without a language tag.
    pub language: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct NewTerm {
    pub label: String,
    pub synonyms: Vec<String>,
    pub definition: Option<DefinitionData>,
    pub broader_ids: Vec<Uuid>,
    pub narrower_ids: Vec<Uuid>,
    pub related_ids: Vec<Uuid>,
}

pub struct NewMapping {
    pub definition_id: Uuid,
    pub target_definition_id: Option<Uuid>,
    pub target_uri: Option<String>,
    pub kind: MappingKind,
    pub note: Option<String>,
    /// `None`: German.
    pub note_language: Option<String>,
}

// ---- validation at the edge -------------------------------------------------------------

pub fn clean_label(field: &str, raw: &str) -> Result<(String, String)> {
    let label = text::NAME.required(field, raw)?;
    let key = search::key(&label);
    if key.is_empty() {
        return Err(Error::validation(field, "needs at least one letter or digit"));
    }
    Ok((label, key))
}

/// Labels with their keys, duplicates (by key) and the term's own label dropped.
pub fn clean_synonyms(raw: &[String], label_key: &str) -> Result<Vec<(String, String)>> {
    if raw.len() > MAX_SYNONYMS {
        return Err(Error::validation("synonyms", format!("at most {MAX_SYNONYMS}")));
    }
    let mut seen = HashSet::from([label_key.to_string()]);
    let mut out = Vec::new();
    for s in raw {
        let (label, key) = clean_label("synonyms", s)?;
        if seen.insert(key.clone()) {
            out.push((label, key));
        }
    }
    Ok(out)
}

/// A BCP 47 language tag as RDF compares them (lower case); empty means "no tag".
pub fn clean_language(field: &str, raw: &str) -> Result<String> {
    let tag = raw.trim().to_ascii_lowercase();
    let well_formed =
        tag.split('-').all(|part| (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric()))
            && tag.len() <= 35;
    if !tag.is_empty() && !well_formed {
        return Err(Error::validation(field, format!("{raw:?} is not a language tag (BCP 47)")));
    }
    Ok(tag)
}

/// Labels with their search keys, and the labels dropped on the way (for an import's report).
pub type CleanLabels = (Vec<(OtherLabel, String)>, Vec<OtherLabel>);

/// Other labels with their keys. Dropped: copies of the main label in its language, and repeats of
/// one kind, language and key. Returned second: what was dropped, for an import's report.
pub fn clean_labels(raw: &[OtherLabel], main_key: &str, main_language: &str) -> Result<CleanLabels> {
    if raw.len() > MAX_SYNONYMS * 3 {
        return Err(Error::validation("synonyms", format!("at most {} labels", MAX_SYNONYMS * 3)));
    }
    let mut seen = HashSet::new();
    let (mut out, mut dropped) = (Vec::new(), Vec::new());
    for l in raw {
        let (text, key) = clean_label("synonyms", &l.text)?;
        let language = clean_language("language", &l.language)?;
        let copy_of_main = key == main_key && language == main_language;
        if copy_of_main || !seen.insert((l.kind, language.clone(), key.clone())) {
            dropped.push(l.clone());
            continue;
        }
        out.push((OtherLabel { kind: l.kind, language, text }, key));
    }
    Ok((out, dropped))
}

pub fn clean_definition(data: DefinitionData) -> Result<DefinitionData> {
    let text = TEXT.required("text", &data.text)?;
    if let (Some(from), Some(to)) = (data.valid_from, data.valid_to)
        && to < from
    {
        return Err(Error::validation("validTo", "must not be before validFrom"));
    }
    Ok(DefinitionData {
        text,
        source: SourceData {
            publisher: text::NAME.optional("source.publisher", data.source.publisher.as_deref())?,
            statistic: text::NAME.optional("source.statistic", data.source.statistic.as_deref())?,
            date: data.source.date,
            link: text::optional_web_link("source.link", data.source.link.as_deref())?,
        },
        scope_note: TEXT.optional("scopeNote", data.scope_note.as_deref())?,
        valid_from: data.valid_from,
        valid_to: data.valid_to,
        language: data.language.as_deref().map(|l| clean_language("language", l)).transpose()?,
        scope_note_language: data
            .scope_note_language
            .as_deref()
            .map(|l| clean_language("scopeNoteLanguage", l))
            .transpose()?,
    })
}

// ---- the glossary and its rule ----------------------------------------------------------

pub fn rule_of(g: &glossary::Model) -> AgreementRule {
    let required_sectors = g
        .required_sectors
        .split(',')
        .filter_map(|s| match s.trim() {
            "ADMINISTRATION" => Some(Sector::Administration),
            "POLITICS" => Some(Sector::Politics),
            "CIVIL_SOCIETY" => Some(Sector::CivilSociety),
            "SCIENCE" => Some(Sector::Science),
            _ => None,
        })
        .collect();
    AgreementRule { required_sectors, min_approvals_per_sector: g.min_approvals_per_sector.max(1) as u32 }
}

fn sector_name(s: Sector) -> &'static str {
    match s {
        Sector::Administration => "ADMINISTRATION",
        Sector::Politics => "POLITICS",
        Sector::CivilSociety => "CIVIL_SOCIETY",
        Sector::Science => "SCIENCE",
    }
}

/// The default glossary, created with the design's default rule on first use.
pub async fn glossary<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<glossary::Model> {
    if let Some(g) = glossary::Entity::find_by_id(DEFAULT_GLOSSARY_ID).one(db).await? {
        return Ok(g);
    }
    let rule = AgreementRule::default();
    let row = glossary::ActiveModel {
        id: Set(DEFAULT_GLOSSARY_ID),
        title: Set("Glossar".into()),
        required_sectors: Set(rule.required_sectors.iter().map(|s| sector_name(*s)).collect::<Vec<_>>().join(",")),
        min_approvals_per_sector: Set(rule.min_approvals_per_sector as i32),
        created_at: Set(now),
        updated_at: Set(now),
    };
    // Two first requests at once: the loser's insert conflicts, then both read the winner's row.
    glossary::Entity::insert(row).on_conflict_do_nothing().exec(db).await?;
    glossary::Entity::find_by_id(DEFAULT_GLOSSARY_ID).one(db).await?.ok_or(Error::NotFound("glossary"))
}

pub async fn set_agreement_rule(
    state: &AppState,
    actor: &Actor,
    required_sectors: Vec<Sector>,
    min_approvals_per_sector: i32,
) -> Result<glossary::Model> {
    actor.require(Permission::ManageGlossary)?;
    if !(1..=20).contains(&min_approvals_per_sector) {
        return Err(Error::validation("minApprovalsPerSector", "between 1 and 20"));
    }
    let mut sectors = required_sectors;
    sectors.sort_by_key(|s| sector_name(*s));
    sectors.dedup();
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let g = glossary(&txn, now).await?;
    let mut row = g.into_active_model();
    let names = sectors.iter().map(|s| sector_name(*s)).collect::<Vec<_>>().join(",");
    row.required_sectors = Set(names.clone());
    row.min_approvals_per_sector = Set(min_approvals_per_sector);
    row.updated_at = Set(now);
    let g = row.update(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "glossary.rule",
            entity_type: "glossary",
            entity_id: Some(g.id),
            summary: format!("Einigungsregel: je {min_approvals_per_sector} Zustimmung(en) aus {names}"),
        },
    );
    // Definitions under review are judged by the new rule from now on.
    let open = definition::Entity::find().all(&txn).await?;
    for d in open {
        reevaluate(&txn, now, actor, d).await?;
    }
    txn.commit().await?;
    Ok(g)
}
