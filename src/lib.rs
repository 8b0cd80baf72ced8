//! teilhabe: participatory Leitbild update and integration monitoring for German cities.

pub mod accounts;
pub mod audit;
pub mod batching;
pub mod by_text;
pub mod change;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod diff;
pub mod error;
pub mod german;
pub mod glossary;
pub mod graphql;
pub mod hasher;
pub mod http;
pub mod indicators;
pub mod jobs;
pub mod leitbild;
pub mod live;
pub mod metrics;
pub mod notifications;
pub mod oidc_config;
pub mod pagination;
pub mod participation;
pub mod privacy;
pub mod progress;
pub mod reports;
pub mod search;
pub mod state;
pub mod tables;
pub mod tasks;
pub mod text;

use std::sync::Arc;

use axum::Router;

use crate::{
    clock::{SharedClock, SystemClock},
    config::Config,
    error::Result,
    metrics::Metrics,
    state::AppState,
};

/// A ready server: migrated database, first admin ensured, router built.
pub struct App {
    pub state: AppState,
    pub router: Router,
}

impl App {
    pub async fn build(config: Config) -> Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// As [`App::build`], with the clock every rule reads; tests pass a manual one.
    pub async fn build_with_clock(config: Config, clock: SharedClock) -> Result<Self> {
        let metrics = Arc::new(Metrics::new());
        let db = db::connect(&config.database_url, metrics.db_statements.clone()).await?;
        db::migrate(&db).await?;
        metrics.started_at.store(clock.now().timestamp(), std::sync::atomic::Ordering::Relaxed);
        let hasher = Arc::new(hasher::Hasher::new(config.hash_concurrency, config.hash_queue_timeout));
        let state = AppState { db, config: Arc::new(config), clock, metrics, live: live::Live::default(), hasher };
        if let Some(admin) = accounts::service::ensure_first_admin(&state).await? {
            tracing::info!(email = %admin.email, "created the first admin");
        }
        // Runs for the life of the process: replicas' live events reach this one's subscribers.
        let _listener = participation::live::spawn_listener(state.clone());
        let router = http::router(state.clone());
        Ok(Self { state, router })
    }

    /// Serves until Ctrl-C or SIGTERM, with the scheduler running beside the server.
    pub async fn serve(self) -> Result<()> {
        let listener = tokio::net::TcpListener::bind(self.state.config.bind).await.map_err(error::Error::internal)?;
        tracing::info!(address = %self.state.config.bind, "teilhabe listening");
        let config = self.state.config.clone();
        let scheduler = jobs::spawn(self.state.clone());
        let metrics = match config.metrics_bind {
            Some(addr) => {
                let listener = tokio::net::TcpListener::bind(addr).await.map_err(error::Error::internal)?;
                tracing::info!(address = %addr, "metrics listening");
                let router = http::metrics_router(self.state.clone());
                Some(tokio::spawn(http::serve::serve(listener, router, config.header_timeout, std::future::pending())))
            }
            None => None,
        };
        let served = http::serve::serve(listener, self.router, config.header_timeout, shutdown_signal()).await;
        scheduler.abort();
        if let Some(m) = metrics {
            m.abort();
        }
        served.map_err(error::Error::internal)
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
