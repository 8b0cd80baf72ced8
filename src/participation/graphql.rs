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
    comments::{self, NewComment, render_markdown},
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

// ---- types ------------------------------------------------------------------------------

#[derive(SimpleObject, Clone)]
pub struct Phase {
    pub kind: PhaseKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl From<phase::Model> for Phase {
    fn from(m: phase::Model) -> Self {
        Self { kind: m.kind, starts_at: m.starts_at, ends_at: m.ends_at }
    }
}

#[derive(SimpleObject, Clone)]
pub struct VotingRule {
    pub eligibility: Eligibility,
    /// Share of the eligible that must vote (abstentions count), 0..1.
    pub quorum: f64,
    /// Share of YES among YES+NO needed, 0..1; a tie never passes.
    pub threshold: f64,
    /// YES must outweigh NO in every sector that voted YES or NO.
    pub sector_majority: bool,
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Process {
    pub id: Uuid,
    pub title: String,
    pub status: ProcessStatus,
    pub voting_rule: VotingRule,
    pub resolution_reference: Option<String>,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    pub leitbild_id: Uuid,
    #[graphql(skip)]
    pub current_phase: i32,
}

impl From<process::Model> for Process {
    fn from(m: process::Model) -> Self {
        Self {
            id: m.id,
            title: m.title,
            status: m.status,
            voting_rule: VotingRule {
                eligibility: m.eligibility,
                quorum: m.quorum,
                threshold: m.threshold,
                sector_majority: m.sector_majority,
            },
            resolution_reference: m.resolution_reference,
            created_at: m.created_at,
            leitbild_id: m.leitbild_id,
            current_phase: m.current_phase,
        }
    }
}

#[ComplexObject]
impl Process {
    /// The draft edition the process updates.
    async fn leitbild(&self, ctx: &Context<'_>) -> Result<Option<Leitbild>> {
        Ok(lb_loader(ctx).load_one(LeitbildById(self.leitbild_id)).await?)
    }

    async fn phases(&self, ctx: &Context<'_>) -> Result<Vec<Phase>> {
        Ok(loader(ctx).load_one(PhasesOf(self.id)).await?.unwrap_or_default())
    }

    /// Null once the process is completed.
    async fn current_phase(&self, ctx: &Context<'_>) -> Result<Option<Phase>> {
        if self.status != ProcessStatus::Active {
            return Ok(None);
        }
        let phases = loader(ctx).load_one(PhasesOf(self.id)).await?.unwrap_or_default();
        Ok(phases.into_iter().nth(self.current_phase as usize))
    }

    async fn participants(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        let ids = loader(ctx).load_one(ParticipantsOf(self.id)).await?.unwrap_or_default();
        let orgs = ctx.data_unchecked::<DataLoader<AccountsLoader>>().load_many(ids.into_iter().map(OrgById)).await?;
        let mut out: Vec<Organization> = orgs.into_values().collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// In the order they came in.
    async fn proposals(&self, ctx: &Context<'_>) -> Result<Vec<Proposal>> {
        Ok(loader(ctx).load_one(ProposalsOf(self.id)).await?.unwrap_or_default())
    }

    /// The disposition table: every proposal and comment of the process with its decision.
    async fn dispositions(&self, ctx: &Context<'_>) -> Result<Vec<DispositionRow>> {
        let a = actor(ctx)?;
        Ok(dispositions::table(&state(ctx).db, a, self.id).await?.into_iter().map(Into::into).collect())
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Proposal {
    pub id: Uuid,
    pub kind: ProposalKind,
    pub status: ProposalStatus,
    pub title: String,
    pub text: String,
    pub rationale: String,
    /// Send it back as `expectedVersion` when editing.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The goal or field of action the accepted proposal created, changed or removed.
    pub result_entity_id: Option<Uuid>,
    pub process_id: Uuid,
    #[graphql(skip)]
    pub author_id: Uuid,
    #[graphql(skip)]
    pub author_organization_id: Option<Uuid>,
    #[graphql(skip)]
    pub goal_id: Option<Uuid>,
    #[graphql(skip)]
    pub field_of_action_id: Option<Uuid>,
}

impl From<proposal::Model> for Proposal {
    fn from(m: proposal::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            status: m.status,
            title: m.title,
            text: m.text,
            rationale: m.rationale,
            version: m.version,
            created_at: m.created_at,
            decided_at: m.decided_at,
            result_entity_id: m.result_entity_id,
            process_id: m.process_id,
            author_id: m.author_id,
            author_organization_id: m.author_organization_id,
            goal_id: m.goal_id,
            field_of_action_id: m.field_of_action_id,
        }
    }
}

#[ComplexObject]
impl Proposal {
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.author_id).await
    }

