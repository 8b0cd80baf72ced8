//! The glossary over HTTP: terms and search, reviews and the agreement rule, versions, stale edits,
//! mappings, exports and imports, and the statement count of the nested term list.

use serde_json::{Value, json};

use crate::{
    on_both_databases,
    support::{Backend, TestApp, code},
};

const PROPOSE: &str = "mutation($i: ProposeTermInput!) { proposeTerm(input: $i) { id label status synonyms definitions { id version } } }";
const REVIEW: &str = "mutation($d: UUID!, $x: ReviewDecision!, $r: String) { reviewDefinition(definitionId: $d, decision: $x, reason: $r) { id status version } }";
const UPDATE: &str = "mutation($d: UUID!, $t: String!, $v: Int!) { updateDefinition(definitionId: $d, text: $t, expectedVersion: $v) { id text version status } }";
const TERM: &str = "query($id: UUID!) { term(id: $id) { label status agreedVersion agreedText agreedDefinition { id } definitions { id status version reviews { decision current reviewer { name } } } } }";

/// People of a small monitoring: one per sector, plus an author without sector.
struct Cast {
    admin: String,
    author: String,
    verwaltung: String,
    zivil: String,
    wissenschaft: String,
    politik: String,
}

async fn cast(app: &TestApp) -> Cast {
    let admin = app.admin().await;
    let adm = app.create_org(&admin, "Amt für Statistik", "ADMINISTRATION").await;
    let civ = app.create_org(&admin, "Caritas", "CIVIL_SOCIETY").await;
    let sci = app.create_org(&admin, "Universität", "SCIENCE").await;
    let pol = app.create_org(&admin, "Integrationsrat", "POLITICS").await;
    let (_, author) = app.create_user(&admin, "autorin@example.org", "MEMBER", &[]).await;
    let (_, verwaltung) = app.create_user(&admin, "verwaltung@example.org", "MEMBER", &[&adm]).await;
    let (_, zivil) = app.create_user(&admin, "zivil@example.org", "MEMBER", &[&civ]).await;
    let (_, wissenschaft) = app.create_user(&admin, "wissenschaft@example.org", "MEMBER", &[&sci]).await;
    let (_, politik) = app.create_user(&admin, "politik@example.org", "MEMBER", &[&pol]).await;
    Cast { admin, author, verwaltung, zivil, wissenschaft, politik }
}

async fn propose(app: &TestApp, token: &str, label: &str, synonyms: &[&str], definition: &str) -> (String, String) {
    let data = app
        .ok(
            Some(token),
            PROPOSE,
            json!({"i": {"label": label, "synonyms": synonyms, "definition": definition,
                "source": {"publisher": "Statistisches Bundesamt", "statistic": "Mikrozensus", "date": "2023-01-01",
                           "link": "https://www.destatis.de/mikrozensus"},
                "scopeNote": "für die Zahlen des Mikrozensus", "validFrom": "2005-01-01"}}),
        )
        .await;
    let t = &data["proposeTerm"];
    (t["id"].as_str().unwrap().to_string(), t["definitions"][0]["id"].as_str().unwrap_or_default().to_string())
}

fn labels(data: &Value) -> Vec<String> {
    data["terms"].as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap().to_string()).collect()
}

async fn terms_are_found_by_label_synonym_and_umlaut_spelling(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    propose(&app, &c.author, "Ausländerin/Ausländer", &["Nichtdeutsche"], "Personen ohne deutsche Staatsangehörigkeit")
        .await;
    propose(&app, &c.author, "Migrationshintergrund", &["MHG"], "Eine Person hat einen Migrationshintergrund, wenn …")
        .await;
    propose(&app, &c.author, "Migration", &[], "Wanderung über Grenzen").await;
    propose(&app, &c.author, "Straßensozialarbeit", &[], "Aufsuchende Arbeit").await;
    let q = "query($s: String, $st: TermStatus) { terms(search: $s, status: $st) { label status synonyms } }";
    for spelling in ["auslaenderin", "AUSLÄNDERIN", "Auslaender"] {
        assert_eq!(
            labels(&app.ok(Some(&c.zivil), q, json!({"s": spelling})).await),
            ["Ausländerin/Ausländer"],
            "{spelling}"
        );
    }
    assert_eq!(labels(&app.ok(Some(&c.zivil), q, json!({"s": "nichtdeutsche"})).await), ["Ausländerin/Ausländer"]);
    assert_eq!(labels(&app.ok(Some(&c.zivil), q, json!({"s": "mhg"})).await), ["Migrationshintergrund"]);
    assert_eq!(labels(&app.ok(Some(&c.zivil), q, json!({"s": "strassen"})).await), ["Straßensozialarbeit"]);
    // The exact match comes first, though "Migrationshintergrund" sorts first by label too.
    assert_eq!(
        labels(&app.ok(Some(&c.zivil), q, json!({"s": "migration"})).await),
        ["Migration", "Migrationshintergrund"]
    );
    assert_eq!(labels(&app.ok(Some(&c.zivil), q, json!({"s": "hintergrund"})).await), ["Migrationshintergrund"]);
    assert_eq!(app.ok(Some(&c.zivil), q, json!({"st": "AGREED"})).await["terms"], json!([]));
    assert_eq!(labels(&app.ok(Some(&c.zivil), q, json!({"st": "PROPOSED"})).await).len(), 4);
    // Wildcards are not wildcards.
    assert_eq!(app.ok(Some(&c.zivil), q, json!({"s": "%"})).await["terms"].as_array().unwrap().len(), 4);
    assert_eq!(app.ok(Some(&c.zivil), q, json!({"s": "x%y"})).await["terms"], json!([]));

    // The same label in another spelling is the same term.
    let dup = app.gql(Some(&c.author), PROPOSE, json!({"i": {"label": "Auslaenderin / Auslaender"}})).await;
    assert_eq!(code(&dup), "CONFLICT");
    let anonymous = app.gql(None, q, json!({})).await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
    let _ = c.admin;
}

