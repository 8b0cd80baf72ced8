//! Signing in without a password: links by email (single use, 15 minutes, the same answer for
//! unknown addresses, rate-limited), followed from the real mail the outbox writes.

use chrono::Duration;
use sea_orm::EntityTrait;
use serde_json::json;
use teilhabe::{
    accounts::{
        entities::{recovery_code, sign_in_link},
        service as accounts,
    },
    jobs,
    notifications::entities::notification,
};

use crate::{
    on_both_databases,
    support::{Backend, TestApp, code},
};

const REQUEST: &str = "mutation($e: String!) { requestSignInLink(email: $e) }";
const REDEEM: &str = "mutation($t: String!) { signInWithLink(token: $t) { token user { email } } }";

/// The .eml files in the mail folder, oldest first.
fn mails(app: &TestApp) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(&app.state.config.mail_dir) else { return vec![] };
    let mut files: Vec<_> =
        dir.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "eml")).collect();
    files.sort();
    files.into_iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
}

/// The sign-in link in a mail's text part.
fn link_in(raw: &str) -> String {
    let mail = mail_parser::MessageParser::default().parse(raw.as_bytes()).unwrap();
    let text = mail.body_text(0).unwrap();
    let line = text.lines().find(|l| l.starts_with("Jetzt anmelden: ")).unwrap_or_else(|| panic!("{text}"));
    line.trim_start_matches("Jetzt anmelden: ").trim().to_string()
}

async fn request(app: &TestApp, email: &str) -> serde_json::Value {
    app.gql(None, REQUEST, json!({"e": email})).await
}

/// Requests a link for `email`, lets the scheduler send it and answers the link from the mail.
async fn mailed_link(app: &TestApp, email: &str) -> String {
    let before = mails(app).len();
    assert_eq!(request(app, email).await["data"]["requestSignInLink"], true);
    jobs::pass(&app.state).await.unwrap();
    let all = mails(app);
    assert_eq!(all.len(), before + 1, "one mail per request");
    link_in(all.last().unwrap())
}

/// Follows a mailed link as the browser does: the page exists, and its fragment is the token.
async fn follow(app: &TestApp, link: &str) -> String {
    let (page, token) = link.split_once('#').unwrap();
    let path = page.strip_prefix(&app.state.config.public_url).unwrap();
    assert_eq!(path, accounts::SIGN_IN_LINK_PATH);
    let res = app.http.get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 200, "the link opens a page of the web app");
    let app_routes = include_str!("../../frontend/src/App.tsx");
    assert!(app_routes.contains(&format!("<Route path=\"{path}\"")), "the web app routes {path}");
    token.to_string()
}

async fn a_mailed_link_signs_in_once(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    app.create_user(&admin, "partner@example.org", "MEMBER", &[]).await;
    let link = mailed_link(&app, "Partner@Example.org ").await;
    assert!(link.starts_with(&format!("{}/login/link#", app.state.config.public_url)), "{link}");
    let token = follow(&app, &link).await;
    let stored: Vec<String> =
        sign_in_link::Entity::find().all(&app.state.db).await.unwrap().into_iter().map(|l| l.token_hash).collect();
    assert_eq!(stored, vec![accounts::hash_token(&token)], "only the token's hash is stored");

    let res = app
        .http
        .post(format!("{}/graphql", app.base))
        .json(&json!({"query": REDEEM, "variables": {"t": token}}))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("teilhabe_session=") && cookie.contains("HttpOnly"), "{cookie}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["data"]["signInWithLink"]["user"]["email"], "partner@example.org");
    let session = body["data"]["signInWithLink"]["token"].as_str().unwrap();
    let me = app.ok(Some(session), "{ me { email } }", json!({})).await;
    assert_eq!(me["me"]["email"], "partner@example.org");

    let again = app.gql(None, REDEEM, json!({"t": token})).await;
    assert_eq!(code(&again), "UNAUTHENTICATED", "a link signs in once: {again}");
    let made_up = app.gql(None, REDEEM, json!({"t": "erfunden"})).await;
    assert_eq!(code(&made_up), "UNAUTHENTICATED");
}

async fn a_link_expires_after_fifteen_minutes(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    app.create_user(&admin, "rat@example.org", "MEMBER", &[]).await;
    let late = follow(&app, &mailed_link(&app, "rat@example.org").await).await;
    let in_time = follow(&app, &mailed_link(&app, "rat@example.org").await).await;
    app.clock.advance(Duration::minutes(14));
    app.ok(None, REDEEM, json!({"t": in_time})).await;
    app.clock.advance(Duration::minutes(1));
    let body = app.gql(None, REDEEM, json!({"t": late})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "15 minutes later the link is spent: {body}");
    // The outbox keeps no live token once the links have expired.
    jobs::pass(&app.state).await.unwrap();
    let rows = notification::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|n| !n.body_text.contains(&late) && n.link.is_none()), "{rows:?}");
}

