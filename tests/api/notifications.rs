//! The outbox over HTTP and against a real SMTP sink: outages, two senders, crashes, failures.

use std::collections::HashSet;

use crate::{
    on_both_databases,
    support::{
        Backend, TestApp, code,
        smtp::{SmtpSink, free_port},
    },
};
use chrono::Duration;
use serde_json::json;
use teilhabe::{
    App, jobs,
    notifications::{
        NewNotification, cancel_pending,
        entities::NotificationKind,
        mailer::{Mailer, Outgoing},
        service::{claim_due, enqueue_many, renew},
    },
};

const OUTBOX: &str = "{ notifications(first: 100) { edges { node { subject status attempts messageId lastError kind recipient { name } } } } }";

fn note(recipient: &str, key: &str, app: &TestApp) -> NewNotification {
    NewNotification {
        recipient_id: recipient.parse().unwrap(),
        kind: NotificationKind::DeliveryDue,
        dedupe_key: key.to_string(),
        due_at: app.clock_now(),
        subject: format!("Erinnerung {key}"),
        body_text: "Bitte liefern Sie die Daten.".into(),
        body_html: Some("<p>Bitte liefern Sie die Daten.</p>".into()),
        link: None,
        cc: vec![],
    }
}

/// Queues one notification as of its due time; `false` when its dedupe key is taken.
async fn enqueue(db: &sea_orm::DatabaseConnection, n: NewNotification) -> teilhabe::error::Result<bool> {
    let at = n.due_at;
    Ok(enqueue_many(db, vec![n], at).await? == 1)
}

async fn outbox(app: &TestApp, token: &str) -> Vec<serde_json::Value> {
    let data = app.ok(Some(token), OUTBOX, json!({})).await;
    data["notifications"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}

async fn enqueue_is_idempotent_and_cancel_stops_pending(b: Backend) {
    let sink = SmtpSink::start().await;
    let app = TestApp::start_with(b, |c| c.smtp_url = Some(sink.url())).await;
    let admin = app.admin().await;
    let (anna, anna_token) = app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    assert!(enqueue(&app.state.db, note(&anna, "delivery:x:e0:due14:a", &app)).await.unwrap());
    assert!(!enqueue(&app.state.db, note(&anna, "delivery:x:e0:due14:a", &app)).await.unwrap(), "same key twice");
    assert!(enqueue(&app.state.db, note(&anna, "vote:y:closing:a", &app)).await.unwrap());
    assert_eq!(cancel_pending(&app.state.db, "vote:y:").await.unwrap(), 1);
    jobs::pass(&app.state).await.unwrap();
    assert_eq!(sink.messages().len(), 1);
    let mine = outbox(&app, &anna_token).await;
    let statuses: HashSet<_> = mine.iter().map(|n| n["status"].as_str().unwrap().to_string()).collect();
    assert_eq!(statuses, HashSet::from(["SENT".to_string(), "CANCELLED".to_string()]));
    // A second pass sends nothing again.
    jobs::pass(&app.state).await.unwrap();
    assert_eq!(sink.messages().len(), 1);
    let mail = &sink.messages()[0];
    assert!(mail.contains("text/plain") && mail.contains("text/html"), "{mail}");
}

async fn smtp_down_then_up_every_mail_arrives(b: Backend) {
    let port = free_port();
    let app = TestApp::start_with(b, |c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let admin = app.admin().await;
    let (anna, _) = app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    for i in 0..5 {
        enqueue(&app.state.db, note(&anna, &format!("k{i}"), &app)).await.unwrap();
    }
    // Down: nothing listens. Every row waits with its attempt counted and the error kept.
    let report = jobs::pass(&app.state).await.unwrap();
    assert_eq!(report.mail.retried, 5);
    let rows = outbox(&app, &admin).await;
    assert!(
        rows.iter().all(|n| n["status"] == "PENDING" && n["attempts"] == 1 && n["lastError"].is_string()),
        "{rows:#?}"
    );
    // Backoff: a pass right away does not hammer the server.
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.retried, 0);
    app.clock.advance(Duration::minutes(1));
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.retried, 5);

    let sink = SmtpSink::start_on(port).await;
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.sent, 0, "still backing off");
    app.clock.advance(Duration::minutes(2));
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.sent, 5);
    let ids: HashSet<String> = sink.message_ids().into_iter().collect();
    assert_eq!(ids.len(), 5);
    app.clock.advance(Duration::hours(1));
    jobs::pass(&app.state).await.unwrap();
    assert_eq!(sink.messages().len(), 5, "nothing twice");
    let rows = outbox(&app, &admin).await;
    assert!(rows.iter().all(|n| n["status"] == "SENT" && n["attempts"] == 3));
    // The Message-ID sent is the one recorded.
    let recorded: HashSet<String> = rows.iter().map(|n| n["messageId"].as_str().unwrap().to_string()).collect();
    assert_eq!(recorded, ids);
}

