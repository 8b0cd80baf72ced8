//! `teilhabe demo`: loads an example city (marked as example content) through the services.

pub mod large;

use std::collections::HashMap;

use uuid::Uuid;

use crate::{
    accounts::{
        entities::{Role, Sector, organization},
        service::{self, NewOrganization, NewUser},
    },
    error::{Error, Result},
    state::AppState,
};

/// Every demo person logs in with this password; the CLI prints it.
pub const DEMO_PASSWORD: &str = "demo-passwort-2026";
/// Names carry this marker so that example content is recognisable everywhere in the UI.
pub const MARK: &str = "(Beispiel)";

const ORGS: &[(&str, Sector, Option<&str>)] = &[
    ("Dezernat für Soziales, Integration und Kultur", Sector::Administration, None),
    (
        "Amt für Migration und Interkulturelles",
        Sector::Administration,
        Some("Dezernat für Soziales, Integration und Kultur"),
    ),
    ("Sozialamt", Sector::Administration, Some("Dezernat für Soziales, Integration und Kultur")),
    ("Dezernat für Schule und Bildung", Sector::Administration, None),
    ("Amt für Schule und Weiterbildung", Sector::Administration, Some("Dezernat für Schule und Bildung")),
    ("Amt für Kinder, Jugendliche und Familien", Sector::Administration, Some("Dezernat für Schule und Bildung")),
    ("Statistikdienststelle", Sector::Administration, None),
    ("Personal- und Organisationsamt", Sector::Administration, None),
    ("Jobcenter", Sector::Administration, None),
    ("Stabsstelle Integrationsmonitoring", Sector::Administration, None),
    ("Integrationsrat", Sector::Politics, None),
    ("Ratsfraktion Mitte", Sector::Politics, None),
    ("Caritasverband", Sector::CivilSociety, None),
    ("Diakonie", Sector::CivilSociety, None),
    ("Verbund der Migrantenorganisationen", Sector::CivilSociety, None),
    ("Institut für Soziologie der Universität", Sector::Science, None),
];

const PEOPLE: &[(&str, &str, Role, &[&str])] = &[
    ("koordination", "Kerstin Albers", Role::Coordinator, &["Stabsstelle Integrationsmonitoring"]),
    ("migration", "Murat Demir", Role::Member, &["Amt für Migration und Interkulturelles"]),
    ("schule", "Sabine Krüger", Role::Member, &["Amt für Schule und Weiterbildung"]),
    ("kita", "Jonas Becker", Role::Member, &["Amt für Kinder, Jugendliche und Familien"]),
    ("statistik", "Dr. Lena Hoffmann", Role::Member, &["Statistikdienststelle"]),
    ("personal", "Peter Schulte", Role::Member, &["Personal- und Organisationsamt"]),
    ("jobcenter", "Fatma Aydın", Role::Member, &["Jobcenter"]),
    ("sozialamt", "Thomas Wagner", Role::Member, &["Sozialamt"]),
    ("integrationsrat", "Amina Haddad", Role::Member, &["Integrationsrat"]),
    ("rat", "Michael Brandt", Role::Member, &["Ratsfraktion Mitte"]),
    ("caritas", "Maria Nowak", Role::Member, &["Caritasverband"]),
    ("diakonie", "Johannes Richter", Role::Member, &["Diakonie"]),
    ("migrantenorganisationen", "Olena Kovalenko", Role::Member, &["Verbund der Migrantenorganisationen"]),
    ("uni", "Prof. Dr. Elif Şahin", Role::Member, &["Institut für Soziologie der Universität"]),
];

pub struct DemoSummary {
    pub organizations: usize,
    pub people: Vec<String>,
}

/// Loads the example city. Refuses when it is there already, so that it never doubles up.
pub async fn load(state: &AppState) -> Result<DemoSummary> {
    load_with(state, &crate::progress::Silent).await
}

/// How many steps [`load_with`] reports: one per organisation and person, then one per area.
pub fn steps() -> u64 {
    (ORGS.len() + PEOPLE.len() + 3) as u64
}

/// [`load`], telling `progress` about each step (creating a person hashes a password: slow on purpose).
pub async fn load_with(state: &AppState, progress: &dyn crate::progress::Progress) -> Result<DemoSummary> {
    let existing = service::organizations(&state.db).await?;
    if existing.iter().any(|o| o.name.ends_with(MARK)) {
        return Err(Error::conflict("the demo content is already loaded"));
    }
    let admin = crate::accounts::policy::Actor {
        user_id: system_actor(state).await?,
        session_id: Uuid::nil(),
        role: Role::Admin,
        second_factor_missing: false,
        organization_ids: vec![],
    };
    let mut orgs: HashMap<&str, organization::Model> = HashMap::new();
    for (name, sector, parent) in ORGS {
        let parent_id = parent.and_then(|p| orgs.get(p)).map(|o| o.id);
        let org = service::create_organization(
            state,
            &admin,
            NewOrganization { name: format!("{name} {MARK}"), sector: *sector, parent_id },
        )
        .await?;
        progress.step(name);
        orgs.insert(name, org);
    }
    let mut people = Vec::new();
    for (login, name, role, member_of) in PEOPLE {
        let email = format!("{login}@demo.teilhabe.example");
        service::create_user(
            state,
            Some(&admin),
            NewUser {
                email: email.clone(),
                name: format!("{name} {MARK}"),
                password: DEMO_PASSWORD.into(),
                role: *role,
                organization_ids: member_of.iter().filter_map(|o| orgs.get(o)).map(|o| o.id).collect(),
            },
        )
        .await?;
        progress.step(name);
        people.push(email);
    }
    crate::participation::demo::load(state, &admin).await?;
    progress.step("Beteiligung");
    let terms = crate::glossary::demo::load(state, &admin).await?;
    progress.step("Glossar");
    crate::indicators::demo::load(state, &admin, MARK, &terms).await?;
    progress.step("Indikatoren");
    Ok(DemoSummary { organizations: orgs.len(), people })
}

/// The demo is loaded in the name of the first admin, so that the audit log says who did it.
async fn system_actor(state: &AppState) -> Result<Uuid> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    use crate::accounts::entities::user;
    user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::CreatedAt)
        .one(&state.db)
        .await?
        .map(|u| u.id)
        .ok_or_else(|| {
            Error::validation(
                "admin",
                "create an admin first (TEILHABE_ADMIN_EMAIL/PASSWORD or `teilhabe user create`)",
            )
        })
}
