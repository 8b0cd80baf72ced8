//! GraphQL face of the glossary: terms, definitions, reviews, versions, mappings, and their batch loaders.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    ComplexObject, Context, InputObject, Object, Result, SimpleObject,
    dataloader::{DataLoader, Loader},
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::diff::DiffSegment;

use super::{
    entities::{
        DefinitionStatus, MappingKind, RelationKind, ReviewDecision, TermStatus, definition, glossary, mapping,
        relation, review, synonym, term, version,
    },
    exchange::{self, ImportFormat, ImportReport},
    rule::ReviewFact,
    service::{self, DefinitionData, NewMapping, NewTerm, SourceData},
};
use crate::{
    accounts::{
        entities::Sector,
        graphql::{User, load_user},
    },
    error::Error,
    graphql::{actor, state},
};

// ---- types ------------------------------------------------------------------------------

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Term {
    pub id: Uuid,
    pub label: String,
    pub status: TermStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    pub agreed_definition_id: Option<Uuid>,
    /// The version of `agreedDefinition` in force. It stays in force while a change or an
    /// objection has that definition under review again, until a new version is agreed.
    pub agreed_version: Option<i32>,
    #[graphql(skip)]
    pub replaced_by_id: Option<Uuid>,
    #[graphql(skip)]
    pub created_by: Option<Uuid>,
}

impl From<term::Model> for Term {
    fn from(m: term::Model) -> Self {
        Self {
            id: m.id,
            label: m.label,
            status: m.status,
            created_at: m.created_at,
            updated_at: m.updated_at,
            agreed_definition_id: m.agreed_definition_id,
            agreed_version: m.agreed_version,
            replaced_by_id: m.replaced_by_id,
            created_by: m.created_by,
        }
    }
}

fn loader<'a>(ctx: &Context<'a>) -> &'a DataLoader<GlossaryLoader> {
    ctx.data_unchecked::<DataLoader<GlossaryLoader>>()
}

impl Term {
    async fn related_of(&self, ctx: &Context<'_>, kind: RelationKind) -> Result<Vec<Term>> {
        let rels = loader(ctx).load_one(RelationsOfTerm(self.id)).await?.unwrap_or_default();
        let ids: Vec<TermKey> = rels.iter().filter(|(k, _)| *k == kind).map(|(_, id)| TermKey(*id)).collect();
        let found = loader(ctx).load_many(ids.iter().copied()).await?;
        let mut out: Vec<Term> = ids.iter().filter_map(|k| found.get(k).cloned()).collect();
        out.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(out)
    }
}

#[ComplexObject]
impl Term {
    /// Other labels the term is known by (also searched).
    async fn synonyms(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(loader(ctx).load_one(SynonymsOfTerm(self.id)).await?.unwrap_or_default())
    }

    /// Associated terms (skos:related).
    async fn related(&self, ctx: &Context<'_>) -> Result<Vec<Term>> {
        self.related_of(ctx, RelationKind::Related).await
    }

    async fn broader(&self, ctx: &Context<'_>) -> Result<Vec<Term>> {
        self.related_of(ctx, RelationKind::Broader).await
    }

    async fn narrower(&self, ctx: &Context<'_>) -> Result<Vec<Term>> {
        self.related_of(ctx, RelationKind::Narrower).await
    }

    /// All candidate definitions, oldest first.
    /// The indicators that use this term, each with the definition its latest delivery follows.
    async fn indicators(&self, ctx: &Context<'_>) -> Result<Vec<crate::indicators::usage_graphql::TermUsage>> {
        crate::indicators::usage_graphql::uses_of_term(ctx, self.id).await
    }

    async fn definitions(&self, ctx: &Context<'_>) -> Result<Vec<Definition>> {
        Ok(loader(ctx).load_one(DefinitionsOfTerm(self.id)).await?.unwrap_or_default())
    }

    /// The definition in force: the last one agreed, if any (it may be under review again).
    async fn agreed_definition(&self, ctx: &Context<'_>) -> Result<Option<Definition>> {
        match self.agreed_definition_id {
            Some(id) => Ok(loader(ctx).load_one(DefinitionKey(id)).await?),
            None => Ok(None),
        }
    }