async fn two_instances_send_each_mail_exactly_once(b: Backend) {
    let sink = SmtpSink::start().await;
    let app = TestApp::start_with(b, |c| c.smtp_url = Some(sink.url())).await;
    let admin = app.admin().await;
    let (anna, _) = app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    let other = App::build_with_clock(app.state.config.as_ref().clone(), app.clock.clone()).await.unwrap();
    for i in 0..120 {
        enqueue(&app.state.db, note(&anna, &format!("k{i}"), &app)).await.unwrap();
    }
    let (a, b2) =
        tokio::join!(jobs::run_due(&app.state, app.clock_now()), jobs::run_due(&other.state, app.clock_now()));
    let (a, b2) = (a.unwrap(), b2.unwrap());
    assert_eq!(a.mail.sent + b2.mail.sent, 120, "{a:?} {b2:?}");
    let (a, b2) =
        tokio::join!(jobs::run_due(&app.state, app.clock_now()), jobs::run_due(&other.state, app.clock_now()));
    assert_eq!(a.unwrap().mail.sent + b2.unwrap().mail.sent, 0);
    let ids = sink.message_ids();
    assert_eq!(ids.len(), 120);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 120, "each mail exactly once");
}

async fn a_crash_between_claim_and_mark_resends_once_with_the_same_message_id(b: Backend) {
    let sink = SmtpSink::start().await;
    let app = TestApp::start_with(b, |c| c.smtp_url = Some(sink.url())).await;
    let admin = app.admin().await;
    let (anna, _) = app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    enqueue(&app.state.db, note(&anna, "sent-then-crash", &app)).await.unwrap();
    enqueue(&app.state.db, note(&anna, "crash-before-send", &app)).await.unwrap();
    let claimed = claim_due(&app.state, app.clock_now(), 10).await.unwrap();
    assert_eq!(claimed.len(), 2);
    // The sender got one mail out, then died before recording it.
    let first = claimed.iter().find(|n| n.dedupe_key == "sent-then-crash").unwrap().clone();
    let mailer = Mailer::from_config(&app.state.config).unwrap();
    let mail = Outgoing {
        file_stem: first.id.simple().to_string(),
        message_id: first.message_id.clone(),
        from: app.state.config.mail_from.clone(),
        to: ("anna".into(), "anna@example.org".into()),
        cc: vec![],
        subject: first.subject.clone(),
        text: first.body_text.clone(),
        html: None,
        unsubscribe_url: None,
    };
    mailer.send(mail, std::time::Duration::from_secs(5)).await.unwrap();
    drop(claimed);
    // While the lease holds, no one else touches the rows.
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.sent, 0);
    assert_eq!(sink.messages().len(), 1);
    app.clock.advance(Duration::seconds(61));
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.sent, 2);
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.sent, 0);
    let ids = sink.message_ids();
    assert_eq!(ids.len(), 3);
    let sent_as = teilhabe::notifications::mailer::message_id_at(&first.message_id, "localhost");
    assert_eq!(ids.iter().filter(|id| **id == sent_as).count(), 2, "resent once, recognisably");
}

async fn a_crashed_senders_mails_wait_for_the_sixty_second_lease_only(b: Backend) {
    let sink = SmtpSink::start().await;
    let app = TestApp::start_with(b, |c| c.smtp_url = Some(sink.url())).await;
    let admin = app.admin().await;
    let (anna, _) = app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    enqueue(&app.state.db, note(&anna, "claimed-then-crash", &app)).await.unwrap();
    let claimed = claim_due(&app.state, app.clock_now(), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    // The sender dies before sending anything.
    drop(claimed);
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.sent, 0, "the lease holds");
    app.clock.advance(Duration::seconds(60));
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.sent, 0, "not before the 60 seconds have run out");
    app.clock.advance(Duration::seconds(1));
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.sent, 1, "the next pass takes it over");
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.sent, 0);
    assert_eq!(sink.messages().len(), 1);

    // A live sender renews its lease while a long send is in flight: nobody takes the row over.
    enqueue(&app.state.db, note(&anna, "long-send", &app)).await.unwrap();
    let claimed = claim_due(&app.state, app.clock_now(), 10).await.unwrap();
    let token = claimed[0].lease_token.unwrap();
    app.clock.advance(Duration::seconds(50));
    renew(&app.state, token).await.unwrap();
    app.clock.advance(Duration::seconds(50));
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.sent, 0, "renewed 50 s ago: still held");
    app.clock.advance(Duration::seconds(11));
    assert_eq!(jobs::pass(&app.state).await.unwrap().mail.sent, 1, "no renewal for 61 s: the sender is gone");
}