async fn a_definition_is_agreed_by_the_three_sectors_and_reopened_by_an_edit(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let (term, def) = propose(
        &app,
        &c.author,
        "Einwanderungsgeschichte",
        &[],
        "Eingewandert seit 1950 oder Kind zweier Eingewanderter",
    )
    .await;
    let review = |token: &str, decision: &str, reason: Option<&str>| {
        let vars = json!({"d": def, "x": decision, "r": reason});
        let token = token.to_string();
        let app = &app;
        async move { app.gql(Some(&token), REVIEW, vars).await }
    };
    // Nobody approves their own text, admins included.
    assert_eq!(code(&review(&c.author, "APPROVE", None).await), "FORBIDDEN");
    let (_, admin_def) =
        propose(&app, &c.admin, "Neuzugewanderte", &[], "Seit höchstens fünf Jahren in Deutschland").await;
    let own = app.gql(Some(&c.admin), REVIEW, json!({"d": admin_def, "x": "APPROVE"})).await;
    assert_eq!(code(&own), "FORBIDDEN");
    // An objection needs a reason.
    assert_eq!(code(&review(&c.politik, "OBJECT", None).await), "VALIDATION");
    assert_eq!(code(&review(&c.politik, "OBJECT", Some("  ")).await), "VALIDATION");

    for t in [&c.verwaltung, &c.zivil] {
        assert_eq!(review(t, "APPROVE", None).await["data"]["reviewDefinition"]["status"], "PROPOSED");
    }
    review(&c.politik, "OBJECT", Some("Die Kinder von einem eingewanderten Elternteil fehlen")).await;
    assert_eq!(review(&c.wissenschaft, "APPROVE", None).await["data"]["reviewDefinition"]["status"], "PROPOSED");
    let t = app.ok(Some(&c.zivil), TERM, json!({"id": term})).await;
    assert_eq!(t["term"]["status"], "PROPOSED", "an open objection blocks");
    let agreement = "query($id: UUID!) { definition(id: $id) { agreement { agreed openObjections missingSectors } } }";
    let a = app.ok(Some(&c.zivil), agreement, json!({"id": def})).await;
    assert_eq!(a["definition"]["agreement"], json!({"agreed": false, "openObjections": 1, "missingSectors": []}));
    assert_eq!(t["term"]["definitions"][0]["reviews"].as_array().unwrap().len(), 4);

    // The objector changes their review: one review per person, replaced.
    assert_eq!(review(&c.politik, "APPROVE", None).await["data"]["reviewDefinition"]["status"], "AGREED");
    let t = app.ok(Some(&c.zivil), TERM, json!({"id": term})).await;
    assert_eq!(t["term"]["status"], "AGREED");
    assert_eq!(t["term"]["agreedDefinition"]["id"], def.as_str());
    assert_eq!(t["term"]["definitions"][0]["reviews"].as_array().unwrap().len(), 4);

    // A later change to the agreed text reopens review of the definition; the agreed version stays in force.
    let edited = app
        .ok(
            Some(&c.author),
            UPDATE,
            json!({"d": def, "t": "Eingewandert seit 1950 oder mindestens ein Elternteil eingewandert", "v": 1}),
        )
        .await;
    assert_eq!(edited["updateDefinition"]["version"], 2);
    assert_eq!(edited["updateDefinition"]["status"], "PROPOSED");
    let a = app.ok(Some(&c.zivil), agreement, json!({"id": def})).await;
    assert_eq!(a["definition"]["agreement"]["missingSectors"], json!(["ADMINISTRATION", "CIVIL_SOCIETY", "SCIENCE"]));
    let t = app.ok(Some(&c.zivil), TERM, json!({"id": term})).await;
    assert_eq!(t["term"]["status"], "AGREED");
    assert_eq!(t["term"]["agreedDefinition"]["id"], def.as_str());
    assert_eq!(t["term"]["agreedVersion"], 1);
    assert_eq!(t["term"]["agreedText"], "Eingewandert seit 1950 oder Kind zweier Eingewanderter");
    assert_eq!(t["term"]["definitions"][0]["status"], "PROPOSED");
    assert!(t["term"]["definitions"][0]["reviews"].as_array().unwrap().iter().all(|r| r["current"] == false));
    // Re-review of the new version agrees again; withdrawing an approval reopens.
    for tok in [&c.verwaltung, &c.zivil, &c.wissenschaft] {
        review(tok, "APPROVE", None).await;
    }
    let t = app.ok(Some(&c.zivil), TERM, json!({"id": term})).await;
    assert_eq!((&t["term"]["status"], &t["term"]["agreedVersion"]), (&json!("AGREED"), &json!(2)));
    let w = app
        .ok(Some(&c.zivil), "mutation($d: UUID!) { withdrawReview(definitionId: $d) { status } }", json!({"d": def}))
        .await;
    assert_eq!(w["withdrawReview"]["status"], "PROPOSED");
    let t = app.ok(Some(&c.zivil), TERM, json!({"id": term})).await;
    assert_eq!((&t["term"]["status"], &t["term"]["agreedVersion"]), (&json!("AGREED"), &json!(2)), "still in force");

    // Every step is in the audit log.
    let log = app
        .ok(
            Some(&c.admin),
            "query($id: UUID!) { auditLog(entityId: $id, first: 50) { edges { node { action } } } }",
            json!({"id": term}),
        )
        .await;
    let actions: Vec<&str> =
        log["auditLog"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["action"].as_str().unwrap()).collect();
    for a in ["term.propose", "term.agree", "term.reopen"] {
        assert!(actions.contains(&a), "{a} missing in {actions:?}");
    }
}

async fn approvals_given_at_the_same_time_are_judged_together(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    for round in 0..3 {
        let (term, def) =
            propose(&app, &c.author, &format!("Einbürgerungsquote {round}"), &[], "Einbürgerungen je 100 Ausländer")
                .await;
        app.ok(Some(&c.verwaltung), REVIEW, json!({"d": def, "x": "APPROVE"})).await;
        let (a, b2) = tokio::join!(
            app.gql(Some(&c.zivil), REVIEW, json!({"d": def, "x": "APPROVE"})),
            app.gql(Some(&c.wissenschaft), REVIEW, json!({"d": def, "x": "APPROVE"})),
        );
        assert!(a.get("errors").is_none() && b2.get("errors").is_none(), "{a:#} {b2:#}");
        assert_eq!(
            app.ok(Some(&c.zivil), TERM, json!({"id": term})).await["term"]["status"],
            "AGREED",
            "round {round}"
        );
    }
}

async fn stale_edits_conflict_versions_fold_per_sitting_and_diff(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let (_, def) = propose(&app, &c.author, "Geflüchtete", &[], "Schutzsuchende Personen").await;
    // The author edits twice within half an hour: one version for review.
    app.clock.advance(chrono::Duration::minutes(10));
    app.ok(Some(&c.author), UPDATE, json!({"d": def, "t": "Schutzsuchende Personen mit Aufenthaltstitel", "v": 1}))
        .await;
    app.clock.advance(chrono::Duration::minutes(20));
    let second = app
        .ok(
            Some(&c.author),
            UPDATE,
            json!({"d": def, "t": "Schutzsuchende Personen mit anerkanntem Schutzstatus", "v": 2}),
        )
        .await;
    assert_eq!(second["updateDefinition"]["version"], 3);
    // Another person editing from version 2 is stale.
    let stale = app.gql(Some(&c.zivil), UPDATE, json!({"d": def, "t": "Überschrieben", "v": 2})).await;
    assert_eq!(code(&stale), "CONFLICT");
    let details = &stale["errors"][0]["extensions"]["details"];
    assert_eq!(details["currentVersion"], 3);
    assert_eq!(details["currentText"], "Schutzsuchende Personen mit anerkanntem Schutzstatus");
    // After a pause the author's next edit is a new version; so is another person's edit.
    app.clock.advance(chrono::Duration::minutes(31));
    app.ok(
        Some(&c.author),
        UPDATE,
        json!({"d": def, "t": "Schutzsuchende Personen mit anerkanntem oder ohne Schutzstatus", "v": 3}),
    )
    .await;
    app.ok(
        Some(&c.zivil),
        UPDATE,
        json!({"d": def, "t": "Schutzsuchende Menschen mit anerkanntem oder ohne Schutzstatus", "v": 4}),
    )
    .await;
    let q = "query($id: UUID!) { definition(id: $id) { version text author { name } versions { version text edits author { name } }
             first: versionAt(version: 3) { text } gone: versionAt(version: 1) { text }
             diff(from: 3, to: 5) { kind text } }}";
    let d = app.ok(Some(&c.zivil), q, json!({"id": def})).await["definition"].clone();
    assert_eq!(d["version"], 5);
    assert_eq!(d["author"]["name"], "zivil");
    let versions: Vec<(i64, i64)> = d["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_i64().unwrap(), v["edits"].as_i64().unwrap()))
        .collect();
    assert_eq!(versions, [(3, 3), (4, 1), (5, 1)], "the first sitting (proposal and two edits) is one version");
    assert_eq!(d["first"]["text"], "Schutzsuchende Personen mit anerkanntem Schutzstatus");
    assert!(d["gone"].is_null());
    let diff: Vec<(String, String)> = d["diff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["kind"].as_str().unwrap().to_string(), s["text"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        diff,
        [
            ("EQUAL".into(), "Schutzsuchende ".into()),
            ("DELETE".into(), "Personen".into()),
            ("INSERT".into(), "Menschen".into()),
            ("EQUAL".into(), " mit anerkanntem ".into()),
            ("INSERT".into(), "oder ohne ".into()),
            ("EQUAL".into(), "Schutzstatus".into()),
        ]
    );
    // A review in between ends the sitting: the reviewed text stays a version of its own.
    app.ok(Some(&c.wissenschaft), REVIEW, json!({"d": def, "x": "APPROVE"})).await;
    app.ok(Some(&c.zivil), UPDATE, json!({"d": def, "t": "Schutzsuchende Menschen", "v": 5})).await;
    let d = app.ok(Some(&c.zivil), q, json!({"id": def})).await["definition"].clone();
    assert_eq!(d["versions"].as_array().unwrap().len(), 4);
}

