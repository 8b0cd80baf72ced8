//! Reference values: named comparison series (the state, Germany, similar cities) beside an
//! indicator's own series, entered by the owner or a coordinator or imported from a GENESIS flat
//! file with another regional filter. They are shown and downloaded, never assessed: the status
//! rule reads the indicator's own values only.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::sea_query::StringLen;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter, QueryOrder,
    Set,
};
use serde::Serialize;
use uuid::Uuid;

use super::{
    delivery_rules,
    entities::indicator,
    import::{
        self,
        ffcsv::{self, DimensionFilter, LineError, MarkerLine, TableMapping},
        plan,
    },
    timing::Period,
};
use crate::{
    accounts::policy::Actor,
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    state::AppState,
    text::Line,
};

/// Most comparison series per indicator: a chart stays readable with a handful.
pub const MAX_SERIES: usize = 8;
/// Most values per series: decades of quarters.
pub const MAX_VALUES: usize = 200;

pub mod series {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reference_series")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub indicator_id: Uuid,
        /// What the series is, e.g. "NRW", "Deutschland", "Gelsenkirchen".
        pub label: String,
        pub kind: super::ReferenceKind,
        /// Where the values come from, e.g. "GENESIS 12411-03-03-4".
        pub source: Option<String>,
        pub version: i32,
        pub updated_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod value {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "reference_values")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub series_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub period: String,
        pub value: f64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// What a comparison series stands for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    sea_orm::EnumIter,
    sea_orm::DeriveActiveEnum,
    async_graphql::Enum,
    Serialize,
    serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReferenceKind {
    /// The federal state, e.g. NRW.
    #[sea_orm(string_value = "STATE")]
    State,
    /// Germany.
    #[sea_orm(string_value = "COUNTRY")]
    Country,
    /// A similar city.
    #[sea_orm(string_value = "CITY")]
    City,
    /// A district or region around the city.
    #[sea_orm(string_value = "REGION")]
    Region,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// A series with its values in period order.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub series: series::Model,
    pub values: Vec<value::Model>,
}

/// A series as entered.
#[derive(Debug, Clone)]
pub struct ReferenceInput {
    pub label: String,
    pub kind: ReferenceKind,
    pub source: Option<String>,
    pub values: Vec<(String, f64)>,
}

/// The reference series of `ids`, with their values, in two statements.
pub async fn references_for<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Vec<Reference>>> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let all = series::Entity::find()
        .filter(series::Column::IndicatorId.is_in(ids))
        // Ids are time-ordered (v7): the order in which the series were added.
        .order_by_asc(series::Column::Id)
        .all(db)
        .await?;
    if all.is_empty() {
        return Ok(HashMap::new());
    }
    let mut values: HashMap<Uuid, Vec<value::Model>> = HashMap::new();
    for v in value::Entity::find().filter(value::Column::SeriesId.is_in(all.iter().map(|s| s.id))).all(db).await? {
        values.entry(v.series_id).or_default().push(v);
    }
    let mut out: HashMap<Uuid, Vec<Reference>> = HashMap::new();
    for s in all {
        let mut vs = values.remove(&s.id).unwrap_or_default();
        // Period labels of one periodicity sort in time order as text.
        vs.sort_by(|a, b| a.period.cmp(&b.period));
        out.entry(s.indicator_id).or_default().push(Reference { series: s, values: vs });
    }
    Ok(out)
}

/// Checks the values of a series against the indicator's periodicity: periods written as the
/// indicator writes them, each once, finite numbers.
pub fn check_values(values: &[(String, f64)], ind: &indicator::Model) -> Result<BTreeMap<String, f64>> {
    if values.len() > MAX_VALUES {
        return Err(Error::validation("values", format!("at most {MAX_VALUES}")));
    }
    let mut out = BTreeMap::new();
    for (i, (period, v)) in values.iter().enumerate() {
        let field = format!("values[{i}]");
        let label = Period::parse(period, ind.periodicity)
            .map_err(|_| Error::validation(&field, format!("„{period}“ is no period of this indicator")))?
            .label(ind.periodicity);
        if !v.is_finite() {
            return Err(Error::validation(&field, "must be a number"));
        }
        if out.insert(label.clone(), *v).is_some() {
            return Err(Error::validation(&field, format!("period {label} twice")));
        }
    }
    Ok(out)
}

async fn indicator_for(txn: &Change, actor: &Actor, indicator_id: Uuid) -> Result<indicator::Model> {
    let ind = indicator::Entity::find_by_id(indicator_id).one(txn).await?.ok_or(Error::NotFound("indicator"))?;
    if !delivery_rules::may_act_for(actor, ind.owner_id) {
        return Err(Error::forbidden("only the owning organisation or coordinators keep reference values"));
    }
    Ok(ind)
}

async fn write_values(txn: &Change, series_id: Uuid, values: &BTreeMap<String, f64>) -> Result<()> {
    if values.is_empty() {
        return Ok(());
    }
    value::Entity::insert_many(values.iter().map(|(period, v)| value::ActiveModel {
        series_id: Set(series_id),
        period: Set(period.clone()),
        value: Set(*v),
    }))
    .exec(txn)
    .await?;
    Ok(())
}

