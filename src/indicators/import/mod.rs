//! Official statistics flowing in: an indicator's GENESIS table mapping, and imports of the
//! table's flat files with a dry run, under the rules of a confirmation by hand.

pub mod entities;
pub mod ffcsv;
pub mod plan;
pub mod sheet;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::Serialize;
use uuid::Uuid;

use self::{
    entities::{genesis_mapping, value_source},
    ffcsv::{DimensionFilter, LineError, MarkerLine, TableMapping},
    plan::{Outcome, Stored},
};
use crate::{
    accounts::policy::Actor,
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    indicators::{
        delivery_rules::{self, BreakdownEntry, Confirmed, Confirmer},
        entities::{DeliveryStatus, delivery, indicator},
        reminders,
        service::new_delivery_row,
        timing,
    },
    notifications,
    state::AppState,
    text::Line,
};

/// The licence of GENESIS-Online, regionalstatistik.de and the state databases' tables.
pub const LICENCE: &str = "dl-de/by-2-0";

/// Most dimension filters a mapping has; tables have a handful of dimensions.
pub const MAX_FILTERS: usize = 10;

/// Rows inserted per statement.
const CHUNK: usize = 200;

/// Who starts an import: a person (the owning organisation or a coordinator), or the operator
/// on the server's command line, who answers for the machine and is recorded as nobody.
#[derive(Clone, Copy)]
pub enum Importer<'a> {
    Person(&'a Actor),
    Operator,
}

impl Importer<'_> {
    /// The person recorded, after the same check as a confirmation by hand.
    fn user_for(self, owner_id: Uuid) -> Result<Option<Uuid>> {
        match self {
            Importer::Person(a) => delivery_rules::who_confirms(Confirmer::Person(a), owner_id, true),
            Importer::Operator => Ok(None),
        }
    }
}

/// A mapping as entered.
#[derive(Debug, Clone)]
pub struct MappingInput {
    pub table_code: String,
    pub value_variable: String,
    pub filters: Vec<DimensionFilter>,
    pub definition_id: Option<Uuid>,
    pub source: String,
}

fn code_like(field: &str, raw: &str) -> Result<String> {
    let v = Line(60).required(field, raw)?;
    if v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        Ok(v)
    } else {
        Err(Error::validation(field, "letters, digits, '-', '_' or '.'"))
    }
}

/// The filters of a stored mapping.
pub fn filters_of(m: &genesis_mapping::Model) -> Vec<DimensionFilter> {
    serde_json::from_str(&m.filters).unwrap_or_default()
}

pub fn table_mapping(m: &genesis_mapping::Model) -> TableMapping {
    TableMapping { table_code: m.table_code.clone(), value_variable: m.value_variable.clone(), filters: filters_of(m) }
}

pub async fn mapping_of<C: ConnectionTrait>(db: &C, indicator_id: Uuid) -> Result<Option<genesis_mapping::Model>> {
    Ok(genesis_mapping::Entity::find().filter(genesis_mapping::Column::IndicatorId.eq(indicator_id)).one(db).await?)
}

