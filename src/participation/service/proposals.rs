//! Proposals: submitting, editing and withdrawing them, and checking what they name in the draft.

use super::*;
use crate::change::Change;
use crate::german::German as _;

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
pub(super) async fn actor_participations<C: ConnectionTrait>(
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

pub(super) async fn require_open_for_proposals<C: ConnectionTrait>(db: &C, p: &process::Model) -> Result<()> {
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
    let mut txn = Change::begin(&state.db, now).await?;
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
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "proposal.submit",
            entity_type: "proposal",
            entity_id: Some(row.id),
            summary: format!("Vorschlag eingereicht ({}): {title}", input.kind.german()),
        },
    );
    txn.commit().await?;
    Ok(row)
}

/// Loads what a proposal names in the draft and checks it by [`proposal_rules::target`];
/// answers (field, goal) to store.
pub(super) async fn check_target<C: ConnectionTrait>(
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
    let mut txn = Change::begin(&state.db, now).await?;
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
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "proposal.update",
            entity_type: "proposal",
            entity_id: Some(prop.id),
            summary: format!("Vorschlag geändert: {title}"),
        },
    );
    let updated = proposal_by_id(&txn, prop.id).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The author withdraws their proposal before voting starts.
pub async fn withdraw_proposal(state: &AppState, actor: &Actor, proposal_id: Uuid) -> Result<proposal::Model> {
    actor.require(Permission::Participate)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
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
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "proposal.withdraw",
            entity_type: "proposal",
            entity_id: Some(proposal_id),
            summary: format!("Vorschlag zurückgezogen: {}", updated.title),
        },
    );
    txn.commit().await?;
    Ok(updated)
}

/// What a list of a process's proposals may be narrowed to; every part is optional.
#[derive(Debug, Default, Clone, Copy)]
pub struct ProposalFilter {
    pub status: Option<ProposalStatus>,
    /// Proposals on the field itself or on one of its goals.
    pub field_of_action_id: Option<Uuid>,
    /// The organisation the author submitted for.
    pub organization_id: Option<Uuid>,
}

impl ProposalFilter {
    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.field_of_action_id.is_none() && self.organization_id.is_none()
    }
}

/// A process's proposals in the order they came in, narrowed in SQL (indexes of migration 230),
/// so that a list stays complete however many proposals the filter leaves out.
pub async fn proposals_of<C: ConnectionTrait>(
    db: &C,
    process_id: Uuid,
    filter: ProposalFilter,
) -> Result<Vec<proposal::Model>> {
    let mut q = proposal::Entity::find().filter(proposal::Column::ProcessId.eq(process_id));
    if let Some(s) = filter.status {
        q = q.filter(proposal::Column::Status.eq(s));
    }
    if let Some(o) = filter.organization_id {
        q = q.filter(proposal::Column::AuthorOrganizationId.eq(o));
    }
    if let Some(f) = filter.field_of_action_id {
        let goals_of_field = sea_orm::sea_query::Query::select()
            .column(crate::leitbild::entities::goal::Column::Id)
            .from(crate::leitbild::entities::goal::Entity)
            .and_where(crate::leitbild::entities::goal::Column::FieldOfActionId.eq(f))
            .to_owned();
        q = q.filter(
            sea_orm::Condition::any()
                .add(proposal::Column::FieldOfActionId.eq(f))
                .add(proposal::Column::GoalId.in_subquery(goals_of_field)),
        );
    }
    Ok(q.order_by_asc(proposal::Column::CreatedAt).order_by_asc(proposal::Column::Id).all(db).await?)
}
