//! Participation over HTTP: the whole process flow, phases by hand and by the scheduler,
//! proposals, votes (concurrent, organisational), comments, dispositions and their exports,
//! subscriptions over a real WebSocket, and the statement count of the nested process query.

use chrono::{DateTime, Duration, Utc};
use futures_util::{SinkExt, StreamExt};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use teilhabe::{
    clock::Clock,
    jobs::run_due,
    notifications::entities::{NotificationKind, NotificationStatus, notification},
};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::{
    leitbild::{add_field, add_goal, create_leitbild},
    on_both_databases,
    support::{Backend, TestApp, code},
};

const START: &str = "mutation($i: StartProcessInput!) { startProcess(input: $i) { id status currentPhase { kind } } }";
const SUBMIT: &str = "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { id status version } }";
const VOTE: &str =
    "mutation($p: UUID!, $c: VoteChoice!) { castVote(proposalId: $p, choice: $c) { choice castBy { name } } }";
const ADVANCE: &str = "mutation($p: UUID!) { advanceProcess(processId: $p) { status currentPhase { kind } } }";
const PROPOSAL: &str = "query($id: UUID!) { proposal(id: $id) { status text currentText currentTitle
    myVote { choice } tally { yes no abstain eligible quorumReached accepted bySector { sector yes no abstain }
    organizationVotes { choice organization { name } castBy { name } } } } }";
const ADD_COMMENT: &str =
    "mutation($i: AddCommentInput!) { addComment(input: $i) { id body bodyHtml stance anchor version } }";

