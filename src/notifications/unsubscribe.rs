//! One-click unsubscribe (RFC 8058): every mail names an HTTPS URL signed for its recipient; a
//! mail client POSTs `List-Unsubscribe=One-Click` there without cookies, and the person's mails
//! are switched off. The same URL opened in a browser shows a page that asks first, because
//! link scanners GET every URL of a mail and must not unsubscribe anyone.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// The path, the web app's page and the POST endpoint alike (`frontend/src/App.tsx`).
pub const PATH: &str = "/abbestellen";

fn mac(secret: &[u8], user_id: Uuid) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    mac.update(b"unsubscribe|");
    mac.update(user_id.as_bytes());
    Some(mac)
}

/// `<user id>-<hex HMAC-SHA256 over purpose and user id>`, without a dot: the web app's router
/// takes a last segment with a dot for a file. It does not expire: a mail may be
/// read months later, and all it can do is stop mails, which the person can undo in the app.
pub fn token(secret: &[u8], user_id: Uuid) -> String {
    match mac(secret, user_id) {
        Some(m) => format!("{}-{}", user_id.simple(), hex::encode(m.finalize().into_bytes())),
        None => String::new(),
    }
}

/// The person a token was signed for.
pub fn verify(secret: &[u8], token: &str) -> Option<Uuid> {
    let (id, sig) = token.split_once('-')?;
    let (id, sig) = (Uuid::parse_str(id).ok()?, hex::decode(sig).ok()?);
    mac(secret, id)?.verify_slice(&sig).ok().map(|()| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_person_and_nobody_else() {
        let (anna, ben) = (Uuid::new_v4(), Uuid::new_v4());
        let t = token(b"key", anna);
        assert_eq!(verify(b"key", &t), Some(anna));
        assert_eq!(verify(b"other key", &t), None);
        let (_, sig) = t.split_once('-').unwrap();
        assert_eq!(verify(b"key", &format!("{}-{sig}", ben.simple())), None, "the signature covers the person");
        assert_eq!(verify(b"key", &format!("{}-{}", anna.simple(), &sig[..10])), None, "a cut signature");
        for garbage in ["", "-", "x-y", "abc", &anna.to_string()] {
            assert_eq!(verify(b"key", garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn tokens_are_url_safe() {
        let t = token(b"key", Uuid::new_v4());
        assert!(t.chars().all(|c| c.is_ascii_hexdigit() || c == '-'), "{t}");
    }
}
