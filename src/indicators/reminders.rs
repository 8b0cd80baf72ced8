//! Reminders of the monitoring as a scheduler step: automatic requests, delivery and review
//! reminders with dedupe keys, and whether a queued reminder is still owed when it is sent.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    entities::{DeliveryStatus, delivery, indicator},
    links, service,
    timing::{self, Period, Stage},
};
use crate::{
    accounts::entities::{Role, organization, user},
    audit::{self, AuditEntry},
    error::Result,
    notifications::{self, NewNotification, entities::NotificationKind},
    state::AppState,
};

/// Rows handled per transaction by the step.
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

/// Whether the reminder with `dedupe_key` is still owed right before it is sent: the delivery
/// is still open in the same round, the review still due on the same date.
pub async fn still_owed<C: ConnectionTrait>(db: &C, dedupe_key: &str) -> Result<bool> {
    let mut parts = dedupe_key.split(':');
    match (parts.next(), parts.next().and_then(|id| id.parse::<Uuid>().ok()), parts.next()) {
        (Some("delivery"), Some(id), Some(epoch)) => {
            let Some(d) = delivery::Entity::find_by_id(id).one(db).await? else { return Ok(false) };
            Ok(d.status.is_open() && epoch.strip_prefix('e').and_then(|e| e.parse().ok()) == Some(d.reminder_epoch))
        }
        (Some("review"), Some(id), Some(date)) => {
            let Some(i) = indicator::Entity::find_by_id(id).one(db).await? else { return Ok(false) };
            Ok(timing::local_date(i.next_review_at).to_string() == date)
        }
        _ => Ok(true),
    }
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
        let mut org_ids: Vec<Uuid> = indicators.iter().map(|i| i.owner_id).collect();
        org_ids.sort();
        org_ids.dedup();
        let mut orgs: HashMap<Uuid, organization::Model> = organization::Entity::find()
            .filter(organization::Column::Id.is_in(org_ids.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let parents: Vec<Uuid> = orgs.values().filter_map(|o| o.parent_id).filter(|p| !orgs.contains_key(p)).collect();
        if !parents.is_empty() {
            for o in organization::Entity::find().filter(organization::Column::Id.is_in(parents)).all(db).await? {
                orgs.insert(o.id, o);
            }
        }
        let all: Vec<Uuid> = orgs.keys().copied().collect();
        let members = service::members_of(db, &all).await?;
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
        Ok(Self { orgs, members, coordinators })
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
    let url = format!(
        "{}/lieferungen/{}/bestaetigen?token={}",
        state.config.public_url,
        d.id,
        links::sign(secret, d.id, expires)
    );
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
    let mut mails = Vec::new();
    for recipient in ctx.recipients(ind) {
        let (text, html) = super::service::mail_bodies("Guten Tag,", &lines, "Lieferung bestätigen", &url);
        mails.push(NewNotification {
            recipient_id: recipient,
            kind,
            dedupe_key: delivery_key(d.id, d.reminder_epoch, stage, recipient),
            due_at: timing::stage_time(due, stage).max(d.created_at.min(now)),
            subject: subject.clone(),
            body_text: text,
            body_html: Some(html),
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

/// Requests the next period of every indicator whose latest period has come due.
async fn auto_request(state: &AppState, now: DateTime<Utc>) -> Result<u64> {
    let mut requested = 0;
    for _ in 0..MAX_BATCHES {
        let batch = indicator::Entity::find()
            .filter(indicator::Column::NextAutoRequestAt.lte(now))
            .order_by_asc(indicator::Column::NextAutoRequestAt)
            .limit(BATCH)
            .all(&state.db)
            .await?;
        if batch.is_empty() {
            break;
        }
        let ids: Vec<Uuid> = batch.iter().map(|i| i.id).collect();
        let mut latest: HashMap<Uuid, delivery::Model> = HashMap::new();
        for d in delivery::Entity::find().filter(delivery::Column::IndicatorId.is_in(ids)).all(&state.db).await? {
            match latest.get(&d.indicator_id) {
                Some(l) if l.due_at >= d.due_at => {}
                _ => {
                    latest.insert(d.indicator_id, d);
                }
            }
        }
        let txn = state.db.begin().await?;
        for ind in &batch {
            let Some(last) = latest.get(&ind.id) else {
                claim_column(&txn, ind.id, indicator::Column::NextAutoRequestAt, ind.next_auto_request_at, None)
                    .await?;
                continue;
            };
            let next_period = match Period::parse(&last.period, ind.periodicity) {
                Ok(p) => p.next(ind.periodicity).label(ind.periodicity),
                Err(_) => {
                    claim_column(&txn, ind.id, indicator::Column::NextAutoRequestAt, ind.next_auto_request_at, None)
                        .await?;
                    continue;
                }
            };
            let due = timing::add_months_local(last.due_at, ind.periodicity.months());
            if !claim_column(&txn, ind.id, indicator::Column::NextAutoRequestAt, ind.next_auto_request_at, Some(due))
                .await?
            {
                continue;
            }
            if let Some(d) = service::insert_delivery(&txn, ind, &next_period, due, now).await? {
                requested += 1;
                audit::record(
                    &txn,
                    now,
                    None,
                    AuditEntry {
                        action: "delivery.request",
                        entity_type: "delivery",
                        entity_id: Some(d.id),
                        summary: format!(
                            "Datenlieferung {next_period} für {} automatisch angefordert, fällig am {}",
                            ind.code,
                            timing::german_date(due)
                        ),
                    },
                )
                .await?;
            }
        }
        txn.commit().await?;
        if (batch.len() as u64) < BATCH {
            break;
        }
    }
    Ok(requested)
}

/// Moves a schedule column from `old` to `new` if nobody else did: the claim of that row.
async fn claim_column<C: ConnectionTrait>(
    db: &C,
    indicator_id: Uuid,
    column: indicator::Column,
    old: Option<DateTime<Utc>>,
    new: Option<DateTime<Utc>>,
) -> Result<bool> {
    let mut q = indicator::Entity::update_many()
        .col_expr(column, Expr::value(new))
        .filter(indicator::Column::Id.eq(indicator_id));
    q = match old {
        Some(o) => q.filter(column.eq(o)),
        None => q.filter(column.is_null()),
    };
    Ok(q.exec(db).await?.rows_affected == 1)
}

async fn remind_deliveries(state: &AppState, now: DateTime<Utc>) -> Result<u64> {
    let mut enqueued = 0;
    let mut secret: Option<Vec<u8>> = None;
    for _ in 0..MAX_BATCHES {
        let batch = delivery::Entity::find()
            .filter(delivery::Column::NextReminderAt.lte(now))
            .order_by_asc(delivery::Column::NextReminderAt)
            .limit(BATCH)
            .all(&state.db)
            .await?;
        if batch.is_empty() {
            break;
        }
        let secret = match &secret {
            Some(s) => s.clone(),
            None => secret.insert(links::secret(&state.db, state).await?).clone(),
        };
        let ids: Vec<Uuid> = batch.iter().map(|d| d.indicator_id).collect();
        let inds = indicators_by_id(&state.db, &ids).await?;
        let list: Vec<indicator::Model> = inds.values().cloned().collect();
        let ctx = Context::load(&state.db, &list).await?;
        let txn = state.db.begin().await?;
        let mut mails = Vec::new();
        for d in &batch {
            let (new_mails, next) = match inds.get(&d.indicator_id) {
                Some(ind) => delivery_reminders(state, &ctx, &secret, ind, d, now),
                None => (vec![], None),
            };
            let claimed = delivery::Entity::update_many()
                .col_expr(delivery::Column::NextReminderAt, Expr::value(next))
                .filter(delivery::Column::Id.eq(d.id))
                .filter(delivery::Column::NextReminderAt.eq(d.next_reminder_at))
                .exec(&txn)
                .await?
                .rows_affected
                == 1;
            if claimed {
                mails.extend(new_mails);
            }
        }
        enqueued += notifications::service::enqueue_many(&txn, mails, now).await?;
        txn.commit().await?;
        if (batch.len() as u64) < BATCH {
            break;
        }
    }
    Ok(enqueued)
}

async fn remind_reviews(state: &AppState, now: DateTime<Utc>) -> Result<u64> {
    let mut enqueued = 0;
    for _ in 0..MAX_BATCHES {
        let batch = indicator::Entity::find()
            .filter(indicator::Column::ReviewReminderAt.lte(now))
            .order_by_asc(indicator::Column::ReviewReminderAt)
            .limit(BATCH)
            .all(&state.db)
            .await?;
        if batch.is_empty() {
            break;
        }
        let ctx = Context::load(&state.db, &batch).await?;
        let txn = state.db.begin().await?;
        let mut mails = Vec::new();
        for ind in &batch {
            if !claim_column(&txn, ind.id, indicator::Column::ReviewReminderAt, ind.review_reminder_at, None).await? {
                continue;
            }
            let url = format!("{}/indikatoren/{}", state.config.public_url, ind.id);
            let date = timing::german_date(ind.next_review_at);
            let lines = vec![
                format!("die Überprüfung des Indikators „{}“ ({}) ist am {date} fällig.", ind.name, ind.code),
                "Bitte prüfen Sie Definition und Quelle und bestätigen Sie die Überprüfung.".to_string(),
            ];
            for recipient in ctx.recipients(ind) {
                let (text, html) = super::service::mail_bodies("Guten Tag,", &lines, "Zum Indikator", &url);
                mails.push(NewNotification {
                    recipient_id: recipient,
                    kind: NotificationKind::ReviewDue,
                    dedupe_key: review_key(ind.id, ind.next_review_at, recipient),
                    due_at: ind.review_reminder_at.unwrap_or(now),
                    subject: format!("Überprüfung fällig am {date}: {}", ind.name),
                    body_text: text,
                    body_html: Some(html),
                    link: Some(url.clone()),
                    cc: vec![],
                });
            }
        }
        enqueued += notifications::service::enqueue_many(&txn, mails, now).await?;
        txn.commit().await?;
        if (batch.len() as u64) < BATCH {
            break;
        }
    }
    Ok(enqueued)
}
