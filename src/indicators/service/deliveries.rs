//! Data deliveries: requesting, confirming (in person or by signed link), accepting and returning them.

use super::*;
use crate::{
    change::Change,
    indicators::delivery_rules::{self, first_reminder},
};

/// A fresh request row, its first reminder at the 14-day stage (or now, when that has passed).
pub(crate) fn new_delivery_row(
    id: Uuid,
    ind: &indicator::Model,
    period: &str,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> delivery::ActiveModel {
    delivery::ActiveModel {
        id: Set(id),
        indicator_id: Set(ind.id),
        owner_id: Set(ind.owner_id),
        period: Set(period.to_string()),
        due_at: Set(due_at),
        status: Set(DeliveryStatus::Requested),
        next_reminder_at: Set(Some(first_reminder(due_at, now))),
        reminder_epoch: Set(0),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        // What is delivered later starts NULL and stays out of the INSERT: the scheduler
        // requests thousands of periods at once with half the parameters.
        ..Default::default()
    }
}

/// Inserts a request; `None` when the period was already requested (by anyone, any replica).
pub(super) async fn insert_delivery<C: ConnectionTrait>(
    db: &C,
    ind: &indicator::Model,
    period: &str,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<delivery::Model>> {
    let id = Uuid::now_v7();
    let inserted = delivery::Entity::insert(new_delivery_row(id, ind, period, due_at, now))
        .on_conflict(
            OnConflict::columns([delivery::Column::IndicatorId, delivery::Column::Period]).do_nothing().to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    Ok(delivery::Entity::find_by_id(id).one(db).await?)
}

/// Keeps the automatic schedule pointing at the latest requested period's due date.
pub(super) async fn follow_latest<C: ConnectionTrait>(
    db: &C,
    ind: &indicator::Model,
    due_at: DateTime<Utc>,
) -> Result<()> {
    let latest: Option<DateTime<Utc>> = delivery::Entity::find()
        .select_only()
        .column_as(delivery::Column::DueAt.max(), "m")
        .filter(delivery::Column::IndicatorId.eq(ind.id))
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let at = latest.unwrap_or(due_at).max(due_at);
    indicator::Entity::update_many()
        .col_expr(indicator::Column::NextAutoRequestAt, Expr::value(at))
        .filter(indicator::Column::Id.eq(ind.id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn request_delivery(
    state: &AppState,
    actor: &Actor,
    indicator_id: Uuid,
    period: &str,
    due_at: DateTime<Utc>,
) -> Result<delivery::Model> {
    actor.require(Permission::ManageIndicators)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let ind = indicator::Entity::find_by_id(indicator_id).one(&txn).await?.ok_or(Error::NotFound("indicator"))?;
    crate::indicators::computed::refuse_deliveries(&txn, ind.id).await?;
    let label = Period::parse(period, ind.periodicity)?.label(ind.periodicity);
    let Some(d) = insert_delivery(&txn, &ind, &label, due_at, now).await? else {
        return Err(Error::duplicate("period", format!("period {label} was already requested")));
    };
    follow_latest(&txn, &ind, due_at).await?;
    // A delivery requested late gets the reminder that is already due in this same transaction.
    let secret = crate::indicators::links::secret(&txn, state).await?;
    let ctx = reminders::Context::load(&txn, std::slice::from_ref(&ind)).await?;
    let (mails, next) = reminders::delivery_reminders(state, &ctx, &secret, &ind, &d, now);
    notifications::service::enqueue_many(&txn, mails, now).await?;
    let mut row = d.clone().into_active_model();
    row.next_reminder_at = Set(next);
    let d = row.update(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "delivery.request",
            entity_type: "delivery",
            entity_id: Some(d.id),
            summary: format!(
                "Datenlieferung {} für {} angefordert, fällig am {}",
                label,
                ind.code,
                timing::german_date(due_at)
            ),
        },
    );
    txn.commit().await?;
    Ok(d)
}

pub(super) async fn load_open_delivery<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<(delivery::Model, indicator::Model)> {
    let d = delivery::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("delivery"))?;
    let ind = indicator::Entity::find_by_id(d.indicator_id).one(db).await?.ok_or(Error::NotFound("indicator"))?;
    Ok((d, ind))
}

pub(super) fn wrong_status(d: &delivery::Model, wanted: &str) -> Error {
    delivery_rules::wrong_status(d.status, d.version, wanted)
}

/// The owner's confirmation: a value (→ `DELIVERED`, reminders cancelled at once) or "no new
/// data yet" with a reason and a new expected date (stays open, reminders count from there).
pub async fn confirm_delivery(
    state: &AppState,
    actor: &Actor,
    delivery_id: Uuid,
    confirmation: Confirmation,
    expected_version: Option<i32>,
) -> Result<delivery::Model> {
    Ok(confirm_as(state, Confirmer::Person(actor), delivery_id, confirmation, expected_version).await?.0)
}

/// [`confirm_delivery`] through the signed link of a reminder mail. The token must have been
/// signed for this very delivery and not have expired. Where the city requires a login
/// (`TEILHABE_SIGNED_LINK_LOGIN=required`) the visitor must be logged in and speak for the owning
/// organisation, as for `confirmDelivery`; where it does not, the valid token alone confirms
/// this one delivery on behalf of the owning organisation, and grants nothing else. Answers the
/// delivery with its indicator, which the link's view shows.
pub async fn confirm_delivery_by_link(
    state: &AppState,
    person: Option<&Actor>,
    delivery_id: Uuid,
    token: &str,
    confirmation: Confirmation,
    expected_version: Option<i32>,
) -> Result<(delivery::Model, indicator::Model)> {
    if login_required_for_links(state) && person.is_none() {
        return Err(Error::Unauthenticated);
    }
    let secret = crate::indicators::links::secret(&state.db, state).await?;
    if !crate::indicators::links::verify(&secret, delivery_id, token, state.now()) {
        return Err(Error::forbidden("the link is not valid for this delivery or has expired"));
    }
    confirm_as(state, Confirmer::SignedLink { person }, delivery_id, confirmation, expected_version).await
}

/// Whether the city's policy asks for a login behind the signed delivery link.
pub fn login_required_for_links(state: &AppState) -> bool {
    state.config.signed_link_login == crate::config::SignedLinkLogin::Required
}

pub(super) async fn confirm_as(
    state: &AppState,
    confirmer: Confirmer<'_>,
    delivery_id: Uuid,
    confirmation: Confirmation,
    expected_version: Option<i32>,
) -> Result<(delivery::Model, indicator::Model)> {
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let (d, ind) = load_open_delivery(&txn, delivery_id).await?;
    crate::indicators::computed::refuse_deliveries(&txn, ind.id).await?;
    let by = delivery_rules::who_confirms(confirmer, d.owner_id, login_required_for_links(state))?;
    let facts = delivery_rules::OpenDelivery {
        status: d.status,
        version: d.version,
        due_at: d.due_at,
        on_time: d.on_time,
        reminder_epoch: d.reminder_epoch,
        unit: &ind.unit,
    };
    let mut confirmed = delivery_rules::confirm(&facts, expected_version, confirmation, now)?;
    if let delivery_rules::Confirmed::Value { breakdown, .. } = &mut confirmed {
        crate::indicators::districts::resolve_cells(&txn, breakdown).await?;
    }
    if let delivery_rules::Confirmed::Value { definition_id: Some(def), .. } = &confirmed {
        crate::indicators::usage::check_definition(&txn, ind.id, *def).await?;
    }
    notifications::cancel_pending(&txn, &reminders::delivery_prefix(d.id)).await?;
    let summary = delivery_rules::summary(&confirmed, &d.period, &ind.code);
    let owner_id = d.owner_id;
    let mut row = d.into_active_model();
    row.version = Set(facts.version + 1);
    row.updated_at = Set(now);
    match confirmed {
        delivery_rules::Confirmed::Value { value, breakdown, note, definition_id, on_time } => {
            row.status = Set(DeliveryStatus::Delivered);
            row.value = Set(Some(value));
            row.breakdown =
                Set((!breakdown.is_empty()).then(|| serde_json::to_string(&breakdown).unwrap_or_else(|_| "[]".into())));
            row.note = Set(note);
            row.definition_id = Set(definition_id);
            row.delivered_by = Set(by);
            row.delivered_at = Set(Some(now));
            row.next_reminder_at = Set(None);
            if on_time.is_some() {
                row.on_time = Set(on_time);
            }
        }
        delivery_rules::Confirmed::NoNewData { reason, expected_at, reminder_epoch, next_reminder_at } => {
            row.no_data_reason = Set(Some(reason));
            row.expected_at = Set(Some(expected_at));
            row.reminder_epoch = Set(reminder_epoch);
            row.next_reminder_at = Set(Some(next_reminder_at));
        }
    }
    let summary = match (confirmer, by) {
        (Confirmer::SignedLink { .. }, None) => {
            let org = organization::Entity::find_by_id(owner_id).one(&txn).await?.map(|o| o.name).unwrap_or_default();
            format!("{summary} – über den signierten Link im Namen von „{org}“")
        }
        (Confirmer::SignedLink { .. }, Some(_)) => format!("{summary} – über den signierten Link"),
        (Confirmer::Person(_), _) => summary,
    };
    let updated = row.update(&txn).await?;
    txn.audit(
        by,
        AuditEntry { action: "delivery.confirm", entity_type: "delivery", entity_id: Some(updated.id), summary },
    );
    txn.commit().await?;
    Ok((updated, ind))
}

pub async fn accept_delivery(state: &AppState, actor: &Actor, delivery_id: Uuid) -> Result<delivery::Model> {
    actor.require(Permission::ManageIndicators)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let (d, ind) = load_open_delivery(&txn, delivery_id).await?;
    if d.status != DeliveryStatus::Delivered {
        return Err(wrong_status(&d, "delivered"));
    }
    let version = d.version + 1;
    let mut row = d.into_active_model();
    row.status = Set(DeliveryStatus::Accepted);
    row.accepted_by = Set(Some(actor.user_id));
    row.accepted_at = Set(Some(now));
    row.version = Set(version);
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "delivery.accept",
            entity_type: "delivery",
            entity_id: Some(updated.id),
            summary: format!("Datenlieferung {} für {} angenommen", updated.period, ind.code),
        },
    );
    txn.commit().await?;
    Ok(updated)
}

/// Sends a delivery back for correction; its reminders start again.
pub async fn return_delivery(
    state: &AppState,
    actor: &Actor,
    delivery_id: Uuid,
    reason: &str,
) -> Result<delivery::Model> {
    actor.require(Permission::ManageIndicators)?;
    let reason = Lines(2000).required("reason", reason)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let (d, ind) = load_open_delivery(&txn, delivery_id).await?;
    if d.status != DeliveryStatus::Delivered {
        return Err(wrong_status(&d, "delivered"));
    }
    let deliverer = d.delivered_by;
    let version = d.version + 1;
    let epoch = d.reminder_epoch + 1;
    let due = d.effective_due();
    let mut row = d.into_active_model();
    row.status = Set(DeliveryStatus::Returned);
    row.return_reason = Set(Some(reason.clone()));
    row.reminder_epoch = Set(epoch);
    row.next_reminder_at = Set(Some(first_reminder(due, now)));
    row.version = Set(version);
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    if let Some(to) = deliverer {
        let url = link(state, crate::notifications::links::Place::Delivery(updated.id));
        let text = crate::notifications::mailer::compose(
            "Guten Tag,",
            &[
                format!("Ihre Datenlieferung {} für „{}“ wurde zur Korrektur zurückgegeben.", updated.period, ind.name),
                format!("Begründung: {reason}"),
            ],
            "Zur Datenlieferung",
            &url,
        );
        notifications::service::enqueue_many(
            &txn,
            vec![NewNotification {
                recipient_id: to,
                kind: NotificationKind::DeliveryReturned,
                dedupe_key: format!("returned:{}:v{}", updated.id, updated.version),
                due_at: now,
                subject: format!("Datenlieferung {} zurückgegeben: {}", updated.period, ind.name),
                body_text: text,
                body_html: None,
                link: Some(url),
                cc: vec![],
            }],
            now,
        )
        .await?;
    }
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "delivery.return",
            entity_type: "delivery",
            entity_id: Some(updated.id),
            summary: format!("Datenlieferung {} für {} zurückgegeben", updated.period, ind.code),
        },
    );
    txn.commit().await?;
    Ok(updated)
}

