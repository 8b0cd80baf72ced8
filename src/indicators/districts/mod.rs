//! Districts: the city's small-area units (Stadtbezirke, Stadtteile) as a code list that
//! breakdowns of a district dimension refer to, the boundaries to draw them on a map, and each
//! indicator's rule for keeping small numbers out of public answers.

pub mod entities;
pub mod geojson;
pub mod graphql;
pub mod suppress;

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use uuid::Uuid;

use self::entities::{district, district_map, privacy};
use crate::{
    accounts::policy::{Actor, Permission},
    audit::AuditEntry,
    change::Change,
    error::{Error, Result},
    indicators::{
        delivery_rules::{BreakdownEntry, stale},
        entities::indicator,
    },
    state::AppState,
    text::{Line, NAME},
};

/// Most districts a city keeps.
pub const MAX_DISTRICTS: u64 = 2_000;
/// The largest district map accepted: boundaries of a few hundred areas, not a cadastre.
pub const MAX_MAP_BYTES: usize = 10 * 1024 * 1024;

/// Whether a breakdown dimension names districts, so that its categories must be districts of
/// the list (compared without case; any other dimension stays free text).
pub fn is_district_dimension(dimension: &str) -> bool {
    matches!(
        dimension.trim().to_lowercase().as_str(),
        "stadtbezirk" | "stadtbezirke" | "stadtteil" | "stadtteile" | "bezirk" | "bezirke" | "district" | "districts"
    )
}

/// The district list as breakdowns look it up: by code, or by exact name.
#[derive(Debug, Clone, Default)]
pub struct DistrictIndex {
    names: HashMap<String, String>,
    codes_by_name: HashMap<String, String>,
}

impl DistrictIndex {
    pub fn new<'a>(districts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut index = Self::default();
        for (code, name) in districts {
            index.names.insert(code.to_string(), name.to_string());
            index.codes_by_name.entry(name.to_string()).or_insert_with(|| code.to_string());
        }
        index
    }

    /// Points every cell of a district dimension at its district (category = its name, code =
    /// its code), found by the code given, the category as a code, or the category as the exact
    /// name. Cells of other dimensions carry no code. With no district list kept, breakdowns
    /// stay free text. An unknown district answers the cell's index and a message.
    pub fn resolve(&self, cells: &mut [BreakdownEntry]) -> std::result::Result<(), (usize, String)> {
        for (i, cell) in cells.iter_mut().enumerate() {
            if self.names.is_empty() || !is_district_dimension(&cell.dimension) {
                cell.code = None;
                continue;
            }
            let category = cell.category.trim();
            let code = cell
                .code
                .as_deref()
                .filter(|c| self.names.contains_key(*c))
                .or_else(|| self.names.contains_key(category).then_some(category))
                .or_else(|| self.codes_by_name.get(category).map(String::as_str))
                .map(str::to_string);
            let Some(code) = code else {
                return Err((
                    i,
                    format!("„{}“ is no district of the list ({}: code or exact name)", cell.category, cell.dimension),
                ));
            };
            cell.category = self.names.get(&code).cloned().unwrap_or_default();
            cell.code = Some(code);
        }
        Ok(())
    }
}

pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<district::Model>> {
    use sea_orm::QuerySelect;
    Ok(district::Entity::find().order_by_asc(district::Column::Code).limit(MAX_DISTRICTS).all(db).await?)
}

pub async fn index<C: ConnectionTrait>(db: &C) -> Result<DistrictIndex> {
    let all = list(db).await?;
    Ok(DistrictIndex::new(all.iter().map(|d| (d.code.as_str(), d.name.as_str()))))
}

/// Resolves the district cells of a breakdown for a service entry point: an unknown district
/// is a `VALIDATION` error on that cell.
pub async fn resolve_cells<C: ConnectionTrait>(db: &C, cells: &mut [BreakdownEntry]) -> Result<()> {
    if !cells.iter().any(|c| is_district_dimension(&c.dimension)) {
        cells.iter_mut().for_each(|c| c.code = None);
        return Ok(());
    }
    index(db).await?.resolve(cells).map_err(|(i, m)| Error::validation(format!("breakdown[{i}].category"), m))
}

