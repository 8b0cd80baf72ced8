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
    QuerySelect, Set, TransactionTrait, sea_query::Query,
};
use uuid::Uuid;

use super::{
    entities::{
        DefinitionStatus, MappingKind, RelationKind, ReviewDecision, TermStatus, definition, glossary, mapping,
        relation, review, synonym, term, version,
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
    error::{Error, Result},
    state::AppState,
    text::{self, Lines},
};

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
    let txn = state.db.begin().await?;
    let g = glossary(&txn, now).await?;
    let mut row = g.into_active_model();
    let names = sectors.iter().map(|s| sector_name(*s)).collect::<Vec<_>>().join(",");
    row.required_sectors = Set(names.clone());
    row.min_approvals_per_sector = Set(min_approvals_per_sector);
    row.updated_at = Set(now);
    let g = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "glossary.rule",
            entity_type: "glossary",
            entity_id: Some(g.id),
            summary: format!("Einigungsregel: je {min_approvals_per_sector} Zustimmung(en) aus {names}"),
        },
    )
    .await?;
    // Definitions under review are judged by the new rule from now on.
    let open = definition::Entity::find().all(&txn).await?;
    for d in open {
        reevaluate(&txn, now, actor, d).await?;
    }
    txn.commit().await?;
    Ok(g)
}

// ---- terms ------------------------------------------------------------------------------

async fn term_in<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<term::Model> {
    term::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("term"))
}

pub async fn definition_in<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<definition::Model> {
    definition::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("definition"))
}

/// Reads a definition and locks it for the transaction (PostgreSQL; SQLite has one writer anyway),
/// so that two reviews given at once are judged together, not each without the other.
async fn definition_locked<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<definition::Model> {
    definition::Entity::find_by_id(id).lock_exclusive().one(db).await?.ok_or(Error::NotFound("definition"))
}

