//! Votes: casting them, tallies, and the reminders before a vote closes.

use super::*;
use sea_orm::{
    QueryTrait as _,
    sea_query::{CommonTableExpression, IntoIden as _, UpdateStatement, WithClause},
};

use crate::change::Change;

/// Casts or changes a vote. The row is an upsert on the unique (proposal, voter) pair, so
/// concurrent identical requests count once; under ORGANIZATION eligibility the voter is the
/// organisation and the last member's vote counts.
///
/// Hot under a closing vote (hundreds at once), so it costs few statements: one share-locked
/// read of the proposal, its process, the kind of the current phase and the voter's
/// participating organisations (a phase change waits for the votes in flight and they for it),
/// and the upsert answering its row. On PostgreSQL the upsert also writes the audit row, which
/// announces the new tally, and under PERSON eligibility settles the voter's reminder; SQLite
/// runs those on their own. Under ORGANIZATION the members' reminders are settled in a few
/// reads and one update once the organisation has voted on everything.
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
    let VoteContext { proposal: prop, process: p, phase, organizations } =
        vote_context_for_share(&txn, proposal_id, actor).await?;
    let in_voting = p.status == ProcessStatus::Active && phase == Some(PhaseKind::Voting);
    let voter_orgs: Vec<rules::VoterOrganization<'_>> = organizations
        .iter()
        .map(|(id, name, sector)| rules::VoterOrganization { id: *id, name, sector: *sector })
        .collect();
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
    let mut upsert = vote::Entity::insert(row).on_conflict(
        OnConflict::columns([vote::Column::ProposalId, vote::Column::VoterId])
            .update_columns([
                vote::Column::CastBy,
                vote::Column::OrganizationId,
                vote::Column::Sector,
                vote::Column::Choice,
                vote::Column::UpdatedAt,
            ])
            .to_owned(),
    );
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
    // On PostgreSQL the audit row (announcing the tally) and, under PERSON eligibility, the
    // reminder's settlement ride with the upsert as data-modifying WITHs. The settlement looks
    // at the other open proposals only, as this one's vote is not visible to it. SQLite has
    // no data-modifying WITH: it runs the settlement on its own and the commit writes the row.
    let mut with = txn.audit_as_with();
    let settle =
        (p.eligibility == Eligibility::Person).then(|| settle_own_vote_closing(&p, proposal_id, actor.user_id));
    match settle {
        Some(update) if txn.get_database_backend() == sea_orm::DbBackend::Postgres => {
            with.push(CommonTableExpression::new().query(update).table_name("settled_reminder").to_owned());
        }
        Some(update) => {
            txn.execute(&update).await?;
        }
        None => {}
    }
    if !with.is_empty() {
        let mut clause = WithClause::new();
        for cte in with {
            clause.cte(cte);
        }
        upsert.query().with_cte(clause);
    }
    let saved = upsert.exec_with_returning(&txn).await?;
    if p.eligibility == Eligibility::Organization {
        settle_organization_vote_closing(&txn, &p, ballot.organization_id).await?;
    }
    txn.commit().await?;
    Ok(saved)
}

/// What a vote is decided on, read in one statement.
struct VoteContext {
    proposal: proposal::Model,
    process: process::Model,
    /// The kind of the process's current phase.
    phase: Option<PhaseKind>,
    /// The voter's organisations that take part in the process (id, name, sector), by name.
    organizations: Vec<(Uuid, String, Sector)>,
}