/// Creates a series (`series_id` none) or replaces one's label, kind, source and values.
pub async fn set_reference(
    state: &AppState,
    actor: &Actor,
    indicator_id: Uuid,
    series_id: Option<Uuid>,
    input: ReferenceInput,
    expected_version: Option<i32>,
) -> Result<series::Model> {
    let label = Line(80).required("label", &input.label)?;
    let source = Line(200).optional("source", input.source.as_deref())?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let ind = indicator_for(&txn, actor, indicator_id).await?;
    let values = check_values(&input.values, &ind)?;
    let existing = series::Entity::find().filter(series::Column::IndicatorId.eq(ind.id)).all(&txn).await?;
    if existing.iter().any(|s| s.label == label && Some(s.id) != series_id) {
        return Err(Error::duplicate("label", format!("a reference series „{label}“ exists already")));
    }
    let saved = match series_id {
        Some(id) => {
            let old = existing.into_iter().find(|s| s.id == id).ok_or(Error::NotFound("reference series"))?;
            delivery_rules::stale(old.version, expected_version, "the reference series")?;
            let version = old.version + 1;
            let mut row = old.into_active_model();
            row.label = Set(label);
            row.kind = Set(input.kind);
            row.source = Set(source);
            row.version = Set(version);
            row.updated_by = Set(Some(actor.user_id));
            row.updated_at = Set(now);
            let saved = row.update(&txn).await?;
            value::Entity::delete_many().filter(value::Column::SeriesId.eq(saved.id)).exec(&txn).await?;
            saved
        }
        None => {
            if existing.len() >= MAX_SERIES {
                return Err(Error::validation("label", format!("at most {MAX_SERIES} reference series")));
            }
            series::ActiveModel {
                id: Set(Uuid::now_v7()),
                indicator_id: Set(ind.id),
                label: Set(label),
                kind: Set(input.kind),
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
    write_values(&txn, saved.id, &values).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "indicator.reference",
            entity_type: "indicator",
            entity_id: Some(ind.id),
            summary: format!(
                "Vergleichswerte „{}“ für {} ({})",
                saved.label,
                ind.code,
                crate::german::count(values.len(), "Wert", "Werte")
            ),
        },
    );
    txn.commit().await?;
    Ok(saved)
}

/// Removes a series with its values; answers the indicator it belonged to.
pub async fn remove_reference(
    state: &AppState,
    actor: &Actor,
    series_id: Uuid,
    expected_version: Option<i32>,
) -> Result<Uuid> {
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let old = series::Entity::find_by_id(series_id).one(&txn).await?.ok_or(Error::NotFound("reference series"))?;
    let ind = indicator_for(&txn, actor, old.indicator_id).await?;
    delivery_rules::stale(old.version, expected_version, "the reference series")?;
    let label = old.label.clone();
    old.delete(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "indicator.reference_removed",
            entity_type: "indicator",
            entity_id: Some(ind.id),
            summary: format!("Vergleichswerte „{label}“ von {} entfernt", ind.code),
        },
    );
    txn.commit().await?;
    Ok(ind.id)
}

/// What a reference import does (or would do) to one period.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferencePeriod {
    pub period: String,
    pub line: u64,
    pub value: f64,
    pub previous: Option<f64>,
    /// `CREATED`, `CHANGED` or `UNCHANGED`.
    pub outcome: &'static str,
}

/// The answer of a reference import's dry run or real run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceImport {
    pub indicator_id: Uuid,
    pub table_code: String,
    pub label: String,
    pub kind: ReferenceKind,
    pub dry_run: bool,
    pub applied: bool,
    pub lines: u64,
    pub matched: u64,
    pub periods: Vec<ReferencePeriod>,
    pub markers: Vec<MarkerLine>,
    pub errors: Vec<LineError>,
}

/// A reference import's target: the series' label and kind, and the regional (or other)
/// filters that replace the indicator's mapping's filters for the same table.
#[derive(Debug, Clone)]
pub struct ReferenceTarget {
    pub label: String,
    pub kind: ReferenceKind,
    pub filters: Vec<DimensionFilter>,
}

