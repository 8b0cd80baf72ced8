//! Starting a process and moving its phases, by hand or by the scheduler (claimed in the database).

use super::*;
use crate::change::Change;

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
    let mut txn = Change::begin(&state.db, now).await?;
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
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "process.start",
            entity_type: "process",
            entity_id: Some(id),
            summary: format!(
                "Beteiligungsprozess gestartet: {title} ({})",
                crate::german::count(orgs.len(), "Organisation", "Organisationen")
            ),
        },
    );
    txn.commit().await?;
    Ok(p)
}

/// A coordinator ends the current phase now. Leaving the last phase adopts the draft; while
/// contributions are undecided in the Abwägung that needs `accept_open` (they stay "nicht
/// entschieden"), else it is refused with their number and ids.
pub async fn advance_process(
    state: &AppState,
    actor: &Actor,
    process_id: Uuid,
    accept_open: bool,
) -> Result<process::Model> {
    actor.require(Permission::RunLeitbild)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let p = process_by_id(&txn, process_id).await?;
    let (p, changed) = advance_in(&txn, &state.config.public_url, p, now, Some(actor.user_id), accept_open).await?;
    txn.commit().await?;
    announce_tallies(state, changed).await;
    Ok(p)
}

/// Scheduler step: advances every process whose current phase has ended, one phase per
/// transaction. Each advance is claimed by a conditional UPDATE, so replicas never advance twice.
/// It never adopts a draft whose Abwägung is incomplete: such a process stays in its last phase,
/// past its end, until the coordinator decides the open contributions or adopts anyway.
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
            match advance_in(&txn, &state.config.public_url, current, now, None, false).await {
                Ok((_, changed)) => {
                    txn.commit().await?;
                    advanced += 1;
                    announce_tallies(state, changed).await;
                }
                Err(e) if crate::participation::dispositions::is_undecided_conflict(&e) => {
                    tracing::warn!(process = %p.id, error = %e, "last phase ended; not adopted while the Abwägung is open");
                    break;
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

pub(super) async fn announce_tallies(state: &AppState, proposals: Vec<Uuid>) {
    for proposal_id in proposals {
        state.live.publish(&state.db, LiveEvent::TallyChanged { proposal_id }).await;
    }
}

/// Leaves the current phase and enters the next one, with the effects the design names:
/// entering VOTING opens the vote on submitted proposals, leaving VOTING decides and applies
/// them, leaving RESOLUTION adopts the draft. Answers the proposals whose tally was decided.
pub(super) async fn advance_in<C: ConnectionTrait>(
    txn: &C,
    public_url: &str,
    p: process::Model,
    now: DateTime<Utc>,
    actor: Option<Uuid>,
    accept_open: bool,
) -> Result<(process::Model, Vec<Uuid>)> {
    let phases: Vec<_> = phases_of(txn, p.id).await?.into_iter().map(|ph| (ph.kind, ph.ends_at)).collect();
    let from = p.current_phase;
    let mut t = rules::transition(p.status, &phases, from)?;
    // Checked before the claim, so that a refusal leaves the process as it was.
    let left_open = match t.adopts_draft {
        true => crate::participation::dispositions::require_decided(txn, &[p.id], accept_open).await?,
        false => 0,
    };
    if left_open > 0 {
        t.summary = format!("{}; beschlossen mit {left_open} nicht entschiedenen Beiträgen in der Abwägung", t.summary);
    }
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
    // Advanced before its planned end: the dates say what happened, so the phase left ends now and
    // the one entered starts now (a phase ended by the scheduler keeps its planned dates).
    for (position, column) in [(from, phase::Column::EndsAt), (from + 1, phase::Column::StartsAt)] {
        phase::Entity::update_many()
            .col_expr(column, Expr::value(now))
            .filter(phase::Column::ProcessId.eq(p.id))
            .filter(phase::Column::Position.eq(position))
            .filter(column.gt(now))
            .exec(txn)
            .await?;
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
pub(super) async fn decide_all<C: ConnectionTrait>(
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
pub(super) async fn apply<C: ConnectionTrait>(
    txn: &C,
    prop: &proposal::Model,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>> {
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

pub(super) async fn leitbild_of<C: ConnectionTrait>(txn: &C, prop: &proposal::Model) -> Result<Uuid> {
    Ok(process_by_id(txn, prop.process_id).await?.leitbild_id)
}
