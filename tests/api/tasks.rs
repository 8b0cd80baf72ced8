//! "Meine Aufgaben" per role, "erneut erinnern", the in-app notification centre and the links
//! mails carry, over HTTP on both databases.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use teilhabe::jobs;

use crate::{
    leitbild::{add_field, add_goal, create_leitbild},
    on_both_databases,
    support::{Backend, TestApp, code, smtp::SmtpSink},
};

const TASKS: &str = "query($f: Int, $a: String) { myTasks(first: $f, after: $a) {
    pageInfo { hasNextPage endCursor } edges { node { kind subjectId title context phase dueAt overdue count path } } } }";
const INBOX: &str = "query($u: Boolean) { myUnreadCount myInbox(first: 50, unreadOnly: $u) { edges { node { id kind subject path readAt } } } }";
const CREATE_INDICATOR: &str = "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id } }";
const REQUEST: &str = "mutation($id: UUID!, $p: String!, $d: DateTime!) { requestDelivery(indicatorId: $id, period: $p, dueAt: $d) { id } }";
const CONFIRM: &str = "mutation($id: UUID!, $v: Float) { confirmDelivery(deliveryId: $id, value: $v) { status } }";
const RETURN: &str = "mutation($id: UUID!, $r: String!) { returnDelivery(deliveryId: $id, reason: $r) { status } }";
const COMMENT: &str = "mutation($i: AddCommentInput!) { addComment(input: $i) { id } }";
const REMIND: &str = "mutation($id: UUID!) { remindDeliveryAgain(deliveryId: $id) }";

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

/// A city with a coordinator, an Amt with its data owner, and a council member; an edition
/// with one goal under a process in DRAFTING that ends in three days.
struct Town {
    app: TestApp,
    sink: SmtpSink,
    admin: String,
    coordinator: String,
    owner: String,
    member: String,
    amt: String,
    owner_id: String,
    edition: String,
    goal: String,
    process: String,
}

