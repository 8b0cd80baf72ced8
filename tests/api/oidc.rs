//! Single sign-on against a provider on loopback: the whole redirect flow over HTTP, and each
//! check of the callback (state, nonce, signature, issuer, audience, expiry, verified email) made
//! to fail once; group mapping, matching by email, and password login switched off.

use std::collections::HashMap;

use chrono::Duration;
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use teilhabe::{config::Config, oidc_config::OidcConfig};

use crate::{
    on_both_databases,
    support::{
        Backend, PASSWORD, TestApp, code,
        oidc::{Provider, keys},
    },
};

const CLIENT_ID: &str = "teilhabe";

fn configure(config: &mut Config, issuer: &str, extra: &[(&str, &str)]) {
    let mut env: HashMap<String, String> = HashMap::from([
        ("TEILHABE_OIDC_ISSUER".into(), issuer.to_string()),
        ("TEILHABE_OIDC_CLIENT_ID".into(), CLIENT_ID.into()),
        ("TEILHABE_OIDC_CLIENT_SECRET".into(), "geheim".into()),
        ("TEILHABE_OIDC_GROUPS_CLAIM".into(), "groups".into()),
        ("TEILHABE_OIDC_GROUP_MAP".into(), "stadt-admins=ADMIN; integration=COORDINATOR:Integrationsbüro".into()),
    ]);
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    config.oidc = OidcConfig::from_lookup(&|k: &str| env.get(k).cloned()).unwrap();
}

async fn start(b: Backend, extra: &[(&str, &str)]) -> (TestApp, Provider) {
    let provider = Provider::start().await;
    let issuer = provider.issuer.clone();
    let app = TestApp::start_with(b, |c| configure(c, &issuer, extra)).await;
    (app, provider)
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn location(res: &reqwest::Response) -> String {
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{res:?}");
    res.headers()[header::LOCATION].to_str().unwrap().to_string()
}

/// The value of the cookie `name` a response sets, if any.
fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers().get_all(header::SET_COOKIE).iter().find_map(|v| {
        let v = v.to_str().unwrap();
        v.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap().to_string())
    })
}

/// A flow begun at `/auth/oidc/login`: what the browser was told to send to the provider.
struct Begun {
    cookie: String,
    state: String,
    nonce: String,
    challenge: String,
}

async fn begin(app: &TestApp, provider: &Provider) -> Begun {
    let res = browser().get(format!("{}/auth/oidc/login?next=/indikatoren", app.base)).send().await.unwrap();
    let to = url::Url::parse(&location(&res)).unwrap();
    assert!(to.as_str().starts_with(&format!("{}/authorize?", provider.issuer)), "{to}");
    let q: HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert_eq!((q["response_type"].as_str(), q["client_id"].as_str()), ("code", CLIENT_ID));
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["redirect_uri"], format!("{}/auth/oidc/callback", app.state.config.public_url));
    let cookie = set_cookie(&res, "teilhabe_oidc").unwrap();
    Begun { cookie, state: q["state"].clone(), nonce: q["nonce"].clone(), challenge: q["code_challenge"].clone() }
}

/// The claims a well-behaved provider sends for `begun`.
fn claims(app: &TestApp, provider: &Provider, begun: &Begun, email: &str, groups: &[&str]) -> Value {
    let now = app.clock_now().timestamp();
    json!({
        "iss": provider.issuer, "sub": format!("sub-{email}"), "aud": CLIENT_ID,
        "iat": now, "exp": now + 300, "nonce": begun.nonce,
        "email": email, "email_verified": true, "name": "Erika Muster", "groups": groups,
    })
}

async fn callback(app: &TestApp, begun: &Begun, code: &str, state: &str) -> reqwest::Response {
    browser()
        .get(format!("{}/auth/oidc/callback?code={code}&state={state}", app.base))
        .header(header::COOKIE, format!("teilhabe_oidc={}", begun.cookie))
        .send()
        .await
        .unwrap()
}

