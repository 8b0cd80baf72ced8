//! The rules of accounts: logging in, sessions, organisations, people, erasure and export.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
    sea_query::OnConflict,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    entities::{Role, Sector, login_throttle, membership, organization, session, user},
    policy::{Actor, Permission},
};
use crate::{
    audit::{self, AuditEntry},
    change::Change,
    error::{Error, Result},
    live::LiveEvent,
    state::AppState,
    text,
};

mod links;
mod oidc;
mod organisations;
mod people;
mod second_factor;
mod sessions;

pub use links::*;
pub use oidc::*;
pub use organisations::*;
pub use people::*;
pub use second_factor::*;
pub use sessions::*;

pub const MIN_PASSWORD_LEN: usize = 12;
/// Failed logins for one email allowed inside [`THROTTLE_WINDOW_MINUTES`] before it is locked.
pub const THROTTLE_FREE_FAILURES: i32 = 5;
const THROTTLE_WINDOW_MINUTES: i64 = 15;
pub const ERASED_NAME: &str = "Ehemalige Teilnehmerin / ehemaliger Teilnehmer";

pub struct NewOrganization {
    pub name: String,
    pub sector: Sector,
    pub parent_id: Option<Uuid>,
}

pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: Role,
    pub organization_ids: Vec<Uuid>,
}

#[derive(Default)]
pub struct UserChanges {
    pub email: Option<String>,
    pub name: Option<String>,
    pub role: Option<Role>,
    pub organization_ids: Option<Vec<Uuid>>,
    pub password: Option<String>,
    /// Needed with `password`: a stolen session alone must not take over the account.
    pub current_password: Option<String>,
}

pub struct LoggedIn {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: user::Model,
}

// ---- validation at the edge -------------------------------------------------------------

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Error::validation("password", format!("at least {MIN_PASSWORD_LEN} characters")));
    }
    if password.len() > 1024 {
        return Err(Error::validation("password", "at most 1024 bytes"));
    }
    Ok(())
}

// ---- passwords and tokens ---------------------------------------------------------------

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes)
}
