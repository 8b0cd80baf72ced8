//! Example content of `teilhabe demo` for the Leitbild update: an adopted edition with ten
//! fields of action, a draft copied from it, and a running process in VOTING with proposals,
//! comments and votes from people of all four sectors. Loaded through the services.

use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    comments::{self, NewComment},
    entities::{Eligibility, PhaseKind, ProposalKind, Stance, VoteChoice},
    rules::VotingRule,
    service::{self, NewProcess, NewProposal, PhaseInput},
};
use crate::{
    accounts::{
        entities::{membership, organization, user},
        policy::Actor,
    },
    demo::MARK,
    error::{Error, Result},
    leitbild::service::{self as lb, NewGoal, NewLeitbild},
    state::AppState,
};

const FIELDS: &[(&str, &[&str])] = &[
    (
        "Rechtliche Beratung und Integrationsbegleitung",
        &["Neuzugewanderte finden früh verlässliche Beratung", "Aufenthaltsrechtliche Verfahren sind transparent"],
    ),
    ("Bildung und Sprache", &["Alle Kinder lernen früh Deutsch", "Schulabschlüsse gleichen sich an"]),
    (
        "Wohnen und sozialräumliche Stadtentwicklung",
        &["Zugang zum Wohnungsmarkt ohne Benachteiligung", "Quartiere sind durchmischt"],
    ),
    (
        "Interkulturelle Öffnung der öffentlichen Verwaltung",
        &["Die Verwaltung spiegelt die Stadtgesellschaft", "Dienstleistungen sind mehrsprachig zugänglich"],
    ),
    ("Arbeit und Wirtschaft", &["Die Arbeitslosigkeit gleicht sich an", "Ausländische Abschlüsse werden anerkannt"]),
    ("Gesundheit und Pflege", &["Gesundheitsangebote erreichen alle", "Pflege ist kultursensibel"]),
    (
        "Gesellschaftliche und politische Teilhabe",
        &["Einbürgerung wird gefördert", "Migrantenorganisationen wirken mit"],
    ),
    ("Kultur, Sport und Freizeit", &["Vereine öffnen sich", "Kulturangebote sind vielfältig"]),
    ("Antidiskriminierung und Zusammenleben", &["Diskriminierung wird erkannt und bearbeitet"]),
    ("Frühkindliche Bildung", &["Kinder aus eingewanderten Familien besuchen früh eine Kita"]),
];

/// The demo person with this login, acting as themselves.
pub async fn person(state: &AppState, login: &str) -> Result<Actor> {
    let email = format!("{login}@demo.teilhabe.example");
    let u = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&state.db)
        .await?
        .ok_or(Error::NotFound("demo person"))?;
    let orgs = membership::Entity::find().filter(membership::Column::UserId.eq(u.id)).all(&state.db).await?;
    Ok(Actor {
        user_id: u.id,
        session_id: uuid::Uuid::nil(),
        role: u.role,
        second_factor_missing: false,
        organization_ids: orgs.into_iter().map(|m| m.organization_id).collect(),
    })
}

