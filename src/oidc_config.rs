//! Single sign-on settings (`TEILHABE_OIDC_*`), read and checked at start-up; the sign-in itself
//! lives in `accounts::oidc`.

use openidconnect::IssuerUrl;

use crate::error::Error;

pub const DEFAULT_LABEL: &str = "Mit dem Stadtkonto anmelden";

/// Single sign-on as configured by `TEILHABE_OIDC_*`.
#[derive(Clone)]
pub struct OidcConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// The claim holding the email address (`TEILHABE_OIDC_EMAIL_CLAIM`, default `email`).
    pub email_claim: String,
    /// The claim that must be true for the email to count as verified
    /// (`TEILHABE_OIDC_EMAIL_VERIFIED_CLAIM`, default `email_verified`; Entra ID: `xms_edov`).
    pub email_verified_claim: String,
    /// The claim holding the person's groups (`TEILHABE_OIDC_GROUPS_CLAIM`).
    pub groups_claim: Option<String>,
    pub group_map: Vec<GroupRule>,
    /// The login button's text (`TEILHABE_OIDC_LABEL`).
    pub label: String,
    /// Scopes asked for besides `openid` (`TEILHABE_OIDC_SCOPES`, default `email profile`).
    pub scopes: Vec<String>,
    /// Whether people who signed in by SSO may still use a password (`TEILHABE_OIDC_PASSWORD_LOGIN`).
    pub password_login: bool,
}

/// The secret stays out of logs that print the configuration.
impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("email_claim", &self.email_claim)
            .field("email_verified_claim", &self.email_verified_claim)
            .field("groups_claim", &self.groups_claim)
            .field("group_map", &self.group_map)
            .field("password_login", &self.password_login)
            .finish()
    }
}

/// One entry of `TEILHABE_OIDC_GROUP_MAP`: members of `group` get `role`, and membership of the
/// organisation named `organization` if given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRule {
    pub group: String,
    /// Upper case: ADMIN, COORDINATOR or MEMBER (checked when read).
    pub role: String,
    pub organization: Option<String>,
}

impl OidcConfig {
    /// Reads `TEILHABE_OIDC_*`; `None` when no issuer is set. Mistakes are refused at start-up.
    pub fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        let Some(issuer) = get("TEILHABE_OIDC_ISSUER").map(|v| v.trim().trim_end_matches('/').to_string()) else {
            return Ok(None);
        };
        IssuerUrl::new(issuer.clone()).ok().filter(|u| matches!(u.url().scheme(), "https" | "http")).ok_or_else(
            || {
                Error::config(
                    "TEILHABE_OIDC_ISSUER",
                    "expected the provider's URL, e.g. https://login.example/realms/stadt",
                )
            },
        )?;
        let client_id = get("TEILHABE_OIDC_CLIENT_ID")
            .map(|v| v.trim().to_string())
            .ok_or_else(|| Error::config("TEILHABE_OIDC_CLIENT_ID", "needed with TEILHABE_OIDC_ISSUER"))?;
        let group_map = match get("TEILHABE_OIDC_GROUP_MAP") {
            Some(raw) => parse_group_map(&raw).map_err(|e| Error::config("TEILHABE_OIDC_GROUP_MAP", e))?,
            None => Vec::new(),
        };
        let groups_claim = get("TEILHABE_OIDC_GROUPS_CLAIM").map(|v| v.trim().to_string());
        if !group_map.is_empty() && groups_claim.is_none() {
            return Err(Error::config("TEILHABE_OIDC_GROUPS_CLAIM", "needed with TEILHABE_OIDC_GROUP_MAP"));
        }
        let password_login = match get("TEILHABE_OIDC_PASSWORD_LOGIN").as_deref().map(str::trim) {
            None | Some("on") => true,
            Some("off") => false,
            Some(_) => return Err(Error::config("TEILHABE_OIDC_PASSWORD_LOGIN", "expected on or off")),
        };
        Ok(Some(Self {
            issuer,
            client_id,
            client_secret: get("TEILHABE_OIDC_CLIENT_SECRET"),
            email_claim: get("TEILHABE_OIDC_EMAIL_CLAIM").map_or_else(|| "email".into(), |v| v.trim().to_string()),
            email_verified_claim: get("TEILHABE_OIDC_EMAIL_VERIFIED_CLAIM")
                .map_or_else(|| "email_verified".into(), |v| v.trim().to_string()),
            groups_claim,
            group_map,
            label: get("TEILHABE_OIDC_LABEL").map_or_else(|| DEFAULT_LABEL.into(), |v| v.trim().to_string()),
            scopes: get("TEILHABE_OIDC_SCOPES").map_or_else(
                || vec!["email".into(), "profile".into()],
                |v| v.split([' ', ',']).filter(|s| !s.is_empty() && *s != "openid").map(str::to_string).collect(),
            ),
            password_login,
        }))
    }
}

