//! The PostgreSQL side of the live bus: a listener that delivers every replica's events to
//! this one's subscribers, catching up on comments and tallies after a reconnect.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseBackend, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::entities::{comment, vote};
use crate::{
    live::{CHANNEL, LiveEvent},
    state::AppState,
};

/// On PostgreSQL: listens for events of all replicas and delivers them to local subscribers.
/// After a reconnect, what happened meanwhile is found by a query and delivered too.
pub fn spawn_listener(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    if state.db.get_database_backend() != DatabaseBackend::Postgres {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut since: Option<DateTime<Utc>> = None;
        loop {
            match listen(&state, since).await {
                Ok(()) => {}
                Err(e) => tracing::warn!(error = %e, "live listener lost its connection; reconnecting"),
            }
            // Events committed while we were away are caught up from this point on.
            since = Some(state.now() - chrono::Duration::seconds(5));
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }))
}

async fn listen(state: &AppState, since: Option<DateTime<Utc>>) -> Result<(), sea_orm::sqlx::Error> {
    let pool = state.db.get_postgres_connection_pool();
    let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    if let Some(since) = since
        && let Err(e) = catch_up(state, since).await
    {
        tracing::warn!(error = %e, "live catch-up failed");
    }
    loop {
        let n = listener.recv().await?;
        if let Some(event) = LiveEvent::decode(n.payload()) {
            state.live.deliver(event);
        }
    }
}

/// Delivers comments added and tallies changed since `since` (bounded: the newest few hundred).
pub async fn catch_up(state: &AppState, since: DateTime<Utc>) -> crate::error::Result<usize> {
    let comments = comment::Entity::find()
        .select_only()
        .column(comment::Column::TargetId)
        .column(comment::Column::Id)
        .filter(comment::Column::CreatedAt.gte(since))
        .limit(500)
        .into_tuple::<(Uuid, Uuid)>()
        .all(&state.db)
        .await?;
    let proposals = vote::Entity::find()
        .select_only()
        .column(vote::Column::ProposalId)
        .distinct()
        .filter(vote::Column::UpdatedAt.gte(since))
        .limit(500)
        .into_tuple::<Uuid>()
        .all(&state.db)
        .await?;
    let n = comments.len() + proposals.len();
    for (target_id, comment_id) in comments {
        state.live.deliver(LiveEvent::CommentAdded { target_id, comment_id });
    }
    for proposal_id in proposals {
        state.live.deliver(LiveEvent::TallyChanged { proposal_id });
    }
    Ok(n)
}