/// Overdue: past the (expected) due date and not delivered.
pub fn is_overdue(d: &delivery::Model, now: DateTime<Utc>) -> bool {
    d.status.is_open() && d.effective_due() < now
}

/// Deliveries, bounded: the actor's own organisations' open ones first, then by due date.
pub async fn deliveries<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    status: Option<DeliveryStatus>,
    owner_id: Option<Uuid>,
    first: u64,
) -> Result<Vec<delivery::Model>> {
    let mut q = delivery::Entity::find();
    if let Some(s) = status {
        q = q.filter(delivery::Column::Status.eq(s));
    }
    if let Some(o) = owner_id {
        q = q.filter(delivery::Column::OwnerId.eq(o));
    }
    if !actor.organization_ids.is_empty() {
        let own_open = Condition::all()
            .add(delivery::Column::OwnerId.is_in(actor.organization_ids.iter().copied()))
            .add(delivery::Column::Status.is_in([DeliveryStatus::Requested, DeliveryStatus::Returned]));
        let own_first: Expr = Expr::case(own_open, 0).finally(1).into();
        q = q.order_by(own_first, Order::Asc);
    }
    Ok(q.order_by_asc(delivery::Column::DueAt)
        .order_by_asc(delivery::Column::Id)
        .limit(first.clamp(1, MAX_LIST))
        .all(db)
        .await?)
}

