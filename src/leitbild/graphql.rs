//! GraphQL face of Leitbild editions: editions, fields of action, goals, versions and diffs.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    ComplexObject, Context, InputObject, Object, Result, SimpleObject,
    dataloader::{DataLoader, Loader},
};
use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

use crate::diff::DiffSegment;

use super::{
    entities::{LeitbildStatus, field_of_action, goal, goal_version, leitbild},
    service::{self, GoalEdit, NewGoal, NewLeitbild},
};
use crate::{
    accounts::graphql::{User, load_user},
    batching::grouped,
    error::Error,
    graphql::{actor, state},
};

// ---- types ------------------------------------------------------------------------------

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Leitbild {
    pub id: Uuid,
    pub title: String,
    pub year: i32,
    pub status: LeitbildStatus,
    pub adopted_at: Option<DateTime<Utc>>,
    /// E.g. the council decision number of the adoption.
    pub resolution_reference: Option<String>,
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    pub based_on_id: Option<Uuid>,
    /// The edition it was copied from, when read in the same statement (see [`LeitbildById`]).
    #[graphql(skip)]
    pub based_on: Option<Arc<Leitbild>>,
}

impl From<leitbild::Model> for Leitbild {
    fn from(m: leitbild::Model) -> Self {
        Self {
            id: m.id,
            title: m.title,
            year: m.year,
            status: m.status,
            adopted_at: m.adopted_at,
            resolution_reference: m.resolution_reference,
            created_at: m.created_at,
            based_on_id: m.based_on_id,
            based_on: None,
        }
    }
}

#[ComplexObject]
impl Leitbild {
    /// The adopted edition this draft was copied from.
    async fn based_on(&self, ctx: &Context<'_>) -> Result<Option<Arc<Leitbild>>> {
        if let Some(known) = &self.based_on {
            return Ok(Some(known.clone()));
        }
        match self.based_on_id {
            Some(id) => Ok(loader(ctx).load_one(LeitbildById(id)).await?.map(Arc::new)),
            None => Ok(None),
        }
    }

    /// The participation process on this edition, if one was started.
    async fn process(&self, ctx: &Context<'_>) -> Result<Option<crate::participation::graphql::Process>> {
        crate::participation::graphql::process_of_leitbild(ctx, self.id).await
    }

    /// In their order.
    async fn fields_of_action(&self, ctx: &Context<'_>) -> Result<Arc<[FieldOfAction]>> {
        Ok(loader(ctx).load_one(FieldsOfLeitbild(self.id)).await?.unwrap_or_default())
    }

