//! The ecosystem's standards, checked with their own parsers: spreadsheets as German Excel reads
//! them (the `csv` crate, `calamine`, the sheet XML).

use std::io::{Cursor, Read};

use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use serde_json::{Value, json};

use crate::{
    on_both_databases,
    support::{Backend, TestApp},
};

/// Every enum value of the GraphQL schema (`IN_VOTE`) and its Rust name (`InVote`).
fn english_enum_names() -> Vec<String> {
    let schema = include_str!("../../graphql/schema.graphql");
    let mut names = Vec::new();
    let mut in_enum = false;
    let mut in_doc = false;
    for line in schema.lines().map(str::trim) {
        if line.starts_with("enum ") {
            in_enum = true;
        } else if in_enum && line == "}" {
            in_enum = false;
        } else if in_enum {
            if line.starts_with("\"\"\"") {
                // A one-line doc opens and closes on the same line.
                in_doc = !(in_doc || line.len() > 3 && line.ends_with("\"\"\""));
                continue;
            }
            if in_doc || line.is_empty() || line.starts_with('@') {
                continue;
            }
            let value = line.split_whitespace().next().unwrap_or_default().to_string();
            let rust: String = value
                .split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next().map(|f| f.to_string() + &c.as_str().to_lowercase()).unwrap_or_default()
                })
                .collect();
            names.push(value);
            names.push(rust);
        }
    }
    names
}

/// Enum names that are German words too.
const ALSO_GERMAN: [&str; 2] = ["Definition", "Person"];

/// The English enum names in a cell, looked for word by word.
fn english_in(cell: &str, names: &[String]) -> Vec<String> {
    cell.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| names.iter().any(|n| n == w) && !ALSO_GERMAN.contains(w))
        .map(str::to_string)
        .collect()
}

async fn get(app: &TestApp, token: &str, path: &str) -> (String, Vec<u8>) {
    let response = app.http.get(format!("{}{path}", app.base)).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_string();
    (disposition, response.bytes().await.unwrap().to_vec())
}

/// Parses a CSV download as German Excel does; returns its rows, the header first.
fn csv_rows(path: &str, bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or_else(|| panic!("{path}: no byte-order mark"));
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').has_headers(false).from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect::<Vec<_>>();
    assert!(rows.len() > 1, "{path}: {text}");
    assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{path}: every row as wide as the header");
    for cell in rows.iter().flatten() {
        assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{path}: formula cell {cell:?}");
    }
    rows
}

/// Reads an XLSX download back: its cells, and the XML of its sheet.
fn xlsx_cells(bytes: &[u8], sheet: &str) -> (Vec<Vec<Data>>, String) {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let rows = range.rows().map(|r| r.to_vec()).collect();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
    (rows, xml)
}

