//! A small OpenID provider on loopback for the tests: discovery, JWKS, an end-session endpoint
//! and a token endpoint that checks PKCE and answers an RS256 ID token the test composed, so
//! that every check of the server's sign-in (done by `openidconnect`) can be made to fail.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
};

use axum::{
    Form, Json, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::Engine;
use rsa::{
    RsaPrivateKey,
    pkcs1v15::SigningKey,
    signature::{SignatureEncoding, Signer},
    traits::PublicKeyParts,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const KEY_ID: &str = "test-key";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The provider's signing key and another one it never publishes, generated once per test run.
pub fn keys() -> &'static (RsaPrivateKey, RsaPrivateKey) {
    static KEYS: OnceLock<(RsaPrivateKey, RsaPrivateKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rand::thread_rng();
        (RsaPrivateKey::new(&mut rng, 2048).unwrap(), RsaPrivateKey::new(&mut rng, 2048).unwrap())
    })
}

/// A compact JWS (RS256) over `claims`, signed by `key` under the published key id.
pub fn sign(key: &RsaPrivateKey, claims: &Value) -> String {
    let header = b64(json!({"alg": "RS256", "typ": "JWT", "kid": KEY_ID}).to_string().as_bytes());
    let payload = b64(claims.to_string().as_bytes());
    let input = format!("{header}.{payload}");
    let signature = SigningKey::<Sha256>::new(key.clone()).sign(input.as_bytes()).to_vec();
    format!("{input}.{}", b64(&signature))
}

/// What the token endpoint answers for one code.
struct Grant {
    id_token: String,
    challenge: String,
}

#[derive(Clone)]
struct Shared {
    issuer: String,
    grants: Arc<Mutex<HashMap<String, Grant>>>,
}

pub struct Provider {
    pub issuer: String,
    shared: Shared,
}

impl Provider {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let shared = Shared { issuer: issuer.clone(), grants: Arc::default() };
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { issuer, shared }
    }

    /// Makes `code` answer an ID token with `claims`, signed by `key`, for the PKCE `challenge`.
    pub fn issue(&self, code: &str, claims: &Value, key: &RsaPrivateKey, challenge: &str) {
        let grant = Grant { id_token: sign(key, claims), challenge: challenge.to_string() };
        self.shared.grants.lock().unwrap().insert(code.to_string(), grant);
    }
}

async fn discovery(State(s): State<Shared>) -> Json<Value> {
    let i = &s.issuer;
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "end_session_endpoint": format!("{i}/logout"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks() -> Json<Value> {
    let public = keys().0.to_public_key();
    Json(json!({"keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": KEY_ID,
        "n": b64(&public.n().to_bytes_be()), "e": b64(&public.e().to_bytes_be()),
    }]}))
}

/// Answers the code's ID token once, and only to the holder of the PKCE verifier.
async fn token(State(s): State<Shared>, Form(form): Form<HashMap<String, String>>) -> Response {
    let refuse = || (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant"}))).into_response();
    let Some(code) = form.get("code") else { return refuse() };
    let Some(grant) = s.grants.lock().unwrap().remove(code) else { return refuse() };
    let verifier = form.get("code_verifier").map(String::as_str).unwrap_or_default();
    if b64(&Sha256::digest(verifier.as_bytes())) != grant.challenge {
        return refuse();
    }
    Json(json!({"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": grant.id_token}))
        .into_response()
}
