//! Votes: casting them, tallies, and the reminders before a vote closes.

use super::*;
use crate::change::Change;

/// Casts or changes a vote. The row is an upsert on the unique (proposal, voter) pair, so
/// concurrent identical requests count once; under ORGANIZATION eligibility the voter is the
/// organisation and the last member's vote counts.
///
/// Hot under a closing vote (hundreds at once), so it costs few statements: the proposal, its
/// process and the kind of the current phase read together under a share lock (a phase change
/// waits for the votes in flight and they for it), the voter's participating organisations, the
/// upsert answering its row, the reminder settled in one conditional update, and the audit event.
pub async fn cast_vote(
    state: &AppState,
    actor: &Actor,
    proposal_id: Uuid,
    choice: VoteChoice,
    organization_id: Option<Uuid>,
) -> Result<vote::Model> {
    actor.require(Permission::Participate)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let (prop, p, phase) = proposal_and_process_for_share(&txn, proposal_id).await?;
    let in_voting = p.status == ProcessStatus::Active && phase == Some(PhaseKind::Voting);
    let orgs = voter_organizations(&txn, actor, p.id).await?;
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
    let row = vote::ActiveModel {
        id: Set(Uuid::now_v7()),
        proposal_id: Set(proposal_id),
        voter_id: Set(ballot.voter_id),
        cast_by: Set(actor.user_id),
        organization_id: Set(Some(ballot.organization_id)),
        sector: Set(Some(ballot.sector)),
        choice: Set(choice),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let saved = vote::Entity::insert(row)
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
        .exec_with_returning(&txn)
        .await?;
    match p.eligibility {
        Eligibility::Person => settle_own_vote_closing(&txn, &p, actor.user_id).await?,
        Eligibility::Organization => settle_vote_closing(&txn, &p, actor, ballot.organization_id).await?,
    }
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "vote.cast",
            entity_type: "proposal",
            entity_id: Some(proposal_id),
            summary: ballot.summary,
        },
    );
    txn.publish(&state.live, LiveEvent::TallyChanged { proposal_id });
    txn.commit().await?;
    Ok(saved)
}

/// The proposal, its process and the kind of the process's current phase in one read, the
/// proposal and process share-locked on PostgreSQL; the rows are read once the lock is held, so
/// a vote closed meanwhile is seen closed.
async fn proposal_and_process_for_share<C: ConnectionTrait>(
    db: &C,
    proposal_id: Uuid,
) -> Result<(proposal::Model, process::Model, Option<PhaseKind>)> {
    use sea_orm::{
        FromQueryResult, IdenStatic, JoinType, QueryTrait, SelectA, SelectB,
        sea_query::{ExprTrait as _, Query},
    };
    let to_process =
        proposal::Entity::belongs_to(process::Entity).from(proposal::Column::ProcessId).to(process::Column::Id).into();
    let kind = Query::select()
        .column(phase::Column::Kind)
        .from(phase::Entity)
        .and_where(Expr::col((phase::Entity, phase::Column::ProcessId)).equals((process::Entity, process::Column::Id)))
        .and_where(
            Expr::col((phase::Entity, phase::Column::Position))
                .equals((process::Entity, process::Column::CurrentPhase)),
        )
        .to_owned();
    let stmt = proposal::Entity::find_by_id(proposal_id)
        .join(JoinType::InnerJoin, to_process)
        .select_also(process::Entity)
        .expr_as(Expr::SubQuery(None, Box::new(kind.into())), "current_phase_kind")
        .lock_shared()
        .build(db.get_database_backend());
    let row = db.query_one_raw(stmt).await?.ok_or(Error::NotFound("proposal"))?;
    let prop = proposal::Model::from_query_result(&row, SelectA.as_str())?;
    let p = process::Model::from_query_result(&row, SelectB.as_str())?;
    Ok((prop, p, row.try_get("", "current_phase_kind")?))
}

/// The actor's organisations that take part in the process, in one read.
async fn voter_organizations<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    process_id: Uuid,
) -> Result<Vec<organization::Model>> {
    if actor.organization_ids.is_empty() {
        return Ok(vec![]);
    }
    let participating = sea_orm::sea_query::Query::select()
        .column(participant::Column::OrganizationId)
        .from(participant::Entity)
        .and_where(participant::Column::ProcessId.eq(process_id))
        .to_owned();
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.is_in(actor.organization_ids.iter().copied()))
        .filter(organization::Column::Id.in_subquery(participating))
        .order_by_asc(organization::Column::Name)
        .all(db)
        .await?)
}

/// Under PERSON eligibility: cancels the voter's pending "vote closing" reminder once they have
/// voted on every open proposal of the process, decided and done in one statement.
async fn settle_own_vote_closing<C: ConnectionTrait>(db: &C, p: &process::Model, voter: Uuid) -> Result<()> {
    use sea_orm::sea_query::{ExprTrait as _, Query};

    use crate::notifications::entities::{NotificationStatus, notification};
    let voted = Query::select()
        .expr(Expr::val(1))
        .from(vote::Entity)
        .and_where(Expr::col((vote::Entity, vote::Column::ProposalId)).equals((proposal::Entity, proposal::Column::Id)))
        .and_where(vote::Column::VoterId.eq(voter))
        .to_owned();
    let still_open = Query::select()
        .expr(Expr::val(1))
        .from(proposal::Entity)
        .and_where(proposal::Column::ProcessId.eq(p.id))
        .and_where(proposal::Column::Status.eq(ProposalStatus::InVote))
        .and_where(Expr::exists(voted).not())
        .to_owned();
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value(NotificationStatus::Cancelled))
        .filter(notification::Column::Status.eq(NotificationStatus::Pending))
        .filter(notification::Column::DedupeKey.starts_with(vote_closing_key(p.id, voter)))
        .filter(Expr::exists(still_open).not())
        .exec(db)
        .await?;
    Ok(())
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
    /// The votes per organisation, so that sector majorities can be traced to who cast them.
    pub by_organization: Vec<rules::OrganizationCounts>,
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
        let by_organization =
            rules::by_organization(&votes.iter().map(|v| (v.organization_id, v.sector, v.choice)).collect::<Vec<_>>());
        let organization_votes = if p.eligibility == Eligibility::Organization { votes } else { vec![] };
        out.insert(
            prop.id,
            TallyView {
                proposal_id: prop.id,
                outcome,
                eligibility: p.eligibility,
                organization_votes,
                by_organization,
            },
        );
    }
    Ok(out)
}

/// Eligible voters per process: participating organisations, or their active members.
pub(super) async fn eligible_counts<C: ConnectionTrait>(
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
