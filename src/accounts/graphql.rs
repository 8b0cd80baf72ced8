//! GraphQL face of accounts: people, organisations, sessions, and their batch loaders.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    ComplexObject, Context, InputObject, Object, Result, SimpleObject,
    dataloader::{DataLoader, Loader},
};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    entities::{Role, Sector, membership, organization, user},
    policy::{Permission, SESSION_COOKIE},
    service::{self, NewOrganization, NewUser, UserChanges},
};
use crate::{
    error::Error,
    graphql::{actor, actor_opt, state},
    notifications::{
        entities::NotificationKind,
        mailer::{compose, html_of},
        service::NewNotification,
    },
};

// ---- types ------------------------------------------------------------------------------

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct User {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// True once the person's data were erased; their contributions show as a former participant's.
    pub erased: bool,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    email: String,
    /// Set when the person is the one being answered to, e.g. in their own login.
    #[graphql(skip)]
    own: bool,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            role: m.role,
            active: m.active,
            erased: m.erased_at.is_some(),
            created_at: m.created_at,
            email: m.email,
            own: false,
        }
    }
}

#[ComplexObject]
impl User {
    /// Visible to the person themselves and to those who manage people.
    async fn email(&self, ctx: &Context<'_>) -> Option<String> {
        let visible =
            self.own || actor_opt(ctx).is_some_and(|a| a.user_id == self.id || a.can(Permission::ManageUsers));
        visible.then(|| self.email.clone())
    }

    async fn organizations(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        let loader = ctx.data_unchecked::<DataLoader<AccountsLoader>>();
        Ok(loader.load_one(OrgsOfUser(self.id)).await?.unwrap_or_default())
    }

    /// Whether the person has a second factor set up; for themselves and those who manage people.
    async fn second_factor(&self, ctx: &Context<'_>) -> Result<Option<bool>> {
        let visible = actor_opt(ctx).is_some_and(|a| a.user_id == self.id || a.can(Permission::ManageUsers));
        if !visible {
            return Ok(None);
        }
        Ok(Some(service::has_second_factor(&state(ctx).db, self.id).await?))
    }

    /// True while the person's role needs a second factor (`TEILHABE_REQUIRE_2FA_FOR`) that they
    /// have not set up: until then they may only do what members do. Only for themselves.
    async fn second_factor_required(&self, ctx: &Context<'_>) -> Option<bool> {
        actor_opt(ctx).filter(|a| a.user_id == self.id).map(|a| a.second_factor_missing)
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub sector: Sector,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    pub parent_id: Option<Uuid>,
}

impl From<organization::Model> for Organization {
    fn from(m: organization::Model) -> Self {
        Self { id: m.id, name: m.name, sector: m.sector, created_at: m.created_at, parent_id: m.parent_id }
    }
}

#[ComplexObject]
impl Organization {
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.parent_id {
            Some(id) => load_organization(ctx, id).await,
            None => Ok(None),
        }
    }

    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<User>> {
        let loader = ctx.data_unchecked::<DataLoader<AccountsLoader>>();
        Ok(loader.load_one(MembersOfOrg(self.id)).await?.unwrap_or_default())
    }
}

#[derive(SimpleObject)]
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// The key of a second factor being set up.
#[derive(SimpleObject)]
pub struct TotpSetup {
    /// Base32, for typing into the app.
    pub secret: String,
    /// For a QR code.
    pub otpauth_uri: String,
    /// The URI as a QR code (an SVG document) for the authenticator app to scan.
    pub qr_svg: String,
}

/// The ways of signing in this server offers, for the login page.
#[derive(SimpleObject)]
pub struct SignInOptions {
    /// Email and password (for accounts that have a password).
    pub passwords: bool,
    /// Single-use links by email (`requestSignInLink`).
    pub sign_in_links: bool,
    /// Single sign-on, when `TEILHABE_OIDC_ISSUER` is set.
    pub oidc: Option<OidcSignIn>,
}

/// Single sign-on by OpenID Connect as configured.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct OidcSignIn {
    /// The button's text (`TEILHABE_OIDC_LABEL`).
    pub label: String,
    /// Where the browser starts the flow; `?next=/path` returns there afterwards.
    pub login_path: String,
    /// False when people who signed in by SSO may not use a password (`TEILHABE_OIDC_PASSWORD_LOGIN=off`).
    pub password_login: bool,
}

