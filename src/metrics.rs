//! Prometheus metrics of one server instance: requests, latency, database, scheduler.

use std::{
    collections::HashSet,
    fmt::Write as _,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicI64, AtomicU64},
    },
};

use prometheus_client::{
    encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder, text::encode},
    metrics::{
        counter::{ConstCounter, Counter},
        family::Family,
        gauge::{ConstGauge, Gauge},
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};
use sea_orm::DatabaseConnection;

/// Most distinct operation labels; later names are counted as `other`, so a client inventing
/// names cannot grow the exposition.
pub const MAX_OPERATION_LABELS: usize = 200;

/// An operation's metrics label: only names the parsed document defines, never raw client text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    Anonymous,
    Named(String),
    /// Unparsable documents, unknown or overlong names.
    Other,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OperationLabels {
    operation: Escaped,
}

/// A label value with the exposition format's escapes, which prometheus-client does not write.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct Escaped(String);

impl EncodeLabelValue for Escaped {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
        for c in self.0.chars() {
            match c {
                '\\' => encoder.write_str("\\\\")?,
                '"' => encoder.write_str("\\\"")?,
                '\n' => encoder.write_str("\\n")?,
                c => encoder.write_char(c)?,
            }
        }
        Ok(())
    }
}

type LatencyFamily = Family<OperationLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    pub graphql_requests: Family<OperationLabels, Counter>,
    pub graphql_errors: Family<OperationLabels, Counter>,
    pub graphql_latency: LatencyFamily,
    /// Every SQL statement the pool ran; tests read it to catch N+1 queries.
    pub db_statements: Arc<AtomicU64>,
    pub scheduler_runs: Counter,
    pub scheduler_failures: Counter,
    /// Mails handed to SMTP (or written as .eml) by the scheduler.
    pub mails_sent: Counter,
    /// Unix time of the scheduler's last successful step, 0 before the first.
    pub scheduler_last_success: Gauge,
    pub outbox_pending: Gauge,
    pub outbox_failed: Gauge,
    pub outbox_oldest_pending_age: Gauge<i64, AtomicI64>,
    /// Unix time (of the injected clock) when this instance started; `/readyz` measures a
    /// scheduler that never completed a pass from here.
    pub started_at: AtomicI64,
    /// Operation names labelled so far, at most [`MAX_OPERATION_LABELS`].
    operations: Mutex<HashSet<String>>,
}

fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.002, 2.0, 14))
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("teilhabe");
        let graphql_requests = Family::<OperationLabels, Counter>::default();
        let graphql_errors = Family::<OperationLabels, Counter>::default();
        let graphql_latency: LatencyFamily = Family::new_with_constructor(latency_histogram);
        registry.register("graphql_requests", "GraphQL operations executed", graphql_requests.clone());
        registry.register("graphql_errors", "GraphQL operations answered with errors", graphql_errors.clone());
        registry.register("graphql_latency_seconds", "GraphQL operation latency", graphql_latency.clone());
        let scheduler_runs = Counter::default();
        let scheduler_failures = Counter::default();
        let scheduler_last_success = Gauge::default();
        registry.register("scheduler_runs", "Scheduler steps run", scheduler_runs.clone());
        registry.register("scheduler_failures", "Scheduler steps that failed", scheduler_failures.clone());
        let mails_sent = Counter::default();
        registry.register("mails_sent", "Mails sent by the scheduler", mails_sent.clone());
        registry.register(
            "scheduler_last_success_timestamp_seconds",
            "Unix time of the last successful scheduler step",
            scheduler_last_success.clone(),
        );
        let outbox_pending = Gauge::default();
        let outbox_failed = Gauge::default();
        let outbox_oldest_pending_age = Gauge::<i64, AtomicI64>::default();
        registry.register("outbox_pending", "Notifications waiting to be sent", outbox_pending.clone());
        registry.register("outbox_failed", "Notifications that failed for good", outbox_failed.clone());
        registry.register(
            "outbox_oldest_pending_age_seconds",
            "Age of the oldest due notification not yet sent",
            outbox_oldest_pending_age.clone(),
        );
        Self {
            registry,
            graphql_requests,
            graphql_errors,
            graphql_latency,
            db_statements: Arc::new(AtomicU64::new(0)),
            scheduler_runs,
            scheduler_failures,
            mails_sent,
            scheduler_last_success,
            outbox_pending,
            outbox_failed,
            outbox_oldest_pending_age,
            started_at: AtomicI64::new(0),
            operations: Mutex::default(),
        }
    }

    /// The labels of an operation: its checked name while there is room for another, else `other`.
    pub fn operation(&self, label: &Label) -> OperationLabels {
        let text = match label {
            Label::Anonymous => "anonymous",
            Label::Other => "other",
            Label::Named(name) => {
                let mut known = self.operations.lock().unwrap_or_else(PoisonError::into_inner);
                if known.contains(name) || (known.len() < MAX_OPERATION_LABELS && known.insert(name.clone())) {
                    name.as_str()
                } else {
                    "other"
                }
            }
        };
        OperationLabels { operation: Escaped(text.to_string()) }
    }

    /// The text exposition, with the pool's current state read at scrape time.
    pub fn render(&self, db: &DatabaseConnection) -> String {
        let mut out = String::new();
        let _ = encode(&mut out, &self.registry);
        let (size, idle) = pool_state(db);
        let mut extra = Registry::with_prefix("teilhabe");
        extra.register(
            "db_statements",
            "SQL statements executed",
            ConstCounter::new(self.db_statements.load(std::sync::atomic::Ordering::Relaxed)),
        );
        extra.register("db_pool_connections", "Open database connections", ConstGauge::new(size));
        extra.register("db_pool_idle_connections", "Idle database connections", ConstGauge::new(idle));
        let mut more = String::new();
        let _ = encode(&mut more, &extra);
        // Both expositions end with "# EOF"; keep only the last one.
        out.trim_end().trim_end_matches("# EOF").to_string() + &more
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

fn pool_state(db: &DatabaseConnection) -> (i64, i64) {
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            let p = db.get_sqlite_connection_pool();
            (i64::from(p.size()), p.num_idle() as i64)
        }
        sea_orm::DatabaseBackend::Postgres => {
            let p = db.get_postgres_connection_pool();
            (i64::from(p.size()), p.num_idle() as i64)
        }
        _ => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped_and_bounded() {
        let metrics = Metrics::new();
        metrics.graphql_requests.get_or_create(&OperationLabels { operation: Escaped("a\"b\\c\nd".into()) }).inc();
        let mut out = String::new();
        encode(&mut out, &metrics.registry).unwrap();
        assert!(out.contains(r#"operation="a\"b\\c\nd""#), "{out}");
        for i in 0..MAX_OPERATION_LABELS + 5 {
            metrics.operation(&Label::Named(format!("Op{i}")));
        }
        assert_eq!(metrics.operation(&Label::Named("Op0".into())).operation.0, "Op0", "known names keep their label");
        assert_eq!(metrics.operation(&Label::Named("Neu".into())).operation.0, "other");
        assert_eq!(metrics.operation(&Label::Anonymous).operation.0, "anonymous");
    }
}
