//! Reminders of the monitoring as a scheduler step: automatic requests, delivery and review
//! reminders with dedupe keys, and whether a queued reminder is still owed when it is sent.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
    sea_query::{Expr, Func, OnConflict, Query},
};
use uuid::Uuid;

use super::{
    entities::{DeliveryStatus, delivery, indicator},
    links, service,
    timing::{self, Period, Stage},
};
use crate::{
    accounts::entities::{Role, organization, user},
    audit,
    error::Result,
    notifications::{self, NewNotification, entities::NotificationKind},
    state::AppState,
};

/// Rows handled per transaction by the step; a batch of new deliveries (11 columns each) stays
/// far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const BATCH: u64 = 500;
/// Bound on batches per pass, so one pass cannot run unbounded; the rest waits for the next.
const MAX_BATCHES: usize = 400;
/// How long a signed confirm link stays valid after the reminder.
const LINK_DAYS: i64 = 60;

/// Prefix of every reminder about one delivery; confirming it cancels them all.
pub fn delivery_prefix(delivery_id: Uuid) -> String {
    format!("delivery:{delivery_id}:")
}

/// `delivery:<id>:e<epoch>:<stage>:<recipient>`: the epoch restarts the schedule after a new
/// expected date or a return, without clashing with the reminders of the first round.
pub fn delivery_key(delivery_id: Uuid, epoch: i32, stage: Stage, recipient: Uuid) -> String {
    format!("{}e{epoch}:{}:{recipient}", delivery_prefix(delivery_id), stage.key())
}

pub fn review_prefix(indicator_id: Uuid) -> String {
    format!("review:{indicator_id}:")
}

/// `review:<indicator>:<next review date>:<recipient>`.
pub fn review_key(indicator_id: Uuid, next_review: DateTime<Utc>, recipient: Uuid) -> String {
    format!("{}{}:{recipient}", review_prefix(indicator_id), timing::local_date(next_review))
}

/// A parsed reminder key of this area: (kind, entity id, round or date).
type KeyParts<'a> = (&'a str, Uuid, &'a str);

/// Whether each reminder is still owed right before it is sent (two queries for any number of
/// keys): the delivery is still open in the same round, the review still due on the same date.
/// Keys of other areas are owed.
pub async fn still_owed_many<C: ConnectionTrait>(db: &C, keys: &[&str]) -> Result<HashMap<String, bool>> {
    let parsed: Vec<(&str, Option<KeyParts<'_>>)> = keys
        .iter()
        .map(|k| {
            let mut parts = k.split(':');
            let kind = parts.next().unwrap_or_default();
            let id = parts.next().and_then(|id| id.parse::<Uuid>().ok());
            let third = parts.next().unwrap_or_default();
            (*k, id.filter(|_| kind == "delivery" || kind == "review").map(|id| (kind, id, third)))
        })
        .collect();
    let ids = |kind: &str| -> Vec<Uuid> {
        parsed.iter().filter_map(|(_, p)| p.filter(|(k, _, _)| *k == kind).map(|(_, id, _)| id)).collect()
    };
    let deliveries: HashMap<Uuid, (bool, i32)> = delivery::Entity::find()
        .filter(delivery::Column::Id.is_in(ids("delivery")))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, (d.status.is_open(), d.reminder_epoch)))
        .collect();
    let reviews: HashMap<Uuid, String> = indicator::Entity::find()
        .filter(indicator::Column::Id.is_in(ids("review")))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, timing::local_date(i.next_review_at).to_string()))
        .collect();
    Ok(parsed
        .into_iter()
        .map(|(key, p)| {
            let owed = match p {
                Some(("delivery", id, epoch)) => deliveries.get(&id).is_some_and(|(open, current)| {
                    *open && epoch.strip_prefix('e').and_then(|e| e.parse().ok()) == Some(*current)
                }),
                Some((_, id, date)) => reviews.get(&id).is_some_and(|d| d == date),
                None => true,
            };
            (key.to_string(), owed)
        })
        .collect())
}

/// Who hears about a batch of indicators: named people, else the owning organisation's members;
/// for escalations the coordinators and the parent organisation's members.
pub struct Context {
    orgs: HashMap<Uuid, organization::Model>,
    members: HashMap<Uuid, Vec<Uuid>>,
    coordinators: Vec<Uuid>,
}

