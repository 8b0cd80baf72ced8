//! The monitoring's scope: which fields of action of an edition the monitoring covers so far. A
//! city starts with one field and adds more; an empty scope covers every field, so that editions
//! that never set one behave as before.

use std::collections::HashSet;

use super::*;

/// Whether `field` lies in `scope`; an empty scope covers every field.
pub fn in_scope(scope: &HashSet<Uuid>, field: Uuid) -> bool {
    scope.is_empty() || scope.contains(&field)
}

/// The fields of action of the edition the monitoring covers, in the edition's order; empty when
/// it covers all of them.
pub async fn monitoring_scope<C: ConnectionTrait>(db: &C, leitbild_id: Uuid) -> Result<Vec<Uuid>> {
    let rows =
        monitoring_scope::Entity::find().filter(monitoring_scope::Column::LeitbildId.eq(leitbild_id)).all(db).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let chosen: HashSet<Uuid> = rows.into_iter().map(|r| r.field_of_action_id).collect();
    Ok(live_fields(db, leitbild_id).await?.into_iter().map(|f| f.id).filter(|id| chosen.contains(id)).collect())
}

/// Sets the fields the monitoring covers (an empty list: all fields). Allowed on any edition,
/// adopted ones included, since the scope grows while an edition is in force.
pub async fn set_monitoring_scope(
    state: &AppState,
    actor: &Actor,
    leitbild_id: Uuid,
    field_ids: Vec<Uuid>,
) -> Result<Vec<Uuid>> {
    actor.require(Permission::PublishReports)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let lb = leitbild_by_id(&txn, leitbild_id).await?;
    let fields = live_fields(&txn, leitbild_id).await?;
    let wanted: HashSet<Uuid> = field_ids.iter().copied().collect();
    let known: HashSet<Uuid> = fields.iter().map(|f| f.id).collect();
    if !wanted.is_subset(&known) {
        return Err(Error::validation("fieldOfActionIds", "must name fields of action of this edition"));
    }
    monitoring_scope::Entity::delete_many()
        .filter(monitoring_scope::Column::LeitbildId.eq(leitbild_id))
        .exec(&txn)
        .await?;
    let chosen: Vec<&field_of_action::Model> = fields.iter().filter(|f| wanted.contains(&f.id)).collect();
    // Every field chosen is the same as none: store nothing, so that fields added later are covered too.
    if chosen.len() < fields.len() && !chosen.is_empty() {
        monitoring_scope::Entity::insert_many(chosen.iter().map(|f| monitoring_scope::ActiveModel {
            field_of_action_id: Set(f.id),
            leitbild_id: Set(leitbild_id),
            added_by: Set(Some(actor.user_id)),
            added_at: Set(now),
        }))
        .exec(&txn)
        .await?;
    }
    let covered: Vec<Uuid> =
        if chosen.len() < fields.len() { chosen.iter().map(|f| f.id).collect() } else { Vec::new() };
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "leitbild.monitoring_scope",
            entity_type: "leitbild",
            entity_id: Some(leitbild_id),
            summary: scope_summary(
                &lb.title,
                &chosen.iter().map(|f| f.title.as_str()).collect::<Vec<_>>(),
                fields.len(),
            ),
        },
    );
    txn.commit().await?;
    Ok(covered)
}

/// The audit line: which fields, of how many.
fn scope_summary(edition: &str, chosen: &[&str], total: usize) -> String {
    if chosen.is_empty() || chosen.len() >= total {
        format!("Monitoring von „{edition}“ umfasst alle Handlungsfelder")
    } else {
        format!(
            "Monitoring von „{edition}“ umfasst {} von {total} Handlungsfeldern: {}",
            chosen.len(),
            chosen.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_scope_covers_every_field() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert!(in_scope(&HashSet::new(), a));
        let only_a: HashSet<Uuid> = [a].into();
        assert!(in_scope(&only_a, a));
        assert!(!in_scope(&only_a, b));
    }

    #[test]
    fn the_audit_line_names_the_fields_or_all() {
        assert_eq!(scope_summary("LB", &[], 3), "Monitoring von „LB“ umfasst alle Handlungsfelder");
        assert_eq!(scope_summary("LB", &["A", "B", "C"], 3), "Monitoring von „LB“ umfasst alle Handlungsfelder");
        assert_eq!(scope_summary("LB", &["A"], 3), "Monitoring von „LB“ umfasst 1 von 3 Handlungsfeldern: A");
    }
}
