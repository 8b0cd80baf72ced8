//! Collects the person's tasks from every area in a fixed number of statements, however many
//! tasks there are, and orders them by [`rules::urgency`].

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::rules::{self, DeliveryRole, TaskKind};
use crate::{
    accounts::policy::{Actor, Permission},
    error::Result,
    glossary::entities::{TermStatus, term},
    indicators::entities::{DeliveryStatus, delivery, indicator},
    notifications::{
        entities::{NotificationKind, notification},
        links::{self, Place},
        service::shown_to,
    },
    participation::entities::{
        Eligibility, PhaseKind, ProcessStatus, ProposalStatus, comment, disposition, participant, phase, process,
        proposal, vote,
    },
};

/// Rows read per source at most: a page of tasks never needs more, and a person with thousands
/// of open items is shown the most urgent ones.
const PER_SOURCE: u64 = 500;

/// One thing the person should do, and where it is done.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub kind: TaskKind,
    /// The delivery, proposal, process, indicator, term or notification it is about.
    pub subject_id: Uuid,
    pub title: String,
    /// What the title belongs to: the period of a delivery, the process of a proposal.
    pub context: Option<String>,
    /// The phase a process is in, for phase and draft tasks.
    pub phase: Option<PhaseKind>,
    pub due_at: Option<DateTime<Utc>>,
    /// How many contributions wait (Abwägung) or proposals are open (drafts).
    pub count: Option<u64>,
    /// Where it is done, as a path inside the app.
    pub path: String,
}

/// Every task of the person, most urgent first.
pub async fn my_tasks<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Task>> {
    let mut tasks = Vec::new();
    delivery_and_review_tasks(db, actor, now, &mut tasks).await?;
    process_tasks(db, actor, now, &mut tasks).await?;
    if actor.can(Permission::ManageGlossary) {
        term_tasks(db, &mut tasks).await?;
    }
    reply_tasks(db, actor, public_url, now, &mut tasks).await?;
    tasks.sort_by(|a, b| {
        rules::urgency(a.kind, a.due_at, now)
            .cmp(&rules::urgency(b.kind, b.due_at, now))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.subject_id.cmp(&b.subject_id))
    });
    Ok(tasks)
}

/// Deliveries and reviews: two statements.
async fn delivery_and_review_tasks<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    out: &mut Vec<Task>,
) -> Result<()> {
    let coordinator = actor.can(Permission::ManageIndicators);
    let mine = actor.organization_ids.clone();
    let open = [DeliveryStatus::Requested, DeliveryStatus::Returned];
    let mut which = Condition::any();
    if !mine.is_empty() {
        which = which.add(
            Condition::all()
                .add(delivery::Column::OwnerId.is_in(mine.iter().copied()))
                .add(delivery::Column::Status.is_in(open)),
        );
    }
    if coordinator {
        let past_due = Condition::any()
            .add(Condition::all().add(delivery::Column::ExpectedAt.is_null()).add(delivery::Column::DueAt.lt(now)))
            .add(delivery::Column::ExpectedAt.lt(now));
        which = which
            .add(Condition::all().add(delivery::Column::Status.is_in(open)).add(past_due))
            .add(delivery::Column::Status.eq(DeliveryStatus::Delivered));
    }
    let deliveries = if which.is_empty() {
        Vec::new()
    } else {
        delivery::Entity::find()
            .filter(which)
            .order_by_asc(delivery::Column::DueAt)
            .order_by_asc(delivery::Column::Id)
            .limit(PER_SOURCE)
            .all(db)
            .await?
    };
    let ids: HashSet<Uuid> = deliveries.iter().map(|d| d.indicator_id).collect();
    let mut indicators_wanted = Condition::any().add(indicator::Column::Id.is_in(ids));
    let horizon = now + rules::REVIEW_AHEAD;
    if coordinator {
        indicators_wanted = indicators_wanted.add(indicator::Column::NextReviewAt.lte(horizon));
    } else if !mine.is_empty() {
        indicators_wanted = indicators_wanted.add(
            Condition::all()
                .add(indicator::Column::NextReviewAt.lte(horizon))
                .add(indicator::Column::OwnerId.is_in(mine.iter().copied())),
        );
    }
    let indicators: HashMap<Uuid, indicator::Model> = indicator::Entity::find()
        .filter(indicators_wanted)
        .order_by_asc(indicator::Column::NextReviewAt)
        .limit(PER_SOURCE * 2)
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    for d in &deliveries {
        let due = d.effective_due();
        let role = DeliveryRole { owner: actor.is_member_of(d.owner_id), coordinator };
        let overdue = d.status.is_open() && due < now;
        let Some(kind) = rules::delivery_task(d.status, overdue, role) else { continue };
        let Some(ind) = indicators.get(&d.indicator_id) else { continue };
        out.push(Task {
            kind,
            subject_id: d.id,
            title: format!("{} – {}", ind.code, ind.name),
            context: Some(d.period.clone()),
            phase: None,
            due_at: if kind == TaskKind::DeliveryToAccept { d.delivered_at } else { Some(due) },
            count: None,
            path: Place::Delivery(d.id).path(),
        });
    }
    for ind in indicators.values() {
        let ours = coordinator || actor.is_member_of(ind.owner_id);
        if ours && rules::within(ind.next_review_at, now, rules::REVIEW_AHEAD) {
            out.push(Task {
                kind: TaskKind::ReviewDue,
                subject_id: ind.id,
                title: format!("{} – {}", ind.code, ind.name),
                context: None,
                phase: None,
                due_at: Some(ind.next_review_at),
                count: None,
                path: Place::Indicator(ind.id).path(),
            });
        }
    }
    Ok(())
}