async fn relations_deprecation_and_mappings(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let (mh, mh_def) = propose(&app, &c.author, "Migrationshintergrund", &[], "Mikrozensus-Definition").await;
    let (mv, mv_def) = propose(&app, &c.author, "Migrationsvorgeschichte", &[], "Definition der Stadt").await;
    let (eg, _) = propose(&app, &c.author, "Einwanderungsgeschichte", &[], "Neuere Definition").await;
    let relate =
        "mutation($t: UUID!, $o: UUID!, $k: RelationKind!) { relateTerms(termId: $t, otherId: $o, kind: $k) { id } }";
    app.ok(Some(&c.zivil), relate, json!({"t": mv, "o": mh, "k": "BROADER"})).await;
    app.ok(Some(&c.zivil), relate, json!({"t": mh, "o": eg, "k": "RELATED"})).await;
    let again = app.gql(Some(&c.zivil), relate, json!({"t": mh, "o": mv, "k": "BROADER"})).await;
    assert_eq!(code(&again), "CONFLICT", "a cycle of broader terms is refused");
    let q = "query($id: UUID!) { term(id: $id) { broader { label } narrower { label } related { label } status replacedBy { label } } }";
    let t = app.ok(Some(&c.zivil), q, json!({"id": mh})).await;
    assert_eq!(t["term"]["narrower"], json!([{"label": "Migrationsvorgeschichte"}]));
    assert_eq!(t["term"]["related"], json!([{"label": "Einwanderungsgeschichte"}]));
    let t = app.ok(Some(&c.zivil), q, json!({"id": eg})).await;
    assert_eq!(t["term"]["related"], json!([{"label": "Migrationshintergrund"}]));

    let map = "mutation($i: MapDefinitionInput!) { mapDefinition(input: $i) { kind note targetUri target { text } } }";
    let m = app
        .ok(
            Some(&c.wissenschaft),
            map,
            json!({"i": {"definitionId": mv_def, "targetDefinitionId": mh_def, "kind": "CLOSE_MATCH",
            "note": "Die Stadt zählt auch die dritte Generation"}}),
        )
        .await;
    assert_eq!(m["mapDefinition"]["target"]["text"], "Mikrozensus-Definition");
    app.ok(
        Some(&c.wissenschaft),
        map,
        json!({"i": {"definitionId": mh_def, "targetUri": "http://example.org/vocab/mhg", "kind": "EXACT_MATCH"}}),
    )
    .await;
    let bad = app.gql(Some(&c.wissenschaft), map, json!({"i": {"definitionId": mh_def, "kind": "EXACT_MATCH"}})).await;
    assert_eq!(code(&bad), "VALIDATION");
    let bad = app
        .gql(
            Some(&c.wissenschaft),
            map,
            json!({"i": {"definitionId": mh_def, "targetUri": "ftp://x", "kind": "EXACT_MATCH"}}),
        )
        .await;
    assert_eq!(code(&bad), "VALIDATION");

    let deprecate =
        "mutation($t: UUID!, $r: UUID) { deprecateTerm(termId: $t, replacedById: $r) { status replacedBy { label } } }";
    assert_eq!(code(&app.gql(Some(&c.zivil), deprecate, json!({"t": mh, "r": eg})).await), "FORBIDDEN");
    let d = app.ok(Some(&c.admin), deprecate, json!({"t": mh, "r": eg})).await;
    assert_eq!(d["deprecateTerm"], json!({"status": "DEPRECATED", "replacedBy": {"label": "Einwanderungsgeschichte"}}));
    let r = app.gql(Some(&c.zivil), REVIEW, json!({"d": mh_def, "x": "APPROVE"})).await;
    assert_eq!(code(&r), "VALIDATION", "deprecated terms are not reviewed");
}

async fn terms_are_renamed_by_their_proposer_and_relations_and_mappings_removed(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let (a, a_def) = propose(&app, &c.author, "Neuzugewanderte", &[], "Seit höchstens fünf Jahren hier").await;
    let (other, other_def) = propose(&app, &c.zivil, "Zugewanderte", &[], "Alle, die eingewandert sind").await;
    let rename = "mutation($t: UUID!, $l: String, $s: [String!]) { updateTerm(termId: $t, label: $l, synonyms: $s) { label synonyms } }";
    let done = app.ok(Some(&c.author), rename, json!({"t": a, "l": "Neu Zugewanderte", "s": ["Neuankömmlinge"]})).await;
    assert_eq!(done["updateTerm"], json!({"label": "Neu Zugewanderte", "synonyms": ["Neuankömmlinge"]}));
    assert_eq!(code(&app.gql(Some(&c.wissenschaft), rename, json!({"t": a, "l": "Anders"})).await), "FORBIDDEN");
    assert_eq!(code(&app.gql(Some(&c.author), rename, json!({"t": a, "l": "zugewanderte"})).await), "CONFLICT");
    let found = app.ok(Some(&c.zivil), "{ terms(search: \"neuankoemmlinge\") { label } }", json!({})).await;
    assert_eq!(found["terms"], json!([{"label": "Neu Zugewanderte"}]));

    let q = "query($id: UUID!) { term(id: $id) { narrower { label } definitions { mappings { id } } } }";
    let rel =
        |m: &str| format!("mutation($t: UUID!, $o: UUID!) {{ {m}(termId: $t, otherId: $o, kind: NARROWER) {{ id }} }}");
    app.ok(Some(&c.zivil), &rel("relateTerms"), json!({"t": other, "o": a})).await;
    assert_eq!(
        app.ok(Some(&c.zivil), q, json!({"id": other})).await["term"]["narrower"],
        json!([{"label": "Neu Zugewanderte"}])
    );
    app.ok(Some(&c.zivil), &rel("unrelateTerms"), json!({"t": other, "o": a})).await;
    assert_eq!(app.ok(Some(&c.zivil), q, json!({"id": other})).await["term"]["narrower"], json!([]));

    let m = app
        .ok(
            Some(&c.zivil),
            "mutation($i: MapDefinitionInput!) { mapDefinition(input: $i) { id } }",
            json!({"i": {"definitionId": a_def, "targetDefinitionId": other_def, "kind": "NARROWER_MATCH"}}),
        )
        .await["mapDefinition"]["id"]
        .clone();
    let remove = "mutation($m: UUID!) { removeMapping(mappingId: $m) }";
    assert_eq!(code(&app.gql(Some(&c.wissenschaft), remove, json!({"m": m})).await), "FORBIDDEN");
    app.ok(Some(&c.zivil), remove, json!({"m": m})).await;
    assert_eq!(app.ok(Some(&c.zivil), q, json!({"id": a})).await["term"]["definitions"][0]["mappings"], json!([]));
}

