//! Organisations and their sectors.

use super::*;
use crate::german::German as _;

pub async fn create_organization(
    state: &AppState,
    actor: &Actor,
    input: NewOrganization,
) -> Result<organization::Model> {
    actor.require(Permission::ManageOrganizations)?;
    let name = text::NAME.required("name", &input.name)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    if let Some(parent) = input.parent_id
        && organization::Entity::find_by_id(parent).one(&txn).await?.is_none()
    {
        return Err(Error::validation("parentId", "no such organisation"));
    }
    if organization::Entity::find().filter(organization::Column::Name.eq(&name)).one(&txn).await?.is_some() {
        return Err(Error::conflict(format!("an organisation named {name:?} exists")));
    }
    let org = organization::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        sector: Set(input.sector),
        parent_id: Set(input.parent_id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "organization.create",
            entity_type: "organization",
            entity_id: Some(org.id),
            summary: format!("Organisation „{}“ ({}) angelegt", org.name, org.sector.german()),
        },
    );
    txn.commit().await?;
    Ok(org)
}

pub async fn organizations<C: ConnectionTrait>(db: &C) -> Result<Vec<organization::Model>> {
    Ok(organization::Entity::find().order_by_asc(organization::Column::Name).all(db).await?)
}