    async fn author_organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.author_organization_id {
            Some(id) => load_organization(ctx, id).await,
            None => Ok(None),
        }
    }

    async fn process(&self, ctx: &Context<'_>) -> Result<Option<Process>> {
        Ok(loader(ctx).load_one(ProcessById(self.process_id)).await?)
    }

    /// The goal amended or removed (or, for ADD_GOAL, the parent goal of a new sub-goal).
    async fn goal(&self, ctx: &Context<'_>) -> Result<Option<Goal>> {
        match self.goal_id {
            Some(id) => Ok(lb_loader(ctx).load_one(GoalById(id)).await?),
            None => Ok(None),
        }
    }

    async fn field_of_action(&self, ctx: &Context<'_>) -> Result<Option<FieldOfAction>> {
        match self.field_of_action_id {
            Some(id) => Ok(lb_loader(ctx).load_one(FieldById(id)).await?),
            None => Ok(None),
        }
    }

    /// For amendments: the current title of the goal or field, to show beside the proposed one.
    async fn current_title(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.current(ctx).await?.map(|(t, _)| t))
    }

    /// For amendments: the current text of the goal or field, to show beside the proposed one.
    async fn current_text(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.current(ctx).await?.map(|(_, t)| t))
    }

    /// The running tally for coordinators; for everyone once decided; otherwise null.
    async fn tally(&self, ctx: &Context<'_>) -> Result<Option<Tally>> {
        let a = actor(ctx)?;
        if !service::may_see_tally(a, self.status) {
            return Ok(None);
        }
        Ok(loader(ctx).load_one(TallyOf(self.id)).await?)
    }

    /// The asker's own vote (or their organisation's under ORGANIZATION eligibility).
    async fn my_vote(&self, ctx: &Context<'_>) -> Result<Option<Vote>> {
        if actor_opt(ctx).is_none() {
            return Ok(None);
        }
        Ok(loader(ctx).load_one(MyVoteOn(self.id)).await?)
    }

    /// The newest top-level comments (at most `first`, default 20); page with `Query.comments`.
    async fn comments(&self, ctx: &Context<'_>, first: Option<i32>) -> Result<Vec<Comment>> {
        let (first, _) = page_args(first, None)?;
        let all = loader(ctx).load_one(TopCommentsOf(self.id)).await?.unwrap_or_default();
        Ok(all.into_iter().take(first as usize).collect())
    }

    async fn comment_count(&self, ctx: &Context<'_>) -> Result<i64> {
        comment_count(ctx, self.id).await
    }

    async fn disposition(&self, ctx: &Context<'_>) -> Result<Option<Disposition>> {
        Ok(loader(ctx).load_one(DispositionOf(self.id)).await?)
    }
}

impl Proposal {
    async fn current(&self, ctx: &Context<'_>) -> Result<Option<(String, String)>> {
        match self.kind {
            ProposalKind::AmendGoal | ProposalKind::RemoveGoal => match self.goal_id {
                Some(id) => Ok(lb_loader(ctx).load_one(GoalById(id)).await?.map(|g| (g.title, g.description))),
                None => Ok(None),
            },
            ProposalKind::AmendFieldOfAction | ProposalKind::RemoveFieldOfAction => match self.field_of_action_id {
                Some(id) => Ok(lb_loader(ctx).load_one(FieldById(id)).await?.map(|f| (f.title, f.description))),
                None => Ok(None),
            },
            ProposalKind::AddGoal | ProposalKind::AddFieldOfAction => Ok(None),
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct SectorTally {
    pub sector: Sector,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct OrganizationVote {
    pub choice: VoteChoice,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    pub organization_id: Uuid,
    #[graphql(skip)]
    pub cast_by: Uuid,
}

#[ComplexObject]
impl OrganizationVote {
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        load_organization(ctx, self.organization_id).await
    }

    /// The member whose vote counts: the last one to vote for the organisation.
    async fn cast_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.cast_by).await
    }
}

#[derive(SimpleObject, Clone)]
pub struct Tally {
    pub proposal_id: Uuid,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    pub eligible: u32,
    pub quorum_reached: bool,
    /// Whether the proposal passes (or would pass, while voting is open) by the rule.
    pub accepted: bool,
    pub by_sector: Vec<SectorTally>,
    /// Under ORGANIZATION eligibility: each organisation's vote and who cast it.
    pub organization_votes: Vec<OrganizationVote>,
}

impl From<TallyView> for Tally {
    fn from(v: TallyView) -> Self {
        let o = v.outcome;
        Self {
            proposal_id: v.proposal_id,
            yes: o.counts.yes,
            no: o.counts.no,
            abstain: o.counts.abstain,
            eligible: o.eligible,
            quorum_reached: o.quorum_reached,
            accepted: o.accepted,
            by_sector: o
                .by_sector
                .into_iter()
                .map(|(sector, c)| SectorTally { sector, yes: c.yes, no: c.no, abstain: c.abstain })
                .collect(),
            organization_votes: match v.eligibility {
                Eligibility::Organization => v
                    .organization_votes
                    .into_iter()
                    .map(|m| OrganizationVote {
                        choice: m.choice,
                        updated_at: m.updated_at,
                        organization_id: m.voter_id,
                        cast_by: m.cast_by,
                    })
                    .collect(),
                Eligibility::Person => vec![],
            },
        }
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Vote {
    pub id: Uuid,
    pub proposal_id: Uuid,
    pub choice: VoteChoice,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    pub cast_by: Uuid,
    #[graphql(skip)]
    pub organization_id: Option<Uuid>,
}

impl From<vote::Model> for Vote {
    fn from(m: vote::Model) -> Self {
        Self {
            id: m.id,
            proposal_id: m.proposal_id,
            choice: m.choice,
            updated_at: m.updated_at,
            cast_by: m.cast_by,
            organization_id: m.organization_id,
        }
    }
}

#[ComplexObject]
impl Vote {
    async fn cast_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.cast_by).await
    }