async fn definitions_are_commented_through_the_shared_comment_model(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let (_, def) = propose(&app, &c.author, "Geflüchtete", &[], "Schutzsuchende mit anerkanntem Schutzstatus").await;
    let add = "mutation($i: AddCommentInput!) { addComment(input: $i) { id stance anchor } }";
    let added = app
        .ok(Some(&c.zivil), add, json!({"i": {"targetId": def, "body": "Und die Geduldeten?", "stance": "OPPOSE", "anchor": "anerkanntem Schutzstatus"}}))
        .await;
    assert_eq!(added["addComment"]["stance"], "OPPOSE");
    let wrong_anchor = app
        .gql(Some(&c.zivil), add, json!({"i": {"targetId": def, "body": "x", "anchor": "steht nicht im Text"}}))
        .await;
    assert_eq!(code(&wrong_anchor), "VALIDATION");
    let q = "query($d: UUID!) { comments(targetId: $d) { edges { node { body author { name } } } } definition(id: $d) { commentCount } }";
    let read = app.ok(Some(&c.wissenschaft), q, json!({"d": def})).await;
    assert_eq!(read["comments"]["edges"][0]["node"]["body"], "Und die Geduldeten?");
    assert_eq!(read["definition"]["commentCount"], 1);
}

async fn the_agreement_rule_is_set_per_glossary(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let (term, def) =
        propose(&app, &c.author, "Einbürgerungsquote", &[], "Einbürgerungen je 100 Ausländerinnen und Ausländer").await;
    let rule = "mutation($s: [Sector!]!, $n: Int!) { setAgreementRule(requiredSectors: $s, minApprovalsPerSector: $n) { agreementRule { requiredSectors minApprovalsPerSector } } }";
    assert_eq!(code(&app.gql(Some(&c.zivil), rule, json!({"s": ["SCIENCE"], "n": 1})).await), "FORBIDDEN");
    let g = app
        .ok(Some(&c.admin), "{ glossary { agreementRule { requiredSectors minApprovalsPerSector } } }", json!({}))
        .await;
    assert_eq!(
        g["glossary"]["agreementRule"]["requiredSectors"],
        json!(["ADMINISTRATION", "CIVIL_SOCIETY", "SCIENCE"])
    );
    app.ok(Some(&c.wissenschaft), REVIEW, json!({"d": def, "x": "APPROVE"})).await;
    assert_eq!(app.ok(Some(&c.zivil), TERM, json!({"id": term})).await["term"]["status"], "PROPOSED");
    // Science alone suffices under the new rule; definitions under review are judged again at once.
    let set = app.ok(Some(&c.admin), rule, json!({"s": ["SCIENCE"], "n": 1})).await;
    assert_eq!(set["setAgreementRule"]["agreementRule"]["requiredSectors"], json!(["SCIENCE"]));
    assert_eq!(app.ok(Some(&c.zivil), TERM, json!({"id": term})).await["term"]["status"], "AGREED");
}

/// `terms { definitions { reviews { reviewer { name } } } related { label } }` costs the same number
/// of statements for 2 terms as for 8.
async fn nested_term_lists_are_batched(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let query = "{ terms { label synonyms definitions { text commentCount agreement { agreed openObjections missingSectors } author { name } versions { version author { name } } reviews { decision reviewer { name } } mappings { target { text } } } related { label } broader { label } agreedDefinition { text } } }";
    let mut previous: Option<String> = None;
    let mut costs = Vec::new();
    for round in 0..4 {
        for i in 0..2 {
            let (id, def) = propose(&app, &c.author, &format!("Begriff {round}-{i}"), &["Synonym"], "Text").await;
            app.ok(Some(&c.zivil), REVIEW, json!({"d": def, "x": "APPROVE"})).await;
            app.ok(Some(&c.politik), REVIEW, json!({"d": def, "x": "OBJECT", "r": "unklar"})).await;
            if let Some(p) = &previous {
                app.ok(
                    Some(&c.zivil),
                    "mutation($t: UUID!, $o: UUID!) { relateTerms(termId: $t, otherId: $o, kind: RELATED) { id } }",
                    json!({"t": id, "o": p}),
                )
                .await;
            }
            previous = Some(id);
        }
        let before = app.statements().await;
        let data = app.ok(Some(&c.zivil), query, json!({})).await;
        let after = app.statements().await;
        assert_eq!(data["terms"].as_array().unwrap().len(), (round + 1) * 2);
        costs.push(after - before);
    }
    // A batch may split when the loader's short window closes between two fields, hence the slack of 2;
    // one query per term would add at least 6 from the first round to the last.
    let (min, max) = (costs.iter().min().unwrap(), costs.iter().max().unwrap());
    assert!(max - min <= 2, "statements grow with the list: {costs:?}");
    assert!(costs[0] <= 22, "too many statements: {costs:?}");
}

const IMPORT: &str = "mutation($f: ImportFormat!, $c: String!, $d: Boolean!) { importGlossary(format: $f, content: $c, dryRun: $d) { dryRun created updated unchanged terms { label change details notes } } }";
const WHOLE: &str = "{ terms { id label status synonyms related { label } broader { label } narrower { label } replacedBy { label }
    agreedDefinition { text } definitions { id text status scopeNote validFrom validTo source { publisher statistic date link }
    mappings { kind targetUri target { text } } } } }";

async fn download(app: &TestApp, token: Option<&str>, path: &str) -> (u16, String, String) {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, ct, res.text().await.unwrap())
}

/// A small glossary with every feature: relations, competing and agreed definitions, mappings, deprecation.
async fn build_sample(app: &TestApp, c: &Cast) {
    let (mh, mh_def) = propose(app, &c.author, "Migrationshintergrund", &["MHG"], "Eine Person hat einen Migrationshintergrund, wenn sie selbst oder mindestens ein Elternteil die deutsche Staatsangehörigkeit nicht durch Geburt besitzt.").await;
    let (eg, eg_def) = propose(
        app,
        &c.author,
        "Einwanderungsgeschichte",
        &[],
        "Selbst eingewandert oder beide Elternteile eingewandert.",
    )
    .await;
    let (mv, _) = propose(
        app,
        &c.author,
        "Migrationsvorgeschichte",
        &["Migrationsvorgeschichte (Stadt)"],
        "Definition der Stadt, \"mit Zitat\"\nund zweiter Zeile",
    )
    .await;
    let (alt, _) = propose(app, &c.author, "Ausländerin/Ausländer", &[], "Ohne deutsche Staatsangehörigkeit").await;
    let other = app
        .ok(Some(&c.zivil), "mutation($i: ProposeDefinitionInput!) { proposeDefinition(input: $i) { id } }",
            json!({"i": {"termId": mh, "text": "Die Stadt zählt auch die dritte Generation.", "source": {"publisher": "Stadt Münster"}, "validTo": "2030-12-31"}}))
        .await["proposeDefinition"]["id"].as_str().unwrap().to_string();
    let relate =
        "mutation($t: UUID!, $o: UUID!, $k: RelationKind!) { relateTerms(termId: $t, otherId: $o, kind: $k) { id } }";
    app.ok(Some(&c.zivil), relate, json!({"t": mv, "o": mh, "k": "BROADER"})).await;
    app.ok(Some(&c.zivil), relate, json!({"t": mh, "o": eg, "k": "RELATED"})).await;
    let map = "mutation($i: MapDefinitionInput!) { mapDefinition(input: $i) { id } }";
    app.ok(
        Some(&c.zivil),
        map,
        json!({"i": {"definitionId": other, "targetDefinitionId": mh_def, "kind": "BROADER_MATCH"}}),
    )
    .await;
    app.ok(
        Some(&c.zivil),
        map,
        json!({"i": {"definitionId": eg_def, "targetUri": "https://www.destatis.de/eg", "kind": "EXACT_MATCH"}}),
    )
    .await;
    for t in [&c.verwaltung, &c.zivil, &c.wissenschaft] {
        app.ok(Some(t), REVIEW, json!({"d": eg_def, "x": "APPROVE"})).await;
    }
    app.ok(
        Some(&c.admin),
        "mutation($t: UUID!, $r: UUID) { deprecateTerm(termId: $t, replacedById: $r) { id } }",
        json!({"t": alt, "r": eg}),
    )
    .await;
}

