//! OpenID Connect sign-in (authorisation code flow with PKCE): its configuration, the provider's
//! discovery, the signed cookie that carries one flow, and the ID token checked by `openidconnect`.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, Mutex},
    time::{Duration, Instant},
};

use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use openidconnect::{
    AdditionalClaims, AdditionalProviderMetadata, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret,
    CsrfToken, EmptyExtraTokenFields, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields,
    IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadata, RedirectUrl, Scope, StandardErrorResponse,
    StandardTokenResponse, TokenResponse,
    core::{
        CoreAuthDisplay, CoreAuthPrompt, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreErrorResponseType,
        CoreGenderClaim, CoreGrantType, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
        CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType, CoreRevocableToken,
        CoreRevocationErrorResponse, CoreSubjectIdentifierType, CoreTokenIntrospectionResponse, CoreTokenType,
    },
    reqwest,
};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::entities::Role;
pub use crate::oidc_config::{GroupRule, OidcConfig};
use crate::state::AppState;

/// The path the provider sends the browser back to, below `TEILHABE_PUBLIC_URL`.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";
/// The cookie that carries one flow's state, nonce and PKCE verifier from login to callback.
pub const FLOW_COOKIE: &str = "teilhabe_oidc";
/// How long a person may take at the provider before the flow must start again.
const FLOW_MINUTES: i64 = 10;
/// How long a discovery (endpoints and signing keys) is reused before it is fetched again, so
/// that a provider's rotated keys are picked up without a restart.
const DISCOVERY_TTL: Duration = Duration::from_secs(600);
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// What the mapping gives a person in `groups`: the highest role of the matching entries and
/// every organisation they name; `None` when no entry matches.
pub fn map_groups(rules: &[GroupRule], groups: &[String]) -> Option<(Role, Vec<String>)> {
    let rank = |r: Role| match r {
        Role::Admin => 2,
        Role::Coordinator => 1,
        Role::Member => 0,
    };
    let matching: Vec<&GroupRule> = rules.iter().filter(|r| groups.contains(&r.group)).collect();
    // The roles were checked at start-up; one that does not parse cannot occur.
    let role = matching.iter().filter_map(|r| r.role.parse::<Role>().ok()).max_by_key(|r| rank(*r))?;
    let mut organizations: Vec<String> = matching.iter().filter_map(|r| r.organization.clone()).collect();
    organizations.dedup();
    Some((role, organizations))
}

// ---- the provider ---------------------------------------------------------------------

/// The provider's end-session endpoint, which the core metadata leaves out.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct LogoutMetadata {
    end_session_endpoint: Option<EndSessionUrl>,
}
impl AdditionalProviderMetadata for LogoutMetadata {}

/// Every claim besides the standard ones, so that the configured email and groups claims can
/// be read from the verified token.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    claims: serde_json::Map<String, serde_json::Value>,
}
impl AdditionalClaims for OtherClaims {}

type Metadata = ProviderMetadata<
    LogoutMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

type Tokens = StandardTokenResponse<
    IdTokenFields<
        OtherClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

type Client = openidconnect::Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Discoveries by issuer. Kept outside the application state so that a provider that is down
/// at start-up costs nothing until someone signs in; several test servers in one process each
/// have their own issuer.
/// A failed discovery is remembered too (`None`), for [`DISCOVERY_RETRY`].
type Discoveries = HashMap<String, (Instant, Option<Arc<Metadata>>)>;
static DISCOVERED: LazyLock<Mutex<Discoveries>> = LazyLock::new(Default::default);
/// One discovery at a time: while the provider is slow or down, anonymous requests (the login
/// page asks for the end-session URL) must not each start an outbound request of up to
/// [`HTTP_TIMEOUT`].
static DISCOVERING: LazyLock<tokio::sync::Mutex<()>> = LazyLock::new(Default::default);
/// How long a failed discovery is not tried again.
const DISCOVERY_RETRY: Duration = Duration::from_secs(30);

/// The cached discovery of `issuer`: `Some(Ok)` fresh, `Some(Err)` failed a moment ago.
fn cached(issuer: &str) -> Option<Result<Arc<Metadata>, Failure>> {
    let cache = DISCOVERED.lock().ok()?;
    match cache.get(issuer)? {
        (at, Some(found)) if at.elapsed() < DISCOVERY_TTL => Some(Ok(found.clone())),
        (at, None) if at.elapsed() < DISCOVERY_RETRY => Some(Err(Failure::Unavailable)),
        _ => None,
    }
}

/// Why a sign-in by SSO failed, as the code the login page explains in German.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The provider cannot be reached or answers nonsense.
    Unavailable,
    /// The flow cookie is missing, expired, tampered with, or its state differs.
    State,
    /// The person cancelled at the provider or the provider refused.
    Denied,
    /// The code exchange or the ID token failed a check (signature, issuer, audience, expiry, nonce).
    Token,
    /// The provider has not verified the email address, or sent none.
    Email,
    /// The matching account is deactivated or already linked to another SSO identity.
    Account,
}