/// Imports the values of a comparison region from the GENESIS table mapped to the indicator:
/// the same table code and value variable, the target's filters instead of the city's. The
/// series named `label` is created or its periods in the file are set; a dry run writes nothing,
/// nor does a file with line errors. The same file twice changes nothing.
pub async fn import_reference(
    state: &AppState,
    actor: &Actor,
    indicator_id: Uuid,
    upload: &[u8],
    target: ReferenceTarget,
    dry_run: bool,
) -> Result<ReferenceImport> {
    let label = Line(80).required("label", &target.label)?;
    if target.filters.is_empty() || target.filters.len() > import::MAX_FILTERS {
        return Err(Error::validation("filters", format!("1 to {} filters like GEMEIN=05513000", import::MAX_FILTERS)));
    }
    let csv = ffcsv::unpack(upload).map_err(|m| Error::validation("file", m))?;
    let text = ffcsv::decode(&csv);
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let ind = indicator_for(&txn, actor, indicator_id).await?;
    let mapping = import::mapping_of(&txn, ind.id)
        .await?
        .ok_or_else(|| Error::validation("indicatorId", "the indicator has no GENESIS table mapped yet"))?;
    let extract = ffcsv::extract(
        &text,
        &TableMapping {
            table_code: mapping.table_code.clone(),
            value_variable: mapping.value_variable.clone(),
            filters: target.filters.clone(),
        },
    );
    let mut errors = extract.errors;
    let mut incoming: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    for (time, values) in extract.times {
        match plan::period_of(&time, ind.periodicity) {
            Ok(p) => match values.value {
                Some(v) if !incoming.contains_key(&p) => {
                    incoming.insert(p, (values.line, v));
                }
                Some(_) => {
                    errors.push(LineError { line: values.line, message: format!("{time} falls into period {p} twice") })
                }
                // A marker in place of the value: listed among the markers, nothing to store.
                None => {}
            },
            Err(e) => errors.push(LineError { line: values.line, message: e.to_string() }),
        }
    }
    let existing = series::Entity::find()
        .filter(series::Column::IndicatorId.eq(ind.id))
        .filter(series::Column::Label.eq(&label))
        .one(&txn)
        .await?;
    let previous: HashMap<String, f64> = match &existing {
        Some(s) => value::Entity::find()
            .filter(value::Column::SeriesId.eq(s.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|v| (v.period, v.value))
            .collect(),
        None => HashMap::new(),
    };
    let periods: Vec<ReferencePeriod> = incoming
        .iter()
        .map(|(period, (line, v))| {
            let before = previous.get(period).copied();
            let outcome = match before {
                None => "CREATED",
                Some(b) if b == *v => "UNCHANGED",
                Some(_) => "CHANGED",
            };
            ReferencePeriod { period: period.clone(), line: *line, value: *v, previous: before, outcome }
        })
        .collect();
    errors.sort_by_key(|e| e.line);
    let mut report = ReferenceImport {
        indicator_id: ind.id,
        table_code: mapping.table_code.clone(),
        label: label.clone(),
        kind: target.kind,
        dry_run,
        applied: false,
        lines: extract.lines,
        matched: extract.matched,
        periods,
        markers: extract.markers,
        errors,
    };
    let writes: BTreeMap<String, f64> =
        report.periods.iter().filter(|p| p.outcome != "UNCHANGED").map(|p| (p.period.clone(), p.value)).collect();
    if dry_run || !report.errors.is_empty() || writes.is_empty() {
        txn.rollback().await?;
        return Ok(report);
    }
    let source = Some(format!("GENESIS {} ({}), {}", mapping.table_code, mapping.source, import::LICENCE));
    let series = match existing {
        Some(s) => {
            let version = s.version + 1;
            let mut row = s.into_active_model();
            row.version = Set(version);
            row.source = Set(source);
            row.updated_by = Set(Some(actor.user_id));
            row.updated_at = Set(now);
            row.update(&txn).await?
        }
        None => {
            let count = series::Entity::find().filter(series::Column::IndicatorId.eq(ind.id)).all(&txn).await?.len();
            if count >= MAX_SERIES {
                return Err(Error::validation("label", format!("at most {MAX_SERIES} reference series")));
            }
            series::ActiveModel {
                id: Set(Uuid::now_v7()),
                indicator_id: Set(ind.id),
                label: Set(label.clone()),
                kind: Set(target.kind),
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
    let replaced: HashSet<&String> = writes.keys().collect();
    value::Entity::delete_many()
        .filter(value::Column::SeriesId.eq(series.id))
        .filter(value::Column::Period.is_in(replaced.into_iter().cloned()))
        .exec(&txn)
        .await?;
    write_values(&txn, series.id, &writes).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "indicator.reference_import",
            entity_type: "indicator",
            entity_id: Some(ind.id),
            summary: format!(
                "Vergleichswerte „{label}“ für {} aus GENESIS {} importiert ({} Werte)",
                ind.code,
                mapping.table_code,
                writes.len()
            ),
        },
    );
    txn.commit().await?;
    report.applied = true;
    Ok(report)
}

/// `GEMEIN=05513000, GES=GESW` → filters; empty parts are dropped.
pub fn parse_filters(raw: &str) -> Result<Vec<DimensionFilter>> {
    raw.split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((v, a)) if !v.trim().is_empty() && !a.trim().is_empty() => {
                Ok(DimensionFilter { variable: v.trim().to_string(), attribute: a.trim().to_string() })
            }
            _ => Err(Error::validation("filters", format!("„{p}“ is no VARIABLE=ATTRIBUTE"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_read_from_text() {
        let f = parse_filters("GEMEIN=05513000, GES = GESW").unwrap();
        assert_eq!(f[0], DimensionFilter { variable: "GEMEIN".into(), attribute: "05513000".into() });
        assert_eq!(f[1].attribute, "GESW");
        assert!(parse_filters("GEMEIN").is_err());
        assert!(parse_filters("").unwrap().is_empty());
    }
}
