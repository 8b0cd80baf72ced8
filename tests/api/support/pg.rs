//! A throwaway PostgreSQL 15 cluster per test process, started with initdb/pg_ctl on a free port.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
    sync::OnceLock,
};

pub struct Cluster {
    pub port: u16,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();

/// The shared cluster, started on first use; a watchdog stops it when this process ends.
pub fn cluster() -> &'static Cluster {
    match CLUSTER.get_or_init(start) {
        Ok(c) => c,
        Err(e) => panic!("could not start PostgreSQL for the tests: {e}"),
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a PostgreSQL tool, as the `postgres` user when we are root (initdb refuses root).
fn run(root: bool, program: &Path, args: &[&str]) -> Result<(), String> {
    let mut cmd = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let out = cmd.args(args).output().map_err(|e| format!("{}: {e}", program.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} {:?} failed: {}{}",
            program.display(),
            args,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn start() -> Result<Cluster, String> {
    let bindir = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .map_err(|e| format!("pg_config not found ({e}); install PostgreSQL 15"))?;
    let bindir = PathBuf::from(String::from_utf8_lossy(&bindir.stdout).trim());
    let root = is_root();
    let base = std::env::temp_dir().join(format!("teilhabe-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).map_err(|e| e.to_string())?;
    if root {
        let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&base).status();
        if !status.is_ok_and(|s| s.success()) {
            return Err("chown to postgres failed".into());
        }
    }
    let data = base.join("data");
    let data_s = data.to_string_lossy().to_string();
    run(root, &bindir.join("initdb"), &["-D", &data_s, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"])?;
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=300",
        base.display()
    );
    let log = base.join("postgres.log").to_string_lossy().to_string();
    run(root, &bindir.join("pg_ctl"), &["-D", &data_s, "-o", &options, "-l", &log, "-w", "-t", "60", "start"])?;
    // Stop the cluster and remove its files once this test process is gone, however it ends.
    let pg_ctl = bindir.join("pg_ctl");
    let stop = if root {
        format!("runuser -u postgres -- {} -D {data_s} -m immediate stop", pg_ctl.display())
    } else {
        format!("{} -D {data_s} -m immediate stop", pg_ctl.display())
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {base}",
        pid = std::process::id(),
        base = base.display()
    );
    Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("watchdog: {e}"))?;
    Ok(Cluster { port })
}

impl Cluster {
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}