    /// The organisation the vote was cast for (or, for a person, through).
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.organization_id {
            Some(id) => load_organization(ctx, id).await,
            None => Ok(None),
        }
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Comment {
    pub id: Uuid,
    pub target_id: Uuid,
    pub target_kind: TargetKind,
    pub stance: Stance,
    /// The quoted passage of the target's text the comment refers to.
    pub anchor: Option<String>,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    pub raw_body: String,
    #[graphql(skip)]
    pub author_id: Uuid,
    #[graphql(skip)]
    pub parent_id: Option<Uuid>,
}

impl From<comment::Model> for Comment {
    fn from(m: comment::Model) -> Self {
        Self {
            id: m.id,
            target_id: m.target_id,
            target_kind: m.target_kind,
            stance: m.stance,
            anchor: m.anchor,
            hidden: m.hidden_at.is_some(),
            hidden_reason: m.hidden_reason,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
            raw_body: m.body,
            author_id: m.author_id,
            parent_id: m.parent_id,
        }
    }
}

impl Comment {
    /// A hidden comment's text is for moderators only.
    fn visible_body(&self, ctx: &Context<'_>) -> Option<&str> {
        let moderator = actor_opt(ctx).is_some_and(|a| a.can(Permission::Moderate));
        (!self.hidden || moderator).then_some(self.raw_body.as_str())
    }
}

#[ComplexObject]
impl Comment {
    /// The text as written (Markdown); null when hidden, unless the asker moderates.
    async fn body(&self, ctx: &Context<'_>) -> Option<String> {
        self.visible_body(ctx).map(str::to_string)
    }

    /// The text rendered from Markdown and sanitised: safe to insert as HTML.
    async fn body_html(&self, ctx: &Context<'_>) -> Option<String> {
        self.visible_body(ctx).map(render_markdown)
    }

    async fn author(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.author_id).await
    }

    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Comment>> {
        match self.parent_id {
            Some(id) => Ok(loader(ctx).load_one(CommentById(id)).await?),
            None => Ok(None),
        }
    }

    /// Replies, oldest first.
    async fn replies(&self, ctx: &Context<'_>) -> Result<Vec<Comment>> {
        Ok(loader(ctx).load_one(RepliesOf(self.id)).await?.unwrap_or_default())
    }

