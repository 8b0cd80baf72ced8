//! GraphQL face of term usage: which indicators use a glossary term, and which definition each
//! one's latest delivery follows, batched per request.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use async_graphql::{
    Context, Result as GqlResult, SimpleObject,
    dataloader::{DataLoader, Loader},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{
    entities::{delivery, indicator, indicator_term},
    graphql::{Indicator, IndicatorsLoader},
};
use crate::{
    error::Error,
    glossary::{
        entities::definition,
        graphql::{Definition, DefinitionKey, GlossaryLoader},
    },
};

/// An indicator that uses a term, with the definition its latest delivery follows.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct TermUsage {
    pub indicator: Indicator,
    #[graphql(skip)]
    pub definition_id: Option<Uuid>,
}

#[async_graphql::ComplexObject]
impl TermUsage {
    /// The definition of this term that the indicator's latest delivery follows, if it named one.
    async fn definition(&self, ctx: &Context<'_>) -> GqlResult<Option<Definition>> {
        match self.definition_id {
            Some(id) => Ok(ctx.data_unchecked::<DataLoader<GlossaryLoader>>().load_one(DefinitionKey(id)).await?),
            None => Ok(None),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UsesOfTerm(pub Uuid);

impl Loader<UsesOfTerm> for IndicatorsLoader {
    type Value = Vec<TermUsage>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[UsesOfTerm]) -> Result<HashMap<UsesOfTerm, Vec<TermUsage>>, Self::Error> {
        let db_err = |e: sea_orm::DbErr| Arc::new(Error::from(e));
        let links = indicator_term::Entity::find()
            .filter(indicator_term::Column::TermId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(db_err)?;
        let indicator_ids: HashSet<Uuid> = links.iter().map(|l| l.indicator_id).collect();
        let indicators: HashMap<Uuid, indicator::Model> = indicator::Entity::find()
            .filter(indicator::Column::Id.is_in(indicator_ids.iter().copied()))
            .all(&self.0)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        let definitions: HashMap<Uuid, Uuid> = definition::Entity::find()
            .filter(definition::Column::TermId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|d| (d.id, d.term_id))
            .collect();
        // Newest first, so the first delivery seen per (indicator, term) is the one that counts.
        let deliveries = delivery::Entity::find()
            .filter(delivery::Column::IndicatorId.is_in(indicator_ids.iter().copied()))
            .filter(delivery::Column::DefinitionId.is_in(definitions.keys().copied()))
            .order_by_desc(delivery::Column::DueAt)
            .all(&self.0)
            .await
            .map_err(db_err)?;
        let mut followed: HashMap<(Uuid, Uuid), Uuid> = HashMap::new();
        for d in deliveries {
            if let Some(def) = d.definition_id
                && let Some(term) = definitions.get(&def)
            {
                followed.entry((d.indicator_id, *term)).or_insert(def);
            }
        }
        let mut out: HashMap<UsesOfTerm, Vec<TermUsage>> = HashMap::new();
        for link in links {
            if let Some(ind) = indicators.get(&link.indicator_id) {
                out.entry(UsesOfTerm(link.term_id)).or_default().push(TermUsage {
                    indicator: ind.clone().into(),
                    definition_id: followed.get(&(link.indicator_id, link.term_id)).copied(),
                });
            }
        }
        for list in out.values_mut() {
            list.sort_by(|a, b| a.indicator.code.cmp(&b.indicator.code));
        }
        Ok(out)
    }
}

/// Indicators using `term_id`, through the request's batch loader.
pub async fn uses_of_term(ctx: &Context<'_>, term_id: Uuid) -> GqlResult<Vec<TermUsage>> {
    Ok(ctx.data_unchecked::<DataLoader<IndicatorsLoader>>().load_one(UsesOfTerm(term_id)).await?.unwrap_or_default())
}
