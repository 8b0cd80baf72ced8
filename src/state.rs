//! The shared state every handler, service and job receives.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{clock::SharedClock, config::Config, hasher::Hasher, live::Live, metrics::Metrics};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub clock: SharedClock,
    pub metrics: Arc<Metrics>,
    /// Ids of live events (new comments, changed tallies) for subscriptions.
    pub live: Live,
    /// Every password hash and verification goes through this bounded hasher.
    pub hasher: Arc<Hasher>,
}

impl AppState {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
