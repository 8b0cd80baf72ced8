//! The rules of a participation process: starting it, moving its phases (by hand or by the
//! scheduler, claimed in the database), proposals, votes and their tallies.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use super::{
    entities::{
        Eligibility, PhaseKind, ProcessStatus, ProposalKind, ProposalStatus, VoteChoice, participant, phase, process,
        proposal, vote,
    },
    live::LiveEvent,
    proposal_rules,
    rules::{self, TallyOutcome, VotingRule},
};
use crate::{
    accounts::{
        entities::{Sector, membership, organization, user},
        policy::{Actor, Permission},
    },
    audit::{self, AuditEntry},
    error::{Error, Result},
    leitbild::{
        entities::LeitbildStatus,
        service::{self as lb, NewGoal},
    },
    notifications::{
        entities::NotificationKind,
        service::{self as outbox, NewNotification},
    },
    state::AppState,
    text::{LONG_TEXT, TITLE},
};

/// Eligible people who have not voted are reminded this long before the vote closes.
pub const VOTE_CLOSING_NOTICE_HOURS: i64 = 48;
const VOTE_CLOSING_KEY: &str = "vote-closing";

fn vote_closing_key(process_id: Uuid, user_id: Uuid) -> String {
    format!("{VOTE_CLOSING_KEY}:{process_id}:{user_id}")
}

/// A time as German readers expect it: Berlin local time.
pub fn german_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Berlin).format("%d.%m.%Y, %H:%M Uhr").to_string()
}

/// Entering VOTING: one reminder per eligible person, due 48 hours before the vote closes, or
/// at once when less is left (one reminder, never a backlog). Voting on every open proposal
/// cancels it; so does closing the vote early.
async fn enqueue_vote_closing<C: ConnectionTrait>(
    txn: &C,
    public_url: &str,
    p: &process::Model,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let pending = pending_voters(txn, p.id).await?;
    let due_at = (ends_at - chrono::Duration::hours(VOTE_CLOSING_NOTICE_HOURS)).max(now);
    let url = format!("{public_url}/prozesse/{}", p.id);
    let closes = german_time(ends_at);
    let mails = pending
        .into_iter()
        .map(|(user, proposals)| {
            let lines = vec![
                format!("die Abstimmung im Beteiligungsprozess „{}“ endet am {closes}.", p.title),
                match p.eligibility {
                    Eligibility::Person => format!("Zu {} Vorschlägen fehlt noch Ihre Stimme.", proposals.len()),
                    Eligibility::Organization => {
                        format!("Zu {} Vorschlägen fehlt noch die Stimme Ihrer Organisation.", proposals.len())
                    }
                },
            ];
            let text = crate::notifications::mailer::compose("Guten Tag,", &lines, "Zur Abstimmung", &url);
            NewNotification {
                recipient_id: user,
                kind: NotificationKind::VoteClosing,
                dedupe_key: vote_closing_key(p.id, user),
                due_at,
                subject: format!("Abstimmung endet am {closes}: {}", p.title),
                body_text: text,
                body_html: None,
                link: Some(url.clone()),
                cc: vec![],
            }
        })
        .collect();
    outbox::enqueue_many(txn, mails, now).await
}

/// After a vote: those who (or whose organisation) have now voted on every open proposal no
/// longer get the reminder. Looks only at the voter, so that a vote costs the same however many
/// take part.
async fn settle_vote_closing<C: ConnectionTrait>(
    txn: &C,
    p: &process::Model,
    actor: &Actor,
    organization_id: Uuid,
) -> Result<()> {
    let open: Vec<Uuid> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Id)
        .filter(proposal::Column::ProcessId.eq(p.id))
        .filter(proposal::Column::Status.eq(ProposalStatus::InVote))
        .into_tuple()
        .all(txn)
        .await?;
    // (voter, proposal) pairs of the given voters on the open proposals.
    let votes_of = |voters: Vec<Uuid>| {
        vote::Entity::find()
            .select_only()
            .column(vote::Column::VoterId)
            .column(vote::Column::ProposalId)
            .filter(vote::Column::ProposalId.is_in(open.iter().copied()))
            .filter(vote::Column::VoterId.is_in(voters))
            .into_tuple::<(Uuid, Uuid)>()
            .all(txn)
    };
    let counts = |pairs: Vec<(Uuid, Uuid)>| {
        let mut n: HashMap<Uuid, usize> = HashMap::new();
        for (voter, _) in pairs {
            *n.entry(voter).or_default() += 1;
        }
        n
    };
    let done: Vec<Uuid> = match p.eligibility {
        Eligibility::Person => {
            let n = counts(votes_of(vec![actor.user_id]).await?);
            if n.get(&actor.user_id).copied().unwrap_or(0) < open.len() {
                return Ok(());
            }
            vec![actor.user_id]
        }
        Eligibility::Organization => {
            let n = counts(votes_of(vec![organization_id]).await?);
            if n.get(&organization_id).copied().unwrap_or(0) < open.len() {
                return Ok(());
            }
            // A member of several participating organisations keeps the reminder while any of
            // them has not voted on everything.
            let members: Vec<Uuid> = membership::Entity::find()
                .filter(membership::Column::OrganizationId.eq(organization_id))
                .all(txn)
                .await?
                .into_iter()
                .map(|m| m.user_id)
                .collect();
            let participants: HashSet<Uuid> = participants_of(txn, p.id).await?.into_iter().collect();
            let theirs: Vec<membership::Model> = membership::Entity::find()
                .filter(membership::Column::UserId.is_in(members.iter().copied()))
                .all(txn)
                .await?
                .into_iter()
                .filter(|m| participants.contains(&m.organization_id))
                .collect();
            let orgs: HashSet<Uuid> = theirs.iter().map(|m| m.organization_id).collect();
            let n = counts(votes_of(orgs.into_iter().collect()).await?);
            members
                .into_iter()
                .filter(|u| {
                    theirs
                        .iter()
                        .filter(|m| m.user_id == *u)
                        .all(|m| n.get(&m.organization_id).copied().unwrap_or(0) >= open.len())
                })
                .collect()
        }
    };
    for user in done {
        outbox::cancel_pending(txn, &vote_closing_key(p.id, user)).await?;
    }
    Ok(())
}