/// Maps a GENESIS table to an indicator once (or changes the mapping), for its owner.
pub async fn set_mapping(
    state: &AppState,
    actor: &Actor,
    indicator_id: Uuid,
    input: MappingInput,
    expected_version: Option<i32>,
) -> Result<genesis_mapping::Model> {
    let table_code = code_like("tableCode", &input.table_code)?;
    let value_variable = code_like("valueVariable", &input.value_variable)?;
    let source = Line(200).required("source", &input.source)?;
    if input.filters.len() > MAX_FILTERS {
        return Err(Error::validation("filters", format!("at most {MAX_FILTERS}")));
    }
    let mut filters = Vec::with_capacity(input.filters.len());
    let mut variables = HashSet::new();
    for (i, f) in input.filters.iter().enumerate() {
        let variable = code_like(&format!("filters[{i}].variable"), &f.variable)?;
        let attribute = code_like(&format!("filters[{i}].attribute"), &f.attribute)?;
        if !variables.insert(variable.clone()) {
            return Err(Error::validation(format!("filters[{i}].variable"), "one filter per dimension"));
        }
        filters.push(DimensionFilter { variable, attribute });
    }
    let filters_json = serde_json::to_string(&filters).map_err(Error::internal)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let ind = indicator::Entity::find_by_id(indicator_id).one(&txn).await?.ok_or(Error::NotFound("indicator"))?;
    if !delivery_rules::may_act_for(actor, ind.owner_id) {
        return Err(Error::forbidden("only the owning organisation or coordinators map a table"));
    }
    if let Some(def) = input.definition_id {
        crate::indicators::usage::check_definition(&txn, ind.id, def).await?;
    }
    let saved = match mapping_of(&txn, ind.id).await? {
        Some(old) => {
            delivery_rules::stale(old.version, expected_version, "the mapping")?;
            let version = old.version + 1;
            let mut row = old.into_active_model();
            row.table_code = Set(table_code);
            row.value_variable = Set(value_variable);
            row.filters = Set(filters_json);
            row.definition_id = Set(input.definition_id);
            row.source = Set(source);
            row.version = Set(version);
            row.updated_by = Set(Some(actor.user_id));
            row.updated_at = Set(now);
            row.update(&txn).await?
        }
        None => {
            genesis_mapping::ActiveModel {
                id: Set(Uuid::now_v7()),
                indicator_id: Set(ind.id),
                table_code: Set(table_code),
                value_variable: Set(value_variable),
                filters: Set(filters_json),
                definition_id: Set(input.definition_id),
                source: Set(source),
                version: Set(1),
                updated_by: Set(Some(actor.user_id)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
    };
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "indicator.genesis_mapping",
            entity_type: "indicator",
            entity_id: Some(ind.id),
            summary: format!(
                "GENESIS-Tabelle {} ({}) dem Indikator {} zugeordnet",
                saved.table_code, saved.value_variable, ind.code
            ),
        },
    );
    txn.commit().await?;
    Ok(saved)
}

/// An import's options.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    /// When the file was downloaded; today by default.
    pub retrieved_on: Option<NaiveDate>,
}

/// What an import does (or would do) to one period.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodOutcome {
    pub period: String,
    /// The first line of the file that feeds it.
    pub line: u64,
    pub outcome: Outcome,
    pub value: f64,
    /// The stored value before the import.
    pub previous: Option<f64>,
    pub cells: usize,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub created: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub refused: usize,
    pub markers: usize,
    pub errors: usize,
}

/// The answer of a dry run or an import.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub indicator_id: Uuid,
    pub indicator_code: String,
    pub table_code: String,
    pub dry_run: bool,
    /// Whether anything was written: never on a dry run or with errors.
    pub applied: bool,
    pub decimal_comma: bool,
    pub lines: u64,
    pub matched: u64,
    pub counts: Counts,
    pub periods: Vec<PeriodOutcome>,
    pub markers: Vec<MarkerLine>,
    pub errors: Vec<LineError>,
}

/// A period ready to be written.
struct Write {
    period: String,
    existing: Option<delivery::Model>,
    confirmed: Confirmed,
}

fn breakdown_of(d: &delivery::Model) -> Vec<BreakdownEntry> {
    d.breakdown.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default()
}