    /// The fields of action the monitoring covers so far, in their order; empty: all of them.
    async fn monitoring_scope(&self, ctx: &Context<'_>) -> Result<Vec<Uuid>> {
        Ok(service::monitoring_scope(&state(ctx).db, self.id).await?)
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct FieldOfAction {
    pub id: Uuid,
    pub position: i32,
    pub title: String,
    pub description: String,
    pub leitbild_id: Uuid,
    /// Set once removed from the draft (by an accepted proposal); the row stays for the record.
    pub removed_at: Option<DateTime<Utc>>,
}

impl From<field_of_action::Model> for FieldOfAction {
    fn from(m: field_of_action::Model) -> Self {
        Self {
            id: m.id,
            position: m.position,
            title: m.title,
            description: m.description,
            leitbild_id: m.leitbild_id,
            removed_at: m.removed_at,
        }
    }
}

#[ComplexObject]
impl FieldOfAction {
    /// Comments on the field itself (read them with `Query.comments(targetId)`).
    async fn comment_count(&self, ctx: &Context<'_>) -> Result<i64> {
        crate::participation::graphql::comment_count(ctx, self.id).await
    }

    /// Its top-level goals, in order; sub-goals hang under `children`.
    async fn goals(&self, ctx: &Context<'_>) -> Result<Arc<[Goal]>> {
        Ok(loader(ctx).load_one(GoalsOfField(self.id)).await?.unwrap_or_default())
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Goal {
    pub id: Uuid,
    pub position: i32,
    pub title: String,
    pub description: String,
    /// Bumped by every change of title or description; send it back as `expectedVersion`.
    pub version: i32,
    pub field_of_action_id: Uuid,
    pub parent_goal_id: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
    /// Set once removed from the draft (by an accepted proposal); the goal and its history stay.
    pub removed_at: Option<DateTime<Utc>>,
    /// The sub-goals, when read in the same statement as the goal (see [`GoalsOfField`]).
    #[graphql(skip)]
    pub children: Option<Arc<[Goal]>>,
}

impl From<goal::Model> for Goal {
    fn from(m: goal::Model) -> Self {
        Self {
            id: m.id,
            position: m.position,
            title: m.title,
            description: m.description,
            version: m.version,
            field_of_action_id: m.field_of_action_id,
            parent_goal_id: m.parent_goal_id,
            updated_at: m.updated_at,
            removed_at: m.removed_at,
            children: None,
        }
    }
}

// Goals come by the hundred, and each of their fields is resolved in a future as large as the
// largest of them: the resolvers that wait on a loader or a query box what they wait on.
#[ComplexObject]
impl Goal {
    /// Sub-goals (one level).
    async fn children(&self, ctx: &Context<'_>) -> Result<Arc<[Goal]>> {
        if self.parent_goal_id.is_some() {
            return Ok(Arc::default());
        }
        if let Some(known) = &self.children {
            return Ok(known.clone());
        }
        Ok(loader(ctx).load_one(ChildrenOfGoal(self.id)).boxed().await?.unwrap_or_default())
    }

    /// Comments on the goal (read them with `Query.comments(targetId)`).
    async fn comment_count(&self, ctx: &Context<'_>) -> Result<i64> {
        crate::participation::graphql::comment_count(ctx, self.id).boxed().await
    }

    /// The text history, oldest first.
    async fn versions(&self, ctx: &Context<'_>) -> Result<Vec<GoalVersion>> {
        actor(ctx)?;
        let versions = service::goal_versions(&state(ctx).db, self.id).boxed().await?;
        Ok(versions.into_iter().map(Into::into).collect())
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct GoalVersion {
    pub version: i32,
    pub title: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    /// The accepted proposal that made this version, if any.
    pub proposal_id: Option<Uuid>,
    #[graphql(skip)]
    pub author_id: Option<Uuid>,
}

impl From<goal_version::Model> for GoalVersion {
    fn from(m: goal_version::Model) -> Self {
        Self {
            version: m.version,
            title: m.title,
            description: m.description,
            created_at: m.created_at,
            proposal_id: m.proposal_id,
            author_id: m.author_id,
        }
    }
}

#[ComplexObject]
impl GoalVersion {
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match self.author_id {
            Some(id) => load_user(ctx, id).await,
            None => Ok(None),
        }
    }
}

#[derive(InputObject)]
pub struct CreateLeitbildInput {
    pub title: String,
    pub year: i32,
    /// An adopted edition whose fields of action and goals are copied into the new draft.
    pub based_on_id: Option<Uuid>,
}

#[derive(InputObject)]
pub struct AddFieldOfActionInput {
    pub leitbild_id: Uuid,
    pub title: String,
    #[graphql(default)]
    pub description: String,
}

#[derive(InputObject)]
pub struct AddGoalInput {
    pub field_of_action_id: Uuid,
    pub parent_goal_id: Option<Uuid>,
    pub title: String,
    #[graphql(default)]
    pub description: String,
}

#[derive(InputObject)]
pub struct UpdateGoalInput {
    pub goal_id: Uuid,
    pub title: String,
    #[graphql(default)]
    pub description: String,
    /// The version the edit was made on; a stale one is answered with CONFLICT.
    pub expected_version: i32,
}

// ---- batch loading ----------------------------------------------------------------------

pub struct LeitbildLoader(pub DatabaseConnection);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LeitbildById(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldsOfLeitbild(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoalsOfField(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChildrenOfGoal(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoalById(pub Uuid);
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldById(pub Uuid);

fn db_err(e: sea_orm::DbErr) -> Arc<Error> {
    Arc::new(e.into())
}

impl Loader<LeitbildById> for LeitbildLoader {
    type Value = Leitbild;
    type Error = Arc<Error>;

    /// The editions with, from the same statement, the editions they were copied from
    /// attached: a draft's page shows what it is based on, and `basedOn` then costs nothing.
    async fn load(&self, keys: &[LeitbildById]) -> Result<HashMap<LeitbildById, Leitbild>, Self::Error> {
        use sea_orm::{Condition, sea_query::Query};
        let ids = || keys.iter().map(|k| k.0);
        let predecessors = Query::select()
            .column(leitbild::Column::BasedOnId)
            .from(leitbild::Entity)
            .and_where(leitbild::Column::Id.is_in(ids()))
            .to_owned();
        let rows: HashMap<Uuid, Arc<Leitbild>> = leitbild::Entity::find()
            .filter(
                Condition::any()
                    .add(leitbild::Column::Id.is_in(ids()))
                    .add(leitbild::Column::Id.in_subquery(predecessors)),
            )
            .all(&self.0)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(|m| (m.id, Arc::new(Leitbild::from(m))))
            .collect();
        Ok(ids()
            .filter_map(|id| {
                let edition = rows.get(&id)?;
                let based_on = edition.based_on_id.and_then(|b| rows.get(&b).cloned());
                Some((LeitbildById(id), Leitbild { based_on, ..Leitbild::clone(edition) }))
            })
            .collect())
    }
}

impl Loader<FieldsOfLeitbild> for LeitbildLoader {
    type Value = Arc<[FieldOfAction]>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[FieldsOfLeitbild]) -> Result<HashMap<FieldsOfLeitbild, Self::Value>, Self::Error> {
        let rows = field_of_action::Entity::find()
            .filter(field_of_action::Column::LeitbildId.is_in(keys.iter().map(|k| k.0)))
            .filter(field_of_action::Column::RemovedAt.is_null())
            .order_by_asc(field_of_action::Column::Position)
            .all(&self.0)
            .await
            .map_err(db_err)?;
        Ok(grouped(rows.into_iter().map(|m| (FieldsOfLeitbild(m.leitbild_id), m.into()))))
    }
}

impl Loader<GoalsOfField> for LeitbildLoader {
    type Value = Arc<[Goal]>;
    type Error = Arc<Error>;

    /// The goals of the fields with, from the same statement, their sub-goals attached: a
    /// sub-goal always belongs to its parent's field, and `children` then costs nothing.
    async fn load(&self, keys: &[GoalsOfField]) -> Result<HashMap<GoalsOfField, Self::Value>, Self::Error> {
        let rows = goal::Entity::find()
            .filter(goal::Column::FieldOfActionId.is_in(keys.iter().map(|k| k.0)))
            .filter(goal::Column::RemovedAt.is_null())
            .order_by_asc(goal::Column::Position);
        let (subs, tops): (Vec<_>, Vec<_>) =
            read_goals(&self.0, rows).await?.into_iter().partition(|g| g.parent_goal_id.is_some());
        let mut children = grouped(subs.into_iter().filter_map(|g| Some((g.parent_goal_id?, g))));
        Ok(grouped(tops.into_iter().map(|g| {
            let known = children.remove(&g.id).unwrap_or_default();
            (GoalsOfField(g.field_of_action_id), Goal { children: Some(known), ..g })
        })))
    }
}

impl Loader<ChildrenOfGoal> for LeitbildLoader {
    type Value = Arc<[Goal]>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[ChildrenOfGoal]) -> Result<HashMap<ChildrenOfGoal, Self::Value>, Self::Error> {
        let rows = goal::Entity::find()
            .filter(goal::Column::ParentGoalId.is_in(keys.iter().map(|k| k.0)))
            .filter(goal::Column::RemovedAt.is_null())
            .order_by_asc(goal::Column::Position);
        let rows = read_goals(&self.0, rows).await?;
        Ok(grouped(rows.into_iter().filter_map(|g| Some((ChildrenOfGoal(g.parent_goal_id?), g)))))
    }
}

impl Loader<GoalById> for LeitbildLoader {
    type Value = Goal;
    type Error = Arc<Error>;

    /// Removed goals too: a decided proposal still shows what it was about.
    async fn load(&self, keys: &[GoalById]) -> Result<HashMap<GoalById, Goal>, Self::Error> {
        let rows = goal::Entity::find().filter(goal::Column::Id.is_in(keys.iter().map(|k| k.0)));
        Ok(read_goals(&self.0, rows).await?.into_iter().map(|g| (GoalById(g.id), g)).collect())
    }
}

impl Loader<FieldById> for LeitbildLoader {
    type Value = FieldOfAction;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[FieldById]) -> Result<HashMap<FieldById, FieldOfAction>, Self::Error> {
        let rows = field_of_action::Entity::find()
            .filter(field_of_action::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.0)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|m| (FieldById(m.id), m.into())).collect())
    }
}

/// A goal's columns as [`Goal`] shows them, in the order [`read_goals`] selects them.
type GoalRow = (Uuid, Uuid, Option<Uuid>, i32, String, String, i32, DateTime<Utc>, Option<DateTime<Utc>>);

/// The goals `query` finds, read by column position: the edition page reads hundreds of goals,
/// and a sea-orm model looks each of its columns up by name.
async fn read_goals(db: &DatabaseConnection, query: Select<goal::Entity>) -> Result<Vec<Goal>, Arc<Error>> {
    use goal::Column as C;
    let rows: Vec<GoalRow> = query
        .select_only()
        .columns([
            C::Id,
            C::FieldOfActionId,
            C::ParentGoalId,
            C::Position,
            C::Title,
            C::Description,
            C::Version,
            C::UpdatedAt,
            C::RemovedAt,
        ])
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                field_of_action_id,
                parent_goal_id,
                position,
                title,
                description,
                version,
                updated_at,
                removed_at,
            )| Goal {
                id,
                position,
                title,
                description,
                version,
                field_of_action_id,
                parent_goal_id,
                updated_at,
                removed_at,
                children: None,
            },
        )
        .collect())
}

pub fn loader<'a>(ctx: &Context<'a>) -> &'a DataLoader<LeitbildLoader> {
    ctx.data_unchecked::<DataLoader<LeitbildLoader>>()
}