async fn spreadsheets_are_german_and_excel_reads_them(b: Backend) {
    let app = TestApp::start(b).await;
    teilhabe::demo::load(&app.state).await.unwrap();
    let token = app.login("koordination@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let editions =
        app.ok(Some(&token), "{ leitbilder { id status process { id proposals { id } } } }", json!({})).await;
    let editions = editions["leitbilder"].as_array().unwrap();
    let adopted = editions.iter().find(|l| l["status"] == "ADOPTED").unwrap()["id"].as_str().unwrap().to_string();
    let process = editions.iter().find(|l| l["process"].is_object()).unwrap()["process"].clone();
    let process_id = process["id"].as_str().unwrap();
    let proposal = process["proposals"][0]["id"].as_str().unwrap();
    app.ok(
        Some(&token),
        "mutation($i: SetDispositionInput!) { setDisposition(input: $i) { decision } }",
        json!({"i": {"subjectId": proposal, "decision": "PARTLY_TAKEN_UP", "reason": "-teilweise, siehe Entwurf"}}),
    )
    .await;
    let frozen = app
        .ok(
            Some(&token),
            "mutation($id: UUID!) { freezeReport(leitbildId: $id, title: \"Bericht\") { id } }",
            json!({"id": adopted}),
        )
        .await["freezeReport"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let names = english_enum_names();
    assert!(names.iter().any(|n| n == "InVote") && names.iter().any(|n| n == "LOWER_IS_BETTER"));
    let tables = [
        (format!("/api/reports/{adopted}/monitoring"), "Monitoring", "Angenommen am"),
        (format!("/api/reports/frozen/{frozen}/bericht"), "Monitoring", "Angenommen am"),
        (format!("/api/processes/{process_id}/dispositions"), "Abwägung", "Eingang"),
    ];
    let mut seen = String::new();
    for (path, sheet, date_column) in &tables {
        let csv_path = format!("{path}.csv");
        let (_, bytes) = get(&app, &token, &csv_path).await;
        let rows = csv_rows(&csv_path, &bytes);
        for cell in rows.iter().flatten() {
            assert!(english_in(cell, &names).is_empty(), "{csv_path}: {cell:?} is an English enum name");
            seen.push_str(cell);
            seen.push('\n');
        }
        let column = rows[0].iter().position(|h| h == date_column).unwrap();
        let day = &rows[1][column];
        assert!(
            day.is_empty() || chrono::NaiveDate::parse_from_str(&day[..10], "%d.%m.%Y").is_ok(),
            "{csv_path}: {day:?} is a German date"
        );

        let xlsx_path = format!("{path}.xlsx");
        let (_, bytes) = get(&app, &token, &xlsx_path).await;
        let (cells, xml) = xlsx_cells(&bytes, sheet);
        for cell in cells.iter().flatten() {
            if let Data::String(s) = cell {
                assert!(english_in(s, &names).is_empty(), "{xlsx_path}: {s:?} is an English enum name");
            }
        }
        let column = cells[0].iter().position(|h| h == &Data::String(date_column.to_string())).unwrap();
        let dates: Vec<&Data> = cells[1..].iter().map(|r| &r[column]).filter(|c| **c != Data::Empty).collect();
        assert!(!dates.is_empty(), "{xlsx_path}: some {date_column}");
        assert!(dates.iter().all(|c| c.is_datetime()), "{xlsx_path}: {date_column} holds date cells: {dates:?}");
        assert!(xml.contains("<autoFilter ref=\"A1:"), "{xlsx_path}: an autofilter");
        assert!(xml.contains("<pane ") && xml.contains("state=\"frozen\""), "{xlsx_path}: a frozen header row");
    }
    for german in ["auf gutem Weg", "In Abstimmung", "teilweise berücksichtigt", "Vorschlag"] {
        assert!(seen.contains(german), "{german} in\n{seen}");
    }
    assert!(seen.contains("'-teilweise, siehe Entwurf"), "a formula-like reason is defused");

    // A range names its range.
    let (disposition, _) = get(&app, &token, &format!("/api/reports/{adopted}/monitoring.csv?from=2023&to=2025")).await;
    assert!(
        disposition.contains("filename=\"monitoring-") && disposition.ends_with("_2023-bis-2025.csv\""),
        "{disposition}"
    );

    // The glossary: as the other downloads, and importing what German Excel saves changes nothing.
    let (disposition, bytes) = get(&app, &token, "/glossary.csv").await;
    assert_eq!(disposition, "attachment; filename=\"glossar.csv\"");
    let rows = csv_rows("/glossary.csv", &bytes);
    for cell in rows.iter().flatten() {
        assert!(english_in(cell, &names).is_empty(), "/glossary.csv: {cell:?} is an English enum name");
    }
    assert!(rows.iter().flatten().any(|c| c == "Vereinbart"));
    let text = String::from_utf8(bytes).unwrap();
    const IMPORT: &str = "mutation($c: String!, $d: Boolean!) { importGlossary(format: CSV, content: $c, dryRun: $d) { created updated unchanged } }";
    let admin = app.admin().await;
    let terms = rows[1..].iter().map(|r| &r[0]).collect::<std::collections::BTreeSet<_>>().len();
    for content in [text.clone(), comma_separated(&text)] {
        let result: Value =
            app.ok(Some(&admin), IMPORT, json!({"c": content, "d": true})).await["importGlossary"].clone();
        assert_eq!(result["unchanged"], terms, "{result}");
    }
}

/// The same table as a tool without German settings saves it: `,`, no byte-order mark, and the
/// apostrophes of defused cells kept.
fn comma_separated(text: &str) -> String {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').has_headers(false).from_reader(text.as_bytes());
    let mut out = csv::Writer::from_writer(Vec::new());
    for record in reader.records() {
        out.write_record(&record.unwrap()).unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

on_both_databases!(spreadsheets_are_german_and_excel_reads_them);

/// Mails as RFC 3834, RFC 2369 and RFC 5322 want them, read back with `mail-parser` from the
/// .eml files the scheduler writes.
async fn mails_say_what_they_are_and_where_to_stop_them(b: Backend) {
    use teilhabe::notifications::{NewNotification, entities::NotificationKind, mailer, service::enqueue_many};
    let app = TestApp::start_with(b, |c| c.public_url = "https://teilhabe.stadt.example".into()).await;
    let admin = app.admin().await;
    let (anna, _) = app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    let link = "https://teilhabe.stadt.example/indikatoren/1";
    let text = mailer::compose("Guten Tag,", &["Bitte liefern Sie die Daten <A & B>.".into()], "Zum Indikator", link);
    let note = |key: &str, html: Option<&str>| NewNotification {
        recipient_id: anna.parse().unwrap(),
        kind: NotificationKind::DeliveryDue,
        dedupe_key: key.into(),
        due_at: app.clock_now(),
        subject: format!("Erinnerung {key}"),
        body_text: text.clone(),
        body_html: html.map(str::to_string),
        link: Some(link.into()),
        cc: vec![],
    };
    enqueue_many(&app.state.db, vec![note("plain", None), note("list", Some("<ul><li>x</li></ul>"))], app.clock_now())
        .await
        .unwrap();
    teilhabe::jobs::pass(&app.state).await.unwrap();
    assert_eq!(app.state.metrics.mails_sent.get(), 2, "sent mails are counted");
    let dir = &app.state.config.mail_dir;
    let files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let settings = format!("https://teilhabe.stadt.example{}", mailer::SETTINGS_PATH);
    for file in files {
        let raw = std::fs::read(&file).unwrap();
        let mail = mail_parser::MessageParser::default().parse(&raw).unwrap();
        assert_eq!(mail.header_raw("Auto-Submitted").map(str::trim), Some("auto-generated"), "RFC 3834 §5");
        let unsubscribe = mail.header_raw("List-Unsubscribe").map(str::trim).unwrap();
        assert!(
            unsubscribe.starts_with("<https://teilhabe.stadt.example/abbestellen/") && unsubscribe.ends_with('>'),
            "RFC 2369 §3.2 and RFC 8058 §3.1: one HTTPS URL in angle brackets: {unsubscribe}"
        );
        assert_eq!(mail.header_raw("List-Unsubscribe-Post").map(str::trim), Some("List-Unsubscribe=One-Click"));
        let id = mail.message_id().unwrap();
        assert!(id.ends_with("@teilhabe.stadt.example"), "RFC 5322 §3.6.4: id-right is the domain: {id}");
        let from = mail.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("teilhabe"));
        assert_eq!(from.address(), Some(app.state.config.mail_from.as_str()));
        let text = mail.body_text(0).unwrap();
        assert!(text.contains(&format!("Benachrichtigungen einstellen: {settings}")), "{text}");
        let html = mail.body_html(0).unwrap();
        assert!(html.contains(&format!("<a href=\"{settings}\">")), "{html}");
        assert!(!html.contains("<A & B>"), "text is escaped: {html}");
    }
    // The settings link opens a route of the web app.
    let app_routes = include_str!("../../frontend/src/App.tsx");
    let route = mailer::SETTINGS_PATH.trim_start_matches('/');
    assert!(app_routes.contains(&format!("<Route path=\"{route}\"")), "the web app has {route}");
    let page = app.http.get(format!("{}{}", app.base, mailer::SETTINGS_PATH)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
}

on_both_databases!(mails_say_what_they_are_and_where_to_stop_them);

/// The mails in the .eml directory, oldest first, read back with `mail-parser`.
fn mails_in(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
    files.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    files.into_iter().map(|p| (p.display().to_string(), std::fs::read(&p).unwrap())).collect()
}

fn subject_of(raw: &[u8]) -> String {
    mail_parser::MessageParser::default().parse(raw).unwrap().subject().unwrap_or_default().to_string()
}

/// RFC 8058: a mail client POSTs to the URL of `List-Unsubscribe`, without cookies; the person
/// gets no more mails (but the sign-in links they ask for) and still reads every notification in
/// the app. A browser's GET of the same URL opens the web app's page, which asks first.
async fn one_click_unsubscribe_stops_mails_but_not_the_notification_centre(b: Backend) {
    use teilhabe::notifications::{NewNotification, entities::NotificationKind, service::enqueue_many};
    let app = TestApp::start_with(b, |c| c.public_url = "https://teilhabe.stadt.example".into()).await;
    let admin = app.admin().await;
    let (anna, anna_token) = app.create_user(&admin, "anna@example.org", "MEMBER", &[]).await;
    let note = |key: &str, kind: NotificationKind, due_in_days: i64| NewNotification {
        recipient_id: anna.parse().unwrap(),
        kind,
        dedupe_key: key.into(),
        due_at: app.clock_now() + chrono::Duration::days(due_in_days),
        subject: format!("Betreff {key}"),
        body_text: "Guten Tag".into(),
        body_html: None,
        link: None,
        cc: vec![],
    };
    let enqueue =
        |list: Vec<NewNotification>| async { enqueue_many(&app.state.db, list, app.clock_now()).await.unwrap() };
    enqueue(vec![note("first", NotificationKind::DeliveryDue, 0), note("next-week", NotificationKind::DeliveryDue, 7)])
        .await;
    teilhabe::jobs::pass(&app.state).await.unwrap();
    let dir = app.state.config.mail_dir.clone();
    let sent = mails_in(&dir);
    assert_eq!(sent.len(), 1);
    let mail = mail_parser::MessageParser::default().parse(&sent[0].1).unwrap();
    let header = mail.header_raw("List-Unsubscribe").unwrap().trim();
    let url = header.trim_start_matches('<').trim_end_matches('>');
    let path = url.strip_prefix("https://teilhabe.stadt.example").unwrap().to_string();
    let settings_query = "{ myNotificationSettings { mailMode digest } }";
    let mode = |body: Value| body["myNotificationSettings"]["mailMode"].as_str().unwrap().to_string();
    assert_eq!(mode(app.ok(Some(&anna_token), settings_query, json!({})).await), "SINGLE");

    // A browser (or a link scanner) GETs the page that asks; nothing changes.
    let page = app.http.get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let app_routes = include_str!("../../frontend/src/App.tsx");
    assert!(app_routes.contains("<Route path=\"/abbestellen/:token\""), "the web app has the page");
    assert_eq!(mode(app.ok(Some(&anna_token), settings_query, json!({})).await), "SINGLE");

    // A forged token is refused and changes nothing.
    let post = |p: String| {
        app.http
            .post(format!("{}{p}", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
    };
    let (id, sig) = path.trim_start_matches("/abbestellen/").split_once('-').unwrap();
    let forged = format!("/abbestellen/{}-{sig}", uuid::Uuid::new_v4().simple());
    assert_eq!(post(forged).await.unwrap().status(), 404);
    assert_eq!(post(format!("/abbestellen/{id}-{}", "0".repeat(64))).await.unwrap().status(), 404);
    assert_eq!(post(format!("/abbestellen/{}", "a".repeat(5000))).await.unwrap().status(), 404);
    assert_eq!(mode(app.ok(Some(&anna_token), settings_query, json!({})).await), "SINGLE");

    // The mail client's POST, without cookies; twice is harmless.
    for _ in 0..2 {
        let answer = post(path.clone()).await.unwrap();
        assert_eq!(answer.status(), 200);
    }
    let settings = app.ok(Some(&anna_token), settings_query, json!({})).await;
    assert_eq!(mode(settings.clone()), "OFF");
    assert_eq!(settings["myNotificationSettings"]["digest"], false);

    // No more mails: neither new ones nor next week's reminder; the sign-in link she asks for is.
    enqueue(vec![note("reply", NotificationKind::CommentReply, 0), note("link", NotificationKind::SignInLink, 0)])
        .await;
    teilhabe::jobs::pass(&app.state).await.unwrap();
    app.clock.advance(chrono::Duration::days(8));
    teilhabe::jobs::pass(&app.state).await.unwrap();
    let subjects: Vec<String> = mails_in(&dir).iter().map(|(_, raw)| subject_of(raw)).collect();
    assert_eq!(subjects, ["Betreff first", "Betreff link"], "only the requested sign-in link was mailed");
    let all = mails_in(&dir);
    let sign_in = mail_parser::MessageParser::default().parse(&all[1].1).unwrap();
    assert!(sign_in.header_raw("List-Unsubscribe-Post").is_none(), "a sign-in link offers no one-click");

    // …but the notification centre shows them all.
    let inbox = app.ok(Some(&anna_token), "{ myInbox(first: 20) { edges { node { subject } } } }", json!({})).await;
    let shown: Vec<&str> =
        inbox["myInbox"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["subject"].as_str().unwrap()).collect();
    for s in ["Betreff first", "Betreff next-week", "Betreff reply"] {
        assert!(shown.contains(&s), "{s} in {shown:?}");
    }

    // Mails on again in the settings: what becomes due from now on is mailed.
    let on = app
        .ok(Some(&anna_token), "mutation { setNotificationMailMode(mode: DIGEST) { mailMode digest } }", json!({}))
        .await;
    assert_eq!(on["setNotificationMailMode"]["mailMode"], "DIGEST");
    app.ok(Some(&anna_token), "mutation { setNotificationMailMode(mode: SINGLE) { mailMode } }", json!({})).await;
    enqueue(vec![note("tomorrow", NotificationKind::DeliveryDue, 1)]).await;
    app.clock.advance(chrono::Duration::days(2));
    teilhabe::jobs::pass(&app.state).await.unwrap();
    let subjects: Vec<String> = mails_in(&dir).iter().map(|(_, raw)| subject_of(raw)).collect();
    assert_eq!(subjects.last().map(String::as_str), Some("Betreff tomorrow"), "{subjects:?}");
    assert!(!subjects.iter().any(|s| s == "Betreff reply"), "what was shown in the app is not mailed late");

    // The audit log says how the mails were stopped.
    let audit =
        app.ok(Some(&admin), "{ auditLog(first: 50) { edges { node { summary } } } }", json!({})).await.to_string();
    assert!(audit.contains("E-Mails über den Abmeldelink einer Mail abbestellt"), "{audit}");
}

on_both_databases!(one_click_unsubscribe_stops_mails_but_not_the_notification_centre);

/// The calendar feed, read with `icalendar`'s parser: RFC 5545 dates and product id, RFC 7986
/// refresh interval, and the votes a person may take part in.
async fn the_calendar_feed_follows_rfc_5545_and_lists_the_votes_one_may_take_part_in(b: Backend) {
    use icalendar::{Component, DatePerhapsTime};
    let app = TestApp::start(b).await;
    teilhabe::demo::load(&app.state).await.unwrap();
    let admin = app.admin().await;
    let token = app.login("koordination@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let editions = app.ok(Some(&token), "{ leitbilder { process { id title participants { id } } } }", json!({})).await;
    let process =
        editions["leitbilder"].as_array().unwrap().iter().find(|l| l["process"].is_object()).unwrap()["process"]
            .clone();
    let participating = process["participants"][0]["id"].as_str().unwrap();
    let outside = app.create_org(&admin, "Nicht beteiligt", "SCIENCE").await;
    let indicators = app.ok(Some(&token), "{ indicators { owner { id } } }", json!({})).await;
    let owner = indicators["indicators"][0]["owner"]["id"].as_str().unwrap();
    let (_, member) = app.create_user(&admin, "mitglied@example.org", "MEMBER", &[participating, owner]).await;
    let (_, stranger) = app.create_user(&admin, "aussen@example.org", "MEMBER", &[&outside]).await;
    let feed = |who: String| {
        let app = &app;
        async move {
            let s = app.ok(Some(&who), "{ myNotificationSettings { calendarUrl } }", json!({})).await;
            let url = s["myNotificationSettings"]["calendarUrl"].as_str().unwrap().to_string();
            let path = url.split_once("/calendar/").unwrap().1.to_string();
            app.http.get(format!("{}/calendar/{path}", app.base)).send().await.unwrap().text().await.unwrap()
        }
    };
    let vote_summary = format!("Abstimmung endet: {}", process["title"].as_str().unwrap());

    let text = feed(member).await;
    let unfolded = icalendar::parser::unfold(&text);
    let raw = icalendar::parser::read_calendar(&unfolded).unwrap();
    let refresh = raw.properties.iter().find(|p| p.name == "REFRESH-INTERVAL").expect("RFC 7986 §5.7 REFRESH-INTERVAL");
    assert_eq!(refresh.val.as_str(), "PT1H");
    assert!(refresh.params.iter().any(|p| p.key == "VALUE" && p.val.as_ref().map(|v| v.as_str()) == Some("DURATION")));
    assert!(raw.properties.iter().any(|p| p.name == "X-PUBLISHED-TTL" && p.val == "PT1H"));
    let cal: icalendar::Calendar = text.parse().unwrap();
    let prodid = cal.property_value("PRODID").unwrap();
    assert_eq!(prodid, format!("-//teilhabe//teilhabe {}//DE", env!("CARGO_PKG_VERSION")), "RFC 5545 §3.7.3");
    let mut all_day = 0;
    for event in cal.events() {
        if let Some(DatePerhapsTime::Date(start)) = event.get_start() {
            all_day += 1;
            let Some(DatePerhapsTime::Date(end)) = event.get_end() else { panic!("an all-day event ends on a date") };
            assert!(end > start, "RFC 5545 §3.8.2.2: DTEND after DTSTART ({start} .. {end})");
        }
    }
    assert!(all_day > 0, "the deliveries and reviews of the member's organisation:\n{text}");
    let votes: Vec<_> = cal.events().filter(|e| e.get_summary() == Some(vote_summary.as_str())).collect();
    assert_eq!(votes.len(), 1, "the member's vote closes in the feed:\n{text}");
    assert!(matches!(votes[0].get_start(), Some(DatePerhapsTime::DateTime(_))), "a moment, not a day");

    let text = feed(stranger).await;
    let cal: icalendar::Calendar = text.parse().unwrap();
    assert!(cal.events().all(|e| e.get_summary() != Some(vote_summary.as_str())), "no vote for a non-member");
}

on_both_databases!(the_calendar_feed_follows_rfc_5545_and_lists_the_votes_one_may_take_part_in);

/// `teilhabe healthcheck` for the container's HEALTHCHECK: 0 when `/healthz` answers, 1 when not.
#[tokio::test]
async fn the_healthcheck_command_exits_by_the_servers_answer() {
    let app = TestApp::start(Backend::Sqlite).await;
    let run = |url: String| {
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_teilhabe"))
                .args(["healthcheck", "--url", &url])
                .env("RUST_LOG", "error")
                .output()
                .unwrap()
        })
    };
    let up = run(app.base.clone()).await.unwrap();
    assert_eq!(up.status.code(), Some(0), "{}", String::from_utf8_lossy(&up.stdout));
    let port = crate::support::smtp::free_port();
    let down = run(format!("http://127.0.0.1:{port}")).await.unwrap();
    assert_eq!(down.status.code(), Some(1));
    // Logged into a pipe: plain text, no ANSI colour codes.
    let log = String::from_utf8_lossy(&down.stdout);
    assert!(log.contains("teilhabe stopped"), "{log}");
    assert!(!log.contains("\x1b["), "ANSI escape codes in a piped log: {log:?}");
}

/// The first lines of `teilhabe serve` into a pipe: version, database kind and mail transport,
/// no password, no colour codes.
#[test]
fn the_start_up_line_names_version_database_and_mail_without_secrets() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_teilhabe"))
        .arg("serve")
        .env("TEILHABE_DATABASE_URL", format!("sqlite://{}/s.db?mode=rwc", dir.path().display()))
        .env("TEILHABE_BIND", "127.0.0.1:0")
        .env("TEILHABE_SMTP_URL", "smtp://bote:geheim-123@mail.stadt.example:587")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut log = String::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if line.contains("teilhabe listening") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let start = log.lines().find(|l| l.contains("teilhabe starting")).unwrap_or_else(|| panic!("{log}"));
    assert!(start.contains(concat!("version=", env!("CARGO_PKG_VERSION"))), "{start}");
    assert!(start.contains("database=sqlite"), "{start}");
    assert!(start.contains("smtp mail.stadt.example:587"), "{start}");
    assert!(!log.contains("geheim-123"), "no password in the log: {log}");
    assert!(!log.contains("\x1b["), "no ANSI codes in a piped log: {log:?}");
}

/// graphql-transport-ws (PROTOCOL.md, "Error"): an operation that fails before it runs ends in
/// `{"type":"error","id":…,"payload":[GraphQLError]}`, and nothing follows for that id.
async fn subscription_errors_are_the_protocols_error_message(b: Backend) {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let mut req = format!("{}/graphql/ws", app.base.replace("http://", "ws://")).into_client_request().unwrap();
    req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    ws.send(Message::text(json!({"type": "connection_init", "payload": {"token": admin}}).to_string())).await.unwrap();
    let ack = ws.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"));
    let unknown = uuid::Uuid::new_v4();
    let cases = [
        ("1", "subscription { commentAdded(targetId: \"x\") { id nichtDa } }".to_string(), None),
        ("2", format!("subscription {{ commentAdded(targetId: \"{unknown}\") {{ id }} }}"), Some("NOT_FOUND")),
        ("3", format!("subscription {{ tallyChanged(proposalId: \"{unknown}\") {{ yes }} }}"), Some("NOT_FOUND")),
    ];
    for (id, query, code) in &cases {
        ws.send(Message::text(json!({"id": id, "type": "subscribe", "payload": {"query": query}}).to_string()))
            .await
            .unwrap();
        let msg = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next()).await.unwrap().unwrap().unwrap();
        let v: Value = serde_json::from_str(msg.to_text().unwrap()).unwrap();
        assert_eq!(v["type"], "error", "{v:#}");
        assert_eq!(v["id"], *id);
        let errors = v["payload"].as_array().unwrap_or_else(|| panic!("payload is a list of GraphQL errors: {v:#}"));
        assert!(!errors.is_empty() && errors.iter().all(|e| e["message"].is_string()), "{v:#}");
        if let Some(code) = code {
            assert_eq!(errors[0]["extensions"]["code"], *code, "{v:#}");
        }
    }
    // Nothing follows an error: the next frame is the answer to a ping.
    ws.send(Message::text(json!({"type": "ping"}).to_string())).await.unwrap();
    let msg = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next()).await.unwrap().unwrap().unwrap();
    assert!(msg.to_text().unwrap().contains("\"pong\""), "{msg:?}");
}

on_both_databases!(subscription_errors_are_the_protocols_error_message);

/// RFC 9110 §8.4 content coding: answers above a small size come as gzip or brotli when the
/// client accepts it, never when it does not; tiny answers stay as they are.
async fn answers_are_compressed_as_the_client_accepts(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let body = json!({"query": "{ __schema { types { name description } } }"}).to_string();
    let ask = |encoding: Option<&'static str>| {
        let mut req = app
            .http
            .post(format!("{}/graphql", app.base))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(e) = encoding {
            req = req.header("accept-encoding", e);
        }
        req.send()
    };
    let plain = ask(None).await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_len = plain.bytes().await.unwrap().len();
    assert!(plain_len > 10_000, "a large answer: {plain_len} bytes");
    for (accept, coding) in [("gzip", "gzip"), ("br", "br"), ("br;q=1.0, gzip;q=0.5", "br")] {
        let res = ask(Some(accept)).await.unwrap();
        assert_eq!(res.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some(coding), "{accept}");
        let len = res.bytes().await.unwrap().len();
        assert!(len * 2 < plain_len, "{coding}: {len} of {plain_len} bytes");
    }
    let small = app.http.get(format!("{}/healthz", app.base)).header("accept-encoding", "gzip").send().await.unwrap();
    assert!(small.headers().get("content-encoding").is_none(), "a few bytes are not worth it");

    // The web app's files: coded once at the best quality and answered from memory, the same
    // bytes each time, and decoding to the file itself.
    let get = |path: String, accept: &'static str| {
        app.http.get(format!("{}{path}", app.base)).header("accept-encoding", accept).send()
    };
    let index = get("/".into(), "identity").await.unwrap().text().await.unwrap();
    let asset = |ext: &str| {
        index
            .split('"')
            .find(|s| s.starts_with("/assets/") && s.ends_with(ext))
            .unwrap_or_else(|| panic!("the web app is built (npm run build in frontend/): {index}"))
            .to_string()
    };
    for path in [asset(".js"), asset(".css")] {
        let plain = get(path.clone(), "identity").await.unwrap();
        assert!(plain.headers().get("content-encoding").is_none(), "{path}");
        assert_eq!(plain.headers().get("vary").and_then(|v| v.to_str().ok()), Some("accept-encoding"), "{path}");
        let plain = plain.bytes().await.unwrap();
        let codings = [
            ("gzip, deflate", "gzip"),
            ("gzip, br", "br"),
            ("br;q=0, gzip", "gzip"),
            ("br;Q=0, gzip", "gzip"),
            ("br;q=0.1, gzip", "gzip"),
        ];
        for (accept, coding) in codings {
            let res = get(path.clone(), accept).await.unwrap();
            assert_eq!(res.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some(coding), "{path}");
            assert_eq!(res.headers().get("vary").and_then(|v| v.to_str().ok()), Some("accept-encoding"), "{path}");
            let coded = res.bytes().await.unwrap();
            // The first request of a file and coding makes it once; the others wait for it.
            let again = get(path.clone(), accept).await.unwrap().bytes().await.unwrap();
            assert_eq!(coded, again, "{path}: the same bytes each time");
            let mut decoded = Vec::new();
            match coding {
                "br" => brotli::BrotliDecompress(&mut &coded[..], &mut decoded).unwrap(),
                _ => {
                    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&coded[..]), &mut decoded).unwrap();
                }
            }
            assert_eq!(decoded, plain, "{path} in {coding}");
            assert!(coded.len() * 2 < plain.len(), "{path} in {coding}: {} of {} bytes", coded.len(), plain.len());
        }
    }
}

on_both_databases!(answers_are_compressed_as_the_client_accepts);
