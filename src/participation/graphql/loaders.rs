//! Batch loading of participation rows for GraphQL: one query per kind of row and request.

use super::*;
use crate::batching::grouped;

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
    ProcessOfLeitbild,
    VersionsOfComment
);

pub(super) fn db_err(e: sea_orm::DbErr) -> Arc<Error> {
    Arc::new(e.into())
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
    type Value = Arc<[Phase]>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[PhasesOf]) -> Result<HashMap<PhasesOf, Self::Value>, Self::Error> {
        let rows = phase::Entity::find()
            .filter(phase::Column::ProcessId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(phase::Column::Position)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(grouped(rows.into_iter().map(|m| (PhasesOf(m.process_id), Phase::from(m)))))
    }
}

impl Loader<ParticipantsOf> for ParticipationLoader {
    type Value = Arc<[Uuid]>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[ParticipantsOf]) -> Result<HashMap<ParticipantsOf, Self::Value>, Self::Error> {
        let rows = participant::Entity::find()
            .filter(participant::Column::ProcessId.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(grouped(rows.into_iter().map(|m| (ParticipantsOf(m.process_id), m.organization_id))))
    }
}

impl Loader<ProposalsOf> for ParticipationLoader {
    type Value = Arc<[Proposal]>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[ProposalsOf]) -> Result<HashMap<ProposalsOf, Self::Value>, Self::Error> {
        let rows = proposal::Entity::find()
            .filter(proposal::Column::ProcessId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(proposal::Column::CreatedAt)
            .order_by_asc(proposal::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(grouped(rows.into_iter().map(|m| (ProposalsOf(m.process_id), Proposal::from(m)))))
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
    type Value = Arc<[Comment]>;
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
        Ok(grouped(rows.into_iter().map(|m| (TopCommentsOf(m.target_id), Comment::from(m)))))
    }
}

impl Loader<RepliesOf> for ParticipationLoader {
    type Value = Arc<[Comment]>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[RepliesOf]) -> Result<HashMap<RepliesOf, Self::Value>, Self::Error> {
        let rows = comment::Entity::find()
            .filter(comment::Column::ParentId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(comment::Column::CreatedAt)
            .order_by_asc(comment::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(grouped(rows.into_iter().map(|m| (RepliesOf(m.parent_id.unwrap_or_default()), Comment::from(m)))))
    }
}

impl Loader<VersionsOfComment> for ParticipationLoader {
    type Value = Arc<[CommentVersion]>;
    type Error = Arc<Error>;
    async fn load(&self, keys: &[VersionsOfComment]) -> Result<HashMap<VersionsOfComment, Self::Value>, Self::Error> {
        let rows = comment_version::Entity::find()
            .filter(comment_version::Column::CommentId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(comment_version::Column::Version)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(grouped(rows.into_iter().map(|m| (VersionsOfComment(m.comment_id), CommentVersion::from(m)))))
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