/// Runs the flow with `claims` signed by the provider's key; answers the callback's response.
async fn complete(app: &TestApp, provider: &Provider, begun: &Begun, claims: &Value) -> reqwest::Response {
    provider.issue("code-1", claims, &keys().0, &begun.challenge);
    callback(app, begun, "code-1", &begun.state).await
}

/// The person a session cookie belongs to, asked as the web app asks.
async fn me(app: &TestApp, session: &str) -> Value {
    let res = app
        .http
        .post(format!("{}/graphql", app.base))
        .header(header::COOKIE, format!("teilhabe_session={session}"))
        .header("x-teilhabe-csrf", "1")
        .json(&json!({"query": "{ me { id email name role organizations { name } } }"}))
        .send()
        .await
        .unwrap();
    res.json::<Value>().await.unwrap()["data"]["me"].clone()
}

async fn a_new_person_signs_in_with_the_mapped_role(b: Backend) {
    let (app, provider) = start(b, &[]).await;
    let admin = app.admin().await;
    app.create_org(&admin, "Integrationsbüro", "ADMINISTRATION").await;
    let options = app
        .ok(None, "{ signInOptions { passwords signInLinks oidc { label loginPath endSessionUrl } } }", json!({}))
        .await;
    assert_eq!(options["signInOptions"]["oidc"]["label"], "Mit dem Stadtkonto anmelden");
    assert_eq!(options["signInOptions"]["oidc"]["loginPath"], "/auth/oidc/login");
    let end = options["signInOptions"]["oidc"]["endSessionUrl"].as_str().unwrap();
    assert!(
        end.starts_with(&format!("{}/logout?client_id=teilhabe&post_logout_redirect_uri=", provider.issuer)),
        "{end}"
    );

    let begun = begin(&app, &provider).await;
    let res = complete(
        &app,
        &provider,
        &begun,
        &claims(&app, &provider, &begun, "Erika@Stadt.example", &["integration", "x"]),
    )
    .await;
    assert_eq!(location(&res), "/indikatoren", "back where the person wanted to go");
    assert_eq!(set_cookie(&res, "teilhabe_oidc").as_deref(), Some(""), "the flow cookie is cleared");
    let session = set_cookie(&res, "teilhabe_session").unwrap();
    let person = me(&app, &session).await;
    assert_eq!(person["email"], "erika@stadt.example");
    assert_eq!(person["name"], "Erika Muster");
    assert_eq!(person["role"], "COORDINATOR");
    assert_eq!(person["organizations"], json!([{"name": "Integrationsbüro"}]));
    let audit = app.ok(Some(&admin), "{ auditLog(first: 5) { nodes { action summary } } }", json!({})).await;
    assert!(audit.to_string().contains("Anmeldung per Single Sign-on"), "{audit}");

    // The next sign-in finds the person by subject even with a new address, and a code is good once.
    let again = begin(&app, &provider).await;
    let res =
        complete(&app, &provider, &again, &claims(&app, &provider, &again, "Erika@Stadt.example", &["stadt-admins"]))
            .await;
    let second = set_cookie(&res, "teilhabe_session").unwrap();
    let same = me(&app, &second).await;
    assert_eq!(
        (same["id"].clone(), same["role"].clone()),
        (person["id"].clone(), json!("COORDINATOR")),
        "roles are not changed by later sign-ins"
    );
    let replay = callback(&app, &again, "code-1", &again.state).await;
    assert_eq!(location(&replay), "/login?error=sso_invalid");

    // Logout ends the teilhabe session as with a password login.
    let out = app
        .http
        .post(format!("{}/graphql", app.base))
        .header(header::COOKIE, format!("teilhabe_session={second}"))
        .header("x-teilhabe-csrf", "1")
        .json(&json!({"query": "mutation { logout }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(out.json::<Value>().await.unwrap()["data"]["logout"], true);
    assert!(me(&app, &second).await.is_null());
    assert!(!me(&app, &session).await.is_null(), "only the session that logged out ends");
}

async fn each_check_of_the_callback_refuses(b: Backend) {
    let (app, provider) = start(b, &[]).await;
    let (good_key, other_key) = keys();
    type Tweak = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Tweak, &str)> = vec![
        ("wrong nonce", Box::new(|c| c["nonce"] = json!("ein-anderer")), "sso_invalid"),
        ("expired", Box::new(|c| c["exp"] = json!(c["iat"].as_i64().unwrap() - 600)), "sso_invalid"),
        ("wrong audience", Box::new(|c| c["aud"] = json!("another-app")), "sso_invalid"),
        ("wrong issuer", Box::new(|c| c["iss"] = json!("https://evil.example")), "sso_invalid"),
        ("unverified email", Box::new(|c| c["email_verified"] = json!(false)), "sso_email"),
        ("no email_verified", Box::new(|c| _ = c.as_object_mut().unwrap().remove("email_verified")), "sso_email"),
    ];
    for (what, tweak, expected) in cases {
        let begun = begin(&app, &provider).await;
        let mut c = claims(&app, &provider, &begun, "mallory@stadt.example", &["stadt-admins"]);
        tweak(&mut c);
        let res = complete(&app, &provider, &begun, &c).await;
        assert_eq!(location(&res), format!("/login?error={expected}"), "{what}");
        assert!(set_cookie(&res, "teilhabe_session").is_none(), "{what}: no session");
    }

    // Signed by a key the provider never published, under its key id.
    let begun = begin(&app, &provider).await;
    let c = claims(&app, &provider, &begun, "mallory@stadt.example", &[]);
    provider.issue("forged", &c, other_key, &begun.challenge);
    assert_eq!(location(&callback(&app, &begun, "forged", &begun.state).await), "/login?error=sso_invalid");

    // A tampered state, a missing or forged flow cookie, a stale flow, a refusal at the provider.
    let begun = begin(&app, &provider).await;
    provider.issue("c2", &claims(&app, &provider, &begun, "mallory@stadt.example", &[]), good_key, &begun.challenge);
    let tampered = callback(&app, &begun, "c2", &format!("{}x", begun.state)).await;
    assert_eq!(location(&tampered), "/login?error=sso_expired");
    let no_cookie =
        browser().get(format!("{}/auth/oidc/callback?code=c2&state={}", app.base, begun.state)).send().await.unwrap();
    assert_eq!(location(&no_cookie), "/login?error=sso_expired");
    let forged = Begun { cookie: format!("{}0", begun.cookie), ..begun };
    assert_eq!(location(&callback(&app, &forged, "c2", &forged.state).await), "/login?error=sso_expired");
    let stale = begin(&app, &provider).await;
    provider.issue("c3", &claims(&app, &provider, &stale, "mallory@stadt.example", &[]), good_key, &stale.challenge);
    app.clock.advance(Duration::minutes(11));
    assert_eq!(location(&callback(&app, &stale, "c3", &stale.state).await), "/login?error=sso_expired");
    let denied =
        browser().get(format!("{}/auth/oidc/callback?error=access_denied&state=x", app.base)).send().await.unwrap();
    assert_eq!(location(&denied), "/login?error=sso_denied");

    // A code whose PKCE verifier does not match is refused by the provider.
    let begun = begin(&app, &provider).await;
    let c = claims(&app, &provider, &begun, "mallory@stadt.example", &[]);
    provider.issue("c4", &c, good_key, "not-the-challenge");
    assert_eq!(location(&callback(&app, &begun, "c4", &begun.state).await), "/login?error=sso_invalid");

    let people = app.ok(Some(&app.admin().await), "{ users { email } }", json!({})).await;
    assert!(!people.to_string().contains("mallory"), "no refused sign-in created an account: {people}");
}

async fn an_existing_account_is_matched_by_email_and_may_lose_its_password(b: Backend) {
    let (app, provider) = start(b, &[("TEILHABE_OIDC_PASSWORD_LOGIN", "off")]).await;
    let admin = app.admin().await;
    let (id, _) = app.create_user(&admin, "kim@stadt.example", "MEMBER", &[]).await;
    let begun = begin(&app, &provider).await;
    let res =
        complete(&app, &provider, &begun, &claims(&app, &provider, &begun, "KIM@stadt.example", &["stadt-admins"]))
            .await;
    let session = set_cookie(&res, "teilhabe_session").unwrap();
    let person = me(&app, &session).await;
    assert_eq!(person["id"], json!(id), "the existing account, not a new one");
    assert_eq!(person["role"], "MEMBER", "an existing account keeps the role a coordinator gave it");

    let refused = app
        .gql(
            None,
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
            json!({"e": "kim@stadt.example", "p": PASSWORD}),
        )
        .await;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    assert!(refused.to_string().contains("single sign-on"), "{refused}");
    // Accounts that never used single sign-on keep their password.
    app.admin().await;
}

async fn passwords_stay_when_not_switched_off_and_a_missing_provider_does_not_stop_the_server(b: Backend) {
    let (app, provider) = start(b, &[]).await;
    let admin = app.admin().await;
    app.create_user(&admin, "jo@stadt.example", "MEMBER", &[]).await;
    let begun = begin(&app, &provider).await;
    complete(&app, &provider, &begun, &claims(&app, &provider, &begun, "jo@stadt.example", &[])).await;
    app.login("jo@stadt.example", PASSWORD).await;

    let gone = TestApp::start_with(b, |c| configure(c, "http://127.0.0.1:9", &[])).await;
    let res = browser().get(format!("{}/auth/oidc/login", gone.base)).send().await.unwrap();
    assert_eq!(location(&res), "/login?error=sso_unavailable");
    let options = gone.ok(None, "{ signInOptions { oidc { label endSessionUrl } } }", json!({})).await;
    assert_eq!(
        options["signInOptions"]["oidc"],
        json!({"label": "Mit dem Stadtkonto anmelden", "endSessionUrl": null})
    );
    let none = TestApp::start(b).await;
    let options = none.ok(None, "{ signInOptions { passwords signInLinks oidc { label } } }", json!({})).await;
    assert_eq!(options["signInOptions"], json!({"passwords": true, "signInLinks": true, "oidc": null}));
    let res = browser().get(format!("{}/auth/oidc/login", none.base)).send().await.unwrap();
    assert_eq!(location(&res), "/login?error=sso_unavailable");
}

async fn another_claim_may_vouch_for_the_email(b: Backend) {
    let (app, provider) = start(b, &[("TEILHABE_OIDC_EMAIL_VERIFIED_CLAIM", "xms_edov")]).await;
    let begun = begin(&app, &provider).await;
    let mut c = claims(&app, &provider, &begun, "entra@stadt.example", &[]);
    c["email_verified"] = json!(false);
    c["xms_edov"] = json!(true);
    let res = complete(&app, &provider, &begun, &c).await;
    assert_eq!(location(&res), "/indikatoren");
    let begun = begin(&app, &provider).await;
    let mut c = claims(&app, &provider, &begun, "other@stadt.example", &[]);
    c["xms_edov"] = json!(false);
    assert_eq!(location(&complete(&app, &provider, &begun, &c).await), "/login?error=sso_email");
}

on_both_databases!(
    another_claim_may_vouch_for_the_email,
    a_new_person_signs_in_with_the_mapped_role,
    each_check_of_the_callback_refuses,
    an_existing_account_is_matched_by_email_and_may_lose_its_password,
    passwords_stay_when_not_switched_off_and_a_missing_provider_does_not_stop_the_server,
);
