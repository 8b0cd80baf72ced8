//! Indicators, deliveries and their reminders over HTTP, on both databases, against an SMTP sink.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use teilhabe::{config::SignedLinkLogin, jobs};

use crate::{
    on_both_databases,
    support::{
        Backend, PASSWORD, TestApp, code,
        smtp::{SmtpSink, header},
    },
};

const CREATE: &str = "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id code nextReviewAt owner { name } responsible { name } } }";
const REQUEST: &str = "mutation($id: UUID!, $p: String!, $d: DateTime!) { requestDelivery(indicatorId: $id, period: $p, dueAt: $d) { id status period overdue } }";
const CONFIRM: &str = "mutation($id: UUID!, $v: Float, $n: NoNewDataInput, $b: [BreakdownInput!], $def: UUID) { confirmDelivery(deliveryId: $id, value: $v, noNewData: $n, breakdown: $b, definitionId: $def) { id status value onTime expectedAt breakdown { dimension category value } deliveredBy { name } } }";
const ACCEPT: &str = "mutation($id: UUID!) { acceptDelivery(deliveryId: $id) { status acceptedBy { name } } }";
const RETURN: &str =
    "mutation($id: UUID!, $r: String!) { returnDelivery(deliveryId: $id, reason: $r) { status returnReason } }";
const OUTBOX: &str = "{ notifications(first: 100) { edges { node { kind status subject recipient { name } } } } }";

/// A city in miniature: a Dezernat with an Amt, people in each, a coordinator.
struct City {
    app: TestApp,
    sink: SmtpSink,
    admin: String,
    coordinator: String,
    amt: String,
    other_org: String,
    responsible: String,
    responsible_id: String,
    deputy_id: String,
    outsider: String,
}

async fn city(b: Backend) -> City {
    city_with(b, SignedLinkLogin::Required).await
}

