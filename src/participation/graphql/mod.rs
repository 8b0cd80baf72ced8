//! GraphQL face of participation: processes, proposals, votes and tallies, comments,
//! dispositions, their batch loaders, and the live subscriptions.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    ComplexObject, Context, InputObject, Object, Result, SimpleObject, Subscription,
    connection::{Connection, Edge},
    dataloader::{DataLoader, Loader},
};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{
    comments::{self, NewComment, rendered_markdown},
    dispositions::{self, DispositionRow as Row, NewDisposition},
    entities::{
        DispositionDecision, Eligibility, PhaseKind, ProcessStatus, ProposalKind, ProposalStatus, Stance, SubjectKind,
        TargetKind, VoteChoice, comment, comment_version, disposition, participant, phase, process, proposal, vote,
    },
    rules::VotingRule as Rule,
    service::{self, NewProcess, NewProposal, PhaseInput, ProposalEdit, TallyView},
};
use crate::{
    accounts::{
        entities::Sector,
        graphql::{AccountsLoader, OrgById, Organization, User, load_organization, load_user},
        policy::{Actor, Permission},
    },
    error::Error,
    graphql::{actor, actor_opt, state},
    leitbild::graphql::{FieldById, FieldOfAction, Goal, GoalById, Leitbild, LeitbildById, loader as lb_loader},
    live::LiveEvent,
    pagination::{Cursor, page_args},
    state::AppState,
};

mod loaders;
mod types;

pub use loaders::*;
pub use types::*;

// ---- inputs -----------------------------------------------------------------------------

#[derive(InputObject)]
#[graphql(name = "PhaseInput")]
pub struct PhaseInputObject {
    pub kind: PhaseKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(InputObject)]
pub struct VotingRuleInput {
    pub eligibility: Eligibility,
    pub quorum: f64,
    pub threshold: f64,
    #[graphql(default)]
    pub sector_majority: bool,
}

#[derive(InputObject)]
pub struct StartProcessInput {
    pub leitbild_id: Uuid,
    pub title: String,
    pub phases: Vec<PhaseInputObject>,
    pub voting_rule: VotingRuleInput,
    pub participant_organization_ids: Vec<Uuid>,
    /// E.g. the council decision number; recorded on the edition when the process adopts it.
    pub resolution_reference: Option<String>,
}

#[derive(InputObject)]
pub struct SubmitProposalInput {
    pub process_id: Uuid,
    pub kind: ProposalKind,
    pub field_of_action_id: Option<Uuid>,
    pub goal_id: Option<Uuid>,
    pub title: String,
    #[graphql(default)]
    pub text: String,
    #[graphql(default)]
    pub rationale: String,
}

#[derive(InputObject)]
pub struct UpdateProposalInput {
    pub proposal_id: Uuid,
    pub title: String,
    #[graphql(default)]
    pub text: String,
    #[graphql(default)]
    pub rationale: String,
    pub expected_version: i32,
}

#[derive(InputObject)]
pub struct AddCommentInput {
    pub target_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub body: String,
    #[graphql(default_with = "Stance::Neutral")]
    pub stance: Stance,
    pub anchor: Option<String>,
}

#[derive(InputObject)]
pub struct SetDispositionInput {
    /// A proposal or a comment of a process.
    pub subject_id: Uuid,
    pub decision: DispositionDecision,
    pub reason: String,
    pub link: Option<String>,
}

// ---- resolvers --------------------------------------------------------------------------

#[derive(Default)]
pub struct ParticipationQuery;