/// Parses `group=ROLE[:Organisation]; group=ROLE[:Organisation]; …`. Entries are separated by `;`
/// because organisation names may contain commas; the organisation is named as in teilhabe.
pub fn parse_group_map(raw: &str) -> Result<Vec<GroupRule>, String> {
    let mut rules = Vec::new();
    for entry in raw.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let (group, target) = entry
            .split_once('=')
            .ok_or_else(|| format!("`{entry}`: expected group=ROLE or group=ROLE:Organisation"))?;
        let group = group.trim();
        if group.is_empty() {
            return Err(format!("`{entry}`: the group name is empty"));
        }
        let (role, organization) = match target.split_once(':') {
            Some((role, org)) => (role, Some(org.trim()).filter(|o| !o.is_empty())),
            None => (target, None),
        };
        let role = role.trim().to_ascii_uppercase();
        if !matches!(role.as_str(), "ADMIN" | "COORDINATOR" | "MEMBER") {
            return Err(format!("`{entry}`: unknown role {role}; expected ADMIN, COORDINATOR or MEMBER"));
        }
        if rules.iter().any(|r: &GroupRule| r.group == group) {
            return Err(format!("the group {group} is named twice"));
        }
        rules.push(GroupRule { group: group.to_string(), role, organization: organization.map(str::to_string) });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Option<OidcConfig>, Error> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        OidcConfig::from_lookup(&|k: &str| map.get(k).cloned())
    }

    #[test]
    fn the_group_map_is_parsed_with_roles_and_organisations() {
        let rules =
            parse_group_map("stadt-admins=ADMIN; integration=coordinator:Integrationsbüro, Stadt X ;partner=MEMBER")
                .unwrap();
        assert_eq!(
            rules,
            [
                GroupRule { group: "stadt-admins".into(), role: "ADMIN".into(), organization: None },
                GroupRule {
                    group: "integration".into(),
                    role: "COORDINATOR".into(),
                    organization: Some("Integrationsbüro, Stadt X".into())
                },
                GroupRule { group: "partner".into(), role: "MEMBER".into(), organization: None },
            ]
        );
        assert!(parse_group_map("").unwrap().is_empty());
    }

    #[test]
    fn a_bad_group_map_is_refused_with_the_entry_named() {
        for (raw, says) in [
            ("admins", "`admins`"),
            ("admins=BOSS", "unknown role BOSS"),
            ("=ADMIN", "group name is empty"),
            ("a=ADMIN;a=MEMBER", "named twice"),
        ] {
            let err = parse_group_map(raw).unwrap_err();
            assert!(err.contains(says), "{raw}: {err}");
        }
        let err = config(&[
            ("TEILHABE_OIDC_ISSUER", "https://login.example"),
            ("TEILHABE_OIDC_CLIENT_ID", "teilhabe"),
            ("TEILHABE_OIDC_GROUPS_CLAIM", "groups"),
            ("TEILHABE_OIDC_GROUP_MAP", "x=CHEF"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("TEILHABE_OIDC_GROUP_MAP"), "{err}");
    }

    #[test]
    fn configuration_is_read_and_checked() {
        assert!(config(&[]).unwrap().is_none());
        let c = config(&[
            ("TEILHABE_OIDC_ISSUER", "https://login.example/realms/stadt/"),
            ("TEILHABE_OIDC_CLIENT_ID", "t"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(c.issuer, "https://login.example/realms/stadt");
        assert_eq!((c.email_claim.as_str(), c.label.as_str()), ("email", DEFAULT_LABEL));
        assert!(c.password_login && c.client_secret.is_none());
        assert_eq!(c.scopes, ["email", "profile"]);
        assert!(!format!("{c:?}").contains("geheim"));
        let err = config(&[("TEILHABE_OIDC_ISSUER", "https://login.example")]).unwrap_err();
        assert!(err.to_string().contains("TEILHABE_OIDC_CLIENT_ID"));
        let err = config(&[("TEILHABE_OIDC_ISSUER", "nonsense"), ("TEILHABE_OIDC_CLIENT_ID", "t")]).unwrap_err();
        assert!(err.to_string().contains("TEILHABE_OIDC_ISSUER"));
        let off = config(&[
            ("TEILHABE_OIDC_ISSUER", "https://l.example"),
            ("TEILHABE_OIDC_CLIENT_ID", "t"),
            ("TEILHABE_OIDC_CLIENT_SECRET", "geheim"),
            ("TEILHABE_OIDC_PASSWORD_LOGIN", "off"),
        ])
        .unwrap()
        .unwrap();
        assert!(!off.password_login && !format!("{off:?}").contains("geheim"));
        let err = config(&[
            ("TEILHABE_OIDC_ISSUER", "https://l.example"),
            ("TEILHABE_OIDC_CLIENT_ID", "t"),
            ("TEILHABE_OIDC_PASSWORD_LOGIN", "nein"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("TEILHABE_OIDC_PASSWORD_LOGIN"));
    }
}