/// Imports (or, on a dry run, previews) a GENESIS flat file (CSV or ZIP) for an indicator with a
/// mapping. Every period of the file is decided by [`plan::decide`]; with any line error the
/// real run writes nothing. Everything written — deliveries, their sources, the audit — goes
/// into one transaction; a file imported twice finds everything unchanged and writes nothing.
pub async fn import_genesis(
    state: &AppState,
    importer: Importer<'_>,
    indicator_id: Uuid,
    upload: &[u8],
    options: ImportOptions,
) -> Result<ImportReport> {
    let csv = ffcsv::unpack(upload).map_err(|m| Error::validation("file", m))?;
    let text = ffcsv::decode(&csv);
    let now = state.now();
    let ind = indicator::Entity::find_by_id(indicator_id).one(&state.db).await?.ok_or(Error::NotFound("indicator"))?;
    let by = importer.user_for(ind.owner_id)?;
    crate::indicators::computed::refuse_deliveries(&state.db, ind.id).await?;
    let mapping = mapping_of(&state.db, ind.id)
        .await?
        .ok_or_else(|| Error::validation("indicatorId", "the indicator has no GENESIS table mapped yet"))?;
    let extract = ffcsv::extract(&text, &table_mapping(&mapping));
    if options.dry_run {
        let (report, _) = plan_import(&state.db, &ind, &mapping, extract, now, true).await?;
        return Ok(report);
    }
    let mut txn = Change::begin(&state.db, now).await?;
    if let Some(def) = mapping.definition_id {
        crate::indicators::usage::check_definition(&txn, ind.id, def).await?;
    }
    let (mut report, writes) = plan_import(&txn, &ind, &mapping, extract, now, false).await?;
    if !report.errors.is_empty() || writes.is_empty() {
        txn.rollback().await?;
        return Ok(report);
    }
    let retrieved_on = options.retrieved_on.unwrap_or_else(|| timing::local_date(now));
    let via = format!("aus GENESIS-Tabelle {}", mapping.table_code);
    apply(&mut txn, &ind, by, writes, Some((&mapping, retrieved_on)), &via).await?;
    txn.commit().await?;
    report.applied = true;
    Ok(report)
}

/// A period's value from any kind of file.
struct Incoming {
    period: String,
    line: u64,
    value: f64,
    breakdown: Vec<BreakdownEntry>,
    note: Option<String>,
}

/// What an imported value sets on its delivery, new or existing alike.
struct Delivered {
    value: f64,
    breakdown: Option<String>,
    note: Option<String>,
    definition_id: Option<Uuid>,
    by: Option<Uuid>,
    at: chrono::DateTime<chrono::Utc>,
}

impl Delivered {
    fn fill(self, row: &mut delivery::ActiveModel) {
        row.status = Set(DeliveryStatus::Delivered);
        row.value = Set(Some(self.value));
        row.breakdown = Set(self.breakdown);
        row.note = Set(self.note);
        row.definition_id = Set(self.definition_id);
        row.delivered_by = Set(self.by);
        row.delivered_at = Set(Some(self.at));
        row.next_reminder_at = Set(None);
    }
}

