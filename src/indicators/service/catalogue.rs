//! The catalogue of indicators: creating and editing them, their owners and their reviews.

use super::*;
use crate::change::Change;

pub async fn create_indicator(state: &AppState, actor: &Actor, input: NewIndicator) -> Result<indicator::Model> {
    actor.require(Permission::ManageIndicators)?;
    let code = clean_code(&input.code)?;
    let name = Line(300).required("name", &input.name)?;
    let unit = Line(40).required("unit", &input.unit)?;
    let source_description = Lines(2000).required("sourceDescription", &input.source_description)?;
    if !(1..=120).contains(&input.review_interval_months) {
        return Err(Error::validation("reviewIntervalMonths", "between 1 and 120 months"));
    }
    if let Some(t) = input.target_value {
        check_value("targetValue", &unit, t)?;
    }
    if input.target_value.is_some() != input.target_direction.is_some() {
        return Err(Error::validation("targetDirection", "a target needs a value and a direction"));
    }
    if input.responsible_user_id.is_some() && input.responsible_user_id == input.deputy_user_id {
        return Err(Error::validation("deputyUserId", "the deputy must be another person"));
    }
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let org = org_exists(&txn, input.owner_id).await?;
    active_member(&txn, "responsibleUserId", input.responsible_user_id, org.id).await?;
    active_member(&txn, "deputyUserId", input.deputy_user_id, org.id).await?;
    if indicator::Entity::find().filter(indicator::Column::Code.eq(&code)).one(&txn).await?.is_some() {
        return Err(Error::duplicate("code", format!("an indicator with code {code} exists")));
    }
    let next_review_at = timing::add_months_local(now, input.review_interval_months as u32);
    let ind = indicator::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code),
        name: Set(name),
        unit: Set(unit),
        source_kind: Set(input.source_kind),
        source_description: Set(source_description),
        periodicity: Set(input.periodicity),
        target_value: Set(input.target_value),
        target_direction: Set(input.target_direction),
        owner_id: Set(org.id),
        responsible_user_id: Set(input.responsible_user_id),
        deputy_user_id: Set(input.deputy_user_id),
        review_interval_months: Set(input.review_interval_months),
        next_review_at: Set(next_review_at),
        review_reminder_at: Set(Some(timing::review_reminder_time(next_review_at))),
        next_auto_request_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    crate::indicators::usage::check_links(&txn, &input.goal_ids, &input.term_ids).await?;
    let goals: Vec<_> = dedup(&input.goal_ids)
        .into_iter()
        .map(|g| indicator_goal::ActiveModel { indicator_id: Set(ind.id), goal_id: Set(g) })
        .collect();
    if !goals.is_empty() {
        indicator_goal::Entity::insert_many(goals).exec_without_returning(&txn).await?;
    }
    let terms: Vec<_> = dedup(&input.term_ids)
        .into_iter()
        .map(|t| indicator_term::ActiveModel { indicator_id: Set(ind.id), term_id: Set(t) })
        .collect();
    if !terms.is_empty() {
        indicator_term::Entity::insert_many(terms).exec_without_returning(&txn).await?;
    }
    ownership::ActiveModel {
        id: Set(Uuid::now_v7()),
        indicator_id: Set(ind.id),
        owner_id: Set(ind.owner_id),
        responsible_user_id: Set(ind.responsible_user_id),
        deputy_user_id: Set(ind.deputy_user_id),
        assigned_by: Set(Some(actor.user_id)),
        from_at: Set(now),
        until_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let mails = owner_assigned_mails(&txn, state, &ind, now).await?;
    notifications::service::enqueue_many(&txn, mails, now).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "indicator.create",
            entity_type: "indicator",
            entity_id: Some(ind.id),
            summary: format!("Indikator {} „{}“ angelegt, datenhaltend: {}", ind.code, ind.name, org.name),
        },
    );
    txn.commit().await?;
    Ok(ind)
}