impl Context {
    pub async fn load<C: ConnectionTrait>(db: &C, indicators: &[indicator::Model]) -> Result<Self> {
        let coordinators: Vec<Uuid> = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::Role.eq(Role::Coordinator))
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::Id)
            .limit(50)
            .into_tuple()
            .all(db)
            .await?;
        let mut ctx = Self { orgs: HashMap::new(), members: HashMap::new(), coordinators };
        ctx.extend(db, indicators).await?;
        Ok(ctx)
    }

    /// Adds the organisations (with their parents and members) of `indicators` not known yet:
    /// a pass loads each once, however many batches need it.
    pub async fn extend<C: ConnectionTrait>(&mut self, db: &C, indicators: &[indicator::Model]) -> Result<()> {
        let mut org_ids: Vec<Uuid> =
            indicators.iter().map(|i| i.owner_id).filter(|id| !self.orgs.contains_key(id)).collect();
        org_ids.sort();
        org_ids.dedup();
        if org_ids.is_empty() {
            return Ok(());
        }
        let mut fresh: HashMap<Uuid, organization::Model> = organization::Entity::find()
            .filter(organization::Column::Id.is_in(org_ids.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let mut parents: Vec<Uuid> = fresh
            .values()
            .filter_map(|o| o.parent_id)
            .filter(|p| !fresh.contains_key(p) && !self.orgs.contains_key(p))
            .collect();
        parents.sort();
        parents.dedup();
        if !parents.is_empty() {
            for o in organization::Entity::find().filter(organization::Column::Id.is_in(parents)).all(db).await? {
                fresh.insert(o.id, o);
            }
        }
        let all: Vec<Uuid> = fresh.keys().copied().collect();
        self.members.extend(service::members_of(db, &all).await?);
        self.orgs.extend(fresh);
        Ok(())
    }

    fn recipients(&self, ind: &indicator::Model) -> Vec<Uuid> {
        let named: Vec<Uuid> = [ind.responsible_user_id, ind.deputy_user_id].into_iter().flatten().collect();
        if named.is_empty() { self.members.get(&ind.owner_id).cloned().unwrap_or_default() } else { named }
    }

    fn escalation(&self, ind: &indicator::Model) -> Vec<Uuid> {
        let mut cc = self.coordinators.clone();
        if let Some(parent) = self.orgs.get(&ind.owner_id).and_then(|o| o.parent_id) {
            cc.extend(self.members.get(&parent).into_iter().flatten().copied());
        }
        cc.sort();
        cc.dedup();
        cc
    }

    fn org_name(&self, id: Uuid) -> &str {
        self.orgs.get(&id).map_or("", |o| o.name.as_str())
    }
}

/// The reminder of `d` due at `now` (only the latest stage: no backlog), and when the next one is.
pub fn delivery_reminders(
    state: &AppState,
    ctx: &Context,
    secret: &[u8],
    ind: &indicator::Model,
    d: &delivery::Model,
    now: DateTime<Utc>,
) -> (Vec<NewNotification>, Option<DateTime<Utc>>) {
    if !d.status.is_open() {
        return (vec![], None);
    }
    let due = d.effective_due();
    let Some(stage) = timing::latest_due_stage(due, now) else {
        return (vec![], Some(timing::stage_time(due, Stage::DueSoon)));
    };
    let next = Some(timing::stage_time(due, stage.next()));
    let expires = due.max(now) + chrono::Duration::days(LINK_DAYS);
    let place =
        notifications::links::Place::DeliveryConfirm { delivery_id: d.id, token: links::sign(secret, d.id, expires) };
    let url = notifications::links::url(&state.config.public_url, &place.path());
    let cc = if timing::escalates(due, stage) { ctx.escalation(ind) } else { vec![] };
    let date = timing::german_date(due);
    let (kind, subject, first_line) = if stage.is_overdue() {
        let days = (timing::local_date(now) - timing::local_date(due)).num_days();
        (
            NotificationKind::DeliveryOverdue,
            format!("Datenlieferung überfällig: {} ({})", ind.name, d.period),
            format!(
                "die Datenlieferung für den Indikator „{}“ ({}) war am {date} fällig und ist seit {days} Tagen überfällig.",
                ind.name, ind.code
            ),
        )
    } else {
        (
            NotificationKind::DeliveryDue,
            format!("Datenlieferung fällig am {date}: {} ({})", ind.name, d.period),
            format!("die Datenlieferung für den Indikator „{}“ ({}) ist am {date} fällig.", ind.name, ind.code),
        )
    };
    let mut lines =
        vec![first_line, format!("Zeitraum: {}. Datenhaltende Stelle: {}.", d.period, ctx.org_name(d.owner_id))];
    if d.status == DeliveryStatus::Returned {
        lines.push(format!("Die Lieferung wurde zurückgegeben: {}", d.return_reason.clone().unwrap_or_default()));
    }
    if !cc.is_empty() {
        lines.push("Die Koordination und die übergeordnete Stelle erhalten diese Erinnerung in Kopie.".into());
    }
    lines.push("Über den Link öffnen Sie direkt das Formular zur Bestätigung dieser einen Lieferung.".into());
    let text = crate::notifications::mailer::compose("Guten Tag,", &lines, "Lieferung bestätigen", &url);
    let mut mails = Vec::new();
    for recipient in ctx.recipients(ind) {
        mails.push(NewNotification {
            recipient_id: recipient,
            kind,
            dedupe_key: delivery_key(d.id, d.reminder_epoch, stage, recipient),
            due_at: timing::stage_time(due, stage).max(d.created_at.min(now)),
            subject: subject.clone(),
            body_text: text.clone(),
            body_html: None,
            link: Some(url.clone()),
            cc: cc.iter().copied().filter(|c| *c != recipient).collect(),
        });
    }
    (mails, next)
}

/// What the reminder step did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReminderReport {
    pub requested: u64,
    pub delivery_reminders: u64,
    pub review_reminders: u64,
}

