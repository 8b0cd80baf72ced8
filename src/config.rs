//! Runtime configuration, read once from `TEILHABE_*` environment variables.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use crate::error::Error;

/// Everything the server needs to know about its surroundings; all of it optional.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    pub public_url: String,
    pub smtp_url: Option<String>,
    pub mail_dir: PathBuf,
    pub mail_from: String,
    /// The display name of `From` when `mail_from` has none (`TEILHABE_MAIL_FROM_NAME`).
    pub mail_from_name: String,
    /// Upper bound of one SMTP send, end to end.
    pub smtp_timeout: Duration,
    /// Key of the signed links in reminder mails; unset: a key generated once and kept in the database.
    pub link_secret: Option<String>,
    /// The city's policy for the signed delivery link (`TEILHABE_SIGNED_LINK_LOGIN`).
    pub signed_link_login: SignedLinkLogin,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    pub scheduler_interval: Duration,
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
    pub session_ttl: chrono::Duration,
    /// Whether the session cookie carries `Secure`; on by default when the public URL is https.
    pub secure_cookies: bool,
    /// Mutation fields one person (or anonymous address) may run a minute (`TEILHABE_WRITE_RATE_PER_MINUTE`).
    pub write_rate_per_minute: u32,
    /// How long a client may take to send a request's headers (`TEILHABE_HEADER_TIMEOUT_SECS`).
    pub header_timeout: Duration,
    /// Whether `GET /graphql` serves GraphiQL (`TEILHABE_GRAPHIQL=off` turns it off).
    pub graphiql: bool,
    /// Bearer token `/metrics` requires (`TEILHABE_METRICS_TOKEN`).
    pub metrics_token: Option<String>,
    /// A separate listener serving only `/metrics` (`TEILHABE_METRICS_BIND`).
    pub metrics_bind: Option<SocketAddr>,
    /// Password hashes that may run at once (`TEILHABE_HASH_CONCURRENCY`); about one per core.
    pub hash_concurrency: usize,
    /// How long a login waits for a free hashing slot before it is refused with `LIMIT`.
    pub hash_queue_timeout: Duration,
    /// The city the monitoring reports on, named on the report's title page (`TEILHABE_CITY`).
    pub city: Option<String>,
    /// Roles that must set up a second factor before acting as such (`TEILHABE_REQUIRE_2FA_FOR`,
    /// e.g. `ADMIN`); upper case role names, comma-separated.
    pub require_2fa_for: Vec<String>,
    /// Single sign-on by OpenID Connect (`TEILHABE_OIDC_*`); off when no issuer is set.
    pub oidc: Option<crate::oidc_config::OidcConfig>,
}

/// Whether the signed link in a reminder mail needs a login to confirm its one delivery.
/// `TEILHABE_SIGNED_LINK_LOGIN=required` (the default) keeps login and membership of the owning
/// organisation mandatory; `not_required`, where the city's policy allows it, lets a valid,
/// unexpired link alone confirm that one delivery (nothing else, and no session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedLinkLogin {
    Required,
    NotRequired,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://teilhabe.db?mode=rwc".into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: "http://localhost:8080".into(),
            smtp_url: None,
            mail_dir: PathBuf::from("./mail-outbox"),
            mail_from: "teilhabe@localhost".into(),
            mail_from_name: "teilhabe".into(),
            smtp_timeout: Duration::from_secs(30),
            link_secret: None,
            signed_link_login: SignedLinkLogin::Required,
            admin_email: None,
            admin_password: None,
            scheduler_interval: Duration::from_secs(60),
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            session_ttl: chrono::Duration::days(14),
            secure_cookies: false,
            write_rate_per_minute: 120,
            header_timeout: Duration::from_secs(10),
            graphiql: true,
            metrics_token: None,
            metrics_bind: None,
            hash_concurrency: crate::hasher::Hasher::default_limit(),
            hash_queue_timeout: Duration::from_secs(10),
            city: None,
            require_2fa_for: Vec::new(),
            oidc: None,
        }
    }
}