async fn unknown_addresses_get_the_same_answer(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let (_, member) = app.create_user(&admin, "weg@example.org", "MEMBER", &[]).await;
    let me: String = app.ok(Some(&member), "{ me { id } }", json!({})).await["me"]["id"].as_str().unwrap().into();
    app.ok(Some(&admin), "mutation($id: UUID!) { deactivateUser(id: $id) { id } }", json!({"id": me})).await;
    let known = request(&app, "admin@example.org").await;
    for email in ["niemand@example.org", "weg@example.org"] {
        assert_eq!(request(&app, email).await, known, "{email} is answered like a known address");
    }
    jobs::pass(&app.state).await.unwrap();
    let sent = mails(&app);
    assert_eq!(sent.len(), 1, "only the active person gets a mail");
    assert!(sent[0].contains("admin@example.org"));
    let bad = request(&app, "kein-at-zeichen").await;
    assert_eq!(code(&bad), "VALIDATION");
}

async fn requests_are_limited_per_address_and_per_client(b: Backend) {
    let app = TestApp::start(b).await;
    // Parallel requests for one address: the counter is atomic, so exactly the allowed number pass.
    let answers = futures_util::future::join_all((0..8).map(|_| request(&app, "admin@example.org"))).await;
    let passed = answers.iter().filter(|a| a["data"]["requestSignInLink"] == true).count();
    assert_eq!(passed, accounts::LINKS_PER_ADDRESS as usize, "{answers:#?}");
    assert!(answers.iter().filter(|a| a.get("errors").is_some()).all(|a| code(a) == "LIMIT"));
    // Unknown addresses count the same, so the limit tells nothing either.
    for _ in 0..accounts::LINKS_PER_ADDRESS {
        request(&app, "niemand@example.org").await;
    }
    assert_eq!(code(&request(&app, "niemand@example.org").await), "LIMIT");
    // One client naming ever new addresses runs into its own limit.
    let used = 8 + accounts::LINKS_PER_ADDRESS + 1;
    for i in used..accounts::LINKS_PER_CLIENT {
        let body = request(&app, &format!("p{i}@example.org")).await;
        assert_eq!(body["data"]["requestSignInLink"], true, "{body}");
    }
    let over = request(&app, "noch-eine@example.org").await;
    assert_eq!(code(&over), "LIMIT", "{over}");
    jobs::pass(&app.state).await.unwrap();
    assert_eq!(mails(&app).len(), accounts::LINKS_PER_ADDRESS as usize, "mails only to the known address");
    app.clock.advance(Duration::minutes(accounts::REQUEST_WINDOW_MINUTES));
    assert_eq!(request(&app, "noch-eine@example.org").await["data"]["requestSignInLink"], true);
    assert_eq!(request(&app, "admin@example.org").await["data"]["requestSignInLink"], true, "a new window");
    jobs::pass(&app.state).await.unwrap();
    assert_eq!(mails(&app).len(), accounts::LINKS_PER_ADDRESS as usize + 1);
}

const LOGIN: &str =
    "mutation($e: String!, $p: String!, $c: String) { login(email: $e, password: $p, code: $c) { token } }";
const CREATE_ORG: &str = "mutation { createOrganization(input: {name: \"Amt\", sector: ADMINISTRATION}) { id } }";

/// The code an authenticator app shows for `secret` at the test clock's time.
fn code_at(app: &TestApp, secret: &str, email: &str) -> String {
    use totp_rs::{Algorithm, Secret, TOTP};
    let bytes = Secret::Encoded(secret.into()).to_bytes().unwrap();
    let totp = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, Some("teilhabe".into()), email.into()).unwrap();
    totp.generate(app.clock_now().timestamp() as u64)
}

async fn login_with(app: &TestApp, code: Option<&str>) -> serde_json::Value {
    let vars = json!({"e": crate::support::ADMIN_EMAIL, "p": crate::support::ADMIN_PASSWORD, "c": code});
    app.gql(None, LOGIN, vars).await
}

