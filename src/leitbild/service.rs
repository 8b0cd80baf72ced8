//! The rules of Leitbild editions: creating (as a copy of the adopted one), editing the draft,
//! goal text versions with optimistic locking, and adoption.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::diff::{DiffSegment, word_diff};

use super::entities::{LeitbildStatus, field_of_action, goal, goal_version, leitbild};
use crate::{
    accounts::policy::{Actor, Permission},
    audit::{self, AuditEntry},
    change::Change,
    error::{Error, Result},
    state::AppState,
    text::{LONG_TEXT, TITLE},
};

pub struct NewLeitbild {
    pub title: String,
    pub year: i32,
    pub based_on_id: Option<Uuid>,
}

// ---- reading ----------------------------------------------------------------------------

/// Every edition, newest year first; any logged-in person reads them.
pub async fn leitbilder<C: ConnectionTrait>(db: &C) -> Result<Vec<leitbild::Model>> {
    Ok(leitbild::Entity::find()
        .order_by_desc(leitbild::Column::Year)
        .order_by_desc(leitbild::Column::CreatedAt)
        .all(db)
        .await?)
}

pub async fn leitbild_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<leitbild::Model> {
    leitbild::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("leitbild"))
}

pub async fn field_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<field_of_action::Model> {
    field_of_action::Entity::find_by_id(id)
        .filter(field_of_action::Column::RemovedAt.is_null())
        .one(db)
        .await?
        .ok_or(Error::NotFound("field of action"))
}

pub async fn goal_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<goal::Model> {
    goal::Entity::find_by_id(id).filter(goal::Column::RemovedAt.is_null()).one(db).await?.ok_or(Error::NotFound("goal"))
}

/// The edition a goal belongs to, via its field of action.
pub async fn leitbild_of_goal<C: ConnectionTrait>(db: &C, g: &goal::Model) -> Result<leitbild::Model> {
    let f = field_of_action::Entity::find_by_id(g.field_of_action_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("field of action"))?;
    leitbild_by_id(db, f.leitbild_id).await
}

pub async fn goal_versions<C: ConnectionTrait>(db: &C, goal_id: Uuid) -> Result<Vec<goal_version::Model>> {
    Ok(goal_version::Entity::find()
        .filter(goal_version::Column::GoalId.eq(goal_id))
        .order_by_asc(goal_version::Column::Version)
        .all(db)
        .await?)
}

/// The text of a goal version as one string: the title, a blank line, the description.
pub fn goal_text(title: &str, description: &str) -> String {
    if description.is_empty() { title.to_string() } else { format!("{title}\n\n{description}") }
}

/// The word-level difference from version `from` to version `to` of a goal.
pub async fn goal_diff<C: ConnectionTrait>(db: &C, goal_id: Uuid, from: i32, to: i32) -> Result<Vec<DiffSegment>> {
    let versions = goal_version::Entity::find()
        .filter(goal_version::Column::GoalId.eq(goal_id))
        .filter(goal_version::Column::Version.is_in([from, to]))
        .all(db)
        .await?;
    let find = |v: i32, field: &str| {
        versions
            .iter()
            .find(|m| m.version == v)
            .ok_or_else(|| Error::validation(field, format!("the goal has no version {v}")))
    };
    let (a, b) = (find(from, "fromVersion")?, find(to, "toVersion")?);
    Ok(word_diff(&goal_text(&a.title, &a.description), &goal_text(&b.title, &b.description)))
}

// ---- editions ---------------------------------------------------------------------------

