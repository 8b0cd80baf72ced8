//! Batch loading of glossary rows for GraphQL: one query per kind of row and request.

use super::*;

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

pub(super) type LoadError = Arc<Error>;

pub(super) fn err(e: sea_orm::DbErr) -> LoadError {
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
    type Value = Vec<TermLabel>;
    type Error = LoadError;

    async fn load(&self, keys: &[SynonymsOfTerm]) -> Result<HashMap<SynonymsOfTerm, Vec<TermLabel>>, Self::Error> {
        let rows = synonym::Entity::find()
            .filter(synonym::Column::TermId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(synonym::Column::Position)
            .all(&self.0)
            .await
            .map_err(err)?;
        let mut out: HashMap<SynonymsOfTerm, Vec<TermLabel>> = HashMap::new();
        for s in rows {
            let label = TermLabel { kind: s.kind, text: s.label, language: s.language };
            out.entry(SynonymsOfTerm(s.term_id)).or_default().push(label);
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