async fn admins_need_a_second_factor_and_codes_count_once(b: Backend) {
    let app = TestApp::start_with(b, |c| c.require_2fa_for = vec!["ADMIN".into()]).await;
    let admin = app.admin().await;
    let refused = app.gql(Some(&admin), CREATE_ORG, json!({})).await;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["reason"], "SECOND_FACTOR_REQUIRED");
    let me = app.ok(Some(&admin), "{ me { secondFactor secondFactorRequired } }", json!({})).await;
    assert_eq!(me["me"], json!({"secondFactor": false, "secondFactorRequired": true}));

    let setup = app.ok(Some(&admin), "mutation { beginTotpSetup { secret otpauthUri qrSvg } }", json!({})).await;
    assert!(setup["beginTotpSetup"]["qrSvg"].as_str().unwrap().contains("<svg"), "the key comes as a QR code too");
    let secret = setup["beginTotpSetup"]["secret"].as_str().unwrap().to_string();
    let uri = setup["beginTotpSetup"]["otpauthUri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/teilhabe:") && uri.contains(&format!("secret={secret}")), "{uri}");
    let confirm = "mutation($c: String!) { confirmTotp(code: $c) }";
    let wrong = app.gql(Some(&admin), confirm, json!({"c": "000000"})).await;
    assert_eq!(code(&wrong), "VALIDATION");
    let first = code_at(&app, &secret, crate::support::ADMIN_EMAIL);
    let codes = app.ok(Some(&admin), confirm, json!({"c": first})).await["confirmTotp"].clone();
    let recovery: Vec<String> = codes.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    assert_eq!(recovery.len(), 10);
    app.ok(Some(&admin), CREATE_ORG, json!({})).await;

    // Login asks for the code; the code used to confirm is spent, also for logging in.
    let without = login_with(&app, None).await;
    assert_eq!((code(&without), without["errors"][0]["extensions"]["field"].as_str()), ("VALIDATION", Some("code")));
    let replay = login_with(&app, Some(&first)).await;
    assert_eq!(code(&replay), "VALIDATION", "a used code does not count again: {replay}");
    app.clock.advance(Duration::seconds(30));
    let next = code_at(&app, &secret, crate::support::ADMIN_EMAIL);
    assert!(login_with(&app, Some(&next)).await["data"]["login"]["token"].is_string());
    assert_eq!(code(&login_with(&app, Some(&next)).await), "VALIDATION", "replayed in the same window");

    // Recovery codes count once each, typed loosely.
    let loose = recovery[0].to_uppercase().replace('-', " ");
    assert!(login_with(&app, Some(&loose)).await["data"]["login"]["token"].is_string());
    assert_eq!(code(&login_with(&app, Some(&recovery[0])).await), "VALIDATION", "a recovery code is spent");
    let stored = recovery_code::Entity::find().all(&app.state.db).await.unwrap();
    assert!(stored.iter().all(|r| !recovery.contains(&r.code_hash)), "recovery codes are stored hashed");

    // A sign-in link needs the code too, and stays usable until it is given.
    let link = follow(&app, &mailed_link(&app, crate::support::ADMIN_EMAIL).await).await;
    let no_code = app.gql(None, REDEEM, json!({"t": link})).await;
    assert_eq!(code(&no_code), "VALIDATION");
    let with = "mutation($t: String!, $c: String) { signInWithLink(token: $t, code: $c) { token } }";
    app.ok(None, with, json!({"t": link, "c": recovery[1]})).await;

    // Turning it off needs a code; then the password alone signs in again.
    let token = login_with(&app, Some(&recovery[2])).await["data"]["login"]["token"].as_str().unwrap().to_string();
    let disable = "mutation($c: String!) { disableTotp(code: $c) }";
    assert_eq!(code(&app.gql(Some(&token), disable, json!({"c": "123456"})).await), "VALIDATION");
    app.ok(Some(&token), disable, json!({"c": recovery[3]})).await;
    assert!(login_with(&app, None).await["data"]["login"]["token"].is_string());
    let refused = app.gql(Some(&token), CREATE_ORG, json!({})).await;
    assert_eq!(refused["errors"][0]["extensions"]["reason"], "SECOND_FACTOR_REQUIRED");
}

async fn wrong_codes_run_into_the_login_lock(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let secret =
        app.ok(Some(&admin), "mutation { beginTotpSetup { secret } }", json!({})).await["beginTotpSetup"]["secret"]
            .as_str()
            .unwrap()
            .to_string();
    let first = code_at(&app, &secret, crate::support::ADMIN_EMAIL);
    app.ok(Some(&admin), "mutation($c: String!) { confirmTotp(code: $c) }", json!({"c": first})).await;
    let mut codes = Vec::new();
    for guess in 0..6 {
        codes.push(code(&login_with(&app, Some(&format!("{guess:06}"))).await).to_string());
    }
    assert_eq!(codes.last().map(String::as_str), Some("LIMIT"), "{codes:?}");
}

on_both_databases!(
    a_mailed_link_signs_in_once,
    a_link_expires_after_fifteen_minutes,
    unknown_addresses_get_the_same_answer,
    requests_are_limited_per_address_and_per_client,
    admins_need_a_second_factor_and_codes_count_once,
    wrong_codes_run_into_the_login_lock,
);