struct World {
    app: TestApp,
    admin: String,
    /// Members of the administration, politics and civil-society participants.
    adm: String,
    pol: String,
    civ: String,
    outsider: String,
    civ_org: String,
    old: String,
    draft: String,
    field: String,
    goal: String,
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

/// Three organisations of three sectors, one member each, an adopted edition and a draft
/// copied from it with one field of action and one goal.
async fn world(b: Backend) -> World {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let adm_org = app.create_org(&admin, "Amt für Integration", "ADMINISTRATION").await;
    let pol_org = app.create_org(&admin, "Integrationsrat", "POLITICS").await;
    let civ_org = app.create_org(&admin, "Caritas", "CIVIL_SOCIETY").await;
    let (_, adm) = app.create_user(&admin, "amt@example.org", "MEMBER", &[&adm_org]).await;
    let (_, pol) = app.create_user(&admin, "rat@example.org", "MEMBER", &[&pol_org]).await;
    let (_, civ) = app.create_user(&admin, "caritas@example.org", "MEMBER", &[&civ_org]).await;
    let (_, outsider) = app.create_user(&admin, "aussen@example.org", "MEMBER", &[]).await;
    let old = create_leitbild(&app, &admin, 2023, None).await["id"].as_str().unwrap().to_string();
    let f = add_field(&app, &admin, &old, "Bildung und Sprache").await;
    add_goal(&app, &admin, &f, None, "Sprachförderung").await;
    app.ok(Some(&admin), "mutation($id: UUID!) { adoptLeitbild(leitbildId: $id) { status } }", json!({"id": old}))
        .await;
    let draft = create_leitbild(&app, &admin, 2028, Some(&old)).await["id"].as_str().unwrap().to_string();
    let tree = app
        .ok(
            Some(&admin),
            "query($id: UUID!) { leitbild(id: $id) { fieldsOfAction { id goals { id } } } }",
            json!({"id": draft}),
        )
        .await;
    let field = tree["leitbild"]["fieldsOfAction"][0]["id"].as_str().unwrap().to_string();
    let goal = tree["leitbild"]["fieldsOfAction"][0]["goals"][0]["id"].as_str().unwrap().to_string();
    let _ = pol_org;
    World { app, admin, adm, pol, civ, outsider, civ_org, old, draft, field, goal }
}

/// DRAFTING for a week, VOTING for a week, RESOLUTION for a week, from the test clock's now.
fn phases(now: DateTime<Utc>) -> Value {
    json!([
        {"kind": "DRAFTING", "startsAt": iso(now), "endsAt": iso(now + Duration::days(7))},
        {"kind": "VOTING", "startsAt": iso(now + Duration::days(7)), "endsAt": iso(now + Duration::days(14))},
        {"kind": "RESOLUTION", "startsAt": iso(now + Duration::days(14)), "endsAt": iso(now + Duration::days(21))},
    ])
}

async fn start(w: &World, eligibility: &str, sector_majority: bool) -> String {
    let orgs = w.app.ok(Some(&w.admin), "{ organizations { id } }", json!({})).await;
    let ids: Vec<Value> = orgs["organizations"].as_array().unwrap().iter().map(|o| o["id"].clone()).collect();
    let data = w
        .app
        .ok(
            Some(&w.admin),
            START,
            json!({"i": {"leitbildId": w.draft, "title": "Fortschreibung 2028", "phases": phases(w.app.clock.now()),
                "votingRule": {"eligibility": eligibility, "quorum": 0.5, "threshold": 0.5, "sectorMajority": sector_majority},
                "participantOrganizationIds": ids, "resolutionReference": "Ratsbeschluss V/1234/2028"}}),
        )
        .await;
    assert_eq!(data["startProcess"]["currentPhase"]["kind"], "DRAFTING");
    data["startProcess"]["id"].as_str().unwrap().to_string()
}

async fn submit(w: &World, token: &str, process: &str, input: Value) -> Value {
    let mut i = input;
    i["processId"] = json!(process);
    w.app.gql(Some(token), SUBMIT, json!({"i": i})).await
}

fn id(body: &Value) -> String {
    body["data"]["submitProposal"]["id"].as_str().unwrap_or_else(|| panic!("{body:#}")).to_string()
}

async fn whole_process_flow(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let process = start(&w, "PERSON", false).await;
    // A second process on the same draft is refused; members cannot start one.
    let again = app
        .gql(
            Some(&w.admin),
            START,
            json!({"i": {"leitbildId": w.draft, "title": "Noch einer", "phases": phases(app.clock.now()),
                "votingRule": {"eligibility": "PERSON", "quorum": 0.5, "threshold": 0.5}, "participantOrganizationIds": [w.civ_org]}}),
        )
        .await;
    assert_eq!(code(&again), "CONFLICT");
    let member_start = app
        .gql(
            Some(&w.civ),
            START,
            json!({"i": {"leitbildId": w.draft, "title": "x", "phases": phases(app.clock.now()),
                "votingRule": {"eligibility": "PERSON", "quorum": 0.5, "threshold": 0.5}, "participantOrganizationIds": [w.civ_org]}}),
        )
        .await;
    assert_eq!(code(&member_start), "FORBIDDEN");

    let amend = json!({"kind": "AMEND_GOAL", "goalId": w.goal, "title": "Sprachförderung für alle",
        "text": "Alle Kinder und Erwachsenen lernen Deutsch und pflegen ihre Herkunftssprache.", "rationale": "Erwachsene fehlen."});
    assert_eq!(code(&submit(&w, &w.outsider, &process, amend.clone()).await), "FORBIDDEN");
    let amend_id = id(&submit(&w, &w.civ, &process, amend).await);
    let add_id = id(&submit(
        &w,
        &w.pol,
        &process,
        json!({"kind": "ADD_GOAL", "fieldOfActionId": w.field, "title": "Mehrsprachige Elternarbeit", "text": "Kitas arbeiten mehrsprachig mit Eltern."}),
    )
    .await);
    let field_id = id(&submit(
        &w,
        &w.adm,
        &process,
        json!({"kind": "ADD_FIELD_OF_ACTION", "title": "Digitale Teilhabe", "text": "Zugang für alle."}),
    )
    .await);
    let withdrawn =
        id(&submit(&w, &w.pol, &process, json!({"kind": "REMOVE_GOAL", "goalId": w.goal, "title": "Streichen"})).await);
    let missing_goal = submit(&w, &w.pol, &process, json!({"kind": "AMEND_GOAL", "title": "x", "text": "y"})).await;
    assert_eq!(code(&missing_goal), "VALIDATION");

    // The amendment shows the current text beside the proposed one.
    let p = app.ok(Some(&w.civ), PROPOSAL, json!({"id": amend_id})).await["proposal"].clone();
    assert_eq!(p["currentTitle"], "Sprachförderung");
    assert!(p["currentText"].as_str().unwrap().contains("Sprachförderung: alle Menschen"));
    assert!(p["text"].as_str().unwrap().contains("Erwachsenen"));

    // Only the author edits and withdraws; a stale edit is a CONFLICT.
    const UPDATE: &str = "mutation($i: UpdateProposalInput!) { updateProposal(input: $i) { version rationale } }";
    let edit = |v: i32| {
        json!({"i": {"proposalId": amend_id, "title": "Sprachförderung für alle",
        "text": "Alle Kinder und Erwachsenen lernen Deutsch und pflegen ihre Herkunftssprache.", "rationale": "Auch Erwachsene.", "expectedVersion": v}})
    };
    assert_eq!(code(&app.gql(Some(&w.pol), UPDATE, edit(1)).await), "FORBIDDEN");
    assert_eq!(app.ok(Some(&w.civ), UPDATE, edit(1)).await["updateProposal"]["version"], 2);
    let stale = app.gql(Some(&w.civ), UPDATE, edit(1)).await;
    assert_eq!(code(&stale), "CONFLICT");
    assert_eq!(stale["errors"][0]["extensions"]["details"]["currentVersion"], 2);
    const WITHDRAW: &str = "mutation($p: UUID!) { withdrawProposal(proposalId: $p) { status } }";
    assert_eq!(code(&app.gql(Some(&w.civ), WITHDRAW, json!({"p": withdrawn})).await), "FORBIDDEN");
    assert_eq!(
        app.ok(Some(&w.pol), WITHDRAW, json!({"p": withdrawn})).await["withdrawProposal"]["status"],
        "WITHDRAWN"
    );

    // No votes before VOTING.
    assert_eq!(code(&app.gql(Some(&w.civ), VOTE, json!({"p": amend_id, "c": "YES"})).await), "CONFLICT");

    // The scheduler ends DRAFTING at its end second, not a second before.
    app.clock.advance(Duration::days(7) - Duration::seconds(1));
    assert_eq!(run_due(&app.state, app.clock.now()).await.unwrap().phases_advanced, 0);
    app.clock.advance(Duration::seconds(1));
    assert_eq!(run_due(&app.state, app.clock.now()).await.unwrap().phases_advanced, 1);
    let late = submit(&w, &w.civ, &process, json!({"kind": "ADD_FIELD_OF_ACTION", "title": "Zu spät"})).await;
    assert_eq!(code(&late), "CONFLICT");
    assert!(late["errors"][0]["message"].as_str().unwrap().contains("VOTING"), "{late:#}");
    for (p, status) in [(&amend_id, "IN_VOTE"), (&withdrawn, "WITHDRAWN")] {
        assert_eq!(app.ok(Some(&w.admin), PROPOSAL, json!({"id": p})).await["proposal"]["status"], *status);
    }
    assert_eq!(code(&app.gql(Some(&w.civ), UPDATE, edit(2)).await), "CONFLICT", "no edits once in vote");

    // Votes: the amendment passes 3:0 after a change of mind; the new goal fails 1:2;
    // the new field misses the quorum.
    assert_eq!(code(&app.gql(Some(&w.outsider), VOTE, json!({"p": amend_id, "c": "YES"})).await), "FORBIDDEN");
    for (t, p, c) in [
        (&w.adm, &amend_id, "YES"),
        (&w.pol, &amend_id, "YES"),
        (&w.civ, &amend_id, "NO"),
        (&w.adm, &add_id, "YES"),
        (&w.pol, &add_id, "NO"),
        (&w.civ, &add_id, "NO"),
        (&w.adm, &field_id, "ABSTAIN"),
    ] {
        app.ok(Some(t), VOTE, json!({"p": p, "c": c})).await;
    }
    app.ok(Some(&w.civ), VOTE, json!({"p": amend_id, "c": "YES"})).await;
    // While open: the voter sees their own vote, not the tally; coordinators see the tally.
    let mine = app.ok(Some(&w.civ), PROPOSAL, json!({"id": amend_id})).await["proposal"].clone();
    assert_eq!(mine["myVote"]["choice"], "YES");
    assert!(mine["tally"].is_null());
    let running = app.ok(Some(&w.admin), PROPOSAL, json!({"id": amend_id})).await["proposal"]["tally"].clone();
    assert_eq!(
        (running["yes"].as_u64(), running["no"].as_u64(), running["eligible"].as_u64()),
        (Some(3), Some(0), Some(3))
    );
    assert_eq!(running["bySector"].as_array().unwrap().len(), 3);

    // Members cannot advance; the coordinator closes the vote early.
    assert_eq!(code(&app.gql(Some(&w.civ), ADVANCE, json!({"p": process})).await), "FORBIDDEN");
    let moved = app.ok(Some(&w.admin), ADVANCE, json!({"p": process})).await;
    assert_eq!(moved["advanceProcess"]["currentPhase"]["kind"], "RESOLUTION");
    assert_eq!(code(&app.gql(Some(&w.civ), VOTE, json!({"p": amend_id, "c": "NO"})).await), "CONFLICT");
    let decided = app.ok(Some(&w.civ), PROPOSAL, json!({"id": amend_id})).await["proposal"].clone();
    assert_eq!(decided["status"], "ACCEPTED");
    assert_eq!(decided["tally"]["accepted"], true, "everyone sees the tally once decided");
    let rejected = app.ok(Some(&w.civ), PROPOSAL, json!({"id": add_id})).await["proposal"].clone();
    assert_eq!(rejected["status"], "REJECTED");
    let no_quorum = app.ok(Some(&w.civ), PROPOSAL, json!({"id": field_id})).await["proposal"].clone();
    assert_eq!(
        (no_quorum["status"].as_str(), no_quorum["tally"]["quorumReached"].as_bool()),
        (Some("REJECTED"), Some(false))
    );

    // The accepted amendment changed the draft's goal, with its history.
    let versions = app
        .ok(
            Some(&w.admin),
            "query($g: UUID!) { goalVersions(goalId: $g) { version title proposalId author { name } } }",
            json!({"g": w.goal}),
        )
        .await["goalVersions"]
        .clone();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(versions[1]["title"], "Sprachförderung für alle");
    assert_eq!(versions[1]["proposalId"], amend_id.as_str());
    assert_eq!(versions[1]["author"]["name"], "caritas");

    // The scheduler ends RESOLUTION once every contribution is decided: the draft is adopted,
    // its predecessor archived.
    decide_open(&w, &process).await;
    app.clock.advance(Duration::days(14));
    assert_eq!(run_due(&app.state, app.clock.now()).await.unwrap().phases_advanced, 1);
    // Three weeks on, sessions have expired: log in again.
    let admin = app.admin().await;
    let list =
        app.ok(Some(&admin), "{ leitbilder { id status resolutionReference process { status } } }", json!({})).await;
    let find = |id: &str| list["leitbilder"].as_array().unwrap().iter().find(|l| l["id"] == id).unwrap().clone();
    assert_eq!(find(&w.draft)["status"], "ADOPTED");
    assert_eq!(find(&w.draft)["resolutionReference"], "Ratsbeschluss V/1234/2028");
    assert_eq!(find(&w.draft)["process"]["status"], "COMPLETED");
    assert_eq!(find(&w.old)["status"], "ARCHIVED");
    assert_eq!(code(&app.gql(Some(&admin), ADVANCE, json!({"p": process})).await), "CONFLICT");

    let log = app
        .ok(
            Some(&admin),
            "query($e: UUID!) { auditLog(entityId: $e) { edges { node { action actor { name } } } } }",
            json!({"e": process}),
        )
        .await;
    let actions: Vec<&str> =
        log["auditLog"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["process.advance", "process.advance", "process.advance", "process.start"]);
}

const SET_DISPOSITION: &str = "mutation($i: SetDispositionInput!) { setDisposition(input: $i) { decision } }";

/// Records "zur Kenntnis genommen" for every contribution of the process still undecided.
async fn decide_open(w: &World, process: &str) {
    let rows = w
        .app
        .ok(
            Some(&w.admin),
            "query($p: UUID!) { dispositions(processId: $p) { subjectId disposition { decision } } }",
            json!({"p": process}),
        )
        .await;
    for r in rows["dispositions"].as_array().unwrap().iter().filter(|r| r["disposition"].is_null()) {
        let input = json!({"i": {"subjectId": r["subjectId"], "decision": "NOTED", "reason": "Zur Kenntnis."}});
        w.app.ok(Some(&w.admin), SET_DISPOSITION, input).await;
    }
}

/// Adopting leaves no contribution silently undecided: the scheduler waits in the last phase,
/// the coordinator is refused with the count and ids, and adopts only with the explicit flag,
/// which the audit trail and the downloaded Abwägung show.
async fn adopting_with_open_contributions_needs_the_explicit_word(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let process = start(&w, "PERSON", false).await;
    let p =
        id(&submit(&w, &w.civ, &process, json!({"kind": "REMOVE_GOAL", "goalId": w.goal, "title": "Streichen"})).await);
    let c = app.ok(Some(&w.pol), ADD_COMMENT, json!({"i": {"targetId": w.goal, "body": "Nicht streichen."}})).await;
    let cid = c["addComment"]["id"].as_str().unwrap().to_string();
    app.ok(
        Some(&w.admin),
        SET_DISPOSITION,
        json!({"i": {"subjectId": cid, "decision": "NOTED", "reason": "Gelesen."}}),
    )
    .await;
    into_voting(&w, &process).await;
    into_voting(&w, &process).await;

    // The scheduler reaches the end of RESOLUTION but does not adopt.
    app.clock.advance(Duration::days(21));
    assert_eq!(run_due(&app.state, app.clock.now()).await.unwrap().phases_advanced, 0);
    let admin = app.admin().await;
    const STATE: &str = "query($id: UUID!) { process(id: $id) { status currentPhase { kind } } }";
    let now = app.ok(Some(&admin), STATE, json!({"id": process})).await;
    assert_eq!(
        (now["process"]["status"].as_str(), now["process"]["currentPhase"]["kind"].as_str()),
        (Some("ACTIVE"), Some("RESOLUTION"))
    );

    // By hand, without the flag: refused with the count and the ids of the open rows.
    let refused = app.gql(Some(&admin), ADVANCE, json!({"p": process})).await;
    assert_eq!(code(&refused), "CONFLICT");
    let details = &refused["errors"][0]["extensions"]["details"];
    assert_eq!(details["openContributions"], 1, "{refused:#}");
    assert_eq!(details["ids"], json!([p]));
    const ACCEPT: &str =
        "mutation($p: UUID!, $a: Boolean) { advanceProcess(processId: $p, acceptOpenContributions: $a) { status } }";
    let refused = app.gql(Some(&admin), ACCEPT, json!({"p": process, "a": false})).await;
    assert_eq!(code(&refused), "CONFLICT");

    // With the flag: adopted, and the audit event says how many stayed open.
    let done = app.ok(Some(&admin), ACCEPT, json!({"p": process, "a": true})).await;
    assert_eq!(done["advanceProcess"]["status"], "COMPLETED");
    let lb = app.ok(Some(&admin), "query($id: UUID!) { leitbild(id: $id) { status } }", json!({"id": w.draft})).await;
    assert_eq!(lb["leitbild"]["status"], "ADOPTED");
    let log = app
        .ok(
            Some(&admin),
            "query($e: UUID!) { auditLog(entityId: $e) { edges { node { action summary } } } }",
            json!({"e": process}),
        )
        .await;
    let last = &log["auditLog"]["edges"][0]["node"];
    assert_eq!(last["action"], "process.advance");
    assert!(last["summary"].as_str().unwrap().contains("1 nicht entschiedenen"), "{last:#}");

    // The Abwägung shows the open row as "nicht entschieden".
    let url = format!("{}/api/processes/{process}/dispositions.csv", app.base);
    let text = app.http.get(url).bearer_auth(&admin).send().await.unwrap().text().await.unwrap();
    assert!(text.contains("nicht entschieden") && !text.contains("\"offen\""), "{text}");
}

async fn into_voting(w: &World, process: &str) {
    w.app.ok(Some(&w.admin), ADVANCE, json!({"p": process})).await;
}

async fn concurrent_identical_votes_count_once(b: Backend) {
    let w = world(b).await;
    let process = start(&w, "PERSON", false).await;
    let p =
        id(&submit(&w, &w.civ, &process, json!({"kind": "REMOVE_GOAL", "goalId": w.goal, "title": "Streichen"})).await);
    into_voting(&w, &process).await;
    let votes = (0..30).map(|_| {
        let (app, token, p) = (&w.app, w.civ.clone(), p.clone());
        async move { app.gql(Some(&token), VOTE, json!({"p": p, "c": "YES"})).await }
    });
    let answers = futures_util::future::join_all(votes).await;
    for a in &answers {
        assert!(a.get("errors").is_none(), "{a:#}");
    }
    let tally = w.app.ok(Some(&w.admin), PROPOSAL, json!({"id": p})).await["proposal"]["tally"].clone();
    assert_eq!((tally["yes"].as_u64(), tally["no"].as_u64(), tally["abstain"].as_u64()), (Some(1), Some(0), Some(0)));
}

async fn organisation_votes_the_last_member_counts(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let (_, civ2) = app.create_user(&w.admin, "caritas2@example.org", "MEMBER", &[&w.civ_org]).await;
    let process = start(&w, "ORGANIZATION", true).await;
    let p =
        id(&submit(&w, &w.civ, &process, json!({"kind": "REMOVE_GOAL", "goalId": w.goal, "title": "Streichen"})).await);
    into_voting(&w, &process).await;
    app.ok(Some(&w.civ), VOTE, json!({"p": p, "c": "YES"})).await;
    app.ok(Some(&civ2), VOTE, json!({"p": p, "c": "NO"})).await;
    app.ok(Some(&w.adm), VOTE, json!({"p": p, "c": "YES"})).await;
    let tally = app.ok(Some(&w.admin), PROPOSAL, json!({"id": p})).await["proposal"]["tally"].clone();
    assert_eq!((tally["yes"].as_u64(), tally["no"].as_u64(), tally["eligible"].as_u64()), (Some(1), Some(1), Some(3)));
    let caritas = tally["organizationVotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["organization"]["name"] == "Caritas")
        .unwrap()
        .clone();
    assert_eq!(caritas["choice"], "NO");
    assert_eq!(caritas["castBy"]["name"], "caritas2");
    // The first member sees their organisation's vote, as changed by the second.
    let mine = app.ok(Some(&w.civ), PROPOSAL, json!({"id": p})).await["proposal"]["myVote"].clone();
    assert_eq!(mine["choice"], "NO");
    // 1:1 overall, and civil society against: rejected under sector majority.
    app.ok(Some(&w.admin), ADVANCE, json!({"p": process})).await;
    let decided = app.ok(Some(&w.pol), PROPOSAL, json!({"id": p})).await["proposal"].clone();
    assert_eq!(decided["status"], "REJECTED");
}

/// The tally by sector and by organisation, so that "majority in every sector" and the quorum
/// can be traced: who sees it when, and that organisations load in one batch.
async fn tally_by_sector_and_organisation(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let (_, civ2) = app.create_user(&w.admin, "caritas2@example.org", "MEMBER", &[&w.civ_org]).await;
    let process = start(&w, "PERSON", true).await;
    let mut ids = Vec::new();
    for title in ["Streichen", "Auch streichen", "Noch einmal streichen"] {
        ids.push(id(
            &submit(&w, &w.civ, &process, json!({"kind": "REMOVE_GOAL", "goalId": w.goal, "title": title})).await
        ));
    }
    into_voting(&w, &process).await;
    // Civil society splits 1:1 (no majority there), administration and politics say YES.
    for (t, c) in [(&w.civ, "YES"), (&civ2, "NO"), (&w.adm, "YES"), (&w.pol, "YES")] {
        for p in &ids {
            app.ok(Some(t), VOTE, json!({"p": p, "c": c})).await;
        }
    }
    const TALLY: &str = "query($id: UUID!) { proposal(id: $id) { tally { yes no eligible quorumVotes quorumReached
        accepted bySector { sector yes no majority } byOrganization { sector yes no abstain organization { name } } } } }";
    let open = app.ok(Some(&w.civ), TALLY, json!({"id": ids[0]})).await;
    assert!(open["proposal"]["tally"].is_null(), "members do not see the running tally");
    let running = app.ok(Some(&w.admin), TALLY, json!({"id": ids[0]})).await["proposal"]["tally"].clone();
    assert_eq!((running["eligible"].as_u64(), running["quorumVotes"].as_u64()), (Some(4), Some(2)));
    let sectors: Vec<(String, bool)> = running["bySector"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["sector"].as_str().unwrap().to_string(), s["majority"].as_bool().unwrap()))
        .collect();
    assert_eq!(sectors, [("ADMINISTRATION".into(), true), ("POLITICS".into(), true), ("CIVIL_SOCIETY".into(), false)]);
    let orgs: Vec<(String, u64, u64)> = running["byOrganization"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["organization"]["name"].as_str().unwrap().to_string(),
                o["yes"].as_u64().unwrap(),
                o["no"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        orgs,
        [("Amt für Integration".into(), 1, 0), ("Integrationsrat".into(), 1, 0), ("Caritas".into(), 1, 1)]
    );
    assert_eq!(running["accepted"], false, "3:1 overall, but no majority in civil society");

    // Organisations of every proposal's tally load together: more proposals, no more statements.
    const ALL: &str = "query($id: UUID!) { process(id: $id) { proposals { tally { byOrganization {
        organization { name sector } } bySector { sector majority } } } } }";
    let one = {
        let before = app.statements().await;
        app.ok(Some(&w.admin), TALLY, json!({"id": ids[0]})).await;
        app.statements().await - before
    };
    let three = measure(app, &w.admin, ALL, &process).await;
    assert!(three <= one + 4, "statements grew with the proposals: {one} for one, {three} for three");

    // Once decided, everyone sees it.
    app.ok(Some(&w.admin), ADVANCE, json!({"p": process})).await;
    let decided = app.ok(Some(&w.civ), TALLY, json!({"id": ids[0]})).await["proposal"]["tally"].clone();
    assert_eq!(decided["byOrganization"].as_array().unwrap().len(), 3);
}