pub async fn delivery_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<delivery::Model>> {
    Ok(delivery::Entity::find_by_id(id).one(db).await?)
}

/// One accepted value of a series; `break_before` marks a changed definition.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesPoint {
    pub period: String,
    pub value: f64,
    pub definition_id: Option<Uuid>,
    pub break_before: bool,
}

/// The accepted values of an indicator in period order. Where the definition changes between
/// two periods the point carries a break, so that no line joins incomparable values.
pub async fn time_series<C: ConnectionTrait>(db: &C, ind: &indicator::Model) -> Result<Vec<SeriesPoint>> {
    let rows: Vec<delivery::Model> = delivery::Entity::find()
        .filter(delivery::Column::IndicatorId.eq(ind.id))
        .filter(delivery::Column::Status.eq(DeliveryStatus::Accepted))
        .all(db)
        .await?;
    Ok(series(rows, ind.periodicity))
}

/// The time series of an indicator's accepted deliveries (`rows`), in period order.
pub fn series(mut rows: Vec<delivery::Model>, periodicity: Periodicity) -> Vec<SeriesPoint> {
    rows.sort_by_key(|d| Period::parse(&d.period, periodicity).ok());
    let mut out: Vec<SeriesPoint> = Vec::with_capacity(rows.len());
    for d in rows {
        let Some(value) = d.value else { continue };
        let break_before = out.last().is_some_and(|p| p.definition_id != d.definition_id);
        out.push(SeriesPoint { period: d.period, value, definition_id: d.definition_id, break_before });
    }
    out
}

