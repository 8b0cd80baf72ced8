//! GraphQL face of search.

use async_graphql::{Context, Object, Result, SimpleObject};
use uuid::Uuid;

use super::service::{self, SearchKind};
use crate::graphql::{actor, state};

/// One match of a search.
#[derive(SimpleObject)]
pub struct SearchHit {
    pub kind: SearchKind,
    pub id: Uuid,
    pub title: String,
    pub excerpt: Option<String>,
    /// Where it is read, as a path inside the app.
    pub path: Option<String>,
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Searches goals, proposals, comments, terms (with their synonyms), definitions, indicators
    /// and organisations the person may see. Case, accents and umlauts do not matter
    /// ("Auslander" finds "Ausländer"); every word must occur. Best matches first.
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        kinds: Option<Vec<SearchKind>>,
        first: Option<i32>,
    ) -> Result<Vec<SearchHit>> {
        let actor = actor(ctx)?;
        let first = first.unwrap_or(30).clamp(1, 100) as usize;
        let hits = service::search(&state(ctx).db, actor, &query, kinds.as_deref(), first).await?;
        Ok(hits
            .into_iter()
            .map(|h| SearchHit { kind: h.kind, id: h.id, title: h.title, excerpt: h.excerpt, path: h.path })
            .collect())
    }
}
