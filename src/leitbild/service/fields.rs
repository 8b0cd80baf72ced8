//! Fields of action of a draft: adding, editing, removing, ordering.

use super::*;

pub async fn add_field_of_action(
    state: &AppState,
    actor: &Actor,
    leitbild_id: Uuid,
    title: &str,
    description: &str,
) -> Result<field_of_action::Model> {
    actor.require(Permission::RunLeitbild)?;
    let (title, description) = (TITLE.required("title", title)?, LONG_TEXT.or_empty("description", description)?);
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    draft(&txn, leitbild_id).await?;
    let f = insert_field(&txn, leitbild_id, title, description, now).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "field_of_action.add",
            entity_type: "field_of_action",
            entity_id: Some(f.id),
            summary: format!("Handlungsfeld hinzugefügt: {}", f.title),
        },
    );
    txn.commit().await?;
    Ok(f)
}

pub async fn insert_field<C: ConnectionTrait>(
    txn: &C,
    leitbild_id: Uuid,
    title: String,
    description: String,
    now: DateTime<Utc>,
) -> Result<field_of_action::Model> {
    let last = field_of_action::Entity::find()
        .filter(field_of_action::Column::LeitbildId.eq(leitbild_id))
        .order_by_desc(field_of_action::Column::Position)
        .one(txn)
        .await?;
    Ok(field_of_action::ActiveModel {
        id: Set(Uuid::now_v7()),
        leitbild_id: Set(leitbild_id),
        position: Set(last.map_or(1, |l| l.position + 1)),
        title: Set(title),
        description: Set(description),
        removed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?)
}

pub async fn update_field_of_action(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    title: &str,
    description: &str,
) -> Result<field_of_action::Model> {
    actor.require(Permission::RunLeitbild)?;
    let (title, description) = (TITLE.required("title", title)?, LONG_TEXT.or_empty("description", description)?);
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let f = field_by_id(&txn, id).await?;
    draft(&txn, f.leitbild_id).await?;
    let f = amend_field(&txn, f, title, description, now).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "field_of_action.update",
            entity_type: "field_of_action",
            entity_id: Some(id),
            summary: format!("Handlungsfeld geändert: {}", f.title),
        },
    );
    txn.commit().await?;
    Ok(f)
}

pub async fn amend_field<C: ConnectionTrait>(
    txn: &C,
    f: field_of_action::Model,
    title: String,
    description: String,
    now: DateTime<Utc>,
) -> Result<field_of_action::Model> {
    let mut row = f.into_active_model();
    row.title = Set(title);
    row.description = Set(description);
    row.updated_at = Set(now);
    Ok(row.update(txn).await?)
}

/// Marks a field and its goals removed; rows stay for the record.
pub async fn remove_field<C: ConnectionTrait>(txn: &C, f: field_of_action::Model, now: DateTime<Utc>) -> Result<()> {
    goal::Entity::update_many()
        .col_expr(goal::Column::RemovedAt, sea_orm::sea_query::Expr::value(now))
        .filter(goal::Column::FieldOfActionId.eq(f.id))
        .filter(goal::Column::RemovedAt.is_null())
        .exec(txn)
        .await?;
    let mut row = f.into_active_model();
    row.removed_at = Set(Some(now));
    row.updated_at = Set(now);
    row.update(txn).await?;
    Ok(())
}

/// Sets the order of an edition's fields; `ordered_ids` must name each live field once.
pub async fn reorder_fields_of_action(
    state: &AppState,
    actor: &Actor,
    leitbild_id: Uuid,
    ordered_ids: Vec<Uuid>,
) -> Result<Vec<field_of_action::Model>> {
    actor.require(Permission::RunLeitbild)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    draft(&txn, leitbild_id).await?;
    let fields = live_fields(&txn, leitbild_id).await?;
    let mut wanted = ordered_ids.clone();
    wanted.sort();
    wanted.dedup();
    let mut have: Vec<Uuid> = fields.iter().map(|f| f.id).collect();
    have.sort();
    if wanted.len() != ordered_ids.len() || wanted != have {
        return Err(Error::validation("fieldOfActionIds", "must name every field of action of the edition once"));
    }
    let mut by_id: HashMap<Uuid, field_of_action::Model> = fields.into_iter().map(|f| (f.id, f)).collect();
    let mut out = Vec::with_capacity(ordered_ids.len());
    for (i, id) in ordered_ids.iter().enumerate() {
        let Some(f) = by_id.remove(id) else { continue };
        let position = i as i32 + 1;
        if f.position == position {
            out.push(f);
            continue;
        }
        let mut row = f.into_active_model();
        row.position = Set(position);
        row.updated_at = Set(now);
        out.push(row.update(&txn).await?);
    }
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "field_of_action.reorder",
            entity_type: "leitbild",
            entity_id: Some(leitbild_id),
            summary: "Reihenfolge der Handlungsfelder geändert".into(),
        },
    );
    txn.commit().await?;
    Ok(out)
}

pub async fn live_fields<C: ConnectionTrait>(db: &C, leitbild_id: Uuid) -> Result<Vec<field_of_action::Model>> {
    Ok(field_of_action::Entity::find()
        .filter(field_of_action::Column::LeitbildId.eq(leitbild_id))
        .filter(field_of_action::Column::RemovedAt.is_null())
        .order_by_asc(field_of_action::Column::Position)
        .all(db)
        .await?)
}
