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
        DefinitionStatus, LabelKind, MappingKind, RelationKind, ReviewDecision, TermStatus, definition, glossary,
        mapping, relation, review, synonym, term, version,
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

mod loaders;
mod types;

pub use loaders::*;
pub use types::*;

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
    DefinitionData {
        text,
        source: source.map(Into::into).unwrap_or_default(),
        scope_note,
        valid_from,
        valid_to,
        ..DefinitionData::default()
    }
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
                note_language: None,
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
    /// malformed input is refused (with its line) before anything is written. `keepStates` moves a
    /// glossary to this installation: statuses, agreed definitions, replacements and version
    /// numbers of the document are taken over; only into an empty glossary.
    async fn import_glossary(
        &self,
        ctx: &Context<'_>,
        format: ImportFormat,
        content: String,
        #[graphql(default = true)] dry_run: bool,
        #[graphql(default = false)] keep_states: bool,
    ) -> Result<ImportReport> {
        let a = actor(ctx)?;
        Ok(exchange::import(state(ctx), a, format, &content, dry_run, keep_states).await?)
    }
}