// ---- resolvers --------------------------------------------------------------------------

#[derive(Default)]
pub struct LeitbildQuery;

#[Object]
impl LeitbildQuery {
    /// All editions, newest year first.
    async fn leitbilder(&self, ctx: &Context<'_>) -> Result<Vec<Leitbild>> {
        actor(ctx)?;
        Ok(service::leitbilder(&state(ctx).db).await?.into_iter().map(Into::into).collect())
    }

    async fn leitbild(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<Leitbild>> {
        actor(ctx)?;
        Ok(loader(ctx).load_one(LeitbildById(id)).await?)
    }

    async fn goal(&self, ctx: &Context<'_>, id: Uuid) -> Result<Option<Goal>> {
        actor(ctx)?;
        Ok(loader(ctx).load_one(GoalById(id)).await?)
    }

    /// The text history of a goal, oldest first.
    async fn goal_versions(&self, ctx: &Context<'_>, goal_id: Uuid) -> Result<Vec<GoalVersion>> {
        actor(ctx)?;
        Ok(service::goal_versions(&state(ctx).db, goal_id).await?.into_iter().map(Into::into).collect())
    }

    /// Word-level difference of a goal's text (title and description) between two versions.
    async fn goal_diff(
        &self,
        ctx: &Context<'_>,
        goal_id: Uuid,
        from_version: i32,
        to_version: i32,
    ) -> Result<Vec<DiffSegment>> {
        actor(ctx)?;
        Ok(service::goal_diff(&state(ctx).db, goal_id, from_version, to_version).await?)
    }
}

#[derive(Default)]
pub struct LeitbildMutation;

#[Object]
impl LeitbildMutation {
    async fn create_leitbild(&self, ctx: &Context<'_>, input: CreateLeitbildInput) -> Result<Leitbild> {
        let a = actor(ctx)?;
        let m = service::create_leitbild(
            state(ctx),
            a,
            NewLeitbild { title: input.title, year: input.year, based_on_id: input.based_on_id },
        )
        .await?;
        Ok(m.into())
    }

