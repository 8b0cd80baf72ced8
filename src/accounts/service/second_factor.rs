//! A second factor: TOTP (RFC 6238) with single-use recovery codes; set up, confirmed, checked
//! at sign-in (a code counts once), disabled.

use totp_rs::{Algorithm, Secret, TOTP};

use super::*;
use crate::accounts::entities::{recovery_code, totp_factor};

/// Seconds per TOTP time step (RFC 6238's default, what every authenticator app uses).
pub const TOTP_STEP: u64 = 30;
/// Steps before and after the current one whose codes are accepted: clocks drift.
const TOTP_SKEW: i64 = 1;
pub const RECOVERY_CODES: usize = 10;
const ISSUER: &str = "teilhabe";

/// What an authenticator app needs: the `otpauth://` URI, the same as a QR code, and the key to type.
pub struct TotpSetup {
    pub secret: String,
    pub otpauth_uri: String,
    /// The URI as a QR code, an SVG image for the app to scan off the screen.
    pub qr_svg: String,
}

/// `text` as a QR code in SVG, rendered on the server so that the web app needs no QR library.
pub fn qr_svg(text: &str) -> Result<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(Error::internal)?;
    Ok(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
}

fn totp_of(secret_base32: &str, account: &str) -> Result<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_string()).to_bytes().map_err(|e| Error::internal(format!("{e:?}")))?;
    TOTP::new(Algorithm::SHA1, 6, 1, TOTP_STEP, bytes, Some(ISSUER.into()), account.replace(':', " "))
        .map_err(|e| Error::internal(format!("{e:?}")))
}

/// The time step a `code` belongs to, if it is the code of a step within the skew around
/// `unix_time` and later than `last_step` (the last one accepted): a code counts only once,
/// and no code older than an accepted one counts at all. A pure rule; the clock is passed in.
pub fn accepted_step(totp: &TOTP, code: &str, unix_time: u64, last_step: i64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = i64::try_from(unix_time / TOTP_STEP).ok()?;
    (now - TOTP_SKEW..=now + TOTP_SKEW).filter(|s| *s > last_step && *s >= 0).find(|s| {
        let expected = totp.generate(*s as u64 * TOTP_STEP);
        // Compared as digests, so that the time taken says nothing about where they differ.
        hash_token(&expected) == hash_token(code)
    })
}

fn unix(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

/// Recovery codes as people type them: lower case, without spaces or dashes.
fn normal_recovery(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase()
}

fn new_recovery_code() -> String {
    let mut bytes = [0u8; 5];
    rand::thread_rng().fill_bytes(&mut bytes);
    let hex = hex::encode(bytes);
    format!("{}-{}", &hex[..5], &hex[5..])
}

async fn factor_of<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<Option<totp_factor::Model>> {
    Ok(totp_factor::Entity::find_by_id(user_id).one(db).await?)
}

/// Whether the person has a confirmed second factor.
pub async fn has_second_factor<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<bool> {
    Ok(factor_of(db, user_id).await?.is_some_and(|f| f.confirmed_at.is_some()))
}

/// Starts setting up TOTP: a new secret, not in force until [`confirm_totp`].
pub async fn begin_totp(state: &AppState, actor: &Actor) -> Result<TotpSetup> {
    let now = state.now();
    let me = user_by_id(&state.db, actor.user_id).await?;
    let mut txn = Change::begin(&state.db, now).await?;
    if factor_of(&txn, me.id).await?.is_some_and(|f| f.confirmed_at.is_some()) {
        return Err(Error::conflict("a second factor is set up already; disable it first"));
    }
    let mut key = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut key);
    let secret = Secret::Raw(key.to_vec()).to_encoded().to_string();
    let totp = totp_of(&secret, &me.email)?;
    totp_factor::Entity::delete_by_id(me.id).exec(&txn).await?;
    totp_factor::ActiveModel {
        user_id: Set(me.id),
        secret: Set(secret.clone()),
        confirmed_at: Set(None),
        last_step: Set(0),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.audit(
        Some(me.id),
        AuditEntry {
            action: "user.totp_begin",
            entity_type: "user",
            entity_id: Some(me.id),
            summary: "Zweiter Faktor: Einrichtung begonnen".into(),
        },
    );
    txn.commit().await?;
    let otpauth_uri = totp.get_url();
    Ok(TotpSetup { qr_svg: qr_svg(&otpauth_uri)?, secret, otpauth_uri })
}

/// Confirms the set-up with a first code and answers the recovery codes, shown this once.
pub async fn confirm_totp(state: &AppState, actor: &Actor, code: &str) -> Result<Vec<String>> {
    let now = state.now();
    let me = user_by_id(&state.db, actor.user_id).await?;
    let mut txn = Change::begin(&state.db, now).await?;
    let factor = factor_of(&txn, me.id)
        .await?
        .filter(|f| f.confirmed_at.is_none())
        .ok_or_else(|| Error::validation("code", "start setting up the authenticator app first"))?;
    let totp = totp_of(&factor.secret, &me.email)?;
    let step = accepted_step(&totp, code, unix(now), factor.last_step)
        .ok_or_else(|| Error::validation("code", "the code is not right; check the time of your device"))?;
    let mut row = factor.into_active_model();
    row.confirmed_at = Set(Some(now));
    row.last_step = Set(step);
    row.update(&txn).await?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(me.id)).exec(&txn).await?;
    recovery_code::Entity::insert_many(codes.iter().map(|c| recovery_code::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(me.id),
        code_hash: Set(hash_token(&normal_recovery(c))),
        used_at: Set(None),
        created_at: Set(now),
    }))
    .exec(&txn)
    .await?;
    txn.audit(
        Some(me.id),
        AuditEntry {
            action: "user.totp_enable",
            entity_type: "user",
            entity_id: Some(me.id),
            summary: "Zweiter Faktor eingerichtet".into(),
        },
    );
    txn.commit().await?;
    announce_user_changed(state, me.id).await;
    Ok(codes)
}

