//! GraphQL face of "Meine Aufgaben": one paginated query, and the coordinator's "erneut
//! erinnern" on an overdue delivery.

use async_graphql::{
    Context, Object, Result, SimpleObject,
    connection::{Connection, Edge},
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{rules::TaskKind, service};
use crate::{
    error::Error,
    graphql::{actor, state},
    indicators,
    pagination::{DEFAULT_PAGE, MAX_PAGE},
    participation::entities::PhaseKind,
};

/// One thing the person should do now, and where it is done.
#[derive(SimpleObject)]
pub struct Task {
    pub kind: TaskKind,
    /// The delivery, proposal, process, indicator, term or notification it is about.
    pub subject_id: Uuid,
    pub title: String,
    /// What the title belongs to: a delivery's period, a proposal's process.
    pub context: Option<String>,
    pub phase: Option<PhaseKind>,
    /// The date it is due by (or, for a delivered value, since when it waits).
    pub due_at: Option<DateTime<Utc>>,
    /// Past `dueAt`.
    pub overdue: bool,
    /// Contributions waiting for an Abwägung, or open proposals of a draft.
    pub count: Option<u64>,
    /// Where it is done, as a path inside the app.
    pub path: String,
}

fn offset_cursor(raw: Option<&str>) -> Result<usize, Error> {
    raw.map(|c| {
        c.parse::<usize>().map(|n| n + 1).map_err(|_| Error::validation("after", "not a cursor from this list"))
    })
    .transpose()
    .map(Option::unwrap_or_default)
}

#[derive(Default)]
pub struct TasksQuery;

#[Object]
impl TasksQuery {
    /// "Meine Aufgaben": the asking person's tasks across all areas by their roles, most urgent
    /// first (past due, due within a week, later, undated).
    async fn my_tasks(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Task>> {
        let actor = actor(ctx)?;
        let st = state(ctx);
        let first = match first {
            None => DEFAULT_PAGE as usize,
            Some(n) if n < 1 => return Err(Error::validation("first", "must be at least 1").into()),
            Some(n) => (n as usize).min(MAX_PAGE as usize),
        };
        let start = offset_cursor(after.as_deref())?;
        let now = st.now();
        let tasks = service::my_tasks(&st.db, actor, &st.config.public_url, now).await?;
        let total = tasks.len();
        let mut conn = Connection::new(start > 0, start + first < total);
        conn.edges.extend(tasks.into_iter().enumerate().skip(start).take(first).map(|(i, t)| {
            Edge::new(
                i.to_string(),
                Task {
                    kind: t.kind,
                    subject_id: t.subject_id,
                    title: t.title,
                    context: t.context,
                    phase: t.phase,
                    overdue: t.due_at.is_some_and(|d| d < now),
                    due_at: t.due_at,
                    count: t.count,
                    path: t.path,
                },
            )
        }));
        Ok(conn)
    }
}

#[derive(Default)]
pub struct TasksMutation;

#[Object]
impl TasksMutation {
    /// "Erneut erinnern": sends an open delivery's current reminder again, now; at most once a
    /// day. Answers how many mails were queued (0 when it was sent today already).
    async fn remind_delivery_again(&self, ctx: &Context<'_>, delivery_id: Uuid) -> Result<u64> {
        let actor = actor(ctx)?;
        Ok(indicators::remind::remind_again(state(ctx), actor, delivery_id).await?)
    }
}