/// Hands an indicator to another organisation and person; the history keeps who had it when,
/// open deliveries move along, and the new responsible people are told.
pub async fn assign_owner(
    state: &AppState,
    actor: &Actor,
    indicator_id: Uuid,
    owner_id: Uuid,
    responsible_user_id: Option<Uuid>,
    deputy_user_id: Option<Uuid>,
    expected_version: Option<i32>,
) -> Result<indicator::Model> {
    actor.require(Permission::ManageIndicators)?;
    if responsible_user_id.is_some() && responsible_user_id == deputy_user_id {
        return Err(Error::validation("deputyUserId", "the deputy must be another person"));
    }
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let current = indicator::Entity::find_by_id(indicator_id).one(&txn).await?.ok_or(Error::NotFound("indicator"))?;
    stale(current.version, expected_version, "the indicator")?;
    let org = org_exists(&txn, owner_id).await?;
    active_member(&txn, "responsibleUserId", responsible_user_id, org.id).await?;
    active_member(&txn, "deputyUserId", deputy_user_id, org.id).await?;
    ownership::Entity::update_many()
        .col_expr(ownership::Column::UntilAt, Expr::value(now))
        .filter(ownership::Column::IndicatorId.eq(indicator_id))
        .filter(ownership::Column::UntilAt.is_null())
        .exec(&txn)
        .await?;
    ownership::ActiveModel {
        id: Set(Uuid::now_v7()),
        indicator_id: Set(indicator_id),
        owner_id: Set(owner_id),
        responsible_user_id: Set(responsible_user_id),
        deputy_user_id: Set(deputy_user_id),
        assigned_by: Set(Some(actor.user_id)),
        from_at: Set(now),
        until_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let version = current.version + 1;
    let mut row = current.into_active_model();
    row.owner_id = Set(owner_id);
    row.responsible_user_id = Set(responsible_user_id);
    row.deputy_user_id = Set(deputy_user_id);
    row.version = Set(version);
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    delivery::Entity::update_many()
        .col_expr(delivery::Column::OwnerId, Expr::value(owner_id))
        .filter(delivery::Column::IndicatorId.eq(indicator_id))
        .filter(delivery::Column::Status.is_in([DeliveryStatus::Requested, DeliveryStatus::Returned]))
        .exec(&txn)
        .await?;
    let mails = owner_assigned_mails(&txn, state, &updated, now).await?;
    notifications::service::enqueue_many(&txn, mails, now).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "indicator.assign_owner",
            entity_type: "indicator",
            entity_id: Some(indicator_id),
            summary: format!("Indikator {} an „{}“ übergeben", updated.code, org.name),
        },
    );
    txn.commit().await?;
    Ok(updated)
}

/// The owner checked definition and source: the next review is one interval from now.
pub async fn confirm_review(
    state: &AppState,
    actor: &Actor,
    indicator_id: Uuid,
    note: Option<String>,
    expected_version: Option<i32>,
) -> Result<indicator::Model> {
    let note = Lines(2000).optional("note", note.as_deref())?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let current = indicator::Entity::find_by_id(indicator_id).one(&txn).await?.ok_or(Error::NotFound("indicator"))?;
    if !may_act_for(actor, current.owner_id) {
        return Err(Error::forbidden("only the owning organisation or coordinators confirm a review"));
    }
    stale(current.version, expected_version, "the indicator")?;
    let next = timing::add_months_local(now, current.review_interval_months as u32);
    review::ActiveModel {
        id: Set(Uuid::now_v7()),
        indicator_id: Set(indicator_id),
        reviewed_by: Set(actor.user_id),
        note: Set(note),
        reviewed_at: Set(now),
        next_review_at: Set(next),
    }
    .insert(&txn)
    .await?;
    notifications::cancel_pending(&txn, &reminders::review_prefix(indicator_id)).await?;
    let version = current.version + 1;
    let mut row = current.into_active_model();
    row.next_review_at = Set(next);
    row.review_reminder_at = Set(Some(timing::review_reminder_time(next)));
    row.version = Set(version);
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "indicator.review",
            entity_type: "indicator",
            entity_id: Some(indicator_id),
            summary: format!("Überprüfung bestätigt, nächste am {}", timing::german_date(next)),
        },
    );
    txn.commit().await?;
    Ok(updated)
}

/// Any logged-in person reads indicators: the monitoring is open to all its participants.
pub async fn indicator_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<indicator::Model>> {
    Ok(indicator::Entity::find_by_id(id).one(db).await?)
}

/// Indicators, by code, optionally of one owner or one goal; bounded by [`MAX_LIST`].
pub async fn indicators<C: ConnectionTrait>(
    db: &C,
    owner_id: Option<Uuid>,
    goal_id: Option<Uuid>,
) -> Result<Vec<indicator::Model>> {
    let mut q = indicator::Entity::find();
    if let Some(o) = owner_id {
        q = q.filter(indicator::Column::OwnerId.eq(o));
    }
    if let Some(g) = goal_id {
        let ids: Vec<Uuid> = indicator_goal::Entity::find()
            .select_only()
            .column(indicator_goal::Column::IndicatorId)
            .filter(indicator_goal::Column::GoalId.eq(g))
            .into_tuple()
            .all(db)
            .await?;
        q = q.filter(indicator::Column::Id.is_in(ids));
    }
    Ok(q.order_by_asc(indicator::Column::Code).limit(MAX_LIST).all(db).await?)
}

pub async fn ownership_history<C: ConnectionTrait>(db: &C, indicator_id: Uuid) -> Result<Vec<ownership::Model>> {
    Ok(ownership::Entity::find()
        .filter(ownership::Column::IndicatorId.eq(indicator_id))
        .order_by_asc(ownership::Column::FromAt)
        .all(db)
        .await?)
}
