//! Scheduled work: one pure step `run_due(state, now)` and the small loop that calls it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use tokio::task::JoinHandle;

use crate::{accounts, error::Result, indicators, notifications, participation, state::AppState};

/// What one step did; the loop logs it, tests assert on it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub sessions_purged: u64,
    /// Process phases advanced because their end date passed.
    pub phases_advanced: u64,
    pub reminders: indicators::reminders::ReminderReport,
    pub digests: u64,
    pub mail: notifications::service::SendReport,
}

/// Does everything that is due at `now`. Safe to run on several replicas at once: each task
/// claims its work in the database.
pub async fn run_due(state: &AppState, now: DateTime<Utc>) -> Result<StepReport> {
    let sessions_purged = accounts::service::purge_expired(state, now).await?;
    let link_life = chrono::Duration::minutes(accounts::service::SIGN_IN_LINK_MINUTES);
    notifications::service::expire_sign_in_mails(&state.db, now - link_life).await?;
    let phases_advanced = participation::service::advance_due(state, now).await?;
    // Reminders are enqueued before sending, so that those due now go out in this same pass.
    let reminders = indicators::reminders::run(state, now).await?;
    let digests = notifications::service::build_digests(state, now, &Owed).await?;
    let mail = notifications::service::send_due(state, now, &Owed).await?;
    notifications::service::refresh_metrics(state, now).await?;
    Ok(StepReport { sessions_purged, phases_advanced, reminders, digests, mail })
}

/// The areas' answer to the outbox's question whether a reminder is still owed right before it
/// goes out: owed unless an area that knows its key says otherwise.
pub struct Owed;

impl notifications::service::OwedCheck for Owed {
    async fn still_owed_many<C: ConnectionTrait>(&self, db: &C, keys: &[&str]) -> Result<HashMap<String, bool>> {
        let mut owed = indicators::reminders::still_owed_many(db, keys).await?;
        for (key, still) in participation::service::vote_closing_still_owed(db, keys).await? {
            if !still {
                owed.insert(key, false);
            }
        }
        Ok(owed)
    }
}

/// One pass as the loop runs it: [`run_due`] at the clock's time, its success recorded for
/// `/readyz` and `/metrics` (`teilhabe_scheduler_last_success_timestamp_seconds`).
pub async fn pass(state: &AppState) -> Result<StepReport> {
    state.metrics.scheduler_runs.inc();
    let now = state.now();
    match run_due(state, now).await {
        Ok(report) => {
            state.metrics.scheduler_last_success.set(now.timestamp());
            state.metrics.mails_sent.inc_by(report.mail.sent);
            tracing::debug!(
                sent = report.mail.sent,
                retried = report.mail.retried,
                failed = report.mail.failed,
                reminders = ?report.reminders,
                phases_advanced = report.phases_advanced,
                "scheduler pass done"
            );
            Ok(report)
        }
        Err(e) => {
            state.metrics.scheduler_failures.inc();
            Err(e)
        }
    }
}

/// Whether the scheduler is overdue: no successful pass for three intervals since the later of
/// its start and its last success. Answers the reason when it is.
pub fn stalled(state: &AppState, now: DateTime<Utc>) -> Option<String> {
    let started = state.metrics.started_at.load(std::sync::atomic::Ordering::Relaxed);
    let last = state.metrics.scheduler_last_success.get();
    let reference = last.max(started);
    let limit = 3 * state.config.scheduler_interval.as_secs() as i64;
    let quiet = now.timestamp() - reference;
    (quiet > limit).then(|| {
        if last == 0 {
            format!("the scheduler has not completed a pass in the {quiet} s since the start (limit {limit} s)")
        } else {
            format!("the scheduler has not completed a pass for {quiet} s (limit {limit} s)")
        }
    })
}

/// Runs [`pass`] every configured interval until the process ends. A failing step is logged
/// and counted (`teilhabe_scheduler_failures`).
pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(state.config.scheduler_interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(e) = pass(&state).await {
                tracing::error!(error = %e, "scheduler step failed");
            }
        }
    })
}