fn clean_code(raw: &str) -> Result<String> {
    let code = Line(40).required("code", raw)?;
    if code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) {
        Ok(code)
    } else {
        Err(Error::validation("code", "letters, digits, '.', '-' or '_'"))
    }
}

async fn parent_ok<C: ConnectionTrait>(db: &C, id: Option<Uuid>, parent_id: Option<Uuid>) -> Result<()> {
    let mut next = parent_id;
    let mut steps = 0;
    while let Some(p) = next {
        if Some(p) == id {
            return Err(Error::validation("parentId", "a district cannot lie within itself"));
        }
        let parent = district::Entity::find_by_id(p).one(db).await?;
        let Some(parent) = parent else { return Err(Error::validation("parentId", "no such district")) };
        next = parent.parent_id;
        steps += 1;
        if steps > 10 {
            return Err(Error::validation("parentId", "at most ten levels"));
        }
    }
    Ok(())
}

/// A new district, for coordinators.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    code: &str,
    name: &str,
    parent_id: Option<Uuid>,
) -> Result<district::Model> {
    actor.require(Permission::ManageIndicators)?;
    let code = clean_code(code)?;
    let name = NAME.required("name", name)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    if district::Entity::find().filter(district::Column::Code.eq(&code)).one(&txn).await?.is_some() {
        return Err(Error::duplicate("code", format!("a district with the code {code} exists already")));
    }
    if sea_orm::PaginatorTrait::count(district::Entity::find(), &txn).await? >= MAX_DISTRICTS {
        return Err(Error::Limit(format!("at most {MAX_DISTRICTS} districts")));
    }
    parent_ok(&txn, None, parent_id).await?;
    let saved = district::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code),
        name: Set(name),
        parent_id: Set(parent_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "district.create",
            entity_type: "district",
            entity_id: Some(saved.id),
            summary: format!("Bezirk {} „{}“ angelegt", saved.code, saved.name),
        },
    );
    txn.commit().await?;
    Ok(saved)
}

/// Renames a district or moves it under another; the code stays, so stored breakdowns keep
/// pointing at it.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    name: &str,
    parent_id: Option<Uuid>,
    expected_version: i32,
) -> Result<district::Model> {
    actor.require(Permission::ManageIndicators)?;
    let name = NAME.required("name", name)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let old = district::Entity::find_by_id(id).one(&txn).await?.ok_or(Error::NotFound("district"))?;
    stale(old.version, Some(expected_version), "the district")?;
    parent_ok(&txn, Some(id), parent_id).await?;
    let before = old.name.clone();
    let version = old.version + 1;
    let mut row = old.into_active_model();
    row.name = Set(name);
    row.parent_id = Set(parent_id);
    row.version = Set(version);
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "district.update",
            entity_type: "district",
            entity_id: Some(saved.id),
            summary: format!("Bezirk {}: „{before}“ → „{}“", saved.code, saved.name),
        },
    );
    txn.commit().await?;
    Ok(saved)
}

/// Removes a district that no other lies within.
pub async fn remove(state: &AppState, actor: &Actor, id: Uuid, expected_version: i32) -> Result<Uuid> {
    actor.require(Permission::ManageIndicators)?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let old = district::Entity::find_by_id(id).one(&txn).await?.ok_or(Error::NotFound("district"))?;
    stale(old.version, Some(expected_version), "the district")?;
    if district::Entity::find().filter(district::Column::ParentId.eq(id)).one(&txn).await?.is_some() {
        return Err(Error::conflict("other districts lie within this one; move or remove them first"));
    }
    district::Entity::delete_by_id(id).exec(&txn).await?;
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "district.remove",
            entity_type: "district",
            entity_id: Some(id),
            summary: format!("Bezirk {} „{}“ entfernt", old.code, old.name),
        },
    );
    txn.commit().await?;
    Ok(id)
}

// ---- the map ------------------------------------------------------------------------------

/// What an upload of the district map found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MapReport {
    pub features: usize,
    pub bytes: usize,
    pub code_property: String,
    /// Districts of the list without a shape.
    pub districts_without_shape: Vec<String>,
    /// Shapes whose code is no district of the list.
    pub shapes_without_district: Vec<String>,
    pub version: i32,
}