async fn member_of_two_organisations_names_the_one_voting(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let orgs = app.ok(Some(&w.admin), "{ organizations { id name } }", json!({})).await;
    let ids: Vec<&str> = orgs["organizations"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    let (_, both) = app.create_user(&w.admin, "beide@example.org", "MEMBER", &ids[..2]).await;
    let process = start(&w, "ORGANIZATION", false).await;
    let p =
        id(&submit(&w, &w.civ, &process, json!({"kind": "REMOVE_GOAL", "goalId": w.goal, "title": "Streichen"})).await);
    into_voting(&w, &process).await;
    let unclear = app.gql(Some(&both), VOTE, json!({"p": p, "c": "YES"})).await;
    assert_eq!(code(&unclear), "VALIDATION");
    assert_eq!(unclear["errors"][0]["extensions"]["field"], "organizationId");
    app.ok(
        Some(&both),
        "mutation($p: UUID!, $o: UUID!) { castVote(proposalId: $p, choice: YES, organizationId: $o) { choice organization { id } } }",
        json!({"p": p, "o": ids[0]}),
    )
    .await;
}

async fn two_scheduler_steps_advance_a_phase_once(b: Backend) {
    let w = world(b).await;
    let process = start(&w, "PERSON", false).await;
    w.app.clock.advance(Duration::days(7));
    let now = w.app.clock.now();
    let (a, b2) = tokio::join!(run_due(&w.app.state, now), run_due(&w.app.state, now));
    assert_eq!(a.unwrap().phases_advanced + b2.unwrap().phases_advanced, 1);
    let p = w
        .app
        .ok(Some(&w.admin), "query($id: UUID!) { process(id: $id) { currentPhase { kind } } }", json!({"id": process}))
        .await;
    assert_eq!(p["process"]["currentPhase"]["kind"], "VOTING");
}

async fn comments_threads_anchors_moderation(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    start(&w, "PERSON", false).await;
    let add = |token: &str, input: Value| {
        let token = token.to_string();
        async move { app.gql(Some(&token), ADD_COMMENT, json!({"i": input})).await }
    };
    let first = add(
        &w.civ,
        json!({"targetId": w.goal, "body": "**Wichtig**: <script>alert(1)</script> [x](javascript:alert(1))", "stance": "SUPPORT", "anchor": "gleichberechtigt"}),
    )
    .await;
    let c = first["data"]["addComment"].clone();
    let html = c["bodyHtml"].as_str().unwrap();
    assert!(
        html.contains("<strong>Wichtig</strong>") && !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );
    assert_eq!(c["anchor"], "gleichberechtigt");
    let bad_anchor = add(&w.civ, json!({"targetId": w.goal, "body": "x", "anchor": "steht nicht im Text"})).await;
    assert_eq!(code(&bad_anchor), "VALIDATION");
    let unknown = add(&w.civ, json!({"targetId": uuid::Uuid::new_v4(), "body": "x"})).await;
    assert_eq!(code(&unknown), "VALIDATION");
    let cid = c["id"].as_str().unwrap().to_string();
    let reply =
        add(&w.pol, json!({"targetId": w.goal, "parentId": cid, "body": "Sehe ich anders.", "stance": "OPPOSE"})).await;
    assert!(reply.get("errors").is_none(), "{reply:#}");
    let wrong_parent = add(&w.pol, json!({"targetId": w.field, "parentId": cid, "body": "x"})).await;
    assert_eq!(code(&wrong_parent), "VALIDATION");
    add(&w.adm, json!({"targetId": w.goal, "body": "Zweiter Beitrag"})).await;

    // Edit by the author with history; stale and foreign edits refused.
    const EDIT: &str = "mutation($c: UUID!, $b: String!, $v: Int!) { editComment(commentId: $c, body: $b, expectedVersion: $v) { version body } }";
    assert_eq!(code(&app.gql(Some(&w.pol), EDIT, json!({"c": cid, "b": "x", "v": 1})).await), "FORBIDDEN");
    assert_eq!(
        app.ok(Some(&w.civ), EDIT, json!({"c": cid, "b": "Wichtig, korrigiert", "v": 1})).await["editComment"]["version"],
        2
    );
    assert_eq!(code(&app.gql(Some(&w.civ), EDIT, json!({"c": cid, "b": "y", "v": 1})).await), "CONFLICT");

    // Moderation: members may not hide; a hidden comment stays, shown as hidden.
    const HIDE: &str =
        "mutation($c: UUID!) { hideComment(commentId: $c, reason: \"Beleidigung\") { hidden hiddenReason } }";
    assert_eq!(code(&app.gql(Some(&w.pol), HIDE, json!({"c": cid})).await), "FORBIDDEN");
    assert_eq!(app.ok(Some(&w.admin), HIDE, json!({"c": cid})).await["hideComment"]["hidden"], true);

    const LIST: &str = "query($t: UUID!, $a: String) { comments(targetId: $t, first: 1, after: $a) {
        pageInfo { hasNextPage endCursor } edges { node { id body bodyHtml hidden hiddenReason stance author { name }
        versions { version body } replies { body stance parent { id } } } } } }";
    let page1 = app.ok(Some(&w.pol), LIST, json!({"t": w.goal})).await["comments"].clone();
    assert_eq!(page1["pageInfo"]["hasNextPage"], true);
    assert_eq!(page1["edges"][0]["node"]["body"], "Zweiter Beitrag", "newest first");
    let page2 =
        app.ok(Some(&w.pol), LIST, json!({"t": w.goal, "a": page1["pageInfo"]["endCursor"]})).await["comments"].clone();
    let hidden = &page2["edges"][0]["node"];
    assert_eq!(hidden["hidden"], true);
    assert!(hidden["body"].is_null() && hidden["bodyHtml"].is_null());
    assert_eq!(hidden["hiddenReason"], "Beleidigung");
    assert_eq!(hidden["replies"][0]["body"], "Sehe ich anders.");
    assert_eq!(hidden["replies"][0]["parent"]["id"], cid.as_str());
    assert_eq!(hidden["versions"], json!([]), "history is for the author and moderators");
    let as_moderator = app.ok(Some(&w.admin), LIST, json!({"t": w.goal, "a": page1["pageInfo"]["endCursor"]})).await;
    let node = &as_moderator["comments"]["edges"][0]["node"];
    assert_eq!(node["body"], "Wichtig, korrigiert");
    assert_eq!(node["versions"].as_array().unwrap().len(), 2);
}

