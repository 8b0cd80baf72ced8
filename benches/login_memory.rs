//! Memory of the release server under login floods: starts `target/release/teilhabe` on a temp
//! SQLite database, creates 200 people, then fires 400 parallel failed logins (400 different
//! emails, so the per-email lock does not spare a single hash) and 200 parallel real ones,
//! sampling the server's VmRSS from /proc. Run: `cargo bench --bench login_memory` (Linux only).
//! Extra environment (e.g. `TEILHABE_HASH_CONCURRENCY=400`) is passed on to the server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::{Value, json};

const TARGET_MB: f64 = 300.0;
const PASSWORD: &str = "ein-gutes-passwort";
const ADMIN: (&str, &str) = ("admin@example.org", "admin-passwort-123");
const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Samples the RSS every 20 ms while `f` runs and answers the peak in MB.
async fn peak_during<F: std::future::Future<Output = T>, T>(pid: u32, f: F) -> (f64, T) {
    let peak = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max((rss_mb(pid) * 1024.0) as u64, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let out = f.await;
    stop.store(true, Ordering::Relaxed);
    sampler.await.unwrap();
    (peak.load(Ordering::Relaxed) as f64 / 1024.0, out)
}

struct Server {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req =
            self.http.post(format!("{}/graphql", self.base)).json(&json!({"query": query, "variables": variables}));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        match req.send().await {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(e) => json!({"errors": [{"extensions": {"code": format!("transport: {e}")}}]}),
        }
    }
}

fn outcome(body: &Value) -> String {
    if body["data"]["login"]["token"].is_string() {
        "ok".into()
    } else {
        body["errors"][0]["extensions"]["code"].as_str().unwrap_or("?").to_string()
    }
}

fn tally(outcomes: &[String]) -> String {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for o in outcomes {
        *counts.entry(o.as_str()).or_default() += 1;
    }
    counts.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_teilhabe"))
        .arg("serve")
        .env("TEILHABE_DATABASE_URL", format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()))
        .env("TEILHABE_BIND", format!("127.0.0.1:{port}"))
        .env("TEILHABE_MAIL_DIR", dir.path().join("mail"))
        .env("TEILHABE_ADMIN_EMAIL", ADMIN.0)
        .env("TEILHABE_ADMIN_PASSWORD", ADMIN.1)
        .env("RUST_LOG", "warn")
        // The per-address write budget would answer most of these logins with LIMIT before any
        // hash runs; this measures the hashing bound, so the budget is out of the way.
        .env("TEILHABE_WRITE_RATE_PER_MINUTE", "1000000")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        http: reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap(),
    };
    let started = Instant::now();
    while server.http.get(format!("{}/healthz", server.base)).send().await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "the server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let idle = rss_mb(pid);

    let admin = server.gql(None, LOGIN, json!({"e": ADMIN.0, "p": ADMIN.1})).await["data"]["login"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let created = Instant::now();
    for chunk in (0..200).collect::<Vec<_>>().chunks(20) {
        let jobs = chunk.iter().map(|i| {
            server.gql(
                Some(&admin),
                "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
                json!({"i": {"email": format!("p{i}@example.org"), "name": format!("Person {i}"),
                             "password": PASSWORD, "role": "MEMBER"}}),
            )
        });
        for body in futures_util::future::join_all(jobs).await {
            assert!(body["data"]["createUser"]["id"].is_string(), "{body}");
        }
    }
    let after_setup = rss_mb(pid);
    println!("setup: 200 people created in {:.1} s", created.elapsed().as_secs_f64());

    let t = Instant::now();
    let (peak_failed, failed) = peak_during(pid, async {
        let jobs = (0..400)
            .map(|i| server.gql(None, LOGIN, json!({"e": format!("nobody{i}@example.org"), "p": "falsch-falsch"})));
        futures_util::future::join_all(jobs).await.iter().map(outcome).collect::<Vec<_>>()
    })
    .await;
    let failed_secs = t.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after_failed = rss_mb(pid);

    let t = Instant::now();
    let (peak_real, real) = peak_during(pid, async {
        let jobs = (0..200).map(|i| server.gql(None, LOGIN, json!({"e": format!("p{i}@example.org"), "p": PASSWORD})));
        futures_util::future::join_all(jobs).await.iter().map(outcome).collect::<Vec<_>>()
    })
    .await;
    let real_secs = t.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after_real = rss_mb(pid);

    let verdict = |mb: f64| if mb < TARGET_MB { "ok" } else { "OVER" };
    println!("VmRSS of the release server (target < {TARGET_MB:.0} MB):");
    println!("  idle                           {idle:7.1} MB");
    println!("  after creating 200 people      {after_setup:7.1} MB");
    println!(
        "  400 parallel failed logins     peak {peak_failed:7.1} MB [{}]  after {after_failed:7.1} MB [{}]  {failed_secs:.1} s  {}",
        verdict(peak_failed),
        verdict(after_failed),
        tally(&failed)
    );
    println!(
        "  200 parallel real logins       peak {peak_real:7.1} MB [{}]  after {after_real:7.1} MB [{}]  {real_secs:.1} s  {}",
        verdict(peak_real),
        verdict(after_real),
        tally(&real)
    );
}