async fn permanent_rejections_fail_and_retries_are_bounded(b: Backend) {
    let port = free_port();
    let app = TestApp::start_with(b, |c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let admin = app.admin().await;
    let (rejected, _) = app.create_user(&admin, "reject@example.org", "MEMBER", &[]).await;
    let (anna, _) = app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    enqueue(&app.state.db, note(&anna, "never-reachable", &app)).await.unwrap();
    for _ in 0..teilhabe::notifications::service::MAX_ATTEMPTS {
        jobs::pass(&app.state).await.unwrap();
        app.clock.advance(Duration::hours(7));
    }
    let rows = outbox(&app, &admin).await;
    assert_eq!(rows[0]["status"], "FAILED", "{rows:#?}");
    let metrics = app.http.get(format!("{}/metrics", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("teilhabe_outbox_failed 1"), "{metrics}");

    let sink = SmtpSink::start_on(port).await;
    enqueue(&app.state.db, note(&rejected, "five-hundred", &app)).await.unwrap();
    let report = jobs::pass(&app.state).await.unwrap();
    assert_eq!(report.mail.failed, 1, "a 5xx is not retried");
    assert!(sink.messages().is_empty());
    let rows = outbox(&app, &admin).await;
    let five = rows.iter().find(|n| n["subject"] == "Erinnerung five-hundred").unwrap();
    assert_eq!(five["status"], "FAILED");
    assert_eq!(five["attempts"], 1);
}

async fn inactive_recipients_get_nothing_and_members_see_only_their_own(b: Backend) {
    let sink = SmtpSink::start().await;
    let app = TestApp::start_with(b, |c| c.smtp_url = Some(sink.url())).await;
    let admin = app.admin().await;
    let (anna, anna_token) = app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    let (ben, _) = app.create_user(&admin, "ben@example.org", "MEMBER", &[]).await;
    enqueue(&app.state.db, note(&anna, "for-anna", &app)).await.unwrap();
    enqueue(&app.state.db, note(&ben, "for-ben", &app)).await.unwrap();
    app.ok(Some(&admin), "mutation($id: UUID!) { deactivateUser(id: $id) { active } }", json!({"id": ben})).await;
    let report = jobs::pass(&app.state).await.unwrap();
    assert_eq!((report.mail.sent, report.mail.cancelled), (1, 1));
    assert_eq!(sink.messages().len(), 1);
    let mine = outbox(&app, &anna_token).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["subject"], "Erinnerung for-anna");
    assert_eq!(outbox(&app, &admin).await.len(), 2);
    let body = app.gql(None, OUTBOX, json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED");
}

async fn a_server_stalling_after_the_data_is_timed_out_and_retried_with_the_same_message_id(b: Backend) {
    let sink = SmtpSink::start().await;
    let app = TestApp::start_with(b, |c| {
        c.smtp_url = Some(sink.url());
        c.smtp_timeout = std::time::Duration::from_millis(500);
    })
    .await;
    let admin = app.admin().await;
    let (stalled, _) = app.create_user(&admin, "stall@example.org", "MEMBER", &[]).await;
    enqueue(&app.state.db, note(&stalled, "stalls", &app)).await.unwrap();
    let report = tokio::time::timeout(std::time::Duration::from_secs(10), jobs::pass(&app.state)).await;
    assert_eq!(report.expect("the pass must not hang").unwrap().mail.retried, 1);
    app.clock.advance(Duration::minutes(2));
    jobs::pass(&app.state).await.unwrap();
    let ids = sink.message_ids();
    assert_eq!(ids.len(), 2, "the data arrived twice");
    assert_eq!(ids[0], ids[1], "the retry is recognisable by its Message-ID");
}

async fn without_smtp_mails_become_eml_files(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let (anna, _) = app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    enqueue(&app.state.db, note(&anna, "file", &app)).await.unwrap();
    jobs::pass(&app.state).await.unwrap();
    let files: Vec<_> = std::fs::read_dir(&app.state.config.mail_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("anna@example.org") && text.contains("Message-ID: <"), "{text}");
}

async fn readyz_reports_a_stalled_scheduler(b: Backend) {
    let app = TestApp::start(b).await;
    let ready = |app: &TestApp| {
        let url = format!("{}/readyz", app.base);
        let http = app.http.clone();
        async move { http.get(url).send().await.unwrap() }
    };
    assert_eq!(ready(&app).await.status(), 200);
    app.clock.advance(Duration::seconds(3 * 60 + 1));
    let res = ready(&app).await;
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["scheduler"], "stalled");
    assert!(body["reason"].as_str().unwrap().contains("scheduler"));
    jobs::pass(&app.state).await.unwrap();
    assert_eq!(ready(&app).await.status(), 200);
    let metrics = app.http.get(format!("{}/metrics", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("teilhabe_outbox_pending 0"), "{metrics}");
}

on_both_databases!(
    enqueue_is_idempotent_and_cancel_stops_pending,
    smtp_down_then_up_every_mail_arrives,
    two_instances_send_each_mail_exactly_once,
    a_crash_between_claim_and_mark_resends_once_with_the_same_message_id,
    a_crashed_senders_mails_wait_for_the_sixty_second_lease_only,
    permanent_rejections_fail_and_retries_are_bounded,
    inactive_recipients_get_nothing_and_members_see_only_their_own,
    without_smtp_mails_become_eml_files,
    a_server_stalling_after_the_data_is_timed_out_and_retried_with_the_same_message_id,
    readyz_reports_a_stalled_scheduler,
);