pub async fn create_leitbild(state: &AppState, actor: &Actor, input: NewLeitbild) -> Result<leitbild::Model> {
    actor.require(Permission::RunLeitbild)?;
    let title = TITLE.required("title", &input.title)?;
    if !(1900..=2200).contains(&input.year) {
        return Err(Error::validation("year", "not a plausible year"));
    }
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    if let Some(base_id) = input.based_on_id {
        let base =
            leitbild_by_id(&txn, base_id).await.map_err(|_| Error::validation("basedOnId", "no such edition"))?;
        if base.status != LeitbildStatus::Adopted {
            return Err(Error::validation("basedOnId", "a new edition starts from the adopted one"));
        }
    }
    let row = leitbild::ActiveModel {
        id: Set(Uuid::now_v7()),
        title: Set(title.clone()),
        year: Set(input.year),
        status: Set(LeitbildStatus::Draft),
        based_on_id: Set(input.based_on_id),
        adopted_at: Set(None),
        resolution_reference: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let copied = match input.based_on_id {
        Some(base) => copy_content(&txn, base, row.id, actor.user_id, now).await?,
        None => (0, 0),
    };
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "leitbild.create",
            entity_type: "leitbild",
            entity_id: Some(row.id),
            summary: match input.based_on_id {
                Some(_) => format!(
                    "Leitbild {title} ({}) angelegt als Kopie: {} Handlungsfelder, {} Ziele",
                    input.year, copied.0, copied.1
                ),
                None => format!("Leitbild {title} ({}) angelegt", input.year),
            },
        },
    );
    txn.commit().await?;
    Ok(row)
}