/// The proposal, its process, the current phase's kind and the actor's participating
/// organisations in one read (a row per organisation, at least one), the proposal and process
/// share-locked on PostgreSQL; the rows are read once the lock is held, so a vote closed
/// meanwhile is seen closed.
async fn vote_context_for_share<C: ConnectionTrait>(db: &C, proposal_id: Uuid, actor: &Actor) -> Result<VoteContext> {
    use sea_orm::{
        FromQueryResult, IdenStatic, JoinType, QueryTrait, SelectA, SelectB,
        sea_query::{Alias, Condition, ExprTrait as _, LockType, Query},
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
    let mut select = proposal::Entity::find_by_id(proposal_id)
        .join(JoinType::InnerJoin, to_process)
        .select_also(process::Entity)
        .expr_as(Expr::SubQuery(None, Box::new(kind.into())), "current_phase_kind");
    QueryTrait::query(&mut select)
        .join(
            JoinType::LeftJoin,
            participant::Entity,
            Condition::all()
                .add(
                    Expr::col((participant::Entity, participant::Column::ProcessId))
                        .equals((process::Entity, process::Column::Id)),
                )
                .add(
                    Expr::col((participant::Entity, participant::Column::OrganizationId))
                        .is_in(actor.organization_ids.iter().copied()),
                ),
        )
        .join(
            JoinType::LeftJoin,
            organization::Entity,
            Expr::col((organization::Entity, organization::Column::Id))
                .equals((participant::Entity, participant::Column::OrganizationId)),
        )
        .expr_as(Expr::col((organization::Entity, organization::Column::Id)), Alias::new("org_id"))
        .expr_as(Expr::col((organization::Entity, organization::Column::Name)), Alias::new("org_name"))
        .expr_as(Expr::col((organization::Entity, organization::Column::Sector)), Alias::new("org_sector"))
        .order_by((organization::Entity, organization::Column::Name), sea_orm::Order::Asc)
        // Only the proposal and the process: PostgreSQL refuses a bare FOR SHARE on an outer
        // join's nullable side, and the organisations need no lock.
        .lock_with_tables(LockType::Share, [proposal::Entity.into_iden(), process::Entity.into_iden()]);
    let rows = db.query_all_raw(select.build(db.get_database_backend())).await?;
    let first = rows.first().ok_or(Error::NotFound("proposal"))?;
    let mut organizations = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: Option<Uuid> = row.try_get("", "org_id")?;
        if let Some(id) = id {
            organizations.push((id, row.try_get("", "org_name")?, row.try_get("", "org_sector")?));
        }
    }
    Ok(VoteContext {
        proposal: proposal::Model::from_query_result(first, SelectA.as_str())?,
        process: process::Model::from_query_result(first, SelectB.as_str())?,
        phase: first.try_get("", "current_phase_kind")?,
        organizations,
    })
}

/// Under PERSON eligibility, once the voter has voted on `proposal_id`: cancels their unsent
/// "vote closing" reminder when every other open proposal of the process has their vote too,
/// decided and done in one statement. It does not look at `proposal_id`'s own vote, so it may
/// run in the same statement as the upsert of that vote, which it could not see.
fn settle_own_vote_closing(p: &process::Model, proposal_id: Uuid, voter: Uuid) -> UpdateStatement {
    use sea_orm::{
        QueryTrait as _,
        sea_query::{ExprTrait as _, Query},
    };

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
        .and_where(proposal::Column::Id.ne(proposal_id))
        .and_where(Expr::exists(voted).not())
        .to_owned();
    outbox::cancel_keys([vote_closing_key(p.id, voter)]).filter(Expr::exists(still_open).not()).into_query()
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
    pending_voters_among(db, process_id, None).await
}

/// [`pending_voters`], looking only at the people in `among` when given: the check before a
/// batch of reminders goes out reads the batch's recipients, not every member again.
pub(super) async fn pending_voters_among<C: ConnectionTrait>(
    db: &C,
    process_id: Uuid,
    among: Option<&[Uuid]>,
) -> Result<HashMap<Uuid, Vec<Uuid>>> {
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
    let mut members = membership::Entity::find().filter(membership::Column::OrganizationId.is_in(orgs));
    if let Some(people) = among {
        members = members.filter(membership::Column::UserId.is_in(people.iter().copied()));
    }
    let members = members.all(db).await?;
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