impl Failure {
    pub fn code(self) -> &'static str {
        match self {
            Failure::Unavailable => "sso_unavailable",
            Failure::State => "sso_expired",
            Failure::Denied => "sso_denied",
            Failure::Token => "sso_invalid",
            Failure::Email => "sso_email",
            Failure::Account => "sso_account",
        }
    }
}

fn http_client() -> Result<reqwest::Client, Failure> {
    // Following redirects would let a provider's answer send the server elsewhere (SSRF).
    reqwest::ClientBuilder::new().redirect(reqwest::redirect::Policy::none()).timeout(HTTP_TIMEOUT).build().map_err(
        |e| {
            tracing::error!(error = %e, "cannot build the OpenID Connect HTTP client");
            Failure::Unavailable
        },
    )
}

async fn metadata(config: &OidcConfig) -> Result<Arc<Metadata>, Failure> {
    if let Some(known) = cached(&config.issuer) {
        return known;
    }
    let _one = DISCOVERING.lock().await;
    // Another request may have discovered (or failed) while this one waited.
    if let Some(known) = cached(&config.issuer) {
        return known;
    }
    let issuer = IssuerUrl::new(config.issuer.clone()).map_err(|_| Failure::Unavailable)?;
    let found = Metadata::discover_async(issuer, &http_client()?).await.map(Arc::new).map_err(|e| {
        tracing::warn!(error = %e, issuer = %config.issuer, "OpenID Connect discovery failed");
        Failure::Unavailable
    });
    if let Ok(mut cache) = DISCOVERED.lock() {
        cache.insert(config.issuer.clone(), (Instant::now(), found.as_ref().ok().cloned()));
    }
    found
}

fn client(state: &AppState, config: &OidcConfig, metadata: &Metadata) -> Result<Client, Failure> {
    let redirect = RedirectUrl::new(format!("{}{CALLBACK_PATH}", state.config.public_url)).map_err(|e| {
        tracing::error!(error = %e, "TEILHABE_PUBLIC_URL does not make a valid redirect URL");
        Failure::Unavailable
    })?;
    Ok(Client::from_provider_metadata(
        metadata.clone(),
        ClientId::new(config.client_id.clone()),
        config.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect))
}

/// The provider's end-session URL, if it has one (for "also sign out at the city's login").
pub async fn end_session_url(state: &AppState) -> Option<String> {
    let config = state.config.oidc.as_ref()?;
    let found = metadata(config).await.ok()?;
    let mut url = found.additional_metadata().end_session_endpoint.as_ref()?.url().clone();
    url.query_pairs_mut()
        .append_pair("client_id", &config.client_id)
        .append_pair("post_logout_redirect_uri", &format!("{}/login", state.config.public_url));
    Some(url.to_string())
}

// ---- one flow ----------------------------------------------------------------------------

/// What the browser carries from the start of a flow to its callback, signed by the server.
#[derive(Debug, Serialize, Deserialize)]
struct Flow {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
    expires: i64,
}

type HmacSha256 = Hmac<Sha256>;

fn flow_mac(key: &[u8], payload: &str) -> Result<HmacSha256, Failure> {
    let mut mac = HmacSha256::new_from_slice(key).map_err(|_| Failure::Unavailable)?;
    mac.update(b"oidc-flow|");
    mac.update(payload.as_bytes());
    Ok(mac)
}

fn seal(key: &[u8], flow: &Flow) -> Result<String, Failure> {
    let json = serde_json::to_vec(flow).map_err(|_| Failure::Unavailable)?;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    let tag = flow_mac(key, &payload)?.finalize().into_bytes();
    Ok(format!("{payload}.{}", hex::encode(tag)))
}

/// The flow in `value` if the server signed it and it has not expired.
fn unseal(key: &[u8], value: &str, now: DateTime<Utc>) -> Option<Flow> {
    let (payload, tag) = value.split_once('.')?;
    flow_mac(key, payload).ok()?.verify_slice(&hex::decode(tag).ok()?).ok()?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    let flow: Flow = serde_json::from_slice(&json).ok()?;
    (flow.expires > now.timestamp()).then_some(flow)
}

/// Where to go after signing in: only a path of this site, never another host.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers drop tabs and line breaks from URLs: "/\t/evil.example" would become "//evil…".
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.contains("://")
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// A started flow: where to send the browser, and the cookie it must bring back.
pub struct Started {
    pub authorize_url: String,
    pub cookie: String,
}

/// Starts a sign-in: a fresh state, nonce and PKCE pair; the provider's URL to send the person to.
/// `key` signs the flow cookie.
pub async fn start(state: &AppState, key: &[u8], next: Option<&str>) -> Result<Started, Failure> {
    let config = state.config.oidc.as_ref().ok_or(Failure::Unavailable)?;
    let found = metadata(config).await?;
    let client = client(state, config, &found)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scopes(config.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge)
        .url();
    let flow = Flow {
        state: csrf.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        next: safe_next(next),
        expires: (state.now() + chrono::Duration::minutes(FLOW_MINUTES)).timestamp(),
    };
    let cookie = seal(key, &flow)?;
    Ok(Started { authorize_url: url.to_string(), cookie })
}