pub async fn load(state: &AppState, admin: &Actor) -> Result<()> {
    let now = state.now();
    let coordinator = person(state, "koordination").await?;
    let old = lb::create_leitbild(
        state,
        admin,
        NewLeitbild { title: format!("Leitbild Migration und Integration {MARK}"), year: 2023, based_on_id: None },
    )
    .await?;
    for (field, goals) in FIELDS {
        let f = lb::add_field_of_action(state, admin, old.id, field, "").await?;
        for (i, g) in goals.iter().enumerate() {
            let goal = lb::add_goal(
                state,
                admin,
                NewGoal {
                    field_of_action_id: f.id,
                    parent_goal_id: None,
                    title: g.to_string(),
                    description: format!("{g}: die Stadt setzt sich dafür gemeinsam mit ihren Partnern ein."),
                },
            )
            .await?;
            if i == 0 {
                lb::add_goal(
                    state,
                    admin,
                    NewGoal {
                        field_of_action_id: f.id,
                        parent_goal_id: Some(goal.id),
                        title: format!("{g} – messbar bis 2027"),
                        description: String::new(),
                    },
                )
                .await?;
            }
        }
    }
    crate::participation::service::adopt_leitbild(state, admin, old.id, Some("Ratsbeschluss V/0421/2023".into()))
        .await?;
    let draft = lb::create_leitbild(
        state,
        &coordinator,
        NewLeitbild {
            title: format!("Leitbild Migration und Integration 2028 {MARK}"),
            year: 2028,
            based_on_id: Some(old.id),
        },
    )
    .await?;
    let fields = lb::live_fields(&state.db, draft.id).await?;
    let field = |title: &str| fields.iter().find(|f| f.title == title).map(|f| f.id);
    let bildung = field("Bildung und Sprache").ok_or(Error::NotFound("demo field"))?;
    let goals = crate::leitbild::entities::goal::Entity::find()
        .filter(crate::leitbild::entities::goal::Column::FieldOfActionId.eq(bildung))
        .filter(crate::leitbild::entities::goal::Column::ParentGoalId.is_null())
        .all(&state.db)
        .await?;
    let deutsch = goals.iter().find(|g| g.title.starts_with("Alle Kinder")).ok_or(Error::NotFound("demo goal"))?;

    let participants: Vec<uuid::Uuid> = organization::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|o| o.name.ends_with(MARK))
        .map(|o| o.id)
        .collect();
    let day = Duration::days(1);
    let process = service::start_process(
        state,
        &coordinator,
        NewProcess {
            leitbild_id: draft.id,
            title: format!("Fortschreibung des Leitbilds 2028 {MARK}"),
            phases: vec![
                PhaseInput { kind: PhaseKind::Consultation, starts_at: now - day * 28, ends_at: now - day },
                PhaseInput { kind: PhaseKind::Voting, starts_at: now - day, ends_at: now + day * 13 },
                PhaseInput { kind: PhaseKind::Resolution, starts_at: now + day * 13, ends_at: now + day * 42 },
            ],
            eligibility: Eligibility::Organization,
            rule: VotingRule { quorum: 0.25, threshold: 0.5, sector_majority: true },
            participant_ids: participants,
            resolution_reference: Some("Ratsbeschluss V/0815/2028 (Beispiel)".into()),
        },
    )
    .await?;
    let (caritas, integrationsrat, uni, migration, rat, diakonie) = (
        person(state, "caritas").await?,
        person(state, "integrationsrat").await?,
        person(state, "uni").await?,
        person(state, "migration").await?,
        person(state, "rat").await?,
        person(state, "diakonie").await?,
    );
    let amend = service::submit_proposal(
        state,
        &caritas,
        NewProposal {
            process_id: process.id,
            kind: ProposalKind::AmendGoal,
            field_of_action_id: None,
            goal_id: Some(deutsch.id),
            title: "Alle Kinder lernen früh Deutsch und ihre Herkunftssprache".into(),
            text: "Mehrsprachigkeit wird in Kita und Schule als Stärke gefördert.".into(),
            rationale: "Herkunftssprachen erleichtern das Lernen des Deutschen.".into(),
        },
    )
    .await?;
    let digital = service::submit_proposal(
        state,
        &uni,
        NewProposal {
            process_id: process.id,
            kind: ProposalKind::AddFieldOfAction,
            field_of_action_id: None,
            goal_id: None,
            title: "Digitale Teilhabe".into(),
            text: "Alle haben Zugang zu digitalen Angeboten der Stadt.".into(),
            rationale: "Die Befragung 2025 zeigt große Unterschiede beim Zugang.".into(),
        },
    )
    .await?;
    let new_goal = service::submit_proposal(
        state,
        &rat,
        NewProposal {
            process_id: process.id,
            kind: ProposalKind::AddGoal,
            field_of_action_id: Some(bildung),
            goal_id: None,
            title: "Elternarbeit ist mehrsprachig".into(),
            text: "Schulen und Kitas sprechen Eltern in ihren Sprachen an.".into(),
            rationale: String::new(),
        },
    )
    .await?;
    let first = comments::add_comment(
        state,
        &migration,
        NewComment {
            target_id: amend.id,
            parent_id: None,
            body: "Unterstützen wir. Die **Sprachkitas** zeigen, dass es wirkt.".into(),
            stance: Stance::Support,
            anchor: Some("Mehrsprachigkeit".into()),
        },
    )
    .await?;
    comments::add_comment(
        state,
        &uni,
        NewComment {
            target_id: amend.id,
            parent_id: Some(first.id),
            body: "Dazu gibt es Daten aus der Schuleingangsuntersuchung.".into(),
            stance: Stance::Neutral,
            anchor: None,
        },
    )
    .await?;
    comments::add_comment(
        state,
        &integrationsrat,
        NewComment {
            target_id: digital.id,
            parent_id: None,
            body: "Eigenes Handlungsfeld oder Querschnittsthema?".into(),
            stance: Stance::Neutral,
            anchor: None,
        },
    )
    .await?;
    service::advance_process(state, &coordinator, process.id, false).await?;
    for (who, proposal, choice) in [
        (&caritas, amend.id, VoteChoice::Yes),
        (&migration, amend.id, VoteChoice::Yes),
        (&rat, amend.id, VoteChoice::Yes),
        (&uni, amend.id, VoteChoice::Abstain),
        (&uni, digital.id, VoteChoice::Yes),
        (&diakonie, digital.id, VoteChoice::No),
        (&integrationsrat, new_goal.id, VoteChoice::Yes),
        (&migration, new_goal.id, VoteChoice::No),
    ] {
        service::cast_vote(state, who, proposal, choice, None).await?;
    }
    Ok(())
}