/// Share of a department's confirmed deliveries that came by their due date.
#[derive(Debug, Clone, PartialEq)]
pub struct OnTimeRate {
    pub organization_id: Uuid,
    pub confirmed: i64,
    pub on_time: i64,
}

pub async fn on_time_rates<C: ConnectionTrait>(db: &C, actor: &Actor) -> Result<Vec<OnTimeRate>> {
    actor.require(Permission::ManageIndicators)?;
    let rows: Vec<(Uuid, bool)> = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::OwnerId)
        .column(delivery::Column::OnTime)
        .filter(delivery::Column::OnTime.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut by_org: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for (org, on_time) in rows {
        let e = by_org.entry(org).or_default();
        e.0 += 1;
        e.1 += i64::from(on_time);
    }
    let mut out: Vec<OnTimeRate> = by_org
        .into_iter()
        .map(|(organization_id, (confirmed, on_time))| OnTimeRate { organization_id, confirmed, on_time })
        .collect();
    out.sort_by_key(|r| r.organization_id);
    Ok(out)
}

/// Members of an organisation, for mails when nobody is named responsible.
pub async fn members_of<C: ConnectionTrait>(db: &C, orgs: &[Uuid]) -> Result<HashMap<Uuid, Vec<Uuid>>> {
    let rows = membership::Entity::find()
        .filter(membership::Column::OrganizationId.is_in(orgs.iter().copied()))
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for m in rows {
        out.entry(m.organization_id).or_default().push(m.user_id);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_stay_between_zero_and_one_hundred() {
        assert!(check_value("value", "%", 0.0).is_ok());
        assert!(check_value("value", "Prozent", 100.0).is_ok());
        assert_eq!(check_value("value", "%", 100.5).unwrap_err().code(), "VALIDATION");
        assert_eq!(check_value("value", "%", -1.0).unwrap_err().code(), "VALIDATION");
        assert_eq!(check_value("value", "Anzahl", f64::NAN).unwrap_err().code(), "VALIDATION");
        assert!(check_value("value", "Anzahl", 12_345.0).is_ok());
    }

    #[test]
    fn codes_are_short_and_plain() {
        assert_eq!(clean_code(" BIL-3.1 ").unwrap(), "BIL-3.1");
        assert!(clean_code("").is_err());
        assert!(clean_code("mit leer").is_err());
        assert!(clean_code(&"x".repeat(41)).is_err());
    }
}