impl Config {
    /// Reads the environment; unset variables keep their defaults.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads configuration through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let mut config = Self::default();
        let get = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        if let Some(v) = get("TEILHABE_DATABASE_URL") {
            config.database_url = v;
        }
        if let Some(v) = get("TEILHABE_BIND") {
            config.bind =
                v.parse().map_err(|_| Error::config("TEILHABE_BIND", "expected host:port, e.g. 127.0.0.1:8080"))?;
        }
        if let Some(v) = get("TEILHABE_PUBLIC_URL") {
            config.public_url = v.trim_end_matches('/').to_string();
        }
        config.smtp_url = get("TEILHABE_SMTP_URL");
        if let Some(v) = get("TEILHABE_MAIL_DIR") {
            config.mail_dir = PathBuf::from(v);
        }
        if let Some(v) = get("TEILHABE_MAIL_FROM") {
            config.mail_from = v;
        }
        if let Some(v) = get("TEILHABE_MAIL_FROM_NAME") {
            config.mail_from_name = v;
        }
        if let Some(v) = get("TEILHABE_SMTP_TIMEOUT_SECS") {
            let secs: u64 =
                v.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                    Error::config("TEILHABE_SMTP_TIMEOUT_SECS", "expected a positive number of seconds")
                })?;
            config.smtp_timeout = Duration::from_secs(secs);
        }
        config.link_secret = get("TEILHABE_LINK_SECRET");
        if let Some(v) = get("TEILHABE_SIGNED_LINK_LOGIN") {
            config.signed_link_login = match v.trim() {
                "required" => SignedLinkLogin::Required,
                "not_required" => SignedLinkLogin::NotRequired,
                _ => return Err(Error::config("TEILHABE_SIGNED_LINK_LOGIN", "expected required or not_required")),
            };
        }
        config.admin_email = get("TEILHABE_ADMIN_EMAIL");
        config.admin_password = get("TEILHABE_ADMIN_PASSWORD");
        if let Some(v) = get("TEILHABE_SCHEDULER_INTERVAL_SECS") {
            let secs: u64 = v.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                Error::config("TEILHABE_SCHEDULER_INTERVAL_SECS", "expected a positive number of seconds")
            })?;
            config.scheduler_interval = Duration::from_secs(secs);
        }
        if let Some(v) = get("TEILHABE_MAX_BODY_BYTES") {
            config.max_body_bytes =
                v.parse().map_err(|_| Error::config("TEILHABE_MAX_BODY_BYTES", "expected a number of bytes"))?;
        }
        if let Some(v) = get("TEILHABE_REQUEST_TIMEOUT_SECS") {
            let secs: u64 = v
                .parse()
                .map_err(|_| Error::config("TEILHABE_REQUEST_TIMEOUT_SECS", "expected a number of seconds"))?;
            config.request_timeout = Duration::from_secs(secs);
        }
        if let Some(v) = get("TEILHABE_HASH_CONCURRENCY") {
            config.hash_concurrency = v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                Error::config("TEILHABE_HASH_CONCURRENCY", "expected a positive number of concurrent hashes")
            })?;
        }
        if let Some(v) = get("TEILHABE_HASH_QUEUE_TIMEOUT_MS") {
            let ms: u64 = v
                .parse()
                .map_err(|_| Error::config("TEILHABE_HASH_QUEUE_TIMEOUT_MS", "expected a number of milliseconds"))?;
            config.hash_queue_timeout = Duration::from_millis(ms);
        }
        config.secure_cookies = config.public_url.starts_with("https://");
        if let Some(v) = get("TEILHABE_WRITE_RATE_PER_MINUTE") {
            config.write_rate_per_minute = v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                Error::config("TEILHABE_WRITE_RATE_PER_MINUTE", "expected a positive number of changes")
            })?;
        }
        if let Some(v) = get("TEILHABE_HEADER_TIMEOUT_SECS") {
            let secs: u64 = v.trim().parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                Error::config("TEILHABE_HEADER_TIMEOUT_SECS", "expected a positive number of seconds")
            })?;
            config.header_timeout = Duration::from_secs(secs);
        }
        if let Some(v) = get("TEILHABE_GRAPHIQL") {
            config.graphiql = match v.trim() {
                "on" => true,
                "off" => false,
                _ => return Err(Error::config("TEILHABE_GRAPHIQL", "expected on or off")),
            };
        }
        config.metrics_token = get("TEILHABE_METRICS_TOKEN").map(|t| t.trim().to_string());
        config.city = get("TEILHABE_CITY").map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        if let Some(v) = get("TEILHABE_METRICS_BIND") {
            config.metrics_bind = Some(
                v.parse()
                    .map_err(|_| Error::config("TEILHABE_METRICS_BIND", "expected host:port, e.g. 127.0.0.1:9090"))?,
            );
        }
        if let Some(v) = get("TEILHABE_REQUIRE_2FA_FOR") {
            config.require_2fa_for =
                v.split(',').map(|r| r.trim().to_ascii_uppercase()).filter(|r| !r.is_empty()).collect();
            if let Some(bad) =
                config.require_2fa_for.iter().find(|r| !matches!(r.as_str(), "ADMIN" | "COORDINATOR" | "MEMBER"))
            {
                return Err(Error::config(
                    "TEILHABE_REQUIRE_2FA_FOR",
                    format!("unknown role {bad}; expected ADMIN, COORDINATOR or MEMBER"),
                ));
            }
        }
        config.oidc = crate::oidc_config::OidcConfig::from_lookup(&get)?;
        Ok(config)
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let c = Config::from_lookup(|_| None).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert!(c.is_sqlite());
        assert_eq!(c.scheduler_interval, Duration::from_secs(60));
        assert!(!c.secure_cookies);
        assert_eq!(c.signed_link_login, SignedLinkLogin::Required);
        assert_eq!((c.write_rate_per_minute, c.header_timeout), (120, Duration::from_secs(10)));
        assert!(c.graphiql && c.metrics_token.is_none() && c.metrics_bind.is_none());
    }

    #[test]
    fn hardening_settings_are_read_and_checked() {
        let env = |k: &str| {
            match k {
                "TEILHABE_WRITE_RATE_PER_MINUTE" => Some("7"),
                "TEILHABE_HEADER_TIMEOUT_SECS" => Some("3"),
                "TEILHABE_GRAPHIQL" => Some("off"),
                "TEILHABE_METRICS_TOKEN" => Some("geheim"),
                "TEILHABE_METRICS_BIND" => Some("127.0.0.1:9090"),
                _ => None,
            }
            .map(str::to_string)
        };
        let c = Config::from_lookup(env).unwrap();
        assert_eq!((c.write_rate_per_minute, c.header_timeout.as_secs()), (7, 3));
        assert!(!c.graphiql);
        assert_eq!(c.metrics_token.as_deref(), Some("geheim"));
        assert_eq!(c.metrics_bind.map(|a| a.port()), Some(9090));
        for key in ["TEILHABE_WRITE_RATE_PER_MINUTE", "TEILHABE_HEADER_TIMEOUT_SECS", "TEILHABE_GRAPHIQL"] {
            let err = Config::from_lookup(|k| (k == key).then(|| "0x".to_string())).unwrap_err();
            assert!(err.to_string().contains(key), "{err}");
        }
    }

    #[test]
    fn the_signed_link_policy_is_read_and_checked() {
        let with = |v: &str| {
            let v = v.to_string();
            Config::from_lookup(move |k| (k == "TEILHABE_SIGNED_LINK_LOGIN").then(|| v.clone()))
        };
        assert_eq!(with("not_required").unwrap().signed_link_login, SignedLinkLogin::NotRequired);
        assert_eq!(with("required").unwrap().signed_link_login, SignedLinkLogin::Required);
        assert!(with("nein").unwrap_err().to_string().contains("TEILHABE_SIGNED_LINK_LOGIN"));
    }

    #[test]
    fn bad_values_are_refused_with_the_variable_named() {
        let err = Config::from_lookup(|k| (k == "TEILHABE_BIND").then(|| "nonsense".to_string())).unwrap_err();
        assert!(err.to_string().contains("TEILHABE_BIND"));
        let err =
            Config::from_lookup(|k| (k == "TEILHABE_SCHEDULER_INTERVAL_SECS").then(|| "0".to_string())).unwrap_err();
        assert!(err.to_string().contains("SCHEDULER"));
    }

    #[test]
    fn the_roles_needing_a_second_factor_are_read_and_checked() {
        let with = |v: &str| {
            let v = v.to_string();
            Config::from_lookup(move |k| (k == "TEILHABE_REQUIRE_2FA_FOR").then(|| v.clone()))
        };
        assert_eq!(with("admin, COORDINATOR").unwrap().require_2fa_for, ["ADMIN", "COORDINATOR"]);
        assert!(Config::default().require_2fa_for.is_empty());
        assert!(with("CHEF").unwrap_err().to_string().contains("TEILHABE_REQUIRE_2FA_FOR"));
    }

    #[test]
    fn https_public_url_turns_on_secure_cookies() {
        let c = Config::from_lookup(|k| (k == "TEILHABE_PUBLIC_URL").then(|| "https://teilhabe.example/".to_string()))
            .unwrap();
        assert!(c.secure_cookies);
        assert_eq!(c.public_url, "https://teilhabe.example");
    }
}