/// The glossary as an import into another one brings it: statuses come only from reviews there.
fn without_states(mut whole: Value) -> Value {
    for t in whole["terms"].as_array_mut().unwrap() {
        t["status"] = json!("PROPOSED");
        t["agreedDefinition"] = Value::Null;
        t["replacedBy"] = Value::Null;
        for d in t["definitions"].as_array_mut().unwrap() {
            d["status"] = json!("PROPOSED");
        }
    }
    whole
}

fn sorted(mut whole: Value) -> Value {
    // Ids of definitions differ between the glossaries only where the import had none to keep.
    if let Some(terms) = whole["terms"].as_array_mut() {
        for t in terms {
            t.as_object_mut().unwrap().remove("id");
            for d in t["definitions"].as_array_mut().unwrap() {
                d.as_object_mut().unwrap().remove("id");
            }
        }
    }
    whole
}

async fn exports_need_login_and_re_import_to_the_same_glossary(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    build_sample(&app, &c).await;
    for path in ["/glossary.ttl", "/glossary.jsonld", "/glossary.csv"] {
        assert_eq!(download(&app, None, path).await.0, 401, "{path}");
    }
    let (status, ct, ttl) = download(&app, Some(&c.politik), "/glossary.ttl").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/turtle"), "{ct}");
    for needle in [
        "skos:ConceptScheme",
        "skos:prefLabel \"Migrationshintergrund\"@de",
        "skos:altLabel \"MHG\"@de",
        "skos:broader",
        "skos:related",
        "skos:exactMatch <https://www.destatis.de/eg>",
        "skos:broadMatch",
        "owl:deprecated true",
        "dct:isReplacedBy",
        "skos:scopeNote",
        "\\\"mit Zitat\\\"",
    ] {
        assert!(ttl.contains(needle), "{needle} missing in\n{ttl}");
    }
    let (status, ct, jsonld) = download(&app, Some(&c.politik), "/glossary.jsonld").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/ld+json"));
    let parsed: Value = serde_json::from_str(&jsonld).unwrap();
    assert!(parsed.to_string().contains("Einwanderungsgeschichte"));
    let (_, ct, csv) = download(&app, Some(&c.politik), "/glossary.csv").await;
    assert!(ct.starts_with("text/csv"));
    assert!(csv.trim_start_matches('\u{feff}').starts_with("\"id\";\"label\";\"synonyms\";\"status\""));
    let original = sorted(app.ok(Some(&c.zivil), WHOLE, json!({})).await);
    assert_eq!(original["terms"].as_array().unwrap().len(), 4);

    // Importing the own export again changes nothing.
    let again = app.ok(Some(&c.admin), IMPORT, json!({"f": "TURTLE", "c": ttl, "d": false})).await;
    assert_eq!(again["importGlossary"]["unchanged"], 4, "{again:#}");
    let again = app.ok(Some(&c.admin), IMPORT, json!({"f": "CSV", "c": csv, "d": false})).await;
    assert_eq!(again["importGlossary"]["unchanged"], 4, "{again:#}");
    assert_eq!(sorted(app.ok(Some(&c.zivil), WHOLE, json!({})).await), original);

    for (format, content) in [("TURTLE", &ttl), ("CSV", &csv)] {
        let fresh = TestApp::start(b).await;
        let admin = fresh.admin().await;
        let dry = fresh.ok(Some(&admin), IMPORT, json!({"f": format, "c": content, "d": true})).await;
        assert_eq!(dry["importGlossary"]["created"], 4, "{format}: {dry:#}");
        // The dry run says which states the document has but the import does not take over.
        let notes: Vec<String> = dry["importGlossary"]["terms"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_string()))
            .collect();
        assert!(notes.iter().any(|n| n.starts_with("status AGREED not taken over")), "{format}: {notes:?}");
        assert!(notes.iter().any(|n| n.starts_with("status DEPRECATED not taken over")), "{format}: {notes:?}");
        assert_eq!(dry["importGlossary"]["dryRun"], true);
        assert_eq!(
            fresh.ok(Some(&admin), "{ terms { id } }", json!({})).await["terms"],
            json!([]),
            "a dry run changes nothing"
        );
        let real = fresh.ok(Some(&admin), IMPORT, json!({"f": format, "c": content, "d": false})).await;
        assert_eq!(real["importGlossary"]["created"], 4);
        assert_eq!(
            sorted(fresh.ok(Some(&admin), WHOLE, json!({})).await),
            without_states(original.clone()),
            "{format} round trip"
        );
        let log = fresh.ok(Some(&admin), "{ auditLog(first: 5) { edges { node { action } } } }", json!({})).await;
        assert_eq!(log["auditLog"]["edges"][0]["node"]["action"], "glossary.import");
    }
}

async fn imports_report_changes_and_refuse_malformed_input(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    propose(&app, &c.author, "Neuzugewanderte", &[], "Seit höchstens fünf Jahren in Deutschland").await;
    let csv = "label,synonyms,definition,publisher\n\
               Neuzugewanderte,Neu Zugewanderte,Seit höchstens fünf Jahren in Deutschland,\n\
               Geflüchtete,Schutzsuchende,Personen mit Schutzstatus,BAMF\n";
    assert_eq!(code(&app.gql(Some(&c.zivil), IMPORT, json!({"f": "CSV", "c": csv, "d": true})).await), "FORBIDDEN");
    let dry = app.ok(Some(&c.admin), IMPORT, json!({"f": "CSV", "c": csv, "d": true})).await["importGlossary"].clone();
    assert_eq!(
        (dry["created"].as_i64(), dry["updated"].as_i64(), dry["unchanged"].as_i64()),
        (Some(1), Some(1), Some(0)),
        "{dry:#}"
    );
    // The CSV has no source for the known definition: an empty cell clears the value.
    assert_eq!(dry["terms"][0]["details"], json!(["synonyms", "definition source or validity"]));
    let terms = "{ terms { label synonyms } }";
    assert_eq!(
        app.ok(Some(&c.zivil), terms, json!({})).await["terms"],
        json!([{"label": "Neuzugewanderte", "synonyms": []}])
    );

    let broken_ttl = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<http://x/a> a skos:Concept ;\n  skos:prefLabel \"A\"@de ;\n  skos:broader <http://x/b\n.\n";
    let e = app.gql(Some(&c.admin), IMPORT, json!({"f": "TURTLE", "c": broken_ttl, "d": false})).await;
    assert_eq!(code(&e), "VALIDATION");
    assert!(e["errors"][0]["message"].as_str().unwrap().contains("line 4"), "{e:#}");
    let broken_csv = "label,status\nGeflüchtete,PROPOSED\nSchutzsuchende,VEREINBART\n";
    let e = app.gql(Some(&c.admin), IMPORT, json!({"f": "CSV", "c": broken_csv, "d": false})).await;
    assert_eq!(code(&e), "VALIDATION");
    assert!(e["errors"][0]["message"].as_str().unwrap().contains("line 3"), "{e:#}");
    // Well-formed but refers to a term nobody knows: refused as a whole, the first row not kept.
    let dangling = "label,related\nGeflüchtete,\nSchutzsuchende,Unbekannt\n";
    let e = app.gql(Some(&c.admin), IMPORT, json!({"f": "CSV", "c": dangling, "d": false})).await;
    assert_eq!(code(&e), "VALIDATION");
    assert!(e["errors"][0]["message"].as_str().unwrap().contains("line 3"), "{e:#}");
    assert_eq!(app.ok(Some(&c.zivil), terms, json!({})).await["terms"].as_array().unwrap().len(), 1);

    let real = app.ok(Some(&c.admin), IMPORT, json!({"f": "CSV", "c": csv, "d": false})).await;
    assert_eq!(real["importGlossary"]["created"], 1);
    let found = app
        .ok(
            Some(&c.zivil),
            "{ terms(search: \"schutzsuchende\") { label definitions { source { publisher } } } }",
            json!({}),
        )
        .await;
    assert_eq!(found["terms"], json!([{"label": "Geflüchtete", "definitions": [{"source": {"publisher": "BAMF"}}]}]));
}

