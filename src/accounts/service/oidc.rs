//! Signing in by single sign-on: the person the provider vouched for is found by their subject or
//! verified email, or created with the role and organisations the group mapping gives them.

use super::*;
use crate::accounts::{
    entities::oidc_identity,
    oidc::{Identity, map_groups},
};

/// Whether the person has ever signed in by single sign-on.
pub async fn has_sso_identity<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<bool> {
    Ok(oidc_identity::Entity::find_by_id(user_id).one(db).await?.is_some())
}

/// Signs in the person behind `identity` (already verified by `accounts::oidc::finish`) and opens
/// a session like a password login. An account found by email is linked to the subject; one
/// linked to another subject, deactivated or erased is refused with `FORBIDDEN`.
pub async fn sign_in_with_oidc(state: &AppState, identity: &Identity) -> Result<LoggedIn> {
    let now = state.now();
    let email = text::email("email", &identity.email)?;
    let mut txn = Change::begin(&state.db, now).await?;
    let linked = oidc_identity::Entity::find()
        .filter(oidc_identity::Column::Issuer.eq(&identity.issuer))
        .filter(oidc_identity::Column::Subject.eq(&identity.subject))
        .one(&txn)
        .await?;
    let person = match linked {
        Some(link) => {
            let mut link = link.into_active_model();
            link.last_login_at = Set(now);
            let link = link.update(&txn).await?;
            user::Entity::find_by_id(link.user_id).one(&txn).await?.ok_or(Error::NotFound("user"))?
        }
        None => {
            let person = match user::Entity::find().filter(user::Column::Email.eq(&email)).one(&txn).await? {
                Some(existing) => {
                    if has_sso_identity(&txn, existing.id).await? {
                        return Err(Error::forbidden("the account is linked to another single sign-on identity"));
                    }
                    existing
                }
                None => create_sso_user(&mut txn, state, identity, &email).await?,
            };
            oidc_identity::ActiveModel {
                user_id: Set(person.id),
                issuer: Set(identity.issuer.clone()),
                subject: Set(identity.subject.clone()),
                created_at: Set(now),
                last_login_at: Set(now),
            }
            .insert(&txn)
            .await?;
            person
        }
    };
    if !person.active || person.erased_at.is_some() {
        return Err(Error::forbidden("the account is deactivated"));
    }
    let (token, expires_at) = open_session(&txn, state, person.id, now).await?;
    txn.audit(
        Some(person.id),
        AuditEntry {
            action: "session.login",
            entity_type: "user",
            entity_id: Some(person.id),
            summary: "Anmeldung per Single Sign-on".into(),
        },
    );
    txn.commit().await?;
    Ok(LoggedIn { token, expires_at, user: person })
}

/// A new person from the provider's claims: role and organisations from the group mapping, or a
/// member of no organisation until a coordinator assigns one. No password: they sign in by SSO.
async fn create_sso_user(txn: &mut Change, state: &AppState, identity: &Identity, email: &str) -> Result<user::Model> {
    let now = state.now();
    let local = email.split('@').next().unwrap_or(email);
    let name = identity
        .name
        .as_deref()
        .and_then(|n| text::NAME.required("name", n).ok())
        .or_else(|| text::NAME.required("name", local).ok())
        .unwrap_or_else(|| "Neue Person".into());
    let rules = state.config.oidc.as_ref().map(|c| c.group_map.as_slice()).unwrap_or_default();
    let (role, org_names) = map_groups(rules, &identity.groups).unwrap_or((Role::Member, Vec::new()));
    let mut organization_ids = Vec::new();
    for org_name in &org_names {
        match organization::Entity::find().filter(organization::Column::Name.eq(org_name)).one(&*txn).await? {
            Some(org) => organization_ids.push(org.id),
            None => tracing::warn!(organization = %org_name, "TEILHABE_OIDC_GROUP_MAP names an unknown organisation"),
        }
    }
    let person = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.to_string()),
        name: Set(name),
        password_hash: Set(None),
        role: Set(role),
        active: Set(true),
        erased_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    set_memberships(&*txn, person.id, &organization_ids).await?;
    txn.audit(
        Some(person.id),
        AuditEntry {
            action: "user.create",
            entity_type: "user",
            entity_id: Some(person.id),
            summary: format!(
                "Person per Single Sign-on angelegt (Rolle {:?}, {} Organisationen)",
                person.role,
                organization_ids.len()
            ),
        },
    );
    Ok(person)
}
