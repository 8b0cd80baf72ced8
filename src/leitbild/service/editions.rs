//! Editions of a Leitbild: a new draft copied from the adopted one, and adoption.

use super::*;

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
pub(super) async fn copy_content<C: ConnectionTrait>(
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
    // The new edition's monitoring covers the same fields as the one it was copied from.
    let scope: Vec<monitoring_scope::ActiveModel> = monitoring_scope::Entity::find()
        .filter(monitoring_scope::Column::LeitbildId.eq(from))
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|s| field_map.get(&s.field_of_action_id).copied())
        .map(|field| monitoring_scope::ActiveModel {
            field_of_action_id: Set(field),
            leitbild_id: Set(to),
            added_by: Set(Some(author)),
            added_at: Set(now),
        })
        .collect();
    if !scope.is_empty() {
        monitoring_scope::Entity::insert_many(scope).exec(txn).await?;
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

pub(super) async fn draft<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<leitbild::Model> {
    let lb = leitbild_by_id(db, id).await?;
    if lb.status != LeitbildStatus::Draft {
        return Err(Error::conflict("only a draft edition can be changed"));
    }
    Ok(lb)
}
