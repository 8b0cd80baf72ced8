//! Per-person write budget: a token bucket per account, or per client address when anonymous.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Mutex, PoisonError},
};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::Error;

/// Most anonymous addresses tracked at once; a flood from many addresses cannot grow the map
/// beyond it (full buckets are dropped first, then new addresses wait).
const MAX_ANONYMOUS_KEYS: usize = 10_000;

/// Who spends the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Writer {
    User(Uuid),
    /// IPv6 clients are keyed by their /64 network: one host usually owns all of it.
    Address(IpAddr),
}

impl Writer {
    pub fn anonymous(ip: Option<IpAddr>) -> Self {
        let ip = match ip {
            Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let mut segments = v6.segments();
                    segments[4..].fill(0);
                    IpAddr::V6(segments.into())
                }
            },
            Some(v4) => v4,
            None => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
        };
        Self::Address(ip)
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
}

/// `per_minute` writes a minute, with bursts up to a minute's worth; refilled continuously.
pub struct WriteLimiter {
    per_minute: u32,
    users: Mutex<HashMap<Uuid, Bucket>>,
    anonymous: Mutex<HashMap<IpAddr, Bucket>>,
}

impl WriteLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute, users: Mutex::default(), anonymous: Mutex::default() }
    }

    /// Spends `writes` of `writer`'s budget at `now`, or refuses with LIMIT and spends nothing.
    pub fn spend(&self, writer: Writer, writes: usize, now: DateTime<Utc>) -> Result<(), Error> {
        if writes == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let rate = capacity / 60.0;
        let refill = |b: &mut Bucket| {
            let seconds = (now - b.at).num_milliseconds().max(0) as f64 / 1000.0;
            b.tokens = (b.tokens + seconds * rate).min(capacity);
            b.at = now;
        };
        let full = Bucket { tokens: capacity, at: now };
        let take = |b: &mut Bucket| {
            refill(b);
            if b.tokens + 1e-9 >= writes as f64 {
                b.tokens -= writes as f64;
                Ok(())
            } else {
                Err(Error::Limit(format!("at most {} changes per minute; please wait a moment", self.per_minute)))
            }
        };
        match writer {
            Writer::User(id) => {
                let mut users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
                take(users.entry(id).or_insert(full))
            }
            Writer::Address(ip) => {
                let mut map = self.anonymous.lock().unwrap_or_else(PoisonError::into_inner);
                if !map.contains_key(&ip) && map.len() >= MAX_ANONYMOUS_KEYS {
                    // A refilled bucket is the same as none.
                    map.retain(|_, b| {
                        refill(b);
                        b.tokens < capacity
                    });
                    if map.len() >= MAX_ANONYMOUS_KEYS {
                        return Err(Error::Limit("too many changes from too many addresses; try again later".into()));
                    }
                }
                take(map.entry(ip).or_insert(full))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().unwrap()
    }

    #[test]
    fn a_budget_is_spent_and_refilled_over_time() {
        let limiter = WriteLimiter::new(6);
        let me = Writer::User(Uuid::new_v4());
        assert!(limiter.spend(me, 5, t0()).is_ok());
        assert!(limiter.spend(me, 2, t0()).is_err(), "only one left");
        assert!(limiter.spend(me, 1, t0()).is_ok());
        assert!(limiter.spend(me, 1, t0() + chrono::Duration::seconds(5)).is_err(), "half a write refilled");
        assert!(limiter.spend(me, 1, t0() + chrono::Duration::seconds(10)).is_ok());
        assert!(limiter.spend(Writer::User(Uuid::new_v4()), 6, t0()).is_ok(), "others have their own");
        assert!(limiter.spend(me, 0, t0()).is_ok(), "reads cost nothing");
    }

    #[test]
    fn anonymous_ipv6_clients_share_their_network_and_the_map_is_bounded() {
        let a = Writer::anonymous(Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let b = Writer::anonymous(Some("2001:db8:1:2:bbbb::2".parse().unwrap()));
        assert_eq!(a, b);
        assert_eq!(
            Writer::anonymous(Some("::ffff:10.0.0.1".parse().unwrap())),
            Writer::anonymous(Some("10.0.0.1".parse().unwrap()))
        );
        let limiter = WriteLimiter::new(1);
        for i in 0..MAX_ANONYMOUS_KEYS as u32 {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(i));
            assert!(limiter.spend(Writer::Address(ip), 1, t0()).is_ok());
        }
        let newcomer = Writer::Address("203.0.113.7".parse().unwrap());
        assert!(limiter.spend(newcomer, 1, t0()).is_err(), "the map is full of empty buckets");
        assert!(limiter.spend(newcomer, 1, t0() + chrono::Duration::minutes(1)).is_ok(), "refilled ones are dropped");
        assert!(limiter.anonymous.lock().unwrap().len() <= MAX_ANONYMOUS_KEYS);
    }
}