    /// The agreed text in force: `agreedDefinition` at `agreedVersion`.
    async fn agreed_text(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        match self.agreed_definition_id.zip(self.agreed_version) {
            Some((d, v)) => Ok(loader(ctx).load_one(VersionKey(d, v)).await?.map(|v| v.text)),
            None => Ok(None),
        }
    }

    /// For a deprecated term: the term to use instead.
    async fn replaced_by(&self, ctx: &Context<'_>) -> Result<Option<Term>> {
        match self.replaced_by_id {
            Some(id) => Ok(loader(ctx).load_one(TermKey(id)).await?),
            None => Ok(None),
        }
    }

    async fn proposed_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match self.created_by {
            Some(id) => load_user(ctx, id).await,
            None => Ok(None),
        }
    }
}

/// Where a definition comes from, e.g. "Statistisches Bundesamt", "Mikrozensus".
#[derive(SimpleObject, Clone)]
pub struct Source {
    pub publisher: Option<String>,
    pub statistic: Option<String>,
    pub date: Option<NaiveDate>,
    pub link: Option<String>,
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Definition {
    pub id: Uuid,
    pub text: String,
    /// The current version; pass it as `expectedVersion` when editing.
    pub version: i32,
    pub status: DefinitionStatus,
    pub source: Source,
    pub scope_note: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    pub term_id: Uuid,
}

impl From<definition::Model> for Definition {
    fn from(m: definition::Model) -> Self {
        Self {
            id: m.id,
            text: m.text,
            version: m.version,
            status: m.status,
            source: Source {
                publisher: m.source_publisher,
                statistic: m.source_statistic,
                date: m.source_date,
                link: m.source_link,
            },
            scope_note: m.scope_note,
            valid_from: m.valid_from,
            valid_to: m.valid_to,
            created_at: m.created_at,
            updated_at: m.updated_at,
            term_id: m.term_id,
        }
    }
}

#[ComplexObject]
impl Definition {
    async fn term(&self, ctx: &Context<'_>) -> Result<Option<Term>> {
        Ok(loader(ctx).load_one(TermKey(self.term_id)).await?)
    }

    /// The author of the current version (who may not approve it).
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let v = loader(ctx).load_one(VersionKey(self.id, self.version)).await?;
        match v.and_then(|v| v.author_id) {
            Some(id) => load_user(ctx, id).await,
            None => Ok(None),
        }
    }

    /// One review per reviewer; `current` says whether it was given on the current version.
    async fn reviews(&self, ctx: &Context<'_>) -> Result<Vec<Review>> {
        let mut list = loader(ctx).load_one(ReviewsOfDefinition(self.id)).await?.unwrap_or_default();
        for r in &mut list {
            r.current = r.version == self.version;
        }
        Ok(list)
    }

    /// Comments on the definition (read them with `Query.comments(targetId)`).
    async fn comment_count(&self, ctx: &Context<'_>) -> Result<i64> {
        crate::participation::graphql::comment_count(ctx, self.id).await
    }

    /// What the glossary's agreement rule says about this definition now.
    async fn agreement(&self, ctx: &Context<'_>) -> Result<Agreement> {
        let found = loader(ctx).load_one(AgreementOf(self.id, self.version)).await?;
        Ok(found.unwrap_or(Agreement { agreed: false, open_objections: 0, missing_sectors: vec![] }))
    }

    /// Typed mappings to other definitions or to concepts of other vocabularies.
    async fn mappings(&self, ctx: &Context<'_>) -> Result<Vec<Mapping>> {
        Ok(loader(ctx).load_one(MappingsOfDefinition(self.id)).await?.unwrap_or_default())
    }

    /// Every kept version, oldest first (one per sitting of edits).
    async fn versions(&self, ctx: &Context<'_>) -> Result<Vec<DefinitionVersion>> {
        Ok(loader(ctx).load_one(VersionsOfDefinition(self.id)).await?.unwrap_or_default())
    }

