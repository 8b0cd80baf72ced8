//! The GraphQL schema: every area's query and mutation roots merged, with limits and helpers.

use std::sync::Arc;

use async_graphql::{
    Context, EmptySubscription, MergedObject, Schema, ServerError,
    dataloader::DataLoader,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest},
};

use crate::{
    accounts::{
        self,
        graphql::AccountsLoader,
        policy::{Actor, require_actor},
    },
    audit,
    error::{Error, Result},
    indicators, notifications,
    state::AppState,
};

/// Deepest nesting a query may have; a 12-level introspection query is refused.
pub const MAX_DEPTH: usize = 10;
/// Upper bound of a query's cost (each field counts 1, lists multiply nothing).
pub const MAX_COMPLEXITY: usize = 1000;

#[derive(MergedObject, Default)]
pub struct Query(
    accounts::graphql::AccountsQuery,
    audit::graphql::AuditQuery,
    notifications::graphql::NotificationsQuery,
    indicators::graphql::IndicatorsQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    accounts::graphql::AccountsMutation,
    notifications::graphql::NotificationsMutation,
    indicators::graphql::IndicatorsMutation,
);

pub type Subscription = EmptySubscription;

pub type AppSchema = Schema<Query, Mutation, Subscription>;

pub fn build_schema(state: Option<AppState>) -> AppSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), Subscription::default())
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(10)
        .disable_suggestions()
        .extension(ErrorCodes);
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

/// Per-request data: the actor and fresh batch loaders (their cache lives one request long).
pub fn request_data(request: async_graphql::Request, state: &AppState, actor: Option<Actor>) -> async_graphql::Request {
    let mut request = request
        .data(DataLoader::new(AccountsLoader(state.db.clone()), tokio::spawn))
        .data(DataLoader::new(indicators::graphql::IndicatorsLoader(state.db.clone()), tokio::spawn));
    if let Some(a) = actor {
        request = request.data(a);
    }
    request
}

/// Gives every error of every operation (HTTP or WebSocket) its `extensions.code`, in one place.
struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> async_graphql::Response {
        let mut response = next.run(ctx).await;
        for err in &mut response.errors {
            classify(err);
        }
        response
    }
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