/// Turns the second factor off; needs a current code or a recovery code.
pub async fn disable_totp(state: &AppState, actor: &Actor, code: &str) -> Result<()> {
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    if !has_second_factor(&txn, actor.user_id).await? {
        return Err(Error::validation("code", "no second factor is set up"));
    }
    check_code(&txn, actor.user_id, Some(code), now).await?;
    totp_factor::Entity::delete_by_id(actor.user_id).exec(&txn).await?;
    recovery_code::Entity::delete_many().filter(recovery_code::Column::UserId.eq(actor.user_id)).exec(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "user.totp_disable",
            entity_type: "user",
            entity_id: Some(actor.user_id),
            summary: "Zweiter Faktor abgeschaltet".into(),
        },
    );
    txn.commit().await?;
    announce_user_changed(state, actor.user_id).await;
    Ok(())
}

/// The second step of signing in: nothing to do without a confirmed factor; otherwise a TOTP
/// code of a step not used before, or an unused recovery code, is spent by one conditional
/// update each (so that two requests with the same code cannot both pass).
pub(super) async fn check_code<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    code: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    use sea_orm::sea_query::Expr;

    let Some(factor) = factor_of(db, user_id).await?.filter(|f| f.confirmed_at.is_some()) else {
        return Ok(());
    };
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Err(Error::validation("code", "enter the code of your authenticator app"));
    };
    let email = user_by_id(db, user_id).await?.email;
    let totp = totp_of(&factor.secret, &email)?;
    if let Some(step) = accepted_step(&totp, code, unix(now), factor.last_step) {
        let spent = totp_factor::Entity::update_many()
            .col_expr(totp_factor::Column::LastStep, Expr::value(step))
            .filter(totp_factor::Column::UserId.eq(user_id))
            .filter(totp_factor::Column::LastStep.lt(step))
            .exec(db)
            .await?;
        if spent.rows_affected == 1 {
            return Ok(());
        }
    }
    let spent = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::CodeHash.eq(hash_token(&normal_recovery(code))))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if spent.rows_affected == 1 {
        return Ok(());
    }
    Err(Error::validation("code", "the code is not right or was used already"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totp() -> TOTP {
        totp_of("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "anna@example.org").unwrap()
    }

    #[test]
    fn codes_of_the_neighbouring_steps_count_others_do_not() {
        let t = totp();
        let now = 1_800_000_000u64;
        let step = (now / TOTP_STEP) as i64;
        let code_at = |s: i64| t.generate(s as u64 * TOTP_STEP);
        assert_eq!(accepted_step(&t, &code_at(step), now, 0), Some(step));
        assert_eq!(accepted_step(&t, &code_at(step - 1), now, 0), Some(step - 1), "30 s late");
        assert_eq!(accepted_step(&t, &code_at(step + 1), now, 0), Some(step + 1), "30 s early");
        assert_eq!(accepted_step(&t, &code_at(step - 2), now, 0), None, "a minute old");
        assert_eq!(accepted_step(&t, &code_at(step + 2), now, 0), None);
        assert_eq!(accepted_step(&t, "12345", now, 0), None);
        assert_eq!(accepted_step(&t, "abcdef", now, 0), None);
    }

    #[test]
    fn a_code_counts_once_and_older_codes_not_after_it() {
        let t = totp();
        let now = 1_800_000_000u64;
        let step = (now / TOTP_STEP) as i64;
        let code = t.generate(now);
        let used = accepted_step(&t, &code, now, 0).unwrap();
        assert_eq!(accepted_step(&t, &code, now, used), None, "replayed in the same window");
        assert_eq!(accepted_step(&t, &code, now + 10, used), None);
        assert_eq!(accepted_step(&t, &t.generate(now - TOTP_STEP), now, used), None, "an older code");
        let next = now + TOTP_STEP;
        assert_eq!(accepted_step(&t, &t.generate(next), next, used), Some(step + 1));
    }

    #[test]
    fn the_setup_uri_is_drawn_as_a_qr_code() {
        let uri = totp().get_url();
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.contains("<path"), "{svg}");
        let version = qrcode::QrCode::new(uri.as_bytes()).unwrap().width();
        assert!(version >= 29, "an otpauth URI needs a QR code of version 3 or more: {version}");
    }

    #[test]
    fn recovery_codes_are_typed_loosely() {
        assert_eq!(normal_recovery(" AB12c-de34F "), "ab12cde34f");
        let c = new_recovery_code();
        assert_eq!(c.len(), 11);
        assert_ne!(c, new_recovery_code());
    }
}