    async fn version_at(&self, ctx: &Context<'_>, version: i32) -> Result<Option<DefinitionVersion>> {
        match service::version_of(&state(ctx).db, self.id, version).await {
            Ok(v) => Ok(Some(v.into())),
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Word-level difference from version `from` to version `to` (default: the current one).
    async fn diff(&self, ctx: &Context<'_>, from: i32, to: Option<i32>) -> Result<Vec<DiffSegment>> {
        let db = &state(ctx).db;
        let old = service::version_of(db, self.id, from).await?;
        let new = match to {
            Some(n) => service::version_of(db, self.id, n).await?.text,
            None => self.text.clone(),
        };
        Ok(crate::diff::word_diff(&old.text, &new))
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Review {
    pub decision: ReviewDecision,
    pub reason: Option<String>,
    /// The version reviewed.
    pub version: i32,
    /// Given on the current version; approvals of earlier versions do not count.
    pub current: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    pub reviewer_id: Uuid,
}

impl From<review::Model> for Review {
    fn from(m: review::Model) -> Self {
        Self {
            decision: m.decision,
            reason: m.reason,
            version: m.version,
            current: false,
            created_at: m.created_at,
            updated_at: m.updated_at,
            reviewer_id: m.reviewer_id,
        }
    }
}

#[ComplexObject]
impl Review {
    async fn reviewer(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.reviewer_id).await
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct DefinitionVersion {
    pub version: i32,
    pub text: String,
    /// How many edits of one sitting this version folds together.
    pub edits: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    pub author_id: Option<Uuid>,
}

impl From<version::Model> for DefinitionVersion {
    fn from(m: version::Model) -> Self {
        Self {
            version: m.version,
            text: m.text,
            edits: m.edits,
            created_at: m.created_at,
            updated_at: m.updated_at,
            author_id: m.author_id,
        }
    }
}

#[ComplexObject]
impl DefinitionVersion {
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match self.author_id {
            Some(id) => load_user(ctx, id).await,
            None => Ok(None),
        }
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Mapping {
    pub id: Uuid,
    pub kind: MappingKind,
    /// How far figures under the two definitions can be compared.
    pub note: Option<String>,
    /// A concept of another vocabulary, when the target is not a definition here.
    pub target_uri: Option<String>,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    pub target_definition_id: Option<Uuid>,
}

impl From<mapping::Model> for Mapping {
    fn from(m: mapping::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            note: m.note,
            target_uri: m.target_uri,
            created_at: m.created_at,
            target_definition_id: m.target_definition_id,
        }
    }
}

#[ComplexObject]
impl Mapping {
    async fn target(&self, ctx: &Context<'_>) -> Result<Option<Definition>> {
        match self.target_definition_id {
            Some(id) => Ok(loader(ctx).load_one(DefinitionKey(id)).await?),
            None => Ok(None),
        }
    }
}

/// Where a definition stands under the agreement rule.
#[derive(SimpleObject, Clone)]
pub struct Agreement {
    pub agreed: bool,
    /// Objections not withdrawn, whatever version they were given on.
    pub open_objections: i32,
    /// Required sectors still short of approvals of the current version.
    pub missing_sectors: Vec<Sector>,
}

#[derive(SimpleObject)]
pub struct AgreementRule {
    pub required_sectors: Vec<Sector>,
    pub min_approvals_per_sector: i32,
}

#[derive(SimpleObject)]
pub struct Glossary {
    pub id: Uuid,
    pub title: String,
    pub agreement_rule: AgreementRule,
}

impl From<glossary::Model> for Glossary {
    fn from(g: glossary::Model) -> Self {
        let rule = service::rule_of(&g);
        Self {
            id: g.id,
            title: g.title,
            agreement_rule: AgreementRule {
                required_sectors: rule.required_sectors,
                min_approvals_per_sector: rule.min_approvals_per_sector as i32,
            },
        }
    }
}

// ---- inputs -----------------------------------------------------------------------------

#[derive(InputObject, Default)]
pub struct SourceInput {
    pub publisher: Option<String>,
    pub statistic: Option<String>,
    pub date: Option<NaiveDate>,
    pub link: Option<String>,
}

impl From<SourceInput> for SourceData {
    fn from(s: SourceInput) -> Self {
        Self { publisher: s.publisher, statistic: s.statistic, date: s.date, link: s.link }
    }
}

#[derive(InputObject)]
pub struct ProposeTermInput {
    pub label: String,
    #[graphql(default)]
    pub synonyms: Vec<String>,
    /// The first definition's text.
    pub definition: Option<String>,
    pub source: Option<SourceInput>,
    pub scope_note: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    #[graphql(default)]
    pub broader_ids: Vec<Uuid>,
    #[graphql(default)]
    pub narrower_ids: Vec<Uuid>,
    #[graphql(default)]
    pub related_ids: Vec<Uuid>,
}

#[derive(InputObject)]
pub struct ProposeDefinitionInput {
    pub term_id: Uuid,
    pub text: String,
    pub source: Option<SourceInput>,
    pub scope_note: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct MapDefinitionInput {
    pub definition_id: Uuid,
    /// A definition here, or else
    pub target_definition_id: Option<Uuid>,
    /// a concept of another vocabulary.
    pub target_uri: Option<String>,
    pub kind: MappingKind,
    pub note: Option<String>,
}

// ---- batch loading ----------------------------------------------------------------------

/// One loader for the glossary; keys of different kinds batch separately.
pub struct GlossaryLoader(pub DatabaseConnection);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TermKey(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DefinitionKey(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DefinitionsOfTerm(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SynonymsOfTerm(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RelationsOfTerm(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReviewsOfDefinition(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct MappingsOfDefinition(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionKey(pub Uuid, pub i32);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionsOfDefinition(pub Uuid);
/// A definition at its current version.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgreementOf(pub Uuid, pub i32);

type LoadError = Arc<Error>;

fn err(e: sea_orm::DbErr) -> LoadError {
    Arc::new(e.into())
}

impl Loader<TermKey> for GlossaryLoader {
    type Value = Term;
    type Error = LoadError;

    async fn load(&self, keys: &[TermKey]) -> Result<HashMap<TermKey, Term>, Self::Error> {
        let rows = term::Entity::find()
            .filter(term::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(err)?;
        Ok(rows.into_iter().map(|t| (TermKey(t.id), t.into())).collect())
    }
}

impl Loader<DefinitionKey> for GlossaryLoader {
    type Value = Definition;
    type Error = LoadError;

    async fn load(&self, keys: &[DefinitionKey]) -> Result<HashMap<DefinitionKey, Definition>, Self::Error> {
        let rows = definition::Entity::find()
            .filter(definition::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(err)?;
        Ok(rows.into_iter().map(|d| (DefinitionKey(d.id), d.into())).collect())
    }
}

impl Loader<DefinitionsOfTerm> for GlossaryLoader {
    type Value = Vec<Definition>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[DefinitionsOfTerm],
    ) -> Result<HashMap<DefinitionsOfTerm, Vec<Definition>>, Self::Error> {
        let rows = definition::Entity::find()
            .filter(definition::Column::TermId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(definition::Column::CreatedAt)
            .order_by_asc(definition::Column::Id)
            .all(&self.0)
            .await
            .map_err(err)?;
        let mut out: HashMap<DefinitionsOfTerm, Vec<Definition>> = HashMap::new();
        for d in rows {
            out.entry(DefinitionsOfTerm(d.term_id)).or_default().push(d.into());
        }
        Ok(out)
    }
}

impl Loader<SynonymsOfTerm> for GlossaryLoader {
    type Value = Vec<String>;
    type Error = LoadError;

    async fn load(&self, keys: &[SynonymsOfTerm]) -> Result<HashMap<SynonymsOfTerm, Vec<String>>, Self::Error> {
        let rows = synonym::Entity::find()
            .filter(synonym::Column::TermId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(synonym::Column::Position)
            .all(&self.0)
            .await
            .map_err(err)?;
        let mut out: HashMap<SynonymsOfTerm, Vec<String>> = HashMap::new();
        for s in rows {
            out.entry(SynonymsOfTerm(s.term_id)).or_default().push(s.label);
        }
        Ok(out)
    }
}

impl Loader<RelationsOfTerm> for GlossaryLoader {
    type Value = Vec<(RelationKind, Uuid)>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[RelationsOfTerm],
    ) -> Result<HashMap<RelationsOfTerm, Vec<(RelationKind, Uuid)>>, Self::Error> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = relation::Entity::find()
            .filter(
                Condition::any()
                    .add(relation::Column::TermId.is_in(ids.iter().copied()))
                    .add(relation::Column::OtherId.is_in(ids.iter().copied())),
            )
            .all(&self.0)
            .await
            .map_err(err)?;
        let mut out: HashMap<RelationsOfTerm, Vec<(RelationKind, Uuid)>> = HashMap::new();
        for r in rows {
            let back = match r.kind {
                RelationKind::Broader => RelationKind::Narrower,
                other => other,
            };
            out.entry(RelationsOfTerm(r.term_id)).or_default().push((r.kind, r.other_id));
            out.entry(RelationsOfTerm(r.other_id)).or_default().push((back, r.term_id));
        }
        Ok(out)
    }
}

impl Loader<ReviewsOfDefinition> for GlossaryLoader {
    type Value = Vec<Review>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ReviewsOfDefinition],
    ) -> Result<HashMap<ReviewsOfDefinition, Vec<Review>>, Self::Error> {
        let rows = review::Entity::find()
            .filter(review::Column::DefinitionId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(review::Column::CreatedAt)
            .order_by_asc(review::Column::Id)
            .all(&self.0)
            .await
            .map_err(err)?;
        let mut out: HashMap<ReviewsOfDefinition, Vec<Review>> = HashMap::new();
        for r in rows {
            out.entry(ReviewsOfDefinition(r.definition_id)).or_default().push(r.into());
        }
        Ok(out)
    }
}

impl Loader<MappingsOfDefinition> for GlossaryLoader {
    type Value = Vec<Mapping>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[MappingsOfDefinition],
    ) -> Result<HashMap<MappingsOfDefinition, Vec<Mapping>>, Self::Error> {
        let rows = mapping::Entity::find()
            .filter(mapping::Column::DefinitionId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(mapping::Column::CreatedAt)
            .order_by_asc(mapping::Column::Id)
            .all(&self.0)
            .await
            .map_err(err)?;
        let mut out: HashMap<MappingsOfDefinition, Vec<Mapping>> = HashMap::new();
        for m in rows {
            out.entry(MappingsOfDefinition(m.definition_id)).or_default().push(m.into());
        }
        Ok(out)
    }
}

impl Loader<VersionKey> for GlossaryLoader {
    type Value = version::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[VersionKey]) -> Result<HashMap<VersionKey, version::Model>, Self::Error> {
        let wanted: std::collections::HashSet<VersionKey> = keys.iter().copied().collect();
        let rows = version::Entity::find()
            .filter(version::Column::DefinitionId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(err)?;
        Ok(rows
            .into_iter()
            .map(|v| (VersionKey(v.definition_id, v.version), v))
            .filter(|(k, _)| wanted.contains(k))
            .collect())
    }
}

impl Loader<VersionsOfDefinition> for GlossaryLoader {
    type Value = Vec<DefinitionVersion>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[VersionsOfDefinition],
    ) -> Result<HashMap<VersionsOfDefinition, Vec<DefinitionVersion>>, Self::Error> {
        let rows = version::Entity::find()
            .filter(version::Column::DefinitionId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(version::Column::Version)
            .all(&self.0)
            .await
            .map_err(err)?;
        let mut out: HashMap<VersionsOfDefinition, Vec<DefinitionVersion>> = HashMap::new();
        for v in rows {
            out.entry(VersionsOfDefinition(v.definition_id)).or_default().push(v.into());
        }
        Ok(out)
    }
}

impl Loader<AgreementOf> for GlossaryLoader {
    type Value = Agreement;
    type Error = LoadError;

    async fn load(&self, keys: &[AgreementOf]) -> Result<HashMap<AgreementOf, Agreement>, Self::Error> {
        let g = glossary::Entity::find_by_id(service::DEFAULT_GLOSSARY_ID).one(&self.0).await.map_err(err)?;
        let rule = g.as_ref().map(service::rule_of).unwrap_or_default();
        let reviews = review::Entity::find()
            .filter(review::Column::DefinitionId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(err)?;
        let reviewers: Vec<Uuid> = reviews.iter().map(|r| r.reviewer_id).collect();
        let sectors = service::sectors_of(&self.0, &reviewers).await.map_err(Arc::new)?;
        let mut facts: HashMap<Uuid, Vec<ReviewFact>> = HashMap::new();
        for r in reviews {
            facts.entry(r.definition_id).or_default().push(ReviewFact {
                reviewer: r.reviewer_id,
                decision: r.decision,
                version: r.version,
                sectors: sectors.get(&r.reviewer_id).cloned().unwrap_or_default(),
            });
        }
        Ok(keys
            .iter()
            .map(|k| {
                let v = rule.evaluate(k.1, facts.get(&k.0).map(Vec::as_slice).unwrap_or_default());
                let agreement = Agreement {
                    agreed: v.agreed,
                    open_objections: v.open_objections as i32,
                    missing_sectors: v.missing,
                };
                (*k, agreement)
            })
            .collect())
    }
}

// ---- resolvers --------------------------------------------------------------------------

#[derive(Default)]
pub struct GlossaryQuery;

#[Object]
impl GlossaryQuery {
    /// Terms by label or synonym, case- and accent-insensitive (ä = ae, ß = ss), exact matches first.
    async fn terms(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        status: Option<TermStatus>,
        #[graphql(desc = "at most 500; default 200")] first: Option<i32>,
    ) -> Result<Vec<Term>> {
        actor(ctx)?;
        let limit = first.map(|n| n.max(1) as u64).unwrap_or(200);
        let rows = service::terms(&state(ctx).db, search.as_deref(), status, limit).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn term(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<Term>> {
        actor(ctx)?;
        Ok(loader(ctx).load_one(TermKey(id)).await?)
    }

    async fn definition(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<Definition>> {
        actor(ctx)?;
        Ok(loader(ctx).load_one(DefinitionKey(id)).await?)
    }

    /// The glossary and its agreement rule.
    async fn glossary(&self, ctx: &Context<'_>) -> Result<Glossary> {
        actor(ctx)?;
        let st = state(ctx);
        Ok(service::glossary(&st.db, st.now()).await?.into())
    }
}

fn definition_data(
    text: String,
    source: Option<SourceInput>,
    scope_note: Option<String>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
) -> DefinitionData {
    DefinitionData { text, source: source.map(Into::into).unwrap_or_default(), scope_note, valid_from, valid_to }
}

#[derive(Default)]
pub struct GlossaryMutation;

#[Object]
impl GlossaryMutation {
    /// Proposes a term with its synonyms and, optionally, a first definition.
    async fn propose_term(&self, ctx: &Context<'_>, input: ProposeTermInput) -> Result<Term> {
        let a = actor(ctx)?;
        let definition = input
            .definition
            .map(|text| definition_data(text, input.source, input.scope_note, input.valid_from, input.valid_to));
        let t = service::propose_term(
            state(ctx),
            a,
            NewTerm {
                label: input.label,
                synonyms: input.synonyms,
                definition,
                broader_ids: input.broader_ids,
                narrower_ids: input.narrower_ids,
                related_ids: input.related_ids,
            },
        )
        .await?;
        Ok(t.into())
    }

    async fn update_term(
        &self,
        ctx: &Context<'_>,
        term_id: Uuid,
        label: Option<String>,
        synonyms: Option<Vec<String>>,
    ) -> Result<Term> {
        let a = actor(ctx)?;
        Ok(service::update_term(state(ctx), a, term_id, label, synonyms).await?.into())
    }

    /// Relates two terms: `BROADER` means `otherId` is broader than `termId`.
    async fn relate_terms(&self, ctx: &Context<'_>, term_id: Uuid, other_id: Uuid, kind: RelationKind) -> Result<Term> {
        let a = actor(ctx)?;
        Ok(service::relate_terms(state(ctx), a, term_id, other_id, kind, false).await?.into())
    }

    async fn unrelate_terms(
        &self,
        ctx: &Context<'_>,
        term_id: Uuid,
        other_id: Uuid,
        kind: RelationKind,
    ) -> Result<Term> {
        let a = actor(ctx)?;
        Ok(service::relate_terms(state(ctx), a, term_id, other_id, kind, true).await?.into())
    }

    async fn deprecate_term(&self, ctx: &Context<'_>, term_id: Uuid, replaced_by_id: Option<Uuid>) -> Result<Term> {
        let a = actor(ctx)?;
        Ok(service::deprecate_term(state(ctx), a, term_id, replaced_by_id).await?.into())
    }

    async fn propose_definition(&self, ctx: &Context<'_>, input: ProposeDefinitionInput) -> Result<Definition> {
        let a = actor(ctx)?;
        let data = definition_data(input.text, input.source, input.scope_note, input.valid_from, input.valid_to);
        Ok(service::propose_definition(state(ctx), a, input.term_id, data).await?.into())
    }

    /// Edits the text; refused with `CONFLICT` (current text and version in `details`) when stale.
    async fn update_definition(
        &self,
        ctx: &Context<'_>,
        definition_id: Uuid,
        text: String,
        expected_version: i32,
    ) -> Result<Definition> {
        let a = actor(ctx)?;
        Ok(service::update_definition(state(ctx), a, definition_id, &text, expected_version).await?.into())
    }

    /// Approves or objects (with a reason); a second review by the same person replaces the first.
    async fn review_definition(
        &self,
        ctx: &Context<'_>,
        definition_id: Uuid,
        decision: ReviewDecision,
        reason: Option<String>,
    ) -> Result<Definition> {
        let a = actor(ctx)?;
        Ok(service::review_definition(state(ctx), a, definition_id, decision, reason).await?.into())
    }

    async fn withdraw_review(&self, ctx: &Context<'_>, definition_id: Uuid) -> Result<Definition> {
        let a = actor(ctx)?;
        Ok(service::withdraw_review(state(ctx), a, definition_id).await?.into())
    }

    async fn map_definition(&self, ctx: &Context<'_>, input: MapDefinitionInput) -> Result<Mapping> {
        let a = actor(ctx)?;
        let m = service::map_definition(
            state(ctx),
            a,
            NewMapping {
                definition_id: input.definition_id,
                target_definition_id: input.target_definition_id,
                target_uri: input.target_uri,
                kind: input.kind,
                note: input.note,
            },
        )
        .await?;
        Ok(m.into())
    }

    async fn remove_mapping(&self, ctx: &Context<'_>, mapping_id: Uuid) -> Result<bool> {
        let a = actor(ctx)?;
        Ok(service::remove_mapping(state(ctx), a, mapping_id).await?)
    }

    async fn set_agreement_rule(
        &self,
        ctx: &Context<'_>,
        required_sectors: Vec<Sector>,
        min_approvals_per_sector: i32,
    ) -> Result<Glossary> {
        let a = actor(ctx)?;
        Ok(service::set_agreement_rule(state(ctx), a, required_sectors, min_approvals_per_sector).await?.into())
    }

    /// Imports SKOS Turtle or CSV. With `dryRun` it reports what would change and changes nothing;
    /// malformed input is refused (with its line) before anything is written.
    async fn import_glossary(
        &self,
        ctx: &Context<'_>,
        format: ImportFormat,
        content: String,
        #[graphql(default = true)] dry_run: bool,
    ) -> Result<ImportReport> {
        let a = actor(ctx)?;
        Ok(exchange::import(state(ctx), a, format, &content, dry_run).await?)
    }
}
