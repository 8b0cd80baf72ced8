//! People: creating, editing, deactivating them, and their memberships.

use super::*;
use crate::german::German as _;

pub(super) async fn check_organizations<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let found =
        organization::Entity::find().filter(organization::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    if found.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() {
        return Err(Error::validation("organizationIds", "unknown organisation"));
    }
    Ok(())
}

pub(super) async fn set_memberships<C: ConnectionTrait>(db: &C, user_id: Uuid, ids: &[Uuid]) -> Result<()> {
    membership::Entity::delete_many().filter(membership::Column::UserId.eq(user_id)).exec(db).await?;
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    if !unique.is_empty() {
        membership::Entity::insert_many(unique.into_iter().map(|organization_id| membership::ActiveModel {
            user_id: Set(user_id),
            organization_id: Set(organization_id),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

pub(super) async fn email_taken<C: ConnectionTrait>(db: &C, email: &str, except: Option<Uuid>) -> Result<bool> {
    let mut q = user::Entity::find().filter(user::Column::Email.eq(email));
    if let Some(id) = except {
        q = q.filter(user::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

/// Creates a person; `actor` is `None` only for the CLI and the first-admin bootstrap.
pub async fn create_user(state: &AppState, actor: Option<&Actor>, input: NewUser) -> Result<user::Model> {
    if let Some(a) = actor {
        a.require(Permission::ManageUsers)?;
        if !a.may_grant(input.role) {
            return Err(Error::forbidden("only admins create admins"));
        }
    }
    let email = text::email("email", &input.email)?;
    let name = text::NAME.required("name", &input.name)?;
    check_password(&input.password)?;
    let hash = state.hasher.hash(input.password).await?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    check_organizations(&txn, &input.organization_ids).await?;
    if email_taken(&txn, &email, None).await? {
        return Err(Error::Conflict { message: "email already in use".into(), details: None });
    }
    let u = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        name: Set(name),
        password_hash: Set(Some(hash)),
        role: Set(input.role),
        active: Set(true),
        erased_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    set_memberships(&txn, u.id, &input.organization_ids).await?;
    txn.audit(
        actor.map(|a| a.user_id),
        AuditEntry {
            action: "user.create",
            entity_type: "user",
            entity_id: Some(u.id),
            summary: format!(
                "Person angelegt (Rolle {}, {})",
                u.role.german(),
                crate::german::count(input.organization_ids.len(), "Organisation", "Organisationen")
            ),
        },
    );
    txn.commit().await?;
    Ok(u)
}

pub async fn update_user(state: &AppState, actor: &Actor, id: Uuid, changes: UserChanges) -> Result<user::Model> {
    let is_self = actor.user_id == id;
    let manages = actor.can(Permission::ManageUsers);
    if !is_self && !manages {
        return Err(Error::forbidden("you may only change your own profile"));
    }
    if !manages && (changes.role.is_some() || changes.organization_ids.is_some()) {
        return Err(Error::forbidden("role and memberships are changed by coordinators"));
    }
    let email = changes.email.as_deref().map(|e| text::email("email", e)).transpose()?;
    let name = changes.name.as_deref().map(|n| text::NAME.required("name", n)).transpose()?;
    if let Some(p) = &changes.password {
        if !is_self {
            return Err(Error::forbidden("only the person themselves sets a new password"));
        }
        check_password(p)?;
    }
    let hash = match changes.password {
        Some(p) => {
            check_current_password(state, id, changes.current_password).await?;
            Some(state.hasher.hash(p).await?)
        }
        None => None,
    };
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let current = user::Entity::find_by_id(id).one(&txn).await?.ok_or(Error::NotFound("user"))?;
    if current.erased_at.is_some() {
        return Err(Error::validation("id", "this person was erased"));
    }
    // Coordinators may not touch admins nor grant roles above their own.
    if current.role == Role::Admin && !is_self && actor.role != Role::Admin {
        return Err(Error::forbidden("only admins change admins"));
    }
    if changes.role.is_some_and(|role| !actor.may_grant(role)) {
        return Err(Error::forbidden("only admins create admins"));
    }
    let mut what = Vec::new();
    let mut row = current.clone().into_active_model();
    if let Some(e) = email {
        if email_taken(&txn, &e, Some(id)).await? {
            return Err(Error::conflict("email already in use"));
        }
        what.push("E-Mail");
        row.email = Set(e);
    }
    if let Some(n) = name {
        what.push("Name");
        row.name = Set(n);
    }
    if let Some(r) = changes.role {
        what.push("Rolle");
        row.role = Set(r);
    }
    let password_changed = hash.is_some();
    if let Some(h) = hash {
        what.push("Passwort");
        row.password_hash = Set(Some(h));
        // Whoever else was logged in with the old password is logged out.
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .filter(session::Column::Id.ne(actor.session_id))
            .exec(&txn)
            .await?;
    }
    if let Some(ids) = &changes.organization_ids {
        check_organizations(&txn, ids).await?;
        set_memberships(&txn, id, ids).await?;
        what.push("Organisationen");
    }
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "user.update",
            entity_type: "user",
            entity_id: Some(id),
            summary: format!("Person geändert: {}", if what.is_empty() { "nichts".into() } else { what.join(", ") }),
        },
    );
    txn.commit().await?;
    if password_changed || changes.role.is_some() || changes.organization_ids.is_some() {
        announce_user_changed(state, id).await;
    }
    Ok(updated)
}

/// The person's current password, checked like a login: counted against the same lock, so
/// that a session left open cannot be used to guess it.
pub(super) async fn check_current_password(state: &AppState, id: Uuid, given: Option<String>) -> Result<()> {
    let Some(given) = given.filter(|p| !p.is_empty()) else {
        return Err(Error::validation("currentPassword", "give your current password to set a new one"));
    };
    let me = user::Entity::find_by_id(id).one(&state.db).await?.ok_or(Error::NotFound("user"))?;
    let key = hash_token(&me.email);
    let Some(attempt) = count_attempt(state, &key, state.now()).await? else {
        return Err(Error::Limit("too many failed password checks; try again later".into()));
    };
    if !state.hasher.verify(given, me.password_hash).await? {
        return Err(Error::validation("currentPassword", "the current password is not right"));
    }
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::EmailKey.eq(key))
        .filter(login_throttle::Column::Failures.lte(attempt))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// A deactivated person cannot log in; their contributions stay attributed to them.
pub async fn set_active(state: &AppState, actor: &Actor, id: Uuid, active: bool) -> Result<user::Model> {
    actor.require(Permission::ManageUsers)?;
    if id == actor.user_id && !active {
        return Err(Error::validation("id", "you cannot deactivate yourself"));
    }
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let current = user::Entity::find_by_id(id).one(&txn).await?.ok_or(Error::NotFound("user"))?;
    if current.role == Role::Admin && actor.role != Role::Admin {
        return Err(Error::forbidden("only admins change admins"));
    }
    if current.erased_at.is_some() && active {
        return Err(Error::validation("id", "an erased person cannot be reactivated"));
    }
    let mut row = current.into_active_model();
    row.active = Set(active);
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    if !active {
        session::Entity::delete_many().filter(session::Column::UserId.eq(id)).exec(&txn).await?;
    }
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: if active { "user.reactivate" } else { "user.deactivate" },
            entity_type: "user",
            entity_id: Some(id),
            summary: if active { "Person reaktiviert".into() } else { "Person deaktiviert".into() },
        },
    );
    txn.commit().await?;
    announce_user_changed(state, id).await;
    Ok(updated)
}

pub async fn users<C: ConnectionTrait>(db: &C, actor: &Actor) -> Result<Vec<user::Model>> {
    actor.require(Permission::ManageUsers)?;
    Ok(user::Entity::find().order_by_asc(user::Column::Name).all(db).await?)
}

pub async fn user_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<user::Model> {
    user::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("user"))
}

/// Everything stored about the actor, as one JSON document (GDPR Art. 15).
pub async fn export_personal_data(state: &AppState, actor: &Actor) -> Result<serde_json::Value> {
    let me = user_by_id(&state.db, actor.user_id).await?;
    let orgs = organization::Entity::find()
        .filter(organization::Column::Id.is_in(actor.organization_ids.iter().copied()))
        .all(&state.db)
        .await?;
    let sessions = session::Entity::find().filter(session::Column::UserId.eq(me.id)).all(&state.db).await?;
    let events = audit::service::by_actor(&state.db, me.id).await?;
    Ok(serde_json::json!({
        "exportedAt": state.now(),
        "person": {
            "id": me.id, "email": me.email, "name": me.name, "role": me.role,
            "active": me.active, "createdAt": me.created_at, "updatedAt": me.updated_at,
        },
        "organizations": orgs,
        "sessions": sessions.iter().map(|s| serde_json::json!({"createdAt": s.created_at, "expiresAt": s.expires_at})).collect::<Vec<_>>(),
        "auditEvents": events.iter().map(|e| serde_json::json!({
            "action": e.action, "entityType": e.entity_type, "entityId": e.entity_id,
            "summary": e.summary, "at": e.created_at,
        })).collect::<Vec<_>>(),
    }))
}

/// On start: create the configured admin when nobody exists yet.
pub async fn ensure_first_admin(state: &AppState) -> Result<Option<user::Model>> {
    let (Some(email), Some(password)) = (state.config.admin_email.clone(), state.config.admin_password.clone()) else {
        return Ok(None);
    };
    if user::Entity::find().one(&state.db).await?.is_some() {
        return Ok(None);
    }
    let name = email.split('@').next().unwrap_or("Admin").to_string();
    create_user(state, None, NewUser { email, name, password, role: Role::Admin, organization_ids: vec![] })
        .await
        .map(Some)
}

/// Resolves once `actor`'s session has ended or lost rights, so that its WebSocket can be
/// closed: at once on an announced change, and within a minute on expiry.
pub async fn until_session_ends(state: AppState, actor: Actor) {
    let mut rx = state.live.subscribe();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        let check = tokio::select! {
            event = rx.recv() => match event {
                Ok(LiveEvent::UserChanged { user_id }) => user_id == actor.user_id,
                Ok(_) => false,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => true,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return std::future::pending().await,
            },
            _ = tick.tick() => true,
        };
        if check && !still_entitled(&state, &actor).await {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_twelve_characters() {
        assert!(check_password("kurz").is_err());
        assert!(check_password("lang-genug-123").is_ok());
    }

    #[test]
    fn lockout_doubles_and_caps() {
        assert_eq!(lock_after(4), None);
        assert_eq!(lock_after(5), Some(Duration::minutes(1)));
        assert_eq!(lock_after(6), Some(Duration::minutes(2)));
        assert_eq!(lock_after(8), Some(Duration::minutes(8)));
        assert_eq!(lock_after(50), Some(Duration::minutes(60)));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }
}
