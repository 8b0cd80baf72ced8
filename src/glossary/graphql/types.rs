//! GraphQL types of the glossary: terms, definitions, versions, reviews, mappings, and their inputs.

use super::*;

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Term {
    pub id: Uuid,
    pub label: String,
    /// The language of `label` (BCP 47, e.g. `de`; empty when an import gave none).
    pub language: String,
    /// `skos:notation`: a code of the term in a classification.
    pub notation: Option<String>,
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
            language: m.language,
            notation: m.notation,
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

pub(super) fn loader<'a>(ctx: &Context<'a>) -> &'a DataLoader<GlossaryLoader> {
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
        let all = loader(ctx).load_one(SynonymsOfTerm(self.id)).await?.unwrap_or_default();
        Ok(all.into_iter().filter(|l| l.kind == LabelKind::Alt).map(|l| l.text).collect())
    }

    /// Every label besides `label`, with its kind and language: synonyms, hidden labels (found by
    /// search, not shown) and preferred labels in other languages.
    async fn labels(&self, ctx: &Context<'_>) -> Result<Vec<TermLabel>> {
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

/// A label of a term besides its main one.
#[derive(SimpleObject, Clone)]
pub struct TermLabel {
    pub kind: LabelKind,
    pub text: String,
    /// BCP 47; empty when an import gave none.
    pub language: String,
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
    /// The languages of `text` and `scopeNote` (BCP 47).
    pub language: String,
    pub scope_note_language: String,
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
            language: m.language,
            scope_note_language: m.scope_note_language,
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
