//! Searching the signed-in person's view of the platform. Every source is read in one bounded
//! statement and matched in memory by [`matching::Query`], because the umlaut tolerance cannot be
//! said in SQL; the bound keeps a query's cost fixed (a city has hundreds, not millions, of
//! goals, proposals and comments; the newest are searched first when there are more).

use std::collections::HashMap;

use async_graphql::Enum;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::matching::{Query, excerpt};
use crate::{
    accounts::{
        entities::organization,
        policy::{Actor, Permission},
    },
    error::{Error, Result},
    glossary::entities::{definition, synonym, term},
    indicators::entities::indicator,
    leitbild::entities::{field_of_action, goal},
    notifications::links::Place,
    participation::entities::{TargetKind, comment, proposal},
};

/// Rows read per source at most.
const PER_SOURCE: u64 = 5000;
/// Characters of an excerpt.
const EXCERPT: usize = 160;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Enum)]
pub enum SearchKind {
    Goal,
    Proposal,
    Comment,
    Term,
    Definition,
    Indicator,
    Organization,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: SearchKind,
    pub id: Uuid,
    pub title: String,
    pub excerpt: Option<String>,
    /// Where it is read in the app; organisations have a page for coordinators only.
    pub path: Option<String>,
    rank: u8,
}

/// Everything the person may see that matches `raw`, best first (title matches before text
/// matches, then by kind and title), at most `first`; `kinds` narrows the sources.
pub async fn search<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    raw: &str,
    kinds: Option<&[SearchKind]>,
    first: usize,
) -> Result<Vec<Hit>> {
    if raw.chars().count() > 200 {
        return Err(Error::validation("query", "at most 200 characters"));
    }
    let Some(q) = Query::new(raw) else {
        return Err(Error::validation("query", "must contain a word"));
    };
    let wants = |k: SearchKind| kinds.is_none_or(|ks| ks.contains(&k));
    let mut hits = Vec::new();
    let mut push = |kind, id, title: &str, texts: &[&str], body: Option<&str>, path: Option<String>| {
        let mut all = vec![title];
        all.extend_from_slice(texts);
        if let Some(rank) = q.rank(&all) {
            hits.push(Hit {
                kind,
                id,
                title: title.to_string(),
                excerpt: body.filter(|b| !b.is_empty()).map(|b| excerpt(b, EXCERPT)),
                path,
                rank,
            });
        }
    };

    let fields: HashMap<Uuid, Uuid> = if wants(SearchKind::Goal) || wants(SearchKind::Comment) {
        field_of_action::Entity::find()
            .select_only()
            .column(field_of_action::Column::Id)
            .column(field_of_action::Column::LeitbildId)
            .limit(PER_SOURCE)
            .into_tuple::<(Uuid, Uuid)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    } else {
        HashMap::new()
    };
    let mut goal_edition: HashMap<Uuid, Uuid> = HashMap::new();
    if wants(SearchKind::Goal) || wants(SearchKind::Comment) {
        let goals = goal::Entity::find()
            .filter(goal::Column::RemovedAt.is_null())
            .order_by_desc(goal::Column::UpdatedAt)
            .limit(PER_SOURCE)
            .all(db)
            .await?;
        for g in goals {
            let Some(edition) = fields.get(&g.field_of_action_id).copied() else { continue };
            goal_edition.insert(g.id, edition);
            if wants(SearchKind::Goal) {
                let path = Place::Goal { leitbild_id: edition, goal_id: g.id }.path();
                push(SearchKind::Goal, g.id, &g.title, &[&g.description], Some(&g.description), Some(path));
            }
        }
    }
    let mut proposal_process: HashMap<Uuid, Uuid> = HashMap::new();
    if wants(SearchKind::Proposal) || wants(SearchKind::Comment) {
        let proposals =
            proposal::Entity::find().order_by_desc(proposal::Column::CreatedAt).limit(PER_SOURCE).all(db).await?;
        for p in proposals {
            proposal_process.insert(p.id, p.process_id);
            if wants(SearchKind::Proposal) {
                let path = Place::Proposal { process_id: p.process_id, proposal_id: p.id }.path();
                push(SearchKind::Proposal, p.id, &p.title, &[&p.text, &p.rationale], Some(&p.text), Some(path));
            }
        }
    }
    let mut definition_term: HashMap<Uuid, Uuid> = HashMap::new();
    if wants(SearchKind::Term) || wants(SearchKind::Definition) || wants(SearchKind::Comment) {
        let terms = term::Entity::find().order_by_asc(term::Column::Label).limit(PER_SOURCE).all(db).await?;
        let mut synonyms: HashMap<Uuid, Vec<String>> = HashMap::new();
        if wants(SearchKind::Term) {
            for s in synonym::Entity::find().limit(PER_SOURCE * 4).all(db).await? {
                synonyms.entry(s.term_id).or_default().push(s.label);
            }
        }
        let labels: HashMap<Uuid, String> = terms.iter().map(|t| (t.id, t.label.clone())).collect();
        if wants(SearchKind::Term) {
            for t in &terms {
                let syn: Vec<&str> = synonyms.get(&t.id).into_iter().flatten().map(String::as_str).collect();
                let shown = (!syn.is_empty()).then(|| syn.join(", "));
                push(SearchKind::Term, t.id, &t.label, &syn, shown.as_deref(), Some(Place::Term(t.id).path()));
            }
        }
        let definitions =
            definition::Entity::find().order_by_desc(definition::Column::UpdatedAt).limit(PER_SOURCE).all(db).await?;
        for d in definitions {
            definition_term.insert(d.id, d.term_id);
            if wants(SearchKind::Definition) {
                let title = labels.get(&d.term_id).cloned().unwrap_or_default();
                let path = Place::Definition { term_id: d.term_id, definition_id: d.id }.path();
                let scope = d.scope_note.clone().unwrap_or_default();
                push(SearchKind::Definition, d.id, &title, &[&d.text, &scope], Some(&d.text), Some(path));
            }
        }
    }
    if wants(SearchKind::Comment) {
        let mut query = comment::Entity::find();
        // A hidden comment's text is for moderators only; nobody else finds it by its words.
        if !actor.can(Permission::Moderate) {
            query = query.filter(comment::Column::HiddenAt.is_null());
        }
        let comments = query.order_by_desc(comment::Column::CreatedAt).limit(PER_SOURCE).all(db).await?;
        for c in comments {
            let place = match c.target_kind {
                TargetKind::Proposal => proposal_process
                    .get(&c.target_id)
                    .map(|p| Place::Proposal { process_id: *p, proposal_id: c.target_id }),
                TargetKind::Goal => {
                    goal_edition.get(&c.target_id).map(|l| Place::Goal { leitbild_id: *l, goal_id: c.target_id })
                }
                TargetKind::FieldOfAction => {
                    fields.get(&c.target_id).map(|l| Place::FieldOfAction { leitbild_id: *l, field_id: c.target_id })
                }
                TargetKind::Definition => definition_term
                    .get(&c.target_id)
                    .map(|t| Place::Definition { term_id: *t, definition_id: c.target_id }),
                TargetKind::Indicator => Some(Place::Indicator(c.target_id)),
            };
            let title = excerpt(&c.body, 80);
            push(SearchKind::Comment, c.id, &title, &[&c.body], Some(&c.body), place.map(|p| p.path()));
        }
    }
    if wants(SearchKind::Indicator) {
        let indicators =
            indicator::Entity::find().order_by_asc(indicator::Column::Code).limit(PER_SOURCE).all(db).await?;
        for i in indicators {
            let title = format!("{} – {}", i.code, i.name);
            let path = Some(Place::Indicator(i.id).path());
            push(SearchKind::Indicator, i.id, &title, &[&i.source_description], Some(&i.source_description), path);
        }
    }
    if wants(SearchKind::Organization) {
        let orgs =
            organization::Entity::find().order_by_asc(organization::Column::Name).limit(PER_SOURCE).all(db).await?;
        let path = actor.can(Permission::ManageOrganizations).then(|| "/koordination".to_string());
        for o in orgs {
            push(SearchKind::Organization, o.id, &o.name, &[], None, path.clone());
        }
    }
    hits.sort_by(|a, b| (a.rank, a.kind, &a.title).cmp(&(b.rank, b.kind, &b.title)));
    hits.truncate(first);
    Ok(hits)
}