/// Writes the decided periods of one indicator in the caller's transaction: new deliveries in
/// batches, open ones updated (their reminders cancelled), the sources of imported tables, and an
/// audit event per delivery.
async fn apply(
    txn: &mut Change,
    ind: &indicator::Model,
    by: Option<Uuid>,
    writes: Vec<Write>,
    source: Option<(&genesis_mapping::Model, NaiveDate)>,
    via: &str,
) -> Result<()> {
    let now = txn.now;
    let mut inserts = Vec::new();
    let mut sources = Vec::new();
    for w in writes {
        let Confirmed::Value { value, breakdown, note, definition_id, on_time } = w.confirmed else { continue };
        let breakdown =
            (!breakdown.is_empty()).then(|| serde_json::to_string(&breakdown).unwrap_or_else(|_| "[]".into()));
        let delivered = Delivered { value, breakdown, note, definition_id, by, at: now };
        let id = match w.existing {
            None => {
                let id = Uuid::now_v7();
                let mut row = new_delivery_row(id, ind, &w.period, now, now);
                delivered.fill(&mut row);
                row.on_time = Set(on_time);
                // Every column is set, so that the rows of one INSERT share their shape.
                row.expected_at = Set(None);
                row.no_data_reason = Set(None);
                row.return_reason = Set(None);
                row.accepted_by = Set(None);
                row.accepted_at = Set(None);
                inserts.push(row);
                id
            }
            Some(d) => {
                notifications::cancel_pending(&*txn, &reminders::delivery_prefix(d.id)).await?;
                let id = d.id;
                let version = d.version + 1;
                let mut row = d.into_active_model();
                delivered.fill(&mut row);
                row.version = Set(version);
                row.updated_at = Set(now);
                if on_time.is_some() {
                    row.on_time = Set(on_time);
                }
                row.update(&*txn).await?;
                id
            }
        };
        if let Some((mapping, retrieved_on)) = source {
            sources.push(value_source::ActiveModel {
                delivery_id: Set(id),
                table_code: Set(mapping.table_code.clone()),
                source: Set(mapping.source.clone()),
                licence: Set(LICENCE.into()),
                retrieved_on: Set(retrieved_on),
                imported_at: Set(now),
            });
        }
        txn.audit(
            by,
            AuditEntry {
                action: "delivery.import",
                entity_type: "delivery",
                entity_id: Some(id),
                summary: format!("Datenlieferung {} für {} {via} übernommen", w.period, ind.code),
            },
        );
    }
    while !inserts.is_empty() {
        let rest = inserts.split_off(inserts.len().min(CHUNK));
        delivery::Entity::insert_many(std::mem::replace(&mut inserts, rest)).exec_without_returning(&*txn).await?;
    }
    if !sources.is_empty() {
        let ids: Vec<Uuid> = sources.iter().filter_map(|s| s.delivery_id.clone().take()).collect();
        for chunk in ids.chunks(CHUNK) {
            value_source::Entity::delete_many()
                .filter(value_source::Column::DeliveryId.is_in(chunk.iter().copied()))
                .exec(&*txn)
                .await?;
        }
    }
    while !sources.is_empty() {
        let rest = sources.split_off(sources.len().min(CHUNK));
        value_source::Entity::insert_many(std::mem::replace(&mut sources, rest)).exec_without_returning(&*txn).await?;
    }
    Ok(())
}