/// Copies the live fields of action and goals of `from` into `to`, keeping order and nesting.
/// Each copied goal starts its own history at version 1 with the copied text.
async fn copy_content<C: ConnectionTrait>(
    txn: &C,
    from: Uuid,
    to: Uuid,
    author: Uuid,
    now: DateTime<Utc>,
) -> Result<(usize, usize)> {
    let fields = field_of_action::Entity::find()
        .filter(field_of_action::Column::LeitbildId.eq(from))
        .filter(field_of_action::Column::RemovedAt.is_null())
        .order_by_asc(field_of_action::Column::Position)
        .all(txn)
        .await?;
    let goals = goal::Entity::find()
        .filter(goal::Column::FieldOfActionId.is_in(fields.iter().map(|f| f.id)))
        .filter(goal::Column::RemovedAt.is_null())
        .order_by_asc(goal::Column::Position)
        .all(txn)
        .await?;
    let mut field_map = HashMap::new();
    let mut new_fields = Vec::with_capacity(fields.len());
    for f in &fields {
        let id = Uuid::now_v7();
        field_map.insert(f.id, id);
        new_fields.push(field_of_action::ActiveModel {
            id: Set(id),
            leitbild_id: Set(to),
            position: Set(f.position),
            title: Set(f.title.clone()),
            description: Set(f.description.clone()),
            removed_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
    }
    let goal_map: HashMap<Uuid, Uuid> = goals.iter().map(|g| (g.id, Uuid::now_v7())).collect();
    // Parents first, so that the self-referencing foreign key holds on every insert.
    let mut ordered: Vec<&goal::Model> = goals.iter().filter(|g| g.parent_goal_id.is_none()).collect();
    ordered.extend(goals.iter().filter(|g| g.parent_goal_id.is_some()));
    let mut new_goals = Vec::with_capacity(goals.len());
    let mut versions = Vec::with_capacity(goals.len());
    for g in ordered {
        let (Some(&id), Some(&field)) = (goal_map.get(&g.id), field_map.get(&g.field_of_action_id)) else {
            continue;
        };
        let parent = match g.parent_goal_id {
            Some(p) => match goal_map.get(&p) {
                Some(&np) => Some(np),
                None => continue,
            },
            None => None,
        };
        new_goals.push(goal::ActiveModel {
            id: Set(id),
            field_of_action_id: Set(field),
            parent_goal_id: Set(parent),
            position: Set(g.position),
            title: Set(g.title.clone()),
            description: Set(g.description.clone()),
            version: Set(1),
            removed_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        versions.push(goal_version::ActiveModel {
            id: Set(Uuid::now_v7()),
            goal_id: Set(id),
            version: Set(1),
            title: Set(g.title.clone()),
            description: Set(g.description.clone()),
            author_id: Set(Some(author)),
            proposal_id: Set(None),
            created_at: Set(now),
        });
    }
    let (nf, ng) = (new_fields.len(), new_goals.len());
    for chunk in new_fields.chunks(500) {
        field_of_action::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    for chunk in new_goals.chunks(500) {
        goal::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    for chunk in versions.chunks(500) {
        goal_version::Entity::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    Ok((nf, ng))
}

/// Adopts `lb` and archives every other adopted edition (its predecessor), in the caller's
/// transaction.
pub async fn adopt_in<C: ConnectionTrait>(
    txn: &C,
    lb: leitbild::Model,
    now: DateTime<Utc>,
    reference: Option<String>,
    actor: Option<Uuid>,
) -> Result<leitbild::Model> {
    if lb.status != LeitbildStatus::Draft {
        return Err(Error::conflict("only a draft can be adopted"));
    }
    let previous = leitbild::Entity::find()
        .filter(leitbild::Column::Status.eq(LeitbildStatus::Adopted))
        .filter(leitbild::Column::Id.ne(lb.id))
        .all(txn)
        .await?;
    for p in previous {
        let pid = p.id;
        let mut row = p.into_active_model();
        row.status = Set(LeitbildStatus::Archived);
        row.updated_at = Set(now);
        row.update(txn).await?;
        audit::record(
            txn,
            now,
            actor,
            AuditEntry {
                action: "leitbild.archive",
                entity_type: "leitbild",
                entity_id: Some(pid),
                summary: "Leitbild archiviert (Nachfolger beschlossen)".into(),
            },
        )
        .await?;
    }
    let id = lb.id;
    let mut row = lb.into_active_model();
    row.status = Set(LeitbildStatus::Adopted);
    row.adopted_at = Set(Some(now));
    row.resolution_reference = Set(reference.clone());
    row.updated_at = Set(now);
    let adopted = row.update(txn).await?;
    audit::record(
        txn,
        now,
        actor,
        AuditEntry {
            action: "leitbild.adopt",
            entity_type: "leitbild",
            entity_id: Some(id),
            summary: match reference {
                Some(r) => format!("Leitbild beschlossen ({r})"),
                None => "Leitbild beschlossen".into(),
            },
        },
    )
    .await?;
    Ok(adopted)
}

async fn draft<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<leitbild::Model> {
    let lb = leitbild_by_id(db, id).await?;
    if lb.status != LeitbildStatus::Draft {
        return Err(Error::conflict("only a draft edition can be changed"));
    }
    Ok(lb)
}

// ---- fields of action -------------------------------------------------------------------

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

// ---- goals ------------------------------------------------------------------------------

pub struct NewGoal {
    pub field_of_action_id: Uuid,
    pub parent_goal_id: Option<Uuid>,
    pub title: String,
    pub description: String,
}

pub async fn add_goal(state: &AppState, actor: &Actor, input: NewGoal) -> Result<goal::Model> {
    actor.require(Permission::RunLeitbild)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let f = field_by_id(&txn, input.field_of_action_id).await?;
    draft(&txn, f.leitbild_id).await?;
    let g = insert_goal(&txn, input, Some(actor.user_id), None, now).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "goal.add",
            entity_type: "goal",
            entity_id: Some(g.id),
            summary: format!("Ziel hinzugefügt: {}", g.title),
        },
    );
    txn.commit().await?;
    Ok(g)
}

/// Inserts a goal with its first version; sub-goals nest one level under a goal of the same field.
pub async fn insert_goal<C: ConnectionTrait>(
    txn: &C,
    input: NewGoal,
    author: Option<Uuid>,
    proposal: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<goal::Model> {
    let title = TITLE.required("title", &input.title)?;
    let description = LONG_TEXT.or_empty("description", &input.description)?;
    if let Some(pid) = input.parent_goal_id {
        let parent = goal_by_id(txn, pid).await.map_err(|_| Error::validation("parentGoalId", "no such goal"))?;
        if parent.field_of_action_id != input.field_of_action_id {
            return Err(Error::validation("parentGoalId", "the parent goal belongs to another field of action"));
        }
        if parent.parent_goal_id.is_some() {
            return Err(Error::validation("parentGoalId", "sub-goals nest one level only"));
        }
    }
    let last = goal::Entity::find()
        .filter(goal::Column::FieldOfActionId.eq(input.field_of_action_id))
        .filter(match input.parent_goal_id {
            Some(p) => goal::Column::ParentGoalId.eq(p),
            None => goal::Column::ParentGoalId.is_null(),
        })
        .order_by_desc(goal::Column::Position)
        .one(txn)
        .await?;
    let g = goal::ActiveModel {
        id: Set(Uuid::now_v7()),
        field_of_action_id: Set(input.field_of_action_id),
        parent_goal_id: Set(input.parent_goal_id),
        position: Set(last.map_or(1, |l| l.position + 1)),
        title: Set(title),
        description: Set(description),
        version: Set(1),
        removed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    insert_version(txn, &g, author, proposal, now).await?;
    Ok(g)
}

async fn insert_version<C: ConnectionTrait>(
    txn: &C,
    g: &goal::Model,
    author: Option<Uuid>,
    proposal: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    goal_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        goal_id: Set(g.id),
        version: Set(g.version),
        title: Set(g.title.clone()),
        description: Set(g.description.clone()),
        author_id: Set(author),
        proposal_id: Set(proposal),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

pub struct GoalEdit {
    pub goal_id: Uuid,
    pub title: String,
    pub description: String,
    pub expected_version: i32,
}

/// Changes a goal's text; a stale `expected_version` is a CONFLICT carrying the current text.
pub async fn update_goal(state: &AppState, actor: &Actor, edit: GoalEdit) -> Result<goal::Model> {
    actor.require(Permission::RunLeitbild)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let g = goal_by_id(&txn, edit.goal_id).await?;
    draft(&txn, leitbild_of_goal(&txn, &g).await?.id).await?;
    let updated = amend_goal(
        &txn,
        g,
        &edit.title,
        &edit.description,
        Some(edit.expected_version),
        Some(actor.user_id),
        None,
        now,
    )
    .await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "goal.update",
            entity_type: "goal",
            entity_id: Some(updated.id),
            summary: format!("Ziel geändert (Version {}): {}", updated.version, updated.title),
        },
    );
    txn.commit().await?;
    Ok(updated)
}

/// Writes a new version of a goal. The version bump is a conditional UPDATE on the version the
/// caller read, so two concurrent edits cannot both win.
#[allow(clippy::too_many_arguments)]
pub async fn amend_goal<C: ConnectionTrait>(
    txn: &C,
    g: goal::Model,
    title: &str,
    description: &str,
    expected_version: Option<i32>,
    author: Option<Uuid>,
    proposal: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<goal::Model> {
    let title = TITLE.required("title", title)?;
    let description = LONG_TEXT.or_empty("description", description)?;
    let stale = |current: &goal::Model| Error::Conflict {
        message: format!("the goal was changed meanwhile; it is at version {}", current.version),
        details: Some(serde_json::json!({
            "currentVersion": current.version,
            "title": current.title,
            "description": current.description,
        })),
    };
    if expected_version.is_some_and(|v| v != g.version) {
        return Err(stale(&g));
    }
    let next = g.version + 1;
    let res = goal::Entity::update_many()
        .col_expr(goal::Column::Title, sea_orm::sea_query::Expr::value(title.clone()))
        .col_expr(goal::Column::Description, sea_orm::sea_query::Expr::value(description.clone()))
        .col_expr(goal::Column::Version, sea_orm::sea_query::Expr::value(next))
        .col_expr(goal::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(goal::Column::Id.eq(g.id))
        .filter(goal::Column::Version.eq(g.version))
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        let current = goal_by_id(txn, g.id).await?;
        return Err(stale(&current));
    }
    let updated = goal::Model { title, description, version: next, updated_at: now, ..g };
    insert_version(txn, &updated, author, proposal, now).await?;
    Ok(updated)
}

/// Marks a goal (and its sub-goals) removed; the rows and their history stay.
pub async fn remove_goal<C: ConnectionTrait>(txn: &C, g: goal::Model, now: DateTime<Utc>) -> Result<()> {
    goal::Entity::update_many()
        .col_expr(goal::Column::RemovedAt, sea_orm::sea_query::Expr::value(now))
        .filter(goal::Column::ParentGoalId.eq(g.id))
        .filter(goal::Column::RemovedAt.is_null())
        .exec(txn)
        .await?;
    let mut row = g.into_active_model();
    row.removed_at = Set(Some(now));
    row.updated_at = Set(now);
    row.update(txn).await?;
    Ok(())
}