/// Approves `def` by one member of each required sector.
async fn agree(app: &TestApp, c: &Cast, def: &str) {
    for t in [&c.verwaltung, &c.zivil, &c.wissenschaft] {
        app.ok(Some(t), REVIEW, json!({"d": def, "x": "APPROVE"})).await;
    }
}

async fn imports_never_set_a_status_and_leave_what_they_do_not_carry(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let text = "Eingewandert seit 1950 oder Kind zweier Eingewanderter";
    let (term, def) = propose(&app, &c.author, "Einwanderungsgeschichte", &["EG"], text).await;
    agree(&app, &c, &def).await;
    const STATE: &str = "query($id: UUID!) { term(id: $id) { status synonyms agreedDefinition { id } definitions { status scopeNote source { publisher link } } } }";
    let before = app.ok(Some(&c.zivil), STATE, json!({"id": term})).await;
    assert_eq!(before["term"]["status"], "AGREED");

    // A spreadsheet with the label only, or with the text but no metadata columns, changes nothing.
    for csv in
        ["label\nEinwanderungsgeschichte\n".to_string(), format!("label,definition\nEinwanderungsgeschichte,{text}\n")]
    {
        let report = app.ok(Some(&c.admin), IMPORT, json!({"f": "CSV", "c": csv, "d": false})).await;
        assert_eq!(report["importGlossary"]["unchanged"], 1, "{report:#}");
        assert_eq!(app.ok(Some(&c.zivil), STATE, json!({"id": term})).await, before, "{csv}");
    }
    // A status column is reported, never taken over: not back to PROPOSED ...
    let csv = "label,status\nEinwanderungsgeschichte,PROPOSED\n";
    let dry = app.ok(Some(&c.admin), IMPORT, json!({"f": "CSV", "c": csv, "d": true})).await;
    assert_eq!(dry["importGlossary"]["unchanged"], 1, "{dry:#}");
    let notes = &dry["importGlossary"]["terms"][0]["notes"];
    assert!(notes[0].as_str().unwrap().starts_with("status PROPOSED not taken over (stays AGREED)"), "{notes}");
    app.ok(Some(&c.admin), IMPORT, json!({"f": "CSV", "c": csv, "d": false})).await;
    assert_eq!(app.ok(Some(&c.zivil), STATE, json!({"id": term})).await, before);
    // ... and no term agreed without reviews.
    let csv = "label,status,definition,agreed\nNeuzugewanderte,AGREED,Seit höchstens fünf Jahren hier,true\n";
    let report = app.ok(Some(&c.admin), IMPORT, json!({"f": "CSV", "c": csv, "d": false})).await;
    let entry = &report["importGlossary"]["terms"][0];
    assert_eq!(entry["change"], "CREATED");
    assert_eq!(entry["notes"].as_array().unwrap().len(), 2, "{entry:#}");
    let created = app
        .ok(
            Some(&c.zivil),
            "{ terms(search: \"neuzugewanderte\") { status agreedDefinition { id } definitions { status } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        created["terms"],
        json!([{"status": "PROPOSED", "agreedDefinition": null, "definitions": [{"status": "PROPOSED"}]}])
    );
    // An empty cell in a present column still clears.
    let csv = "label,synonyms\nEinwanderungsgeschichte,\n";
    app.ok(Some(&c.admin), IMPORT, json!({"f": "CSV", "c": csv, "d": false})).await;
    assert_eq!(app.ok(Some(&c.zivil), STATE, json!({"id": term})).await["term"]["synonyms"], json!([]));
}

async fn nobody_approves_a_text_they_wrote_a_revision_of(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let (_, def) = propose(&app, &c.verwaltung, "Neuzugewanderte", &[], "Seit höchstens fünf Jahren hier").await;
    // Another member adds a full stop: a new version by them.
    let edited =
        app.ok(Some(&c.zivil), UPDATE, json!({"d": def, "t": "Seit höchstens fünf Jahren hier.", "v": 1})).await;
    assert_eq!(edited["updateDefinition"]["version"], 2);
    for (who, token) in [("the original author", &c.verwaltung), ("who added the full stop", &c.zivil)] {
        let own = app.gql(Some(token), REVIEW, json!({"d": def, "x": "APPROVE"})).await;
        assert_eq!(code(&own), "FORBIDDEN", "{who}: {own:#}");
    }
    // They may still object, and others approve.
    app.ok(Some(&c.verwaltung), REVIEW, json!({"d": def, "x": "OBJECT", "r": "Der Punkt ändert nichts"})).await;
    app.ok(Some(&c.wissenschaft), REVIEW, json!({"d": def, "x": "APPROVE"})).await;
}

async fn relations_of_agreed_terms_are_removed_by_coordinators_or_the_proposer(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let (agreed, def) = propose(&app, &c.author, "Einwanderungsgeschichte", &[], "Eingewandert seit 1950").await;
    agree(&app, &c, &def).await;
    let (open, _) = propose(&app, &c.politik, "Zugewanderte", &[], "Alle, die eingewandert sind").await;
    let (open2, _) = propose(&app, &c.politik, "Neuzugewanderte", &[], "Seit höchstens fünf Jahren hier").await;
    let rel =
        |m: &str| format!("mutation($t: UUID!, $o: UUID!) {{ {m}(termId: $t, otherId: $o, kind: RELATED) {{ id }} }}");
    let related = "query($id: UUID!) { term(id: $id) { related { label } } }";
    app.ok(Some(&c.admin), &rel("relateTerms"), json!({"t": agreed, "o": open})).await;
    // Another member may not remove it, from either side.
    for (t, o) in [(&agreed, &open), (&open, &agreed)] {
        let body = app.gql(Some(&c.politik), &rel("unrelateTerms"), json!({"t": t, "o": o})).await;
        assert_eq!(code(&body), "FORBIDDEN", "{body:#}");
    }
    assert_eq!(
        app.ok(Some(&c.zivil), related, json!({"id": agreed})).await["term"]["related"].as_array().unwrap().len(),
        1
    );
    // The agreed term's proposer may, and so may a coordinator.
    app.ok(Some(&c.author), &rel("unrelateTerms"), json!({"t": open, "o": agreed})).await;
    app.ok(Some(&c.zivil), &rel("relateTerms"), json!({"t": agreed, "o": open})).await;
    app.ok(Some(&c.admin), &rel("unrelateTerms"), json!({"t": agreed, "o": open})).await;
    assert_eq!(app.ok(Some(&c.zivil), related, json!({"id": agreed})).await["term"]["related"], json!([]));
    // Between terms under discussion, anyone tidies up.
    app.ok(Some(&c.zivil), &rel("relateTerms"), json!({"t": open, "o": open2})).await;
    app.ok(Some(&c.wissenschaft), &rel("unrelateTerms"), json!({"t": open, "o": open2})).await;
}

