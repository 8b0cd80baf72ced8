//! Live events for subscriptions: an in-process broadcast bus carrying ids only, fed on
//! PostgreSQL through LISTEN/NOTIFY so that every replica sees every replica's events.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Statement,
};
use tokio::sync::broadcast;
use uuid::Uuid;

use super::entities::{comment, vote};
use crate::state::AppState;

pub const CHANNEL: &str = "teilhabe_live";
/// Slow subscribers lose old events rather than holding memory; they re-read on the next one.
const CAPACITY: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveEvent {
    CommentAdded {
        target_id: Uuid,
        comment_id: Uuid,
    },
    TallyChanged {
        proposal_id: Uuid,
    },
    /// A person's sessions or rights changed (logout, deactivation, erasure, role, memberships,
    /// password): their open sockets check their session again before the next event.
    UserChanged {
        user_id: Uuid,
    },
}

impl LiveEvent {
    /// The NOTIFY payload: ids only, far below PostgreSQL's 8000-byte limit.
    pub fn encode(&self) -> String {
        match self {
            Self::CommentAdded { target_id, comment_id } => format!("c:{target_id}:{comment_id}"),
            Self::TallyChanged { proposal_id } => format!("t:{proposal_id}"),
            Self::UserChanged { user_id } => format!("u:{user_id}"),
        }
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let mut parts = raw.split(':');
        match (parts.next()?, parts.next(), parts.next()) {
            ("c", Some(t), Some(c)) => {
                Some(Self::CommentAdded { target_id: t.parse().ok()?, comment_id: c.parse().ok()? })
            }
            ("t", Some(p), None) => Some(Self::TallyChanged { proposal_id: p.parse().ok()? }),
            ("u", Some(u), None) => Some(Self::UserChanged { user_id: u.parse().ok()? }),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub struct Live {
    tx: broadcast::Sender<LiveEvent>,
}

impl Default for Live {
    fn default() -> Self {
        Self { tx: broadcast::channel(CAPACITY).0 }
    }
}

impl Live {
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }

    fn deliver(&self, event: LiveEvent) {
        // No receivers is the normal case when nobody subscribed.
        let _ = self.tx.send(event);
    }

    /// Announces a committed change. On PostgreSQL the listener of every replica (this one
    /// included) delivers it; on SQLite there is one process, so it is delivered here.
    pub async fn publish(&self, db: &DatabaseConnection, event: LiveEvent) {
        if db.get_database_backend() == DatabaseBackend::Postgres {
            let stmt = Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), event.encode().into()],
            );
            if let Err(e) = db.execute_raw(stmt).await {
                tracing::warn!(error = %e, "NOTIFY failed; delivering locally only");
                self.deliver(event);
            }
        } else {
            self.deliver(event);
        }
    }
}

/// Resolves once `actor`'s session has ended or lost rights, so that its WebSocket can be
/// closed: at once on an announced change, and within a minute on expiry.
pub async fn until_session_ends(state: AppState, actor: crate::accounts::policy::Actor) {
    let mut rx = state.live.subscribe();
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        let check = tokio::select! {
            event = rx.recv() => match event {
                Ok(LiveEvent::UserChanged { user_id }) => user_id == actor.user_id,
                Ok(_) => false,
                Err(broadcast::error::RecvError::Lagged(_)) => true,
                Err(broadcast::error::RecvError::Closed) => return std::future::pending().await,
            },
            _ = tick.tick() => true,
        };
        if check && !crate::accounts::service::still_entitled(&state, &actor).await {
            return;
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip() {
        for e in [
            LiveEvent::CommentAdded { target_id: Uuid::new_v4(), comment_id: Uuid::new_v4() },
            LiveEvent::TallyChanged { proposal_id: Uuid::new_v4() },
            LiveEvent::UserChanged { user_id: Uuid::new_v4() },
        ] {
            assert_eq!(LiveEvent::decode(&e.encode()), Some(e));
        }
        assert_eq!(LiveEvent::decode("x:1"), None);
        assert_eq!(LiveEvent::decode("t:not-a-uuid"), None);
    }
}