/// The codes of the list without a shape, and the shapes' codes not in the list.
pub fn compare(list: &[String], shapes: &[String]) -> (Vec<String>, Vec<String>) {
    let missing = list.iter().filter(|c| !shapes.contains(c)).cloned().collect();
    let unknown = shapes.iter().filter(|c| !list.contains(c)).cloned().collect();
    (missing, unknown)
}

/// Stores the city's district map (replacing the one before), for coordinators. The file is
/// checked first; a problem is a `VALIDATION` error listing each feature's.
pub async fn upload_map(state: &AppState, actor: &Actor, bytes: &[u8], code_property: &str) -> Result<MapReport> {
    actor.require(Permission::ManageIndicators)?;
    if bytes.len() > MAX_MAP_BYTES {
        return Err(Error::Limit(format!("a district map may have at most {} MB", MAX_MAP_BYTES / 1024 / 1024)));
    }
    let code_property = Line(100).required("codeProperty", code_property)?;
    let checked = geojson::check(bytes, &code_property).map_err(|p| Error::validation("file", p.join("\n")))?;
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let old = district_map::Entity::find().one(&txn).await?;
    let version = old.as_ref().map_or(1, |m| m.version + 1);
    district_map::Entity::delete_many().exec(&txn).await?;
    district_map::ActiveModel {
        id: Set(Uuid::now_v7()),
        code_property: Set(code_property.clone()),
        geojson: Set(checked.geojson),
        features: Set(checked.codes.len() as i32),
        bytes: Set(bytes.len() as i64),
        uploaded_by: Set(Some(actor.user_id)),
        uploaded_at: Set(now),
        version: Set(version),
    }
    .insert(&txn)
    .await?;
    let codes: Vec<String> = list(&txn).await?.into_iter().map(|d| d.code).collect();
    let (missing, unknown) = compare(&codes, &checked.codes);
    txn.audit(
        Some(actor.user_id),
        AuditEntry {
            action: "district.map",
            entity_type: "district_map",
            entity_id: None,
            summary: format!(
                "Bezirkskarte mit {} Flächen hochgeladen (Eigenschaft „{code_property}“)",
                checked.codes.len()
            ),
        },
    );
    txn.commit().await?;
    Ok(MapReport {
        features: checked.codes.len(),
        bytes: bytes.len(),
        code_property,
        districts_without_shape: missing,
        shapes_without_district: unknown,
        version,
    })
}

pub async fn map<C: ConnectionTrait>(db: &C) -> Result<Option<district_map::Model>> {
    Ok(district_map::Entity::find().one(db).await?)
}

/// The codes of the stored map's shapes.
pub fn shape_codes(m: &district_map::Model) -> Vec<String> {
    serde_json::from_str::<serde_json::Value>(&m.geojson)
        .ok()
        .and_then(|v| {
            v.get("features").and_then(|f| f.as_array()).map(|fs| {
                fs.iter()
                    .filter_map(|f| f.pointer("/properties/code").and_then(|c| c.as_str()).map(str::to_string))
                    .collect()
            })
        })
        .unwrap_or_default()
}

// ---- suppression ------------------------------------------------------------------------