    /// Every version of the text, oldest first (for moderators and the author).
    async fn versions(&self, ctx: &Context<'_>) -> Result<Vec<CommentVersion>> {
        let a = actor(ctx)?;
        if a.user_id != self.author_id && !a.can(Permission::Moderate) {
            return Ok(vec![]);
        }
        Ok(comments::versions(&state(ctx).db, self.id).await?.into_iter().map(Into::into).collect())
    }
}

#[derive(SimpleObject, Clone)]
pub struct CommentVersion {
    pub version: i32,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<comment_version::Model> for CommentVersion {
    fn from(m: comment_version::Model) -> Self {
        Self { version: m.version, body: m.body, created_at: m.created_at }
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Disposition {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub subject_kind: SubjectKind,
    pub decision: DispositionDecision,
    pub reason: String,
    /// The change the contribution caused: an id in the draft or a URL.
    pub link: Option<String>,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    pub decided_by: Uuid,
}

impl From<disposition::Model> for Disposition {
    fn from(m: disposition::Model) -> Self {
        Self {
            id: m.id,
            subject_id: m.subject_id,
            subject_kind: m.subject_kind,
            decision: m.decision,
            reason: m.reason,
            link: m.link,
            updated_at: m.updated_at,
            decided_by: m.decided_by,
        }
    }
}

#[ComplexObject]
impl Disposition {
    async fn decided_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.decided_by).await
    }
}

/// One line of the disposition table.
#[derive(SimpleObject, Clone)]
pub struct DispositionRow {
    pub subject_kind: SubjectKind,
    pub subject_id: Uuid,
    pub submitted_at: DateTime<Utc>,
    /// The proposal's title or the comment's text ("(ausgeblendet)" when hidden).
    pub text: String,
    pub author_id: Uuid,
    pub author_name: String,
    pub organization_name: Option<String>,
    pub proposal_status: Option<ProposalStatus>,
    /// For an accepted proposal: the goal or field of action it created, changed or removed.
    pub result_entity_id: Option<Uuid>,
    pub hidden: bool,
    /// Null while undecided.
    pub disposition: Option<Disposition>,
}

impl From<Row> for DispositionRow {
    fn from(r: Row) -> Self {
        Self {
            subject_kind: r.subject_kind,
            subject_id: r.subject_id,
            submitted_at: r.submitted_at,
            text: r.text,
            author_id: r.author_id,
            author_name: r.author_name,
            organization_name: r.organization_name,
            proposal_status: r.proposal_status,
            result_entity_id: r.result_entity_id,
            hidden: r.hidden,
            disposition: r.disposition.map(Into::into),
        }
    }
}

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

// ---- batch loading ----------------------------------------------------------------------

/// One loader for the area; it knows the asker, for their own votes.
pub struct ParticipationLoader {
    pub db: DatabaseConnection,
    pub actor: Option<Actor>,
}

macro_rules! key {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub Uuid);
    )*};
}
key!(
    ProcessById,
    PhasesOf,
    ParticipantsOf,
    ProposalsOf,
    TallyOf,
    MyVoteOn,
    TopCommentsOf,
    RepliesOf,
    CommentById,
    CommentCountOf,
    DispositionOf,
    ProcessOfLeitbild
);

fn db_err(e: sea_orm::DbErr) -> Arc<Error> {
    Arc::new(e.into())
}

fn group<K: std::hash::Hash + Eq, V, T>(
    rows: Vec<T>,
    key: impl Fn(&T) -> K,
    map: impl Fn(T) -> V,
) -> HashMap<K, Vec<V>> {
    let mut out: HashMap<K, Vec<V>> = HashMap::new();
    for r in rows {
        out.entry(key(&r)).or_default().push(map(r));
    }
    out
}

impl Loader<ProcessById> for ParticipationLoader {
    type Value = Process;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[ProcessById]) -> Result<HashMap<ProcessById, Process>, Self::Error> {
        let rows = process::Entity::find()
            .filter(process::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|m| (ProcessById(m.id), m.into())).collect())
    }
}

impl Loader<ProcessOfLeitbild> for ParticipationLoader {
    type Value = Process;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[ProcessOfLeitbild]) -> Result<HashMap<ProcessOfLeitbild, Process>, Self::Error> {
        let rows = process::Entity::find()
            .filter(process::Column::LeitbildId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|m| (ProcessOfLeitbild(m.leitbild_id), m.into())).collect())
    }
}

impl Loader<PhasesOf> for ParticipationLoader {
    type Value = Vec<Phase>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[PhasesOf]) -> Result<HashMap<PhasesOf, Self::Value>, Self::Error> {
        let rows = phase::Entity::find()
            .filter(phase::Column::ProcessId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(phase::Column::Position)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(group(rows, |m| PhasesOf(m.process_id), Phase::from))
    }
}

impl Loader<ParticipantsOf> for ParticipationLoader {
    type Value = Vec<Uuid>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[ParticipantsOf]) -> Result<HashMap<ParticipantsOf, Self::Value>, Self::Error> {
        let rows = participant::Entity::find()
            .filter(participant::Column::ProcessId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(group(rows, |m| ParticipantsOf(m.process_id), |m| m.organization_id))
    }
}

