//! One unit of work for every mutation: its transaction, its time, and the audit events and
//! mails it records, all written when it commits and not at all when it is dropped.

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, Statement,
    TransactionTrait,
    sea_query::{CommonTableExpression, InsertStatement, Query},
};
use uuid::Uuid;

use crate::{
    audit::{self, AuditEntry},
    error::Result,
    live::{Live, LiveEvent},
    notifications::service::{NewNotification, enqueue_many},
};

/// An audit event waiting for the commit.
struct Event {
    actor: Option<Uuid>,
    action: String,
    entity_type: String,
    entity_id: Option<Uuid>,
    summary: String,
}

/// A mutation in progress. It reads and writes like its transaction (it is a
/// `ConnectionTrait`); [`Change::audit`] and [`Change::notify`] collect what the mutation must
/// leave behind, and [`Change::commit`] writes it in the same transaction, so that a change
/// without its audit trail or its mails cannot be committed by accident.
pub struct Change {
    txn: DatabaseTransaction,
    /// The time of the change, from the injected clock: every row it writes carries it.
    pub now: DateTime<Utc>,
    events: Vec<Event>,
    mails: Vec<NewNotification>,
    /// Live events for subscriptions, announced by the commit itself.
    live: Option<(Live, Vec<LiveEvent>)>,
}

impl Change {
    pub async fn begin(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Self> {
        Ok(Self { txn: db.begin().await?, now, events: Vec::new(), mails: Vec::new(), live: None })
    }

    /// Announces `event` to open subscriptions once the change is committed. On PostgreSQL
    /// the NOTIFY is sent inside the transaction, which delivers it at the commit to every
    /// replica (and never for a change rolled back), at no extra connection or round trip.
    /// The price: a NOTIFY that fails (PostgreSQL's 8 GB queue full because a listener hangs)
    /// fails the change with it, where a NOTIFY after the commit only lost the announcement.
    pub fn publish(&mut self, live: &Live, event: LiveEvent) {
        self.live.get_or_insert_with(|| (live.clone(), Vec::new())).1.push(event);
    }

    /// Records who did what; written when the change commits.
    pub fn audit(&mut self, actor: Option<Uuid>, entry: AuditEntry<'_>) {
        self.events.push(Event {
            actor,
            action: entry.action.to_string(),
            entity_type: entry.entity_type.to_string(),
            entity_id: entry.entity_id,
            summary: entry.summary,
        });
    }

    /// Queues a mail through the outbox; written when the change commits (a dedupe key that
    /// exists already is skipped, as with [`enqueue_many`]).
    pub fn notify(&mut self, mail: NewNotification) {
        self.mails.push(mail);
    }

    /// On PostgreSQL, hands over the audit rows recorded so far, the last one carrying the
    /// announcement of the live events, as data-modifying `WITH` queries for the statement the
    /// mutation sends next: a hot mutation (a vote) saves their round trip. The caller must run
    /// that statement in this change; it fails with them. SQLite has no data-modifying `WITH`:
    /// there it hands over nothing and the commit writes them.
    pub fn audit_as_with(&mut self) -> Vec<CommonTableExpression> {
        if self.txn.get_database_backend() != DbBackend::Postgres || self.events.is_empty() {
            return Vec::new();
        }
        let mut announce = self.live.as_mut().map(|(_, announced)| std::mem::take(announced)).unwrap_or_default();
        let statements = audit_statements(self.now, std::mem::take(&mut self.events), &mut announce);
        // What the last row could not carry is announced at the commit.
        if let Some((_, announced)) = self.live.as_mut() {
            *announced = announce;
        }
        statements
            .into_iter()
            .enumerate()
            .map(|(i, insert)| CommonTableExpression::new().query(insert).table_name(format!("audit_{i}")).to_owned())
            .collect()
    }

    /// Writes the audit events and mails, then commits: all of it or nothing.
    pub async fn commit(self) -> Result<()> {
        let Self { txn, now, events, mails, live } = self;
        let postgres = txn.get_database_backend() == DbBackend::Postgres;
        // On PostgreSQL the last audit row returns the `pg_notify` of the live events, which
        // saves the change a round trip per announcement; a change without an audit row
        // announces on its own.
        let mut announce: Vec<LiveEvent> =
            if postgres { live.iter().flat_map(|(_, announced)| announced.iter().copied()).collect() } else { vec![] };
        for insert in audit_statements(now, events, &mut announce) {
            txn.execute(&insert).await?;
        }
        for event in announce {
            txn.execute_raw(crate::live::notify_statement(event)).await?;
        }
        if !mails.is_empty() {
            enqueue_many(&txn, mails, now).await?;
        }
        txn.commit().await?;
        // SQLite has one process and no NOTIFY: its subscribers hear it here, after the commit.
        if let Some((live, announced)) = live.filter(|_| !postgres) {
            for event in announced {
                live.deliver(event);
            }
        }
        Ok(())
    }

    /// The transaction itself, for helpers that need its concrete type.
    pub fn transaction(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Gives up: nothing of the change is written (dropping it does the same).
    pub async fn rollback(self) -> Result<()> {
        self.txn.rollback().await?;
        Ok(())
    }
}

/// The INSERT of each audit event; the last one returns the `pg_notify` of up to 1,000 of
/// `announce` (PostgreSQL returns at most 1,664 columns), which it takes out of the list.
fn audit_statements(now: DateTime<Utc>, events: Vec<Event>, announce: &mut Vec<LiveEvent>) -> Vec<InsertStatement> {
    let last = events.len();
    events
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let entry = AuditEntry {
                action: &e.action,
                entity_type: &e.entity_type,
                entity_id: e.entity_id,
                summary: e.summary,
            };
            let mut insert = audit::insert_statement(now, e.actor, entry);
            if i + 1 == last && !announce.is_empty() {
                let carried = announce.drain(..announce.len().min(1_000));
                insert.returning(Query::returning().exprs(carried.map(crate::live::notify_expr)));
            }
            insert
        })
        .collect()
}

#[async_trait::async_trait]
impl ConnectionTrait for Change {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }

    fn is_mock_connection(&self) -> bool {
        self.txn.is_mock_connection()
    }
}
