//! Accounts over HTTP: login, sessions, roles, validation, conflicts, audit, erasure, batching.

use serde_json::json;
use teilhabe::accounts::service::THROTTLE_FREE_FAILURES;

use crate::{
    on_both_databases,
    support::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, PASSWORD, TestApp, code},
};

const LOGIN: &str =
    "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { email role } } }";
const ME: &str = "{ me { id name email role organizations { name } } }";

async fn login_right_wrong_unknown_and_deactivated(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let me = app.ok(Some(&admin), ME, json!({})).await;
    assert_eq!(me["me"]["email"], ADMIN_EMAIL);
    assert_eq!(me["me"]["role"], "ADMIN");

    let wrong = app.gql(None, LOGIN, json!({"e": ADMIN_EMAIL, "p": "falsches-passwort"})).await;
    let unknown = app.gql(None, LOGIN, json!({"e": "niemand@example.org", "p": "falsches-passwort"})).await;
    assert_eq!(code(&wrong), "UNAUTHENTICATED");
    assert_eq!(code(&unknown), "UNAUTHENTICATED");
    assert_eq!(
        wrong["errors"][0]["message"], unknown["errors"][0]["message"],
        "must not reveal whether the email exists"
    );

    let (id, token) = app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    assert_eq!(app.ok(Some(&token), ME, json!({})).await["me"]["email"], "anna@example.org");
    app.ok(Some(&admin), "mutation($id: UUID!) { deactivateUser(id: $id) { active } }", json!({"id": id})).await;
    // Deactivation ends the sessions and refuses new logins.
    assert_eq!(code(&app.gql(Some(&token), ME, json!({})).await), "UNAUTHENTICATED");
    let refused = app.gql(None, LOGIN, json!({"e": "anna@example.org", "p": PASSWORD})).await;
    assert_eq!(code(&refused), "UNAUTHENTICATED");
    assert_eq!(refused["errors"][0]["message"], wrong["errors"][0]["message"]);
}

