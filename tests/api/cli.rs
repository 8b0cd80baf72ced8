//! The `teilhabe` binary: migrate, user create (password from stdin), schema.

use std::{io::Write, process::Command};

use serde_json::json;

use crate::support::{Backend, TestApp};

fn teilhabe(db: &str, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_teilhabe"))
        .args(args)
        .env("TEILHABE_DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn migrate_and_create_a_user_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db?mode=rwc", dir.path().display());
    let out = teilhabe(&db, &["migrate"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = teilhabe(
        &db,
        &[
            "user",
            "create",
            "--email",
            "Koord@Stadt.example",
            "--name",
            "Kim Koord",
            "--role",
            "COORDINATOR",
            "--password-stdin",
        ],
        Some("ein-sehr-langes-passwort\n"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = teilhabe(
        &db,
        &["user", "create", "--email", "kurz@stadt.example", "--name", "K", "--password-stdin"],
        Some("kurz"),
    );
    assert!(!out.status.success(), "a short password is refused");

    let app = TestApp::start_with(Backend::Sqlite, |c| {
        c.database_url = db.clone();
        c.admin_email = None;
    })
    .await;
    let token = app.login("koord@stadt.example", "ein-sehr-langes-passwort").await;
    let me = app.ok(Some(&token), "{ me { name role } }", json!({})).await;
    assert_eq!(me["me"], json!({"name": "Kim Koord", "role": "COORDINATOR"}));
}

#[test]
fn schema_command_prints_the_sdl() {
    let out = teilhabe("sqlite::memory:", &["schema"], None);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), teilhabe::graphql::sdl());
}

/// `teilhabe demo` draws a progress bar only on a terminal: piped output carries no escape codes.
#[tokio::test]
async fn demo_prints_no_escape_codes_when_not_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/demo.db?mode=rwc", dir.path().display());
    assert!(teilhabe(&db, &["migrate"], None).status.success());
    let admin = &["user", "create", "--email", "admin@stadt.example", "--name", "Ada Admin", "--role", "ADMIN"];
    let out = teilhabe(&db, &[admin.as_slice(), &["--password-stdin"]].concat(), Some("ein-sehr-langes-passwort"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = teilhabe(&db, &["demo"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("demo loaded:"), "{stdout}");
    assert!(!stdout.contains('\u{1b}') && !stderr.contains('\u{1b}'), "{stdout:?}\n{stderr:?}");
}