/// Bounds what one process holds, so that its lists (proposals, the disposition table) stay
/// loadable in one piece: far above a city's real processes, low enough to stop a runaway script.
pub const MAX_PROPOSALS_PER_PROCESS: u64 = 2_000;

pub struct PhaseInput {
    pub kind: PhaseKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

pub struct NewProcess {
    pub leitbild_id: Uuid,
    pub title: String,
    pub phases: Vec<PhaseInput>,
    pub eligibility: Eligibility,
    pub rule: VotingRule,
    pub participant_ids: Vec<Uuid>,
    pub resolution_reference: Option<String>,
}

// ---- reading ----------------------------------------------------------------------------

pub async fn has_running_process<C: ConnectionTrait>(db: &C, leitbild_id: Uuid) -> Result<bool> {
    Ok(process::Entity::find()
        .filter(process::Column::LeitbildId.eq(leitbild_id))
        .filter(process::Column::Status.eq(ProcessStatus::Active))
        .one(db)
        .await?
        .is_some())
}

/// Adopts a draft that is not under a running process (e.g. a city's very first Leitbild). It
/// lives here, not in `leitbild`, because only this area knows whether a process runs.
pub async fn adopt_leitbild(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    resolution_reference: Option<String>,
) -> Result<crate::leitbild::entities::leitbild::Model> {
    actor.require(Permission::RunLeitbild)?;
    let reference = TITLE.optional("resolutionReference", resolution_reference.as_deref())?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let draft = lb::leitbild_by_id(&txn, id).await?;
    if has_running_process(&txn, id).await? {
        return Err(Error::conflict("this edition is under a running process; it is adopted when the process ends"));
    }
    let adopted = lb::adopt_in(&txn, draft, now, reference, Some(actor.user_id)).await?;
    txn.commit().await?;
    Ok(adopted)
}

pub async fn process_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<process::Model> {
    process::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("process"))
}

/// Reads a process and holds a share lock on its row until the transaction ends (PostgreSQL;
/// SQLite has one writer anyway). Advancing a phase updates that row, so it waits for every
/// vote or proposal in flight, and those that come after it see the new phase: no vote lands
/// after its proposal was decided, no proposal stays SUBMITTED through VOTING.
async fn process_for_share<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<process::Model> {
    process::Entity::find_by_id(id).lock_shared().one(db).await?.ok_or(Error::NotFound("process"))
}

pub async fn proposal_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<proposal::Model> {
    proposal::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound("proposal"))
}

pub async fn phases_of<C: ConnectionTrait>(db: &C, process_id: Uuid) -> Result<Vec<phase::Model>> {
    Ok(phase::Entity::find()
        .filter(phase::Column::ProcessId.eq(process_id))
        .order_by_asc(phase::Column::Position)
        .all(db)
        .await?)
}

