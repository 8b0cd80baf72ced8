//! Scheduled work: one pure step `run_due(state, now)` and the small loop that calls it.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;

use crate::{accounts, error::Result, participation, state::AppState};

/// What one step did; the loop logs it, tests assert on it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub sessions_purged: u64,
    /// Process phases advanced because their end date passed.
    pub phases_advanced: u64,
}

/// Does everything that is due at `now`. Safe to run on several replicas at once: each task
/// claims its work in the database.
pub async fn run_due(state: &AppState, now: DateTime<Utc>) -> Result<StepReport> {
    let sessions_purged = accounts::service::purge_expired(state, now).await?;
    let phases_advanced = participation::service::advance_due(state, now).await?;
    Ok(StepReport { sessions_purged, phases_advanced })
}

/// Runs [`run_due`] every configured interval until the process ends. A failing step is logged
/// and counted (`teilhabe_scheduler_failures`), and `teilhabe_scheduler_last_success_timestamp_seconds`
/// lets monitoring notice a scheduler that stopped.
pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(state.config.scheduler_interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            state.metrics.scheduler_runs.inc();
            match run_due(&state, state.now()).await {
                Ok(report) => {
                    let unix = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
                    state.metrics.scheduler_last_success.set(unix);
                    tracing::debug!(?report, "scheduler step done");
                }
                Err(e) => {
                    state.metrics.scheduler_failures.inc();
                    tracing::error!(error = %e, "scheduler step failed");
                }
            }
        }
    })
}