async fn ensure_label_free<C: ConnectionTrait>(db: &C, key: &str, except: Option<Uuid>) -> Result<()> {
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

pub async fn replace_synonyms<C: ConnectionTrait>(db: &C, term_id: Uuid, synonyms: &[(String, String)]) -> Result<()> {
    synonym::Entity::delete_many().filter(synonym::Column::TermId.eq(term_id)).exec(db).await?;
    if !synonyms.is_empty() {
        synonym::Entity::insert_many(synonyms.iter().enumerate().map(|(i, (label, key))| synonym::ActiveModel {
            id: Set(Uuid::now_v7()),
            term_id: Set(term_id),
            label: Set(label.clone()),
            search_key: Set(key.clone()),
            position: Set(i as i32),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
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
    }
    .insert(db)
    .await?;
    replace_synonyms(db, t.id, synonyms).await?;
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

pub async fn propose_term(state: &AppState, actor: &Actor, input: NewTerm) -> Result<term::Model> {
    actor.require(Permission::Participate)?;
    let label = clean_label("label", &input.label)?;
    let synonyms = clean_synonyms(&input.synonyms, &label.1)?;
    let definition = input.definition.map(clean_definition).transpose()?;
    let now = state.now();
    let txn = state.db.begin().await?;
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
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "term.propose",
            entity_type: "term",
            entity_id: Some(t.id),
            summary: format!("Begriff „{}“ vorgeschlagen ({} Synonyme)", t.label, synonyms.len()),
        },
    )
    .await?;
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
    let txn = state.db.begin().await?;
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
        replace_synonyms(&txn, t.id, &clean_synonyms(&s, &label.1)?).await?;
    }
    let mut row = t.into_active_model();
    row.label = Set(label.0);
    row.search_key = Set(label.1);
    row.updated_at = Set(now);
    let t = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "term.update",
            entity_type: "term",
            entity_id: Some(t.id),
            summary: format!("Begriff „{}“ geändert", t.label),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(t)
}

/// Stores a relation once per pair: `NARROWER` as the other's `BROADER`, `RELATED` ordered by id.
fn canonical(term_id: Uuid, other_id: Uuid, kind: RelationKind) -> (Uuid, Uuid, RelationKind) {
    match kind {
        RelationKind::Broader => (term_id, other_id, RelationKind::Broader),
        RelationKind::Narrower => (other_id, term_id, RelationKind::Broader),
        RelationKind::Related => (term_id.min(other_id), term_id.max(other_id), RelationKind::Related),
    }
}

async fn existing_relation<C: ConnectionTrait>(db: &C, a: Uuid, b: Uuid) -> Result<Option<relation::Model>> {
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
    let txn = state.db.begin().await?;
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
        audit::record(
            &txn,
            now,
            Some(actor.user_id),
            AuditEntry {
                action: if remove { "term.unrelate" } else { "term.relate" },
                entity_type: "term",
                entity_id: Some(t.id),
                summary: format!("Beziehung {kind:?} zu {other_id} {}", if remove { "entfernt" } else { "angelegt" }),
            },
        )
        .await?;
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
    let txn = state.db.begin().await?;
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
    audit::record(
        &txn,
        now,
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
    )
    .await?;
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

// ---- definitions, versions, reviews ----------------------------------------------------

pub async fn propose_definition(
    state: &AppState,
    actor: &Actor,
    term_id: Uuid,
    data: DefinitionData,
) -> Result<definition::Model> {
    actor.require(Permission::Participate)?;
    let data = clean_definition(data)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let t = term_in(&txn, term_id).await?;
    if t.status == TermStatus::Deprecated {
        return Err(Error::validation("termId", "the term is deprecated"));
    }
    let d = insert_definition(&txn, now, actor, Uuid::now_v7(), t.id, data, DefinitionStatus::Proposed).await?;
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "definition.propose",
            entity_type: "definition",
            entity_id: Some(d.id),
            summary: format!("Definition für „{}“ vorgeschlagen", t.label),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(d)
}

/// The latest version row of a definition.
async fn current_version<C: ConnectionTrait>(db: &C, d: &definition::Model) -> Result<version::Model> {
    version::Entity::find()
        .filter(version::Column::DefinitionId.eq(d.id))
        .filter(version::Column::Version.eq(d.version))
        .one(db)
        .await?
        .ok_or(Error::internal("definition without its current version"))
}

/// Whether an edit folds into the latest version (see the module docs).
pub fn folds(latest: &version::Model, author: Uuid, now: DateTime<Utc>, reviewed_since: bool) -> bool {
    latest.author_id == Some(author)
        && now - latest.updated_at <= Duration::minutes(FOLD_WINDOW_MINUTES)
        && now >= latest.updated_at
        && !reviewed_since
}

/// Writes a new text as the next version (or folds it); the caller checks permissions and versions.
pub async fn write_text<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    d: definition::Model,
    text: String,
) -> Result<definition::Model> {
    let latest = current_version(db, &d).await?;
    let reviewed = review::Entity::find()
        .filter(review::Column::DefinitionId.eq(d.id))
        .filter(review::Column::Version.eq(d.version))
        .one(db)
        .await?
        .is_some();
    let next = d.version + 1;
    if folds(&latest, actor.user_id, now, reviewed) {
        let edits = latest.edits + 1;
        let mut row = latest.into_active_model();
        row.version = Set(next);
        row.text = Set(text.clone());
        row.edits = Set(edits);
        row.updated_at = Set(now);
        row.update(db).await?;
    } else {
        version::ActiveModel {
            id: Set(Uuid::now_v7()),
            definition_id: Set(d.id),
            version: Set(next),
            text: Set(text.clone()),
            author_id: Set(Some(actor.user_id)),
            edits: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    // Conditional on the version read: of two concurrent edits from the same version only one lands.
    let written = definition::Entity::update_many()
        .col_expr(definition::Column::Text, text.clone().into())
        .col_expr(definition::Column::Version, next.into())
        .col_expr(definition::Column::UpdatedAt, now.into())
        .filter(definition::Column::Id.eq(d.id))
        .filter(definition::Column::Version.eq(d.version))
        .exec(db)
        .await?;
    if written.rows_affected != 1 {
        return Err(Error::conflict("the definition was changed meanwhile"));
    }
    Ok(definition::Model { text, version: next, updated_at: now, ..d })
}

pub async fn update_definition(
    state: &AppState,
    actor: &Actor,
    definition_id: Uuid,
    text: &str,
    expected_version: i32,
) -> Result<definition::Model> {
    actor.require(Permission::Participate)?;
    let text = TEXT.required("text", text)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let d = definition_locked(&txn, definition_id).await?;
    if d.version != expected_version {
        return Err(Error::Conflict {
            message: format!("the definition was changed meanwhile (now version {})", d.version),
            details: Some(serde_json::json!({ "currentVersion": d.version, "currentText": d.text })),
        });
    }
    if d.text == text {
        return Ok(d);
    }
    let was_agreed = d.status == DefinitionStatus::Agreed;
    let d = write_text(&txn, now, actor, d, text).await?;
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "definition.update",
            entity_type: "definition",
            entity_id: Some(d.id),
            summary: format!(
                "Definition auf Version {} geändert{}",
                d.version,
                if was_agreed { "; vereinbarter Text, Prüfung neu eröffnet" } else { "" }
            ),
        },
    )
    .await?;
    let d = reevaluate(&txn, now, actor, d).await?;
    txn.commit().await?;
    Ok(d)
}

pub async fn review_definition(
    state: &AppState,
    actor: &Actor,
    definition_id: Uuid,
    decision: ReviewDecision,
    reason: Option<String>,
) -> Result<definition::Model> {
    actor.require(Permission::Participate)?;
    let reason = TEXT.optional("reason", reason.as_deref())?;
    if decision == ReviewDecision::Object && reason.is_none() {
        return Err(Error::validation("reason", "an objection needs a reason"));
    }
    let now = state.now();
    let txn = state.db.begin().await?;
    let d = definition_locked(&txn, definition_id).await?;
    let t = term_in(&txn, d.term_id).await?;
    if t.status == TermStatus::Deprecated {
        return Err(Error::validation("definitionId", "the term is deprecated"));
    }
    if decision == ReviewDecision::Approve {
        let authors: Vec<Option<Uuid>> = version::Entity::find()
            .filter(version::Column::DefinitionId.eq(d.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|v| v.author_id)
            .collect();
        if !rule::may_approve(actor.user_id, &authors) {
            return Err(Error::forbidden("nobody approves a text they wrote a revision of"));
        }
    }
    let existing = review::Entity::find()
        .filter(review::Column::DefinitionId.eq(d.id))
        .filter(review::Column::ReviewerId.eq(actor.user_id))
        .one(&txn)
        .await?;
    match existing {
        Some(r) => {
            let mut row = r.into_active_model();
            row.decision = Set(decision);
            row.reason = Set(reason);
            row.version = Set(d.version);
            row.updated_at = Set(now);
            row.update(&txn).await?;
        }
        None => {
            review::ActiveModel {
                id: Set(Uuid::now_v7()),
                definition_id: Set(d.id),
                reviewer_id: Set(actor.user_id),
                decision: Set(decision),
                reason: Set(reason),
                version: Set(d.version),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "definition.review",
            entity_type: "definition",
            entity_id: Some(d.id),
            summary: format!("Prüfung von Version {}: {decision:?}", d.version),
        },
    )
    .await?;
    let d = reevaluate(&txn, now, actor, d).await?;
    txn.commit().await?;
    Ok(d)
}

pub async fn withdraw_review(state: &AppState, actor: &Actor, definition_id: Uuid) -> Result<definition::Model> {
    actor.require(Permission::Participate)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let d = definition_locked(&txn, definition_id).await?;
    let gone = review::Entity::delete_many()
        .filter(review::Column::DefinitionId.eq(d.id))
        .filter(review::Column::ReviewerId.eq(actor.user_id))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 0 {
        return Err(Error::NotFound("review"));
    }
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "definition.review.withdraw",
            entity_type: "definition",
            entity_id: Some(d.id),
            summary: "Prüfung zurückgezogen".into(),
        },
    )
    .await?;
    let d = reevaluate(&txn, now, actor, d).await?;
    txn.commit().await?;
    Ok(d)
}

/// Sectors of each person's organisations now.
pub async fn sectors_of<C: ConnectionTrait>(db: &C, users: &[Uuid]) -> Result<HashMap<Uuid, Vec<Sector>>> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    let memberships =
        membership::Entity::find().filter(membership::Column::UserId.is_in(users.iter().copied())).all(db).await?;
    let orgs: HashMap<Uuid, Sector> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(memberships.iter().map(|m| m.organization_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.sector))
        .collect();
    let mut out: HashMap<Uuid, Vec<Sector>> = HashMap::new();
    for m in memberships {
        if let Some(s) = orgs.get(&m.organization_id) {
            let list = out.entry(m.user_id).or_default();
            if !list.contains(s) {
                list.push(*s);
            }
        }
    }
    Ok(out)
}

/// What the rule says about a definition now.
pub async fn verdict<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, d: &definition::Model) -> Result<Verdict> {
    let rule = rule_of(&glossary(db, now).await?);
    let reviews = review::Entity::find().filter(review::Column::DefinitionId.eq(d.id)).all(db).await?;
    let sectors = sectors_of(db, &reviews.iter().map(|r| r.reviewer_id).collect::<Vec<_>>()).await?;
    let facts: Vec<ReviewFact> = reviews
        .iter()
        .map(|r| ReviewFact {
            reviewer: r.reviewer_id,
            decision: r.decision,
            version: r.version,
            sectors: sectors.get(&r.reviewer_id).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(rule.evaluate(d.version, &facts))
}

/// Applies the rule: agrees the term with this definition, or reopens it; audited when it changes.
async fn reevaluate<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    d: definition::Model,
) -> Result<definition::Model> {
    // The term is locked too: two definitions of one term agreed at once must not both stay AGREED.
    let t = term::Entity::find_by_id(d.term_id).lock_exclusive().one(db).await?.ok_or(Error::NotFound("term"))?;
    let v = verdict(db, now, &d).await?;
    let agreed = d.status == DefinitionStatus::Agreed;
    if v.agreed == agreed {
        return Ok(d);
    }
    let mut term_row = t.clone().into_active_model();
    let in_force =
        t.agreed_definition_id.map(|definition| rule::InForce { definition, version: t.agreed_version.unwrap_or(0) });
    let now_in_force = rule::in_force_after(in_force, d.id, d.version, v.agreed);
    if now_in_force != in_force
        && let Some(f) = now_in_force
    {
        // The term is agreed with the definition that met the rule last; an earlier one is a candidate again.
        if let Some(previous) = t.agreed_definition_id.filter(|p| *p != f.definition) {
            definition::Entity::update_many()
                .col_expr(definition::Column::Status, DefinitionStatus::Proposed.into())
                .filter(definition::Column::Id.eq(previous))
                .exec(db)
                .await?;
        }
        if t.status != TermStatus::Deprecated {
            term_row.status = Set(TermStatus::Agreed);
        }
        term_row.agreed_definition_id = Set(Some(f.definition));
        term_row.agreed_version = Set(Some(f.version));
    }
    let mut row = d.into_active_model();
    row.status = Set(if v.agreed { DefinitionStatus::Agreed } else { DefinitionStatus::Proposed });
    let d = row.update(db).await?;
    term_row.updated_at = Set(now);
    let t = term_row.update(db).await?;
    audit::record(
        db,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: if v.agreed { "term.agree" } else { "term.reopen" },
            entity_type: "term",
            entity_id: Some(t.id),
            summary: if v.agreed {
                format!("Begriff „{}“ vereinbart mit Definition {} (Version {})", t.label, d.id, d.version)
            } else {
                match t.agreed_version.filter(|_| t.agreed_definition_id == Some(d.id)) {
                    Some(v) => format!(
                        "Begriff „{}“: Definition {} erneut in Prüfung; die vereinbarte Version {v} bleibt in Kraft",
                        t.label, d.id
                    ),
                    None => format!("Begriff „{}“: Definition {} erneut in Prüfung", t.label, d.id),
                }
            },
        },
    )
    .await?;
    Ok(d)
}