#[ComplexObject]
impl OidcSignIn {
    /// The provider's end-session URL, to also sign out there after `logout`; null when the
    /// provider has none or cannot be reached.
    async fn end_session_url(&self, ctx: &Context<'_>) -> Option<String> {
        crate::accounts::oidc::end_session_url(state(ctx)).await
    }
}

#[derive(InputObject)]
pub struct CreateOrganizationInput {
    pub name: String,
    pub sector: Sector,
    pub parent_id: Option<Uuid>,
}

#[derive(InputObject)]
pub struct CreateUserInput {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: Role,
    #[graphql(default)]
    pub organization_ids: Vec<Uuid>,
}

#[derive(InputObject)]
pub struct UpdateUserInput {
    pub email: Option<String>,
    pub name: Option<String>,
    pub role: Option<Role>,
    pub organization_ids: Option<Vec<Uuid>>,
    /// Only for one's own account; needs `currentPassword` and ends one's other sessions.
    pub password: Option<String>,
    /// One's current password, required with `password`.
    pub current_password: Option<String>,
}

// ---- batch loading ----------------------------------------------------------------------

/// One loader for the accounts area; keys of different kinds batch separately.
pub struct AccountsLoader(pub DatabaseConnection);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserById(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrgById(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrgsOfUser(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct MembersOfOrg(pub Uuid);

impl Loader<UserById> for AccountsLoader {
    type Value = User;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[UserById]) -> Result<HashMap<UserById, User>, Self::Error> {
        let rows = user::Entity::find()
            .filter(user::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?;
        Ok(rows.into_iter().map(|u| (UserById(u.id), User::from(u))).collect())
    }
}

impl Loader<OrgById> for AccountsLoader {
    type Value = Organization;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[OrgById]) -> Result<HashMap<OrgById, Organization>, Self::Error> {
        let rows = organization::Entity::find()
            .filter(organization::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?;
        Ok(rows.into_iter().map(|o| (OrgById(o.id), Organization::from(o))).collect())
    }
}

impl Loader<OrgsOfUser> for AccountsLoader {
    type Value = Vec<Organization>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[OrgsOfUser]) -> Result<HashMap<OrgsOfUser, Vec<Organization>>, Self::Error> {
        let memberships = membership::Entity::find()
            .filter(membership::Column::UserId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?;
        let orgs: HashMap<Uuid, organization::Model> = organization::Entity::find()
            .filter(organization::Column::Id.is_in(memberships.iter().map(|m| m.organization_id)))
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let mut out: HashMap<OrgsOfUser, Vec<Organization>> = HashMap::new();
        for m in memberships {
            if let Some(o) = orgs.get(&m.organization_id) {
                out.entry(OrgsOfUser(m.user_id)).or_default().push(o.clone().into());
            }
        }
        for list in out.values_mut() {
            list.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Ok(out)
    }
}

impl Loader<MembersOfOrg> for AccountsLoader {
    type Value = Vec<User>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[MembersOfOrg]) -> Result<HashMap<MembersOfOrg, Vec<User>>, Self::Error> {
        let memberships = membership::Entity::find()
            .filter(membership::Column::OrganizationId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?;
        let users: HashMap<Uuid, user::Model> = user::Entity::find()
            .filter(user::Column::Id.is_in(memberships.iter().map(|m| m.user_id)))
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(e.into()))?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let mut out: HashMap<MembersOfOrg, Vec<User>> = HashMap::new();
        for m in memberships {
            if let Some(u) = users.get(&m.user_id) {
                out.entry(MembersOfOrg(m.organization_id)).or_default().push(u.clone().into());
            }
        }
        for list in out.values_mut() {
            list.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Ok(out)
    }
}

/// Loads a person by id through the request's batch loader; other areas use it for authors.
pub async fn load_user(ctx: &Context<'_>, id: Uuid) -> Result<Option<User>> {
    Ok(ctx.data_unchecked::<DataLoader<AccountsLoader>>().load_one(UserById(id)).await?)
}

pub async fn load_organization(ctx: &Context<'_>, id: Uuid) -> Result<Option<Organization>> {
    Ok(ctx.data_unchecked::<DataLoader<AccountsLoader>>().load_one(OrgById(id)).await?)
}

// ---- resolvers --------------------------------------------------------------------------

#[derive(Default)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// The logged-in person, or null.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match actor_opt(ctx) {
            Some(a) => load_user(ctx, a.user_id).await,
            None => Ok(None),
        }
    }

    /// How one may sign in here; public, for the login page.
    async fn sign_in_options(&self, ctx: &Context<'_>) -> SignInOptions {
        let oidc = state(ctx).config.oidc.as_ref().map(|o| OidcSignIn {
            label: o.label.clone(),
            login_path: "/auth/oidc/login".into(),
            password_login: o.password_login,
        });
        SignInOptions { passwords: true, sign_in_links: true, oidc }
    }

    async fn organizations(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        actor(ctx)?;
        Ok(service::organizations(&state(ctx).db).await?.into_iter().map(Into::into).collect())
    }

    /// All people; for those who manage people.
    async fn users(&self, ctx: &Context<'_>) -> Result<Vec<User>> {
        let a = actor(ctx)?;
        Ok(service::users(&state(ctx).db, a).await?.into_iter().map(Into::into).collect())
    }

    async fn user(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<User>> {
        let a = actor(ctx)?;
        if a.user_id != id {
            a.require(Permission::ManageUsers)?;
        }
        load_user(ctx, id).await
    }
}

#[derive(Default)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Logs in; answers the token and also sets an HttpOnly session cookie for the web app.
    /// With a second factor set up, `code` (from the authenticator app, or a recovery code) is
    /// needed too; without it the answer is `VALIDATION` on the field `code`.
    async fn login(&self, ctx: &Context<'_>, email: String, password: String, code: Option<String>) -> Result<Session> {
        let st = state(ctx);
        let done = service::login(st, &email, &password, code.as_deref()).await?;
        Ok(session_answer(ctx, st, done))
    }

    /// Sends a single-use sign-in link (valid 15 minutes) to the address if a person has it.
    /// Answers `true` either way, so that nobody learns which addresses have an account.
    async fn request_sign_in_link(&self, ctx: &Context<'_>, email: String) -> Result<bool> {
        let st = state(ctx);
        let client = ctx.data_opt::<ClientAddress>().and_then(|c| c.0);
        service::request_sign_in_link(st, &email, client, |txn, mail| txn.notify(sign_in_mail(mail))).await?;
        Ok(true)
    }

    /// Signs in with the token of a sign-in link (the part after `#` in the mailed link): once,
    /// within 15 minutes. Sets the session cookie like `login`.
    async fn sign_in_with_link(&self, ctx: &Context<'_>, token: String, code: Option<String>) -> Result<Session> {
        let st = state(ctx);
        let done = service::sign_in_with_link(st, &token, code.as_deref()).await?;
        Ok(session_answer(ctx, st, done))
    }

    /// Starts setting up a second factor: the key for an authenticator app, as a QR code's
    /// `otpauth://` URI and as text to type. Not in force until `confirmTotp`.
    async fn begin_totp_setup(&self, ctx: &Context<'_>) -> Result<TotpSetup> {
        let a = actor(ctx)?;
        let setup = service::begin_totp(state(ctx), a).await?;
        Ok(TotpSetup { secret: setup.secret, otpauth_uri: setup.otpauth_uri, qr_svg: setup.qr_svg })
    }

    /// Confirms the second factor with a first code; answers ten recovery codes, shown only now.
    async fn confirm_totp(&self, ctx: &Context<'_>, code: String) -> Result<Vec<String>> {
        let a = actor(ctx)?;
        Ok(service::confirm_totp(state(ctx), a, &code).await?)
    }

    /// Turns the second factor off; needs a current code or a recovery code.
    async fn disable_totp(&self, ctx: &Context<'_>, code: String) -> Result<bool> {
        let a = actor(ctx)?;
        service::disable_totp(state(ctx), a, &code).await?;
        Ok(true)
    }

    async fn logout(&self, ctx: &Context<'_>) -> Result<bool> {
        let a = actor(ctx)?;
        let st = state(ctx);
        service::logout(st, a).await?;
        ctx.append_http_header("Set-Cookie", session_cookie("", 0, st.config.secure_cookies));
        Ok(true)
    }

    async fn create_organization(&self, ctx: &Context<'_>, input: CreateOrganizationInput) -> Result<Organization> {
        let a = actor(ctx)?;
        let org = service::create_organization(
            state(ctx),
            a,
            NewOrganization { name: input.name, sector: input.sector, parent_id: input.parent_id },
        )
        .await?;
        Ok(org.into())
    }

    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> Result<User> {
        let a = actor(ctx)?;
        let u = service::create_user(
            state(ctx),
            Some(a),
            NewUser {
                email: input.email,
                name: input.name,
                password: input.password,
                role: input.role,
                organization_ids: input.organization_ids,
            },
        )
        .await?;
        Ok(u.into())
    }

    async fn update_user(&self, ctx: &Context<'_>, id: Uuid, input: UpdateUserInput) -> Result<User> {
        let a = actor(ctx)?;
        let u = service::update_user(
            state(ctx),
            a,
            id,
            UserChanges {
                email: input.email,
                name: input.name,
                role: input.role,
                organization_ids: input.organization_ids,
                password: input.password,
                current_password: input.current_password,
            },
        )
        .await?;
        Ok(u.into())
    }

    async fn deactivate_user(&self, ctx: &Context<'_>, id: Uuid) -> Result<User> {
        let a = actor(ctx)?;
        Ok(service::set_active(state(ctx), a, id, false).await?.into())
    }

    async fn reactivate_user(&self, ctx: &Context<'_>, id: Uuid) -> Result<User> {
        let a = actor(ctx)?;
        Ok(service::set_active(state(ctx), a, id, true).await?.into())
    }

    /// Erases a person's personal data (admins only); their contributions stay, unattributed.
    async fn erase_user(&self, ctx: &Context<'_>, id: Uuid) -> Result<User> {
        let a = actor(ctx)?;
        Ok(crate::privacy::erase_user(state(ctx), a, id).await?.into())
    }
}

/// The answer of every way of signing in: the session, and its cookie for the web app.
fn session_answer(ctx: &Context<'_>, st: &crate::state::AppState, done: service::LoggedIn) -> Session {
    ctx.append_http_header(
        "Set-Cookie",
        session_cookie(&done.token, (done.expires_at - st.now()).num_seconds(), st.config.secure_cookies),
    );
    let user = User { own: true, ..done.user.into() };
    Session { token: done.token, expires_at: done.expires_at, user }
}

/// The client's address as the HTTP listener saw it, for limits per client.
pub struct ClientAddress(pub Option<std::net::IpAddr>);

/// The mail of a sign-in link. Its link stays out of the notification's `link` field (which
/// people who read the outbox see): only the mail itself carries it.
fn sign_in_mail(mail: service::SignInMail) -> NewNotification {
    let text = compose(
        &format!("Guten Tag {},", mail.name),
        &[
            "Sie haben einen Anmeldelink für teilhabe angefordert.".to_string(),
            format!(
                "Der Link gilt {} Minuten und nur ein einziges Mal; er meldet Sie auf dem Gerät an, auf dem Sie ihn öffnen.",
                service::SIGN_IN_LINK_MINUTES
            ),
            "Wenn Sie keinen Link angefordert haben, können Sie diese Mail ignorieren.".to_string(),
        ],
        "Jetzt anmelden",
        &mail.url,
    );
    NewNotification {
        recipient_id: mail.user_id,
        kind: NotificationKind::SignInLink,
        dedupe_key: format!("signin:{}", mail.link_id),
        due_at: mail.expires_at - chrono::Duration::minutes(service::SIGN_IN_LINK_MINUTES),
        subject: "Ihr Anmeldelink für teilhabe".into(),
        body_html: Some(html_of(&text, Some(&mail.url))),
        body_text: text,
        link: None,
        cc: vec![],
    }
}

pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        max_age_secs.max(0),
        if secure { "; Secure" } else { "" }
    )
}