pub async fn participants_of<C: ConnectionTrait>(db: &C, process_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(participant::Entity::find()
        .filter(participant::Column::ProcessId.eq(process_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.organization_id)
        .collect())
}

/// The phase a process is in, or `None` once it is completed.
pub async fn current_phase<C: ConnectionTrait>(db: &C, p: &process::Model) -> Result<Option<phase::Model>> {
    if p.status != ProcessStatus::Active {
        return Ok(None);
    }
    Ok(phase::Entity::find()
        .filter(phase::Column::ProcessId.eq(p.id))
        .filter(phase::Column::Position.eq(p.current_phase))
        .one(db)
        .await?)
}

pub fn rule_of(p: &process::Model) -> VotingRule {
    VotingRule { quorum: p.quorum, threshold: p.threshold, sector_majority: p.sector_majority }
}

// ---- starting and moving a process -------------------------------------------------------

pub async fn start_process(state: &AppState, actor: &Actor, input: NewProcess) -> Result<process::Model> {
    actor.require(Permission::RunLeitbild)?;
    let title = TITLE.required("title", &input.title)?;
    let reference = TITLE.optional("resolutionReference", input.resolution_reference.as_deref())?;
    input.rule.validate()?;
    let spans: Vec<_> = input.phases.iter().map(|p| (p.kind, p.starts_at, p.ends_at)).collect();
    rules::validate_phases(&spans)?;
    let mut orgs = input.participant_ids.clone();
    orgs.sort();
    orgs.dedup();
    if orgs.is_empty() {
        return Err(Error::validation("participantOrganizationIds", "name the participating organisations"));
    }
    let now = state.now();
    let txn = state.db.begin().await?;
    let leitbild = lb::leitbild_by_id(&txn, input.leitbild_id).await?;
    if leitbild.status != LeitbildStatus::Draft {
        return Err(Error::validation("leitbildId", "a process runs on a draft edition"));
    }
    if process::Entity::find().filter(process::Column::LeitbildId.eq(leitbild.id)).one(&txn).await?.is_some() {
        return Err(Error::conflict("this edition already has a process"));
    }
    let found = organization::Entity::find().filter(organization::Column::Id.is_in(orgs.clone())).all(&txn).await?;
    if found.len() != orgs.len() {
        return Err(Error::validation("participantOrganizationIds", "unknown organisation"));
    }
    let id = Uuid::now_v7();
    let p = process::ActiveModel {
        id: Set(id),
        leitbild_id: Set(leitbild.id),
        title: Set(title.clone()),
        status: Set(ProcessStatus::Active),
        current_phase: Set(0),
        phase_ends_at: Set(Some(input.phases[0].ends_at)),
        eligibility: Set(input.eligibility),
        quorum: Set(input.rule.quorum),
        threshold: Set(input.rule.threshold),
        sector_majority: Set(input.rule.sector_majority),
        resolution_reference: Set(reference),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let phases = input.phases.iter().enumerate().map(|(i, ph)| phase::ActiveModel {
        id: Set(Uuid::now_v7()),
        process_id: Set(id),
        position: Set(i as i32),
        kind: Set(ph.kind),
        starts_at: Set(ph.starts_at),
        ends_at: Set(ph.ends_at),
    });
    phase::Entity::insert_many(phases).exec(&txn).await?;
    participant::Entity::insert_many(
        orgs.iter().map(|o| participant::ActiveModel { process_id: Set(id), organization_id: Set(*o) }),
    )
    .exec(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "process.start",
            entity_type: "process",
            entity_id: Some(id),
            summary: format!("Beteiligungsprozess gestartet: {title} ({} Organisationen)", orgs.len()),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(p)
}

/// A coordinator ends the current phase now.
pub async fn advance_process(state: &AppState, actor: &Actor, process_id: Uuid) -> Result<process::Model> {
    actor.require(Permission::RunLeitbild)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let p = process_by_id(&txn, process_id).await?;
    let (p, changed) = advance_in(&txn, &state.config.public_url, p, now, Some(actor.user_id)).await?;
    txn.commit().await?;
    announce_tallies(state, changed).await;
    Ok(p)
}

/// Scheduler step: advances every process whose current phase has ended, one phase per
/// transaction. Each advance is claimed by a conditional UPDATE, so replicas never advance twice.
pub async fn advance_due(state: &AppState, now: DateTime<Utc>) -> Result<u64> {
    let due = process::Entity::find()
        .filter(process::Column::Status.eq(ProcessStatus::Active))
        .filter(process::Column::PhaseEndsAt.lte(now))
        .limit(100)
        .all(&state.db)
        .await?;
    let mut advanced = 0;
    for p in due {
        // A process several phases behind catches up one phase at a time.
        for _ in 0..8 {
            let txn = state.db.begin().await?;
            let current = process_by_id(&txn, p.id).await?;
            let due = current.status == ProcessStatus::Active
                && current.phase_ends_at.is_some_and(|end| rules::is_due(end, now));
            if !due {
                break;
            }
            match advance_in(&txn, &state.config.public_url, current, now, None).await {
                Ok((_, changed)) => {
                    txn.commit().await?;
                    advanced += 1;
                    announce_tallies(state, changed).await;
                }
                // Another replica advanced it first.
                Err(Error::Conflict { .. }) => break,
                // One broken process must not hold up the others; it is retried next step.
                Err(e) => {
                    tracing::error!(process = %p.id, error = %e, "advancing a process phase failed");
                    break;
                }
            }
        }
    }
    Ok(advanced)
}

async fn announce_tallies(state: &AppState, proposals: Vec<Uuid>) {
    for proposal_id in proposals {
        state.live.publish(&state.db, LiveEvent::TallyChanged { proposal_id }).await;
    }
}

/// Leaves the current phase and enters the next one, with the effects the design names:
/// entering VOTING opens the vote on submitted proposals, leaving VOTING decides and applies
/// them, leaving RESOLUTION adopts the draft. Answers the proposals whose tally was decided.
async fn advance_in<C: ConnectionTrait>(
    txn: &C,
    public_url: &str,
    p: process::Model,
    now: DateTime<Utc>,
    actor: Option<Uuid>,
) -> Result<(process::Model, Vec<Uuid>)> {
    let phases: Vec<_> = phases_of(txn, p.id).await?.into_iter().map(|ph| (ph.kind, ph.ends_at)).collect();
    let from = p.current_phase;
    let t = rules::transition(p.status, &phases, from)?;
    let claimed = process::Entity::update_many()
        .col_expr(process::Column::CurrentPhase, Expr::value(t.next))
        .col_expr(process::Column::PhaseEndsAt, Expr::value(t.ends_at))
        .col_expr(process::Column::Status, Expr::value(t.status))
        .col_expr(process::Column::UpdatedAt, Expr::value(now))
        .filter(process::Column::Id.eq(p.id))
        .filter(process::Column::CurrentPhase.eq(from))
        .filter(process::Column::Status.eq(ProcessStatus::Active))
        .exec(txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(Error::conflict("the process was advanced meanwhile"));
    }
    let mut decided = Vec::new();
    if t.decides_votes {
        decided = decide_all(txn, &p, now, actor).await?;
        // Closed early: reminders not yet sent would point to a vote that is over.
        outbox::cancel_pending(txn, &format!("{VOTE_CLOSING_KEY}:{}:", p.id)).await?;
    }
    if let Some(vote_ends) = t.opens_vote_until {
        proposal::Entity::update_many()
            .col_expr(proposal::Column::Status, Expr::value(ProposalStatus::InVote))
            .col_expr(proposal::Column::UpdatedAt, Expr::value(now))
            .filter(proposal::Column::ProcessId.eq(p.id))
            .filter(proposal::Column::Status.eq(ProposalStatus::Submitted))
            .exec(txn)
            .await?;
        enqueue_vote_closing(txn, public_url, &p, vote_ends, now).await?;
    }
    if t.adopts_draft {
        let draft = lb::leitbild_by_id(txn, p.leitbild_id).await?;
        lb::adopt_in(txn, draft, now, p.resolution_reference.clone(), actor).await?;
    }
    audit::record(
        txn,
        now,
        actor,
        AuditEntry { action: "process.advance", entity_type: "process", entity_id: Some(p.id), summary: t.summary },
    )
    .await?;
    let updated = process_by_id(txn, p.id).await?;
    Ok((updated, decided))
}

/// Decides every proposal in vote by the rule and applies the accepted ones, oldest first.
async fn decide_all<C: ConnectionTrait>(
    txn: &C,
    p: &process::Model,
    now: DateTime<Utc>,
    actor: Option<Uuid>,
) -> Result<Vec<Uuid>> {
    let open = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(p.id))
        .filter(proposal::Column::Status.eq(ProposalStatus::InVote))
        .order_by_asc(proposal::Column::CreatedAt)
        .order_by_asc(proposal::Column::Id)
        .all(txn)
        .await?;
    let ids: Vec<Uuid> = open.iter().map(|o| o.id).collect();
    let tallies = tallies_for(txn, &ids).await?;
    for prop in open {
        let accepted = tallies.get(&prop.id).is_some_and(|t| t.outcome.accepted);
        let (status, result) = if accepted {
            (ProposalStatus::Accepted, apply(txn, &prop, now).await?)
        } else {
            (ProposalStatus::Rejected, None)
        };
        let (pid, title) = (prop.id, prop.title.clone());
        let mut row = prop.into_active_model();
        row.status = Set(status);
        row.result_entity_id = Set(result);
        row.decided_at = Set(Some(now));
        row.updated_at = Set(now);
        row.update(txn).await?;
        audit::record(
            txn,
            now,
            actor,
            AuditEntry {
                action: "proposal.decide",
                entity_type: "proposal",
                entity_id: Some(pid),
                summary: format!(
                    "Vorschlag {}: {title}{}",
                    if accepted { "angenommen" } else { "abgelehnt" },
                    if accepted && result.is_none() { " (nicht anwendbar: Ziel oder Feld entfallen)" } else { "" }
                ),
            },
        )
        .await?;
    }
    Ok(ids)
}

/// Changes the draft as an accepted proposal says ([`proposal_rules::change_of`]); answers the
/// goal or field changed, or `None` when its target has gone meanwhile (e.g. removed by an
/// earlier accepted proposal).
async fn apply<C: ConnectionTrait>(txn: &C, prop: &proposal::Model, now: DateTime<Utc>) -> Result<Option<Uuid>> {
    use proposal_rules::DraftChange;
    let author = Some(prop.author_id);
    let Some(change) = proposal_rules::change_of(prop.kind, prop.field_of_action_id, prop.goal_id) else {
        return Ok(None);
    };
    let (title, text) = (prop.title.clone(), prop.text.clone());
    let result = match change {
        DraftChange::AddGoal { field_id, parent_goal_id } => match lb::field_by_id(txn, field_id).await {
            Ok(_) => {
                let input = NewGoal { field_of_action_id: field_id, parent_goal_id, title, description: text };
                lb::insert_goal(txn, input, author, Some(prop.id), now).await.map(|g| Some(g.id))
            }
            Err(e) => Err(e),
        },
        DraftChange::AmendGoal(id) => match lb::goal_by_id(txn, id).await {
            Ok(g) => lb::amend_goal(txn, g, &title, &text, None, author, Some(prop.id), now).await.map(|g| Some(g.id)),
            Err(e) => Err(e),
        },
        DraftChange::RemoveGoal(id) => match lb::goal_by_id(txn, id).await {
            Ok(g) => lb::remove_goal(txn, g, now).await.map(|()| Some(id)),
            Err(e) => Err(e),
        },
        DraftChange::AddField => {
            lb::insert_field(txn, leitbild_of(txn, prop).await?, title, text, now).await.map(|f| Some(f.id))
        }
        DraftChange::AmendField(id) => match lb::field_by_id(txn, id).await {
            Ok(f) => lb::amend_field(txn, f, title, text, now).await.map(|f| Some(f.id)),
            Err(e) => Err(e),
        },
        DraftChange::RemoveField(id) => match lb::field_by_id(txn, id).await {
            Ok(f) => lb::remove_field(txn, f, now).await.map(|()| Some(id)),
            Err(e) => Err(e),
        },
    };
    // A target gone or no longer valid makes the accepted proposal not applicable, not an error.
    match result {
        Err(Error::NotFound(_) | Error::Validation { .. }) => Ok(None),
        other => other,
    }
}

async fn leitbild_of<C: ConnectionTrait>(txn: &C, prop: &proposal::Model) -> Result<Uuid> {
    Ok(process_by_id(txn, prop.process_id).await?.leitbild_id)
}

// ---- proposals --------------------------------------------------------------------------

pub struct NewProposal {
    pub process_id: Uuid,
    pub kind: ProposalKind,
    pub field_of_action_id: Option<Uuid>,
    pub goal_id: Option<Uuid>,
    pub title: String,
    pub text: String,
    pub rationale: String,
}

/// The participating organisations the actor belongs to, sorted; empty if none.
async fn actor_participations<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    process_id: Uuid,
) -> Result<Vec<organization::Model>> {
    let participants = participants_of(db, process_id).await?;
    let mine: Vec<Uuid> = participants.into_iter().filter(|o| actor.is_member_of(*o)).collect();
    if mine.is_empty() {
        return Ok(vec![]);
    }
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.is_in(mine))
        .order_by_asc(organization::Column::Name)
        .all(db)
        .await?)
}