#[Object]
impl ParticipationQuery {
    async fn process(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<Process>> {
        actor(ctx)?;
        Ok(loader(ctx).load_one(ProcessById(id)).await?)
    }

    async fn proposal(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<Proposal>> {
        actor(ctx)?;
        match service::proposal_by_id(&state(ctx).db, id).await {
            Ok(p) => Ok(Some(p.into())),
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Top-level comments on a proposal, goal or field of action, newest first; replies hang
    /// under `replies`.
    async fn comments(
        &self,
        ctx: &Context<'_>,
        target_id: Uuid,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Comment>> {
        actor(ctx)?;
        let (first, after) = page_args(first, after.as_deref())?;
        let (rows, more) = comments::list(&state(ctx).db, target_id, first, after).await?;
        let mut conn = Connection::new(after.is_some(), more);
        conn.edges.extend(rows.into_iter().map(|m| {
            let cursor = Cursor { at: m.created_at, id: m.id }.encode();
            Edge::new(cursor, Comment::from(m))
        }));
        Ok(conn)
    }

    async fn dispositions(&self, ctx: &Context<'_>, process_id: Uuid) -> Result<Vec<DispositionRow>> {
        let a = actor(ctx)?;
        Ok(dispositions::table(&state(ctx).db, a, process_id).await?.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct ParticipationMutation;

#[Object]
impl ParticipationMutation {
    /// Adopts a draft that no process runs on (a process adopts its draft when it ends).
    async fn adopt_leitbild(
        &self,
        ctx: &Context<'_>,
        leitbild_id: Uuid,
        resolution_reference: Option<String>,
    ) -> Result<crate::leitbild::graphql::Leitbild> {
        let a = actor(ctx)?;
        Ok(service::adopt_leitbild(state(ctx), a, leitbild_id, resolution_reference).await?.into())
    }

    async fn start_process(&self, ctx: &Context<'_>, input: StartProcessInput) -> Result<Process> {
        let a = actor(ctx)?;
        let p = service::start_process(
            state(ctx),
            a,
            NewProcess {
                leitbild_id: input.leitbild_id,
                title: input.title,
                phases: input
                    .phases
                    .into_iter()
                    .map(|p| PhaseInput { kind: p.kind, starts_at: p.starts_at, ends_at: p.ends_at })
                    .collect(),
                eligibility: input.voting_rule.eligibility,
                rule: Rule {
                    quorum: input.voting_rule.quorum,
                    threshold: input.voting_rule.threshold,
                    sector_majority: input.voting_rule.sector_majority,
                },
                participant_ids: input.participant_organization_ids,
                resolution_reference: input.resolution_reference,
            },
        )
        .await?;
        Ok(p.into())
    }

    /// Ends the current phase now (coordinators); the scheduler does it at the phase's end.
    /// Leaving the last phase adopts the draft: while contributions are undecided in the
    /// Abwägung this is refused (CONFLICT, `details { openContributions ids }`) unless
    /// `acceptOpenContributions` is true; then they stay "nicht entschieden". The scheduler
    /// never adopts with open contributions: the process waits in its last phase.
    async fn advance_process(
        &self,
        ctx: &Context<'_>,
        process_id: Uuid,
        accept_open_contributions: Option<bool>,
    ) -> Result<Process> {
        let a = actor(ctx)?;
        let accept = accept_open_contributions.unwrap_or(false);
        Ok(service::advance_process(state(ctx), a, process_id, accept).await?.into())
    }

    async fn submit_proposal(&self, ctx: &Context<'_>, input: SubmitProposalInput) -> Result<Proposal> {
        let a = actor(ctx)?;
        let p = service::submit_proposal(
            state(ctx),
            a,
            NewProposal {
                process_id: input.process_id,
                kind: input.kind,
                field_of_action_id: input.field_of_action_id,
                goal_id: input.goal_id,
                title: input.title,
                text: input.text,
                rationale: input.rationale,
            },
        )
        .await?;
        Ok(p.into())
    }

    async fn update_proposal(&self, ctx: &Context<'_>, input: UpdateProposalInput) -> Result<Proposal> {
        let a = actor(ctx)?;
        let p = service::update_proposal(
            state(ctx),
            a,
            ProposalEdit {
                proposal_id: input.proposal_id,
                title: input.title,
                text: input.text,
                rationale: input.rationale,
                expected_version: input.expected_version,
            },
        )
        .await?;
        Ok(p.into())
    }

    async fn withdraw_proposal(&self, ctx: &Context<'_>, proposal_id: Uuid) -> Result<Proposal> {
        let a = actor(ctx)?;
        Ok(service::withdraw_proposal(state(ctx), a, proposal_id).await?.into())
    }

    /// Casts or changes a vote; `organizationId` says for which organisation when the asker
    /// belongs to several participating ones.
    async fn cast_vote(
        &self,
        ctx: &Context<'_>,
        proposal_id: Uuid,
        choice: VoteChoice,
        organization_id: Option<Uuid>,
    ) -> Result<Vote> {
        let a = actor(ctx)?;
        Ok(service::cast_vote(state(ctx), a, proposal_id, choice, organization_id).await?.into())
    }

    async fn add_comment(&self, ctx: &Context<'_>, input: AddCommentInput) -> Result<Comment> {
        let a = actor(ctx)?;
        let c = comments::add_comment(
            state(ctx),
            a,
            NewComment {
                target_id: input.target_id,
                parent_id: input.parent_id,
                body: input.body,
                stance: input.stance,
                anchor: input.anchor,
            },
        )
        .await?;
        Ok(c.into())
    }

    async fn edit_comment(
        &self,
        ctx: &Context<'_>,
        comment_id: Uuid,
        body: String,
        expected_version: i32,
    ) -> Result<Comment> {
        let a = actor(ctx)?;
        Ok(comments::edit_comment(state(ctx), a, comment_id, &body, expected_version).await?.into())
    }

    async fn hide_comment(&self, ctx: &Context<'_>, comment_id: Uuid, reason: String) -> Result<Comment> {
        let a = actor(ctx)?;
        Ok(comments::hide_comment(state(ctx), a, comment_id, &reason).await?.into())
    }

    async fn set_disposition(&self, ctx: &Context<'_>, input: SetDispositionInput) -> Result<Disposition> {
        let a = actor(ctx)?;
        let d = dispositions::set_disposition(
            state(ctx),
            a,
            NewDisposition {
                subject_id: input.subject_id,
                decision: input.decision,
                reason: input.reason,
                link: input.link,
            },
        )
        .await?;
        Ok(d.into())
    }
}

#[derive(Default)]
pub struct ParticipationSubscription;

/// How long a subscription trusts its session before checking it again when nothing changed.
const SESSION_RECHECK_SECS: i64 = 5;

/// Live events of this replica's bus, skipping what a slow subscriber missed. The stream ends
/// once the subscriber's session ended or lost rights. A logout, deactivation, erasure, role or
/// membership change is announced on the same ordered bus as the events, so the stream sees it
/// before any later event and checks the session again before passing that event on; expiry
/// is caught by a check every few seconds.
fn events(state: AppState, actor: &Actor) -> impl Stream<Item = LiveEvent> + use<> {
    let rx = state.live.subscribe();
    let me = actor.clone();
    let checked = state.now();
    futures_util::stream::unfold((rx, checked), move |(mut rx, mut checked)| {
        let (state, me) = (state.clone(), me.clone());
        async move {
            loop {
                let (event, must_check) = match rx.recv().await {
                    Ok(e @ LiveEvent::UserChanged { user_id }) => (e, user_id == me.user_id),
                    Ok(e) => (e, false),
                    // What was missed may have been a logout: check before the next event.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        checked = state.now() - chrono::Duration::seconds(SESSION_RECHECK_SECS);
                        continue;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                };
                let now = state.now();
                if must_check || (now - checked).num_seconds() >= SESSION_RECHECK_SECS {
                    if !crate::accounts::service::still_entitled(&state, &me).await {
                        return None;
                    }
                    checked = now;
                }
                if matches!(event, LiveEvent::UserChanged { .. }) {
                    continue;
                }
                return Some((event, (rx, checked)));
            }
        }
    })
}

#[Subscription]
impl ParticipationSubscription {
    /// Each new comment (or reply) on the target.
    async fn comment_added(&self, ctx: &Context<'_>, target_id: Uuid) -> Result<impl Stream<Item = Comment>> {
        let a = actor(ctx)?;
        let st = state(ctx).clone();
        comments::ensure_target(&st.db, target_id).await?;
        Ok(events(st.clone(), a).filter_map(move |e| {
            let st = st.clone();
            async move {
                match e {
                    LiveEvent::CommentAdded { target_id: t, comment_id } if t == target_id => {
                        comments::comment_by_id(&st.db, comment_id).await.ok().map(Comment::from)
                    }
                    _ => None,
                }
            }
        }))
    }

    /// The proposal's tally after each vote, for those who may see it (coordinators while
    /// voting is open, everyone once decided).
    async fn tally_changed(&self, ctx: &Context<'_>, proposal_id: Uuid) -> Result<impl Stream<Item = Tally>> {
        let a = actor(ctx)?.clone();
        let st = state(ctx).clone();
        service::proposal_by_id(&st.db, proposal_id).await?;
        Ok(events(st.clone(), &a).filter_map(move |e| {
            let (st, a) = (st.clone(), a.clone());
            async move {
                match e {
                    LiveEvent::TallyChanged { proposal_id: p } if p == proposal_id => {
                        let prop = service::proposal_by_id(&st.db, p).await.ok()?;
                        if !service::may_see_tally(&a, prop.status) {
                            return None;
                        }
                        service::tallies_for(&st.db, &[p]).await.ok()?.remove(&p).map(Tally::from)
                    }
                    _ => None,
                }
            }
        }))
    }
}
