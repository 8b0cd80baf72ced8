//! The GraphQL schema: every area's query and mutation roots merged, with limits and helpers.

use std::sync::Arc;

use async_graphql::{Context, Data, MergedObject, MergedSubscription, Schema, ServerError, dataloader::DataLoader};

use crate::{
    accounts::{
        self,
        graphql::AccountsLoader,
        policy::{Actor, require_actor},
    },
    audit,
    error::{Error, Result},
    glossary::{self, graphql::GlossaryLoader},
    indicators,
    leitbild::{self, graphql::LeitbildLoader},
    notifications,
    participation::{self, graphql::ParticipationLoader},
    reports, search,
    state::AppState,
    tasks,
};

/// Deepest nesting a query may have; a 12-level data query is refused (introspection-only queries
/// of logged-in users have [`MAX_INTROSPECTION_DEPTH`]).
pub const MAX_DEPTH: usize = 10;
/// Deepest nesting of an introspection-only query of a logged-in user: graphql-js'
/// `getIntrospectionQuery()` (GraphiQL, Postman, codegen) nests its `TypeRef` fragment 13 levels.
/// Introspection reads the schema only, never the database, so depth costs it nothing.
pub const MAX_INTROSPECTION_DEPTH: usize = 20;
/// Upper bound of a query's cost (each field counts 1, lists multiply nothing).
pub const MAX_COMPLEXITY: usize = 1000;

#[derive(MergedObject, Default)]
pub struct Query(
    accounts::graphql::AccountsQuery,
    audit::graphql::AuditQuery,
    leitbild::graphql::LeitbildQuery,
    participation::graphql::ParticipationQuery,
    glossary::graphql::GlossaryQuery,
    reports::graphql::ReportsQuery,
    notifications::graphql::NotificationsQuery,
    indicators::graphql::IndicatorsQuery,
    tasks::graphql::TasksQuery,
    search::graphql::SearchQuery,
    indicators::districts::graphql::DistrictsQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    accounts::graphql::AccountsMutation,
    leitbild::graphql::LeitbildMutation,
    participation::graphql::ParticipationMutation,
    glossary::graphql::GlossaryMutation,
    reports::graphql::ReportsMutation,
    notifications::graphql::NotificationsMutation,
    indicators::graphql::IndicatorsMutation,
    indicators::graphql::ComputedMutation,
    indicators::graphql::ReferenceMutation,
    tasks::graphql::TasksMutation,
    indicators::districts::graphql::DistrictsMutation,
);

#[derive(MergedSubscription, Default)]
pub struct Subscription(participation::graphql::ParticipationSubscription);

pub type AppSchema = Schema<Query, Mutation, Subscription>;

pub fn build_schema(state: Option<AppState>) -> AppSchema {
    build_schema_with_depth(state, MAX_DEPTH)
}

/// The schema with the depth limit of introspection-only queries of logged-in users.
pub fn build_introspection_schema(state: Option<AppState>) -> AppSchema {
    build_schema_with_depth(state, MAX_INTROSPECTION_DEPTH)
}

fn build_schema_with_depth(state: Option<AppState>, depth: usize) -> AppSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), Subscription::default())
        .limit_depth(depth)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(10)
        .disable_suggestions();
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}

/// The schema as SDL, the source of `graphql/schema.graphql`.
pub fn sdl() -> String {
    build_schema(None).sdl()
}

pub fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

pub fn actor_opt<'a>(ctx: &Context<'a>) -> Option<&'a Actor> {
    ctx.data_opt::<Actor>()
}

/// The logged-in actor, or `UNAUTHENTICATED`.
pub fn actor<'a>(ctx: &Context<'a>) -> Result<&'a Actor> {
    require_actor(actor_opt(ctx))
}

/// Executes one operation of an HTTP request with its own batching loaders of every area and
/// the actor; the loaders' batches run in waves (see [`crate::batching`]), so the statements a
/// query costs do not depend on the load of the machine.
pub async fn execute(
    schema: &AppSchema,
    mut request: async_graphql::Request,
    state: &AppState,
    actor: Option<Actor>,
) -> async_graphql::Response {
    let batcher = crate::batching::Batcher::default();
    // Added to what the caller attached (the client's address), not in its place.
    loaders(&mut request.data, state, actor, batcher.spawner(), std::time::Duration::ZERO);
    classify_errors(batcher.run(schema.execute(request)).await)
}

/// The same data for a WebSocket connection. The loaders batch but do not cache, so a long-lived
/// subscription never serves stale rows.
pub fn connection_data(state: &AppState, actor: Option<Actor>) -> Data {
    let mut data = Data::default();
    loaders(&mut data, state, actor, tokio::spawn, std::time::Duration::from_millis(1));
    data
}

fn loaders<S, R>(data: &mut Data, state: &AppState, actor: Option<Actor>, spawner: S, delay: std::time::Duration)
where
    S: Fn(futures_util::future::BoxFuture<'static, ()>) -> R + Clone + Send + Sync + 'static,
{
    data.insert(DataLoader::new(AccountsLoader(state.db.clone()), spawner.clone()).delay(delay));
    data.insert(DataLoader::new(LeitbildLoader(state.db.clone()), spawner.clone()).delay(delay));
    data.insert(
        DataLoader::new(ParticipationLoader { db: state.db.clone(), actor: actor.clone() }, spawner.clone())
            .delay(delay),
    );
    data.insert(DataLoader::new(GlossaryLoader(state.db.clone()), spawner.clone()).delay(delay));
    data.insert(DataLoader::new(indicators::graphql::IndicatorsLoader(state.db.clone()), spawner).delay(delay));
    if let Some(a) = actor {
        data.insert(a);
    }
}

/// Gives every error of a response its `extensions.code`: every operation, HTTP or WebSocket,
/// passes here once it has run. Not a schema extension: with any extension installed,
/// async-graphql wraps each field's resolution in the extension chain (a boxed future and two
/// registry lookups per field), which cost the edition page about a tenth of its CPU.
pub fn classify_errors(mut response: async_graphql::Response) -> async_graphql::Response {
    for err in &mut response.errors {
        classify(err);
    }
    response
}

fn classify(err: &mut ServerError) {
    let source = err.source.clone();
    let ours = source
        .as_deref()
        .and_then(|s| s.downcast_ref::<Error>().or_else(|| s.downcast_ref::<Arc<Error>>().map(|a| a.as_ref())));
    let mut ext = err.extensions.take().unwrap_or_default();
    if let Some(e) = ours {
        err.message = e.public_message();
        e.write_extensions(&mut ext);
    } else if ext.get("code").is_none() {
        // Raised by async-graphql itself: parse and validation errors, or a limit.
        let m = err.message.to_ascii_lowercase();
        let limit = ["too complex", "too deep", "too many", "recursive"].iter().any(|w| m.contains(w));
        ext.set("code", if limit { "LIMIT" } else { "VALIDATION" });
    }
    err.extensions = Some(ext);
}