async fn dispositions_table_and_downloads(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let process = start(&w, "PERSON", false).await;
    let p = id(&submit(
        &w,
        &w.civ,
        &process,
        json!({"kind": "ADD_FIELD_OF_ACTION", "title": "=Digitale Teilhabe", "text": "Zugang."}),
    )
    .await);
    let c = app
        .ok(Some(&w.pol), ADD_COMMENT, json!({"i": {"targetId": w.goal, "body": "Bitte konkreter; \"messbar\"."}}))
        .await;
    let cid = c["addComment"]["id"].as_str().unwrap().to_string();
    const SET: &str =
        "mutation($i: SetDispositionInput!) { setDisposition(input: $i) { decision reason link decidedBy { name } } }";
    let input = |s: &str, d: &str| json!({"i": {"subjectId": s, "decision": d, "reason": "Wird im Entwurf ergänzt.", "link": w.goal}});
    assert_eq!(code(&app.gql(Some(&w.civ), SET, input(&p, "TAKEN_UP")).await), "FORBIDDEN");
    app.ok(Some(&w.admin), SET, input(&p, "NOT_TAKEN_UP")).await;
    app.ok(Some(&w.admin), SET, input(&p, "PARTLY_TAKEN_UP")).await;
    app.ok(Some(&w.admin), SET, input(&cid, "TAKEN_UP")).await;
    let table = app
        .ok(
            Some(&w.civ),
            "query($p: UUID!) { dispositions(processId: $p) { subjectKind subjectId text authorName disposition { decision reason link } } }",
            json!({"p": process}),
        )
        .await["dispositions"]
        .clone();
    assert_eq!(table.as_array().unwrap().len(), 2);
    assert_eq!(table[0]["subjectKind"], "PROPOSAL");
    assert_eq!(table[0]["disposition"]["decision"], "PARTLY_TAKEN_UP", "a revised decision replaces the first");
    assert_eq!(table[1]["disposition"]["link"], w.goal.as_str());

    let url = |ext: &str| format!("{}/api/processes/{process}/dispositions.{ext}", app.base);
    assert_eq!(app.http.get(url("csv")).send().await.unwrap().status(), 401);
    let csv = app.http.get(url("csv")).bearer_auth(&w.civ).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    assert!(text.contains("\"'=Digitale Teilhabe\""), "formulas are defused: {text}");
    assert!(text.contains("teilweise berücksichtigt") && text.contains("\"\"messbar\"\""), "{text}");
    assert_eq!(text.lines().count(), 3);
    let header = text.lines().next().unwrap();
    assert!(header.contains("Verborgen") && header.contains("Organisation"), "{header}");
    assert!(text.contains("Integrationsrat"), "a comment's author's organisation: {text}");

    // A moderated comment is marked hidden for everyone; only coordinators read its text.
    let rude = app.ok(Some(&w.civ), ADD_COMMENT, json!({"i": {"targetId": w.goal, "body": "Unsinn, alles."}})).await;
    let rude = rude["addComment"]["id"].as_str().unwrap().to_string();
    app.ok(
        Some(&w.admin),
        "mutation($c: UUID!) { hideComment(commentId: $c, reason: \"Beleidigung\") { hidden } }",
        json!({"c": rude}),
    )
    .await;
    let as_member = app.http.get(url("csv")).bearer_auth(&w.civ).send().await.unwrap().text().await.unwrap();
    let row = as_member
        .lines()
        .find(|l| l.contains(&rude) || l.contains("ausgeblendet"))
        .unwrap_or_else(|| panic!("{as_member}"));
    assert!(row.contains("(ausgeblendet)") && row.contains("\"ja\"") && !as_member.contains("Unsinn"), "{as_member}");
    assert!(as_member.contains("\"nein\""), "{as_member}");
    let as_coordinator = app.http.get(url("csv")).bearer_auth(&w.admin).send().await.unwrap().text().await.unwrap();
    assert!(as_coordinator.lines().any(|l| l.contains("Unsinn") && l.contains("\"ja\"")), "{as_coordinator}");
    let xlsx = app.http.get(url("xlsx")).bearer_auth(&w.civ).send().await.unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "an XLSX is a zip");
    let other = app
        .http
        .get(format!("{}/api/processes/{}/dispositions.csv", app.base, uuid::Uuid::new_v4()))
        .bearer_auth(&w.civ)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
}