/// Decides each incoming period of one indicator against its stored deliveries; validation
/// failures become line errors.
async fn decide_all<C: ConnectionTrait>(
    db: &C,
    ind: &indicator::Model,
    incoming: Vec<Incoming>,
    definition_id: Option<Uuid>,
    now: chrono::DateTime<chrono::Utc>,
    errors: &mut Vec<LineError>,
) -> Result<(Vec<PeriodOutcome>, Vec<Write>)> {
    let periods: Vec<String> = incoming.iter().map(|i| i.period.clone()).collect();
    let mut stored: HashMap<String, delivery::Model> = HashMap::new();
    for chunk in periods.chunks(CHUNK) {
        let rows = delivery::Entity::find()
            .filter(delivery::Column::IndicatorId.eq(ind.id))
            .filter(delivery::Column::Period.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        stored.extend(rows.into_iter().map(|d| (d.period.clone(), d)));
    }
    let mut outcomes = Vec::with_capacity(incoming.len());
    let mut writes = Vec::new();
    // The district list is read only when a district dimension comes in.
    let by_district = incoming
        .iter()
        .flat_map(|i| &i.breakdown)
        .any(|b| crate::indicators::districts::is_district_dimension(&b.dimension));
    let districts = if by_district { crate::indicators::districts::index(db).await? } else { Default::default() };
    for mut item in incoming {
        if let Err((_, message)) = districts.resolve(&mut item.breakdown) {
            errors.push(LineError { line: item.line, message: format!("{} {}: {message}", ind.code, item.period) });
            continue;
        }
        let existing = stored.remove(&item.period);
        let cells = existing.as_ref().map(breakdown_of).unwrap_or_default();
        let facts = existing.as_ref().map(|d| Stored {
            status: d.status,
            version: d.version,
            due_at: d.due_at,
            on_time: d.on_time,
            reminder_epoch: d.reminder_epoch,
            value: d.value,
            breakdown: &cells,
        });
        let decision =
            match plan::decide(facts.as_ref(), item.value, &item.breakdown, item.note, definition_id, &ind.unit, now) {
                Ok(d) => d,
                Err(e @ Error::Validation { .. }) => {
                    errors.push(LineError { line: item.line, message: format!("{} {}: {e}", ind.code, item.period) });
                    continue;
                }
                Err(e) => return Err(e),
            };
        outcomes.push(PeriodOutcome {
            period: item.period.clone(),
            line: item.line,
            outcome: decision.outcome,
            value: item.value,
            previous: existing.as_ref().and_then(|d| d.value),
            cells: item.breakdown.len(),
            reason: decision.reason,
        });
        if let Some(confirmed) = decision.confirmed {
            writes.push(Write { period: item.period, existing, confirmed });
        }
    }
    Ok((outcomes, writes))
}

fn counts(outcomes: &[PeriodOutcome], markers: usize, errors: usize) -> Counts {
    let count = |o: Outcome| outcomes.iter().filter(|p| p.outcome == o).count();
    Counts {
        created: count(Outcome::Created),
        changed: count(Outcome::Changed),
        unchanged: count(Outcome::Unchanged),
        refused: count(Outcome::Refused),
        markers,
        errors,
    }
}

/// Decides every period of the file against the stored deliveries.
async fn plan_import<C: ConnectionTrait>(
    db: &C,
    ind: &indicator::Model,
    mapping: &genesis_mapping::Model,
    extract: ffcsv::Extract,
    now: chrono::DateTime<chrono::Utc>,
    dry_run: bool,
) -> Result<(ImportReport, Vec<Write>)> {
    let ffcsv::Extract { times, markers, mut errors, lines, matched, decimal_comma } = extract;
    let mut by_period: Vec<(String, ffcsv::TimeValues)> = Vec::with_capacity(times.len());
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (time, values) in times {
        match plan::period_of(&time, ind.periodicity) {
            Ok(p) => {
                if let Some(first) = seen.insert(p.clone(), values.line) {
                    let message = format!("{time} falls into period {p} as line {first} does");
                    errors.push(LineError { line: values.line, message });
                } else {
                    by_period.push((p, values));
                }
            }
            Err(e) => errors.push(LineError { line: values.line, message: e.to_string() }),
        }
    }
    let note = Some(format!("GENESIS {} ({})", mapping.table_code, mapping.source));
    let mut incoming = Vec::with_capacity(by_period.len());
    for (period, values) in by_period {
        let Some(value) = values.value else {
            let message = format!("{period}: only breakdown cells, no total for the filtered dimensions");
            errors.push(LineError { line: values.line, message });
            continue;
        };
        incoming.push(Incoming { period, line: values.line, value, breakdown: values.breakdown, note: note.clone() });
    }
    let (outcomes, writes) = decide_all(db, ind, incoming, mapping.definition_id, now, &mut errors).await?;
    errors.sort_by_key(|e| e.line);
    let counts = counts(&outcomes, markers.len(), errors.len());
    let report = ImportReport {
        indicator_id: ind.id,
        indicator_code: ind.code.clone(),
        table_code: mapping.table_code.clone(),
        dry_run,
        applied: false,
        decimal_comma,
        lines,
        matched,
        counts,
        periods: outcomes,
        markers,
        errors,
    };
    Ok((report, writes))
}

/// One period of a spreadsheet upload, with its indicator.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SheetOutcome {
    pub indicator_code: String,
    #[serde(flatten)]
    pub period: PeriodOutcome,
}

/// The answer of a spreadsheet's dry run or import.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SheetReport {
    pub dry_run: bool,
    pub applied: bool,
    pub counts: Counts,
    pub periods: Vec<SheetOutcome>,
    pub errors: Vec<LineError>,
}