async fn the_last_agreed_version_stays_public_until_a_new_one_is_agreed(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let first = "Eingewandert seit 1950 oder Kind zweier Eingewanderter";
    let (term, def) = propose(&app, &c.author, "Einwanderungsgeschichte", &[], first).await;
    agree(&app, &c, &def).await;
    let glossary = app.ok(Some(&c.admin), "{ glossary { id } }", json!({})).await["glossary"]["id"].clone();
    app.ok(
        Some(&c.admin),
        "mutation($id: UUID!) { setPublished(kind: GLOSSARY, targetId: $id, published: true) }",
        json!({"id": glossary}),
    )
    .await;
    let public =
        || async { app.ok(None, "{ publicGlossary { label definition } }", json!({})).await["publicGlossary"].clone() };
    let shown = json!([{"label": "Einwanderungsgeschichte", "definition": first}]);
    assert_eq!(public().await, shown);

    // One member's objection reopens review, but does not take the agreed text from the city.
    let objected = app.ok(Some(&c.politik), REVIEW, json!({"d": def, "x": "OBJECT", "r": "Zu eng"})).await;
    assert_eq!(objected["reviewDefinition"]["status"], "PROPOSED");
    assert_eq!(public().await, shown, "an objection keeps the agreed version public");
    // Withdrawing it makes the definition agreed again.
    let w = app
        .ok(Some(&c.politik), "mutation($d: UUID!) { withdrawReview(definitionId: $d) { status } }", json!({"d": def}))
        .await;
    assert_eq!(w["withdrawReview"]["status"], "AGREED");
    assert_eq!(public().await, shown);

    // An edit under review is not public; the agreed version is, until the edit is agreed.
    let second = "Eingewandert seit 1950 oder mindestens ein Elternteil eingewandert";
    app.ok(Some(&c.author), UPDATE, json!({"d": def, "t": second, "v": 1})).await;
    assert_eq!(public().await, shown, "the edit is under review");
    let t = app.ok(Some(&c.zivil), TERM, json!({"id": term})).await;
    assert_eq!(t["term"]["agreedText"], first);
    agree(&app, &c, &def).await;
    assert_eq!(public().await, json!([{"label": "Einwanderungsgeschichte", "definition": second}]));
    let t = app.ok(Some(&c.zivil), TERM, json!({"id": term})).await;
    assert_eq!((&t["term"]["agreedVersion"], &t["term"]["agreedText"]), (&json!(2), &json!(second)));
}

on_both_databases!(
    imports_never_set_a_status_and_leave_what_they_do_not_carry,
    the_last_agreed_version_stays_public_until_a_new_one_is_agreed,
    nobody_approves_a_text_they_wrote_a_revision_of,
    relations_of_agreed_terms_are_removed_by_coordinators_or_the_proposer,
);

on_both_databases!(
    exports_need_login_and_re_import_to_the_same_glossary,
    imports_report_changes_and_refuse_malformed_input,
);

on_both_databases!(
    terms_are_found_by_label_synonym_and_umlaut_spelling,
    a_definition_is_agreed_by_the_three_sectors_and_reopened_by_an_edit,
    approvals_given_at_the_same_time_are_judged_together,
    stale_edits_conflict_versions_fold_per_sitting_and_diff,
    relations_deprecation_and_mappings,
    terms_are_renamed_by_their_proposer_and_relations_and_mappings_removed,
    the_agreement_rule_is_set_per_glossary,
    definitions_are_commented_through_the_shared_comment_model,
    nested_term_lists_are_batched,
);

const IMPORT_SKOS: &str = "mutation($c: String!, $d: Boolean!, $k: Boolean!) { importGlossary(format: TURTLE, content: $c, dryRun: $d, keepStates: $k) { created statesKept notKept terms { label change notes notKept } } }";

/// A vocabulary someone else wrote: two languages, hidden label, notation, a concept-level mapping.
const FOREIGN: &str = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://vocab.example.org/> .
ex:scheme a skos:ConceptScheme ; skos:prefLabel "Integration vocabulary"@en .
ex:mb a skos:Concept ; skos:inScheme ex:scheme ;
    skos:prefLabel "Migration background"@en, "Migrationshintergrund (Bund)"@de ;
    skos:altLabel "MHG"@de, "migrant background"@en ; skos:hiddenLabel "Migrationshintergund"@de ;
    skos:notation "MB-01" ; skos:exactMatch <http://www.wikidata.org/entity/Q1956207> ;
    skos:definition "A person has a migration background if they or a parent were not born German."@en ;
    skos:changeNote "Revised 2024"@en .
"#;

/// The graph of a Turtle document in RDFC-1.0 canonical form.
fn canonical(ttl: &str) -> oxrdf::Graph {
    let mut g = oxrdf::Graph::new();
    for t in oxttl::TurtleParser::new().for_slice(ttl.as_bytes()) {
        g.insert(&t.unwrap());
    }
    g.canonicalize(oxrdf::dataset::CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: oxrdf::dataset::CanonicalizationHashAlgorithm::Sha256,
    });
    g
}

fn all_not_kept(report: &Value) -> Vec<String> {
    let r = &report["importGlossary"];
    let mut out: Vec<String> = r["notKept"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().into()).collect();
    for t in r["terms"].as_array().unwrap() {
        out.extend(t["notKept"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_string()));
    }
    out
}

async fn skos_round_trip_to_another_host_gives_an_isomorphic_graph(b: Backend) {
    let app = TestApp::start_with(b, |c| c.public_url = "https://alt.example.org".into()).await;
    let c = cast(&app).await;
    build_sample(&app, &c).await;
    // English labels and notes, a hidden label and a notation come in through a foreign file.
    app.ok(Some(&c.admin), IMPORT_SKOS, json!({"c": FOREIGN, "d": false, "k": false})).await;
    let mb =
        app.ok(Some(&c.zivil), "{ terms(search: \"Migration background\") { definitions { id } } }", json!({})).await;
    let mb_def = mb["terms"][0]["definitions"][0]["id"].as_str().unwrap().to_string();
    app.ok(
        Some(&c.zivil),
        "mutation($i: MapDefinitionInput!) { mapDefinition(input: $i) { id } }",
        json!({"i": {"definitionId": mb_def, "targetUri": "https://www.destatis.de/mh", "kind": "CLOSE_MATCH", "note": "ohne dritte Generation"}}),
    )
    .await;
    let (_, _, ttl) = download(&app, Some(&c.politik), "/glossary.ttl").await;
    assert!(ttl.contains("@prefix teilhabe: <https://teilhabe.example/ns#>"), "{ttl}");
    let triples = canonical(&ttl).to_string();
    for (property, object) in [
        ("skos:prefLabel", "\"Migration background\"@en"),
        ("skos:prefLabel", "\"Migrationshintergrund (Bund)\"@de"),
        ("skos:hiddenLabel", "\"Migrationshintergund\"@de"),
        ("skos:altLabel", "\"migrant background\"@en"),
        ("skos:notation", "\"MB-01\""),
        ("skos:hasTopConcept", "<https://alt.example.org/glossary/terms/"),
        ("skos:topConceptOf", "<https://alt.example.org/glossary>"),
        ("foaf:name", "\"Stadt Münster\""),
        ("rdf:type", "<http://xmlns.com/foaf/0.1/Agent>"),
        ("rdf:type", "<http://purl.org/dc/terms/Agent>"),
        ("skos:note", "\"ohne dritte Generation\"@de"),
        ("rdf:value", "\"A person has a migration background if they or a parent were not born German.\"@en"),
    ] {
        let property = property
            .replace("skos:", "http://www.w3.org/2004/02/skos/core#")
            .replace("foaf:", "http://xmlns.com/foaf/0.1/")
            .replace("rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#");
        let needle = format!("<{property}> {object}");
        assert!(triples.contains(&needle), "{needle} missing in\n{triples}");
    }
    assert!(!ttl.contains("alt.example.org/glossary/vocab"), "the vocabulary does not follow the host");
    // Mappings are the concepts' (SKOS), not the definition resources'.
    let graph = canonical(&ttl);
    let exact = oxrdf::NamedNode::new("http://www.w3.org/2004/02/skos/core#exactMatch").unwrap();
    let concept = oxrdf::NamedNode::new("http://www.w3.org/2004/02/skos/core#Concept").unwrap();
    for t in graph.triples_for_predicate(&exact) {
        let oxrdf::NamedOrBlankNodeRef::NamedNode(s) = t.subject else { panic!("{t}") };
        assert!(graph.contains(oxrdf::TripleRef::new(s, oxrdf::vocab::rdf::TYPE, &concept)), "{t}");
    }

    // Another server, another public URL: a dry run says what it would not keep, ...
    let fresh = TestApp::start_with(b, |c| c.public_url = "https://neu.example.org/".into()).await;
    let admin = fresh.admin().await;
    let dry = fresh.ok(Some(&admin), IMPORT_SKOS, json!({"c": ttl, "d": true, "k": false})).await;
    let notes: Vec<&str> = dry["importGlossary"]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()))
        .collect();
    assert!(notes.iter().any(|n| n.starts_with("status AGREED not taken over")), "{notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("agreed definition not taken over")), "{notes:?}");
    assert_eq!(all_not_kept(&dry), Vec::<String>::new(), "our own export is kept whole");
    // ... and a move with its states gives the same graph, up to the host in the concepts' IRIs.
    let moved = fresh.ok(Some(&admin), IMPORT_SKOS, json!({"c": ttl, "d": false, "k": true})).await;
    assert_eq!(moved["importGlossary"]["statesKept"], true);
    assert_eq!(moved["importGlossary"]["created"], 5, "{moved:#}");
    let (_, _, again) = download(&fresh, Some(&admin), "/glossary.ttl").await;
    let again = again.replace("https://neu.example.org/glossary", "https://alt.example.org/glossary");
    let (left, right) = (canonical(&ttl), canonical(&again));
    if left != right {
        let only = |a: &oxrdf::Graph, b: &oxrdf::Graph| {
            a.iter().filter(|t| !b.contains(*t)).map(|t| t.to_string()).collect::<Vec<_>>().join("\n")
        };
        panic!(
            "not isomorphic:\nonly in the export:\n{}\nonly after the round trip:\n{}",
            only(&left, &right),
            only(&right, &left)
        );
    }
    // A second move into a glossary that is no longer empty is refused.
    let refused = fresh.gql(Some(&admin), IMPORT_SKOS, json!({"c": ttl, "d": true, "k": true})).await;
    assert_eq!(code(&refused), "VALIDATION", "{refused:#}");
}