async fn nested_process_query_is_a_fixed_number_of_statements(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let process = start(&w, "PERSON", false).await;
    const NESTED: &str = "query($id: UUID!) { process(id: $id) { title currentPhase { kind } phases { kind }
        participants { name } leitbild { title fieldsOfAction { goals { title children { title } } } }
        proposals { title author { name } authorOrganization { name } goal { title } currentText commentCount
        myVote { choice } tally { yes eligible bySector { sector } } disposition { decision }
        comments { body author { name } replies { body } } } } }";
    add_commented_proposals(&w, &process, 1).await;
    let small = measure(app, &w.admin, NESTED, &process).await;
    add_commented_proposals(&w, &process, 6).await;
    let large = measure(app, &w.admin, NESTED, &process).await;
    // DataLoader batches form by timing, so a batch may split in two; an N+1 would add at
    // least one statement per extra proposal and nested field (6 × 10 here).
    assert!(large <= small + 2, "statements grew with the proposals: {small} for 1, {large} for 7");
    assert!(large <= 30, "{large} statements");
}

async fn measure(app: &TestApp, token: &str, query: &str, id: &str) -> u64 {
    let before = app.statements().await;
    app.ok(Some(token), query, json!({"id": id})).await;
    app.statements().await - before
}

/// `n` proposals, each with a comment and a reply.
async fn add_commented_proposals(w: &World, process: &str, n: usize) {
    for i in 0..n {
        let p = id(&submit(
            w,
            &w.civ,
            process,
            json!({"kind": "AMEND_GOAL", "goalId": w.goal, "title": format!("Änderung {i}"), "text": "Neu."}),
        )
        .await);
        let c = w.app.ok(Some(&w.pol), ADD_COMMENT, json!({"i": {"targetId": p, "body": "Dafür."}})).await;
        w.app
            .ok(
                Some(&w.adm),
                ADD_COMMENT,
                json!({"i": {"targetId": p, "parentId": c["addComment"]["id"], "body": "Ich auch."}}),
            )
            .await;
    }
}

/// Reads the next `next` payload of subscription `1`, or None after `ms` milliseconds.
async fn next_payload<S>(ws: &mut S, ms: u64) -> Option<Value>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(ms);
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next()).await.ok()??.ok()?;
        if let Message::Text(t) = msg {
            let v: Value = serde_json::from_str(&t).unwrap();
            match v["type"].as_str() {
                Some("next") => return Some(v["payload"].clone()),
                Some("error") => panic!("subscription error: {v:#}"),
                _ => {}
            }
        }
    }
}

async fn subscriptions_over_websocket(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let process = start(&w, "PERSON", false).await;
    let p =
        id(&submit(&w, &w.civ, &process, json!({"kind": "REMOVE_GOAL", "goalId": w.goal, "title": "Streichen"})).await);

    let connect = |token: String| async move {
        let mut req = format!("{}/graphql/ws", app.base.replace("http://", "ws://")).into_client_request().unwrap();
        req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
        let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        ws.send(Message::text(json!({"type": "connection_init", "payload": {"token": token}}).to_string()))
            .await
            .unwrap();
        let ack = ws.next().await.unwrap().unwrap();
        assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack:?}");
        ws
    };
    let mut ws = connect(w.pol.clone()).await;
    ws.send(Message::text(
        json!({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription($t: UUID!) { commentAdded(targetId: $t) { body stance author { name } } }",
            "variables": {"t": p}}})
        .to_string(),
    ))
    .await
    .unwrap();
    // The subscription registers asynchronously: comment until one arrives.
    let mut got = None;
    for i in 0..20 {
        app.ok(
            Some(&w.civ),
            ADD_COMMENT,
            json!({"i": {"targetId": p, "body": format!("Live {i}"), "stance": "OPPOSE"}}),
        )
        .await;
        if let Some(v) = next_payload(&mut ws, 500).await {
            got = Some(v);
            break;
        }
    }
    let got = got.expect("no commentAdded event arrived");
    assert_eq!(got["data"]["commentAdded"]["author"]["name"], "caritas");
    assert_eq!(got["data"]["commentAdded"]["stance"], "OPPOSE");
    // A comment on another target does not arrive.
    app.ok(Some(&w.civ), ADD_COMMENT, json!({"i": {"targetId": w.goal, "body": "Anderswo"}})).await;
    if let Some(v) = next_payload(&mut ws, 300).await {
        assert!(v["data"]["commentAdded"]["body"].as_str().unwrap().starts_with("Live"), "{v:#}");
    }

    // The coordinator follows the running tally.
    into_voting(&w, &process).await;
    let mut coord = connect(w.admin.clone()).await;
    coord
        .send(Message::text(
            json!({"id": "1", "type": "subscribe", "payload": {
                "query": "subscription($p: UUID!) { tallyChanged(proposalId: $p) { yes no eligible } }",
                "variables": {"p": p}}})
            .to_string(),
        ))
        .await
        .unwrap();
    let mut tally = None;
    for c in ["YES", "NO", "YES", "NO", "YES", "NO", "YES", "NO", "YES", "NO"] {
        app.ok(Some(&w.civ), VOTE, json!({"p": p, "c": c})).await;
        if let Some(v) = next_payload(&mut coord, 500).await {
            tally = Some(v);
            break;
        }
    }
    let tally = tally.expect("no tallyChanged event arrived");
    assert_eq!(tally["data"]["tallyChanged"]["eligible"], 3);
    assert_eq!(
        tally["data"]["tallyChanged"]["yes"].as_u64().unwrap() + tally["data"]["tallyChanged"]["no"].as_u64().unwrap(),
        1
    );

    // After logging out, the subscription ends (and the socket closes 4403) before the next event.
    app.ok(Some(&w.pol), "mutation { logout }", json!({})).await;
    app.clock.advance(Duration::minutes(2));
    app.ok(Some(&w.civ), ADD_COMMENT, json!({"i": {"targetId": p, "body": "Nach dem Abmelden"}})).await;
    let mut completed = false;
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next()).await {
        let v: Value = match msg {
            Message::Text(t) => serde_json::from_str(&t).unwrap(),
            Message::Close(frame) => {
                completed = frame.is_some_and(|f| u16::from(f.code) == 4403);
                break;
            }
            _ => continue,
        };
        if v["type"] == "complete" {
            completed = true;
            break;
        }
        assert_ne!(v["payload"]["data"]["commentAdded"]["body"], "Nach dem Abmelden", "delivered after logout");
    }
    assert!(completed, "the subscription did not end after logout");

    // Without a token, subscribing is refused.
    let mut anon = connect(String::new()).await;
    anon.send(Message::text(
        json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription($p: UUID!) { tallyChanged(proposalId: $p) { yes } }", "variables": {"p": p}}})
            .to_string(),
    ))
    .await
    .unwrap();
    let msg = tokio::time::timeout(std::time::Duration::from_secs(5), anon.next()).await.unwrap().unwrap().unwrap();
    assert!(msg.to_text().unwrap().contains("UNAUTHENTICATED"), "{msg:?}");
}

