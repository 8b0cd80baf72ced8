//! Goals of a draft and their versions.

use super::*;

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

pub(super) async fn insert_version<C: ConnectionTrait>(
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