async fn require_open_for_proposals<C: ConnectionTrait>(db: &C, p: &process::Model) -> Result<()> {
    let current = current_phase(db, p).await?;
    match current {
        Some(ph) if rules::accepts_proposals(ph.kind) => Ok(()),
        Some(ph) => Err(Error::Conflict {
            message: format!(
                "proposals are taken during DRAFTING and CONSULTATION; the process is in {}",
                ph.kind.name()
            ),
            details: Some(serde_json::json!({ "currentPhase": ph.kind })),
        }),
        None => Err(Error::conflict("the process is completed")),
    }
}

pub async fn submit_proposal(state: &AppState, actor: &Actor, input: NewProposal) -> Result<proposal::Model> {
    actor.require(Permission::Participate)?;
    let title = TITLE.required("title", &input.title)?;
    let text = LONG_TEXT.or_empty("text", &input.text)?;
    let rationale = LONG_TEXT.or_empty("rationale", &input.rationale)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let p = process_for_share(&txn, input.process_id).await?;
    let orgs = actor_participations(&txn, actor, p.id).await?;
    if orgs.is_empty() && !actor.can(Permission::RunLeitbild) {
        return Err(Error::forbidden("only members of participating organisations make proposals"));
    }
    require_open_for_proposals(&txn, &p).await?;
    let count = proposal::Entity::find().filter(proposal::Column::ProcessId.eq(p.id)).count(&txn).await?;
    if count >= MAX_PROPOSALS_PER_PROCESS {
        return Err(Error::Limit(format!("a process takes at most {MAX_PROPOSALS_PER_PROCESS} proposals")));
    }
    let (field, goal) = check_target(&txn, &p, input.kind, input.field_of_action_id, input.goal_id).await?;
    if matches!(input.kind, ProposalKind::AddGoal | ProposalKind::AmendGoal) && text.is_empty() {
        return Err(Error::validation("text", "say what the goal should read"));
    }
    let row = proposal::ActiveModel {
        id: Set(Uuid::now_v7()),
        process_id: Set(p.id),
        kind: Set(input.kind),
        status: Set(ProposalStatus::Submitted),
        field_of_action_id: Set(field),
        goal_id: Set(goal),
        title: Set(title.clone()),
        text: Set(text),
        rationale: Set(rationale),
        author_id: Set(actor.user_id),
        author_organization_id: Set(orgs.first().map(|o| o.id)),
        version: Set(1),
        result_entity_id: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "proposal.submit",
            entity_type: "proposal",
            entity_id: Some(row.id),
            summary: format!("Vorschlag eingereicht ({:?}): {title}", input.kind),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Loads what a proposal names in the draft and checks it by [`proposal_rules::target`];
/// answers (field, goal) to store.
async fn check_target<C: ConnectionTrait>(
    db: &C,
    p: &process::Model,
    kind: ProposalKind,
    field_id: Option<Uuid>,
    goal_id: Option<Uuid>,
) -> Result<(Option<Uuid>, Option<Uuid>)> {
    let edition_of = |field: Uuid| async move { lb::field_by_id(db, field).await.ok().map(|f| f.leitbild_id) };
    let field_edition = match field_id {
        Some(id) => edition_of(id).await,
        None => None,
    };
    let goal = match goal_id {
        Some(id) => match lb::goal_by_id(db, id).await.ok() {
            Some(g) => Some(proposal_rules::NamedGoal {
                field_id: g.field_of_action_id,
                is_sub_goal: g.parent_goal_id.is_some(),
                field_edition: edition_of(g.field_of_action_id).await,
            }),
            None => None,
        },
        None => None,
    };
    proposal_rules::target(&proposal_rules::TargetFacts {
        edition_id: p.leitbild_id,
        kind,
        field_id,
        field_edition,
        goal_id,
        goal,
    })
}

pub struct ProposalEdit {
    pub proposal_id: Uuid,
    pub title: String,
    pub text: String,
    pub rationale: String,
    pub expected_version: i32,
}

/// The author changes their proposal until voting starts.
pub async fn update_proposal(state: &AppState, actor: &Actor, edit: ProposalEdit) -> Result<proposal::Model> {
    actor.require(Permission::Participate)?;
    let title = TITLE.required("title", &edit.title)?;
    let text = LONG_TEXT.or_empty("text", &edit.text)?;
    let rationale = LONG_TEXT.or_empty("rationale", &edit.rationale)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let prop = proposal_by_id(&txn, edit.proposal_id).await?;
    if prop.author_id != actor.user_id {
        return Err(Error::forbidden("only the author changes a proposal"));
    }
    if prop.status != ProposalStatus::Submitted {
        return Err(Error::conflict("a proposal can be changed only until voting starts"));
    }
    require_open_for_proposals(&txn, &process_for_share(&txn, prop.process_id).await?).await?;
    if prop.version != edit.expected_version {
        return Err(Error::Conflict {
            message: format!("the proposal was changed meanwhile; it is at version {}", prop.version),
            details: Some(serde_json::json!({
                "currentVersion": prop.version, "title": prop.title, "text": prop.text, "rationale": prop.rationale,
            })),
        });
    }
    let res = proposal::Entity::update_many()
        .col_expr(proposal::Column::Title, Expr::value(title.clone()))
        .col_expr(proposal::Column::Text, Expr::value(text))
        .col_expr(proposal::Column::Rationale, Expr::value(rationale))
        .col_expr(proposal::Column::Version, Expr::value(prop.version + 1))
        .col_expr(proposal::Column::UpdatedAt, Expr::value(now))
        .filter(proposal::Column::Id.eq(prop.id))
        .filter(proposal::Column::Version.eq(prop.version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(Error::conflict("the proposal was changed meanwhile"));
    }
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "proposal.update",
            entity_type: "proposal",
            entity_id: Some(prop.id),
            summary: format!("Vorschlag geändert: {title}"),
        },
    )
    .await?;
    let updated = proposal_by_id(&txn, prop.id).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The author withdraws their proposal before voting starts.
pub async fn withdraw_proposal(state: &AppState, actor: &Actor, proposal_id: Uuid) -> Result<proposal::Model> {
    actor.require(Permission::Participate)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let prop = proposal_by_id(&txn, proposal_id).await?;
    if prop.author_id != actor.user_id {
        return Err(Error::forbidden("only the author withdraws a proposal"));
    }
    process_for_share(&txn, prop.process_id).await?;
    let prop = proposal_by_id(&txn, proposal_id).await?;
    if prop.status != ProposalStatus::Submitted {
        return Err(Error::conflict("only a submitted proposal, not yet in vote, can be withdrawn"));
    }
    let mut row = prop.into_active_model();
    row.status = Set(ProposalStatus::Withdrawn);
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "proposal.withdraw",
            entity_type: "proposal",
            entity_id: Some(proposal_id),
            summary: format!("Vorschlag zurückgezogen: {}", updated.title),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

// ---- votes ------------------------------------------------------------------------------

/// Casts or changes a vote. The row is an upsert on the unique (proposal, voter) pair, so
/// concurrent identical requests count once; under ORGANIZATION eligibility the voter is the
/// organisation and the last member's vote counts.
pub async fn cast_vote(
    state: &AppState,
    actor: &Actor,
    proposal_id: Uuid,
    choice: VoteChoice,
    organization_id: Option<Uuid>,
) -> Result<vote::Model> {
    actor.require(Permission::Participate)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let prop = proposal_by_id(&txn, proposal_id).await?;
    let p = process_for_share(&txn, prop.process_id).await?;
    // Re-read under the lock: the vote may have closed while we waited.
    let prop = proposal_by_id(&txn, proposal_id).await?;
    let in_voting = current_phase(&txn, &p).await?.is_some_and(|ph| ph.kind == PhaseKind::Voting);
    let orgs = actor_participations(&txn, actor, p.id).await?;
    let voter_orgs: Vec<rules::VoterOrganization<'_>> =
        orgs.iter().map(|o| rules::VoterOrganization { id: o.id, name: &o.name, sector: o.sector }).collect();
    let ballot = rules::ballot(&rules::VoteFacts {
        actor_id: actor.user_id,
        proposal_status: prop.status,
        in_voting,
        eligibility: p.eligibility,
        organizations: &voter_orgs,
        requested: organization_id,
    })?;
    let voter_id = ballot.voter_id;
    let row = vote::ActiveModel {
        id: Set(Uuid::now_v7()),
        proposal_id: Set(proposal_id),
        voter_id: Set(voter_id),
        cast_by: Set(actor.user_id),
        organization_id: Set(Some(ballot.organization_id)),
        sector: Set(Some(ballot.sector)),
        choice: Set(choice),
        created_at: Set(now),
        updated_at: Set(now),
    };
    vote::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([vote::Column::ProposalId, vote::Column::VoterId])
                .update_columns([
                    vote::Column::CastBy,
                    vote::Column::OrganizationId,
                    vote::Column::Sector,
                    vote::Column::Choice,
                    vote::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    settle_vote_closing(&txn, &p, actor, ballot.organization_id).await?;
    let saved = vote::Entity::find()
        .filter(vote::Column::ProposalId.eq(proposal_id))
        .filter(vote::Column::VoterId.eq(voter_id))
        .one(&txn)
        .await?
        .ok_or(Error::NotFound("vote"))?;
    audit::record(
        &txn,
        now,
        Some(actor.user_id),
        AuditEntry {
            action: "vote.cast",
            entity_type: "proposal",
            entity_id: Some(proposal_id),
            summary: ballot.summary,
        },
    )
    .await?;
    txn.commit().await?;
    state.live.publish(&state.db, LiveEvent::TallyChanged { proposal_id }).await;
    Ok(saved)
}

/// The actor's own vote on each proposal (their person's, or their organisation's).
pub async fn my_votes<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    proposal_ids: &[Uuid],
) -> Result<HashMap<Uuid, vote::Model>> {
    let mut voters = actor.organization_ids.clone();
    voters.push(actor.user_id);
    let rows = vote::Entity::find()
        .filter(vote::Column::ProposalId.is_in(proposal_ids.iter().copied()))
        .filter(vote::Column::VoterId.is_in(voters))
        .order_by_asc(vote::Column::UpdatedAt)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|v| (v.proposal_id, v)).collect())
}

/// A tally with what it was computed from.
#[derive(Debug, Clone)]
pub struct TallyView {
    pub proposal_id: Uuid,
    pub outcome: TallyOutcome,
    pub eligibility: Eligibility,
    /// Under ORGANIZATION eligibility: each organisation's vote and who cast it.
    pub organization_votes: Vec<vote::Model>,
}

/// Who sees a running tally: coordinators; everyone once the proposal is decided.
pub fn may_see_tally(actor: &Actor, status: ProposalStatus) -> bool {
    actor.can(Permission::RunLeitbild) || matches!(status, ProposalStatus::Accepted | ProposalStatus::Rejected)
}

/// Tallies for many proposals at once, in a fixed number of statements.
pub async fn tallies_for<C: ConnectionTrait>(db: &C, proposal_ids: &[Uuid]) -> Result<HashMap<Uuid, TallyView>> {
    if proposal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let props =
        proposal::Entity::find().filter(proposal::Column::Id.is_in(proposal_ids.iter().copied())).all(db).await?;
    let process_ids: HashSet<Uuid> = props.iter().map(|p| p.process_id).collect();
    let processes: HashMap<Uuid, process::Model> = process::Entity::find()
        .filter(process::Column::Id.is_in(process_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let eligible = eligible_counts(db, &processes).await?;
    let votes = vote::Entity::find()
        .filter(vote::Column::ProposalId.is_in(proposal_ids.iter().copied()))
        .order_by_asc(vote::Column::UpdatedAt)
        .all(db)
        .await?;
    let mut by_proposal: HashMap<Uuid, Vec<vote::Model>> = HashMap::new();
    for v in votes {
        by_proposal.entry(v.proposal_id).or_default().push(v);
    }
    let mut out = HashMap::new();
    for prop in props {
        let Some(p) = processes.get(&prop.process_id) else { continue };
        let votes = by_proposal.remove(&prop.id).unwrap_or_default();
        let list: Vec<(Option<Sector>, VoteChoice)> = votes.iter().map(|v| (v.sector, v.choice)).collect();
        let outcome = rules::tally(&rule_of(p), eligible.get(&p.id).copied().unwrap_or(0), &list);
        let organization_votes = if p.eligibility == Eligibility::Organization { votes } else { vec![] };
        out.insert(
            prop.id,
            TallyView { proposal_id: prop.id, outcome, eligibility: p.eligibility, organization_votes },
        );
    }
    Ok(out)
}

/// Eligible voters per process: participating organisations, or their active members.
async fn eligible_counts<C: ConnectionTrait>(
    db: &C,
    processes: &HashMap<Uuid, process::Model>,
) -> Result<HashMap<Uuid, u32>> {
    let parts = participant::Entity::find()
        .filter(participant::Column::ProcessId.is_in(processes.keys().copied()))
        .all(db)
        .await?;
    let person_orgs: HashSet<Uuid> = parts
        .iter()
        .filter(|pt| processes.get(&pt.process_id).is_some_and(|p| p.eligibility == Eligibility::Person))
        .map(|pt| pt.organization_id)
        .collect();
    let mut members: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if !person_orgs.is_empty() {
        let rows = membership::Entity::find()
            .filter(membership::Column::OrganizationId.is_in(person_orgs.iter().copied()))
            .all(db)
            .await?;
        let active: HashSet<Uuid> = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::Id.is_in(rows.iter().map(|m| m.user_id)))
            .filter(user::Column::Active.eq(true))
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for m in rows.into_iter().filter(|m| active.contains(&m.user_id)) {
            members.entry(m.organization_id).or_default().push(m.user_id);
        }
    }
    let mut people: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    let mut orgs: HashMap<Uuid, u32> = HashMap::new();
    for pt in &parts {
        *orgs.entry(pt.process_id).or_default() += 1;
        if let Some(list) = members.get(&pt.organization_id) {
            people.entry(pt.process_id).or_default().extend(list.iter().copied());
        }
    }
    Ok(processes
        .values()
        .map(|p| {
            let n = match p.eligibility {
                Eligibility::Organization => orgs.get(&p.id).copied().unwrap_or(0),
                Eligibility::Person => people.get(&p.id).map_or(0, |s| s.len() as u32),
            };
            (p.id, n)
        })
        .collect())
}

/// The people who may still vote on the process's open proposals and have not, each with the
/// proposals they have not voted on: the recipients of the "vote closing" reminder. Under
/// ORGANIZATION eligibility, every member of an organisation that has not voted.
pub async fn pending_voters<C: ConnectionTrait>(db: &C, process_id: Uuid) -> Result<HashMap<Uuid, Vec<Uuid>>> {
    let p = process_by_id(db, process_id).await?;
    let open: Vec<Uuid> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Id)
        .filter(proposal::Column::ProcessId.eq(process_id))
        .filter(proposal::Column::Status.eq(ProposalStatus::InVote))
        .into_tuple()
        .all(db)
        .await?;
    if open.is_empty() {
        return Ok(HashMap::new());
    }
    let orgs = participants_of(db, process_id).await?;
    let members = membership::Entity::find().filter(membership::Column::OrganizationId.is_in(orgs)).all(db).await?;
    let active: HashSet<Uuid> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Id.is_in(members.iter().map(|m| m.user_id)))
        .filter(user::Column::Active.eq(true))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let voted: HashSet<(Uuid, Uuid)> = vote::Entity::find()
        .select_only()
        .column(vote::Column::ProposalId)
        .column(vote::Column::VoterId)
        .filter(vote::Column::ProposalId.is_in(open.iter().copied()))
        .into_tuple::<(Uuid, Uuid)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for m in members.iter().filter(|m| active.contains(&m.user_id)) {
        let voter = match p.eligibility {
            Eligibility::Person => m.user_id,
            Eligibility::Organization => m.organization_id,
        };
        for proposal in &open {
            if !voted.contains(&(*proposal, voter)) {
                let list = out.entry(m.user_id).or_default();
                if !list.contains(proposal) {
                    list.push(*proposal);
                }
            }
        }
    }
    Ok(out)
}
