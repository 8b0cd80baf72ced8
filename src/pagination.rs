//! Relay-style keyset cursors shared by every paginated list: (time, id), newest first.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::{Error, Result};

pub const DEFAULT_PAGE: u64 = 20;
pub const MAX_PAGE: u64 = 100;

/// A position in a list ordered by (time, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.at.timestamp_micros(), self.id))
    }

    pub fn decode(raw: &str) -> Result<Self> {
        let bad = || Error::validation("after", "not a cursor from this list");
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (micros, id) = text.split_once('|').ok_or_else(bad)?;
        let at = DateTime::from_timestamp_micros(micros.parse().map_err(|_| bad())?).ok_or_else(bad)?;
        Ok(Self { at, id: id.parse().map_err(|_| bad())? })
    }
}

/// Validates `first` and `after` of a connection field.
pub fn page_args(first: Option<i32>, after: Option<&str>) -> Result<(u64, Option<Cursor>)> {
    let first = match first {
        None => DEFAULT_PAGE,
        Some(n) if n < 1 => return Err(Error::validation("first", "must be at least 1")),
        Some(n) => (n as u64).min(MAX_PAGE),
    };
    Ok((first, after.map(Cursor::decode).transpose()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips() {
        let c = Cursor { at: DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap(), id: Uuid::new_v4() };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
    }

    #[test]
    fn garbage_is_a_validation_error() {
        assert_eq!(Cursor::decode("%%%").unwrap_err().code(), "VALIDATION");
        assert_eq!(Cursor::decode(&URL_SAFE_NO_PAD.encode("x|y")).unwrap_err().code(), "VALIDATION");
    }

    #[test]
    fn page_size_is_bounded() {
        assert_eq!(page_args(None, None).unwrap().0, DEFAULT_PAGE);
        assert_eq!(page_args(Some(10_000), None).unwrap().0, MAX_PAGE);
        assert_eq!(page_args(Some(0), None).unwrap_err().code(), "VALIDATION");
    }
}