/// Imports (or previews) a department's spreadsheet (CSV or XLSX) with values of many indicators:
/// each row is decided like a confirmation by hand of its indicator's period, for indicators the
/// importer may confirm. With any line error the real run writes nothing.
pub async fn import_sheet(
    state: &AppState,
    importer: Importer<'_>,
    upload: &[u8],
    dry_run: bool,
) -> Result<SheetReport> {
    let (table, german) = sheet::table_of(upload).map_err(|m| Error::validation("file", m))?;
    let sheet::Sheet { rows, mut errors } = sheet::rows(&table, german);
    let now = state.now();
    let codes: HashSet<String> = rows.iter().map(|r| r.code.clone()).collect();
    let mut indicators: HashMap<String, indicator::Model> = HashMap::new();
    let codes: Vec<String> = codes.into_iter().collect();
    for chunk in codes.chunks(CHUNK) {
        let found = indicator::Entity::find()
            .filter(indicator::Column::Code.is_in(chunk.iter().cloned()))
            .all(&state.db)
            .await?;
        indicators.extend(found.into_iter().map(|i| (i.code.clone(), i)));
    }
    let computed = crate::indicators::computed::formulas_for(&state.db, indicators.values().map(|i| i.id)).await?;
    let mut grouped: Vec<(indicator::Model, Option<Uuid>, Vec<Incoming>)> = Vec::new();
    let mut slot: HashMap<Uuid, usize> = HashMap::new();
    for r in rows {
        let Some(ind) = indicators.get(&r.code) else {
            errors.push(LineError { line: r.line, message: format!("no indicator with the code {}", r.code) });
            continue;
        };
        if computed.contains_key(&ind.id) {
            let message = format!("{} is computed from its inputs and takes no values (COMPUTED_INDICATOR)", r.code);
            errors.push(LineError { line: r.line, message });
            continue;
        }
        let by = match importer.user_for(ind.owner_id) {
            Ok(by) => by,
            Err(e @ Error::Forbidden(_)) => {
                errors.push(LineError { line: r.line, message: format!("{}: {e}", r.code) });
                continue;
            }
            Err(e) => return Err(e),
        };
        let period = match crate::indicators::timing::Period::parse(&r.period, ind.periodicity) {
            Ok(p) => p.label(ind.periodicity),
            Err(e) => {
                errors.push(LineError { line: r.line, message: format!("{} {}: {e}", r.code, r.period) });
                continue;
            }
        };
        let i = *slot.entry(ind.id).or_insert_with(|| {
            grouped.push((ind.clone(), by, Vec::new()));
            grouped.len() - 1
        });
        grouped[i].2.push(Incoming { period, line: r.line, value: r.value, breakdown: r.breakdown, note: r.note });
    }
    let mut txn = if dry_run { None } else { Some(Change::begin(&state.db, now).await?) };
    let mut periods = Vec::new();
    let mut all_writes = Vec::new();
    for (ind, by, incoming) in grouped {
        let (outcomes, writes) = match &txn {
            Some(t) => decide_all(t, &ind, incoming, None, now, &mut errors).await?,
            None => decide_all(&state.db, &ind, incoming, None, now, &mut errors).await?,
        };
        periods.extend(outcomes.into_iter().map(|p| SheetOutcome { indicator_code: ind.code.clone(), period: p }));
        all_writes.push((ind, by, writes));
    }
    errors.sort_by_key(|e| e.line);
    periods.sort_by_key(|p| p.period.line);
    let flat: Vec<PeriodOutcome> = periods.iter().map(|p| p.period.clone()).collect();
    let mut report = SheetReport { dry_run, applied: false, counts: counts(&flat, 0, errors.len()), periods, errors };
    let Some(mut txn) = txn.take() else { return Ok(report) };
    if !report.errors.is_empty() || all_writes.iter().all(|(_, _, w)| w.is_empty()) {
        txn.rollback().await?;
        return Ok(report);
    }
    for (ind, by, writes) in all_writes {
        apply(&mut txn, &ind, by, writes, None, "aus einer Tabelle").await?;
    }
    txn.commit().await?;
    report.applied = true;
    Ok(report)
}