/// The scheduler step of the monitoring. Each row is claimed by a conditional UPDATE of its
/// schedule column (the first statement of its transaction), so replicas never double up, and
/// the outbox's dedupe keys make a repeated pass harmless anyway.
pub async fn run(state: &AppState, now: DateTime<Utc>) -> Result<ReminderReport> {
    let mut report = ReminderReport { requested: auto_request(state, now).await?, ..Default::default() };
    report.delivery_reminders = remind_deliveries(state, now).await?;
    report.review_reminders = remind_reviews(state, now).await?;
    Ok(report)
}

async fn indicators_by_id<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<HashMap<Uuid, indicator::Model>> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    Ok(indicator::Entity::find()
        .filter(indicator::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect())
}

/// The ids of the rows due at `now` by `schedule`, earliest first, at most a pass's worth.
async fn due_ids<E: EntityTrait>(
    state: &AppState,
    id: E::Column,
    schedule: E::Column,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>> {
    Ok(E::find()
        .select_only()
        .column(id)
        .filter(schedule.lte(now))
        .order_by_asc(schedule)
        .limit(BATCH * MAX_BATCHES as u64)
        .into_tuple()
        .all(&state.db)
        .await?)
}

/// Runs `step` over `ids` in chunks of [`BATCH`], each chunk its own transaction. On PostgreSQL
/// a few chunks run at once, each on its own connection: a large backlog otherwise leaves the
/// server waiting for this process and this process for the server.
async fn in_batches<F, Fut>(state: &AppState, ids: Vec<Uuid>, step: F) -> Result<u64>
where
    F: Fn(Vec<Uuid>) -> Fut,
    Fut: std::future::Future<Output = Result<u64>>,
{
    use futures_util::{StreamExt, TryStreamExt};
    let parallel = if state.db.get_database_backend() == sea_orm::DatabaseBackend::Postgres { 3 } else { 1 };
    futures_util::stream::iter(ids.chunks(BATCH as usize).map(<[Uuid]>::to_vec))
        .map(step)
        .buffer_unordered(parallel)
        .try_fold(0, |sum, n| async move { Ok(sum + n) })
        .await
}

/// A period to request now: the new delivery's id, the period and its due date.
type NextRequest = (Uuid, String, DateTime<Utc>);

/// Requests the next period of every indicator whose latest period has come due.
async fn auto_request(state: &AppState, now: DateTime<Utc>) -> Result<u64> {
    let due =
        due_ids::<indicator::Entity>(state, indicator::Column::Id, indicator::Column::NextAutoRequestAt, now).await?;
    in_batches(state, due, |ids| request_batch(state, ids, now)).await
}

async fn request_batch(state: &AppState, ids: Vec<Uuid>, now: DateTime<Utc>) -> Result<u64> {
    let batch = indicator::Entity::find()
        .filter(indicator::Column::Id.is_in(ids))
        .filter(indicator::Column::NextAutoRequestAt.lte(now))
        .all(&state.db)
        .await?;
    if batch.is_empty() {
        return Ok(0);
    }
    let rows: Vec<(Uuid, DateTime<Utc>, String)> = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::IndicatorId)
        .column(delivery::Column::DueAt)
        .column(delivery::Column::Period)
        .filter(delivery::Column::IndicatorId.is_in(batch.iter().map(|i| i.id)))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut latest: HashMap<Uuid, (DateTime<Utc>, String)> = HashMap::new();
    for (ind, due, period) in rows {
        if latest.get(&ind).is_none_or(|(d, _)| *d < due) {
            latest.insert(ind, (due, period));
        }
    }
    // Per indicator the period to request now and its due date; none where there is no
    // delivery to continue from, which ends its schedule.
    let planned: Vec<(&indicator::Model, Option<NextRequest>)> = batch
        .iter()
        .map(|ind| {
            let next = latest.get(&ind.id).and_then(|(due, period)| {
                let p = Period::parse(period, ind.periodicity).ok()?;
                let due = timing::add_months_local(*due, ind.periodicity.months());
                Some((Uuid::now_v7(), p.next(ind.periodicity).label(ind.periodicity), due))
            });
            (ind, next)
        })
        .collect();
    let txn = state.db.begin().await?;
    // The claim comes first (and takes SQLite's write lock): the whole batch, while it is
    // still due, moves on to the due date of the period requested now. A replica that took
    // some of these rows meanwhile makes the claim fall short; this one then lets go (the
    // next pass takes the rest), so no row is handled twice.
    let mut claim = crate::db::update_per_row::<indicator::Entity>(
        indicator::Column::Id,
        indicator::Column::NextAutoRequestAt,
        None,
        planned.iter().map(|(ind, next)| (ind.id.into(), next.as_ref().map(|n| n.2).into(), None)),
    );
    claim.and_where(indicator::Column::NextAutoRequestAt.lte(now));
    if txn.execute(&claim).await?.rows_affected() < batch.len() as u64 {
        txn.rollback().await?;
        return Ok(0);
    }
    // The unique (indicator, period) index keeps a period requested by hand meanwhile from
    // being requested twice.
    let rows: Vec<delivery::ActiveModel> = planned
        .iter()
        .filter_map(|(ind, next)| {
            next.as_ref().map(|(id, period, due)| service::new_delivery_row(*id, ind, period, *due, now))
        })
        .collect();
    let inserted: std::collections::HashSet<Uuid> = match delivery::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([delivery::Column::IndicatorId, delivery::Column::Period]).do_nothing().to_owned(),
        )
        .exec_with_returning_keys(&txn)
        .await
    {
        Ok(keys) => keys.into_iter().collect(),
        Err(sea_orm::DbErr::RecordNotInserted) => Default::default(),
        Err(e) => return Err(e.into()),
    };
    // Where a period had been requested by hand meanwhile, the schedule follows the latest
    // requested due date, read from the database.
    let kept: Vec<Uuid> = planned
        .iter()
        .filter_map(|(ind, next)| next.as_ref().filter(|n| !inserted.contains(&n.0)).map(|_| ind.id))
        .collect();
    if !kept.is_empty() {
        let latest_due = Query::select()
            .expr(Func::max(Expr::col((delivery::Entity, delivery::Column::DueAt))))
            .from(delivery::Entity)
            .and_where(sea_orm::sea_query::ExprTrait::equals(
                Expr::col((delivery::Entity, delivery::Column::IndicatorId)),
                (indicator::Entity, indicator::Column::Id),
            ))
            .to_owned();
        indicator::Entity::update_many()
            .col_expr(indicator::Column::NextAutoRequestAt, Expr::SubQuery(None, Box::new(latest_due.into())))
            .filter(indicator::Column::Id.is_in(kept))
            .exec(&txn)
            .await?;
    }
    let entries: Vec<(Uuid, String)> = planned
        .iter()
        .filter_map(|(ind, next)| {
            let (id, period, due) = next.as_ref().filter(|n| inserted.contains(&n.0))?;
            let date = timing::german_date(*due);
            let text = format!("Datenlieferung {period} für {} automatisch angefordert, fällig am {date}", ind.code);
            Some((*id, text))
        })
        .collect();
    let requested = entries.len() as u64;
    audit::service::record_many(&txn, now, None, "delivery.request", "delivery", entries).await?;
    txn.commit().await?;
    Ok(requested)
}