async fn logout_ends_the_session(b: Backend) {
    let app = TestApp::start(b).await;
    let token = app.admin().await;
    assert_eq!(app.ok(Some(&token), "mutation { logout }", json!({})).await["logout"], true);
    // A token that is gone is refused, not taken as an anonymous caller.
    assert_eq!(code(&app.gql(Some(&token), ME, json!({})).await), "UNAUTHENTICATED");
    let body = app.gql(Some(&token), "{ organizations { id } }", json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED");
}

async fn sessions_expire(b: Backend) {
    let app = TestApp::start(b).await;
    let token = app.admin().await;
    app.clock.advance(chrono::Duration::days(15));
    assert_eq!(code(&app.gql(Some(&token), ME, json!({})).await), "UNAUTHENTICATED");
}

async fn repeated_failed_logins_are_slowed_down(b: Backend) {
    let app = TestApp::start(b).await;
    for _ in 0..5 {
        let body = app.gql(None, LOGIN, json!({"e": ADMIN_EMAIL, "p": "falsch-falsch-falsch"})).await;
        assert_eq!(code(&body), "UNAUTHENTICATED");
    }
    // Locked now: even the right password is refused until the lock passes.
    let locked = app.gql(None, LOGIN, json!({"e": ADMIN_EMAIL, "p": ADMIN_PASSWORD})).await;
    assert_eq!(code(&locked), "LIMIT");
    app.clock.advance(chrono::Duration::minutes(2));
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

/// Fires `n` logins for `email` at once, `right` of them (the last ones) with the right password.
async fn parallel_logins(app: &TestApp, email: &str, n: usize, right: usize) -> Vec<String> {
    let jobs = (0..n).map(|i| {
        let p = if i >= n - right { PASSWORD.to_string() } else { format!("falsch-geraten-{i:04}") };
        let email = email.to_string();
        async move { app.gql(None, LOGIN, json!({"e": email, "p": p})).await }
    });
    futures_util::future::join_all(jobs)
        .await
        .iter()
        .map(|b| if b["data"]["login"]["token"].is_string() { "OK".to_string() } else { code(b).to_string() })
        .collect()
}

async fn the_lockout_holds_under_parallel_guesses(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    let before = app.state.hasher.verifications();
    let outcomes = parallel_logins(&app, "anna@example.org", 120, 0).await;
    let verified = app.state.hasher.verifications() - before;
    assert!(outcomes.iter().all(|o| o == "UNAUTHENTICATED" || o == "LIMIT"), "{outcomes:?}");
    assert!(verified <= THROTTLE_FREE_FAILURES as u64, "{verified} guesses were checked");
    assert!(outcomes.iter().filter(|o| *o == "LIMIT").count() >= 120 - THROTTLE_FREE_FAILURES as usize);
    // Locked: the right password is refused unchecked until the lock expires.
    let locked = app.gql(None, LOGIN, json!({"e": "anna@example.org", "p": PASSWORD})).await;
    assert_eq!(code(&locked), "LIMIT");
    app.clock.advance(chrono::Duration::seconds(50));
    assert_eq!(code(&app.gql(None, LOGIN, json!({"e": "anna@example.org", "p": PASSWORD})).await), "LIMIT");
    app.clock.advance(chrono::Duration::seconds(20));
    app.login("anna@example.org", PASSWORD).await;

    // Guesses racing the right password: no more are checked than the lock allows.
    app.create_user(&admin, "bert@example.org", "MEMBER", &[]).await;
    let before = app.state.hasher.verifications();
    let outcomes = parallel_logins(&app, "bert@example.org", 60, 1).await;
    let verified = app.state.hasher.verifications() - before;
    assert!(verified <= THROTTLE_FREE_FAILURES as u64, "{verified} attempts were checked: {outcomes:?}");
    assert!(outcomes.iter().filter(|o| *o == "OK").count() <= 1);
    // Whichever way the race went, the lock reached by the guesses stays.
    assert_eq!(code(&app.gql(None, LOGIN, json!({"e": "bert@example.org", "p": PASSWORD})).await), "LIMIT");
}

async fn password_hashing_is_bounded_and_queues_time_out(b: Backend) {
    let app = TestApp::start_with(b, |c| {
        c.hash_concurrency = 1;
        // Waiting not at all: whoever finds the one hashing slot taken is refused at once.
        c.hash_queue_timeout = std::time::Duration::ZERO;
    })
    .await;
    let admin = app.admin().await;
    for i in 0..8 {
        app.create_user(&admin, &format!("p{i}@example.org"), "MEMBER", &[]).await;
    }
    let jobs = (0..8).map(|i| app.gql(None, LOGIN, json!({"e": format!("p{i}@example.org"), "p": PASSWORD})));
    let outcomes: Vec<String> = futures_util::future::join_all(jobs)
        .await
        .iter()
        .map(|b| if b["data"]["login"]["token"].is_string() { "OK".to_string() } else { code(b).to_string() })
        .collect();
    assert!(outcomes.iter().any(|o| o == "OK"), "{outcomes:?}");
    assert!(outcomes.iter().any(|o| o == "LIMIT"), "{outcomes:?}");
    assert!(outcomes.iter().all(|o| o == "OK" || o == "LIMIT"), "{outcomes:?}");
    // Alone, each gets through.
    for i in 0..8 {
        app.login(&format!("p{i}@example.org"), PASSWORD).await;
    }
}

async fn cookie_sessions_need_the_csrf_header(b: Backend) {
    let app = TestApp::start(b).await;
    let res = app
        .http
        .post(format!("{}/graphql", app.base))
        .json(&json!({"query": LOGIN, "variables": {"e": ADMIN_EMAIL, "p": ADMIN_PASSWORD}}))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let pair = cookie.split(';').next().unwrap().to_string();
    let query = json!({"query": "mutation { createOrganization(input: {name: \"X\", sector: POLITICS}) { id } }"});
    let without =
        app.http.post(format!("{}/graphql", app.base)).header("cookie", &pair).json(&query).send().await.unwrap();
    assert_eq!(without.status(), 403);
    let with = app
        .http
        .post(format!("{}/graphql", app.base))
        .header("cookie", &pair)
        .header("x-teilhabe-csrf", "1")
        .json(&query)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = with.json().await.unwrap();
    assert!(body["data"]["createOrganization"]["id"].is_string(), "{body}");
}

async fn each_role_against_each_mutation(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let org = app.create_org(&admin, "Amt für Statistik", "ADMINISTRATION").await;
    let (member_id, member) = app.create_user(&admin, "m@example.org", "MEMBER", &[&org]).await;
    let (coord_id, coord) = app.create_user(&admin, "c@example.org", "COORDINATOR", &[]).await;
    let (other_id, _) = app.create_user(&admin, "o@example.org", "MEMBER", &[]).await;
    let (admin2_id, _) = app.create_user(&admin, "a2@example.org", "ADMIN", &[]).await;

    let create_org = |n: &str| {
        (
            "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }".to_string(),
            json!({"i": {"name": n, "sector": "CIVIL_SOCIETY"}}),
        )
    };
    let create_user = |e: &str, role: &str| {
        (
            "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }".to_string(),
            json!({"i": {"email": e, "name": "N", "password": PASSWORD, "role": role}}),
        )
    };
    let by_id = |m: &str, id: &str| (format!("mutation($id: UUID!) {{ {m}(id: $id) {{ id }} }}"), json!({"id": id}));
    let update = |id: &str, input: serde_json::Value| {
        (
            "mutation($id: UUID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id } }".to_string(),
            json!({"id": id, "i": input}),
        )
    };

    // (caller, operation, expected code or None for success)
    type Operation = (String, serde_json::Value);
    let cases: Vec<(Option<&str>, Operation, Option<&str>)> = vec![
        (None, create_org("Anon e.V."), Some("UNAUTHENTICATED")),
        (Some(&member), create_org("Member e.V."), Some("FORBIDDEN")),
        (Some(&coord), create_org("Coord e.V."), None),
        (None, create_user("x1@example.org", "MEMBER"), Some("UNAUTHENTICATED")),
        (Some(&member), create_user("x2@example.org", "MEMBER"), Some("FORBIDDEN")),
        (Some(&coord), create_user("x3@example.org", "ADMIN"), Some("FORBIDDEN")),
        (Some(&coord), create_user("x4@example.org", "COORDINATOR"), None),
        (None, by_id("deactivateUser", &other_id), Some("UNAUTHENTICATED")),
        (Some(&member), by_id("deactivateUser", &other_id), Some("FORBIDDEN")),
        (Some(&coord), by_id("deactivateUser", &admin2_id), Some("FORBIDDEN")),
        (Some(&coord), by_id("deactivateUser", &other_id), None),
        (Some(&coord), by_id("reactivateUser", &other_id), None),
        (Some(&member), by_id("eraseUser", &other_id), Some("FORBIDDEN")),
        (Some(&coord), by_id("eraseUser", &other_id), Some("FORBIDDEN")),
        (Some(&member), update(&other_id, json!({"name": "Fremd"})), Some("FORBIDDEN")),
        (Some(&member), update(&member_id, json!({"role": "ADMIN"})), Some("FORBIDDEN")),
        (Some(&member), update(&member_id, json!({"name": "Selbst"})), None),
        (Some(&coord), update(&coord_id, json!({"role": "ADMIN"})), Some("FORBIDDEN")),
        (Some(&coord), update(&other_id, json!({"role": "COORDINATOR"})), None),
        (None, ("mutation { logout }".into(), json!({})), Some("UNAUTHENTICATED")),
    ];
    for (i, (token, (query, vars), expected)) in cases.into_iter().enumerate() {
        let body = app.gql(token, &query, vars).await;
        match expected {
            Some(c) => assert_eq!(code(&body), c, "case {i}: {query} {body}"),
            None => assert!(body.get("errors").is_none(), "case {i}: {query} {body}"),
        }
    }
    // Queries: people are listed for coordinators, the audit log too; members get FORBIDDEN.
    assert_eq!(code(&app.gql(Some(&member), "{ users { id } }", json!({})).await), "FORBIDDEN");
    assert_eq!(code(&app.gql(Some(&member), "{ auditLog { edges { cursor } } }", json!({})).await), "FORBIDDEN");
    assert_eq!(code(&app.gql(None, "{ users { id } }", json!({})).await), "UNAUTHENTICATED");
    app.ok(Some(&coord), "{ users { id } auditLog { edges { cursor } } }", json!({})).await;
    // Members see organisations but not other people's emails.
    let orgs = app.ok(Some(&member), "{ organizations { name members { email name } } }", json!({})).await;
    let statistik =
        orgs["organizations"].as_array().unwrap().iter().find(|o| o["name"] == "Amt für Statistik").unwrap();
    assert_eq!(statistik["members"][0]["email"], "m@example.org", "own email is visible");
    let (_, member2) = app.create_user(&admin, "m2@example.org", "MEMBER", &[]).await;
    let orgs = app.ok(Some(&member2), "{ organizations { name members { email } } }", json!({})).await;
    let statistik =
        orgs["organizations"].as_array().unwrap().iter().find(|o| o["name"] == "Amt für Statistik").unwrap();
    assert!(statistik["members"][0]["email"].is_null());
}

async fn inputs_are_validated_field_by_field(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let user = "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }";
    let base = json!({"email": "ok@example.org", "name": "Okay", "password": PASSWORD, "role": "MEMBER"});
    for (field, value, expect_field) in [
        ("email", json!("kein-at-zeichen"), "email"),
        ("email", json!("a@b"), "email"),
        ("name", json!("   "), "name"),
        ("name", json!("x".repeat(201)), "name"),
        ("password", json!("kurz"), "password"),
        ("organizationIds", json!([uuid::Uuid::new_v4()]), "organizationIds"),
    ] {
        let mut input = base.clone();
        input[field] = value;
        let body = app.gql(Some(&admin), user, json!({"i": input})).await;
        assert_eq!(code(&body), "VALIDATION", "{field}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], expect_field);
    }
    let org = "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }";
    let body = app.gql(Some(&admin), org, json!({"i": {"name": "", "sector": "SCIENCE"}})).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "name");
    let body = app
        .gql(Some(&admin), org, json!({"i": {"name": "Uni", "sector": "SCIENCE", "parentId": uuid::Uuid::new_v4()}}))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "parentId");
    let body = app.gql(Some(&admin), org, json!({"i": {"name": "Uni", "sector": "NONSENSE"}})).await;
    assert_eq!(code(&body), "VALIDATION");
    // Nothing of the refused inputs was stored.
    let users = app.ok(Some(&admin), "{ users { email } organizations { name } }", json!({})).await;
    assert_eq!(users["users"].as_array().unwrap().len(), 1);
    assert_eq!(users["organizations"].as_array().unwrap().len(), 0);
}

async fn duplicates_are_conflicts(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    app.create_user(&admin, "dup@example.org", "MEMBER", &[]).await;
    let body = app
        .gql(
            Some(&admin),
            "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
            json!({"i": {"email": " DUP@example.org ", "name": "Zwei", "password": PASSWORD, "role": "MEMBER"}}),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT");
    app.create_org(&admin, "Integrationsrat", "POLITICS").await;
    let body = app
        .gql(
            Some(&admin),
            "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }",
            json!({"i": {"name": "Integrationsrat", "sector": "POLITICS"}}),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT");
}

async fn every_mutation_is_audited_and_failures_leave_no_trace(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let parent = app.create_org(&admin, "Dezernat III", "ADMINISTRATION").await;
    let org = app
        .ok(
            Some(&admin),
            "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id parent { name } } }",
            json!({"i": {"name": "Sozialamt", "sector": "ADMINISTRATION", "parentId": parent}}),
        )
        .await;
    assert_eq!(org["createOrganization"]["parent"]["name"], "Dezernat III");
    let org_id = org["createOrganization"]["id"].as_str().unwrap();
    let log = app
        .ok(
            Some(&admin),
            "query($id: UUID) { auditLog(entityId: $id) { edges { node { action entityId summary actor { email } } } } }",
            json!({"id": org_id}),
        )
        .await;
    let edges = log["auditLog"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0]["node"]["action"], "organization.create");
    assert_eq!(edges[0]["node"]["actor"]["email"], ADMIN_EMAIL);
    // The summary is German, as people read it in the audit log: no enum names, no "1 Organisationen".
    assert_eq!(edges[0]["node"]["summary"], "Organisation „Sozialamt“ (Verwaltung) angelegt");
    let (person, _) = app.create_user(&admin, "amt@example.org", "COORDINATOR", &[org_id]).await;
    let log = app.audit_of(&admin, &person).await;
    let created = log.iter().find(|(action, _)| action == "user.create");
    assert_eq!(created.unwrap().1, "Person angelegt (Rolle Koordination, 1 Organisation)");

    let before = app.ok(Some(&admin), "{ auditLog(first: 100) { edges { cursor } } }", json!({})).await;
    let before = before["auditLog"]["edges"].as_array().unwrap().len();
    // A refused mutation writes neither its change nor an audit event.
    let body = app
        .gql(
            Some(&admin),
            "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
            json!({"i": {"email": "neu@example.org", "name": "Neu", "password": PASSWORD, "role": "MEMBER",
                         "organizationIds": [org_id, uuid::Uuid::new_v4()]}}),
        )
        .await;
    assert_eq!(code(&body), "VALIDATION");
    let after =
        app.ok(Some(&admin), "{ auditLog(first: 100) { edges { node { action } } } users { email } }", json!({})).await;
    assert_eq!(after["auditLog"]["edges"].as_array().unwrap().len(), before);
    assert_eq!(after["users"].as_array().unwrap().len(), 2, "the admin and the coordinator above");
}

async fn audit_log_paginates(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    for i in 0..7 {
        app.create_org(&admin, &format!("Verein {i}"), "CIVIL_SOCIETY").await;
        app.clock.advance(chrono::Duration::seconds(1));
    }
    let q = "query($a: String) { auditLog(first: 3, after: $a) { edges { cursor node { action summary } } pageInfo { hasNextPage endCursor } } }";
    let mut after = serde_json::Value::Null;
    let mut seen = Vec::new();
    loop {
        let page = app.ok(Some(&admin), q, json!({"a": after})).await;
        for e in page["auditLog"]["edges"].as_array().unwrap() {
            seen.push(e["node"]["summary"].as_str().unwrap().to_string());
        }
        if !page["auditLog"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["auditLog"]["pageInfo"]["endCursor"].clone();
    }
    // 7 organisations, the admin's login and creation, newest first, each exactly once.
    assert_eq!(seen.len(), 9, "{seen:?}");
    assert!(seen[0].contains("Verein 6"));
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    let bad = app.gql(Some(&admin), q, json!({"a": "kaputt"})).await;
    assert_eq!(code(&bad), "VALIDATION");
}

async fn erasure_keeps_contributions_but_not_the_person(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let (id, token) = app.create_user(&admin, "erika@example.org", "COORDINATOR", &[]).await;
    let org = app.create_org(&token, "Caritas", "CIVIL_SOCIETY").await;
    app.ok(
        Some(&token),
        "mutation { proposeTerm(input: {label: \"Geflüchtete\", definition: \"Schutzsuchende nach AZR\"}) { id } }",
        json!({}),
    )
    .await;
    let export: serde_json::Value = app
        .http
        .get(format!("{}/api/me/export", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(export["person"]["email"], "erika@example.org");
    assert!(export["auditEvents"].as_array().unwrap().iter().any(|e| e["action"] == "organization.create"));
    assert_eq!(export["contributions"]["definitionTexts"][0]["text"], "Schutzsuchende nach AZR");
    for part in ["proposals", "votes", "comments", "reviews", "deliveries", "emails"] {
        assert!(export["contributions"][part].is_array(), "{part}");
    }

    let erased = app
        .ok(Some(&admin), "mutation($id: UUID!) { eraseUser(id: $id) { name email erased active } }", json!({"id": id}))
        .await;
    assert_eq!(erased["eraseUser"]["erased"], true);
    assert_eq!(erased["eraseUser"]["active"], false);
    assert!(!erased["eraseUser"]["name"].as_str().unwrap().contains("erika"));
    assert_eq!(code(&app.gql(Some(&token), ME, json!({})).await), "UNAUTHENTICATED", "sessions end");
    let log = app
        .ok(
            Some(&admin),
            "query($id: UUID) { auditLog(entityId: $id) { edges { node { action summary actor { name } } } } }",
            json!({"id": org}),
        )
        .await;
    let node = &log["auditLog"]["edges"][0]["node"];
    assert_eq!(node["action"], "organization.create", "the contribution stays");
    assert!(!node["actor"]["name"].as_str().unwrap().contains("erika"));
    let all = app.ok(Some(&admin), "{ auditLog(first: 100) { edges { node { action summary } } } }", json!({})).await;
    let text = all.to_string();
    assert!(text.contains("user.erase"));
    assert!(!text.contains("erika"), "the audit log keeps no erased data: {text}");
    let relogin = app.gql(None, LOGIN, json!({"e": "erika@example.org", "p": PASSWORD})).await;
    assert_eq!(code(&relogin), "UNAUTHENTICATED");
}

/// A goal of a draft Leitbild to comment on.
async fn a_goal(app: &TestApp, admin: &str) -> String {
    let lb = app
        .ok(Some(admin), "mutation { createLeitbild(input: {title: \"Leitbild\", year: 2028}) { id } }", json!({}))
        .await["createLeitbild"]["id"]
        .clone();
    let field = app
        .ok(
            Some(admin),
            "mutation($l: UUID!) { addFieldOfAction(input: {leitbildId: $l, title: \"Bildung\"}) { id } }",
            json!({"l": lb}),
        )
        .await["addFieldOfAction"]["id"]
        .clone();
    app.ok(
        Some(admin),
        "mutation($f: UUID!) { addGoal(input: {fieldOfActionId: $f, title: \"Sprachförderung\"}) { id } }",
        json!({"f": field}),
    )
    .await["addGoal"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn erasure_redacts_the_mails_that_name_the_person(b: Backend) {
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
    use teilhabe::notifications::entities::{NotificationStatus, notification};

    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let goal = a_goal(&app, &admin).await;
    let (_, bea) = app.create_user(&admin, "bea@example.org", "MEMBER", &[]).await;
    let (erika_id, erika) = app.create_user(&admin, "erika.mustermann@example.org", "MEMBER", &[]).await;
    let add = "mutation($i: AddCommentInput!) { addComment(input: $i) { id } }";
    let mut answer = serde_json::Value::Null;
    for round in 0..2 {
        let parent = app.ok(Some(&bea), add, json!({"i": {"targetId": goal, "body": format!("Frage {round}")}})).await
            ["addComment"]["id"]
            .clone();
        answer = app
            .ok(Some(&erika), add, json!({"i": {"targetId": goal, "parentId": parent, "body": "Antwort"}}))
            .await["addComment"]["id"]
            .clone();
    }
    // A reply to her waits in the outbox: after erasure it would only bounce.
    app.ok(Some(&bea), add, json!({"i": {"targetId": goal, "parentId": answer, "body": "Danke"}})).await;
    let erika_uuid: uuid::Uuid = erika_id.parse().unwrap();
    let mails = notification::Entity::find().all(&app.state.db).await.unwrap();
    let notices: Vec<_> = mails.iter().filter(|n| n.subject.contains("erika.mustermann")).collect();
    assert_eq!(notices.len(), 2, "{mails:#?}");
    // One was sent already, one waits: both stop naming her.
    let mut sent = notices[0].clone().into_active_model();
    sent.status = Set(NotificationStatus::Sent);
    sent.sent_at = Set(Some(app.clock_now()));
    sent.update(&app.state.db).await.unwrap();

    app.ok(Some(&admin), "mutation($id: UUID!) { eraseUser(id: $id) { id } }", json!({"id": erika_id})).await;
    let mails = notification::Entity::find().all(&app.state.db).await.unwrap();
    let text = format!("{mails:?}");
    assert!(!text.contains("erika.mustermann"), "the outbox still names her: {text}");
    let redacted: Vec<_> = mails.iter().filter(|n| n.subject.starts_with("Antwort von Ehemalige")).collect();
    assert_eq!(redacted.len(), 2, "{mails:#?}");
    assert!(redacted.iter().any(|n| n.status == NotificationStatus::Sent));
    assert!(redacted.iter().all(|n| n.body_text.contains("Antwort")), "the rest of the mail stays");
    let to_her: Vec<_> = mails.iter().filter(|n| n.recipient_id == erika_uuid).collect();
    assert!(!to_her.is_empty(), "the reply to her was queued");
    assert!(to_her.iter().all(|n| n.status != NotificationStatus::Pending), "{to_her:#?}");
}

/// Columns that name a person but are not the person's data, each with its reason.
const NOT_PERSONAL: &[(&str, &str)] = &[
    // The term that replaced a deprecated one: a glossary term, not a person.
    ("glossary_terms", "replaced_by_id"),
];

/// Every column of every table, read from the live database schema.
async fn all_columns(app: &TestApp) -> Vec<(String, String)> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let db = &app.state.db;
    let sql = match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        }
        _ => {
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
              WHERE table_schema = current_schema()"
        }
    };
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| (r.try_get::<String>("", "t").unwrap(), r.try_get::<String>("", "c").unwrap())).collect()
}

/// Whether a column's name says it refers to a person (the naming the migrations follow).
fn names_a_person(table: &str, column: &str) -> bool {
    (table == "users" && column == "id")
        || column.starts_with("responsible_")
        || ["_by", "_by_id", "user_id", "author_id", "reviewer_id", "voter_id", "recipient_id", "actor_id"]
            .iter()
            .any(|suffix| column.ends_with(suffix))
}

async fn the_export_covers_every_column_that_names_a_person(b: Backend) {
    use teilhabe::privacy::PERSON_REFERENCES;

    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let columns = all_columns(&app).await;
    assert!(columns.len() > 100, "the schema was not read: {columns:?}");
    let mut missing = Vec::new();
    for (t, c) in columns.iter().filter(|(t, c)| names_a_person(t, c)) {
        let covered = PERSON_REFERENCES.iter().any(|(rt, rc, _)| rt == t && rc == c);
        let allowed = NOT_PERSONAL.iter().any(|(at, ac)| at == t && ac == c);
        if !covered && !allowed {
            missing.push(format!("{t}.{c}"));
        }
    }
    assert!(missing.is_empty(), "columns naming a person that the export leaves out: {missing:?}");
    for (t, c, _) in PERSON_REFERENCES {
        assert!(columns.iter().any(|(ct, cc)| ct == t && cc == c), "{t}.{c} is listed but does not exist");
    }

    // A coordinator who proposed a term, is responsible for an indicator and set her mails.
    let org = app.create_org(&admin, "Amt für Statistik", "ADMINISTRATION").await;
    let (me, token) = app.create_user(&admin, "petra@example.org", "COORDINATOR", &[&org]).await;
    app.ok(
        Some(&token),
        "mutation { proposeTerm(input: {label: \"Geflüchtete\", definition: \"Schutzsuchende nach AZR\"}) { id } }",
        json!({}),
    )
    .await;
    app.ok(
        Some(&token),
        "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id } }",
        json!({"i": {"code": "E1", "name": "Einbürgerungsquote", "unit": "%", "sourceKind": "DEPARTMENT",
                     "sourceDescription": "Register", "periodicity": "YEARLY", "ownerId": org,
                     "responsibleUserId": me}}),
    )
    .await;
    app.ok(Some(&token), "mutation { setNotificationDigest(digest: true) { digest } }", json!({})).await;
    let export: serde_json::Value = app
        .http
        .get(format!("{}/api/me/export", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (t, c, path) in PERSON_REFERENCES {
        let part = path.split('.').fold(&export, |v, key| &v[key]);
        assert!(part.is_array() || part.is_object(), "{t}.{c}: no {path} in the export: {export:#}");
    }
    for section in ["termsProposed", "definitionsProposed", "indicatorsResponsible", "indicatorResponsibilityHistory"] {
        let rows = export["records"][section].as_array().unwrap();
        assert!(!rows.is_empty(), "{section} is empty: {export:#}");
    }
    let settings = &export["records"]["notificationSettings"][0];
    assert!(settings["digest"] == true || settings["digest"] == 1, "{export:#}");
    assert!(settings.get("calendar_token").is_none(), "no secrets in the export: {settings}");
    assert_eq!(export["records"]["indicatorsResponsible"][0]["code"], "E1");
    assert_eq!(export["records"]["indicatorsResponsible"][0]["responsible_user_id"], me.as_str(), "{export:#}");
}

async fn nested_lists_cost_a_constant_number_of_statements(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    // Each loader key kind appears on one level per query, so batches cannot split by timing.
    let queries = [
        "{ users { id name organizations { name members { name } } } }",
        "{ organizations { name parent { name } members { name } } }",
    ];
    let parent = app.create_org(&admin, "Dezernat", "ADMINISTRATION").await;
    let mut counts = Vec::new();
    for round in 0..2 {
        for i in 0..4 {
            let org = app
                .ok(
                    Some(&admin),
                    "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }",
                    json!({"i": {"name": format!("Amt {round}-{i}"), "sector": "ADMINISTRATION", "parentId": parent}}),
                )
                .await["createOrganization"]["id"]
                .as_str()
                .unwrap()
                .to_string();
            app.create_user(&admin, &format!("p{round}{i}@example.org"), "MEMBER", &[&org, &parent]).await;
        }
        let mut round_counts = Vec::new();
        for q in queries {
            let before = app.statements().await;
            app.ok(Some(&admin), q, json!({})).await;
            round_counts.push(app.statements().await - before);
        }
        counts.push(round_counts);
    }
    assert_eq!(counts[0], counts[1], "statements grew with the list: {counts:?}");
    // 1 to authenticate, 1 for the list, 2 per nested list field, 1 per nested object field.
    assert_eq!(counts[0], vec![1 + 1 + 2 + 2, 1 + 1 + 1 + 2], "{counts:?}");
}

async fn first_admin_is_created_only_once(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let users = app.ok(Some(&admin), "{ users { email role } }", json!({})).await;
    assert_eq!(users["users"], json!([{"email": ADMIN_EMAIL, "role": "ADMIN"}]));
    // Building the app again on the same database does not add anyone.
    let again = teilhabe::App::build(teilhabe::config::Config {
        database_url: app.state.config.database_url.clone(),
        admin_email: Some("zweiter@example.org".into()),
        admin_password: Some(PASSWORD.into()),
        ..teilhabe::config::Config::default()
    })
    .await;
    again.unwrap();
    let users = app.ok(Some(&admin), "{ users { email } }", json!({})).await;
    assert_eq!(users["users"].as_array().unwrap().len(), 1);
}

on_both_databases!(
    login_right_wrong_unknown_and_deactivated,
    logout_ends_the_session,
    sessions_expire,
    repeated_failed_logins_are_slowed_down,
    the_lockout_holds_under_parallel_guesses,
    password_hashing_is_bounded_and_queues_time_out,
    cookie_sessions_need_the_csrf_header,
    each_role_against_each_mutation,
    inputs_are_validated_field_by_field,
    duplicates_are_conflicts,
    every_mutation_is_audited_and_failures_leave_no_trace,
    audit_log_paginates,
    erasure_keeps_contributions_but_not_the_person,
    nested_lists_cost_a_constant_number_of_statements,
    erasure_redacts_the_mails_that_name_the_person,
    the_export_covers_every_column_that_names_a_person,
    first_admin_is_created_only_once,
);