/// Sets (or with `None` lifts) an indicator's suppression threshold, for coordinators.
pub async fn set_suppression(
    state: &AppState,
    actor: &Actor,
    indicator_id: Uuid,
    suppress_below: Option<f64>,
    expected_version: Option<i32>,
) -> Result<Option<privacy::Model>> {
    actor.require(Permission::ManageIndicators)?;
    if let Some(b) = suppress_below
        && !(b.is_finite() && b > 0.0 && b <= 1_000.0)
    {
        return Err(Error::validation("suppressBelow", "a number above 0 and at most 1000"));
    }
    let now = state.now();
    let mut txn = Change::begin(&state.db, now).await?;
    let ind = indicator::Entity::find_by_id(indicator_id).one(&txn).await?.ok_or(Error::NotFound("indicator"))?;
    let old = privacy::Entity::find_by_id(indicator_id).one(&txn).await?;
    if let Some(o) = &old {
        stale(o.version, expected_version, "the suppression rule")?;
    }
    let saved = match (old, suppress_below) {
        (None, None) => return Ok(None),
        (Some(_), None) => {
            privacy::Entity::delete_by_id(indicator_id).exec(&txn).await?;
            None
        }
        (Some(o), Some(b)) => {
            let version = o.version + 1;
            let mut row = o.into_active_model();
            row.suppress_below = Set(b);
            row.version = Set(version);
            row.updated_by = Set(Some(actor.user_id));
            row.updated_at = Set(now);
            Some(row.update(&txn).await?)
        }
        (None, Some(b)) => Some(
            privacy::ActiveModel {
                indicator_id: Set(indicator_id),
                suppress_below: Set(b),
                version: Set(1),
                updated_by: Set(Some(actor.user_id)),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?,
        ),
    };
    let summary = match suppress_below {
        Some(b) => format!("Werte unter {b} von {} werden öffentlich nicht ausgewiesen", ind.code),
        None => format!("Geheimhaltungsregel von {} aufgehoben", ind.code),
    };
    txn.audit(
        Some(actor.user_id),
        AuditEntry { action: "indicator.suppression", entity_type: "indicator", entity_id: Some(ind.id), summary },
    );
    txn.commit().await?;
    Ok(saved)
}

pub async fn suppression_of<C: ConnectionTrait>(db: &C, indicator_id: Uuid) -> Result<Option<privacy::Model>> {
    Ok(privacy::Entity::find_by_id(indicator_id).one(db).await?)
}

/// The thresholds of the given indicators that have one.
pub async fn thresholds<C: ConnectionTrait>(db: &C, ids: Vec<Uuid>) -> Result<HashMap<Uuid, f64>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = privacy::Entity::find().filter(privacy::Column::IndicatorId.is_in(chunk.to_vec())).all(db).await?;
        out.extend(rows.into_iter().map(|r| (r.indicator_id, r.suppress_below)));
    }
    Ok(out)
}

/// Each district's code with the code of the district it lies in, for the suppression of
/// nested breakdowns. Read only when some indicator has a rule; the list is a city's few dozen.
pub async fn parent_codes<C: ConnectionTrait>(db: &C) -> Result<HashMap<String, String>> {
    let all = district::Entity::find().all(db).await?;
    let code_of: HashMap<Uuid, &str> = all.iter().map(|d| (d.id, d.code.as_str())).collect();
    Ok(all.iter().filter_map(|d| Some((d.code.clone(), code_of.get(&d.parent_id?)?.to_string()))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(dimension: &str, category: &str) -> BreakdownEntry {
        BreakdownEntry { dimension: dimension.into(), category: category.into(), value: 1.0, code: None }
    }

    #[test]
    fn district_dimensions_by_name() {
        for d in ["Stadtbezirk", "stadtteil", " Bezirk ", "District"] {
            assert!(is_district_dimension(d), "{d}");
        }
        assert!(!is_district_dimension("Geschlecht"));
    }

    #[test]
    fn cells_find_their_district_by_code_or_exact_name() {
        let index = DistrictIndex::new([("01", "Mitte"), ("02", "Nord")]);
        let mut cells = vec![cell("Stadtbezirk", "01"), cell("Stadtbezirk", "Nord"), cell("Geschlecht", "weiblich")];
        cells[2].code = Some("x".into());
        index.resolve(&mut cells).unwrap();
        assert_eq!((cells[0].category.as_str(), cells[0].code.as_deref()), ("Mitte", Some("01")));
        assert_eq!((cells[1].category.as_str(), cells[1].code.as_deref()), ("Nord", Some("02")));
        assert_eq!(cells[2].code, None, "other dimensions stay free text");
        let mut wrong = vec![cell("Stadtbezirk", "Mitte"), cell("Bezirk", "nord")];
        let (i, message) = index.resolve(&mut wrong).unwrap_err();
        assert_eq!(i, 1, "names match exactly");
        assert!(message.contains("„nord“"));
    }

    #[test]
    fn without_a_list_districts_stay_free_text() {
        let mut cells = vec![cell("Bezirk", "Irgendwo")];
        DistrictIndex::default().resolve(&mut cells).unwrap();
        assert_eq!(cells[0].category, "Irgendwo");
    }

    #[test]
    fn list_and_shapes_compared() {
        let (missing, unknown) = compare(&["01".into(), "02".into()], &["02".into(), "99".into()]);
        assert_eq!((missing, unknown), (vec!["01".to_string()], vec!["99".to_string()]));
    }
}