async fn remind_deliveries(state: &AppState, now: DateTime<Utc>) -> Result<u64> {
    let due = due_ids::<delivery::Entity>(state, delivery::Column::Id, delivery::Column::NextReminderAt, now).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let secret = links::secret(&state.db, state).await?;
    // Shared by the batches, so that a pass loads each organisation once.
    let ctx = tokio::sync::Mutex::new(Context::load(&state.db, &[]).await?);
    in_batches(state, due, |ids| remind_batch(state, &ctx, &secret, ids, now)).await
}

async fn remind_batch(
    state: &AppState,
    ctx: &tokio::sync::Mutex<Context>,
    secret: &[u8],
    ids: Vec<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64> {
    // Still due: a replica may have handled some of these since they were listed.
    let batch = delivery::Entity::find()
        .filter(delivery::Column::Id.is_in(ids))
        .filter(delivery::Column::NextReminderAt.lte(now))
        .all(&state.db)
        .await?;
    if batch.is_empty() {
        return Ok(0);
    }
    let inds = indicators_by_id(&state.db, &batch.iter().map(|d| d.indicator_id).collect::<Vec<_>>()).await?;
    let (mails, moves) = {
        let mut ctx = ctx.lock().await;
        ctx.extend(&state.db, &inds.values().cloned().collect::<Vec<_>>()).await?;
        let mut mails = Vec::new();
        let mut moves = Vec::with_capacity(batch.len());
        for d in &batch {
            let (new_mails, next) = match inds.get(&d.indicator_id) {
                Some(ind) => delivery_reminders(state, &ctx, secret, ind, d, now),
                None => (vec![], None),
            };
            moves.push((d.id.into(), next.into(), Some(d.version.into())));
            mails.extend(new_mails);
        }
        (mails, moves)
    };
    let txn = state.db.begin().await?;
    // Only rows unchanged since read (same version): a confirmation or return in between
    // keeps its schedule.
    txn.execute(&crate::db::update_per_row::<delivery::Entity>(
        delivery::Column::Id,
        delivery::Column::NextReminderAt,
        Some(delivery::Column::Version),
        moves,
    ))
    .await?;
    // A replica that read the same rows queues the same keys: the outbox keeps one of each,
    // and a reminder of a stale round is cancelled when it is sent (see `still_owed_many`).
    let enqueued = notifications::service::enqueue_many(&txn, mails, now).await?;
    txn.commit().await?;
    Ok(enqueued)
}

async fn remind_reviews(state: &AppState, now: DateTime<Utc>) -> Result<u64> {
    let due =
        due_ids::<indicator::Entity>(state, indicator::Column::Id, indicator::Column::ReviewReminderAt, now).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let ctx = tokio::sync::Mutex::new(Context::load(&state.db, &[]).await?);
    in_batches(state, due, |ids| review_batch(state, &ctx, ids, now)).await
}

async fn review_batch(
    state: &AppState,
    ctx: &tokio::sync::Mutex<Context>,
    ids: Vec<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let batch = indicator::Entity::find()
        .filter(indicator::Column::Id.is_in(ids))
        .filter(indicator::Column::ReviewReminderAt.lte(now))
        .all(&state.db)
        .await?;
    if batch.is_empty() {
        return Ok(0);
    }
    let mut ctx = ctx.lock().await;
    ctx.extend(&state.db, &batch).await?;
    let ids: Vec<Uuid> = batch.iter().map(|i| i.id).collect();
    let mut mails = Vec::new();
    for ind in &batch {
        let url =
            notifications::links::url(&state.config.public_url, &notifications::links::Place::Indicator(ind.id).path());
        let date = timing::german_date(ind.next_review_at);
        let lines = vec![
            format!("die Überprüfung des Indikators „{}“ ({}) ist am {date} fällig.", ind.name, ind.code),
            "Bitte prüfen Sie Definition und Quelle und bestätigen Sie die Überprüfung.".to_string(),
        ];
        let text = crate::notifications::mailer::compose("Guten Tag,", &lines, "Zum Indikator", &url);
        for recipient in ctx.recipients(ind) {
            mails.push(NewNotification {
                recipient_id: recipient,
                kind: NotificationKind::ReviewDue,
                dedupe_key: review_key(ind.id, ind.next_review_at, recipient),
                due_at: ind.review_reminder_at.unwrap_or(now),
                subject: format!("Überprüfung fällig am {date}: {}", ind.name),
                body_text: text.clone(),
                body_html: None,
                link: Some(url.clone()),
                cc: vec![],
            });
        }
    }
    drop(ctx);
    let txn = state.db.begin().await?;
    // Rows still due are claimed; a review confirmed meanwhile moved its reminder ahead and
    // keeps it, and the reminder queued here for the old date is cancelled when it is sent.
    indicator::Entity::update_many()
        .col_expr(indicator::Column::ReviewReminderAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(indicator::Column::Id.is_in(ids))
        .filter(indicator::Column::ReviewReminderAt.lte(now))
        .exec(&txn)
        .await?;
    let enqueued = notifications::service::enqueue_many(&txn, mails, now).await?;
    txn.commit().await?;
    Ok(enqueued)
}