/// Ending a phase early by hand: the dates shown afterwards are what happened, not the plan.
async fn a_manual_advance_dates_the_phases_truly(b: Backend) {
    let w = world(b).await;
    let process = start(&w, "PERSON", false).await;
    let started = w.app.clock_now();
    w.app.clock.advance(Duration::days(2));
    let now = w.app.clock_now();
    w.app.ok(Some(&w.admin), ADVANCE, json!({"p": process})).await;
    const DATES: &str = "query($id: UUID!) { process(id: $id) { currentPhase { kind startsAt }
        phases { kind startsAt endsAt } } }";
    let data = w.app.ok(Some(&w.admin), DATES, json!({"id": process})).await["process"].clone();
    let at = |v: &Value| v.as_str().unwrap().parse::<DateTime<Utc>>().unwrap();
    assert_eq!(data["currentPhase"]["kind"], "VOTING");
    assert_eq!(at(&data["currentPhase"]["startsAt"]), now, "the vote started when the coordinator opened it");
    let phases = data["phases"].as_array().unwrap();
    assert_eq!((at(&phases[0]["startsAt"]), at(&phases[0]["endsAt"])), (started, now));
    assert_eq!(at(&phases[1]["endsAt"]), started + Duration::days(14), "the planned end of the vote stays");
    assert_eq!(at(&phases[2]["startsAt"]), started + Duration::days(14));
}

on_both_databases!(
    whole_process_flow,
    a_manual_advance_dates_the_phases_truly,
    concurrent_identical_votes_count_once,
    organisation_votes_the_last_member_counts,
    tally_by_sector_and_organisation,
    member_of_two_organisations_names_the_one_voting,
    two_scheduler_steps_advance_a_phase_once,
    comments_threads_anchors_moderation,
    dispositions_table_and_downloads,
    adopting_with_open_contributions_needs_the_explicit_word,
    nested_process_query_is_a_fixed_number_of_statements,
    subscriptions_over_websocket
);

/// After a listener reconnects, what was committed meanwhile is found by a query and delivered.
async fn live_events_are_caught_up_after_a_gap(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let since = app.clock.now();
    let c = app.ok(Some(&w.civ), ADD_COMMENT, json!({"i": {"targetId": w.goal, "body": "Während der Lücke"}})).await;
    let mut rx = app.state.live.subscribe();
    let n = teilhabe::participation::live::catch_up(&app.state, since).await.unwrap();
    assert_eq!(n, 1);
    let event = rx.recv().await.unwrap();
    let expected = teilhabe::live::LiveEvent::CommentAdded {
        target_id: w.goal.parse().unwrap(),
        comment_id: c["addComment"]["id"].as_str().unwrap().parse().unwrap(),
    };
    assert_eq!(event, expected);
}

on_both_databases!(live_events_are_caught_up_after_a_gap);

/// Two replicas on one PostgreSQL: a comment added through one reaches the other's subscribers
/// through LISTEN/NOTIFY.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_see_each_others_events() {
    let w = world(Backend::Postgres).await;
    let config = (*w.app.state.config).clone();
    let replica = teilhabe::App::build_with_clock(config, w.app.clock.clone()).await.unwrap();
    let mut rx = replica.state.live.subscribe();
    let target: uuid::Uuid = w.goal.parse().unwrap();
    // The replica's listener connects asynchronously: comment until its event arrives.
    for i in 0..40 {
        w.app
            .ok(Some(&w.civ), ADD_COMMENT, json!({"i": {"targetId": w.goal, "body": format!("Über Replikate {i}")}}))
            .await;
        let got = tokio::time::timeout(std::time::Duration::from_millis(250), rx.recv()).await;
        if let Ok(Ok(teilhabe::live::LiveEvent::CommentAdded { target_id, .. })) = got {
            assert_eq!(target_id, target);
            return;
        }
    }
    panic!("the replica never heard of the comment");
}

async fn accepted_proposals_of_every_kind_change_the_draft(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let f2 = add_field(app, &w.admin, &w.draft, "Wohnen").await;
    let g2 = add_goal(app, &w.admin, &f2, None, "Wohnraum").await;
    let process = start(&w, "PERSON", false).await;
    let mut ids = Vec::new();
    for input in [
        json!({"kind": "ADD_GOAL", "fieldOfActionId": w.field, "goalId": w.goal, "title": "Sprachkurse für Eltern", "text": "Eltern lernen mit."}),
        json!({"kind": "AMEND_FIELD_OF_ACTION", "fieldOfActionId": w.field, "title": "Bildung, Sprache und Mehrsprachigkeit", "text": "Neu gefasst."}),
        json!({"kind": "REMOVE_GOAL", "goalId": g2, "title": "Wohnraum streichen"}),
        json!({"kind": "ADD_FIELD_OF_ACTION", "title": "Digitale Teilhabe", "text": "Zugang für alle."}),
        json!({"kind": "REMOVE_FIELD_OF_ACTION", "fieldOfActionId": f2, "title": "Wohnen streichen"}),
        json!({"kind": "AMEND_GOAL", "goalId": g2, "title": "Wohnraum für alle", "text": "Zu spät: schon gestrichen."}),
    ] {
        ids.push(id(&submit(&w, &w.civ, &process, input).await));
    }
    into_voting(&w, &process).await;
    for p in &ids {
        for t in [&w.adm, &w.pol, &w.civ] {
            app.ok(Some(t), VOTE, json!({"p": p, "c": "YES"})).await;
        }
    }
    app.ok(Some(&w.admin), ADVANCE, json!({"p": process})).await;
    let results: Vec<Value> = {
        let mut out = Vec::new();
        for p in &ids {
            out.push(
                app.ok(
                    Some(&w.admin),
                    "query($id: UUID!) { proposal(id: $id) { status resultEntityId } }",
                    json!({"id": p}),
                )
                .await["proposal"]
                    .clone(),
            );
        }
        out
    };
    assert!(results.iter().all(|r| r["status"] == "ACCEPTED"), "{results:#?}");
    assert!(results[..5].iter().all(|r| r["resultEntityId"].is_string()), "{results:#?}");
    assert!(results[5]["resultEntityId"].is_null(), "the goal was already removed: nothing to amend");
    let tree = app
        .ok(
            Some(&w.admin),
            "query($id: UUID!) { leitbild(id: $id) { fieldsOfAction { id title goals { id title children { title } } } } }",
            json!({"id": w.draft}),
        )
        .await["leitbild"]["fieldsOfAction"]
        .clone();
    let titles: Vec<&str> = tree.as_array().unwrap().iter().map(|f| f["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Bildung, Sprache und Mehrsprachigkeit", "Digitale Teilhabe"]);
    assert_eq!(tree[0]["goals"][0]["children"][0]["title"], "Sprachkurse für Eltern");
    assert_eq!(results[1]["resultEntityId"], w.field.as_str());
    // The removed goal keeps its history.
    let history = app
        .ok(
            Some(&w.admin),
            "query($g: UUID!) { goalVersions(goalId: $g) { version } goal(id: $g) { removedAt } }",
            json!({"g": g2}),
        )
        .await;
    assert_eq!(history["goalVersions"].as_array().unwrap().len(), 1);
    assert!(history["goal"]["removedAt"].is_string());
}

