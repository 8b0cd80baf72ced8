//! Signed, expiring links in reminder mails: each opens one delivery's confirm form, nothing else.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::error::{Error, Result};

pub use crate::notifications::signing::secret;

fn mac(secret: &[u8], delivery_id: Uuid, expires: i64) -> Result<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(Error::internal)?;
    mac.update(b"confirm-delivery|");
    mac.update(delivery_id.as_bytes());
    mac.update(b"|");
    mac.update(&expires.to_be_bytes());
    Ok(mac)
}

/// `<expiry unix seconds>.<hex HMAC-SHA256 over purpose, delivery id and expiry>`.
pub fn sign(secret: &[u8], delivery_id: Uuid, expires: DateTime<Utc>) -> String {
    let exp = expires.timestamp();
    match mac(secret, delivery_id, exp) {
        Ok(m) => format!("{exp}.{}", hex::encode(m.finalize().into_bytes())),
        Err(_) => String::new(),
    }
}

/// Whether `token` was signed for this delivery and has not expired.
pub fn verify(secret: &[u8], delivery_id: Uuid, token: &str, now: DateTime<Utc>) -> bool {
    let Some((exp, sig)) = token.split_once('.') else { return false };
    let (Ok(exp), Ok(sig)) = (exp.parse::<i64>(), hex::decode(sig)) else { return false };
    if exp < now.timestamp() {
        return false;
    }
    mac(secret, delivery_id, exp).is_ok_and(|m| m.verify_slice(&sig).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_opens_its_delivery_until_it_expires() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let (id, other) = (Uuid::new_v4(), Uuid::new_v4());
        let token = sign(b"key", id, now + chrono::Duration::days(30));
        assert!(verify(b"key", id, &token, now));
        assert!(!verify(b"key", other, &token, now), "grants nothing else");
        assert!(!verify(b"another key", id, &token, now));
        assert!(!verify(b"key", id, &token, now + chrono::Duration::days(31)), "expired");
        let (exp, sig) = token.split_once('.').unwrap();
        let later = format!("{}.{sig}", exp.parse::<i64>().unwrap() + 86_400);
        assert!(!verify(b"key", id, &later, now), "expiry is signed");
        assert!(!verify(b"key", id, "garbage", now));
    }
}