/// Processes: phase ends, Abwägung, votes and drafts, in at most eight statements.
async fn process_tasks<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    out: &mut Vec<Task>,
) -> Result<()> {
    let processes: Vec<process::Model> = process::Entity::find()
        .filter(process::Column::Status.eq(ProcessStatus::Active))
        .order_by_asc(process::Column::CreatedAt)
        .limit(PER_SOURCE)
        .all(db)
        .await?;
    if processes.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = processes.iter().map(|p| p.id).collect();
    let current: HashMap<Uuid, PhaseKind> = phase::Entity::find()
        .filter(phase::Column::ProcessId.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter(|ph| processes.iter().any(|p| p.id == ph.process_id && p.current_phase == ph.position))
        .map(|ph| (ph.process_id, ph.kind))
        .collect();
    let taking_part: HashSet<Uuid> = if actor.organization_ids.is_empty() {
        HashSet::new()
    } else {
        participant::Entity::find()
            .filter(participant::Column::ProcessId.is_in(ids.iter().copied()))
            .filter(participant::Column::OrganizationId.is_in(actor.organization_ids.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.process_id)
            .collect()
    };
    let undecided =
        if actor.can(Permission::Moderate) { undecided_per_process(db, &ids).await? } else { HashMap::new() };
    let open_proposals: Vec<proposal::Model> = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.is_in(taking_part.iter().copied()))
        .filter(proposal::Column::Status.is_in([ProposalStatus::InVote, ProposalStatus::Submitted]))
        .order_by_asc(proposal::Column::CreatedAt)
        .limit(PER_SOURCE)
        .all(db)
        .await?;
    let mut voters: Vec<Uuid> = actor.organization_ids.clone();
    voters.push(actor.user_id);
    let in_vote: Vec<Uuid> =
        open_proposals.iter().filter(|p| p.status == ProposalStatus::InVote).map(|p| p.id).collect();
    let voted: HashSet<(Uuid, Uuid)> = if in_vote.is_empty() {
        HashSet::new()
    } else {
        vote::Entity::find()
            .filter(vote::Column::ProposalId.is_in(in_vote))
            .filter(vote::Column::VoterId.is_in(voters))
            .all(db)
            .await?
            .into_iter()
            .map(|v| (v.proposal_id, v.voter_id))
            .collect()
    };
    for p in &processes {
        let phase = current.get(&p.id).copied();
        let ends = p.phase_ends_at;
        if actor.can(Permission::RunLeitbild)
            && let Some(end) = ends
            && rules::within(end, now, rules::PHASE_SOON)
        {
            out.push(Task {
                kind: TaskKind::PhaseEnding,
                subject_id: p.id,
                title: p.title.clone(),
                context: None,
                phase,
                due_at: Some(end),
                count: None,
                path: Place::Process(p.id).path(),
            });
        }
        if let Some(n) = undecided.get(&p.id).filter(|n| **n > 0) {
            out.push(Task {
                kind: TaskKind::DispositionsOpen,
                subject_id: p.id,
                title: p.title.clone(),
                context: None,
                phase,
                due_at: ends.filter(|_| phase == Some(PhaseKind::Resolution)),
                count: Some(*n),
                path: Place::Process(p.id).path(),
            });
        }
        if !taking_part.contains(&p.id) {
            continue;
        }
        match phase {
            Some(PhaseKind::Voting) => {
                let mine: Vec<Uuid> = match p.eligibility {
                    Eligibility::Person => vec![actor.user_id],
                    Eligibility::Organization => actor.organization_ids.clone(),
                };
                for pr in
                    open_proposals.iter().filter(|pr| pr.process_id == p.id && pr.status == ProposalStatus::InVote)
                {
                    if mine.iter().any(|v| !voted.contains(&(pr.id, *v))) {
                        out.push(Task {
                            kind: TaskKind::VoteClosing,
                            subject_id: pr.id,
                            title: pr.title.clone(),
                            context: Some(p.title.clone()),
                            phase,
                            due_at: ends,
                            count: None,
                            path: Place::Proposal { process_id: p.id, proposal_id: pr.id }.path(),
                        });
                    }
                }
            }
            Some(PhaseKind::Drafting | PhaseKind::Consultation) => {
                let proposals = open_proposals.iter().filter(|pr| pr.process_id == p.id).count() as u64;
                out.push(Task {
                    kind: TaskKind::DraftOpen,
                    subject_id: p.id,
                    title: p.title.clone(),
                    context: None,
                    phase,
                    due_at: ends,
                    count: Some(proposals),
                    path: Place::Edition(p.leitbild_id).path(),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// Contributions without an Abwägung, counted per process, by the rule of
/// `participation::dispositions::undecided` (hidden comments count too); three statements.
async fn undecided_per_process<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<HashMap<Uuid, u64>> {
    let decided: HashSet<Uuid> = disposition::Entity::find()
        .select_only()
        .column(disposition::Column::SubjectId)
        .filter(disposition::Column::ProcessId.is_in(ids.iter().copied()))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut counts: HashMap<Uuid, u64> = HashMap::new();
    let proposals: Vec<(Uuid, Uuid)> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Id)
        .column(proposal::Column::ProcessId)
        .filter(proposal::Column::ProcessId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let comments: Vec<(Uuid, Option<Uuid>)> = comment::Entity::find()
        .select_only()
        .column(comment::Column::Id)
        .column(comment::Column::ProcessId)
        .filter(comment::Column::ProcessId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let all = proposals.into_iter().map(|(id, p)| (id, Some(p))).chain(comments);
    for (id, process) in all {
        if let Some(p) = process
            && !decided.contains(&id)
        {
            *counts.entry(p).or_default() += 1;
        }
    }
    Ok(counts)
}

/// Terms still waiting for agreement: one statement.
async fn term_tasks<C: ConnectionTrait>(db: &C, out: &mut Vec<Task>) -> Result<()> {
    let terms = term::Entity::find()
        .filter(term::Column::Status.eq(TermStatus::Proposed))
        .order_by_asc(term::Column::CreatedAt)
        .limit(PER_SOURCE)
        .all(db)
        .await?;
    out.extend(terms.into_iter().map(|t| Task {
        kind: TaskKind::TermToAgree,
        subject_id: t.id,
        title: t.label,
        context: None,
        phase: None,
        due_at: None,
        count: None,
        path: Place::Term(t.id).path(),
    }));
    Ok(())
}

/// Unread replies to the person's comments, from the notification centre: one statement.
async fn reply_tasks<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    public_url: &str,
    now: DateTime<Utc>,
    out: &mut Vec<Task>,
) -> Result<()> {
    let replies = notification::Entity::find()
        .filter(shown_to(actor.user_id, now))
        .filter(notification::Column::Kind.eq(NotificationKind::CommentReply))
        .filter(notification::Column::ReadAt.is_null())
        .order_by_desc(notification::Column::DueAt)
        .limit(PER_SOURCE)
        .all(db)
        .await?;
    out.extend(replies.into_iter().filter_map(|n| {
        let path = links::in_app_path(public_url, n.link.as_deref()?)?;
        Some(Task {
            kind: TaskKind::Reply,
            subject_id: n.id,
            title: n.subject,
            context: None,
            phase: None,
            // A reply is news, not a deadline: it sorts with the undated tasks, newest first
            // among them by the database's order.
            due_at: None,
            count: None,
            path,
        })
    }));
    Ok(())
}