pub async fn version_of<C: ConnectionTrait>(db: &C, definition_id: Uuid, number: i32) -> Result<version::Model> {
    version::Entity::find()
        .filter(version::Column::DefinitionId.eq(definition_id))
        .filter(version::Column::Version.eq(number))
        .one(db)
        .await?
        .ok_or(Error::NotFound("version"))
}

// ---- mappings ---------------------------------------------------------------------------

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
    let txn = state.db.begin().await?;
    let m = insert_mapping(&txn, now, actor, input).await?;
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "definition.map",
            entity_type: "definition",
            entity_id: Some(m.definition_id),
            summary: format!("Abbildung {:?} auf {}", m.kind, m.target_key),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn remove_mapping(state: &AppState, actor: &Actor, mapping_id: Uuid) -> Result<bool> {
    actor.require(Permission::Participate)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let m = mapping::Entity::find_by_id(mapping_id).one(&txn).await?.ok_or(Error::NotFound("mapping"))?;
    if m.created_by != Some(actor.user_id) && !actor.can(Permission::ManageGlossary) {
        return Err(Error::forbidden("only who made a mapping or a coordinator removes it"));
    }
    mapping::Entity::delete_by_id(m.id).exec(&txn).await?;
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "definition.unmap",
            entity_type: "definition",
            entity_id: Some(m.definition_id),
            summary: format!("Abbildung {:?} auf {} entfernt", m.kind, m.target_key),
        },
    )
    .await?;
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