impl Loader<ProposalsOf> for ParticipationLoader {
    type Value = Vec<Proposal>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[ProposalsOf]) -> Result<HashMap<ProposalsOf, Self::Value>, Self::Error> {
        let rows = proposal::Entity::find()
            .filter(proposal::Column::ProcessId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(proposal::Column::CreatedAt)
            .order_by_asc(proposal::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(group(rows, |m| ProposalsOf(m.process_id), Proposal::from))
    }
}

impl Loader<TallyOf> for ParticipationLoader {
    type Value = Tally;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[TallyOf]) -> Result<HashMap<TallyOf, Tally>, Self::Error> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let tallies = service::tallies_for(&self.db, &ids).await.map_err(Arc::new)?;
        Ok(tallies.into_iter().map(|(id, t)| (TallyOf(id), t.into())).collect())
    }
}

impl Loader<MyVoteOn> for ParticipationLoader {
    type Value = Vote;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[MyVoteOn]) -> Result<HashMap<MyVoteOn, Vote>, Self::Error> {
        let Some(actor) = &self.actor else { return Ok(HashMap::new()) };
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let votes = service::my_votes(&self.db, actor, &ids).await.map_err(Arc::new)?;
        Ok(votes.into_iter().map(|(id, v)| (MyVoteOn(id), v.into())).collect())
    }
}

impl Loader<TopCommentsOf> for ParticipationLoader {
    type Value = Vec<Comment>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[TopCommentsOf]) -> Result<HashMap<TopCommentsOf, Self::Value>, Self::Error> {
        let rows = comment::Entity::find()
            .filter(comment::Column::TargetId.is_in(keys.iter().map(|k| k.0)))
            .filter(comment::Column::ParentId.is_null())
            .order_by_desc(comment::Column::CreatedAt)
            .order_by_desc(comment::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(group(rows, |m| TopCommentsOf(m.target_id), Comment::from))
    }
}

impl Loader<RepliesOf> for ParticipationLoader {
    type Value = Vec<Comment>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[RepliesOf]) -> Result<HashMap<RepliesOf, Self::Value>, Self::Error> {
        let rows = comment::Entity::find()
            .filter(comment::Column::ParentId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(comment::Column::CreatedAt)
            .order_by_asc(comment::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(group(rows, |m| RepliesOf(m.parent_id.unwrap_or_default()), Comment::from))
    }
}

impl Loader<CommentById> for ParticipationLoader {
    type Value = Comment;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[CommentById]) -> Result<HashMap<CommentById, Comment>, Self::Error> {
        let rows = comment::Entity::find()
            .filter(comment::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|m| (CommentById(m.id), m.into())).collect())
    }
}

impl Loader<CommentCountOf> for ParticipationLoader {
    type Value = i64;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[CommentCountOf]) -> Result<HashMap<CommentCountOf, i64>, Self::Error> {
        let rows: Vec<(Uuid, i64)> = comment::Entity::find()
            .select_only()
            .column(comment::Column::TargetId)
            .column_as(comment::Column::Id.count(), "n")
            .filter(comment::Column::TargetId.is_in(keys.iter().map(|k| k.0)))
            .group_by(comment::Column::TargetId)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|(id, n)| (CommentCountOf(id), n)).collect())
    }
}

impl Loader<DispositionOf> for ParticipationLoader {
    type Value = Disposition;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[DispositionOf]) -> Result<HashMap<DispositionOf, Disposition>, Self::Error> {
        let rows = disposition::Entity::find()
            .filter(disposition::Column::SubjectId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|m| (DispositionOf(m.subject_id), m.into())).collect())
    }
}

pub fn loader<'a>(ctx: &Context<'a>) -> &'a DataLoader<ParticipationLoader> {
    ctx.data_unchecked::<DataLoader<ParticipationLoader>>()
}

/// Comments (with replies) on any target; used by goals and fields of action.
pub async fn comment_count(ctx: &Context<'_>, target_id: Uuid) -> Result<i64> {
    Ok(loader(ctx).load_one(CommentCountOf(target_id)).await?.unwrap_or(0))
}

/// The process running (or run) on an edition; used by `Leitbild.process`.
pub async fn process_of_leitbild(ctx: &Context<'_>, leitbild_id: Uuid) -> Result<Option<Process>> {
    Ok(loader(ctx).load_one(ProcessOfLeitbild(leitbild_id)).await?)
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
    async fn advance_process(&self, ctx: &Context<'_>, process_id: Uuid) -> Result<Process> {
        let a = actor(ctx)?;
        Ok(service::advance_process(state(ctx), a, process_id).await?.into())
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