async fn invalid_processes_are_refused(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let now = app.clock.now();
    let at = |d: i64| (now + Duration::days(d)).to_rfc3339();
    let input = |phases: Value, rule: Value, orgs: Value| json!({"i": {"leitbildId": w.draft, "title": "P", "phases": phases, "votingRule": rule, "participantOrganizationIds": orgs}});
    let good_rule = json!({"eligibility": "PERSON", "quorum": 0.5, "threshold": 0.5});
    let good_phases = phases(now);
    let orgs = json!([w.civ_org]);
    for (body, field) in [
        (
            input(json!([{"kind": "VOTING", "startsAt": at(0), "endsAt": at(1)}]), good_rule.clone(), orgs.clone()),
            "phases",
        ),
        (
            input(
                json!([{"kind": "VOTING", "startsAt": at(0), "endsAt": at(1)}, {"kind": "DRAFTING", "startsAt": at(1), "endsAt": at(2)}, {"kind": "RESOLUTION", "startsAt": at(2), "endsAt": at(3)}]),
                good_rule.clone(),
                orgs.clone(),
            ),
            "phases",
        ),
        (
            input(good_phases.clone(), json!({"eligibility": "PERSON", "quorum": 1.5, "threshold": 0.5}), orgs.clone()),
            "votingRule.quorum",
        ),
        (input(good_phases.clone(), good_rule.clone(), json!([])), "participantOrganizationIds"),
        (input(good_phases.clone(), good_rule.clone(), json!([uuid::Uuid::new_v4()])), "participantOrganizationIds"),
    ] {
        let res = app.gql(Some(&w.admin), START, body).await;
        assert_eq!(code(&res), "VALIDATION", "{res:#}");
        assert_eq!(res["errors"][0]["extensions"]["field"], field);
    }
    // A process runs on a draft, not on the adopted edition.
    let mut on_adopted = input(good_phases, good_rule, orgs);
    on_adopted["i"]["leitbildId"] = json!(w.old);
    assert_eq!(code(&app.gql(Some(&w.admin), START, on_adopted).await), "VALIDATION");
}

on_both_databases!(accepted_proposals_of_every_kind_change_the_draft, invalid_processes_are_refused);

async fn demo_has_a_running_process(b: Backend) {
    let app = TestApp::start(b).await;
    teilhabe::demo::load(&app.state).await.unwrap();
    let coordinator = app.login("koordination@demo.teilhabe.example", teilhabe::demo::DEMO_PASSWORD).await;
    let data = app
        .ok(
            Some(&coordinator),
            "{ leitbilder { year status fieldsOfAction { title goals { children { title } } }
               process { status currentPhase { kind } proposals { status commentCount tally { yes no abstain bySector { sector } } } } } }",
            json!({}),
        )
        .await;
    let list = data["leitbilder"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let (draft, adopted) = (&list[0], &list[1]);
    assert_eq!((draft["status"].as_str(), adopted["status"].as_str()), (Some("DRAFT"), Some("ADOPTED")));
    assert_eq!(adopted["fieldsOfAction"].as_array().unwrap().len(), 10);
    assert_eq!(draft["fieldsOfAction"].as_array().unwrap().len(), 10, "the draft is a copy");
    assert_eq!(draft["process"]["currentPhase"]["kind"], "VOTING");
    let proposals = draft["process"]["proposals"].as_array().unwrap();
    assert_eq!(proposals.len(), 3);
    assert!(proposals.iter().all(|p| p["status"] == "IN_VOTE"));
    assert_eq!(proposals[0]["commentCount"], 2);
    let sectors: std::collections::HashSet<&str> = proposals
        .iter()
        .flat_map(|p| p["tally"]["bySector"].as_array().unwrap().iter().map(|s| s["sector"].as_str().unwrap()))
        .collect();
    assert_eq!(sectors.len(), 4, "votes from all four sectors: {sectors:?}");
}

on_both_databases!(demo_has_a_running_process);

/// The documented example operations stay valid against the schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_operations_match_the_schema() {
    let app = TestApp::start(Backend::Sqlite).await;
    let checked = crate::support::check_example_operations(&app, "leitbild-participation.graphql").await;
    assert!(checked >= 15, "only {checked} operations found");
}

/// The recipients of the "vote closing" reminder: eligible people who have not voted yet.
async fn pending_voters_are_those_who_have_not_voted(b: Backend) {
    for eligibility in ["PERSON", "ORGANIZATION"] {
        let w = world(b).await;
        let app = &w.app;
        let (civ2, _) = app.create_user(&w.admin, "caritas2@example.org", "MEMBER", &[&w.civ_org]).await;
        let mut ids = Vec::new();
        for token in [&w.adm, &w.pol] {
            ids.push(app.ok(Some(token), "{ me { id } }", json!({})).await["me"]["id"].as_str().unwrap().to_string());
        }
        let process = start(&w, eligibility, false).await;
        let p =
            id(&submit(&w, &w.civ, &process, json!({"kind": "REMOVE_GOAL", "goalId": w.goal, "title": "Streichen"}))
                .await);
        into_voting(&w, &process).await;
        app.ok(Some(&w.civ), VOTE, json!({"p": p, "c": "YES"})).await;
        let pending =
            teilhabe::participation::service::pending_voters(&app.state.db, process.parse().unwrap()).await.unwrap();
        let mut who: Vec<String> = pending.keys().map(|u| u.to_string()).collect();
        who.sort();
        let mut expected = ids.clone();
        if eligibility == "PERSON" {
            // Another member of Caritas still has a vote of her own.
            expected.push(civ2);
        }
        expected.sort();
        assert_eq!(who, expected, "{eligibility}");
        assert!(pending.values().all(|list| list == &vec![p.parse::<uuid::Uuid>().unwrap()]));
    }
}

on_both_databases!(pending_voters_are_those_who_have_not_voted);

/// The web app's session cookie authenticates a WebSocket from our own origin, not from another.
async fn websocket_cookie_counts_only_from_our_origin(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let res = app
        .http
        .post(format!("{}/graphql", app.base))
        .json(&json!({"query": "mutation { login(email: \"caritas@example.org\", password: \"ein-gutes-passwort\") { token } }"}))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let subscribe_as = |origin: Option<&'static str>| {
        let (cookie, goal) = (cookie.clone(), w.goal.clone());
        async move {
            let mut req = format!("{}/graphql/ws", app.base.replace("http://", "ws://")).into_client_request().unwrap();
            req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
            req.headers_mut().insert("cookie", cookie.parse().unwrap());
            if let Some(o) = origin {
                req.headers_mut().insert("origin", o.parse().unwrap());
            }
            let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
            ws.send(Message::text(json!({"type": "connection_init", "payload": {}}).to_string())).await.unwrap();
            ws.next().await.unwrap().unwrap();
            ws.send(Message::text(
                json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription($t: UUID!) { commentAdded(targetId: $t) { body } }", "variables": {"t": goal}}})
                    .to_string(),
            ))
            .await
            .unwrap();
            // An error arrives at once; an accepted subscription stays silent.
            match tokio::time::timeout(std::time::Duration::from_millis(700), ws.next()).await {
                Ok(Some(Ok(m))) => m.to_text().unwrap().to_string(),
                _ => String::from("accepted"),
            }
        }
    };
    assert_eq!(subscribe_as(None).await, "accepted");
    assert!(subscribe_as(Some("https://boese.example")).await.contains("UNAUTHENTICATED"));
}

on_both_databases!(websocket_cookie_counts_only_from_our_origin);

async fn outbox_rows(app: &TestApp, kind: NotificationKind) -> Vec<notification::Model> {
    notification::Entity::find().filter(notification::Column::Kind.eq(kind)).all(&app.state.db).await.unwrap()
}

async fn user_id(app: &TestApp, token: &str) -> uuid::Uuid {
    app.ok(Some(token), "{ me { id } }", json!({})).await["me"]["id"].as_str().unwrap().parse().unwrap()
}