async fn a_foreign_skos_file_keeps_languages_and_lists_what_it_cannot_keep(b: Backend) {
    let app = TestApp::start(b).await;
    let admin = app.admin().await;
    let dry = app.ok(Some(&admin), IMPORT_SKOS, json!({"c": FOREIGN, "d": true, "k": false})).await;
    let lost = all_not_kept(&dry);
    assert!(lost.iter().any(|l| l.contains("skos:changeNote \"Revised 2024\"@en")), "{lost:?}");
    assert!(lost.iter().any(|l| l.contains("skos:prefLabel \"Integration vocabulary\"@en")), "{lost:?}");
    assert_eq!(lost.len(), 2, "nothing else is lost: {lost:?}");
    app.ok(Some(&admin), IMPORT_SKOS, json!({"c": FOREIGN, "d": false, "k": false})).await;
    let term = app
        .ok(
            Some(&admin),
            "{ terms { label language notation synonyms labels { kind text language } definitions { text language mappings { kind targetUri } } } }",
            json!({}),
        )
        .await;
    let t = &term["terms"][0];
    assert_eq!((t["label"].as_str(), t["language"].as_str()), (Some("Migrationshintergrund (Bund)"), Some("de")));
    assert_eq!(t["notation"], "MB-01");
    assert_eq!(t["synonyms"], json!(["MHG", "migrant background"]));
    for label in [
        json!({"kind": "PREF", "text": "Migration background", "language": "en"}),
        json!({"kind": "HIDDEN", "text": "Migrationshintergund", "language": "de"}),
        json!({"kind": "ALT", "text": "migrant background", "language": "en"}),
    ] {
        assert!(t["labels"].as_array().unwrap().contains(&label), "{label} in {t:#}");
    }
    assert_eq!(t["definitions"][0]["language"], "en");
    assert_eq!(
        t["definitions"][0]["mappings"],
        json!([{"kind": "EXACT_MATCH", "targetUri": "http://www.wikidata.org/entity/Q1956207"}])
    );
    // The hidden label and the English one find the term.
    for search in ["Migrationshintergund", "migration background"] {
        let found =
            app.ok(Some(&admin), "query($s: String) { terms(search: $s) { label } }", json!({"s": search})).await;
        assert_eq!(found["terms"].as_array().unwrap().len(), 1, "{search}");
    }
    // Importing it again changes nothing.
    let again = app.ok(Some(&admin), IMPORT_SKOS, json!({"c": FOREIGN, "d": true, "k": false})).await;
    assert_eq!(again["importGlossary"]["terms"][0]["change"], "UNCHANGED", "{again:#}");
}

async fn related_within_a_broader_chain_and_broader_cycles_are_refused(b: Backend) {
    let app = TestApp::start(b).await;
    let c = cast(&app).await;
    let (a, _) = propose(&app, &c.author, "Person", &[], "Ein Mensch.").await;
    let (b_, _) = propose(&app, &c.author, "Zugewanderte Person", &[], "Eine Person, die zugewandert ist.").await;
    let (c_, _) = propose(&app, &c.author, "Geflüchtete Person", &[], "Eine zugewanderte Person auf der Flucht.").await;
    let relate =
        "mutation($t: UUID!, $o: UUID!, $k: RelationKind!) { relateTerms(termId: $t, otherId: $o, kind: $k) { id } }";
    app.ok(Some(&c.zivil), relate, json!({"t": b_, "o": a, "k": "BROADER"})).await;
    app.ok(Some(&c.zivil), relate, json!({"t": c_, "o": b_, "k": "BROADER"})).await;
    for (t, o, k) in [(&c_, &a, "RELATED"), (&a, &c_, "RELATED"), (&a, &c_, "BROADER"), (&c_, &a, "NARROWER")] {
        let r = app.gql(Some(&c.zivil), relate, json!({"t": t, "o": o, "k": k})).await;
        assert_eq!(code(&r), "VALIDATION", "{k}: {r:#}");
    }
    // An import refuses it too, and changes nothing.
    let doc = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <http://x/a> a skos:Concept ; skos:prefLabel "A"@de ; skos:broader <http://x/b> .
        <http://x/b> a skos:Concept ; skos:prefLabel "B"@de ; skos:broader <http://x/c> .
        <http://x/c> a skos:Concept ; skos:prefLabel "C"@de ; skos:broader <http://x/a> ."#;
    let r = app.gql(Some(&c.admin), IMPORT_SKOS, json!({"c": doc, "d": false, "k": false})).await;
    assert_eq!(code(&r), "VALIDATION", "{r:#}");
    assert!(r.to_string().contains("cycle"), "{r}");
    assert_eq!(app.ok(Some(&c.zivil), "{ terms { id } }", json!({})).await["terms"].as_array().unwrap().len(), 3);
}

on_both_databases!(
    skos_round_trip_to_another_host_gives_an_isomorphic_graph,
    a_foreign_skos_file_keeps_languages_and_lists_what_it_cannot_keep,
    related_within_a_broader_chain_and_broader_cycles_are_refused,
);

/// Every operation of `graphql/examples/glossary.graphql` passes validation against the schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_operations_are_valid() {
    let app = TestApp::start(Backend::Sqlite).await;
    assert_eq!(crate::support::check_example_operations(&app, "glossary.graphql").await, 9);
}
