//! Live events for subscriptions and open sockets: an in-process broadcast bus carrying ids
//! only, fed on PostgreSQL through LISTEN/NOTIFY (`participation::live` listens) so that every
//! replica sees every replica's events.

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement,
    sea_query::{Expr, Func, PostgresQueryBuilder, Query},
};
use tokio::sync::broadcast;
use uuid::Uuid;

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

    /// Hands an event to this process's subscribers (the listener does it for NOTIFY).
    pub fn deliver(&self, event: LiveEvent) {
        // No receivers is the normal case when nobody subscribed.
        let _ = self.tx.send(event);
    }

    /// Announces a committed change. On PostgreSQL the listener of every replica (this one
    /// included) delivers it; on SQLite there is one process, so it is delivered here.
    pub async fn publish(&self, db: &DatabaseConnection, event: LiveEvent) {
        if db.get_database_backend() == DatabaseBackend::Postgres {
            if let Err(e) = db.execute_raw(notify_statement(event)).await {
                tracing::warn!(error = %e, "NOTIFY failed; delivering locally only");
                self.deliver(event);
            }
        } else {
            self.deliver(event);
        }
    }
}

/// The NOTIFY of `event` on PostgreSQL; inside a transaction it is sent at the commit.
pub fn notify_statement(event: LiveEvent) -> Statement {
    let (sql, values) = Query::select().expr(notify_expr(event)).build(PostgresQueryBuilder);
    Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values)
}

/// `pg_notify` of `event` as an expression, so that a statement sent anyway (a change's audit
/// row) can carry the announcement in its `RETURNING` instead of a round trip of its own.
pub fn notify_expr(event: LiveEvent) -> Expr {
    Func::cust("pg_notify").arg(CHANNEL).arg(event.encode()).into()
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