async fn town(b: Backend) -> Town {
    let sink = SmtpSink::start().await;
    let app = TestApp::start_with(b, |c| c.smtp_url = Some(sink.url())).await;
    let admin = app.admin().await;
    let amt = app.create_org(&admin, "Amt für Statistik", "ADMINISTRATION").await;
    let rat = app.create_org(&admin, "Integrationsrat", "POLITICS").await;
    let (_, coordinator) = app.create_user(&admin, "koordination@example.org", "COORDINATOR", &[]).await;
    let (owner_id, owner) = app.create_user(&admin, "amt@example.org", "MEMBER", &[&amt]).await;
    let (_, member) = app.create_user(&admin, "rat@example.org", "MEMBER", &[&rat]).await;
    let edition = create_leitbild(&app, &admin, 2028, None).await["id"].as_str().unwrap().to_string();
    let field = add_field(&app, &admin, &edition, "Bildung und Sprache").await;
    let goal = add_goal(&app, &admin, &field, None, "Sprachförderung").await;
    let now = app.clock_now();
    let process = app
        .ok(
            Some(&admin),
            "mutation($i: StartProcessInput!) { startProcess(input: $i) { id } }",
            json!({"i": {"leitbildId": edition, "title": "Fortschreibung 2028",
                "phases": [
                    {"kind": "DRAFTING", "startsAt": iso(now), "endsAt": iso(now + Duration::days(3))},
                    {"kind": "VOTING", "startsAt": iso(now + Duration::days(3)), "endsAt": iso(now + Duration::days(4))},
                    {"kind": "RESOLUTION", "startsAt": iso(now + Duration::days(4)), "endsAt": iso(now + Duration::days(30))},
                ],
                "votingRule": {"eligibility": "PERSON", "quorum": 0.1, "threshold": 0.5},
                "participantOrganizationIds": [amt, rat]}}),
        )
        .await["startProcess"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    Town { app, sink, admin, coordinator, owner, member, amt, owner_id, edition, goal, process }
}

impl Town {
    async fn indicator(&self, code: &str) -> String {
        self.app
            .ok(
                Some(&self.coordinator),
                CREATE_INDICATOR,
                json!({"i": {"code": code, "name": format!("Indikator {code}"), "unit": "%",
                    "sourceKind": "DEPARTMENT", "sourceDescription": "Fachverfahren", "periodicity": "YEARLY",
                    "ownerId": self.amt, "responsibleUserId": self.owner_id, "reviewIntervalMonths": 12}}),
            )
            .await["createIndicator"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn request(&self, indicator: &str, period: &str, due: DateTime<Utc>) -> String {
        self.app.ok(Some(&self.coordinator), REQUEST, json!({"id": indicator, "p": period, "d": due})).await
            ["requestDelivery"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn tasks(&self, token: &str) -> Vec<Value> {
        let data = self.app.ok(Some(token), TASKS, json!({"f": 100})).await;
        data["myTasks"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
    }
}

fn kinds(tasks: &[Value]) -> Vec<String> {
    tasks.iter().map(|t| t["kind"].as_str().unwrap().to_string()).collect()
}

fn find<'a>(tasks: &'a [Value], kind: &str) -> &'a Value {
    tasks.iter().find(|t| t["kind"] == kind).unwrap_or_else(|| panic!("no {kind} in {tasks:#?}"))
}

async fn each_role_sees_its_tasks_most_urgent_first(b: Backend) {
    let t = town(b).await;
    let now = t.app.clock_now();
    let ind = t.indicator("S-01").await;
    let overdue = t.request(&ind, "2024", now - Duration::days(5)).await;
    let open = t.request(&ind, "2025", now + Duration::days(20)).await;
    let delivered = t.request(&ind, "2023", now + Duration::days(40)).await;
    t.app.ok(Some(&t.owner), CONFIRM, json!({"id": delivered, "v": 3.5})).await;
    let returned = t.request(&ind, "2022", now + Duration::days(60)).await;
    t.app.ok(Some(&t.owner), CONFIRM, json!({"id": returned, "v": 1.0})).await;
    t.app.ok(Some(&t.coordinator), RETURN, json!({"id": returned, "r": "Quelle fehlt"})).await;
    // A term waiting for agreement, and a comment the coordinator must weigh.
    t.app
        .ok(
            Some(&t.member),
            "mutation { proposeTerm(input: { label: \"Neuzugewanderte\", definition: \"Seit weniger als fünf Jahren hier.\" }) { id } }",
            json!({}),
        )
        .await;
    let parent = t
        .app
        .ok(Some(&t.member), COMMENT, json!({"i": {"targetId": t.goal, "body": "Bitte konkreter."}}))
        .await["addComment"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    t.app
        .ok(Some(&t.owner), COMMENT, json!({"i": {"targetId": t.goal, "parentId": parent, "body": "Gern: bis 2030."}}))
        .await;

    // The coordinator: overdue first, then the phase that ends in three days, then the value to
    // accept, the Abwägung and the review; undated terms last. No data-owner tasks.
    let c = t.tasks(&t.coordinator).await;
    let k = kinds(&c);
    assert_eq!(k[0], "DELIVERY_OVERDUE", "{c:#?}");
    assert_eq!(find(&c, "DELIVERY_OVERDUE")["subjectId"], json!(overdue));
    assert_eq!(find(&c, "DELIVERY_OVERDUE")["path"], json!(format!("/lieferungen/{overdue}")));
    assert_eq!(find(&c, "DELIVERY_OVERDUE")["overdue"], json!(true));
    assert_eq!(find(&c, "DELIVERY_TO_ACCEPT")["subjectId"], json!(delivered));
    assert_eq!(find(&c, "PHASE_ENDING")["phase"], "DRAFTING");
    assert_eq!(find(&c, "PHASE_ENDING")["path"], json!(format!("/prozesse/{}", t.process)));
    assert_eq!(find(&c, "DISPOSITIONS_OPEN")["count"], 2, "two comments to weigh");
    assert_eq!(find(&c, "TERM_TO_AGREE")["title"], "Neuzugewanderte");
    assert_eq!(k.last().unwrap(), "TERM_TO_AGREE");
    assert!(!k.contains(&"DELIVERY_OPEN".to_string()) && !k.contains(&"VOTE_CLOSING".to_string()), "{k:?}");

    // The data owner: the overdue, the returned and the open delivery (in due order), the draft
    // of the process the Amt takes part in, not the coordinator's tasks.
    let o = t.tasks(&t.owner).await;
    let k = kinds(&o);
    assert_eq!(k[0], "DELIVERY_OPEN", "overdue own delivery first: {o:#?}");
    assert_eq!(o[0]["subjectId"], json!(overdue));
    assert!(k.contains(&"DELIVERY_RETURNED".to_string()) && k.contains(&"DRAFT_OPEN".to_string()), "{k:?}");
    assert_eq!(o.iter().filter(|x| x["subjectId"] == json!(open)).count(), 1);
    assert_eq!(find(&o, "DRAFT_OPEN")["path"], json!(format!("/leitbild/{}", t.edition)));
    for kind in ["DELIVERY_OVERDUE", "DELIVERY_TO_ACCEPT", "PHASE_ENDING", "DISPOSITIONS_OPEN", "TERM_TO_AGREE"] {
        assert!(!k.contains(&kind.to_string()), "{kind} is not the owner's: {k:?}");
    }

    // The member: the reply to their comment links to the goal's page, and the draft.
    let m = t.tasks(&t.member).await;
    let reply = find(&m, "REPLY");
    assert_eq!(reply["path"], json!(format!("/leitbild/{}/ziele/{}", t.edition, t.goal)));
    assert!(kinds(&m).contains(&"DRAFT_OPEN".to_string()));

    // Into the vote: the member's ballot is a task until cast.
    let proposal = t
        .app
        .ok(
            Some(&t.member),
            "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
            json!({"i": {"processId": t.process, "kind": "AMEND_GOAL", "goalId": t.goal, "title": "Mehr Sprache", "text": "Sprachförderung für alle"}}),
        )
        .await["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    t.app
        .ok(
            Some(&t.admin),
            "mutation($p: UUID!) { advanceProcess(processId: $p, acceptOpenContributions: true) { id } }",
            json!({"p": t.process}),
        )
        .await;
    let m = t.tasks(&t.member).await;
    let vote = find(&m, "VOTE_CLOSING");
    assert_eq!(vote["subjectId"], json!(proposal));
    assert_eq!(vote["path"], json!(format!("/prozesse/{}#proposal-{proposal}", t.process)));
    t.app
        .ok(
            Some(&t.member),
            "mutation($p: UUID!) { castVote(proposalId: $p, choice: YES) { choice } }",
            json!({"p": proposal}),
        )
        .await;
    assert!(!kinds(&t.tasks(&t.member).await).contains(&"VOTE_CLOSING".to_string()));

    // Pages: two at a time, in the same order, until the end.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = t.app.ok(Some(&t.coordinator), TASKS, json!({"f": 2, "a": after})).await;
        for e in page["myTasks"]["edges"].as_array().unwrap() {
            seen.push(e["node"]["kind"].as_str().unwrap().to_string());
        }
        if !page["myTasks"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["myTasks"]["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    assert_eq!(seen, kinds(&t.tasks(&t.coordinator).await));
    let bad = t.app.gql(Some(&t.coordinator), TASKS, json!({"f": 2, "a": "x"})).await;
    assert_eq!(code(&bad), "VALIDATION");
    assert_eq!(code(&t.app.gql(None, TASKS, json!({})).await), "UNAUTHENTICATED");
}

async fn reminding_again_mails_the_owner_once_a_day(b: Backend) {
    let t = town(b).await;
    let ind = t.indicator("S-02").await;
    let overdue = t.request(&ind, "2024", t.app.clock_now() - Duration::days(2)).await;
    jobs::pass(&t.app.state).await.unwrap();
    let before = t.sink.messages().len();
    assert_eq!(t.app.ok(Some(&t.coordinator), REMIND, json!({"id": overdue})).await["remindDeliveryAgain"], 1);
    assert_eq!(t.app.ok(Some(&t.coordinator), REMIND, json!({"id": overdue})).await["remindDeliveryAgain"], 0);
    jobs::pass(&t.app.state).await.unwrap();
    let mails = t.sink.messages();
    assert_eq!(mails.len(), before + 1, "one more mail");
    assert!(mails.last().unwrap().contains("bestaetigen?token="), "with the signed link");
    t.app.clock.advance(Duration::days(1));
    let coordinator = t.app.login("koordination@example.org", crate::support::PASSWORD).await;
    assert_eq!(t.app.ok(Some(&coordinator), REMIND, json!({"id": overdue})).await["remindDeliveryAgain"], 1);
    // Only coordinators remind; a confirmed delivery is nobody's reminder.
    assert_eq!(code(&t.app.gql(Some(&t.owner), REMIND, json!({"id": overdue})).await), "FORBIDDEN");
    let owner = t.app.login("amt@example.org", crate::support::PASSWORD).await;
    t.app.ok(Some(&owner), CONFIRM, json!({"id": overdue, "v": 2.0})).await;
    assert_eq!(code(&t.app.gql(Some(&coordinator), REMIND, json!({"id": overdue})).await), "CONFLICT");
}

async fn the_task_query_needs_a_fixed_number_of_statements(b: Backend) {
    let t = town(b).await;
    let mut counts = Vec::new();
    for round in 0..2 {
        for i in 0..4 {
            let ind = t.indicator(&format!("N{round}-{i}")).await;
            t.request(&ind, "2024", t.app.clock_now() - Duration::days(3)).await;
            let d = t.request(&ind, "2025", t.app.clock_now() + Duration::days(30)).await;
            t.app.ok(Some(&t.owner), CONFIRM, json!({"id": d, "v": 1.0})).await;
            t.app
                .ok(Some(&t.member), COMMENT, json!({"i": {"targetId": t.goal, "body": format!("Nr. {round}-{i}")}}))
                .await;
        }
        for token in [&t.coordinator, &t.owner] {
            let before = t.app.statements().await;
            let tasks = t.tasks(token).await;
            counts.push((round, t.app.statements().await - before));
            assert!(tasks.len() >= 4 * (round + 1), "{tasks:#?}");
        }
    }
    assert_eq!(counts[0].1, counts[2].1, "coordinator: statements must not grow with the tasks: {counts:?}");
    assert_eq!(counts[1].1, counts[3].1, "owner: statements must not grow with the tasks: {counts:?}");
    assert!(counts.iter().all(|(_, n)| *n <= 16), "{counts:?}");
}

async fn the_notification_centre_shows_what_was_mailed(b: Backend) {
    let t = town(b).await;
    let ind = t.indicator("S-03").await;
    // Owner assigned (now) and the reminder of a delivery due in 20 days (not due yet).
    t.request(&ind, "2025", t.app.clock_now() + Duration::days(20)).await;
    jobs::pass(&t.app.state).await.unwrap();
    let data = t.app.ok(Some(&t.owner), INBOX, json!({})).await;
    assert_eq!(data["myUnreadCount"], 1, "{data:#}");
    let items = data["myInbox"]["edges"].as_array().unwrap();
    assert_eq!(items.len(), 1, "the reminder due later is not news yet: {data:#}");
    assert_eq!(items[0]["node"]["kind"], "OWNER_ASSIGNED");
    assert_eq!(items[0]["node"]["path"], json!(format!("/indikatoren/{ind}")));
    // A reply: its item opens the goal.
    let parent = t.app.ok(Some(&t.owner), COMMENT, json!({"i": {"targetId": t.goal, "body": "Frage"}})).await
        ["addComment"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    t.app.ok(Some(&t.member), COMMENT, json!({"i": {"targetId": t.goal, "parentId": parent, "body": "Antwort"}})).await;
    // A week on: the reminder (due 14 days before) became due; its signed link is the
    // delivery's own page in the app.
    t.app.clock.advance(Duration::days(7));
    let owner = t.app.login("amt@example.org", crate::support::PASSWORD).await;
    jobs::pass(&t.app.state).await.unwrap();
    let data = t.app.ok(Some(&owner), INBOX, json!({})).await;
    assert_eq!(data["myUnreadCount"], 3, "{data:#}");
    let nodes: Vec<Value> = data["myInbox"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect();
    let reply = nodes.iter().find(|n| n["kind"] == "COMMENT_REPLY").unwrap();
    assert_eq!(reply["path"], json!(format!("/leitbild/{}/ziele/{}", t.edition, t.goal)));
    let due = nodes.iter().find(|n| n["kind"] == "DELIVERY_DUE").unwrap();
    assert!(
        due["path"].as_str().unwrap().starts_with("/lieferungen/") && !due["path"].as_str().unwrap().contains("token")
    );

    // Mark one read, then all; someone else's is not found.
    let mark = "mutation($id: UUID!) { markNotificationRead(id: $id) { readAt } }";
    let other = t.app.gql(Some(&t.member), mark, json!({"id": reply["id"]})).await;
    assert_eq!(code(&other), "NOT_FOUND");
    assert!(
        t.app.ok(Some(&owner), mark, json!({"id": reply["id"]})).await["markNotificationRead"]["readAt"].is_string()
    );
    let data = t.app.ok(Some(&owner), INBOX, json!({"u": true})).await;
    assert_eq!(data["myUnreadCount"], 2);
    assert_eq!(data["myInbox"]["edges"].as_array().unwrap().len(), 2, "unread only");
    let all = t.app.ok(Some(&owner), "mutation { markAllNotificationsRead }", json!({})).await;
    assert_eq!(all["markAllNotificationsRead"], 2);
    assert_eq!(t.app.ok(Some(&owner), INBOX, json!({})).await["myUnreadCount"], 0);
    // Read in the app, still sent by mail: the outbox is one.
    let audit = t.app.ok(Some(&t.admin), "{ auditLog(first: 100) { edges { node { action } } } }", json!({})).await;
    let actions: Vec<&str> =
        audit["auditLog"]["edges"].as_array().unwrap().iter().filter_map(|e| e["node"]["action"].as_str()).collect();
    assert!(actions.contains(&"notifications.read") && actions.contains(&"notifications.read_all"), "{actions:?}");
}

async fn every_mail_links_to_a_route_of_the_app(b: Backend) {
    let t = town(b).await;
    let ind = t.indicator("S-04").await;
    let proposal = t
        .app
        .ok(
            Some(&t.member),
            "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id } }",
            json!({"i": {"processId": t.process, "kind": "AMEND_GOAL", "goalId": t.goal, "title": "Mehr", "text": "Mehr Sprache"}}),
        )
        .await["submitProposal"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for target in [&proposal, &t.goal, &ind] {
        let parent =
            t.app.ok(Some(&t.member), COMMENT, json!({"i": {"targetId": target, "body": "Frage"}})).await["addComment"]
                ["id"]
                .as_str()
                .unwrap()
                .to_string();
        t.app
            .ok(Some(&t.owner), COMMENT, json!({"i": {"targetId": target, "parentId": parent, "body": "Antwort"}}))
            .await;
    }
    jobs::pass(&t.app.state).await.unwrap();
    let base = &t.app.state.config.public_url;
    let all = t.sink.messages().join("\n");
    for path in [
        format!("/prozesse/{}#proposal-{proposal}", t.process),
        format!("/leitbild/{}/ziele/{}", t.edition, t.goal),
        format!("/indikatoren/{ind}"),
    ] {
        assert!(all.contains(&format!("{base}{path}")), "no mail links to {path}");
    }
    for dead in ["/vorschlaege/", "/ziele/", "/handlungsfelder/", "/definitionen/"] {
        assert!(!all.contains(&format!("{base}{dead}")), "a mail links to {dead}");
    }
}

on_both_databases!(
    each_role_sees_its_tasks_most_urgent_first,
    reminding_again_mails_the_owner_once_a_day,
    the_task_query_needs_a_fixed_number_of_statements,
    the_notification_centre_shows_what_was_mailed,
    every_mail_links_to_a_route_of_the_app,
);