async fn city_with(b: Backend, link_policy: SignedLinkLogin) -> City {
    let sink = SmtpSink::start().await;
    let app = TestApp::start_with(b, |c| {
        c.smtp_url = Some(sink.url());
        c.signed_link_login = link_policy;
    })
    .await;
    let admin = app.admin().await;
    let dezernat = app.create_org(&admin, "Dezernat Soziales", "ADMINISTRATION").await;
    let amt = app
        .ok(
            Some(&admin),
            "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }",
            json!({"i": {"name": "Amt für Migration", "sector": "ADMINISTRATION", "parentId": dezernat}}),
        )
        .await["createOrganization"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let other_org = app.create_org(&admin, "Jobcenter", "ADMINISTRATION").await;
    let (_, coordinator) = app.create_user(&admin, "koordination@example.org", "COORDINATOR", &[]).await;
    let (responsible_id, responsible) = app.create_user(&admin, "amt@example.org", "MEMBER", &[&amt]).await;
    let (deputy_id, _) = app.create_user(&admin, "vertretung@example.org", "MEMBER", &[&amt]).await;
    app.create_user(&admin, "dezernent@example.org", "MEMBER", &[&dezernat]).await;
    let (_, outsider) = app.create_user(&admin, "jobcenter@example.org", "MEMBER", &[&other_org]).await;
    City { app, sink, admin, coordinator, amt, other_org, responsible, responsible_id, deputy_id, outsider }
}

impl City {
    /// The administrator's id: a person of no organisation.
    async fn admin_id(&self) -> String {
        self.app.ok(Some(&self.admin), "{ me { id } }", json!({})).await["me"]["id"].as_str().unwrap().to_string()
    }

    /// Logs everyone in again: sessions last 14 days and the clock moves faster in tests.
    async fn refresh(&mut self) {
        self.admin = self.app.admin().await;
        self.coordinator = self.app.login("koordination@example.org", PASSWORD).await;
        self.responsible = self.app.login("amt@example.org", PASSWORD).await;
        self.outsider = self.app.login("jobcenter@example.org", PASSWORD).await;
    }

    async fn indicator(&self, code_: &str, unit: &str) -> String {
        let data = self
            .app
            .ok(
                Some(&self.coordinator),
                CREATE,
                json!({"i": {
                    "code": code_, "name": format!("Indikator {code_}"), "unit": unit,
                    "sourceKind": "DEPARTMENT", "sourceDescription": "Fachverfahren des Amtes",
                    "periodicity": "YEARLY", "targetValue": 50.0, "targetDirection": "HIGHER_IS_BETTER",
                    "ownerId": self.amt, "responsibleUserId": self.responsible_id, "deputyUserId": self.deputy_id,
                    "reviewIntervalMonths": 12,
                }}),
            )
            .await;
        data["createIndicator"]["id"].as_str().unwrap().to_string()
    }

    async fn request(&self, indicator: &str, period: &str, due: DateTime<Utc>) -> String {
        let data = self.app.ok(Some(&self.coordinator), REQUEST, json!({"id": indicator, "p": period, "d": due})).await;
        data["requestDelivery"]["id"].as_str().unwrap().to_string()
    }

    async fn pass(&self) -> jobs::StepReport {
        jobs::pass(&self.app.state).await.unwrap()
    }

    /// The confirm token of the latest reminder mail with a signed link.
    fn latest_token(&self) -> String {
        let mail = self.mails_with("token=").pop().expect("a reminder with a link");
        token_of(&mail)
    }

    fn mails_with(&self, needle: &str) -> Vec<String> {
        self.sink.messages().into_iter().filter(|m| m.contains(needle)).collect()
    }

    async fn outbox(&self) -> Vec<Value> {
        let data = self.app.ok(Some(&self.admin), OUTBOX, json!({})).await;
        data["notifications"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
    }
}

fn subject(m: &str) -> String {
    header(m, "Subject").unwrap_or_default()
}

async fn a_delivery_from_request_to_acceptance(b: Backend) {
    let mut c = city(b).await;
    let ind = c.indicator("MIG-1", "%").await;
    let report = c.pass().await;
    assert_eq!(report.mail.sent, 2, "responsible and deputy are told they own it");
    let due = c.app.clock_now() + Duration::days(30);
    let delivery = c.request(&ind, "2025", due).await;
    assert_eq!(c.pass().await.mail.sent, 0, "nothing due yet");

    c.app.clock.advance(Duration::days(16) + Duration::hours(1));

    c.refresh().await;
    let r = c.pass().await;
    assert_eq!((r.reminders.delivery_reminders, r.mail.sent), (2, 2), "{r:?}");
    let due_mails = c.mails_with("fällig");
    assert_eq!(due_mails.len(), 2);
    let mail = &due_mails[0];
    assert!(mail.contains("text/plain") && mail.contains("text/html"));
    assert!(mail.contains("/lieferungen/") && mail.contains("token="), "{mail}");
    assert_eq!(c.pass().await.mail.sent, 0, "not twice");

    c.app.clock.advance(Duration::days(11));

    c.refresh().await;
    assert_eq!(c.pass().await.mail.sent, 2, "the three-day reminder");

    let forbidden = c.app.gql(Some(&c.outsider), CONFIRM, json!({"id": delivery, "v": 40.0})).await;
    assert_eq!(code(&forbidden), "FORBIDDEN");
    let invalid = c.app.gql(Some(&c.responsible), CONFIRM, json!({"id": delivery, "v": 120.0})).await;
    assert_eq!(code(&invalid), "VALIDATION");
    let bad_breakdown = c
        .app
        .gql(
            Some(&c.responsible),
            CONFIRM,
            json!({"id": delivery, "v": 40.0, "b": [{"dimension": "Bezirk", "category": "Mitte", "value": -3.0}]}),
        )
        .await;
    assert_eq!(code(&bad_breakdown), "VALIDATION");
    let confirmed = c
        .app
        .ok(
            Some(&c.responsible),
            CONFIRM,
            json!({"id": delivery, "v": 42.5, "b": [{"dimension": "Bezirk", "category": "Mitte", "value": 40.0}]}),
        )
        .await;
    assert_eq!(confirmed["confirmDelivery"]["status"], "DELIVERED");
    assert_eq!(confirmed["confirmDelivery"]["onTime"], true);
    assert_eq!(confirmed["confirmDelivery"]["breakdown"][0]["category"], "Mitte");
    let again = c.app.gql(Some(&c.responsible), CONFIRM, json!({"id": delivery, "v": 42.5})).await;
    assert_eq!(code(&again), "CONFLICT");
    let member_accepts = c.app.gql(Some(&c.responsible), ACCEPT, json!({"id": delivery})).await;
    assert_eq!(code(&member_accepts), "FORBIDDEN");
    let accepted = c.app.ok(Some(&c.coordinator), ACCEPT, json!({"id": delivery})).await;
    assert_eq!(accepted["acceptDelivery"]["status"], "ACCEPTED");

    // Past the due date nothing more is sent, and the next year is requested automatically.
    c.app.clock.advance(Duration::days(10));
    c.refresh().await;
    let r = c.pass().await;
    assert_eq!(r.reminders.requested, 1);
    assert_eq!(r.mail.sent, 0);
    let series = c
        .app
        .ok(
            Some(&c.coordinator),
            "query($id: UUID!) { indicator(id: $id) { timeSeries { targetValue points { period value } } deliveries { period status dueAt } } }",
            json!({"id": ind}),
        )
        .await;
    let i = &series["indicator"];
    assert_eq!(i["timeSeries"]["points"], json!([{"period": "2025", "value": 42.5}]));
    assert_eq!(i["timeSeries"]["targetValue"], 50.0);
    let periods: Vec<_> = i["deliveries"].as_array().unwrap().iter().map(|d| d["period"].clone()).collect();
    assert_eq!(periods, vec![json!("2025"), json!("2026")]);
    let audit = c
        .app
        .ok(
            Some(&c.admin),
            "query($id: UUID!) { auditLog(entityId: $id) { edges { node { action } } } }",
            json!({"id": delivery}),
        )
        .await;
    let actions: Vec<_> =
        audit["auditLog"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["action"].clone()).collect();
    assert_eq!(actions, vec![json!("delivery.accept"), json!("delivery.confirm"), json!("delivery.request")]);
}

async fn created_late_only_the_latest_reminder_goes_out_and_overdue_escalates(b: Backend) {
    let mut c = city(b).await;
    let ind = c.indicator("MIG-2", "Anzahl").await;
    c.pass().await;
    let before = c.sink.messages().len();
    let due = c.app.clock_now() - Duration::days(20);
    let delivery = c.request(&ind, "2024", due).await;
    let listed = c.app.ok(Some(&c.responsible), "{ deliveries(status: REQUESTED) { id overdue } }", json!({})).await;
    assert_eq!(listed["deliveries"][0]["overdue"], true);
    let r = c.pass().await;
    assert_eq!(r.mail.sent, 2, "one overdue reminder each, no backlog: {r:?}");
    let mails: Vec<String> = c.sink.messages()[before..].to_vec();
    assert!(
        mails.iter().all(|m| subject(m).contains("berf")),
        "{:?}",
        mails.iter().map(|m| subject(m)).collect::<Vec<_>>()
    );
    // Twenty days overdue: coordinators and the parent organisation are copied.
    let cc = header(&mails[0], "Cc").unwrap_or_default();
    assert!(cc.contains("koordination@example.org") && cc.contains("dezernent@example.org"), "{cc}");
    // Weekly afterwards.
    c.app.clock.advance(Duration::days(7));
    c.refresh().await;
    assert_eq!(c.pass().await.mail.sent, 2);
    c.app.clock.advance(Duration::days(1));
    c.refresh().await;
    assert_eq!(c.pass().await.mail.sent, 0);
    let _ = delivery;
}

async fn confirming_cancels_pending_reminders_and_no_new_data_reschedules(b: Backend) {
    let mut c = city(b).await;
    let ind = c.indicator("MIG-3", "Anzahl").await;
    c.pass().await;
    let sent_before = c.sink.messages().len();
    // Requested two days before it is due: the three-day reminder is queued at once.
    let d1 = c.request(&ind, "2025", c.app.clock_now() + Duration::days(2)).await;
    let pending = c.outbox().await.iter().filter(|n| n["status"] == "PENDING").count();
    assert_eq!(pending, 2);
    c.app.ok(Some(&c.responsible), CONFIRM, json!({"id": d1, "v": 7.0})).await;
    let statuses: Vec<_> =
        c.outbox().await.iter().filter(|n| n["kind"] == "DELIVERY_DUE").map(|n| n["status"].clone()).collect();
    assert_eq!(statuses, vec![json!("CANCELLED"), json!("CANCELLED")]);
    c.pass().await;
    assert_eq!(c.sink.messages().len(), sent_before, "the delivered delivery stops its reminders at once");

    let d2 = c.request(&ind, "2026", c.app.clock_now() + Duration::days(5)).await;
    let expected = c.app.clock_now() + Duration::days(40);
    let missing =
        c.app.gql(Some(&c.responsible), CONFIRM, json!({"id": d2, "n": {"reason": " ", "expectedAt": expected}})).await;
    assert_eq!(code(&missing), "VALIDATION");
    let no_data = c
        .app
        .ok(
            Some(&c.responsible),
            CONFIRM,
            json!({"id": d2, "n": {"reason": "Die Quelle ist noch nicht veröffentlicht.", "expectedAt": expected}}),
        )
        .await;
    assert_eq!(no_data["confirmDelivery"]["status"], "REQUESTED");
    assert!(no_data["confirmDelivery"]["expectedAt"].is_string());
    c.app.clock.advance(Duration::days(10));
    c.refresh().await;
    assert_eq!(c.pass().await.mail.sent, 0, "no reminder while the new expected date is far");
    c.app.clock.advance(Duration::days(17));
    c.refresh().await;
    assert_eq!(c.pass().await.mail.sent, 2, "fourteen days before the new expected date");
}

async fn returned_deliveries_and_handed_over_indicators(b: Backend) {
    let c = city(b).await;
    let ind = c.indicator("MIG-4", "%").await;
    let d = c.request(&ind, "2025", c.app.clock_now() + Duration::days(60)).await;
    c.app.ok(Some(&c.responsible), CONFIRM, json!({"id": d, "v": 12.0})).await;
    let returned =
        c.app.ok(Some(&c.coordinator), RETURN, json!({"id": d, "r": "Bitte nach Bezirken aufschlüsseln"})).await;
    assert_eq!(returned["returnDelivery"]["status"], "RETURNED");
    c.pass().await;
    assert_eq!(c.mails_with("zur Korrektur").len(), 1, "the deliverer hears of the return");
    let again = c.app.ok(Some(&c.responsible), CONFIRM, json!({"id": d, "v": 12.5})).await;
    assert_eq!(again["confirmDelivery"]["status"], "DELIVERED");

    let d2 = c.request(&ind, "2026", c.app.clock_now() + Duration::days(400)).await;
    let (new_id, new_token) = c.app.create_user(&c.admin, "neu@example.org", "MEMBER", &[&c.other_org]).await;
    let handed = c
        .app
        .ok(
            Some(&c.coordinator),
            "mutation($i: UUID!, $o: UUID!, $r: UUID) { assignIndicatorOwner(indicatorId: $i, ownerId: $o, responsibleUserId: $r) { owner { name } responsible { name } ownershipHistory { owner { name } untilAt } } }",
            json!({"i": ind, "o": c.other_org, "r": new_id}),
        )
        .await;
    let h = &handed["assignIndicatorOwner"];
    assert_eq!(h["owner"]["name"], "Jobcenter");
    assert_eq!(h["ownershipHistory"].as_array().unwrap().len(), 2);
    assert!(h["ownershipHistory"][0]["untilAt"].is_string());
    c.pass().await;
    assert_eq!(c.mails_with("neu@example.org").len(), 1, "the new owner is told");
    // The open delivery moved along: the old department may no longer confirm it.
    let old = c.app.gql(Some(&c.responsible), CONFIRM, json!({"id": d2, "v": 1.0})).await;
    assert_eq!(code(&old), "FORBIDDEN");
    c.app.ok(Some(&new_token), CONFIRM, json!({"id": d2, "v": 1.0})).await;
}

async fn review_reminders_and_confirmation(b: Backend) {
    let mut c = city(b).await;
    let ind = c
        .app
        .ok(
            Some(&c.coordinator),
            CREATE,
            json!({"i": {"code": "REV", "name": "Einbürgerungsquote", "unit": "%", "sourceKind": "OFFICIAL_STATISTICS",
                         "sourceDescription": "Statistisches Landesamt", "periodicity": "QUARTERLY",
                         "ownerId": c.amt, "responsibleUserId": c.responsible_id, "reviewIntervalMonths": 2}}),
        )
        .await["createIndicator"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    c.pass().await;
    c.app.clock.advance(Duration::days(31));
    c.refresh().await;
    let r = c.pass().await;
    assert_eq!(r.reminders.review_reminders, 1);
    let reviews: Vec<String> =
        c.sink.messages().iter().map(|m| subject(m)).filter(|s| s.starts_with("Überprüfung fällig")).collect();
    assert_eq!(reviews.len(), 1, "{reviews:?}");
    let outsider = c
        .app
        .gql(
            Some(&c.outsider),
            "mutation($i: UUID!) { confirmIndicatorReview(indicatorId: $i) { nextReviewAt } }",
            json!({"i": ind}),
        )
        .await;
    assert_eq!(code(&outsider), "FORBIDDEN");
    let done = c
        .app
        .ok(
            Some(&c.responsible),
            "mutation($i: UUID!) { confirmIndicatorReview(indicatorId: $i, note: \"Quelle geprüft\") { nextReviewAt } }",
            json!({"i": ind}),
        )
        .await;
    let next: DateTime<Utc> = done["confirmIndicatorReview"]["nextReviewAt"].as_str().unwrap().parse().unwrap();
    assert!(next > c.app.clock_now() + Duration::days(55));
}

async fn lists_series_breaks_and_on_time_rates(b: Backend) {
    let c = city(b).await;
    // Two competing definitions of one term: a change between periods is a series break.
    let term = c
        .app
        .ok(
            Some(&c.coordinator),
            "mutation { proposeTerm(input: {label: \"Migrationshintergrund\", definition: \"Mikrozensus-Abgrenzung\"}) { id definitions { id } } }",
            json!({}),
        )
        .await;
    let term_id = term["proposeTerm"]["id"].as_str().unwrap().to_string();
    let def_a = term["proposeTerm"]["definitions"][0]["id"].as_str().unwrap().to_string();
    let def_b = c
        .app
        .ok(
            Some(&c.coordinator),
            "mutation($t: UUID!) { proposeDefinition(input: {termId: $t, text: \"Registerabgrenzung\"}) { id } }",
            json!({"t": term_id}),
        )
        .await["proposeDefinition"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ind = c
        .app
        .ok(
            Some(&c.coordinator),
            CREATE,
            json!({"i": {"code": "MIG-5", "name": "Indikator MIG-5", "unit": "%", "sourceKind": "DEPARTMENT",
                         "sourceDescription": "Fachverfahren des Amtes", "periodicity": "YEARLY", "ownerId": c.amt,
                         "responsibleUserId": c.responsible_id, "termIds": [term_id]}}),
        )
        .await["createIndicator"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (period, value, def, late) in
        [("2022", 10.0, &def_a, false), ("2023", 12.0, &def_a, true), ("2024", 20.0, &def_b, false)]
    {
        let due = c.app.clock_now() + if late { -Duration::days(1) } else { Duration::days(1) };
        let d = c.request(&ind, period, due).await;
        c.app.ok(Some(&c.responsible), CONFIRM, json!({"id": d, "v": value, "def": def})).await;
        c.app.ok(Some(&c.coordinator), ACCEPT, json!({"id": d})).await;
    }
    let other = c.app.ok(Some(&c.coordinator), CREATE, json!({"i": {"code": "JC-1", "name": "SGB-II-Quote", "unit": "%", "sourceKind": "OFFICIAL_STATISTICS", "sourceDescription": "BA", "periodicity": "YEARLY", "ownerId": c.other_org}})).await;
    let other_id = other["createIndicator"]["id"].as_str().unwrap().to_string();
    c.request(&other_id, "2025", c.app.clock_now() + Duration::days(3)).await;
    c.request(&ind, "2025", c.app.clock_now() + Duration::days(90)).await;

    let series = c
        .app
        .ok(
            Some(&c.responsible),
            "query($id: UUID!) { indicator(id: $id) { timeSeries { points { period breakBefore } } } }",
            json!({"id": ind}),
        )
        .await;
    assert_eq!(
        series["indicator"]["timeSeries"]["points"],
        json!([{"period": "2022", "breakBefore": false}, {"period": "2023", "breakBefore": false}, {"period": "2024", "breakBefore": true}])
    );
    // The Amt sees its own open delivery first, though the Jobcenter's is due sooner.
    let mine = c.app.ok(Some(&c.responsible), "{ deliveries { period status owner { name } } }", json!({})).await;
    assert_eq!(mine["deliveries"][0]["owner"]["name"], "Amt für Migration");
    assert_eq!(mine["deliveries"][0]["status"], "REQUESTED");
    let theirs = c.app.ok(Some(&c.outsider), "{ deliveries(status: REQUESTED) { owner { name } } }", json!({})).await;
    assert_eq!(theirs["deliveries"][0]["owner"]["name"], "Jobcenter");
    let rates = c
        .app
        .ok(Some(&c.coordinator), "{ onTimeRates { organization { name } confirmed onTime rate } }", json!({}))
        .await;
    assert_eq!(
        rates["onTimeRates"],
        json!([{"organization": {"name": "Amt für Migration"}, "confirmed": 3, "onTime": 2, "rate": 2.0 / 3.0}])
    );
    let denied = c.app.gql(Some(&c.responsible), "{ onTimeRates { rate } }", json!({})).await;
    assert_eq!(code(&denied), "FORBIDDEN");
}

fn token_of(mail: &str) -> String {
    mail.split("token=")
        .nth(1)
        .unwrap()
        .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '.'))
        .next()
        .unwrap()
        .to_string()
}

const LINK_VIEW: &str = "query($d: UUID!, $t: String!) { deliveryLink(deliveryId: $d, token: $t) { deliveryId status version loginRequired definitions { termLabel agreed } } }";
const BY_LINK: &str = "mutation($id: UUID!, $t: String!, $v: Float, $n: NoNewDataInput, $b: [BreakdownInput!], $note: String, $ev: Int) { confirmDeliveryByLink(deliveryId: $id, token: $t, value: $v, noNewData: $n, breakdown: $b, note: $note, expectedVersion: $ev) { deliveryId status version dueAt loginRequired } }";
const ONE_DELIVERY: &str = "query($id: UUID!) { delivery(id: $id) { status value note breakdown { category value } noDataReason deliveredBy { name } } }";

async fn signed_links_confirm_one_delivery_without_login_where_the_city_allows(b: Backend) {
    let mut c = city_with(b, SignedLinkLogin::NotRequired).await;
    let ind = c.indicator("LNK-1", "%").await;
    let d = c.request(&ind, "2025", c.app.clock_now() + Duration::days(10)).await;
    let other = c.request(&ind, "2026", c.app.clock_now() + Duration::days(400)).await;
    c.pass().await;
    let token = c.latest_token();
    let view = c.app.ok(None, LINK_VIEW, json!({"d": d, "t": token})).await;
    assert_eq!(view["deliveryLink"]["loginRequired"], false);
    assert_eq!(view["deliveryLink"]["status"], "REQUESTED");
    assert_eq!(view["deliveryLink"]["definitions"], json!([]), "the indicator uses no term");

    // Wrong, foreign or forged tokens confirm nothing, and the token opens no other delivery.
    let wrong = c.app.gql(None, BY_LINK, json!({"id": d, "t": "4102444800.00ff", "v": 1.0})).await;
    assert_eq!(code(&wrong), "FORBIDDEN");
    let elsewhere = c.app.gql(None, BY_LINK, json!({"id": other, "t": token, "v": 1.0})).await;
    assert_eq!(code(&elsewhere), "FORBIDDEN", "the token belongs to one delivery");
    assert!(c.app.ok(None, LINK_VIEW, json!({"d": other, "t": token})).await["deliveryLink"].is_null());
    // Holding a link is no session: nothing else can be read.
    for query in ["{ deliveries { id } }", "{ indicators { id } }"] {
        assert_eq!(code(&c.app.gql(None, query, json!({})).await), "UNAUTHENTICATED", "{query}");
    }
    let read_other = c.app.gql(None, ONE_DELIVERY, json!({"id": other})).await;
    assert_eq!(code(&read_other), "UNAUTHENTICATED");

    // "No new data yet" through the link keeps the request open with a new expected date.
    let expected = c.app.clock_now() + Duration::days(30);
    let later = c
        .app
        .ok(
            None,
            BY_LINK,
            json!({"id": d, "t": token, "ev": 1, "n": {"reason": "Quelle noch nicht veröffentlicht", "expectedAt": expected}}),
        )
        .await;
    assert_eq!(later["confirmDeliveryByLink"]["status"], "REQUESTED");
    assert_eq!(later["confirmDeliveryByLink"]["version"], 2);
    let stale = c.app.gql(None, BY_LINK, json!({"id": d, "t": token, "v": 1.0, "ev": 1})).await;
    assert_eq!(code(&stale), "CONFLICT");
    let invalid = c.app.gql(None, BY_LINK, json!({"id": d, "t": token, "v": 140.0})).await;
    assert_eq!(code(&invalid), "VALIDATION", "the rules of confirmDelivery apply");

    // The link expires; the next reminder brings a fresh one.
    c.app.clock.advance(Duration::days(71));
    c.refresh().await;
    let expired = c.app.gql(None, BY_LINK, json!({"id": d, "t": token, "v": 1.0})).await;
    assert_eq!(code(&expired), "FORBIDDEN", "expired");
    let r = c.pass().await;
    assert!(r.reminders.delivery_reminders > 0, "{r:?}");
    let fresh = c.latest_token();
    assert_ne!(fresh, token);
    let done = c
        .app
        .ok(
            None,
            BY_LINK,
            json!({"id": d, "t": fresh, "v": 42.5, "note": "Stichtag 31.12.", "b": [{"dimension": "Bezirk", "category": "Mitte", "value": 40.0}]}),
        )
        .await;
    assert_eq!(done["confirmDeliveryByLink"]["status"], "DELIVERED");
    assert!(c.app.ok(None, "{ me { id } }", json!({})).await["me"].is_null(), "confirming opened no session");
    let again = c.app.gql(None, BY_LINK, json!({"id": d, "t": fresh, "v": 43.0})).await;
    assert_eq!(code(&again), "CONFLICT", "a delivered delivery is no longer open");

    let stored = c.app.ok(Some(&c.coordinator), ONE_DELIVERY, json!({"id": d})).await;
    assert_eq!(
        stored["delivery"],
        json!({"status": "DELIVERED", "value": 42.5, "note": "Stichtag 31.12.", "breakdown": [{"category": "Mitte", "value": 40.0}],
               "noDataReason": "Quelle noch nicht veröffentlicht", "deliveredBy": null})
    );
    let audit = c
        .app
        .ok(
            Some(&c.admin),
            "query($id: UUID) { auditLog(entityId: $id) { edges { node { action summary actor { email } } } } }",
            json!({"id": d}),
        )
        .await;
    let confirms: Vec<&Value> = audit["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .filter(|n| n["action"] == "delivery.confirm")
        .collect();
    assert_eq!(confirms.len(), 2);
    for n in confirms {
        assert!(n["actor"].is_null());
        assert!(
            n["summary"].as_str().unwrap().contains("über den signierten Link im Namen von „Amt für Migration“"),
            "{n}"
        );
    }
    // Confirming stopped the reminders of the delivery at once.
    c.app.clock.advance(Duration::days(8));
    c.refresh().await;
    assert_eq!(c.pass().await.reminders.delivery_reminders, 0);
}

async fn signed_links_need_a_login_where_the_city_requires_it(b: Backend) {
    let c = city(b).await;
    let ind = c.indicator("LNK-2", "Anzahl").await;
    let d = c.request(&ind, "2025", c.app.clock_now() + Duration::days(10)).await;
    c.pass().await;
    let token = c.latest_token();
    let view = c.app.ok(None, LINK_VIEW, json!({"d": d, "t": token})).await;
    assert_eq!(view["deliveryLink"]["loginRequired"], true);
    let anonymous = c.app.gql(None, BY_LINK, json!({"id": d, "t": token, "v": 7.0})).await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
    let outsider = c.app.gql(Some(&c.outsider), BY_LINK, json!({"id": d, "t": token, "v": 7.0})).await;
    assert_eq!(code(&outsider), "FORBIDDEN", "the link adds nothing to a login of another organisation");
    let forged = c.app.gql(Some(&c.responsible), BY_LINK, json!({"id": d, "t": "1.ab", "v": 7.0})).await;
    assert_eq!(code(&forged), "FORBIDDEN");
    let done = c.app.ok(Some(&c.responsible), BY_LINK, json!({"id": d, "t": token, "v": 7.0})).await;
    assert_eq!(done["confirmDeliveryByLink"]["status"], "DELIVERED");
    assert_eq!(done["confirmDeliveryByLink"]["loginRequired"], true);
    let stored = c.app.ok(Some(&c.coordinator), ONE_DELIVERY, json!({"id": d})).await;
    assert_eq!(stored["delivery"]["deliveredBy"]["name"], "amt");
    let again = c.app.gql(Some(&c.responsible), BY_LINK, json!({"id": d, "t": token, "v": 8.0})).await;
    assert_eq!(code(&again), "CONFLICT");
}

async fn indicator_handover_and_review_refuse_stale_versions(b: Backend) {
    let c = city(b).await;
    let ind = c.indicator("VER-1", "%").await;
    const REVIEW: &str =
        "mutation($i: UUID!, $v: Int) { confirmIndicatorReview(indicatorId: $i, expectedVersion: $v) { version } }";
    const HAND: &str = "mutation($i: UUID!, $o: UUID!, $v: Int) { assignIndicatorOwner(indicatorId: $i, ownerId: $o, expectedVersion: $v) { version owner { name } } }";
    let v =
        c.app.ok(Some(&c.coordinator), "query($i: UUID!) { indicator(id: $i) { version } }", json!({"i": ind})).await;
    assert_eq!(v["indicator"]["version"], 1);
    let reviewed = c.app.ok(Some(&c.responsible), REVIEW, json!({"i": ind, "v": 1})).await;
    assert_eq!(reviewed["confirmIndicatorReview"]["version"], 2);
    let stale_review = c.app.gql(Some(&c.responsible), REVIEW, json!({"i": ind, "v": 1})).await;
    assert_eq!(code(&stale_review), "CONFLICT");
    assert_eq!(stale_review["errors"][0]["extensions"]["details"]["currentVersion"], 2);
    let stale_hand = c.app.gql(Some(&c.coordinator), HAND, json!({"i": ind, "o": c.other_org, "v": 1})).await;
    assert_eq!(code(&stale_hand), "CONFLICT");
    assert_eq!(stale_hand["errors"][0]["extensions"]["details"]["currentVersion"], 2);
    let unchanged = c
        .app
        .ok(
            Some(&c.coordinator),
            "query($i: UUID!) { indicator(id: $i) { version owner { name } ownershipHistory { untilAt } } }",
            json!({"i": ind}),
        )
        .await;
    assert_eq!(unchanged["indicator"]["owner"]["name"], "Amt für Migration", "a refused handover changes nothing");
    assert_eq!(unchanged["indicator"]["ownershipHistory"].as_array().unwrap().len(), 1);
    let handed = c.app.ok(Some(&c.coordinator), HAND, json!({"i": ind, "o": c.other_org, "v": 2})).await;
    assert_eq!(handed["assignIndicatorOwner"], json!({"version": 3, "owner": {"name": "Jobcenter"}}));
    // Without expectedVersion the mutations work as before.
    let plain = c.app.ok(Some(&c.coordinator), REVIEW, json!({"i": ind})).await;
    assert_eq!(plain["confirmIndicatorReview"]["version"], 4);
}

async fn signed_links_open_one_delivery_and_calendar_feeds_list_due_dates(b: Backend) {
    let mut c = city(b).await;
    let ind = c.indicator("MIG-6", "%").await;
    let d = c.request(&ind, "2025", c.app.clock_now() + Duration::days(10)).await;
    let other = c.request(&ind, "2026", c.app.clock_now() + Duration::days(400)).await;
    c.pass().await;
    let mail = c.mails_with("token=").into_iter().next().expect("a reminder with a link");
    let token = mail
        .split("token=")
        .nth(1)
        .unwrap()
        .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '.'))
        .next()
        .unwrap()
        .to_string();
    const LINK: &str =
        "query($d: UUID!, $t: String!) { deliveryLink(deliveryId: $d, token: $t) { deliveryId period indicatorCode } }";
    let opened = c.app.ok(None, LINK, json!({"d": d, "t": token})).await;
    assert_eq!(opened["deliveryLink"]["indicatorCode"], "MIG-6");
    let elsewhere = c.app.ok(None, LINK, json!({"d": other, "t": token})).await;
    assert!(elsewhere["deliveryLink"].is_null(), "the link grants nothing else");
    let no_confirm = c.app.gql(None, CONFIRM, json!({"id": d, "v": 1.0})).await;
    assert_eq!(code(&no_confirm), "UNAUTHENTICATED");
    c.app.clock.advance(Duration::days(71));
    c.refresh().await;
    assert!(c.app.ok(None, LINK, json!({"d": d, "t": token})).await["deliveryLink"].is_null(), "expired");

    let settings = c.app.ok(Some(&c.responsible), "{ myNotificationSettings { calendarUrl } }", json!({})).await;
    let url = settings["myNotificationSettings"]["calendarUrl"].as_str().unwrap().to_string();
    let path = url.split_once("/calendar/").unwrap().1;
    let res = c.app.http.get(format!("{}/calendar/{path}", c.app.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = res.text().await.unwrap();
    assert!(ics.contains("BEGIN:VCALENDAR") && ics.matches("BEGIN:VEVENT").count() == 3, "{ics}");
    assert!(ics.contains("Datenlieferung 2025"));
    let missing = c.app.http.get(format!("{}/calendar/nichts.ics", c.app.base)).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

async fn digest_readers_get_one_mail_a_day(b: Backend) {
    let c = city(b).await;
    c.app.ok(Some(&c.responsible), "mutation { setNotificationDigest(digest: true) { digest } }", json!({})).await;
    let a = c.indicator("DG-1", "%").await;
    let b2 = c.indicator("DG-2", "%").await;
    c.request(&a, "2025", c.app.clock_now() + Duration::days(2)).await;
    c.request(&b2, "2025", c.app.clock_now() + Duration::days(2)).await;
    let r = c.pass().await;
    assert_eq!(r.digests, 1);
    let to_amt: Vec<String> = c
        .sink
        .messages()
        .into_iter()
        .filter(|m| header(m, "To").unwrap_or_default().contains("amt@example.org"))
        .collect();
    assert_eq!(to_amt.len(), 1, "{:?}", to_amt.iter().map(|m| subject(m)).collect::<Vec<_>>());
    assert!(subject(&to_amt[0]).contains("4 Benachrichtigungen"), "{}", subject(&to_amt[0]));
    // The deputy did not choose a digest and gets single mails.
    let to_deputy =
        c.sink.messages().into_iter().filter(|m| header(m, "To").unwrap_or_default().contains("vertretung@")).count();
    assert_eq!(to_deputy, 4);
    assert_eq!(c.pass().await.digests, 0, "one digest a day");
}

async fn nested_indicator_lists_need_a_fixed_number_of_statements(b: Backend) {
    let c = city(b).await;
    const Q: &str =
        "{ indicators { code owner { name } responsible { name } deliveries { period deliveredBy { name } } } }";
    let mut counts = Vec::new();
    for round in 0..2 {
        for i in 0..4 {
            let ind = c.indicator(&format!("N{round}-{i}"), "%").await;
            let d = c.request(&ind, "2025", c.app.clock_now() + Duration::days(100)).await;
            c.app.ok(Some(&c.responsible), CONFIRM, json!({"id": d, "v": 1.0})).await;
            c.request(&ind, "2026", c.app.clock_now() + Duration::days(400)).await;
        }
        let before = c.app.statements().await;
        let data = c.app.ok(Some(&c.coordinator), Q, json!({})).await;
        let after = c.app.statements().await;
        assert_eq!(data["indicators"].as_array().unwrap().len(), 4 * (round + 1));
        counts.push(after - before);
    }
    assert_eq!(counts[0], counts[1], "statements must not grow with the number of indicators: {counts:?}");
    assert!(counts[0] <= 12, "{counts:?}");
}

async fn two_servers_remind_and_send_each_reminder_once(b: Backend) {
    let c = city(b).await;
    for i in 0..10 {
        let ind = c.indicator(&format!("TW-{i}"), "%").await;
        c.request(&ind, "2025", c.app.clock_now() + Duration::days(20)).await;
    }
    c.pass().await;
    let before = c.sink.messages().len();
    c.app.clock.advance(Duration::days(7));
    let other =
        teilhabe::App::build_with_clock(c.app.state.config.as_ref().clone(), c.app.clock.clone()).await.unwrap();
    let now = c.app.clock_now();
    let (x, y) = tokio::join!(jobs::run_due(&c.app.state, now), jobs::run_due(&other.state, now));
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x.reminders.delivery_reminders + y.reminders.delivery_reminders, 20, "{x:?} {y:?}");
    assert_eq!(x.mail.sent + y.mail.sent, 20);
    let (x, y) = tokio::join!(jobs::run_due(&c.app.state, now), jobs::run_due(&other.state, now));
    assert_eq!(x.unwrap().mail.sent + y.unwrap().mail.sent, 0);
    let ids = c.sink.message_ids()[before..].to_vec();
    assert_eq!(ids.len(), 20);
    assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), 20);
}

async fn indicators_link_existing_goals_and_terms(b: Backend) {
    let c = city(b).await;
    let lb = c
        .app
        .ok(Some(&c.admin), "mutation { createLeitbild(input: {title: \"Leitbild\", year: 2028}) { id } }", json!({}))
        .await["createLeitbild"]["id"]
        .clone();
    let field = c
        .app
        .ok(
            Some(&c.admin),
            "mutation($l: UUID!) { addFieldOfAction(input: {leitbildId: $l, title: \"Bildung und Sprache\"}) { id } }",
            json!({"l": lb}),
        )
        .await["addFieldOfAction"]["id"]
        .clone();
    let goal = c
        .app
        .ok(
            Some(&c.admin),
            "mutation($f: UUID!) { addGoal(input: {fieldOfActionId: $f, title: \"Mehr Kita-Plätze\"}) { id } }",
            json!({"f": field}),
        )
        .await["addGoal"]["id"]
        .clone();
    let term = c
        .app
        .ok(Some(&c.admin), "mutation { proposeTerm(input: {label: \"Einwanderungsgeschichte\"}) { id } }", json!({}))
        .await["proposeTerm"]["id"]
        .clone();
    let input = |goals: Value, terms: Value| {
        json!({"i": {"code": "LNK", "name": "Kita", "unit": "%", "sourceKind": "DEPARTMENT", "sourceDescription": "Kita",
                     "periodicity": "YEARLY", "ownerId": c.amt, "goalIds": goals, "termIds": terms}})
    };
    let unknown = c.app.gql(Some(&c.coordinator), CREATE, input(json!([uuid::Uuid::new_v4()]), json!([]))).await;
    assert_eq!(code(&unknown), "VALIDATION");
    assert_eq!(unknown["errors"][0]["extensions"]["field"], "goalIds");
    let unknown = c.app.gql(Some(&c.coordinator), CREATE, input(json!([]), json!([uuid::Uuid::new_v4()]))).await;
    assert_eq!(unknown["errors"][0]["extensions"]["field"], "termIds");
    let id = c.app.ok(Some(&c.coordinator), CREATE, input(json!([goal]), json!([term]))).await["createIndicator"]["id"]
        .clone();
    let got = c
        .app
        .ok(
            Some(&c.responsible),
            "query($id: UUID!) { indicator(id: $id) { goals { title } terms { label } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(got["indicator"]["goals"], json!([{"title": "Mehr Kita-Plätze"}]));
    assert_eq!(got["indicator"]["terms"], json!([{"label": "Einwanderungsgeschichte"}]));
    let by_goal = c
        .app
        .ok(Some(&c.responsible), "query($g: UUID!) { indicators(goalId: $g) { code } }", json!({"g": goal}))
        .await;
    assert_eq!(by_goal["indicators"], json!([{"code": "LNK"}]));
}

async fn indicators_are_validated(b: Backend) {
    let c = city(b).await;
    c.indicator("DUP", "%").await;
    let base = json!({"code": "DUP", "name": "X", "unit": "%", "sourceKind": "SURVEY", "sourceDescription": "Umfrage", "periodicity": "YEARLY", "ownerId": c.amt});
    let dup = c.app.gql(Some(&c.coordinator), CREATE, json!({"i": base})).await;
    assert_eq!(code(&dup), "CONFLICT");
    assert_eq!(dup["errors"][0]["extensions"]["field"], "code", "{dup}");
    // Racing creations: the loser learns which field, whether the service or the database's
    // unique constraint caught it.
    let mut race = base.clone();
    race["code"] = json!("RACE");
    let answers = futures_util::future::join_all(
        (0..8).map(|_| c.app.gql(Some(&c.coordinator), CREATE, json!({"i": race.clone()}))),
    )
    .await;
    let won = answers.iter().filter(|a| a.get("errors").is_none()).count();
    assert_eq!(won, 1, "{answers:?}");
    for lost in answers.iter().filter(|a| a.get("errors").is_some()) {
        assert_eq!(
            (code(lost), lost["errors"][0]["extensions"]["field"].as_str()),
            ("CONFLICT", Some("code")),
            "{lost}"
        );
    }
    let mut bad_target = base.clone();
    bad_target["code"] = json!("T1");
    bad_target["targetValue"] = json!(150.0);
    bad_target["targetDirection"] = json!("LOWER_IS_BETTER");
    assert_eq!(code(&c.app.gql(Some(&c.coordinator), CREATE, json!({"i": bad_target})).await), "VALIDATION");
    let mut member = base.clone();
    member["code"] = json!("T2");
    assert_eq!(code(&c.app.gql(Some(&c.responsible), CREATE, json!({"i": member})).await), "FORBIDDEN");
    let ind = c.indicator("PER", "%").await;
    let wrong_period =
        c.app.gql(Some(&c.coordinator), REQUEST, json!({"id": ind, "p": "2025-Q1", "d": c.app.clock_now()})).await;
    assert_eq!(code(&wrong_period), "VALIDATION");
    c.request(&ind, "2025", c.app.clock_now() + Duration::days(30)).await;
    let twice = c.app.gql(Some(&c.coordinator), REQUEST, json!({"id": ind, "p": "2025", "d": c.app.clock_now()})).await;
    assert_eq!(code(&twice), "CONFLICT");
    assert_eq!(twice["errors"][0]["extensions"]["field"], "period");
}

async fn responsible_people_belong_to_the_owning_organisation(b: Backend) {
    let c = city(b).await;
    let ind = c.indicator("MIG-9", "%").await;
    const HAND: &str = "mutation($i: UUID!, $o: UUID!, $r: UUID, $d: UUID) { assignIndicatorOwner(indicatorId: $i, ownerId: $o, responsibleUserId: $r, deputyUserId: $d) { owner { name } responsible { name } } }";
    // The responsible person of the Amt is no member of the Jobcenter: they would get reminders
    // they could not answer.
    let outside =
        c.app.gql(Some(&c.coordinator), HAND, json!({"i": ind, "o": c.other_org, "r": c.responsible_id})).await;
    assert_eq!(code(&outside), "VALIDATION", "{outside:#}");
    assert_eq!(outside["errors"][0]["extensions"]["field"], "responsibleUserId");
    let deputy = c
        .app
        .gql(Some(&c.coordinator), HAND, json!({"i": ind, "o": c.amt, "r": c.responsible_id, "d": c.admin_id().await}))
        .await;
    assert_eq!(deputy["errors"][0]["extensions"]["field"], "deputyUserId", "{deputy:#}");
    // Nothing changed.
    let now = c
        .app
        .ok(
            Some(&c.coordinator),
            "query($id: UUID!) { indicator(id: $id) { owner { name } responsible { name } } }",
            json!({"id": ind}),
        )
        .await;
    assert_eq!(now["indicator"]["owner"]["name"], "Amt für Migration");
    // Creating one is checked alike.
    let mut input = json!({"code": "MIG-10", "name": "X", "unit": "%", "sourceKind": "SURVEY", "sourceDescription": "Umfrage", "periodicity": "YEARLY", "ownerId": c.other_org, "responsibleUserId": c.responsible_id});
    let created = c.app.gql(Some(&c.coordinator), CREATE, json!({"i": input})).await;
    assert_eq!(created["errors"][0]["extensions"]["field"], "responsibleUserId", "{created:#}");
    input["ownerId"] = json!(c.amt);
    c.app.ok(Some(&c.coordinator), CREATE, json!({"i": input})).await;
    // A member of the new owner is accepted.
    let (member, _) = c.app.create_user(&c.admin, "neu2@example.org", "MEMBER", &[&c.other_org]).await;
    let handed = c.app.ok(Some(&c.coordinator), HAND, json!({"i": ind, "o": c.other_org, "r": member})).await;
    assert_eq!(handed["assignIndicatorOwner"]["owner"]["name"], "Jobcenter");
}

on_both_databases!(
    responsible_people_belong_to_the_owning_organisation,
    a_delivery_from_request_to_acceptance,
    created_late_only_the_latest_reminder_goes_out_and_overdue_escalates,
    confirming_cancels_pending_reminders_and_no_new_data_reschedules,
    returned_deliveries_and_handed_over_indicators,
    review_reminders_and_confirmation,
    lists_series_breaks_and_on_time_rates,
    signed_links_open_one_delivery_and_calendar_feeds_list_due_dates,
    digest_readers_get_one_mail_a_day,
    nested_indicator_lists_need_a_fixed_number_of_statements,
    indicators_are_validated,
    indicators_link_existing_goals_and_terms,
    two_servers_remind_and_send_each_reminder_once,
    signed_links_confirm_one_delivery_without_login_where_the_city_allows,
    signed_links_need_a_login_where_the_city_requires_it,
    indicator_handover_and_review_refuse_stale_versions,
);

/// Every operation of `graphql/examples/indicators.graphql` passes validation against the schema
/// (anonymous: each answers or stops at UNAUTHENTICATED, never at a parse or validation error).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_operations_are_valid() {
    let app = TestApp::start(Backend::Sqlite).await;
    assert_eq!(crate::support::check_example_operations(&app, "indicators.graphql").await, 5);
}