/// The person the provider vouched for.
#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: String,
    pub name: Option<String>,
    pub groups: Vec<String>,
}

/// Where the person wanted to go, once the flow of `cookie` is known to be this browser's.
pub struct Finished {
    pub identity: Identity,
    pub next: String,
}

/// Completes a flow: the cookie must be this server's and unexpired with the returned state;
/// the code is exchanged with the PKCE verifier, and the ID token's signature, issuer,
/// audience, expiry (against the injected clock) and nonce are checked by `openidconnect`.
pub async fn finish(
    state: &AppState,
    key: &[u8],
    cookie: Option<&str>,
    returned_state: &str,
    code: &str,
) -> Result<Finished, Failure> {
    let config = state.config.oidc.as_ref().ok_or(Failure::Unavailable)?;
    let now = state.now();
    let flow = cookie.and_then(|c| unseal(key, c, now)).ok_or(Failure::State)?;
    // Not secret against timing: the state only binds this browser to its own flow.
    if flow.state != returned_state {
        return Err(Failure::State);
    }
    let found = metadata(config).await?;
    let client = client(state, config, &found)?;
    let http = http_client()?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|_| Failure::Unavailable)?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()))
        .request_async(&http)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "OpenID Connect code exchange failed");
            Failure::Token
        })?;
    let id_token = tokens.id_token().ok_or(Failure::Token)?;
    let verifier = client.id_token_verifier().set_time_fn(move || now);
    let claims = id_token.claims(&verifier, &Nonce::new(flow.nonce.clone())).map_err(|e| {
        tracing::warn!(error = %e, "ID token refused");
        Failure::Token
    })?;
    let other = &claims.additional_claims().claims;
    let verified = if config.email_verified_claim == "email_verified" {
        claims.email_verified() == Some(true)
    } else {
        matches!(other.get(&config.email_verified_claim), Some(serde_json::Value::Bool(true)))
            || other.get(&config.email_verified_claim).and_then(|v| v.as_str()) == Some("true")
    };
    if !verified {
        return Err(Failure::Email);
    }
    let email = if config.email_claim == "email" {
        claims.email().map(|e| e.to_string())
    } else {
        other.get(&config.email_claim).and_then(|v| v.as_str()).map(str::to_string)
    };
    let email = email.ok_or(Failure::Email)?;
    let groups = config
        .groups_claim
        .as_ref()
        .and_then(|c| other.get(c))
        .map(|v| match v {
            serde_json::Value::Array(items) => items.iter().filter_map(|g| g.as_str().map(str::to_string)).collect(),
            serde_json::Value::String(one) => vec![one.clone()],
            _ => Vec::new(),
        })
        .unwrap_or_default();
    let identity = Identity {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        email,
        name: claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
        groups,
    };
    Ok(Finished { identity, next: flow.next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_matching_role_wins_and_organisations_add_up() {
        let rules = crate::oidc_config::parse_group_map("a=MEMBER:Verein;b=COORDINATOR:Amt;c=ADMIN").unwrap();
        let groups = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            map_groups(&rules, &groups(&["a", "b", "z"])),
            Some((Role::Coordinator, vec!["Verein".into(), "Amt".into()]))
        );
        assert_eq!(map_groups(&rules, &groups(&["c"])), Some((Role::Admin, vec![])));
        assert_eq!(map_groups(&rules, &groups(&["z"])), None);
    }

    #[test]
    fn only_paths_of_this_site_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/indikatoren?x=1")), "/indikatoren?x=1");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "evil",
            "/\\evil.example",
            "/x?u=https://e",
            "/\t/evil.example",
            "/\n/evil",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_flow_cookie_is_refused_when_tampered_with_or_expired() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 2, 9, 0, 0).unwrap();
        let flow = Flow {
            state: "s".into(),
            nonce: "n".into(),
            verifier: "v".into(),
            next: "/".into(),
            expires: now.timestamp() + 60,
        };
        let sealed = seal(b"key", &flow).unwrap();
        assert_eq!(unseal(b"key", &sealed, now).map(|f| f.state), Some("s".into()));
        assert!(unseal(b"other", &sealed, now).is_none());
        assert!(unseal(b"key", &sealed, now + chrono::Duration::seconds(61)).is_none());
        let forged = seal(b"key", &Flow { state: "t".into(), ..flow }).unwrap();
        let (payload, _) = forged.split_once('.').unwrap();
        let (_, tag) = sealed.split_once('.').unwrap();
        assert!(unseal(b"key", &format!("{payload}.{tag}"), now).is_none());
    }
}
