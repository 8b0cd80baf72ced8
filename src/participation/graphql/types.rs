//! GraphQL types of participation: processes, phases, proposals, votes, tallies, comments, dispositions.

use super::*;

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

    async fn phases(&self, ctx: &Context<'_>) -> Result<Arc<[Phase]>> {
        Ok(loader(ctx).load_one(PhasesOf(self.id)).await?.unwrap_or_default())
    }

    /// Null once the process is completed.
    async fn current_phase(&self, ctx: &Context<'_>) -> Result<Option<Phase>> {
        if self.status != ProcessStatus::Active {
            return Ok(None);
        }
        let phases = loader(ctx).load_one(PhasesOf(self.id)).await?.unwrap_or_default();
        Ok(phases.get(self.current_phase as usize).cloned())
    }

    async fn participants(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        let ids = loader(ctx).load_one(ParticipantsOf(self.id)).await?.unwrap_or_default();
        let orgs =
            ctx.data_unchecked::<DataLoader<AccountsLoader>>().load_many(ids.iter().copied().map(OrgById)).await?;
        let mut out: Vec<Organization> = orgs.into_values().collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// In the order they came in; optionally only those of one status, one field of action
    /// (the field itself or its goals) or one submitting organisation.
    async fn proposals(
        &self,
        ctx: &Context<'_>,
        status: Option<ProposalStatus>,
        field_of_action_id: Option<Uuid>,
        organization_id: Option<Uuid>,
    ) -> Result<Arc<[Proposal]>> {
        let filter = service::ProposalFilter { status, field_of_action_id, organization_id };
        if filter.is_empty() {
            // The unfiltered list is batched across processes by the loader.
            return Ok(loader(ctx).load_one(ProposalsOf(self.id)).await?.unwrap_or_default());
        }
        Ok(service::proposals_of(&state(ctx).db, self.id, filter).await?.into_iter().map(Proposal::from).collect())
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
        Ok(all.iter().take(first as usize).cloned().collect())
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
    /// YES outweighs NO in this sector (what "majority in every sector" asks of each).
    pub majority: bool,
}

/// The votes cast for one organisation: its single vote under ORGANIZATION eligibility, its
/// members' votes under PERSON eligibility.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct OrganizationTally {
    #[graphql(skip)]
    pub organization_id: Uuid,
    /// The sector the votes were counted in (the organisation's sector when they were cast).
    pub sector: Option<Sector>,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
}

#[ComplexObject]
impl OrganizationTally {
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        load_organization(ctx, self.organization_id).await
    }
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
    /// The votes (abstentions included) the quorum asks for.
    pub quorum_votes: u32,
    pub quorum_reached: bool,
    /// Whether the proposal passes (or would pass, while voting is open) by the rule.
    pub accepted: bool,
    pub by_sector: Vec<SectorTally>,
    /// The votes per organisation, in sector order.
    pub by_organization: Vec<OrganizationTally>,
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
            quorum_votes: o.quorum_votes,
            quorum_reached: o.quorum_reached,
            accepted: o.accepted,
            by_sector: o
                .by_sector
                .into_iter()
                .map(|(sector, c)| SectorTally {
                    sector,
                    yes: c.yes,
                    no: c.no,
                    abstain: c.abstain,
                    majority: c.yes > c.no,
                })
                .collect(),
            by_organization: v
                .by_organization
                .into_iter()
                .map(|o| OrganizationTally {
                    organization_id: o.organization_id,
                    sector: o.sector,
                    yes: o.counts.yes,
                    no: o.counts.no,
                    abstain: o.counts.abstain,
                })
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
    async fn body_html(&self, ctx: &Context<'_>) -> Option<Arc<String>> {
        self.visible_body(ctx).map(rendered_markdown)
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
    async fn replies(&self, ctx: &Context<'_>) -> Result<Arc<[Comment]>> {
        Ok(loader(ctx).load_one(RepliesOf(self.id)).await?.unwrap_or_default())
    }

    /// Every version of the text, oldest first (for moderators and the author).
    async fn versions(&self, ctx: &Context<'_>) -> Result<Arc<[CommentVersion]>> {
        let a = actor(ctx)?;
        if a.user_id != self.author_id && !a.can(Permission::Moderate) {
            return Ok(Arc::default());
        }
        Ok(loader(ctx).load_one(VersionsOfComment(self.id)).await?.unwrap_or_default())
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