/// "Vote closing" goes 48 hours before the end to eligible people who have not voted on every
/// open proposal; "reply to your comment" to the author of the comment answered.
async fn reminders_for_votes_and_replies(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let start_at = app.clock.now();
    let (adm, pol, civ) = (user_id(app, &w.adm).await, user_id(app, &w.pol).await, user_id(app, &w.civ).await);
    let process = start(&w, "PERSON", false).await;
    let p1 =
        id(&submit(&w, &w.civ, &process, json!({"kind": "REMOVE_GOAL", "goalId": w.goal, "title": "Streichen"})).await);
    let p2 = id(&submit(&w, &w.pol, &process, json!({"kind": "ADD_FIELD_OF_ACTION", "title": "Digitales"})).await);

    let c =
        app.ok(Some(&w.civ), ADD_COMMENT, json!({"i": {"targetId": p1, "body": "Warum?"}})).await["addComment"]["id"]
            .clone();
    app.ok(Some(&w.pol), ADD_COMMENT, json!({"i": {"targetId": p1, "parentId": c, "body": "Weil es erreicht ist."}}))
        .await;
    app.ok(Some(&w.civ), ADD_COMMENT, json!({"i": {"targetId": p1, "parentId": c, "body": "Danke."}})).await;
    let replies = outbox_rows(app, NotificationKind::CommentReply).await;
    assert_eq!(replies.len(), 1, "no notice for answering oneself");
    assert_eq!(replies[0].recipient_id, civ);
    assert!(replies[0].link.as_deref().unwrap().ends_with(&format!("/prozesse/{process}#proposal-{p1}")));

    // The scheduler opens the vote; everyone eligible gets a reminder due 48 h before its end.
    app.clock.advance(Duration::days(7));
    run_due(&app.state, app.clock.now()).await.unwrap();
    let closing = outbox_rows(app, NotificationKind::VoteClosing).await;
    let mut recipients: Vec<_> = closing.iter().map(|n| n.recipient_id).collect();
    recipients.sort();
    let mut expected = vec![adm, pol, civ];
    expected.sort();
    assert_eq!(recipients, expected);
    assert!(closing.iter().all(|n| n.due_at == start_at + Duration::days(12)));
    // One vote of two leaves the reminder; voting on both cancels it.
    app.ok(Some(&w.civ), VOTE, json!({"p": p1, "c": "YES"})).await;
    app.ok(Some(&w.pol), VOTE, json!({"p": p2, "c": "NO"})).await;
    app.ok(Some(&w.civ), VOTE, json!({"p": p2, "c": "YES"})).await;
    let status = |rows: &[notification::Model], who| rows.iter().find(|n| n.recipient_id == who).unwrap().status;
    let closing = outbox_rows(app, NotificationKind::VoteClosing).await;
    assert_eq!(status(&closing, civ), NotificationStatus::Cancelled);
    assert_eq!(status(&closing, pol), NotificationStatus::Pending);

    app.clock.advance(Duration::days(5));
    let sent = run_due(&app.state, app.clock.now()).await.unwrap();
    assert_eq!(sent.mail.sent, 2, "{sent:?}");
    let closing = outbox_rows(app, NotificationKind::VoteClosing).await;
    assert_eq!((status(&closing, adm), status(&closing, pol)), (NotificationStatus::Sent, NotificationStatus::Sent));
    assert!(closing[0].subject.starts_with("Abstimmung endet am"), "{}", closing[0].subject);
}

/// Closing the vote early cancels the reminders not yet sent.
async fn closing_the_vote_early_cancels_its_reminders(b: Backend) {
    let w = world(b).await;
    let process = start(&w, "ORGANIZATION", false).await;
    submit(&w, &w.civ, &process, json!({"kind": "ADD_FIELD_OF_ACTION", "title": "Digitales"})).await;
    into_voting(&w, &process).await;
    assert_eq!(outbox_rows(&w.app, NotificationKind::VoteClosing).await.len(), 3);
    into_voting(&w, &process).await;
    let rows = outbox_rows(&w.app, NotificationKind::VoteClosing).await;
    assert!(rows.iter().all(|n| n.status == NotificationStatus::Cancelled), "{rows:?}");
}

/// A reminder kept in the app (the person turned mail off) is settled by voting like one
/// waiting to be mailed.
async fn voting_settles_a_reminder_kept_in_the_app(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let civ = user_id(app, &w.civ).await;
    let process = start(&w, "PERSON", false).await;
    let p1 = id(&submit(&w, &w.civ, &process, json!({"kind": "ADD_FIELD_OF_ACTION", "title": "Digitales"})).await);
    into_voting(&w, &process).await;
    app.ok(Some(&w.civ), "mutation { setNotificationMailMode(mode: OFF) { mailMode } }", json!({})).await;
    let status = |rows: Vec<notification::Model>| rows.into_iter().find(|n| n.recipient_id == civ).unwrap().status;
    assert_eq!(status(outbox_rows(app, NotificationKind::VoteClosing).await), NotificationStatus::InAppOnly);
    app.ok(Some(&w.civ), VOTE, json!({"p": p1, "c": "YES"})).await;
    assert_eq!(status(outbox_rows(app, NotificationKind::VoteClosing).await), NotificationStatus::Cancelled);
}

/// A reminder goes out only to someone who still has something to vote on: one who left their
/// organisation after the vote opened is no longer eligible and is not told their vote is missing.
async fn a_due_reminder_is_checked_before_it_goes_out(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let (adm, pol, civ) = (user_id(app, &w.adm).await, user_id(app, &w.pol).await, user_id(app, &w.civ).await);
    let process = start(&w, "PERSON", false).await;
    submit(&w, &w.civ, &process, json!({"kind": "ADD_FIELD_OF_ACTION", "title": "Digitales"})).await;
    app.clock.advance(Duration::days(7));
    run_due(&app.state, app.clock.now()).await.unwrap();
    assert_eq!(outbox_rows(app, NotificationKind::VoteClosing).await.len(), 3);
    app.ok(
        Some(&w.admin),
        "mutation($id: UUID!) { updateUser(id: $id, input: {organizationIds: []}) { id } }",
        json!({"id": civ}),
    )
    .await;
    app.clock.advance(Duration::days(5));
    let sent = run_due(&app.state, app.clock.now()).await.unwrap();
    assert_eq!(sent.mail.sent, 2, "{sent:?}");
    let rows = outbox_rows(app, NotificationKind::VoteClosing).await;
    let status = |who| rows.iter().find(|n| n.recipient_id == who).unwrap().status;
    assert_eq!((status(adm), status(pol)), (NotificationStatus::Sent, NotificationStatus::Sent));
    assert_eq!(status(civ), NotificationStatus::Cancelled);
}

on_both_databases!(
    reminders_for_votes_and_replies,
    closing_the_vote_early_cancels_its_reminders,
    voting_settles_a_reminder_kept_in_the_app,
    a_due_reminder_is_checked_before_it_goes_out
);

/// Under ORGANIZATION eligibility the organisation's vote settles its members' reminders, but
/// a member of two participating organisations keeps hers until both have voted.
async fn organisation_vote_settles_members_reminders(b: Backend) {
    let w = world(b).await;
    let app = &w.app;
    let orgs = app.ok(Some(&w.admin), "{ organizations { id name } }", json!({})).await;
    let amt =
        orgs["organizations"].as_array().unwrap().iter().find(|o| o["name"] == "Amt für Integration").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
    let (both, _) = app.create_user(&w.admin, "beide@example.org", "MEMBER", &[&amt, &w.civ_org]).await;
    let both: uuid::Uuid = both.parse().unwrap();
    let (adm, civ) = (user_id(app, &w.adm).await, user_id(app, &w.civ).await);
    let process = start(&w, "ORGANIZATION", false).await;
    let p = id(&submit(&w, &w.civ, &process, json!({"kind": "ADD_FIELD_OF_ACTION", "title": "Digitales"})).await);
    into_voting(&w, &process).await;
    let status = |rows: &[notification::Model], who| rows.iter().find(|n| n.recipient_id == who).unwrap().status;
    app.ok(Some(&w.civ), VOTE, json!({"p": p, "c": "YES"})).await;
    let rows = outbox_rows(app, NotificationKind::VoteClosing).await;
    assert_eq!(status(&rows, civ), NotificationStatus::Cancelled);
    assert_eq!(status(&rows, both), NotificationStatus::Pending, "the Amt has not voted yet");
    app.ok(Some(&w.adm), VOTE, json!({"p": p, "c": "NO"})).await;
    let rows = outbox_rows(app, NotificationKind::VoteClosing).await;
    assert_eq!(
        (status(&rows, adm), status(&rows, both)),
        (NotificationStatus::Cancelled, NotificationStatus::Cancelled)
    );
}

on_both_databases!(organisation_vote_settles_members_reminders);
