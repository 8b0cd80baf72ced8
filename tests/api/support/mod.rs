//! Test support: a real server on an ephemeral port, on SQLite or PostgreSQL, spoken to over HTTP.

pub mod oidc;
pub mod pg;
pub mod pgwire;
pub mod smtp;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use teilhabe::{App, clock::ManualClock, config::Config, state::AppState};

pub const ADMIN_EMAIL: &str = "admin@example.org";
pub const ADMIN_PASSWORD: &str = "admin-passwort-123";
pub const PASSWORD: &str = "ein-gutes-passwort";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn name(backend: Backend)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::support::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name($crate::support::Backend::Postgres).await
            }
        }
    )*};
}

pub struct TestApp {
    pub base: String,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// 2026-03-02 09:00 UTC, a Monday: the start of every test's clock.
pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().unwrap()
}

impl TestApp {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    /// Starts a server; `tweak` may change the configuration first.
    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}/t.db?mode=rwc", dir.path().display()),
            Backend::Postgres => {
                let cluster = pg::cluster();
                let name = format!("t_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(cluster.url("postgres")).await.unwrap();
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
                admin.close().await.unwrap();
                cluster.url(&name)
            }
        };
        let mut config = Config {
            database_url,
            bind: "127.0.0.1:0".parse().unwrap(),
            mail_dir: dir.path().join("mail"),
            admin_email: Some(ADMIN_EMAIL.into()),
            admin_password: Some(ADMIN_PASSWORD.into()),
            // Seeding runs hundreds of writes within one minute of the manual clock; the tests of
            // the write budget set their own.
            write_rate_per_minute: 100_000,
            ..Config::default()
        };
        tweak(&mut config);
        let clock = ManualClock::new(start_time());
        let app = App::build_with_clock(config, clock.clone()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = app.state.clone();
        let header_timeout = state.config.header_timeout;
        tokio::spawn(teilhabe::http::serve::serve(listener, app.router, header_timeout, std::future::pending()));
        Self { base, clock, state, http: reqwest::Client::new(), _dir: dir }
    }

    /// A test app around a server someone else started at `base`.
    pub fn from_parts(base: String, clock: Arc<ManualClock>, state: AppState) -> Self {
        Self { base, clock, state, http: reqwest::Client::new(), _dir: tempfile::tempdir().unwrap() }
    }

    /// Posts one GraphQL document and answers the whole response body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req = self.http.post(format!("{}/graphql", self.base)).json(&json!({
            "query": query,
            "variables": variables,
        }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap().json().await.unwrap()
    }

    /// As [`TestApp::gql`], but fails the test on any error and answers `data`.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let data = self
            .ok(
                None,
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                json!({"e": email, "p": password}),
            )
            .await;
        data["login"]["token"].as_str().unwrap().to_string()
    }

    pub async fn admin(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// The audit trail of one entity, newest first: (action, summary) of each event.
    pub async fn audit_of(&self, token: &str, entity_id: &str) -> Vec<(String, String)> {
        let log = self
            .ok(
                Some(token),
                "query($id: UUID) { auditLog(entityId: $id, first: 100) { edges { node { action summary } } } }",
                json!({"id": entity_id}),
            )
            .await;
        log["auditLog"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (e["node"]["action"].as_str().unwrap().to_string(), e["node"]["summary"].as_str().unwrap().to_string())
            })
            .collect()
    }

    pub async fn create_org(&self, token: &str, name: &str, sector: &str) -> String {
        let data = self
            .ok(
                Some(token),
                "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }",
                json!({"i": {"name": name, "sector": sector}}),
            )
            .await;
        data["createOrganization"]["id"].as_str().unwrap().to_string()
    }

    /// Creates a person with [`PASSWORD`] and answers (id, token).
    pub async fn create_user(&self, token: &str, email: &str, role: &str, orgs: &[&str]) -> (String, String) {
        let data = self
            .ok(
                Some(token),
                "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
                json!({"i": {"email": email, "name": email.split('@').next().unwrap(), "password": PASSWORD,
                             "role": role, "organizationIds": orgs}}),
            )
            .await;
        let id = data["createUser"]["id"].as_str().unwrap().to_string();
        (id, self.login(email, PASSWORD).await)
    }

    /// The injected clock's time.
    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        teilhabe::clock::Clock::now(self.clock.as_ref())
    }

    /// SQL statements this server has run so far, read from `/metrics`.
    pub async fn statements(&self) -> u64 {
        let text = self.http.get(format!("{}/metrics", self.base)).send().await.unwrap().text().await.unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("teilhabe_db_statements_total "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no statement counter in metrics:\n{text}"))
    }
}

/// The `extensions.code` of the first error.
pub fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("no error code in {body:#}"))
}

/// Sends every operation of `graphql/examples/<file>` anonymously with placeholder variables and
/// checks that each is answered (public reads) or refused for want of a login or a publication —
/// never as invalid against the schema. Returns how many operations it checked.
pub async fn check_example_operations(app: &TestApp, file: &str) -> usize {
    let path = format!("{}/graphql/examples/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut checked = 0;
    let blocks = text.split("\n\n").map(|b| b.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n"));
    for op in blocks.filter(|b| b.starts_with("query") || b.starts_with("mutation")) {
        let header = op.split('{').next().unwrap();
        let mut variables = serde_json::Map::new();
        for decl in header.split('$').skip(1) {
            let (name, ty) = decl.split_once(':').unwrap();
            let value = match ty.trim().trim_end_matches([')', ',', ' ']).trim() {
                "UUID!" => json!(uuid::Uuid::new_v4()),
                "[UUID!]!" => json!([]),
                "Int!" => json!(1),
                "String!" => json!("x"),
                "Boolean!" => json!(true),
                t if !t.ends_with('!') => Value::Null,
                other => panic!("no placeholder for {other}"),
            };
            variables.insert(name.trim().to_string(), value);
        }
        let body = app.gql(None, &op, Value::Object(variables)).await;
        // Public reads answer anonymous callers; everything else refuses them.
        let errors = body["errors"].as_array().map(Vec::as_slice).unwrap_or_default();
        assert!(errors.is_empty() == body["data"].is_object(), "{op}\n{body:#}");
        assert!(
            errors
                .iter()
                .all(|e| e["extensions"]["code"] == "UNAUTHENTICATED" || e["extensions"]["code"] == "NOT_FOUND"),
            "{op}\n{body:#}"
        );
        checked += 1;
    }
    checked
}
