//! Where indicators meet the Leitbild and the glossary: checking the goals, terms and definitions
//! an indicator links to. Which indicators use a term is answered by `usage_graphql`.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::indicator_term;
use crate::{
    error::{Error, Result},
    glossary::entities::{definition, term},
    leitbild::entities::goal,
};

/// Refuses links to goals that do not exist (or were removed) and to unknown terms.
pub async fn check_links<C: ConnectionTrait>(db: &C, goal_ids: &[Uuid], term_ids: &[Uuid]) -> Result<()> {
    let goals: HashSet<Uuid> = goal_ids.iter().copied().collect();
    if !goals.is_empty() {
        let found = goal::Entity::find()
            .filter(goal::Column::Id.is_in(goals.iter().copied()))
            .filter(goal::Column::RemovedAt.is_null())
            .all(db)
            .await?;
        if found.len() != goals.len() {
            return Err(Error::validation("goalIds", "unknown or removed goal"));
        }
    }
    let terms: HashSet<Uuid> = term_ids.iter().copied().collect();
    if !terms.is_empty() {
        let found = term::Entity::find().filter(term::Column::Id.is_in(terms.iter().copied())).all(db).await?;
        if found.len() != terms.len() {
            return Err(Error::validation("termIds", "unknown term"));
        }
    }
    Ok(())
}

/// A definition given to a delivery must belong to one of the indicator's terms.
pub async fn check_definition<C: ConnectionTrait>(db: &C, indicator_id: Uuid, definition_id: Uuid) -> Result<()> {
    let Some(d) = definition::Entity::find_by_id(definition_id).one(db).await? else {
        return Err(Error::validation("definitionId", "unknown definition"));
    };
    let linked = indicator_term::Entity::find()
        .filter(indicator_term::Column::IndicatorId.eq(indicator_id))
        .filter(indicator_term::Column::TermId.eq(d.term_id))
        .one(db)
        .await?;
    if linked.is_none() {
        return Err(Error::validation("definitionId", "the definition's term is not one the indicator uses"));
    }
    Ok(())
}

/// The definitions of an indicator's terms with their term, agreed ones first: what a delivered
/// value may follow.
pub async fn definitions_for<C: ConnectionTrait>(
    db: &C,
    indicator_id: Uuid,
) -> Result<Vec<(term::Model, definition::Model)>> {
    let term_ids: Vec<Uuid> = indicator_term::Entity::find()
        .filter(indicator_term::Column::IndicatorId.eq(indicator_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.term_id)
        .collect();
    let terms: HashMap<Uuid, term::Model> = term::Entity::find()
        .filter(term::Column::Id.is_in(term_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut out: Vec<_> = definition::Entity::find()
        .filter(definition::Column::TermId.is_in(term_ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|d| terms.get(&d.term_id).map(|t| (t.clone(), d)))
        .collect();
    out.sort_by_key(|(t, d)| (t.agreed_definition_id != Some(d.id), t.label.clone(), d.created_at));
    Ok(out)
}