    async fn add_field_of_action(&self, ctx: &Context<'_>, input: AddFieldOfActionInput) -> Result<FieldOfAction> {
        let a = actor(ctx)?;
        Ok(service::add_field_of_action(state(ctx), a, input.leitbild_id, &input.title, &input.description)
            .await?
            .into())
    }

    async fn update_field_of_action(
        &self,
        ctx: &Context<'_>,
        field_of_action_id: Uuid,
        title: String,
        #[graphql(default)] description: String,
    ) -> Result<FieldOfAction> {
        let a = actor(ctx)?;
        Ok(service::update_field_of_action(state(ctx), a, field_of_action_id, &title, &description).await?.into())
    }

    /// Sets the order of all fields of action of a draft edition.
    async fn reorder_fields_of_action(
        &self,
        ctx: &Context<'_>,
        leitbild_id: Uuid,
        field_of_action_ids: Vec<Uuid>,
    ) -> Result<Vec<FieldOfAction>> {
        let a = actor(ctx)?;
        Ok(service::reorder_fields_of_action(state(ctx), a, leitbild_id, field_of_action_ids)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    async fn add_goal(&self, ctx: &Context<'_>, input: AddGoalInput) -> Result<Goal> {
        let a = actor(ctx)?;
        let g = service::add_goal(
            state(ctx),
            a,
            NewGoal {
                field_of_action_id: input.field_of_action_id,
                parent_goal_id: input.parent_goal_id,
                title: input.title,
                description: input.description,
            },
        )
        .await?;
        Ok(g.into())
    }

    /// Sets which fields of action of an edition the monitoring covers so far (an empty list, or
    /// every field: all of them). Gaps and the report's counts look only there. Returns the scope
    /// as `Leitbild.monitoringScope` reads it.
    async fn set_monitoring_scope(
        &self,
        ctx: &Context<'_>,
        leitbild_id: Uuid,
        field_of_action_ids: Vec<Uuid>,
    ) -> Result<Vec<Uuid>> {
        let a = actor(ctx)?;
        Ok(service::set_monitoring_scope(state(ctx), a, leitbild_id, field_of_action_ids).await?)
    }

    /// Changes a goal's text, keeping the previous version in its history.
    async fn update_goal(&self, ctx: &Context<'_>, input: UpdateGoalInput) -> Result<Goal> {
        let a = actor(ctx)?;
        let g = service::update_goal(
            state(ctx),
            a,
            GoalEdit {
                goal_id: input.goal_id,
                title: input.title,
                description: input.description,
                expected_version: input.expected_version,
            },
        )
        .await?;
        Ok(g.into())
    }
}
